/*
 * session.h - per-visitor state across requests, and flash messages.
 *
 * A CGI process lives for one request, so anything a visitor carries from
 * one page to the next (who is logged in, a message to show after a
 * redirect) is kept in a session: a small set of name/value strings found
 * again through the `sessionid` cookie.
 *
 * Two stores, chosen by which middleware the app lists:
 *
 *   wk_mw_session         (default) rows in the wick_session table, keyed by
 *                         a 256-bit random id (64 hex characters) from
 *                         wk_random_bytes.  The cookie holds only the id.
 *   wk_mw_session_signed  the data itself in the cookie, signed with
 *                         HMAC-SHA256 keyed by settings.secret_key_file
 *                         (readable, not secret; no server state).  A
 *                         missing secret_key_file is a configuration error:
 *                         every request answers 500 and the log says why.
 *
 * Rules (both stores):
 *  - lazy: nothing is read until a cookie is present, nothing is written
 *    unless the session was modified; an anonymous visitor who stores
 *    nothing never creates a row or gets a cookie;
 *  - a client-supplied id that is not in the store (or expired) is never
 *    adopted: the session starts empty and a NEW id is made when it is
 *    first saved (no session fixation);
 *  - cookie `sessionid`: HttpOnly, SameSite=Lax, Secure under HTTPS,
 *    host-only, Path=/, Max-Age = settings.session_age;
 *  - wk_session_cycle_key at login gives a fresh id and deletes the old
 *    row; wk_session_flush at logout deletes the data, the row and the
 *    cookie.
 *
 * Values are NUL-terminated strings (numbers as decimal text); names are
 * ASCII identifiers.  Names starting with '_' are reserved for Wick
 * ("_auth_user_id", "_messages").
 *
 * Flash messages (django.contrib.messages): wk_message_add() in one
 * request stores the message in the session; the next page that renders
 * them (wk_messages_value, or wk_messages_take) removes them.
 */
#ifndef WICK_SESSION_H
#define WICK_SESSION_H

#include <stddef.h>

#include "wick/http/app.h"
#include "wick/core/kv.h"
#include "wick/core/value.h"

struct wk_request;
struct wk_middleware;

#define WK_SESSION_COOKIE "sessionid"
#define WK_SESSION_KEY_HEX 64           /* 32 random bytes as hex */
#define WK_SESSION_MAX_DATA 4000        /* encoded bytes, both stores */

/* The session of one request, in req->slots[WK_SLOT_SESSION]. */
struct wk_session {
	struct wk_request *req;
	int signed_store;                 /* 1: wk_mw_session_signed */
	char key[WK_SESSION_KEY_HEX + 1]; /* "" until a stored session is
	                                     found or a new one saved */
	char old_key[WK_SESSION_KEY_HEX + 1]; /* cycled away: delete it */
	int had_cookie;                   /* the request sent a sessionid */
	int loaded;                       /* lookup done */
	int modified;                     /* save at the end */
	int flushed;                      /* logout: drop the cookie */
	struct wk_kvlist data;            /* name -> value, arena strings */
};

/*
 * wk_mw_session - the SQLite-backed session middleware (list it after
 * wk_mw_security and before wk_mw_csrf / wk_mw_auth).
 */
extern const struct wk_middleware wk_mw_session;

/* wk_mw_session_signed - the same with the signed-cookie store. */
extern const struct wk_middleware wk_mw_session_signed;

/*
 * wk_mw_messages - makes flash messages available (list it last); it only
 * checks that a session middleware runs before it.
 */
extern const struct wk_middleware wk_mw_messages;

/* wk_session - the request's session, or NULL without the middleware. */
struct wk_session *wk_session(struct wk_request *req);

/*
 * wk_session_get - the value stored under name, or NULL (also without a
 * session).  The first call may read the store (WK_DB errors are logged
 * and the session is then empty).
 */
const char *wk_session_get(struct wk_request *req, const char *name);

/*
 * wk_session_set - store value (copied) under name.  0, or -1 without a
 * session middleware, for a bad name, or on allocation failure.
 */
int wk_session_set(struct wk_request *req, const char *name,
    const char *value);

/* wk_session_remove - forget name.  0 (also when absent) or -1. */
int wk_session_remove(struct wk_request *req, const char *name);

/*
 * wk_session_cycle_key - keep the data under a brand-new id; the old row
 * is deleted when the response is saved.  Called at login.  0 or -1.
 */
int wk_session_cycle_key(struct wk_request *req);

/*
 * wk_session_flush - delete everything: data now, row and cookie when the
 * response goes out.  Called at logout.  0 or -1.
 */
int wk_session_flush(struct wk_request *req);

/*
 * wk_session_encode / wk_session_decode - the data as "a=1&b=2"
 * (percent-encoded), the form both stores keep.  encode returns an arena
 * string or NULL; decode returns 0, or -1 for malformed text.
 */
char *wk_session_encode(wk_arena *a, const struct wk_kvlist *data);
int wk_session_decode(wk_arena *a, const char *text,
    struct wk_kvlist *data);

/*
 * wk_session_clear_expired - delete expired rows from wick_session;
 * *n (may be NULL) receives how many.  WK_DB_OK or an error.
 */
int wk_session_clear_expired(wk_arena *a, long long *n);

/* `clearsessions`: list this table in the app's commands. */
extern const struct wk_command wk_session_commands[];

/* ---- flash messages ----------------------------------------------------------------- */

enum wk_message_level {
	WK_MSG_DEBUG,
	WK_MSG_INFO,
	WK_MSG_SUCCESS,
	WK_MSG_WARNING,
	WK_MSG_ERROR,
	WK_MSG__MAX
};

#define WK_MESSAGES_MAX 16              /* pending messages kept */

/*
 * wk_message_add - queue text (copied) for the visitor's next page view.
 * 0, or -1 without a session or on failure.  More than WK_MESSAGES_MAX
 * pending messages: the oldest are dropped.
 */
int wk_message_add(struct wk_request *req, enum wk_message_level level,
    const char *text);

/*
 * wk_messages_take - the pending messages, removed from the session:
 * up to max pairs into levels[] and texts[] (arena strings).  Returns how
 * many (0 without a session).
 */
size_t wk_messages_take(struct wk_request *req,
    enum wk_message_level *levels, const char **texts, size_t max);

/*
 * wk_messages_value - the pending messages (taken, as above) as a template
 * list of maps {message, level, tags}: `{% for m in messages %}
 * <li class="{{ m.tags }}">{{ m.message }}</li>{% endfor %}`.  An empty
 * list when there are none (never null).
 */
struct wk_value wk_messages_value(struct wk_request *req);

/* wk_message_tag - "debug", "info", "success", "warning", "error". */
const char *wk_message_tag(enum wk_message_level level);

#endif /* WICK_SESSION_H */
