/* A document as one CSV file: per section its title as a one-field row, its table (the
 * library's RFC 4180 writer: money exact, dates ISO) and its notes as one-field rows,
 * then an empty line. Programs that want one table read kiscrm_doc_section_table(). */
#include "packs/render.h"
#include "kiscrm/csv.h"
#include "core/buf.h"

static int one_field(kiscrm_buf *out, const char *s)
{
	const char *fields[] = { s };
	return kiscrm_csv_write_row(out, fields, 1, NULL);
}

int kc_render_csv(kiscrm_buf *out, const kiscrm_doc *doc)
{
	int rc = one_field(out, doc->title ? doc->title : "");
	if (!rc)
		rc = one_field(out, doc->subtitle ? doc->subtitle : "");
	for (size_t s = 0; !rc && s < doc->nsections; s++) {
		const kc_doc_section *sec = &doc->sections[s];
		rc = kc_buf_put(out, "\n", 1);
		if (!rc)
			rc = one_field(out, sec->title);
		if (!rc && sec->table)
			rc = kiscrm_table_write_csv(out, sec->table);
		for (size_t i = 0; !rc && i < sec->nnotes; i++)
			rc = one_field(out, sec->notes[i]);
	}
	return rc;
}
