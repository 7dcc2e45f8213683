/* Company-name keys for duplicate detection.
 *
 * The name is folded (full-width ASCII and U+3000 to half-width, ASCII lower-cased), then
 * spaces and the punctuation that separates legal forms are dropped, giving a "compact"
 * text; trailing legal-form suffixes are stripped from that compact text, so "Co., Ltd.",
 * "Co.,Ltd" and "co. ltd" all end in "coltd", and "（有限公司）" ends in "有限公司".
 *
 * English suffixes only count when they start a word in the original name (after a space,
 * a punctuation mark or a non-ASCII character such as a CJK ideograph), so "Zinc" keeps
 * its "inc" while "Foo Inc." and "金蝶Inc" lose theirs. Chinese suffixes need no boundary. */
#include "normalize.h"

#include "kiscrm/customer.h"
#include "kiscrm/text.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/utf8.h"

#include <stdlib.h>
#include <string.h>

struct suffix {
	const char *text;   /* compact form: lower case, no spaces or punctuation */
	int needs_boundary; /* must start a word in the original name */
};

/* Longest first, so that 股份有限公司 is tried before 有限公司 and "coltd" before "ltd". */
static const struct suffix suffixes[] = {
	{ "\xE8\x82\xA1\xE4\xBB\xBD\xE6\x9C\x89\xE9\x99\x90\xE5\x85\xAC\xE5\x8F\xB8", 0 }, /* 股份有限公司 */
	{ "\xE6\x9C\x89\xE9\x99\x90\xE8\xB4\xA3\xE4\xBB\xBB\xE5\x85\xAC\xE5\x8F\xB8", 0 }, /* 有限责任公司 */
	{ "\xE9\x9B\x86\xE5\x9B\xA2\xE6\x9C\x89\xE9\x99\x90\xE5\x85\xAC\xE5\x8F\xB8", 0 }, /* 集团有限公司 */
	{ "companylimited", 1 },
	{ "\xE6\x9C\x89\xE9\x99\x90\xE5\x85\xAC\xE5\x8F\xB8", 0 }, /* 有限公司 */
	{ "corporation", 1 },
	{ "limited", 1 },
	{ "\xE9\x9B\x86\xE5\x9B\xA2", 0 }, /* 集团 */
	{ "\xE5\x85\xAC\xE5\x8F\xB8", 0 }, /* 公司 */
	{ "coltd", 1 },
	{ "corp", 1 },
	{ "gmbh", 1 },
	{ "ltd", 1 },
	{ "inc", 1 },
	{ "llc", 1 },
};

/* The compact text and, for each of its bytes, whether a dropped space or punctuation mark
 * came right before it in the original. */
struct compact {
	char *text;
	unsigned char *sep_before;
	size_t len;
};

/* Half-width, lower-case form of a code point. Full-width forms U+FF01..U+FF5E (which
 * include the brackets （）) map to ASCII by subtracting 0xFEE0. */
static uint32_t fold(uint32_t cp)
{
	if (cp >= 0xFF01 && cp <= 0xFF5E)
		cp -= 0xFEE0;
	else if (cp == 0x3000)
		cp = ' ';
	if (cp >= 'A' && cp <= 'Z')
		cp += 'a' - 'A';
	return cp;
}

static int is_dropped(uint32_t cp)
{
	switch (cp) {
	case ' ': case '\t': case '\n': case '\v': case '\f': case '\r':
	case 0xA0: /* no-break space */
	case '.': case ',': case '(': case ')': case '-': case '&': case '\'': case '"':
	case '/':
		return 1;
	default:
		return 0;
	}
}

static int is_ascii_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Fills @p c from a valid UTF-8 name. Folding never lengthens the text (3-byte full-width
 * forms become 1 byte), so strlen(name) bytes always suffice. */
