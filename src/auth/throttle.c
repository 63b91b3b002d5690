/*
 * throttle.c - checking a password, with login throttling (see auth.h).
 *
 * The security decisions live here in the order a login meets them: the
 * throttle is asked before any password work (a throttled attempt costs
 * one indexed COUNT), an unknown user costs the same PBKDF2 as a known
 * one, a failure is recorded against both the username and the client
 * address, and a hash made with fewer iterations than configured is
 * replaced on the way.
 */
#include <string.h>
#include <time.h>

#include "wick/auth/auth.h"
#include "wick/db/db.h"
#include "wick/core/log.h"
#include "wick/db/orm.h"
#include "wick/auth/password.h"
#include "wick/http/request.h"
#include "internal.h"

/* ---- throttling -------------------------------------------------------------------------- */

static const char *
client_addr(const struct wk_request *req)
{
	return req->remote_addr != NULL ? req->remote_addr : "";
}

/* The username as recorded: at most 150 characters' worth of bytes. */
static const char *
failure_name(wk_arena *a, const char *username)
{
	size_t n = strlen(username);

	return wk_arena_strndup(a, username, n > USERNAME_MAX * 4 ?
	    USERNAME_MAX * 4 : n);
}

static int
throttled(struct wk_request *req, const char *username, int *yes)
{
	struct wk_value args[4];
	struct wk_raw r;
	long long since = (long long)time(NULL) - WK_AUTH_FAILURE_WINDOW;
	long long by_name = 0, by_addr = 0;
	int st;

	args[0] = wk_val_str(failure_name(req->arena, username));
	args[1] = wk_val_int(since);
	args[2] = wk_val_str(client_addr(req));
	args[3] = wk_val_int(since);
	if (args[0].kind != WK_VAL_STR)
		return WK_DB_NOMEM;
	st = wk_raw(&r, req->arena, "SELECT (SELECT count(*) FROM "
	    "wick_login_failure WHERE username = ? AND at > ?), (SELECT "
	    "count(*) FROM wick_login_failure WHERE addr = ? AND at > ?)",
	    args, 4);
	while ((st == WK_DB_OK || st == WK_DB_ROW) &&
	    (st = wk_raw_next(&r)) == WK_DB_ROW) {
		by_name = wk_raw_col(&r, 0).u.i;
		by_addr = wk_raw_col(&r, 1).u.i;
	}
	wk_raw_close(&r);
	if (st != WK_DB_DONE && st != WK_DB_OK)
		return st;
	*yes = by_name >= WK_AUTH_MAX_FAILURES ||
	    by_addr >= WK_AUTH_MAX_FAILURES;
	return WK_DB_OK;
}

static int
record_failure(struct wk_request *req, const char *username)
{
	struct wk_value args[3];
	long long now = (long long)time(NULL);
	int st;

	args[0] = wk_val_int(now - WK_AUTH_FAILURE_WINDOW);
	st = wk_raw_exec(req->arena, "DELETE FROM wick_login_failure WHERE "
	    "at <= ?", args, 1, NULL);
	if (st != WK_DB_OK)
		return st;
	args[0] = wk_val_str(failure_name(req->arena, username));
	args[1] = wk_val_str(client_addr(req));
	args[2] = wk_val_int(now);
	if (args[0].kind != WK_VAL_STR)
		return WK_DB_NOMEM;
	return wk_raw_exec(req->arena, "INSERT INTO wick_login_failure "
	    "(username, addr, at) VALUES (?, ?, ?)", args, 3, NULL);
}


/* see auth.h */
enum wk_auth_result
wk_auth_authenticate(struct wk_request *req, const char *username,
    const char *password, struct wick_user **user)
{
	struct wick_user *u = NULL;
	size_t pwlen;
	int st, yes = 0, ok;

	*user = NULL;
	if (username == NULL || password == NULL)
		return WK_AUTH_INVALID;
	if ((st = throttled(req, username, &yes)) != WK_DB_OK)
		goto db_fail;
	if (yes) {
		wk_log(req, WK_LOG_WARN, "login throttled for user '%s' from %s",
		    username, client_addr(req));
		return WK_AUTH_THROTTLED;
	}
	pwlen = strlen(password);
	st = wk_auth_get_user(req->arena, username, &u);
	if (st != WK_DB_OK && st != WK_DB_NOT_FOUND)
		goto db_fail;
	if (pwlen > WK_PASSWORD_MAX_BYTES)
		ok = 0;  /* refused without hashing (password.h) */
	else if (st == WK_DB_NOT_FOUND)
		ok = wk_password_dummy_check(password, pwlen, auth_iterations(req));
	else
		ok = wk_password_check(password, pwlen, u->password) &&
		    u->is_active;
	if (!ok) {
		if ((st = record_failure(req, username)) != WK_DB_OK)
			goto db_fail;
		return WK_AUTH_INVALID;
	}
	if (wk_password_needs_rehash(u->password, auth_iterations(req))) {
		char enc[WK_PASSWORD_ENCODED_MAX];
		if (auth_make_hash(enc, sizeof(enc), password, auth_iterations(req)) ==
		    WK_DB_OK) {
			struct wk_query q;
			char *copy = wk_arena_strdup(req->arena, enc);
			wk_q_init(&q, req->arena, &wick_user_model);
			wk_q_filter(&q, "id", wk_val_int(u->id));
			wk_q_set(&q, "password", wk_val_str(enc));
			if ((st = wk_q_update(&q, NULL)) != WK_DB_OK)
				goto db_fail;
			if (copy != NULL)
				u->password = copy;
		}
	}
	{
		/* A login that succeeds clears the name's failures; when that
		 * fails the login still stands, but the log says why the
		 * user may find themselves throttled later. */
		struct wk_value args[1];
		args[0] = wk_val_str(failure_name(req->arena, username));
		if (args[0].kind != WK_VAL_STR ||
		    wk_raw_exec(req->arena, "DELETE FROM wick_login_failure "
		    "WHERE username = ?", args, 1, NULL) != WK_DB_OK)
			wk_log(req, WK_LOG_WARN, "login: failures of '%s' not "
			    "cleared: %s", username, wk_db_last_error());
	}
	*user = u;
	return WK_AUTH_OK;
db_fail:
	wk_log(req, WK_LOG_ERROR, "login: %s", wk_db_last_error());
	return WK_AUTH_ERROR;
}
