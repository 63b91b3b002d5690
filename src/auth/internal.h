/*
 * internal.h - what the files of src/auth share and nobody else sees.
 *
 * The auth component is one public header (auth.h) over several files:
 * user.c (tables, users), auth.c (middleware, login, logout), throttle.c
 * (password check with throttling), perm.c (permissions), views.c (login
 * views and checks), commands.c (createsuperuser, changepassword); and
 * the sessions: session.c (object, middleware), session_db.c and
 * session_cookie.c (the two stores), messages.c (flash messages).
 */
#ifndef WICK_AUTH_INTERNAL_H
#define WICK_AUTH_INTERNAL_H

#include <stddef.h>

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

/* settings.session_age of req, or two weeks: the life of a session. */
long auth_session_age(const struct wk_request *req);

#endif /* WICK_AUTH_INTERNAL_H */
