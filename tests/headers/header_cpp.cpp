// Compiles the umbrella header alone as strict C++11 (extern "C", no C-only constructs).
#include <kiscrm.h>
#include <kiscrm/sys/backend.h>
#include <cstring>

int main()
{
	kiscrm_db_options opts = KISCRM_DB_OPTIONS_INIT;
	kiscrm_filter filter = KISCRM_FILTER_INIT;
	(void)filter;
	return opts.version == KISCRM_DB_OPTIONS_VERSION &&
	       std::strcmp(kiscrm_version_string(), KISCRM_VERSION_STRING) == 0 ? 0 : 1;
}
