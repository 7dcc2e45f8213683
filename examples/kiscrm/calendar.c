/* kiscrm calendar: the occurrences of activities in a window, the double bookings, or the
 * window as an iCalendar file (written to a temporary file, then renamed into place). */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char usage[] =
	"usage: kiscrm calendar [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--owner STAFF_ID]\n"
	"                       [--customer CUSTOMER_ID] [--overlaps] [--ical FILE]\n"
	"                       [--format table|csv|json]\n\n"
	"Lists the activities taking place from --from (default today) up to the day before\n"
	"--to (default a week later): recurring series expanded, moved and cancelled\n"
	"occurrences applied. --overlaps lists one person's double bookings instead;\n"
	"--ical FILE writes the activities as an iCalendar file (RFC 5545) for a calendar\n"
	"program (- for stdout). --owner and --customer take an id or a name.";

static int day_option(kiscrm_time *out, const char *opt, const char *text)
{
	kiscrm_date d;
	if (kiscrm_date_parse(&d, text) < 0)
		return cli_usage("calendar: %s: '%s' is not a date (YYYY-MM-DD)", opt, text);
	*out = (kiscrm_time)d * 86400;
	return 0;
}

/* The file appears complete or not at all. */
static int write_file(const char *path, const kiscrm_buf *b)
{
	if (strcmp(path, "-") == 0)
		return fwrite(b->ptr, 1, b->size, stdout) == b->size ? 0 : 1;
	size_t n = strlen(path) + 16;
	char *tmp = malloc(n);
	if (!tmp)
		return 1;
	snprintf(tmp, n, "%s.tmp%ld", path, (long)getpid());
	FILE *fp = fopen(tmp, "wb");
	int ok = fp && fwrite(b->ptr, 1, b->size, fp) == b->size;
	if (fp && fclose(fp) != 0)
		ok = 0;
	if (ok && rename(tmp, path) != 0)
		ok = 0;
	if (!ok) {
		fprintf(stderr, "kiscrm: calendar: cannot write %s\n", path);
		remove(tmp);
	}
	free(tmp);
	return ok ? 0 : 1;
}

int cmd_calendar(cli *c, int argc, char **argv)
{
	kiscrm_activity_query q = KISCRM_ACTIVITY_QUERY_INIT;
	const char *v, *ical = NULL, *format = "table";
	int overlaps = 0, have_to = 0, rc;
	cli_ref refs[2] = { { 0 } }; /* --owner, --customer */
	q.from = (kiscrm_time)kiscrm_time_date((kiscrm_time)time(NULL)) * 86400; /* the CLI may read the clock */
	for (int i = 1; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			puts(usage);
			return 0;
		} else if ((v = cli_opt(argc, argv, &i, "--from"))) {
			if ((rc = day_option(&q.from, "--from", v)) != 0)
				return rc;
		} else if ((v = cli_opt(argc, argv, &i, "--to"))) {
			if ((rc = day_option(&q.to, "--to", v)) != 0)
				return rc;
			have_to = 1;
		} else if ((v = cli_opt(argc, argv, &i, "--owner"))) {
			if ((rc = cli_ref_take(&refs[0], "--owner", KISCRM_KIND_STAFF, v, &q.owner_id)) != 0)
				return rc;
		} else if ((v = cli_opt(argc, argv, &i, "--customer"))) {
			if ((rc = cli_ref_take(&refs[1], "--customer", KISCRM_KIND_CUSTOMER, v, &q.customer_id)) != 0)
				return rc;
		} else if ((v = cli_opt(argc, argv, &i, "--ical"))) {
			ical = v;
		} else if ((v = cli_opt(argc, argv, &i, "--format"))) {
			format = v;
		} else if (strcmp(argv[i], "--overlaps") == 0) {
			overlaps = 1;
		} else {
			return cli_usage("calendar: unknown argument '%s'", argv[i]);
		}
	}
	if (!have_to)
		q.to = q.from + 7 * 86400;
	if (overlaps && ical)
		return cli_usage("calendar: --overlaps and --ical exclude each other");
	if (cli_open(c))
		return 1;
	if ((rc = cli_ref_resolve(c, refs, 2)) != 0)
		return rc;
	if (ical) {
		kiscrm_buf b = KISCRM_BUF_INIT;
		if (kiscrm_activity_ical(&b, c->db, &q, (kiscrm_time)time(NULL)) < 0)
			return cli_fail("calendar");
		rc = write_file(ical, &b);
		kiscrm_buf_dispose(&b);
		return rc;
	}
	kiscrm_table *t = NULL;
	if ((overlaps ? kiscrm_activity_overlaps(&t, c->db, &q) : kiscrm_activity_occurrences(&t, c->db, &q)) < 0)
		return cli_fail("calendar");
	rc = cli_print_table(t, format);
	kiscrm_table_free(t);
	return rc;
}
