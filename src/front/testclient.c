/*
 * testclient.c - the in-process test client (see testclient.h).
 *
 * A front end in memory: it builds the CGI environment Apache would give
 * the binary, runs the very pipeline the CGI front end runs (wk_app_serve)
 * with the body in a memory reader and a writer that appends to a buffer
 * (io.h), and parses those bytes back.  What a test sees is therefore
 * what the web server would receive.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "wick/auth/csrf.h"
#include "wick/core/crypto.h"
#include "wick/db/db.h"
#include "wick/http/app.h"
#include "wick/http/io.h"
#include "wick/http/request.h"
#include "wick/http/response.h"
#include "wick/front/testclient.h"

#define TC_MAX_ENV 96

/* see testclient.h */
int
wk_test_client_init(struct wk_test_client *c, const struct wk_app *app,
    const struct wk_settings *s)
{
	memset(c, 0, sizeof(*c));
	c->app = app;
	if (s != NULL)
		c->settings = *s;
	else
		wk_settings_defaults(&c->settings);
	c->script_name = "";
	c->host = "localhost";
	wk_arena_init(&c->arena);
	return 0;
}

/* see testclient.h */
void
wk_test_client_free(struct wk_test_client *c)
{
	static const char *const suffixes[] = { "", "-wal", "-shm",
	    "-journal" };
	char path[sizeof(c->db_path) + 16];
	size_t i;

	if (c->owns_db)
		wk_db_close();
	if (c->db_dir[0] != '\0') {
		for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
			int n = snprintf(path, sizeof(path), "%s%s",
			    c->db_path, suffixes[i]);
			if (n > 0 && (size_t)n < sizeof(path))
				(void)unlink(path);
		}
		(void)rmdir(c->db_dir);  /* stays if the test left files */
	}
	c->owns_db = 0;
	c->db_dir[0] = c->db_path[0] = '\0';
	wk_arena_free(&c->arena);
	memset(&c->jar, 0, sizeof(c->jar));
}

/* Append "NAME=value" to env. */
static int
tc_env(wk_arena *a, char **env, size_t *n, const char *name,
    const char *value)
{
	if (*n + 1 >= TC_MAX_ENV || value == NULL)
		return -1;
	env[*n] = wk_arena_printf(a, "%s=%s", name, value);
	if (env[*n] == NULL)
		return -1;
	(*n)++;
	env[*n] = NULL;
	return 0;
}

/* "X-Csrf-Token: v" -> HTTP_X_CSRF_TOKEN=v */
static int
tc_env_header(wk_arena *a, char **env, size_t *n, const char *line)
{
	const char *colon = strchr(line, ':');
	char *name;
	size_t i, len;

	if (colon == NULL)
		return -1;
	len = (size_t)(colon - line);
	name = wk_arena_alloc(a, len + 6);
	if (name == NULL)
		return -1;
	memcpy(name, "HTTP_", 5);
	for (i = 0; i < len; i++) {
		char ch = line[i];
		if (ch == '-')
			ch = '_';
		else if (ch >= 'a' && ch <= 'z')
			ch = (char)(ch - 'a' + 'A');
		name[5 + i] = ch;
	}
	name[5 + len] = '\0';
	colon++;
	while (*colon == ' ' || *colon == '\t')
		colon++;
	if (strcmp(name, "HTTP_CONTENT_TYPE") == 0)
		return tc_env(a, env, n, "CONTENT_TYPE", colon);
	if (strcmp(name, "HTTP_CONTENT_LENGTH") == 0)
		return tc_env(a, env, n, "CONTENT_LENGTH", colon);
	return tc_env(a, env, n, name, colon);
}

/* Update the jar from one Set-Cookie value. */
static void
tc_jar_update(struct wk_test_client *c, const char *sc)
{
	const char *eq = strchr(sc, '=');
	const char *semi = strchr(sc, ';');
	char *name, *value;
	int expired = 0;

	if (eq == NULL || (semi != NULL && semi < eq))
		return;
	if (semi == NULL)
		semi = sc + strlen(sc);
	if (strstr(semi, "Max-Age=0") != NULL ||
	    strstr(semi, "1970") != NULL)
		expired = 1;
	name = wk_arena_strndup(&c->arena, sc, (size_t)(eq - sc));
	value = wk_arena_strndup(&c->arena, eq + 1, (size_t)(semi - eq - 1));
	if (name == NULL || value == NULL)
		return;
	if (expired)
		wk_kv_remove(&c->jar, name);
	else
		wk_kv_set(&c->arena, &c->jar, name, value, strlen(value));
}

