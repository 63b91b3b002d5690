/*
 * log.h - one line per event on stderr, the server's error log.
 *
 * Every line carries the request id so an operator can join lines that
 * belong together.  The formatted message is escaped: bytes outside
 * printable ASCII and the backslash become \xNN, so a hostile path or header
 * can neither forge a log line nor inject terminal escapes.
 */
#ifndef WICK_LOG_H
#define WICK_LOG_H

#include <stdarg.h>
#include <stddef.h>

struct wk_request;

enum wk_log_level {
	WK_LOG_DEBUG,
	WK_LOG_INFO,
	WK_LOG_WARN,
	WK_LOG_ERROR,
	WK_LOG__MAX
};

/*
 * wk_log - write "wick[PID] LEVEL req=ID message" to stderr (fd 2) in one
 * write(2).  req may be NULL (no request id then).  Lines are capped at 2 KiB
 * after escaping (marked with "..." when cut).
 */
void wk_log(const struct wk_request *req, enum wk_log_level level,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void wk_vlog(const struct wk_request *req, enum wk_log_level level,
    const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));

/*
 * wk_log_escape - escape src (n bytes) into dst (dstlen bytes incl. NUL) with
 * the log rule above.  Returns the length written (excluding the NUL).
 */
size_t wk_log_escape(char *dst, size_t dstlen, const char *src, size_t n);

/* wk_log_set_fd - send log lines to fd instead of 2 (tests).  -1 = silence. */
void wk_log_set_fd(int fd);

#endif /* WICK_LOG_H */
