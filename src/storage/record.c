/* Field access of in-memory records. Setters check types so that a record always holds
 * values its kind's backend columns can take. */
#include "record.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/field.h"
#include "storage/kind.h"
#include "kiscrm/money.h"
#include "kiscrm/date.h"
#include "kiscrm/text.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int kc_record_new(kiscrm_record **out, const kiscrm_kind_def *def)
{
	kiscrm_record *r = malloc(sizeof(*r));
	kiscrm_value *vals = calloc((size_t)def->nfields, sizeof(*vals));
	unsigned char *dirty = calloc((size_t)def->nfields, 1);
	if (!r || !vals || !dirty) {
		free(r);
		free(vals);
		free(dirty);
		return kc_error_oom();
	}
	r->def = def;
	r->vals = vals;
	r->dirty = dirty;
	r->lent = NULL;
	*out = r;
	return KISCRM_OK;
}

/* The field at @pos NULL, its text freed unless it was lent. */
static void value_clear(kiscrm_record *rec, int pos)
{
	kiscrm_value *v = &rec->vals[pos];
	if (v->type == KISCRM_TYPE_TEXT && !(rec->lent && rec->lent[pos]))
		free((char *)v->u.s);
	if (rec->lent)
		rec->lent[pos] = 0;
	v->type = KISCRM_TYPE_NULL;
	v->u.i = 0;
}

void kc_record_clear_at(kiscrm_record *rec, int pos)
{
	value_clear(rec, pos);
}

int kc_record_assign_row(kiscrm_record *rec, const kiscrm_value *row)
{
	for (int i = 0; i < rec->def->nfields; i++) {
		kiscrm_value v = row[i];
		if (v.type == KISCRM_TYPE_TEXT) {
			char *s = strdup(v.u.s);
			if (!s)
				return kc_error_oom();
			v.u.s = s;
		}
		value_clear(rec, i);
		rec->vals[i] = v;
	}
	kc_record_clear_dirty(rec);
	return KISCRM_OK;
}

/* The position of a field id the library itself passes: a mismatch is a bug of ours. */
static int pos_of(const kiscrm_record *rec, kiscrm_field field)
{
	assert(KISCRM_FIELD_KIND(field) == rec->def->kind && KC_FI(field) < rec->def->nfields);
	(void)rec; /* only the assertion reads it */
	return KC_FI(field);
}

int kc_record_copy_at(kiscrm_record *to, const kiscrm_record *from, int pos)
{
	const kiscrm_value *v = &from->vals[pos];
	if (v->type == KISCRM_TYPE_TEXT)
		return kc_record_put_text(to, KISCRM_FIELD_ID(to->def->kind, pos), v->u.s);
	value_clear(to, pos);
	to->vals[pos] = *v;
	to->dirty[pos] = 1;
	return KISCRM_OK;
}

int kc_record_is_dirty_at(const kiscrm_record *rec, int pos)
{
	return rec->dirty[pos] != 0;
}

void kc_record_clear_dirty(kiscrm_record *rec)
{
	memset(rec->dirty, 0, (size_t)rec->def->nfields);
}

int kc_record_from_row(kiscrm_record **out, const kiscrm_kind_def *def, const kiscrm_value *row)
{
	kiscrm_record *r = NULL;
	int rc = kc_record_new(&r, def);
	if (rc)
		return rc;
	if ((rc = kc_record_assign_row(r, row)) != 0) {
		kiscrm_record_free(r);
		return rc;
	}
	*out = r;
	return KISCRM_OK;
}

void kc_record_set_id(kiscrm_record *rec, kiscrm_id id)
{
	rec->vals[0].type = KISCRM_TYPE_INT;
	rec->vals[0].u.i = id;
}

int kc_record_put_text(kiscrm_record *rec, kiscrm_field id, const char *value)
{
	int field = pos_of(rec, id);
	char *s = NULL;
	if (value && !(s = strdup(value)))
		return kc_error_oom();
	value_clear(rec, field);
	if (s) {
		rec->vals[field].type = KISCRM_TYPE_TEXT;
		rec->vals[field].u.s = s;
	}
	rec->dirty[field] = 1;
	return KISCRM_OK;
}