/* Does the test's own request carry header name ("Origin")? */
static int
tc_has_header(const struct wk_test_request *rq, const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; rq->headers != NULL && rq->headers[i] != NULL; i++)
		if (strncasecmp(rq->headers[i], name, n) == 0 &&
		    rq->headers[i][n] == ':')
			return 1;
	return 0;
}

/* skip_csrf: what passes the CSRF check, for an unsafe request - the
 * jar's csrftoken (made when missing), the header, and an Origin. */
static int
tc_csrf_pass(struct wk_test_client *c, const struct wk_test_request *rq,
    wk_arena *ra, char **env, size_t *n)
{
	char *secret;
	const char *have = wk_kv_get(&c->jar, WK_CSRF_COOKIE_NAME);

	if (have == NULL || strlen(have) != WK_CSRF_SECRET_LEN) {
		/* the jar keeps the pointer: the secret lives in c's arena */
		secret = wk_arena_alloc(&c->arena, WK_CSRF_SECRET_LEN + 1);
		if (secret == NULL || wk_crypto_random_chars(secret,
		    WK_CSRF_SECRET_LEN, WK_ALNUM_CHARS,
		    sizeof(WK_ALNUM_CHARS) - 1) != 0 ||
		    wk_kv_set(&c->arena, &c->jar, WK_CSRF_COOKIE_NAME, secret,
		    WK_CSRF_SECRET_LEN) != 0)
			return -1;
		have = secret;
	}
	if (!tc_has_header(rq, WK_CSRF_HEADER_NAME) &&
	    tc_env(ra, env, n, "HTTP_X_CSRFTOKEN", have) != 0)
		return -1;
	if (!tc_has_header(rq, "Origin") && !tc_has_header(rq, "Referer") &&
	    c->host != NULL && tc_env(ra, env, n, "HTTP_ORIGIN",
	    wk_arena_printf(ra, "%s://%s", c->https ? "https" : "http",
	    c->host)) != 0)
		return -1;
	return 0;
}

/* Methods the CSRF check leaves alone (csrf.h). */
static int
tc_safe_method(const char *m)
{
	return strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0 ||
	    strcmp(m, "OPTIONS") == 0 || strcmp(m, "TRACE") == 0;
}

/* Parse the CGI output in out->raw into status, headers and body. */
static int
tc_parse_output(struct wk_test_client *c, struct wk_test_response *out)
{
	const char *p = out->raw, *end = out->raw + out->raw_len;

	out->status = 200;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *colon, *v;
		size_t linelen;
		char *name, *value;

		if (eol == NULL)
			return -1;
		linelen = (size_t)(eol - p);
		if (linelen > 0 && p[linelen - 1] == '\r')
			linelen--;
		if (linelen == 0) {
			p = eol + 1;
			break;
		}
		colon = memchr(p, ':', linelen);
		if (colon == NULL)
			return -1;
		v = colon + 1;
		while (v < p + linelen && *v == ' ')
			v++;
		name = wk_arena_strndup(&out->arena, p, (size_t)(colon - p));
		value = wk_arena_strndup(&out->arena, v,
		    (size_t)(p + linelen - v));
		if (name == NULL || value == NULL)
			return -1;
		if (strcasecmp(name, "Status") == 0)
			out->status = atoi(value);
		else if (wk_kv_add(&out->arena, &out->headers, name, value,
		    strlen(value)) != 0)
			return -1;
		if (strcasecmp(name, "Set-Cookie") == 0)
			tc_jar_update(c, value);
		p = eol + 1;
	}
	out->body = p;
	out->body_len = (size_t)(end - p);
	return 0;
}

/* see testclient.h */
int
wk_test_request(struct wk_test_client *c, const struct wk_test_request *rq,
    struct wk_test_response *out)
{
	wk_arena ra;
	char *env[TC_MAX_ENV];
	size_t n = 0, i;
	const char *method = rq->method ? rq->method : "GET";
	const char *path = rq->path ? rq->path : "/";
	const char *q = strchr(path, '?');
	char *rawpath, *pathinfo, clen[32];
	size_t blen = rq->body_len;
	struct wk_mem_reader body;
	struct wk_buf_writer bw;
	struct wk_request req;
	struct wk_response resp;
	wk_buf wire;
	int bad = 0, rc = -1;
	size_t plen;

	memset(out, 0, sizeof(*out));
	wk_arena_init(&out->arena);
	wk_arena_init(&ra);
	env[0] = NULL;
	if (rq->body != NULL && blen == 0)
		blen = strlen(rq->body);

