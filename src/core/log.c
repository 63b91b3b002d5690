/*
 * log.c - escaped one-line log records on stderr (see log.h).
 *
 * Under CGI, stderr is the web server's error log.  Each record is built in
 * a bounded stack buffer and written with a single write(2) so lines from
 * concurrent processes do not interleave.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "wick/core/log.h"
#include "wick/http/request.h"

#define LOG_LINE_MAX 2048

static int log_fd = 2;

static const char *const log_level_names[WK_LOG__MAX] = {
	[WK_LOG_DEBUG] = "debug",
	[WK_LOG_INFO] = "info",
	[WK_LOG_WARN] = "warn",
	[WK_LOG_ERROR] = "error",
};

/* see log.h */
void
wk_log_set_fd(int fd)
{
	log_fd = fd;
}

/* see log.h */
size_t
wk_log_escape(char *dst, size_t dstlen, const char *src, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o = 0;

	if (dstlen == 0)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)src[i];
		if (c >= 0x20 && c < 0x7f && c != '\\') {
			if (o + 1 >= dstlen)
				break;
			dst[o++] = (char)c;
		} else {
			if (o + 4 >= dstlen)
				break;
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[c >> 4];
			dst[o++] = hex[c & 15];
		}
	}
	dst[o] = '\0';
	return o;
}

/* see log.h */
void
wk_vlog(const struct wk_request *req, enum wk_log_level level,
    const char *fmt, va_list ap)
{
	char msg[LOG_LINE_MAX];
	char line[LOG_LINE_MAX + 128];
	size_t off, len;
	int n, cut;

	if (log_fd < 0)
		return;
	if ((unsigned)level >= WK_LOG__MAX)
		level = WK_LOG_ERROR;
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	if (n < 0)
		return;
	cut = (size_t)n >= sizeof(msg);
	len = cut ? sizeof(msg) - 1 : (size_t)n;

	n = snprintf(line, sizeof(line), "wick[%ld] %s%s%s ", (long)getpid(),
	    log_level_names[level], req != NULL && req->id[0] ? " req=" : "",
	    req != NULL ? req->id : "");
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	off = (size_t)n;
	/* Leave room for "...\n"; an escape that fills the space was cut. */
	off += wk_log_escape(line + off, sizeof(line) - off - 4, msg, len);
	if (cut || off >= sizeof(line) - 4 - 4) {
		memcpy(line + off, "...", 3);
		off += 3;
	}
	line[off++] = '\n';
	while (write(log_fd, line, off) < 0 && errno == EINTR)
		;
}

/* see log.h */
void
wk_log(const struct wk_request *req, enum wk_log_level level,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	wk_vlog(req, level, fmt, ap);
	va_end(ap);
}
