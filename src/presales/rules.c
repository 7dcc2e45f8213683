/* The rules of a presales support request, run by the store inside the write's
 * transaction: a configured kind of help and urgency, a stage checkpoint that is a
 * working stage of the opportunity's pipeline (its current stage when none is given),
 * dates in order, and a status that follows the record: cancelled when set so, else
 * confirmed, done, assigned or submitted by what is filled in. */
#include "presales/kinds.h"
#include "config/pipeline_config.h"
#include "config/service_config.h"
#include "core/error.h"
#include "core/field.h"
#include "kiscrm/date.h"
#include "kiscrm/pipeline.h"
#include "kiscrm/presales.h"
#include "storage/db.h"
#include "storage/record.h"

#include <stdio.h>
#include <string.h>

typedef struct opp_view {
	char pipeline[64], stage[64];
} opp_view;

static void copy_text(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

static int opp_cb(void *payload, const kiscrm_value *row)
{
	opp_view *v = payload;
	copy_text(v->pipeline, sizeof(v->pipeline), kc_val_text(&row[KC_FI(KISCRM_OPPORTUNITY_PIPELINE)]));
	copy_text(v->stage, sizeof(v->stage), kc_val_text(&row[KC_FI(KISCRM_OPPORTUNITY_STAGE)]));
	return 0;
}

/* The stage checkpoint: a working stage of the opportunity's pipeline. */
static int check_stage(kiscrm_db *db, kiscrm_record *rec)
{
	opp_view v;
	memset(&v, 0, sizeof(v));
	kiscrm_id opp = kiscrm_record_int(rec, KISCRM_PRESALES_REQUEST_OPPORTUNITY_ID);
	int rc = kc_db_get(db, kc_db_def(db, KISCRM_KIND_OPPORTUNITY), opp, opp_cb, &v);
	if (rc)
		return rc == KISCRM_ENOTFOUND ? KISCRM_OK : rc; /* the store reports the reference */
	const char *stage = kiscrm_record_text(rec, KISCRM_PRESALES_REQUEST_STAGE);
	if (!stage)
		return kc_record_put_text(rec, KISCRM_PRESALES_REQUEST_STAGE, v.stage[0] ? v.stage : NULL);
	int p = v.pipeline[0] ? kiscrm_config_pipeline_find(db->config, v.pipeline) : 0;
	const kc_pipeline *pl = kc_config_pipeline(db->config, p < 0 ? 0 : (size_t)p);
	for (size_t i = 0; pl && i < pl->nstages; i++)
		if (pl->stages[i].terminal == KISCRM_STAGE_OPEN && strcmp(pl->stages[i].key, stage) == 0)
			return KISCRM_OK;
	return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "stage", stage,
			       "presales_request.stage: '%s' is not a working stage of pipeline '%s'", stage,
			       pl ? pl->key : "?");
}

static int key_in(const kc_named *list, size_t n, const kiscrm_record *rec, kiscrm_field field, const char *name)
{
	const char *v = kiscrm_record_text(rec, field);
	if (!v || kc_named_find(list, n, v) >= 0)
		return KISCRM_OK;
	return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, name, v,
			       "presales_request.%s: '%s' is not a %s of service.yaml presales", name, v, name);
}

static int not_before(const kiscrm_record *rec, kiscrm_field later, kiscrm_field earlier, const char *name,
		      const char *what)
{
	if (kiscrm_record_is_null(rec, later) || kiscrm_record_is_null(rec, earlier) ||
	    kiscrm_record_int(rec, later) >= kiscrm_record_int(rec, earlier))
		return KISCRM_OK;
	char text[16];
	kiscrm_date_format(text, sizeof(text), (kiscrm_date)kiscrm_record_int(rec, later));
	return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, name, text, "presales_request.%s: %s is before %s", name,
			       text, what);
}

static const char *status_of(const kiscrm_record *rec)
{
	const char *s = kiscrm_record_text(rec, KISCRM_PRESALES_REQUEST_STATUS);
	if (s && strcmp(s, "cancelled") == 0)
		return s;
	if (!kiscrm_record_is_null(rec, KISCRM_PRESALES_REQUEST_CONFIRMED))
		return "confirmed";
	if (!kiscrm_record_is_null(rec, KISCRM_PRESALES_REQUEST_COMPLETED))
		return "done";
	return kiscrm_record_is_null(rec, KISCRM_PRESALES_REQUEST_ENGINEER_ID) ? "submitted" : "assigned";
}

int kc_presales_request_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old)
{
	(void)old;
	const kc_presales_config *p = &kc_config_service(ctx->db->config)->presales;
	const char *status = kiscrm_record_text(rec, KISCRM_PRESALES_REQUEST_STATUS);
	int rc;
	if (status && strcmp(status, "cancelled") != 0 && strcmp(status, "submitted") != 0 &&
	    strcmp(status, "assigned") != 0 && strcmp(status, "done") != 0 && strcmp(status, "confirmed") != 0)
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "status", status,
				       "presales_request.status: '%s' is not cancelled (the others follow the record)",
				       status);
	if ((rc = key_in(p->help, p->nhelp, rec, KISCRM_PRESALES_REQUEST_HELP, "help")) != 0 ||
	    (rc = key_in(p->urgency, p->nurgency, rec, KISCRM_PRESALES_REQUEST_URGENCY, "urgency")) != 0 ||
	    (rc = not_before(rec, KISCRM_PRESALES_REQUEST_WANTED_TO, KISCRM_PRESALES_REQUEST_WANTED_FROM, "wanted_to",
			     "wanted_from")) != 0 ||
	    (rc = not_before(rec, KISCRM_PRESALES_REQUEST_CONFIRMED, KISCRM_PRESALES_REQUEST_COMPLETED, "confirmed",
			     "the work was completed")) != 0)
		return rc;
	if (!kiscrm_record_is_null(rec, KISCRM_PRESALES_REQUEST_CONFIRMED) &&
	    kiscrm_record_is_null(rec, KISCRM_PRESALES_REQUEST_COMPLETED))
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "confirmed", NULL,
				       "presales_request.confirmed: the requester confirms a completed request");
	if (!kiscrm_record_is_null(rec, KISCRM_PRESALES_REQUEST_COMPLETED) &&
	    kiscrm_record_is_null(rec, KISCRM_PRESALES_REQUEST_ENGINEER_ID))
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "completed", NULL,
				       "presales_request.completed: a request is completed by its engineer; assign one");
	if (!kiscrm_record_is_null(rec, KISCRM_PRESALES_REQUEST_OPPORTUNITY_ID) && (rc = check_stage(ctx->db, rec)) != 0)
		return rc;
	return kc_record_put_text(rec, KISCRM_PRESALES_REQUEST_STATUS, status_of(rec));
}
