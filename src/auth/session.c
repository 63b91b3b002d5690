/*
 * session.c - the session object and the rules every store shares (see
 * session.h).  The stores, each with its middleware, are in session_db.c
 * and session_cookie.c and call into this file, never the reverse; the
 * stores by name in session_stores.c; flash messages in messages.c.
 *
 * Everything is lazy because most requests never look at the session: the
 * middleware's on_request only notes the cookie; the store is read on the
 * first wk_session_* call, and written in on_response only when something
 * changed.  So /hello with a stale cookie still costs no database open,
 * and an anonymous visitor who stores nothing leaves no row behind.
 *
 * Ids are never taken from the client: a cookie only FINDS a stored
 * session; when none matches, the session starts empty with no id, and a
 * fresh random id is made when it is first saved.
 */
#include <assert.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "wick/core/crypto.h"
#include "wick/http/app.h"
#include "wick/db/db.h"
#include "wick/core/log.h"
#include "wick/http/middleware.h"
#include "wick/http/request.h"
#include "wick/http/response.h"
#include "wick/auth/session.h"
#include "internal.h"

/* ---- encoding ---------------------------------------------------------------------- */

static int
unreserved(unsigned char c)
{
	return isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

static void
pct_append(wk_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++) {
		if (unreserved(*p)) {
			wk_buf_putc(b, (char)*p);
		} else {
			char e[3] = { '%', hex[*p >> 4], hex[*p & 15] };
			wk_buf_append(b, e, 3);
		}
	}
}

/* see session.h */
char *
wk_session_encode(wk_arena *a, const struct wk_kvlist *data)
{
	wk_buf b;
	size_t i;

	wk_buf_init(&b, a);
	wk_buf_append(&b, "", 0);
	for (i = 0; i < data->len; i++) {
		if (i > 0)
			wk_buf_putc(&b, '&');
		pct_append(&b, data->items[i].name);
		wk_buf_putc(&b, '=');
		pct_append(&b, data->items[i].value);
	}
	if (b.failed || b.data == NULL)
		return NULL;
	return b.data;
}

/* see session.h */
int
wk_session_decode(wk_arena *a, const char *text, struct wk_kvlist *data)
{
	const char *why = NULL;
	size_t count = 0;

	data->len = 0;
	if (text == NULL || text[0] == '\0')
		return 0;
	if (wk_parse_urlencoded(a, data, text, strlen(text), 1000, &count,
	    &why) != 0) {
		data->len = 0;
		return -1;
	}
	return 0;
}

/* ---- small helpers ------------------------------------------------------------------- */

