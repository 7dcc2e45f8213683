/* Stages given on the command line (move, add opportunity stage=…): a key or a display
 * name of a stage of the opportunity's pipeline; anything else is answered with the
 * pipeline's stages, so that the user need not look them up in pipelines.yaml. */
#include "cli.h"

#include <string.h>

static const char *const langs[] = { "zh", "en" };

int cli_check_stage(const char **key, cli *c, const char *what, const char *pipeline, const char *stage)
{
	const kiscrm_config *cfg = kiscrm_db_config(c->db);
	int p = kiscrm_config_pipeline_find(cfg, pipeline);
	if (p < 0) {
		cli_suggest s;
		cli_suggest_init(&s, pipeline, 0);
		for (size_t i = 0; i < kiscrm_config_pipeline_count(cfg); i++)
			cli_suggest_add(&s, kiscrm_config_pipeline_key(cfg, i));
		return cli_usage_suggest(&s, "%s: '%s' is not a pipeline of pipelines.yaml", what, pipeline);
	}
	size_t n = kiscrm_config_stage_count(cfg, (size_t)p);
	if (kiscrm_config_stage_find(cfg, (size_t)p, stage) >= 0) {
		*key = stage;
		return 0;
	}
	/* 方案(设计)阶段 or "Design" for design, as an import takes them */
	for (size_t s = 0; s < n; s++)
		for (size_t l = 0; l < 2; l++) {
			const char *name = kiscrm_config_stage_name(cfg, (size_t)p, s, langs[l]);
			if (name && strcmp(name, stage) == 0) {
				*key = kiscrm_config_stage_key(cfg, (size_t)p, s);
				return 0;
			}
		}
	cli_suggest sg;
	cli_suggest_init(&sg, stage, 0);
	for (size_t s = 0; s < n; s++)
		cli_suggest_add(&sg, kiscrm_config_stage_key(cfg, (size_t)p, s));
	fprintf(stderr, "kiscrm: %s: '%s' is not a stage of pipeline %s", what, stage,
		kiscrm_config_pipeline_key(cfg, (size_t)p));
	cli_suggest_print(&sg, stderr);
	cli_suggest_free(&sg);
	fputs("; its stages are:\n", stderr);
	for (size_t s = 0; s < n; s++)
		fprintf(stderr, "  %-14s %s  %s\n", kiscrm_config_stage_key(cfg, (size_t)p, s),
			kiscrm_config_stage_name(cfg, (size_t)p, s, "zh"),
			kiscrm_config_stage_name(cfg, (size_t)p, s, "en"));
	return 2;
}
