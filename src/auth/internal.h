/*
 * internal.h - what the files of src/auth share and nobody else sees.
 *
 * The auth component is one public header (auth.h) over several files:
 * user.c (tables, users), auth.c (middleware, login, logout), throttle.c
 * (password check with throttling), perm.c (groups, grants, checks),
 * perm_rows.c (the permission rows, made after every migrate), views.c
 * (login views and checks), commands.c (createsuperuser,
 * changepassword), perm_commands.c (groups and grants); and
 * the sessions: session.c (object, middleware), session_db.c and
 * session_cookie.c (the two stores), messages.c (flash messages).
 */
#ifndef WICK_AUTH_INTERNAL_H
#define WICK_AUTH_INTERNAL_H

#include <stddef.h>

#include "wick/core/arena.h"
#include "wick/core/crypto.h"

struct wk_request;

#define USERNAME_MAX 150
#define MSG_INVALID_LOGIN "Please enter a correct username and password. " \
	"Note that both fields may be case-sensitive."
#define MSG_THROTTLED "Too many failed login attempts. Please try again " \
	"later."

/* settings.password_iterations of req (0 without settings: the default). */
long auth_iterations(const struct wk_request *req);

/* The session's digest of a password hash: SHA-256, hex. */
void auth_hash_digest(const char *encoded, char out[WK_SHA256_LEN * 2 + 1]);

/* Django's UnicodeUsernameValidator, at most USERNAME_MAX characters. */
int auth_username_ok(const char *u);

/*
 * Hash password (NULL: an unusable password) into enc.  WK_DB_OK,
 * WK_DB_INVALID (too long, bad arguments) or WK_DB_ERROR.
 */
int auth_make_hash(char *enc, size_t encsz, const char *password, long iter);

/* ---- permissions: perm_rows.c ------------------------------------------------ */

struct wk_raw;
struct wk_schema;

/*
 * Split "model.codename" (both [a-z0-9_]+) into *model (a's copy) and
 * *code (inside perm).  0, or -1 for a malformed name or no memory.
 */
int auth_perm_split(wk_arena *a, const char *perm, const char **model,
    const char **code);

/*
 * The first column of the first row of r (started with status st) as an
 * id into *id; closes r.  WK_DB_OK, WK_DB_NOT_FOUND (no row), or st's
 * error.
 */
int auth_raw_id(struct wk_raw *r, int st, long long *id);

/* The auth schema's post_migrate hook (migrate.h): the four rows of
 * every model of app. */
int auth_perm_rows(wk_arena *a, const struct wk_schema *app);

/* ---- commands: perm_commands.c (listed in wk_auth_commands) ------------- */

struct wk_app;
struct wk_settings;

int auth_cmd_creategroup(const struct wk_app *app,
    const struct wk_settings *s, int argc, char **argv);
int auth_cmd_addtogroup(const struct wk_app *app,
    const struct wk_settings *s, int argc, char **argv);
int auth_cmd_removefromgroup(const struct wk_app *app,
    const struct wk_settings *s, int argc, char **argv);
int auth_cmd_grant(const struct wk_app *app, const struct wk_settings *s,
    int argc, char **argv);
int auth_cmd_revoke(const struct wk_app *app, const struct wk_settings *s,
    int argc, char **argv);
int auth_cmd_permissions(const struct wk_app *app,
    const struct wk_settings *s, int argc, char **argv);

/* settings.session_age of req, or two weeks: the life of a session. */
long auth_session_age(const struct wk_request *req);

#endif /* WICK_AUTH_INTERNAL_H */
