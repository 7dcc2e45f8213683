/* The memo of a batch of inserts (check_memo.h): what the checks of its rows found, kept
 * for the rows after. */
#include "check_memo.h"
#include "core/error.h"

#include <stdlib.h>
#include <string.h>

int kc_check_memo_init(kc_check_memo *memo, const kiscrm_db *db, const kiscrm_kind_def *def)
{
	size_t n = (size_t)def->nfields;
	memset(memo, 0, sizeof(*memo));
	const kc_kind *k;
	int rc = kc_db_kind_of(db, def, &k);
	if (rc)
		return rc;
	memo->def = def;
	memo->kind = k;
	memo->text = calloc(n, sizeof(*memo->text));
	memo->ref = calloc(n, sizeof(*memo->ref));
	memo->check = calloc(n, sizeof(*memo->check));
	memo->money = calloc(n, sizeof(*memo->money));
	if (!memo->text || !memo->ref || !memo->check || !memo->money) {
		kc_check_memo_dispose(memo);
		return kc_error_oom();
	}
	const kc_kind_table *kinds = db->kinds;
	for (int i = 1; i < def->nfields; i++) {
		const kiscrm_field_def *f = &def->fields[i];
		int valued = f->type == KISCRM_TYPE_TEXT && kinds->check_value &&
			     (!kinds->value_checked || kinds->value_checked(def, i));
		if ((f->flags & KISCRM_FIELD_REQUIRED) || f->ref_kind || valued)
			memo->check[memo->ncheck++] = i;
		if (f->type == KISCRM_TYPE_MONEY)
			memo->money[memo->nmoney++] = i;
	}
	return KISCRM_OK;
}

void kc_check_memo_dispose(kc_check_memo *memo)
{
	free(memo->text);
	free(memo->ref);
	free(memo->check);
	free(memo->money);
	memset(memo, 0, sizeof(*memo));
}
