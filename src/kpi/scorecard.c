/* placeholder: being written */
#include "kiscrm/common.h"
