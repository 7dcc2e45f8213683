/* The registry of KPI metrics: the built-in ones (metrics_builtin.c) and those registered at run
 * time by later code.
 *
 * kiscrm_kpi_metric_find() and kiscrm_kpi_metric_at() hand out pointers that stay valid
 * until the metric is unregistered, so every registered metric lives in its own
 * allocation: only the array of pointers to them grows and shifts. A mutex makes
 * registration and lookup safe from several threads. */
#include "kpi/kpi_internal.h"
#include "core/error.h"
#include "core/str.h"
#include "storage/db.h"
#include "core/options.h"
#include "kiscrm/target.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static kiscrm_kpi_metric **extra; /* registered metrics, each owning its strings */
static size_t nextra, capextra;

static int valid_key(const char *k)
{
	size_t n = k ? strlen(k) : 0;
	if (n == 0 || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= '0' && k[i] <= '9') || k[i] == '_'))
			return 0;
	return 1;
}

/* A copy of @s (NULL stays NULL); *oom is set when the copy fails. */
static char *dup_or_null(const char *s, int *oom)
{
	char *p = kc_strdup(s);
	if (s && !p)
		*oom = 1;
	return p;
}

static void free_extra(kiscrm_kpi_metric *m)
{
	if (!m)
		return;
	free((char *)m->key);
	free((char *)m->zh);
	free((char *)m->en);
	free((char *)m->target_metric);
	free(m);
}

/* The metric i (built-in first), NULL if out of range. Caller holds the lock. */
static const kiscrm_kpi_metric *at_locked(size_t i)
{
	size_t nbuiltin;
	const kiscrm_kpi_metric *builtin = kc_kpi_builtin_metrics(&nbuiltin);
	if (i < nbuiltin)
		return &builtin[i];
	i -= nbuiltin;
	return i < nextra ? extra[i] : NULL;
}

static const kiscrm_kpi_metric *find_locked(const char *key)
{
	const kiscrm_kpi_metric *m;
	for (size_t i = 0; (m = at_locked(i)) != NULL; i++)
		if (strcmp(m->key, key) == 0)
			return m;
	return NULL;
}

/* Checks the caller's metric (already copied into c). */
static int check_metric(const kiscrm_kpi_metric *c)
{
	if (!valid_key(c->key))
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "key", c->key,
				       "metric key '%s' is not valid (use 1 to 64 characters a-z, 0-9 and _)",
				       c->key ? c->key : "(null)");
	if (!c->zh || !c->en || !*c->zh || !*c->en)
		return kc_error_set(KISCRM_EINVALID, "metric '%s' needs zh and en names", c->key);
	if (c->unit < KISCRM_KPI_UNIT_MONEY || c->unit > KISCRM_KPI_UNIT_SCORE)
		return kc_error_set(KISCRM_EINVALID, "metric '%s' has unknown unit %d", c->key, c->unit);
	if (!c->compute)
		return kc_error_set(KISCRM_EINVALID, "metric '%s' has no compute function", c->key);
	if (c->target_metric && kiscrm_target_metric_is_money(c->target_metric) < 0)
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "target_metric", c->target_metric,
				       "metric '%s': unknown target metric '%s'", c->key, c->target_metric);
	return KISCRM_OK;
}

/* An allocated copy of c owning its strings, NULL when out of memory. */
static kiscrm_kpi_metric *new_entry(const kiscrm_kpi_metric *c)
{
	kiscrm_kpi_metric *e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	int oom = 0;
	*e = *c;
	e->key = dup_or_null(c->key, &oom);
	e->zh = dup_or_null(c->zh, &oom);
	e->en = dup_or_null(c->en, &oom);
	e->target_metric = dup_or_null(c->target_metric, &oom);
	if (oom) {
		free_extra(e);
		return NULL;
	}
	return e;
}

static int add_locked(const kiscrm_kpi_metric *c)
{
	if (find_locked(c->key))
		return kc_error_set_at(KISCRM_EEXISTS, NULL, 0, 0, "key", c->key, "metric '%s' already exists",
				       c->key);
	if (nextra == capextra) {
		size_t cap = capextra ? capextra * 2 : 8;
		kiscrm_kpi_metric **p = realloc(extra, cap * sizeof(*p));
		if (!p)
			return kc_error_oom();
		extra = p;
		capextra = cap;
	}
	kiscrm_kpi_metric *e = new_entry(c);
	if (!e)
		return kc_error_oom();
	extra[nextra++] = e;
	return KISCRM_OK;
}

