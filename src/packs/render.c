/* kiscrm_doc_render() and kiscrm_doc_write_file(): the formats by name, and files written
 * through a temporary file renamed into place, so a reader never sees half a pack. */
#include "packs/render.h"
#include "core/atomic_file.h"
#include "core/buf.h"

#include <string.h>

static int render(kiscrm_buf *out, const kiscrm_doc *doc, const char *format)
{
	if (strcmp(format, "text") == 0)
		return kc_render_text(out, doc);
	if (strcmp(format, "html") == 0)
		return kc_render_html(out, doc);
	if (strcmp(format, "csv") == 0)
		return kc_render_csv(out, doc);
	return kc_error_set(KISCRM_EINVALID, "unknown document format '%s' (text, html, csv%s)", format,
			    strcmp(format, "xlsx") == 0 ? "; xlsx only as a file: kiscrm_doc_write_file" : "");
}

int kiscrm_doc_render(kiscrm_buf *out, const kiscrm_doc *doc, const char *format)
{
	if (!out || !doc || !format)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_doc_render: %s is NULL",
				    !out ? "out" : !doc ? "doc" : "format");
	size_t start = out->size;
	int rc = render(out, doc, format);
	if (rc && out->ptr) { /* a failed render leaves the buffer as it found it */
		out->size = start;
		out->ptr[start] = '\0';
	}
	return rc;
}

int kiscrm_doc_write_file(const kiscrm_doc *doc, const char *path, const char *format)
{
	kc_atomic_file af;
	kiscrm_buf b = KISCRM_BUF_INIT;
	int xlsx;
	if (!doc || !path || !format)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_doc_write_file: %s is NULL",
				    !doc ? "doc" : !path ? "path" : "format");
	if (!*path)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_doc_write_file: empty path");
	xlsx = strcmp(format, "xlsx") == 0;
	int rc = xlsx ? KISCRM_OK : render(&b, doc, format);
	if (rc == KISCRM_OK && (rc = kc_atomic_open(&af, path)) == KISCRM_OK) {
		if (xlsx) {
			/* libxlsxwriter writes the temporary file by its name (the same inode
			 * our stream holds open); kc_atomic_close syncs and renames it */
			rc = kc_render_xlsx(doc, af.tmp);
		} else if (b.size && fwrite(b.ptr, 1, b.size, af.fp) != b.size)
			rc = kc_error_set(KISCRM_ESTORAGE, "cannot write '%s'", path);
		rc = kc_atomic_close(&af, rc);
	}
	kiscrm_buf_dispose(&b);
	return rc;
}
