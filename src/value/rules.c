/* The rule of a value class record, run by the store on every insert and update: the
 * class is A, B or C. (Apart from classify.c, which writes through the public record API:
 * the store's hooks must not reach back into the table of kinds.) */
#include "value/value_internal.h"
#include "kiscrm/value.h"
#include "storage/checks.h"

int kc_value_class_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old)
{
	static const char *const classes[] = { "A", "B", "C", NULL };
	(void)ctx;
	(void)old;
	return kc_check_enum(rec, KISCRM_VALUE_CLASS_CLASS, classes);
}
