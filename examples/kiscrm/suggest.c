/* "Did you mean …?" for mistyped commands, entities, fields, reports, stages and names:
 * the closest candidates by edit distance, or those the typed text begins (names: is part
 * of). Distances count characters, not bytes, so that 张玮 is one edit from 张伟. */
#include "cli.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longest text compared, in characters: longer ones are not suggested by distance. */
#define MAX_CHARS 128

/* Decodes UTF-8 into code points (a byte that starts no valid sequence counts as one
 * character); returns the count, or MAX_CHARS + 1 when the text is longer. */
static size_t decode(uint32_t *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;
	while (*p) {
		if (n == MAX_CHARS)
			return MAX_CHARS + 1;
		size_t len = *p < 0x80 ? 1 : (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3 : (*p & 0xF8) == 0xF0 ? 4 : 1;
		uint32_t cp = len == 1 ? *p : *p & (0x3F >> (len - 1));
		size_t k = 1;
		for (; k < len && (p[k] & 0xC0) == 0x80; k++)
			cp = cp << 6 | (p[k] & 0x3F);
		if (k < len) { /* truncated sequence: the lead byte alone */
			cp = *p;
			len = 1;
		}
		out[n++] = cp;
		p += len;
	}
	return n;
}

size_t cli_edit_distance(const char *a, const char *b)
{
	uint32_t x[MAX_CHARS], y[MAX_CHARS];
	/* rows i-2, i-1 and i of the table */
	size_t before[MAX_CHARS + 1], prev[MAX_CHARS + 1], cur[MAX_CHARS + 1];
	size_t n = decode(x, a), m = decode(y, b);
	if (n > MAX_CHARS || m > MAX_CHARS)
		return SIZE_MAX;
	for (size_t j = 0; j <= m; j++)
		prev[j] = j;
	for (size_t i = 1; i <= n; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= m; j++) {
			size_t best = prev[j - 1] + (x[i - 1] != y[j - 1]);
			if (prev[j] + 1 < best)
				best = prev[j] + 1;
			if (cur[j - 1] + 1 < best)
				best = cur[j - 1] + 1;
			/* two neighbours swapped (lsit for list) are one typo, not two */
			if (i > 1 && j > 1 && x[i - 1] == y[j - 2] && x[i - 2] == y[j - 1] && before[j - 2] + 1 < best)
				best = before[j - 2] + 1;
			cur[j] = best;
		}
		memcpy(before, prev, (m + 1) * sizeof(prev[0]));
		memcpy(prev, cur, (m + 1) * sizeof(prev[0]));
	}
	return prev[m];
}

void cli_suggest_init(cli_suggest *s, const char *typed, int names)
{
	memset(s, 0, sizeof(*s));
	s->typed = typed;
	s->names = names;
	if (names) {
		/* A two-character name is one edit from every other two-character name with a
		 * common character: allow two edits only from four characters on. */
		uint32_t buf[MAX_CHARS];
		s->limit = decode(buf, typed) >= 4 ? 2 : 1;
	} else {
		s->limit = 2;
	}
}

void cli_suggest_add(cli_suggest *s, const char *candidate)
{
	if (!candidate || !*candidate || !*s->typed)
		return;
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->best[i].text, candidate) == 0)
			return;
	size_t d = cli_edit_distance(s->typed, candidate);
	size_t score;
	if (d == 0)
		return; /* the typed text itself: nothing to suggest */
	if (d <= s->limit)
		score = d;
	else if (s->names ? strstr(candidate, s->typed) != NULL
			  : strncmp(candidate, s->typed, strlen(s->typed)) == 0)
		score = s->limit + 1; /* after the near misses */
	else
		return;
	/* Keep the three best, the earlier candidate first among equals. */
	size_t at = s->n;
	while (at > 0 && s->best[at - 1].score > score)
		at--;
	if (at >= CLI_SUGGEST_MAX)
		return;
	char *copy = strdup(candidate);
	if (!copy)
		return; /* a suggestion is a courtesy: without memory there is none */
	if (s->n == CLI_SUGGEST_MAX) {
		free(s->best[CLI_SUGGEST_MAX - 1].text);
		s->n--;
	}
	memmove(&s->best[at + 1], &s->best[at], (s->n - at) * sizeof(s->best[0]));
	s->best[at].text = copy;
	s->best[at].score = score;
	s->n++;
}

void cli_suggest_print(const cli_suggest *s, FILE *fp)
{
	if (!s->n)
		return;
	fputs(" (did you mean ", fp);
	for (size_t i = 0; i < s->n; i++)
		fprintf(fp, "%s%s", i == 0 ? "" : i + 1 == s->n ? " or " : ", ", s->best[i].text);
	fputs("?)", fp);
}

void cli_suggest_free(cli_suggest *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->best[i].text);
	s->n = 0;
}

int cli_usage_suggest(cli_suggest *s, const char *fmt, ...)
{
	va_list ap;
	fputs("kiscrm: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	cli_suggest_print(s, stderr);
	cli_suggest_free(s);
	fputs("\n(run `kiscrm --help` for usage)\n", stderr);
	return 2;
}

int cli_unknown_kind(const char *name)
{
	cli_suggest s;
	cli_suggest_init(&s, name, 0);
	for (int k = 1; kiscrm_kind_name(k); k++)
		cli_suggest_add(&s, kiscrm_kind_name(k));
	return cli_usage_suggest(&s, "unknown entity '%s'", name);
}

int cli_unknown_field(const char *what, int kind, const char *name)
{
	cli_suggest s;
	cli_suggest_init(&s, name, 0);
	for (int i = 0; i < kiscrm_kind_field_count(kind); i++) {
		int fid = kiscrm_kind_field_id(kind, i);
		const char *f = kiscrm_kind_field_name(kind, fid);
		cli_suggest_add(&s, f);
		/* the name form of a reference (owner for owner_id) is a field too */
		size_t n = strlen(f);
		if (kiscrm_kind_field_ref(kind, fid) && n > 3 && strcmp(f + n - 3, "_id") == 0) {
			char bare[64];
			snprintf(bare, sizeof(bare), "%.*s", (int)(n - 3), f);
			cli_suggest_add(&s, bare);
		}
	}
	fprintf(stderr, "kiscrm: %s: %s has no field '%s'", what, kiscrm_kind_name(kind), name);
	cli_suggest_print(&s, stderr);
	cli_suggest_free(&s);
	fprintf(stderr, "\n(`kiscrm fields %s` lists them)\n", kiscrm_kind_name(kind));
	return 2;
}
