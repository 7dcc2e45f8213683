/* Compiles the umbrella header alone as strict C11 and checks the runtime version
 * matches the headers. */
#include <kiscrm.h>
#include <string.h>

int main(void)
{
	int major = -1, minor = -1, patch = -1;
	kiscrm_version(&major, &minor, &patch);
	if (major != KISCRM_VERSION_MAJOR || minor != KISCRM_VERSION_MINOR || patch != KISCRM_VERSION_PATCH)
		return 1;
	return strcmp(kiscrm_version_string(), KISCRM_VERSION_STRING) == 0 ? 0 : 1;
}