static int build_compact(struct compact *c, const char *name)
{
	size_t n = strlen(name);
	c->text = malloc(n + 1);
	c->sep_before = malloc(n + 1);
	c->len = 0;
	if (!c->text || !c->sep_before)
		return kc_error_oom();
	int pending_sep = 0;
	for (size_t i = 0; i < n;) {
		uint32_t cp = 0;
		int step = kc_utf8_decode(name + i, n - i, &cp);
		if (step < 0) /* the name was validated, so this is a bug elsewhere */
			return kc_error_set(KISCRM_EINVALID, "company name '%s' cannot be decoded",
					    name);
		size_t len = (size_t)step;
		cp = fold(cp);
		if (is_dropped(cp)) {
			pending_sep = 1;
		} else if (cp < 0x80) {
			c->sep_before[c->len] = (unsigned char)pending_sep;
			c->text[c->len++] = (char)cp;
			pending_sep = 0;
		} else {
			/* unchanged by fold(): copy the original bytes */
			c->sep_before[c->len] = (unsigned char)pending_sep;
			memcpy(c->text + c->len, name + i, len);
			memset(c->sep_before + c->len + 1, 0, len - 1);
			c->len += len;
			pending_sep = 0;
		}
		i += len;
	}
	c->text[c->len] = '\0';
	return KISCRM_OK;
}

/* Length of the first suffix that ends text[0..len) and may be stripped there, or 0. */
static size_t matching_suffix(const struct compact *c, size_t len)
{
	for (size_t k = 0; k < sizeof(suffixes) / sizeof(suffixes[0]); k++) {
		size_t slen = strlen(suffixes[k].text);
		if (slen > len || memcmp(c->text + len - slen, suffixes[k].text, slen) != 0)
			continue;
		size_t at = len - slen;
		if (suffixes[k].needs_boundary && at > 0 && !c->sep_before[at] &&
		    is_ascii_alnum((unsigned char)c->text[at - 1]))
			continue;
		return slen;
	}
	return 0;
}

int kc_normalize_company_name(const char *name, kiscrm_buf *out)
{
	if (!name || !out)
		return kc_error_set(KISCRM_EINVALID, "normalise company name: %s is NULL",
				    !name ? "name" : "out");
	size_t bad = 0;
	if (kiscrm_utf8_validate(name, strlen(name), &bad) != KISCRM_OK)
		return kc_error_set(KISCRM_EINVALID,
				    "company name '%.*s\\x%02X...' is not valid UTF-8 (bad byte at offset %zu)",
				    (int)bad, name, (unsigned int)(unsigned char)name[bad], bad);

	struct compact c = { NULL, NULL, 0 };
	int rc = build_compact(&c, name);
	if (!rc) {
		size_t len = c.len, slen;
		while ((slen = matching_suffix(&c, len)) > 0)
			len -= slen;
		/* a name that is nothing but a legal form keeps it, so the key is never empty */
		if (len == 0)
			len = c.len;
		rc = kc_buf_put(out, c.text, len);
	}
	free(c.text);
	free(c.sep_before);
	return rc;
}

int kiscrm_customer_normalize_name(kiscrm_buf *out, const char *name)
{
	return kc_normalize_company_name(name, out);
}

int kc_normalize_person_name(const char *name, kiscrm_buf *out)
{
	size_t n = name ? strlen(name) : 0, start = out->size;
	for (size_t i = 0; i < n;) {
		uint32_t cp = 0;
		int step = kc_utf8_decode(name + i, n - i, &cp);
		size_t len = step < 0 ? 1 : (size_t)step;
		int rc;
		if (step >= 0)
			cp = fold(cp);
		if (step >= 0 && (cp == '.' || cp == 0xB7 || cp == 0x30FB || cp == 0xA0 || cp == ' ' ||
				  (cp >= '\t' && cp <= '\r'))) {
			i += len;
			continue;
		}
		char ascii = (char)cp;
		rc = step >= 0 && cp < 0x80 ? kc_buf_put(out, &ascii, 1) : kc_buf_put(out, name + i, len);
		if (rc) {
			out->size = start;
			if (out->ptr)
				out->ptr[start] = '\0';
			return rc;
		}
		i += len;
	}
	return kc_buf_put(out, "", 0);
}

int kc_normalize_phone(const char *phone, kiscrm_buf *out)
{
	char digits[64];
	size_t n = 0, len = phone ? strlen(phone) : 0;
	for (size_t i = 0; i < len && n < sizeof(digits);) {
		uint32_t cp = 0;
		int step = kc_utf8_decode(phone + i, len - i, &cp);
		if (step < 0) {
			i++;
			continue;
		}
		cp = fold(cp);
		if (cp >= '0' && cp <= '9')
			digits[n++] = (char)cp;
		i += (size_t)step;
	}
	size_t skip = 0;
	if (n > 4 && memcmp(digits, "0086", 4) == 0)
		skip = 4;
	else if (n == 13 && memcmp(digits, "86", 2) == 0)
		skip = 2;
	return kc_buf_put(out, digits + skip, n - skip);
}