	rawpath = wk_arena_strndup(&ra, path, q ? (size_t)(q - path) :
	    strlen(path));
	if (rawpath == NULL)
		goto done;
	/* Apache hands the script a decoded PATH_INFO (RFC 3875 4.1.5). */
	pathinfo = wk_url_decode(&ra, rawpath, strlen(rawpath), 0, &plen,
	    &bad);
	if (pathinfo == NULL)
		pathinfo = rawpath;  /* let the parser judge the raw bytes */
	if (tc_env(&ra, env, &n, "GATEWAY_INTERFACE", "CGI/1.1") ||
	    tc_env(&ra, env, &n, "SERVER_PROTOCOL", "HTTP/1.1") ||
	    tc_env(&ra, env, &n, "REQUEST_METHOD", method) ||
	    tc_env(&ra, env, &n, "SCRIPT_NAME", c->script_name) ||
	    tc_env(&ra, env, &n, "PATH_INFO", pathinfo) ||
	    tc_env(&ra, env, &n, "QUERY_STRING", q ? q + 1 : "") ||
	    tc_env(&ra, env, &n, "REQUEST_URI", wk_arena_printf(&ra, "%s%s",
	    c->script_name, path)) ||
	    tc_env(&ra, env, &n, "SERVER_NAME", "localhost") ||
	    tc_env(&ra, env, &n, "SERVER_PORT", c->https ? "443" : "80") ||
	    tc_env(&ra, env, &n, "REMOTE_ADDR", "127.0.0.1") ||
	    tc_env(&ra, env, &n, "REQUEST_SCHEME", c->https ? "https" : "http") ||
	    (c->host != NULL && tc_env(&ra, env, &n, "HTTP_HOST", c->host)))
		goto done;
	if (c->https && tc_env(&ra, env, &n, "HTTPS", "on"))
		goto done;
	if (rq->body != NULL) {
		snprintf(clen, sizeof(clen), "%zu", blen);
		if (tc_env(&ra, env, &n, "CONTENT_LENGTH", clen))
			goto done;
	}
	if (rq->content_type != NULL &&
	    tc_env(&ra, env, &n, "CONTENT_TYPE", rq->content_type))
		goto done;
	if (c->skip_csrf && !tc_safe_method(method) &&
	    tc_csrf_pass(c, rq, &ra, env, &n) != 0)
		goto done;
	if (c->jar.len > 0) {
		wk_buf cookie;
		wk_buf_init(&cookie, &ra);
		for (i = 0; i < c->jar.len; i++)
			wk_buf_printf(&cookie, "%s%s=%s", i ? "; " : "",
			    c->jar.items[i].name, c->jar.items[i].value);
		if (cookie.failed ||
		    tc_env(&ra, env, &n, "HTTP_COOKIE", wk_buf_cstr(&cookie)))
			goto done;
	}
	for (i = 0; rq->headers != NULL && rq->headers[i] != NULL; i++)
		if (tc_env_header(&ra, env, &n, rq->headers[i]) != 0)
			goto done;
	for (i = 0; rq->env != NULL && rq->env[i] != NULL; i++) {
		if (n + 1 >= TC_MAX_ENV)
			goto done;
		env[n++] = wk_arena_strdup(&ra, rq->env[i]);
		env[n] = NULL;
		if (env[n - 1] == NULL)
			goto done;
	}

	wk_buf_init(&wire, &ra);
	if (wk_app_serve(c->app, &c->settings, NULL, &ra, env,
	    wk_mem_reader_init(&body, rq->body, rq->body ? blen : 0),
	    wk_buf_writer_init(&bw, &wire), &req, &resp) != 0 || wire.failed)
		goto done;
	out->raw = wk_arena_strndup(&out->arena, wire.data ? wire.data : "",
	    wire.len);
	if (out->raw == NULL)
		goto done;
	out->raw_len = wire.len;
	rc = tc_parse_output(c, out);
done:
	wk_arena_free(&ra);
	return rc;
}

/* see testclient.h */
int
wk_test_get(struct wk_test_client *c, const char *path,
    struct wk_test_response *out)
{
	struct wk_test_request rq;

	memset(&rq, 0, sizeof(rq));
	rq.path = path;
	return wk_test_request(c, &rq, out);
}

/* see testclient.h */
int
wk_test_post(struct wk_test_client *c, const char *path,
    const char *content_type, const char *body, struct wk_test_response *out)
{
	struct wk_test_request rq;

	memset(&rq, 0, sizeof(rq));
	rq.method = "POST";
	rq.path = path;
	rq.content_type = content_type;
	rq.body = body ? body : "";
	return wk_test_request(c, &rq, out);
}

/* see testclient.h */
const char *
wk_test_header(const struct wk_test_response *r, const char *name)
{
	return wk_kv_get_case(&r->headers, name);
}

/* see testclient.h */
void
wk_test_response_free(struct wk_test_response *r)
{
	wk_arena_free(&r->arena);
	memset(r, 0, sizeof(*r));
}