int kc_record_put_literal(kiscrm_record *rec, kiscrm_field id, const char *literal)
{
	return kc_record_lend_text(rec, pos_of(rec, id), literal);
}

void kc_record_put_int(kiscrm_record *rec, kiscrm_field id, int64_t value)
{
	int field = pos_of(rec, id);
	value_clear(rec, field);
	rec->vals[field].type = rec->def->fields[field].type;
	rec->vals[field].u.i = value;
	rec->dirty[field] = 1;
}

int kc_field_id(const kiscrm_kind_def *def, const char *name)
{
	int i = kc_field_index(def, name);
	return i < 0 ? i : KISCRM_FIELD_ID(def->kind, i);
}

int kc_field_index(const kiscrm_kind_def *def, const char *name)
{
	if (!name)
		return -1;
	for (int i = 0; i < def->nfields; i++)
		if (strcmp(def->fields[i].name, name) == 0)
			return i;
	return -1;
}

void kiscrm_record_free(kiscrm_record *rec)
{
	if (!rec)
		return;
	for (int i = 0; i < rec->def->nfields; i++)
		value_clear(rec, i);
	free(rec->vals);
	free(rec->dirty);
	free(rec->lent);
	free(rec);
}

int kiscrm_record_dup(kiscrm_record **out, const kiscrm_record *rec)
{
	if (!out || !rec)
		return kc_error_set(KISCRM_EINVALID, "record or output pointer is NULL");
	int rc = kc_record_from_row(out, rec->def, rec->vals);
	if (rc == 0) /* the copy is updated like the original would be */
		memcpy((*out)->dirty, rec->dirty, (size_t)rec->def->nfields);
	return rc;
}

int kiscrm_record_kind(const kiscrm_record *rec)
{
	return rec ? rec->def->kind : 0;
}

kiscrm_id kiscrm_record_id(const kiscrm_record *rec)
{
	return rec && rec->vals[0].type == KISCRM_TYPE_INT ? rec->vals[0].u.i : 0;
}

/* The kinds of the library, for naming another kind's field in an error. Every table a
 * database is opened with is the same constant one; the first open (or record) sets it. */
static _Atomic(const kc_kind_table *) known_kinds;

void kc_record_know_kinds(const kc_kind_table *kinds)
{
	atomic_store(&known_kinds, kinds);
}

/* "contact.name" for a field id of another kind, or "field id N" when unknown. */
static void name_field(char *buf, size_t size, kiscrm_field field)
{
	const kc_kind_table *t = atomic_load(&known_kinds);
	int kind = KISCRM_FIELD_KIND(field), pos = KC_FI(field);
	if (t && kind >= 1 && kind <= t->nkinds && pos < t->kinds[kind - 1]->def->nfields) {
		const kiscrm_kind_def *d = t->kinds[kind - 1]->def;
		snprintf(buf, size, "%s.%s", d->name, d->fields[pos].name);
	} else {
		snprintf(buf, size, "field id %d", field);
	}
}

/* Resolves a field id of a public accessor to its position; refuses another kind's field
 * (and, for a setter, the id, which the database assigns). */
static int check_field(const kiscrm_record *rec, kiscrm_field field, int settable, int *pos)
{
	if (!rec)
		return kc_error_set(KISCRM_EINVALID, "record is NULL");
	if (KISCRM_FIELD_KIND(field) != rec->def->kind || field < 0 ||
	    KC_FI(field) >= rec->def->nfields) {
		char name[96];
		name_field(name, sizeof(name), field);
		return kc_error_set(KISCRM_EINVALID, "%s is not a field of %s", name, rec->def->name);
	}
	*pos = KC_FI(field);
	if (settable && *pos == 0)
		return kc_error_set(KISCRM_EINVALID, "the id of a %s is assigned by the database",
				    rec->def->name);
	return KISCRM_OK;
}

