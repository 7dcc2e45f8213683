#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int grow(kiscrm_buf *buf, size_t need)
{
	if (buf->size + need + 1 <= buf->asize)
		return KISCRM_OK;
	size_t asize = buf->asize ? buf->asize : 64;
	while (asize < buf->size + need + 1)
		asize *= 2;
	char *p = realloc(buf->ptr, asize);
	if (!p)
		return kc_error_oom();
	buf->ptr = p;
	buf->asize = asize;
	return KISCRM_OK;
}

int kc_buf_put(kiscrm_buf *buf, const char *data, size_t len)
{
	int rc = grow(buf, len);
	if (rc)
		return rc;
	if (len)
		memcpy(buf->ptr + buf->size, data, len);
	buf->size += len;
	buf->ptr[buf->size] = '\0';
	return KISCRM_OK;
}

int kc_buf_puts(kiscrm_buf *buf, const char *s)
{
	return kc_buf_put(buf, s, strlen(s));
}

int kc_buf_printf(kiscrm_buf *buf, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return kc_error_set(KISCRM_EINVALID, "bad format");
	int rc = grow(buf, (size_t)n);
	if (rc)
		return rc;
	va_start(ap, fmt);
	vsnprintf(buf->ptr + buf->size, (size_t)n + 1, fmt, ap);
	va_end(ap);
	buf->size += (size_t)n;
	return KISCRM_OK;
}

void kiscrm_buf_dispose(kiscrm_buf *buf)
{
	if (!buf)
		return;
	free(buf->ptr);
	buf->ptr = NULL;
	buf->size = buf->asize = 0;
}

int kc_buf_json_string(kiscrm_buf *out, const char *s)
{
	int rc = kc_buf_put(out, "\"", 1);
	const char *run = s;
	for (const char *p = s; !rc && *p; p++) {
		unsigned char ch = (unsigned char)*p;
		if (ch >= 0x20 && ch != '"' && ch != '\\')
			continue;
		rc = kc_buf_put(out, run, (size_t)(p - run));
		if (rc)
			break;
		if (ch == '"' || ch == '\\')
			rc = kc_buf_printf(out, "\\%c", ch);
		else
			rc = kc_buf_printf(out, "\\u%04X", (unsigned int)ch);
		run = p + 1;
	}
	if (!rc)
		rc = kc_buf_puts(out, run);
	return rc ? rc : kc_buf_put(out, "\"", 1);
}