int kiscrm_kpi_register_metric(const kiscrm_kpi_metric *m)
{
	if (!m)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_kpi_register_metric: NULL metric");
	kiscrm_kpi_metric c;
	int rc = kc_options_copy(&c, m, &kc_kpi_metric_v);
	if (rc || (rc = check_metric(&c)) != 0)
		return rc;
	pthread_mutex_lock(&lock);
	rc = add_locked(&c);
	pthread_mutex_unlock(&lock);
	return rc;
}

static int remove_locked(const char *key)
{
	size_t nbuiltin;
	const kiscrm_kpi_metric *builtin = kc_kpi_builtin_metrics(&nbuiltin);
	for (size_t i = 0; i < nbuiltin; i++)
		if (strcmp(builtin[i].key, key) == 0)
			return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "key", key,
					       "metric '%s' is built in and cannot be removed", key);
	for (size_t i = 0; i < nextra; i++) {
		if (strcmp(extra[i]->key, key) != 0)
			continue;
		free_extra(extra[i]);
		memmove(&extra[i], &extra[i + 1], (nextra - i - 1) * sizeof(*extra));
		if (--nextra == 0) {
			free(extra);
			extra = NULL;
			capextra = 0;
		}
		return KISCRM_OK;
	}
	return kc_error_set_at(KISCRM_ENOTFOUND, NULL, 0, 0, "key", key, "no metric '%s'", key);
}

int kiscrm_kpi_unregister_metric(const char *key)
{
	if (!key)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_kpi_unregister_metric: NULL key");
	pthread_mutex_lock(&lock);
	int rc = remove_locked(key);
	pthread_mutex_unlock(&lock);
	return rc;
}

size_t kiscrm_kpi_metric_count(void)
{
	size_t nbuiltin;
	kc_kpi_builtin_metrics(&nbuiltin);
	pthread_mutex_lock(&lock);
	size_t n = nbuiltin + nextra;
	pthread_mutex_unlock(&lock);
	return n;
}

const kiscrm_kpi_metric *kiscrm_kpi_metric_at(size_t i)
{
	pthread_mutex_lock(&lock);
	const kiscrm_kpi_metric *m = at_locked(i);
	pthread_mutex_unlock(&lock);
	return m;
}

const kiscrm_kpi_metric *kiscrm_kpi_metric_find(const char *key)
{
	if (!key)
		return NULL;
	pthread_mutex_lock(&lock);
	const kiscrm_kpi_metric *m = find_locked(key);
	pthread_mutex_unlock(&lock);
	return m;
}

/* Computes a metric found in the registry; a target-bearing metric without its own
 * target gets the decomposed one. */
int kiscrm_kpi_metric_compute(kiscrm_kpi_value *out, kiscrm_db *db, const char *key,
			      const kiscrm_kpi_context *ctx)
{
	int rc = kc_check_db(db);
	if (rc)
		return rc;
	if (!out || !key || !ctx)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_kpi_metric_compute: NULL argument");
	kiscrm_kpi_context copy;
	if ((rc = kc_options_copy(&copy, ctx, &kc_kpi_context_v)) != 0)
		return rc;
	ctx = &copy;
	if (ctx->scope < KISCRM_KPI_SCOPE_PERSON || ctx->scope > KISCRM_KPI_SCOPE_COMPANY)
		return kc_error_set(KISCRM_EINVALID, "unknown KPI scope %d", ctx->scope);
	if (ctx->from == KISCRM_DATE_NONE || ctx->to == KISCRM_DATE_NONE || ctx->to <= ctx->from)
		return kc_error_set(KISCRM_EINVALID, "KPI window is empty or unbounded");
	const kiscrm_kpi_metric *m = kiscrm_kpi_metric_find(key);
	if (!m)
		return kc_error_set_at(KISCRM_ENOTFOUND, NULL, 0, 0, "metric", key, "unknown KPI metric '%s'", key);
	kiscrm_kpi_value v = KISCRM_KPI_VALUE_INIT;
	if ((rc = m->compute(&v, db, ctx, m->user)))
		return rc;
	if (m->target_metric && !v.has_target) {
		kiscrm_money amount = 0;
		int64_t count = 0;
		int found = 0;
		if ((rc = kc_kpi_decomposed_target(db, NULL, ctx, m->target_metric, &found, &amount, &count)))
			return rc;
		if (found) {
			v.has_target = 1;
			if (m->unit == KISCRM_KPI_UNIT_MONEY) {
				v.target_money = amount;
				v.target = kc_kpi_major(db, amount);
			} else {
				v.target = (double)count;
			}
		}
	}
	*out = v;
	return KISCRM_OK;
}
