/* The KPI metric registry keeps its documented contract: a pointer from
 * kiscrm_kpi_metric_find() or kiscrm_kpi_metric_at() stays valid, and keeps pointing at the
 * same metric, until that metric is unregistered — whatever is registered or unregistered
 * meanwhile (the registry used to be one array, reallocated as it grew and shifted on
 * removal). Registration and lookup are safe from several threads. */
#include "helpers.h"

#include <pthread.h>
#include <stdio.h>

static int probe(kiscrm_kpi_value *out, kiscrm_db *db, const kiscrm_kpi_context *ctx, void *user)
{
	(void)db; (void)ctx; (void)user;
	out->has_actual = 1;
	out->actual = 1.0;
	return KISCRM_OK;
}

static int register_probe(const char *key, const char *en)
{
	kiscrm_kpi_metric m;
	memset(&m, 0, sizeof(m));
	m.version = KISCRM_KPI_METRIC_VERSION;
	m.key = key;
	m.zh = "探针";
	m.en = en;
	m.unit = KISCRM_KPI_UNIT_COUNT;
	m.compute = probe;
	return kiscrm_kpi_register_metric(&m);
}

static void test_pointer_survives_200_registrations(void **state)
{
	(void)state;
	size_t before = kiscrm_kpi_metric_count();
	assert_rc(KISCRM_OK, register_probe("probe_first", "First probe"));
	const kiscrm_kpi_metric *p = kiscrm_kpi_metric_find("probe_first");
	assert_non_null(p);
	const kiscrm_kpi_metric *q = kiscrm_kpi_metric_at(before);
	assert_ptr_equal(p, q);
	char key[32];
	for (int i = 0; i < 200; i++) {
		snprintf(key, sizeof(key), "probe_%d", i);
		assert_rc(KISCRM_OK, register_probe(key, "More"));
	}
	assert_int_equal(kiscrm_kpi_metric_count(), before + 201);
	/* the same object, still reading the same metric */
	assert_ptr_equal(kiscrm_kpi_metric_find("probe_first"), p);
	assert_string_equal(p->key, "probe_first");
	assert_string_equal(p->en, "First probe");
	assert_ptr_equal(p->compute, probe);
	/* removing metrics registered before and after it does not move it either */
	assert_rc(KISCRM_OK, register_probe("probe_zero", "Zero"));
	assert_rc(KISCRM_OK, kiscrm_kpi_unregister_metric("probe_0"));
	assert_rc(KISCRM_OK, kiscrm_kpi_unregister_metric("probe_199"));
	const kiscrm_kpi_metric *z = kiscrm_kpi_metric_find("probe_zero");
	assert_rc(KISCRM_OK, kiscrm_kpi_unregister_metric("probe_first"));
	assert_string_equal(z->key, "probe_zero");
	assert_ptr_equal(kiscrm_kpi_metric_find("probe_zero"), z);
	assert_null(kiscrm_kpi_metric_find("probe_first"));
	/* clean up */
	for (int i = 1; i < 199; i++) {
		snprintf(key, sizeof(key), "probe_%d", i);
		assert_rc(KISCRM_OK, kiscrm_kpi_unregister_metric(key));
	}
	assert_rc(KISCRM_OK, kiscrm_kpi_unregister_metric("probe_zero"));
	assert_int_equal(kiscrm_kpi_metric_count(), before);
}

#define THREADS 4
#define PER_THREAD 100

typedef struct worker {
	int index;
	int failures;
} worker;

/* Each thread registers its own metrics, looks each up at once (its pointer must read
 * its own key) and unregisters them; the others do the same meanwhile. */
static void *work(void *arg)
{
	worker *w = arg;
	char key[32];
	for (int i = 0; i < PER_THREAD; i++) {
		snprintf(key, sizeof(key), "thread%d_%d", w->index, i);
		if (register_probe(key, "Threaded") != KISCRM_OK)
			w->failures++;
		const kiscrm_kpi_metric *m = kiscrm_kpi_metric_find(key);
		if (!m || strcmp(m->key, key) != 0)
			w->failures++;
		if (!kiscrm_kpi_metric_find("contract_amount"))
			w->failures++;
	}
	for (int i = 0; i < PER_THREAD; i++) {
		snprintf(key, sizeof(key), "thread%d_%d", w->index, i);
		if (kiscrm_kpi_unregister_metric(key) != KISCRM_OK)
			w->failures++;
	}
	return NULL;
}

static void test_registration_from_several_threads(void **state)
{
	(void)state;
	size_t before = kiscrm_kpi_metric_count();
	pthread_t t[THREADS];
	worker w[THREADS];
	for (int i = 0; i < THREADS; i++) {
		w[i].index = i;
		w[i].failures = 0;
		assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
	}
	for (int i = 0; i < THREADS; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(w[i].failures, 0);
	}
	assert_int_equal(kiscrm_kpi_metric_count(), before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pointer_survives_200_registrations),
		cmocka_unit_test(test_registration_from_several_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