static int is_int_like(int type)
{
	return type == KISCRM_TYPE_INT || type == KISCRM_TYPE_MONEY ||
	       type == KISCRM_TYPE_DATE || type == KISCRM_TYPE_TIME;
}

static int wrong_type(const kiscrm_record *rec, int field, const char *what)
{
	return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, rec->def->fields[field].name, NULL,
			       "%s.%s is not %s", rec->def->name, rec->def->fields[field].name, what);
}

int kiscrm_record_set_int(kiscrm_record *rec, kiscrm_field id, int64_t value)
{
	int field = 0;
	int rc = check_field(rec, id, 1, &field);
	if (rc)
		return rc;
	if (!is_int_like(rec->def->fields[field].type))
		return wrong_type(rec, field, "an integer, money, date or time field");
	kc_record_put_int(rec, id, value);
	return KISCRM_OK;
}

int kc_record_check_text(const kiscrm_record *rec, int field, const char *value)
{
	size_t bad;
	if (kiscrm_utf8_validate(value, strlen(value), &bad) == KISCRM_OK)
		return KISCRM_OK;
	return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, rec->def->fields[field].name, NULL,
			       "%s.%s: invalid UTF-8 at byte %zu", rec->def->name, rec->def->fields[field].name,
			       bad);
}

int kiscrm_record_set_text(kiscrm_record *rec, kiscrm_field id, const char *value)
{
	int field = 0;
	int rc = check_field(rec, id, 1, &field);
	if (rc)
		return rc;
	if (rec->def->fields[field].type != KISCRM_TYPE_TEXT)
		return wrong_type(rec, field, "a text field");
	if (value && (rc = kc_record_check_text(rec, field, value)) != 0)
		return rc;
	return kc_record_put_text(rec, id, value);
}

int kc_record_lend_text(kiscrm_record *rec, int pos, const char *value)
{
	if (!rec->lent && !(rec->lent = calloc((size_t)rec->def->nfields, 1)))
		return kc_error_oom();
	value_clear(rec, pos);
	rec->vals[pos].type = KISCRM_TYPE_TEXT;
	rec->vals[pos].u.s = value;
	rec->lent[pos] = 1;
	rec->dirty[pos] = 1;
	return KISCRM_OK;
}

int kiscrm_record_set_rate(kiscrm_record *rec, kiscrm_field id, double value)
{
	int field = 0;
	int rc = check_field(rec, id, 1, &field);
	if (rc)
		return rc;
	if (rec->def->fields[field].type != KISCRM_TYPE_RATE)
		return wrong_type(rec, field, "a rate field");
	if (!isfinite(value))
		return kc_error_set(KISCRM_EINVALID, "%s.%s: value is not a finite number",
				    rec->def->name, rec->def->fields[field].name);
	value_clear(rec, field);
	rec->vals[field].type = KISCRM_TYPE_RATE;
	rec->vals[field].u.r = value;
	rec->dirty[field] = 1;
	return KISCRM_OK;
}

int kiscrm_record_set_null(kiscrm_record *rec, kiscrm_field id)
{
	int field = 0;
	int rc = check_field(rec, id, 1, &field);
	if (rc)
		return rc;
	value_clear(rec, field);
	rec->dirty[field] = 1;
	return KISCRM_OK;
}

static int parse_int(int64_t *out, const char *text)
{
	char *end;
	errno = 0;
	long long v = strtoll(text, &end, 10);
	if (end == text || *end != '\0' || errno == ERANGE)
		return errno == ERANGE ? KISCRM_EOVERFLOW : KISCRM_EINVALID;
	*out = v;
	return KISCRM_OK;
}

static int parse_rate(double *out, const char *text)
{
	char *end;
	errno = 0;
	double v = strtod(text, &end);
	if (end == text || *end != '\0' || errno == ERANGE || !isfinite(v))
		return KISCRM_EINVALID;
	*out = v;
	return KISCRM_OK;
}

