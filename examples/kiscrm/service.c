/* `kiscrm sla` (the SLA of service requests at an instant: deadlines, business minutes,
 * breaches, escalation), `kiscrm reopen` (reopening a resolved or closed request) and
 * `kiscrm presales-assign` (engineers to the presales queue by weight). */
#include "cli.h"

#include <string.h>
#include <time.h>

int cmd_sla(cli *c, int argc, char **argv)
{
	kiscrm_time at = (kiscrm_time)time(NULL);
	kiscrm_id request = 0;
	const char *format = "table", *v;
	for (int i = 1; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			puts("usage: kiscrm sla [--at TIME] [--request ID] [--format table|csv|json]\n\n"
			     "The SLA of the service requests not closed at TIME (default: now), or of one\n"
			     "request: first-response and resolution deadlines on the business calendar of\n"
			     "service.yaml, business minutes used, time waiting for the customer, breaches,\n"
			     "and whom to alert (owner at the warning percentage, manager at 100 %, general\n"
			     "manager at 150 %). TIME: YYYY-MM-DDTHH:MM:SSZ, or YYYY-MM-DD HH:MM:SS (UTC).");
			return 0;
		} else if ((v = cli_opt(argc, argv, &i, "--at"))) {
			if (kiscrm_time_parse(&at, v) < 0)
				return cli_usage("--at: '%s' is not a time", v);
		} else if ((v = cli_opt(argc, argv, &i, "--request"))) {
			if (cli_parse_id(&request, "--request", v))
				return 2;
		} else if ((v = cli_opt(argc, argv, &i, "--format")))
			format = v;
		else
			return cli_usage("sla: unknown option '%s'", argv[i]);
	}
	if (cli_open(c))
		return 1;
	kiscrm_table *t = NULL;
	if (kiscrm_service_sla(&t, c->db, at, request) < 0)
		return cli_fail("sla");
	int rc = cli_print_table(t, format);
	kiscrm_table_free(t);
	return rc;
}

static int assign_work(kiscrm_db *db, void *payload)
{
	return kiscrm_presales_assign(db, payload);
}

int cmd_presales_assign(cli *c, int argc, char **argv)
{
	if (argc > 1) {
		puts("usage: kiscrm presales-assign\n\n"
		     "Assigns the open presales support requests without an engineer, in order of\n"
		     "weight coefficient (service.yaml presales), each to the active presales engineer\n"
		     "with the fewest open requests. See `kiscrm report presales-queue`.");
		return cli_is_help(argv[1]) ? 0 : 2;
	}
	size_t n = 0;
	if (cli_open(c))
		return 1;
	if (cli_transact(c, assign_work, &n) < 0)
		return cli_fail("presales-assign");
	printf("%zu presales request(s) assigned\n", n);
	return 0;
}

typedef struct reopen_args {
	kiscrm_id request, by;
	kiscrm_time at;
} reopen_args;

static int reopen_work(kiscrm_db *db, void *payload)
{
	const reopen_args *a = payload;
	return kiscrm_service_request_reopen(db, a->request, a->at, a->by);
}

int cmd_reopen(cli *c, int argc, char **argv)
{
	if (argc < 2 || cli_is_help(argv[1])) {
		puts("usage: kiscrm reopen REQUEST_ID [--at TIME] [--by STAFF_ID|NAME]\n\n"
		     "Reopens a resolved or closed service request at TIME (default: now): the only way\n"
		     "to reopen a closed one. Its resolution clock runs again from TIME.");
		return argc < 2 ? 2 : 0;
	}
	reopen_args a = { 0, 0, (kiscrm_time)time(NULL) };
	const char *v;
	cli_ref by_ref = { 0 };
	if (cli_parse_id(&a.request, "reopen", argv[1]))
		return 2;
	for (int i = 2; i < argc; i++) {
		if ((v = cli_opt(argc, argv, &i, "--at"))) {
			if (kiscrm_time_parse(&a.at, v) < 0)
				return cli_usage("--at: '%s' is not a time", v);
		} else if ((v = cli_opt(argc, argv, &i, "--by"))) {
			if (cli_ref_take(&by_ref, "--by", KISCRM_KIND_STAFF, v, &a.by))
				return 2;
		} else
			return cli_usage("reopen: unknown option '%s'", argv[i]);
	}
	if (cli_open(c))
		return 1;
	int rc = cli_ref_resolve(c, &by_ref, 1);
	if (rc)
		return rc;
	if (cli_transact(c, reopen_work, &a) < 0)
		return cli_fail("reopen");
	printf("service request %lld reopened\n", (long long)a.request);
	return 0;
}
