/*
 * test_log.c - log lines are single, escaped and carry the request id.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "wick/core/log.h"
#include "wick/http/request.h"

/* Run the log call with fd 2 redirected to a pipe; return what it wrote. */
static size_t
capture(char *out, size_t outlen, const struct wk_request *req,
    const char *msg)
{
	int fds[2];
	ssize_t n;

	assert_int_equal(pipe(fds), 0);
	wk_log_set_fd(fds[1]);
	wk_log(req, WK_LOG_WARN, "%s", msg);
	wk_log_set_fd(2);
	close(fds[1]);
	n = read(fds[0], out, outlen - 1);
	close(fds[0]);
	assert_true(n > 0);
	out[n] = '\0';
	return (size_t)n;
}

static void
test_escapes_control_and_newlines(void **state)
{
	char out[4096];
	struct wk_request req;

	(void)state;
	memset(&req, 0, sizeof(req));
	memcpy(req.id, "0123456789abcdef", 17);
	capture(out, sizeof(out), &req,
	    "GET /x\r\nX-Forged: 1\x1b[31m\\ \xc3\xa9");
	assert_non_null(strstr(out, " warn req=0123456789abcdef "));
	assert_non_null(strstr(out,
	    "GET /x\\x0d\\x0aX-Forged: 1\\x1b[31m\\x5c \\xc3\\xa9\n"));
	/* Exactly one line. */
	assert_ptr_equal(strchr(out, '\n'), out + strlen(out) - 1);
}

static void
test_no_request_and_long_line(void **state)
{
	char out[8192];
	char msg[5000];
	size_t n;

	(void)state;
	memset(msg, 'a', sizeof(msg) - 1);
	msg[sizeof(msg) - 1] = '\0';
	n = capture(out, sizeof(out), NULL, msg);
	assert_null(strstr(out, "req="));
	assert_true(n < 2300);
	assert_non_null(strstr(out, "...\n"));
}

static void
test_escape_bounds(void **state)
{
	char dst[8];

	(void)state;
	assert_int_equal(wk_log_escape(dst, sizeof(dst), "\n\n\n", 3), 4);
	assert_string_equal(dst, "\\x0a");
	assert_int_equal(wk_log_escape(dst, sizeof(dst), "abcdefghij", 10), 7);
	assert_string_equal(dst, "abcdefg");
	assert_int_equal(wk_log_escape(dst, 0, "x", 1), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escapes_control_and_newlines),
		cmocka_unit_test(test_no_request_and_long_line),
		cmocka_unit_test(test_escape_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
