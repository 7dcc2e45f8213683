#include "kiscrm/version.h"

void kiscrm_version(int *major, int *minor, int *patch)
{
	if (major)
		*major = KISCRM_VERSION_MAJOR;
	if (minor)
		*minor = KISCRM_VERSION_MINOR;
	if (patch)
		*patch = KISCRM_VERSION_PATCH;
}

const char *kiscrm_version_string(void)
{
	return KISCRM_VERSION_STRING;
}

