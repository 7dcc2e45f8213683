/* The thread-local last error (libgit2's git_error_last model). Messages live in fixed
 * thread-local buffers so that reporting an error never allocates and never fails. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MSG_MAX 1024
#define TEXT_MAX 512

static _Thread_local char tl_message[MSG_MAX];
static _Thread_local char tl_file[TEXT_MAX];
static _Thread_local char tl_field[TEXT_MAX / 2];
static _Thread_local char tl_value[TEXT_MAX];
static _Thread_local kiscrm_error tl_error = { KISCRM_OK, "", NULL, 0, 0, NULL, NULL };

/* Copies through a temporary, so that a caller may pass the previous error's own text
 * (kiscrm_error_last()->value …) back in without overlapping buffers. */
static const char *copy_opt(char *dst, size_t size, const char *src)
{
	char tmp[TEXT_MAX];
	if (!src)
		return NULL;
	snprintf(tmp, sizeof(tmp) < size ? sizeof(tmp) : size, "%s", src);
	memcpy(dst, tmp, strlen(tmp) + 1);
	return dst;
}

static int set_v(int code, const char *file, int line, int column, const char *field,
		 const char *value, const char *fmt, va_list ap)
{
	char msg[MSG_MAX];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	memcpy(tl_message, msg, strlen(msg) + 1);
	tl_error.code = code;
	tl_error.message = tl_message;
	tl_error.file = copy_opt(tl_file, sizeof(tl_file), file);
	tl_error.line = line;
	tl_error.column = column;
	tl_error.field = copy_opt(tl_field, sizeof(tl_field), field);
	tl_error.value = copy_opt(tl_value, sizeof(tl_value), value);
	return code;
}

int kc_error_set(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	set_v(code, NULL, 0, 0, NULL, NULL, fmt, ap);
	va_end(ap);
	return code;
}

int kc_error_set_at(int code, const char *file, int line, int column, const char *field,
		    const char *value, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	set_v(code, file, line, column, field, value, fmt, ap);
	va_end(ap);
	return code;
}

int kc_error_oom(void)
{
	return kc_error_set(KISCRM_ENOMEM, "out of memory");
}

const kiscrm_error *kiscrm_error_last(void)
{
	if (!tl_error.message)
		tl_error.message = "";
	return &tl_error;
}

void kiscrm_error_clear(void)
{
	tl_message[0] = '\0';
	tl_error = (kiscrm_error){ KISCRM_OK, tl_message, NULL, 0, 0, NULL, NULL };
}

const char *kiscrm_strerror(int code)
{
	switch (code) {
	case KISCRM_OK: return "success";
	case KISCRM_ERROR: return "error";
	case KISCRM_ENOTFOUND: return "not found";
	case KISCRM_EEXISTS: return "already exists";
	case KISCRM_EINVALID: return "invalid argument or value";
	case KISCRM_ECONFIG: return "invalid configuration";
	case KISCRM_ECONFLICT: return "conflicts with existing data";
	case KISCRM_ESTORAGE: return "storage failure";
	case KISCRM_EBUSY: return "database busy";
	case KISCRM_ENOMEM: return "out of memory";
	case KISCRM_ITEROVER: return "no more items";
	case KISCRM_EVERSION: return "version mismatch";
	case KISCRM_ENOTSUPPORTED: return "not supported";
	case KISCRM_EOVERFLOW: return "numeric overflow";
	case KISCRM_EIMPORT: return "import rejected";
	case KISCRM_EUSER: return "stopped by callback";
	default: return "unknown error";
	}
}

int kiscrm_error_is_retryable(int code)
{
	/* Busy and serialisation failures leave nothing stored and pass when the other
	 * writer is done; every other failure would fail the same way again. */
	return code == KISCRM_EBUSY;
}
