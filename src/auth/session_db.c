/*
 * session_db.c - the database session store (see session.h).
 *
 * Rows of wick_session keyed by a 256-bit random id; the cookie holds only
 * the id.  A cookie that is not the shape of an id, or names no live row,
 * finds nothing: the session starts empty and a new id is made when it is
 * first saved (ids are never taken from the client).  The table, its
 * migration and `clearsessions` live here with the store that uses them.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "wick/db/db.h"
#include "wick/core/log.h"
#include "wick/db/migrate.h"
#include "wick/db/model.h"
#include "wick/db/orm.h"
#include "wick/core/random.h"
#include "wick/http/middleware.h"
#include "wick/http/request.h"
#include "wick/auth/session.h"
#include "internal.h"

/* ---- the table -------------------------------------------------------------------- */

#define WICK_SESSION(F, M) \
	F(M, session_key, TEXT, .max_length = 64, .flags = WK_UNIQUE, \
	    .verbose_name = "session key") \
	F(M, session_data, TEXT, .flags = WK_BLANK, .def = "", \
	    .verbose_name = "session data") \
	F(M, expire_date, DATETIME, .verbose_name = "expires")
WK_MODEL_STRUCT(wick_session, WICK_SESSION)
WK_MODEL_DEFINE(wick_session, WICK_SESSION, .verbose_name = "session",
    .verbose_name_plural = "sessions")

static const struct wk_model *const session_models[] = {
	&wick_session_model,
	NULL
};

static const struct wk_migration session_steps[] = {
	WK_MIGRATION("0001_session", WK_CREATE_TABLE(wick_session_model)),
};

static const struct wk_schema session_schema = {
	.app = "sessions",
	.order = 10,
	.models = session_models,
	.steps = session_steps,
	.nsteps = sizeof(session_steps) / sizeof(session_steps[0]),
};
WK_SCHEMA_REGISTER(session_schema)

/* ---- small helpers ------------------------------------------------------------------- */

static int
key_valid(const char *k)
{
	size_t i;

	for (i = 0; i < WK_SESSION_KEY_HEX; i++)
		if (!((k[i] >= '0' && k[i] <= '9') || (k[i] >= 'a' &&
		    k[i] <= 'f')))
			return 0;
	return k[i] == '\0';
}

/* ISO 8601 UTC for now + delta seconds. */
static int
iso_time(char *out, size_t outlen, long long delta)
{
	time_t t = time(NULL) + (time_t)delta;
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return -1;
	return 0;
}

/* ---- the store ---------------------------------------------------------------------- */

static int
db_read(struct wk_session *s)
{
	struct wk_request *req = s->req;
	struct wk_raw r;
	char now[32];
	struct wk_value args[2];
	const char *text = NULL;
	int st;

	if (iso_time(now, sizeof(now), 0) != 0)
		return WK_DB_ERROR;
	args[0] = wk_val_str(s->key);
	args[1] = wk_val_str(now);
	st = wk_raw(&r, req->arena, "SELECT session_data FROM wick_session "
	    "WHERE session_key = ? AND expire_date > ?", args, 2);
	while ((st == WK_DB_OK || st == WK_DB_ROW) &&
	    (st = wk_raw_next(&r)) == WK_DB_ROW) {
		struct wk_value v = wk_raw_col(&r, 0);
		if (v.kind == WK_VAL_STR)
			text = wk_arena_strndup(req->arena, v.u.s.p, v.u.s.n);
		else
			text = "";
	}
	wk_raw_close(&r);
	if (st != WK_DB_DONE && st != WK_DB_OK)
		return st;
	if (text == NULL) {
		s->key[0] = '\0';    /* unknown or expired: never adopted */
		return WK_DB_OK;
	}
	if (wk_session_decode(req->arena, text, &s->data) != 0)
		wk_log(req, WK_LOG_WARN, "session: stored data unreadable; "
		    "starting empty");
	return WK_DB_OK;
}

static int
db_delete(wk_arena *a, const char *key)
{
	struct wk_value args[1];

	args[0] = wk_val_str(key);
	return wk_raw_exec(a, "DELETE FROM wick_session WHERE session_key = ?",
	    args, 1, NULL);
}

