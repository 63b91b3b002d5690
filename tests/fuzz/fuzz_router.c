/*
 * fuzz_router.c - libFuzzer harness for the router: hostile paths against a
 * fixed table (with a reverse-then-resolve round trip that must succeed),
 * and fuzzed patterns through resolve, check and reverse.  Input: byte 0
 * picks the mode, method and argument count; the rest splits on 0x01.
 */
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include <stdlib.h>
#include <stdio.h>
#include "wick/core/arena.h"
#include "wick/core/kv.h"
#include "wick/core/log.h"
#include "wick/http/request.h"
#include "wick/http/router.h"

static int v(struct wk_request *r, struct wk_response *resp) { (void)r; (void)resp; return 0; }

static const struct wk_route sub[] = {
	{ "items/<int:id>/", v, "item", 0, NULL },
	{ "<uuid:u>", v, "u", 0, NULL },
	WK_ROUTES_END };
static const struct wk_route table[] = {
	{ "", v, "home", 0, NULL },
	{ "p/<int:a>-<slug:b>/<str:c>/", v, "p", 0, NULL },
	{ "f/<path:p>/edit/<path:q>", v, "f", 0, NULL },
	{ "v<int:ver>/", NULL, NULL, 0, sub },
	{ "<slug:s>-<slug:t>", v, "st", 0, NULL },
	{ "<path:x>", v, "x", 0, NULL },
	WK_ROUTES_END };
static const char *names[] = { "home", "p", "f", "item", "u", "st", "x" };

static int hexv(int c) { if (c >= '0' && c <= '9') return c - '0'; if (c >= 'A' && c <= 'F') return c - 'A' + 10; return -1; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int init;
	wk_arena a;
	struct wk_request req;
	char *buf, *pat, *path, *parts[4];
	size_t i, np = 0;
	char out[256];
	struct wk_route t[2];

	if (!init) { wk_log_set_fd(-1); init = 1; }
	if (size < 1) return 0;
	wk_arena_init(&a);
	buf = wk_arena_strndup(&a, (const char *)data + 1, size - 1);
	for (i = 0; i + 1 < size; i++) if (buf[i] == '\0') buf[i] = 'z';
	/* split on \x01 */
	parts[np++] = buf;
	for (i = 0; buf[i]; i++) if (buf[i] == '\x01' && np < 4) { buf[i] = 0; parts[np++] = buf + i + 1; }
	memset(&req, 0, sizeof(req));
	req.arena = &a;
	req.method = (enum wk_method)(data[0] % WK_METHOD__MAX);
	if ((data[0] >> 4) & 1) {
		/* fuzzed pattern */
		pat = parts[0]; path = np > 1 ? parts[1] : "";
		memset(t, 0, sizeof(t));
		t[0].pattern = pat; t[0].view = v; t[0].name = "n";
		req.path = path;
		(void)wk_router_resolve(t, &req, 1, NULL);
		(void)wk_router_check(t, out, sizeof(out));
		{
			const char *args[3] = { np > 2 ? parts[2] : "x", np > 3 ? parts[3] : "y", "z" };
			char *u = wk_router_reverse(t, &a, "", "n", args, (data[0] >> 5) & 3);
			(void)u;
		}
	} else {
		req.path = parts[0];
		(void)wk_router_resolve(table, &req, data[0] & 32, NULL);
		{
			const char *args[3] = { np > 1 ? parts[1] : "1", np > 2 ? parts[2] : "2", np > 3 ? parts[3] : "3" };
			size_t nargs = (data[0] >> 5) & 3;
			const char *nm = names[(data[0] >> 1) % 7];
			char *u = wk_router_reverse(table, &a, "", nm, args, nargs);
			if (u) {
				/* decode and resolve back */
				size_t n = strlen(u), j = 0;
				char *d = wk_arena_alloc(&a, n + 1);
				for (i = 0; i < n; i++) {
					if (u[i] == '%') { int h = hexv(u[i+1]), l = hexv(u[i+2]); if (h < 0 || l < 0) abort(); d[j++] = (char)(h * 16 + l); i += 2; }
					else d[j++] = u[i];
				}
				d[j] = 0;
				memset(&req, 0, sizeof(req));
				req.arena = &a; req.path = d;
				if (wk_router_resolve(table, &req, 0, NULL) != WK_ROUTE_FOUND) { fprintf(stderr, "roundtrip %s -> %s\n", nm, u); abort(); }
			}
		}
	}
	wk_arena_free(&a);
	return 0;
}
