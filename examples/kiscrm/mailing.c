/* `kiscrm mailing-list`: the invitation list (邀请名单) of a market activity, or of the
 * contacts of a region or industry, each person once and opted-out people left out. */
#include "cli.h"

#include <string.h>

static const char help[] =
	"usage: kiscrm mailing-list [--campaign ID | --region KEY --industry KEY --leads]\n"
	"                           [--format table|csv|json]\n\n"
	"Prints an invitation list with each person once: records are the same person when\n"
	"their names match once spaces and dots are dropped and full-width letters folded,\n"
	"and their phones match digit for digit (a leading +86 or 0086 dropped) — or their\n"
	"e-mails when there is no phone. A person with any record marked opt_out = 1 (a\n"
	"contact or a lead) is left out.\n\n"
	"  --campaign ID   the members of this market activity, by id or name (declined\n"
	"                  ones left out)\n"
	"  --region KEY    otherwise: the contacts of customers of this region (default: all)\n"
	"  --industry KEY  … and of this industry\n"
	"  --leads         … and the leads neither qualified nor disqualified\n"
	"  --format        table (default), csv or json, as `kiscrm report`\n";

int cmd_mailing_list(cli *c, int argc, char **argv)
{
	kiscrm_mailing_options o = KISCRM_MAILING_OPTIONS_INIT;
	const char *format = "table", *v;
	cli_ref campaign = { 0 };
	for (int i = 1; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			fputs(help, stdout);
			return 0;
		} else if ((v = cli_opt(argc, argv, &i, "--campaign"))) {
			if (cli_ref_take(&campaign, "--campaign", KISCRM_KIND_CAMPAIGN, v, &o.campaign_id))
				return 2;
		} else if ((v = cli_opt(argc, argv, &i, "--region")))
			o.region = v;
		else if ((v = cli_opt(argc, argv, &i, "--industry")))
			o.industry = v;
		else if (strcmp(argv[i], "--leads") == 0)
			o.leads = 1;
		else if ((v = cli_opt(argc, argv, &i, "--format")))
			format = v;
		else
			return cli_usage("mailing-list: unknown option '%s'", argv[i]);
	}
	if ((o.campaign_id || campaign.text) && (o.region || o.industry || o.leads))
		return cli_usage("mailing-list: --campaign lists the activity's members; --region, --industry "
				 "and --leads choose people without one");
	if (cli_open(c))
		return 1;
	int rc = cli_ref_resolve(c, &campaign, 1);
	if (rc)
		return rc;
	kiscrm_table *t = NULL;
	if (kiscrm_campaign_mailing_list(&t, c->db, &o) < 0)
		return cli_fail("mailing-list");
	rc = cli_print_table(t, format);
	kiscrm_table_free(t);
	return rc;
}