int kiscrm_record_set_from_text(kiscrm_record *rec, kiscrm_field id, const char *text, int decimals)
{
	int field = 0;
	int rc = check_field(rec, id, 1, &field);
	if (rc)
		return rc;
	if (!text || !*text)
		return kiscrm_record_set_null(rec, id);
	const kiscrm_field_def *f = &rec->def->fields[field];
	int64_t i = 0;
	double r = 0;
	const char *what = "";
	switch (f->type) {
	case KISCRM_TYPE_TEXT:
		return kiscrm_record_set_text(rec, id, text);
	case KISCRM_TYPE_INT:
		rc = parse_int(&i, text);
		what = "an integer";
		break;
	case KISCRM_TYPE_MONEY:
		rc = kiscrm_money_parse(&i, text, decimals);
		what = "an amount of money";
		break;
	case KISCRM_TYPE_DATE: {
		kiscrm_date d = 0;
		rc = kiscrm_date_parse(&d, text);
		i = d;
		what = "a date (YYYY-MM-DD)";
		break;
	}
	case KISCRM_TYPE_TIME:
		rc = kiscrm_time_parse(&i, text);
		what = "a time (YYYY-MM-DDTHH:MM:SSZ)";
		break;
	case KISCRM_TYPE_RATE:
		rc = parse_rate(&r, text);
		what = "a number";
		break;
	}
	if (rc)
		return kc_error_set_at(rc, NULL, 0, 0, f->name, text, "%s.%s: '%s' is not %s",
				       rec->def->name, f->name, text, what);
	if (f->type == KISCRM_TYPE_RATE)
		return kiscrm_record_set_rate(rec, id, r);
	kc_record_put_int(rec, id, i);
	return KISCRM_OK;
}

/* The value of a field for a getter, or NULL (error set) when the field is another
 * kind's; getters report that as NULL / 0. */
static const kiscrm_value *get(const kiscrm_record *rec, kiscrm_field id)
{
	int field = 0;
	return check_field(rec, id, 0, &field) ? NULL : &rec->vals[field];
}

int kiscrm_record_is_null(const kiscrm_record *rec, kiscrm_field id)
{
	const kiscrm_value *v = get(rec, id);
	return !v || v->type == KISCRM_TYPE_NULL;
}

int64_t kiscrm_record_int(const kiscrm_record *rec, kiscrm_field id)
{
	const kiscrm_value *v = get(rec, id);
	return v && is_int_like(v->type) ? v->u.i : 0;
}

const char *kiscrm_record_text(const kiscrm_record *rec, kiscrm_field id)
{
	const kiscrm_value *v = get(rec, id);
	return v && v->type == KISCRM_TYPE_TEXT ? v->u.s : NULL;
}

double kiscrm_record_rate(const kiscrm_record *rec, kiscrm_field id)
{
	const kiscrm_value *v = get(rec, id);
	return v && v->type == KISCRM_TYPE_RATE ? v->u.r : 0.0;
}

int kiscrm_record_field_to_text(kiscrm_buf *out, const kiscrm_record *rec, kiscrm_field id, int decimals)
{
	int field = 0;
	int rc = check_field(rec, id, 0, &field);
	if (rc)
		return rc;
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "output buffer is NULL");
	const kiscrm_value *v = &rec->vals[field];
	char tmp[64];
	int n;
	switch (v->type) {
	case KISCRM_TYPE_NULL:
		return kc_buf_put(out, "", 0);
	case KISCRM_TYPE_TEXT:
		return kc_buf_puts(out, v->u.s);
	case KISCRM_TYPE_MONEY:
		n = kiscrm_money_format(tmp, sizeof(tmp), v->u.i, decimals, 0);
		break;
	case KISCRM_TYPE_DATE:
		n = kiscrm_date_format(tmp, sizeof(tmp), (kiscrm_date)v->u.i);
		break;
	case KISCRM_TYPE_TIME:
		n = kiscrm_time_format(tmp, sizeof(tmp), v->u.i);
		break;
	case KISCRM_TYPE_RATE:
		return kc_buf_printf(out, "%.17g", v->u.r);
	default:
		return kc_buf_printf(out, "%lld", (long long)v->u.i);
	}
	return n < 0 ? n : kc_buf_put(out, tmp, (size_t)n);
}