static int
name_valid(const char *n)
{
	const char *p;

	if (n == NULL || n[0] == '\0')
		return 0;
	for (p = n; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.')
			return 0;
	return p - n <= 64;
}

/* see internal.h */
long
auth_session_age(const struct wk_request *req)
{
	long age = req->settings != NULL ? req->settings->session_age : 0;

	return age > 0 ? age : 1209600L;
}

/* ---- the session object ------------------------------------------------------------------ */

/* see session.h */
struct wk_session *
wk_session(struct wk_request *req)
{
	return req != NULL ? req->slots[WK_SLOT_SESSION] : NULL;
}

/* Read the store once.  0, or -1 (logged; the session is then empty). */
static int
session_load(struct wk_session *s)
{
	const char *cookie;

	if (s->loaded)
		return 0;
	s->loaded = 1;
	cookie = wk_request_cookie(s->req, WK_SESSION_COOKIE);
	if (cookie == NULL)
		return 0;
	return s->store->load(s, cookie);
}

static struct wk_session *
session_ready(struct wk_request *req)
{
	struct wk_session *s = wk_session(req);

	if (s == NULL)
		return NULL;
	(void)session_load(s);
	return s;
}

/* see session.h */
const char *
wk_session_get(struct wk_request *req, const char *name)
{
	struct wk_session *s = session_ready(req);

	return s != NULL && name != NULL ? wk_kv_get(&s->data, name) : NULL;
}

/* see session.h */
int
wk_session_set(struct wk_request *req, const char *name, const char *value)
{
	struct wk_session *s = session_ready(req);
	char *v;

	if (s == NULL || !name_valid(name) || value == NULL)
		return -1;
	if ((v = wk_arena_strdup(req->arena, value)) == NULL ||
	    wk_kv_set(req->arena, &s->data, name, v, strlen(v)) != 0)
		return -1;
	s->modified = 1;
	return 0;
}

/* see session.h */
int
wk_session_remove(struct wk_request *req, const char *name)
{
	struct wk_session *s = session_ready(req);

	if (s == NULL || name == NULL)
		return -1;
	if (wk_kv_remove(&s->data, name) > 0)
		s->modified = 1;
	return 0;
}

/* see session.h */
int
wk_session_cycle_key(struct wk_request *req)
{
	struct wk_session *s = session_ready(req);

	if (s == NULL)
		return -1;
	if (s->key[0] != '\0' && s->old_key[0] == '\0')
		memcpy(s->old_key, s->key, sizeof(s->key));
	s->key[0] = '\0';
	s->modified = 1;
	return 0;
}

/* see session.h */
int
wk_session_flush(struct wk_request *req)
{
	struct wk_session *s = session_ready(req);

	if (s == NULL)
		return -1;
	if (wk_session_cycle_key(req) != 0)
		return -1;
	s->data.len = 0;
	s->flushed = 1;
	return 0;
}

/* ---- the middleware ----------------------------------------------------------------------- */

/*
 * Hang an empty session on the request.  The store's start hook is the
 * caller's business: wk_mw_session's store has none, and not looking at
 * the store keeps its page out of a request that never uses it.
 */
static int
session_begin(struct wk_request *req, const struct wk_session_store *store)
{
	struct wk_session *s;

	if ((s = wk_arena_calloc(req->arena, 1, sizeof(*s))) == NULL)
		return WK_MW_ERROR;
	s->req = req;
	s->store = store;
	s->had_cookie = wk_request_cookie(req, WK_SESSION_COOKIE) != NULL;
	req->slots[WK_SLOT_SESSION] = s;
	return WK_MW_CONTINUE;
}

/* see session.h */
int
wk_session_start(struct wk_request *req, const struct wk_session_store *store)
{
	assert(store != NULL && store->load != NULL && store->save != NULL);
	if (store->start != NULL && store->start(req) != 0)
		return WK_MW_ERROR;
	return session_begin(req, store);
}

static void
session_fail(struct wk_request *req, struct wk_response *resp, int st)
{
	wk_log(req, WK_LOG_ERROR, "session: cannot save: %s",
	    st == WK_DB_OK ? "encoding failed" : wk_db_last_error());
	if (wk_db_respond(req, resp, st == WK_DB_OK ? WK_DB_ERROR : st,
	    0) != 0)
		resp->status = 500;
}

/* A store's failure as session_fail wants it: -1 is "encoding failed". */
static int
store_status(int st)
{
	return st < 0 ? WK_DB_OK : st;
}

/* see session.h */
void
wk_session_on_response(struct wk_request *req, struct wk_response *resp)
{
	struct wk_session *s = wk_session(req);
	const struct wk_session_store *store;
	struct wk_cookie_opts o;
	const char *value = NULL;
	char *encoded;
	int st;

	if (s == NULL || !s->modified || resp->status >= 500)
		return;
	store = s->store;
	if (store->destroy != NULL && s->old_key[0] != '\0') {
		st = store->destroy(s, s->old_key);
		if (st != 0) {
			session_fail(req, resp, store_status(st));
			return;
		}
	}
	if (s->data.len == 0) {
		if (store->destroy != NULL && s->key[0] != '\0' &&
		    (st = store->destroy(s, s->key)) != 0) {
			session_fail(req, resp, store_status(st));
			return;
		}
		s->key[0] = '\0';
		if (s->had_cookie && wk_response_delete_cookie(resp,
		    WK_SESSION_COOKIE, "/", NULL) != 0)
			resp->status = 500;
		return;
	}
	encoded = wk_session_encode(req->arena, &s->data);
	if (encoded == NULL || strlen(encoded) > WK_SESSION_MAX_DATA) {
		session_fail(req, resp, WK_DB_OK);
		return;
	}
	if ((st = store->save(s, encoded, &value)) != 0) {
		session_fail(req, resp, store_status(st));
		return;
	}
	if (value == NULL || strlen(value) > WK_SESSION_MAX_DATA) {
		session_fail(req, resp, WK_DB_OK);
		return;
	}
	memset(&o, 0, sizeof(o));
	o.path = "/";
	o.max_age = auth_session_age(req);
	o.secure = req->is_secure;
	o.http_only = 1;
	o.samesite = WK_SAMESITE_LAX;
	if (wk_response_set_cookie(resp, WK_SESSION_COOKIE, value, &o) != 0)
		session_fail(req, resp, WK_DB_OK);
}
