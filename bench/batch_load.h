/* Loading through kiscrm_record_insert_columns() (batch_load.c). */
#ifndef KISCRM_BENCH_BATCH_LOAD_H
#define KISCRM_BENCH_BATCH_LOAD_H

#include "bench.h"

/* Every opportunity of the data set, stored KISCRM_INSERT_RAW (no creation entry). */
void batch_opportunities(kiscrm_db *db, const params *p, const stages *st);
/* Their four history rows each. */
void batch_history(kiscrm_db *db, const params *p, const stages *st);

#endif
