/*
 * fuzz_request.c - libFuzzer harness for the request parser.
 *
 * The request parser is where untrusted bytes enter Wick, so it is fuzzed
 * on its own.  The fuzz input is read as a CGI environment followed by a
 * body: lines "NAME=value" up to the first empty line, then the body bytes.
 * Each input goes through wk_request_parse and wk_request_check_host with
 * a fresh arena, and the accessors are called on whatever came out, so a
 * field left NULL or a value without its NUL shows up as a crash.
 * Seeds live in tests/fuzz/corpus/fuzz_request/; tests/fuzz/run runs it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wick/core/arena.h"
#include "wick/core/kv.h"
#include "wick/http/request.h"
#include "wick/core/settings.h"

#define FUZZ_MAX_ENV 128

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Touch every string the parser produced, so ASan sees bad pointers. */
static size_t
touch(const struct wk_request *req)
{
	size_t i, sum = 0;
	const struct wk_kvlist *lists[] = { &req->headers, &req->cookies,
		&req->get, &req->post };
	size_t l;

	sum += strlen(req->method_name) + strlen(req->path) +
	    strlen(req->raw_path) + strlen(req->script_name) +
	    strlen(req->query_string) + strlen(req->content_type) +
	    strlen(req->host) + strlen(req->host_port) +
	    strlen(req->scheme) + strlen(req->server_name) +
	    strlen(req->server_port) + strlen(req->remote_addr) +
	    strlen(req->id);
	if (req->body_len > 0)
		sum += (unsigned char)req->body[req->body_len - 1];
	sum += (unsigned char)req->body[req->body_len];
	for (l = 0; l < sizeof(lists) / sizeof(lists[0]); l++)
		for (i = 0; i < lists[l]->len; i++)
			sum += strlen(lists[l]->items[i].name) +
			    lists[l]->items[i].value_len +
			    (unsigned char)lists[l]->items[i].value[
			    lists[l]->items[i].value_len];
	if (req->error != NULL)
		sum += strlen(req->error);
	return sum;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct wk_settings s;
	static int ready;
	char *copy, *p, *end, *nl, *env[FUZZ_MAX_ENV + 1];
	struct wk_mem_reader body;
	struct wk_request req;
	wk_arena a;
	size_t n = 0;
	volatile size_t sink;
	int rc;

	if (!ready) {
		wk_settings_defaults(&s);
		s.allowed_hosts[0] = "localhost";
		s.allowed_hosts[1] = ".example.com";
		s.allowed_hosts[2] = "[::1]";
		s.n_allowed_hosts = 3;
		s.max_body = 64 * 1024;    /* keep iterations fast */
		s.read_timeout_ms = 10;
		ready = 1;
	}
	/* A NUL-terminated private copy: env strings are cut out of it. */
	copy = malloc(size + 1);
	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	p = copy;
	end = copy + size;
	while (p < end && n < FUZZ_MAX_ENV) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if (nl == p) { /* empty line: the body follows */
			p++;
			break;
		}
		*nl = '\0';
		/* An embedded NUL just shortens the entry, as execve would. */
		env[n++] = p;
		p = nl < end ? nl + 1 : end;
	}
	env[n] = NULL;
	wk_mem_reader_init(&body, p < end ? p : NULL,
	    p < end ? (size_t)(end - p) : 0);

	wk_arena_init(&a);
	rc = wk_request_parse(&req, &a, &s, env, &body.base);
	if (rc == 0)
		(void)wk_request_check_host(&req);
	sink = touch(&req);
	(void)sink;
	(void)wk_request_header(&req, "User-Agent");
	(void)wk_request_cookie(&req, "sessionid");
	(void)wk_request_get(&req, "q");
	(void)wk_request_post(&req, "q");
	wk_arena_free(&a);
	free(copy);
	return 0;
}
