/*
 * auth.c - who is logged in: the auth middleware, login and logout (see
 * auth.h).
 *
 * The middleware trusts the session only as far as the user row agrees:
 * a deleted or inactive user, or a password changed since the login (the
 * session keeps a digest of the hash), ends the session.  Logging in
 * rotates the session id (fixation) and the CSRF secret.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wick/auth/auth.h"
#include "wick/core/crypto.h"
#include "wick/http/app.h"
#include "wick/auth/csrf.h"
#include "wick/db/db.h"
#include "wick/core/log.h"
#include "wick/http/middleware.h"
#include "wick/db/orm.h"
#include "wick/http/request.h"
#include "wick/http/response.h"
#include "wick/auth/session.h"
#include "internal.h"

/* ---- the middleware -------------------------------------------------------------------- */

/* see auth.h */
const struct wick_user *
wk_auth_user(const struct wk_request *req)
{
	return req != NULL ? req->slots[WK_SLOT_USER] : NULL;
}

/* see auth.h */
int
wk_auth_context_processor(struct wk_request *req, struct wk_map *ctx)
{
	const struct wick_user *u = wk_auth_user(req);

	return wk_map_set(req->arena, ctx, "user", u != NULL ?
	    wk_orm_value(req->arena, &wick_user_model, u) : wk_val_null());
}

static int
auth_on_request(struct wk_request *req, struct wk_response *resp)
{
	const char *sid, *shash;
	char want[WK_SHA256_LEN * 2 + 1], *end;
	struct wick_user *u;
	long long id;
	int st;

	if (wk_session(req) == NULL) {
		wk_log(req, WK_LOG_ERROR, "auth: list a session middleware "
		    "before wk_mw_auth");
		return WK_MW_ERROR;
	}
	if ((sid = wk_session_get(req, WK_AUTH_SESSION_USER)) == NULL)
		return WK_MW_CONTINUE;
	errno = 0;
	id = strtoll(sid, &end, 10);
	if (errno != 0 || *end != '\0' || id <= 0)
		goto anonymous;
	st = wk_orm_get(req->arena, &wick_user_model, id, (void **)&u);
	if (st == WK_DB_NOT_FOUND)
		goto anonymous;
	if (st != WK_DB_OK) {
		if (wk_db_respond(req, resp, st, 0) != 0)
			return WK_MW_ERROR;
		return WK_MW_ANSWERED;
	}
	shash = wk_session_get(req, WK_AUTH_SESSION_HASH);
	auth_hash_digest(u->password, want);
	if (!u->is_active || !wk_ct_streq(shash, want))
		goto anonymous;
	req->slots[WK_SLOT_USER] = u;
	return WK_MW_CONTINUE;
anonymous:
	/* A deleted or deactivated user, or a changed password: the old
	 * session ends (Django's get_user flushes it too). */
	if (wk_session_flush(req) != 0)
		return WK_MW_ERROR;
	return WK_MW_CONTINUE;
}

const struct wk_middleware wk_mw_auth = { "auth", auth_on_request, NULL };

/* ---- login and logout ---------------------------------------------------------------- */

/* see auth.h */
int
wk_auth_login(struct wk_request *req, struct wick_user *user)
{
	char digest[WK_SHA256_LEN * 2 + 1], id[24], now[32];
	struct wk_query q;

	auth_hash_digest(user->password, digest);
	(void)snprintf(id, sizeof(id), "%lld", user->id);
	if (wk_session_cycle_key(req) != 0 ||
	    wk_session_set(req, WK_AUTH_SESSION_USER, id) != 0 ||
	    wk_session_set(req, WK_AUTH_SESSION_HASH, digest) != 0)
		return -1;
	if (wk_csrf_rotate(req) != 0)
		return -1;
	if (wk_db_now(now, sizeof(now)) != 0)
		return -1;
	wk_q_init(&q, req->arena, &wick_user_model);
	wk_q_filter(&q, "id", wk_val_int(user->id));
	wk_q_set(&q, "last_login", wk_val_str(now));
	if (wk_q_update(&q, NULL) != WK_DB_OK)
		return -1;
	req->slots[WK_SLOT_USER] = user;
	return 0;
}

/* see auth.h */
int
wk_auth_update_session(struct wk_request *req, struct wick_user *user)
{
	char digest[WK_SHA256_LEN * 2 + 1];

	auth_hash_digest(user->password, digest);
	if (wk_session_cycle_key(req) != 0 ||
	    wk_session_set(req, WK_AUTH_SESSION_HASH, digest) != 0)
		return -1;
	req->slots[WK_SLOT_USER] = user;
	return 0;
}

/* see auth.h */
int
wk_auth_logout(struct wk_request *req)
{
	req->slots[WK_SLOT_USER] = NULL;
	if (wk_session_flush(req) != 0)
		return -1;
	return wk_csrf_rotate(req);
}

/* see auth.h */
int
wk_auth_safe_next(const char *url)
{
	const unsigned char *p;

	if (url == NULL || url[0] != '/' || url[1] == '/' || url[1] == '\\')
		return 0;
	for (p = (const unsigned char *)url; *p; p++)
		if (*p <= ' ' || *p >= 0x7f || *p == '\\')
			return 0;
	return 1;
}
