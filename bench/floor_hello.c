/*
 * floor_hello.c - the floor for the /hello benchmark: the least a static C
 * CGI program can do to send the same bytes as blog.cgi's /hello.
 *
 * bench/run times this against cgi-bin/blog.cgi for GET /hello; the ratio
 * is what Wick's pipeline (settings, request parse, middleware, router,
 * response) costs on top of exec + exit.  It is built exactly like the app
 * (musl-gcc -static -O2, stripped), and bench/run checks byte for byte that
 * both print the same response, so a header added to Wick's /hello must be
 * added here too, or the comparison says so.
 */
#include <unistd.h>

static const char response[] =
    "Status: 200 OK\r\n"
    "Content-Type: text/html; charset=utf-8\r\n"
    "X-Content-Type-Options: nosniff\r\n"
    "X-Frame-Options: DENY\r\n"
    "Referrer-Policy: same-origin\r\n"
    "Cross-Origin-Opener-Policy: same-origin\r\n"
    "Content-Length: 128\r\n"
    "\r\n"
    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
    "<title>Hello</title></head>\n"
    "<body><p>Hello, world</p></body></html>\n";

int
main(void)
{
	size_t off = 0, len = sizeof(response) - 1;

	while (off < len) {
		ssize_t n = write(1, response + off, len - off);

		if (n <= 0)
			return 1;
		off += (size_t)n;
	}
	return 0;
}
