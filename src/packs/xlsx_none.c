/* The XLSX renderer of a library built without libxlsxwriter. */
#include "packs/render.h"

int kc_render_xlsx(const kiscrm_doc *doc, const char *path)
{
	(void)doc;
	(void)path;
	return kc_error_set(KISCRM_ENOTSUPPORTED, "XLSX output needs libxlsxwriter, which this library was built without");
}
