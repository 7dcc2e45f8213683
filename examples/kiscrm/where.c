/* `--where FIELD OP VALUE` of `kiscrm list`: one condition of a version-2 kiscrm_filter,
 * the value converted exactly by the field's type (as CSV imports convert it). */
#include "cli.h"

#include <string.h>

static const struct {
	const char *text;
	int op;
} ops[] = {
	/* two-character operators first, so that ">=" is not read as ">" */
	{ ">=", KISCRM_OP_GE }, { "<=", KISCRM_OP_LE }, { "!=", KISCRM_OP_NE },
	{ "=", KISCRM_OP_EQ },  { ">", KISCRM_OP_GT },  { "<", KISCRM_OP_LT },
	{ "~", KISCRM_OP_CONTAINS },
};

static int is_name_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_';
}

int cli_where_parse(kiscrm_filter_cond *out, int kind, const char *expr, int decimals)
{
	size_t n = 0;
	while (is_name_char(expr[n]))
		n++;
	char field_name[64];
	if (n == 0 || n >= sizeof(field_name))
		return cli_usage("--where '%s': expected FIELD OP VALUE (OP one of = != > >= < <= ~)", expr);
	memcpy(field_name, expr, n);
	field_name[n] = '\0';
	int field = kiscrm_kind_field_find(kind, field_name);
	if (field < 0)
		return cli_usage("--where '%s': %s has no field '%s' (see `kiscrm fields %s`)", expr,
				 kiscrm_kind_name(kind), field_name, kiscrm_kind_name(kind));
	const char *rest = expr + n;
	int op = 0;
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]) && !op; i++)
		if (strncmp(rest, ops[i].text, strlen(ops[i].text)) == 0) {
			op = ops[i].op;
			rest += strlen(ops[i].text);
		}
	if (!op)
		return cli_usage("--where '%s': expected an operator after '%s' (= != > >= < <= ~)", expr,
				 field_name);

	kiscrm_type type = kiscrm_kind_field_type(kind, field);
	memset(out, 0, sizeof(*out));
	out->field = field;
	out->op = op;
	if (!*rest) { /* "field=" is NULL, "field!=" is not NULL */
		out->type = KISCRM_TYPE_NULL;
		return 0;
	}
	out->type = type;
	if (type == KISCRM_TYPE_TEXT) {
		out->value.s = rest; /* argv outlives the filter */
		return 0;
	}
	/* Other types: convert through a scratch record, which knows every type's text form. */
	kiscrm_record *scratch = NULL;
	if (kiscrm_record_new(&scratch, kind) < 0)
		return cli_fail("--where");
	int rc = kiscrm_record_set_from_text(scratch, field, rest, decimals);
	if (rc == 0) {
		if (type == KISCRM_TYPE_RATE)
			out->value.r = kiscrm_record_rate(scratch, field);
		else
			out->value.i = kiscrm_record_int(scratch, field);
	}
	kiscrm_record_free(scratch);
	if (rc < 0) {
		fprintf(stderr, "kiscrm: --where '%s': %s\n", expr, kiscrm_error_last()->message);
		return 2;
	}
	return 0;
}