static int
db_write(struct wk_session *s, const char *encoded)
{
	struct wk_request *req = s->req;
	struct wk_value args[3];
	char expire[32];
	long long changes = 0;
	int st, tries;

	if (iso_time(expire, sizeof(expire), auth_session_age(req)) != 0)
		return WK_DB_ERROR;
	if (s->key[0] != '\0') {
		args[0] = wk_val_str(encoded);
		args[1] = wk_val_str(expire);
		args[2] = wk_val_str(s->key);
		st = wk_raw_exec(req->arena, "UPDATE wick_session SET "
		    "session_data = ?, expire_date = ? WHERE session_key = ?",
		    args, 3, &changes);
		if (st != WK_DB_OK)
			return st;
		if (changes > 0)
			return WK_DB_OK;
		s->key[0] = '\0';     /* deleted meanwhile: make a new one */
	}
	for (tries = 0; tries < 3; tries++) {
		if (wk_random_hex(s->key, WK_SESSION_KEY_HEX / 2) != 0) {
			s->key[0] = '\0';
			return WK_DB_ERROR;
		}
		args[0] = wk_val_str(s->key);
		args[1] = wk_val_str(encoded);
		args[2] = wk_val_str(expire);
		st = wk_raw_exec(req->arena, "INSERT INTO wick_session "
		    "(session_key, session_data, expire_date) VALUES (?, ?, ?)",
		    args, 3, NULL);
		if (st != WK_DB_CONSTRAINT)
			return st;
	}
	return WK_DB_CONSTRAINT;
}

/* see session.h */
int
wk_session_clear_expired(wk_arena *a, long long *n)
{
	struct wk_value args[1];
	char now[32];

	if (iso_time(now, sizeof(now), 0) != 0)
		return WK_DB_ERROR;
	args[0] = wk_val_str(now);
	return wk_raw_exec(a, "DELETE FROM wick_session WHERE expire_date <= ?",
	    args, 1, n);
}

/* Find the row the cookie names.  0, or -1 (logged; the session is empty). */
static int
db_load(struct wk_session *s, const char *cookie)
{
	int st;

	if (!key_valid(cookie))
		return 0;
	memcpy(s->key, cookie, WK_SESSION_KEY_HEX + 1);
	st = db_read(s);
	if (st != WK_DB_OK) {
		wk_log(s->req, WK_LOG_ERROR, "session: cannot load: %s",
		    wk_db_last_error());
		s->key[0] = '\0';
		s->data.len = 0;
		return -1;
	}
	return 0;
}

static int
db_save(struct wk_session *s, const char *encoded, const char **value)
{
	int st = db_write(s, encoded);

	*value = s->key;
	return st;
}

static int
db_destroy(struct wk_session *s, const char *key)
{
	return db_delete(s->req->arena, key);
}

/* see session.h */
const struct wk_session_store wk_session_store_db = {
	.name = "db",
	.start = NULL,
	.load = db_load,
	.save = db_save,
	.destroy = db_destroy,
};

/* The middleware of this store; the store has no start hook. */
static int
session_on_request(struct wk_request *req, struct wk_response *resp)
{
	(void)resp;
	return wk_session_start(req, &wk_session_store_db);
}

/* see session.h */
const struct wk_middleware wk_mw_session = {
	"session", session_on_request, wk_session_on_response
};

/* ---- clearsessions ---------------------------------------------------------------------- */

static int
cmd_clearsessions(const struct wk_app *app, const struct wk_settings *s,
    int argc, char **argv)
{
	wk_arena a;
	long long n = 0;
	int st;

	(void)argc;
	(void)argv;
	wk_db_configure(s, app->name);
	wk_arena_init(&a);
	st = wk_session_clear_expired(&a, &n);
	wk_arena_free(&a);
	wk_db_close();
	if (st != WK_DB_OK) {
		fprintf(stderr, "clearsessions: %s\n", wk_db_last_error());
		return 1;
	}
	printf("Deleted %lld expired session(s).\n", n);
	return 0;
}

const struct wk_command wk_session_commands[] = {
	{ "clearsessions", "clearsessions",
	    "delete expired sessions from the database", cmd_clearsessions },
	WK_COMMANDS_END
};
