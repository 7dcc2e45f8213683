/* `kiscrm quote-submit`, `kiscrm contract-submit` (a quote or a contract submitted for
 * price or contract approval) and `kiscrm approve` (an approval decided by a staff member
 * within the limits of their role). */
#include "cli.h"

#include <string.h>
#include <time.h>

typedef struct submit_args {
	int contract; /* 0: a quote */
	kiscrm_id id, approval;
	kiscrm_time at;
} submit_args;

static int submit_work(kiscrm_db *db, void *payload)
{
	submit_args *a = payload;
	return a->contract ? kiscrm_contract_submit(&a->approval, db, a->id, a->at)
			   : kiscrm_quote_submit(&a->approval, db, a->id, a->at);
}

static int submit(cli *c, int argc, char **argv, int contract)
{
	const char *name = contract ? "contract-submit" : "quote-submit";
	if (argc < 2 || cli_is_help(argv[1])) {
		printf("usage: kiscrm %s %s_ID [--at TIME] [--by STAFF_ID|NAME]\n\n", name, contract ? "CONTRACT" : "QUOTE");
		puts(contract ? "Submits a draft or rejected contract for contract approval (合同审批): the\n"
				"approval names the lowest role whose max_contract (roles.yaml) covers the amount,\n"
				"and amount and payment terms are locked until it is decided (`kiscrm approve`)."
			      : "Submits a draft or rejected quote for price approval (价格审批): the approval names\n"
				"the lowest role whose discount limit (roles.yaml, per product line) covers every\n"
				"line, and the lines are locked until it is decided (`kiscrm approve`).");
		return argc < 2 ? 2 : 0;
	}
	submit_args a = { contract, 0, 0, (kiscrm_time)time(NULL) };
	kiscrm_id by = 0;
	const char *v;
	cli_ref by_ref = { 0 };
	if (cli_parse_id(&a.id, name, argv[1]))
		return 2;
	for (int i = 2; i < argc; i++) {
		if ((v = cli_opt(argc, argv, &i, "--at"))) {
			if (kiscrm_time_parse(&a.at, v) < 0)
				return cli_usage("--at: '%s' is not a time", v);
		} else if ((v = cli_opt(argc, argv, &i, "--by"))) {
			if (cli_ref_take(&by_ref, "--by", KISCRM_KIND_STAFF, v, &by))
				return 2;
		} else
			return cli_usage("%s: unknown option '%s'", name, argv[i]);
	}
	if (cli_open(c))
		return 1;
	int rc = cli_ref_resolve(c, &by_ref, 1);
	if (rc)
		return rc;
	if ((by && kiscrm_db_set_actor(c->db, by) < 0) || cli_transact(c, submit_work, &a) < 0)
		return cli_fail(name);
	printf("approval %lld pending\n", (long long)a.approval);
	return 0;
}

int cmd_quote_submit(cli *c, int argc, char **argv)
{
	return submit(c, argc, argv, 0);
}

int cmd_contract_submit(cli *c, int argc, char **argv)
{
	return submit(c, argc, argv, 1);
}

typedef struct decide_args {
	kiscrm_id approval;
	const char *decision, *comment, *checklist;
	kiscrm_time at;
} decide_args;

static int decide_work(kiscrm_db *db, void *payload)
{
	const decide_args *a = payload;
	return kiscrm_approval_decide(db, a->approval, a->decision, a->comment, a->checklist, a->at);
}

int cmd_approve(cli *c, int argc, char **argv)
{
	if (argc < 2 || cli_is_help(argv[1])) {
		puts("usage: kiscrm approve APPROVAL_ID --by STAFF_ID [--decision approved|rejected]\n"
		     "       [--comment TEXT] [--checklist scope,risk,resources,legal,delivery,key_points]\n"
		     "       [--at TIME]\n\n"
		     "Decides a pending approval as staff member STAFF_ID, whose role (roles.yaml) must\n"
		     "cover the quote's discounts or the contract's amount. Approving a contract needs\n"
		     "all six checklist points of the manual: 范围 scope, 项目风险 risk, 资源 resources,\n"
		     "法律条款 legal, 交付周期 delivery, 关键点 key_points. Default decision: approved.");
		return argc < 2 ? 2 : 0;
	}
	decide_args a = { 0, "approved", NULL, NULL, (kiscrm_time)time(NULL) };
	kiscrm_id by = 0;
	const char *v;
	cli_ref by_ref = { 0 };
	if (cli_parse_id(&a.approval, "approve", argv[1]))
		return 2;
	for (int i = 2; i < argc; i++) {
		if ((v = cli_opt(argc, argv, &i, "--at"))) {
			if (kiscrm_time_parse(&a.at, v) < 0)
				return cli_usage("--at: '%s' is not a time", v);
		} else if ((v = cli_opt(argc, argv, &i, "--by"))) {
			if (cli_ref_take(&by_ref, "--by", KISCRM_KIND_STAFF, v, &by))
				return 2;
		} else if ((v = cli_opt(argc, argv, &i, "--decision")))
			a.decision = v;
		else if ((v = cli_opt(argc, argv, &i, "--comment")))
			a.comment = v;
		else if ((v = cli_opt(argc, argv, &i, "--checklist")))
			a.checklist = v;
		else
			return cli_usage("approve: unknown option '%s'", argv[i]);
	}
	if (!by && !by_ref.text)
		return cli_usage("approve: --by STAFF_ID is required (the approver)");
	if (cli_open(c))
		return 1;
	int rc = cli_ref_resolve(c, &by_ref, 1);
	if (rc)
		return rc;
	if (kiscrm_db_set_actor(c->db, by) < 0 || cli_transact(c, decide_work, &a) < 0)
		return cli_fail("approve");
	printf("approval %lld %s\n", (long long)a.approval, a.decision);
	return 0;
}
