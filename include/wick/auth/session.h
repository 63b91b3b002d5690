/*
 * session.h - per-visitor state across requests, and flash messages.
 *
 * A CGI process lives for one request, so anything a visitor carries from
 * one page to the next (who is logged in, a message to show after a
 * redirect) is kept in a session: a small set of name/value strings found
 * again through the `sessionid` cookie.
 *
 Where the data is kept is a store (struct wk_session_store below, a
 * table of functions like SQLite's VFS).  Two are built in, chosen by
 * which middleware the app lists:
 *
 *   wk_mw_session         (default) store "db" (wk_session_store_db): rows
 *                         in the wick_session table, keyed by a 256-bit
 *                         random id (64 hex characters) from
 *                         wk_random_bytes.  The cookie holds only the id.
 *   wk_mw_session_signed  store "signed_cookie" (wk_session_store_cookie):
 *                         the data itself in the cookie, signed with
 *                         HMAC-SHA256 keyed by settings.secret_key_file
 *                         (readable, not secret; no server state).  A
 *                         missing secret_key_file is a configuration error:
 *                         every request answers 500 and the log says why.
 *
 * An app brings its own store by filling a struct wk_session_store and
 * making a middleware of it with WK_SESSION_MIDDLEWARE (below); it may
 * also register it by name (wk_session_store_register) so that other
 * components can find it (wk_session_store_find).
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
#include "wick/http/middleware.h"
#include "wick/core/kv.h"
#include "wick/core/value.h"

struct wk_request;
struct wk_response;
struct wk_middleware;

#define WK_SESSION_COOKIE "sessionid"
#define WK_SESSION_KEY_HEX 64           /* 32 random bytes as hex */
#define WK_SESSION_MAX_DATA 4000        /* encoded bytes, both stores */

struct wk_session_store;

/* The session of one request, in req->slots[WK_SLOT_SESSION]. */
struct wk_session {
	struct wk_request *req;
	const struct wk_session_store *store; /* where the data is kept */
	char key[WK_SESSION_KEY_HEX + 1]; /* "" until a stored session is
	                                     found or a new one saved */
	char old_key[WK_SESSION_KEY_HEX + 1]; /* cycled away: delete it */
	int had_cookie;                   /* the request sent a sessionid */
	int loaded;                       /* lookup done */
	int modified;                     /* save at the end */
	int flushed;                      /* logout: drop the cookie */
	struct wk_kvlist data;            /* name -> value, arena strings */
};

/* ---- stores ------------------------------------------------------------------------ */

/*
 * struct wk_session_store - a place to keep sessions: a const table of
 * functions, one per thing the session middleware needs (the shape of
 * SQLite's sqlite3_vfs and BearSSL's vtables).  The store only moves the
 * encoded data ("a=1&b=2", at most WK_SESSION_MAX_DATA bytes) and the key;
 * the middleware keeps the rules of the top of this file (laziness, never
 * adopting an unknown id, the cookie's attributes, when to save).
 *
 * Every function runs for one request (s->req, its arena and settings);
 * strings it returns live in that arena (or in s).  The status convention
 * is the database's: 0 is WK_DB_OK; a positive WK_DB_* status is answered
 * as wk_db_respond would (503 for a busy database, else 500) and logged
 * with wk_db_last_error(); -1 is any other failure (logged "encoding
 * failed", answered 500; log the details first).
 *
 * The same shape serves the backends that come next - a cache (get, set,
 * delete, an expiry), an email transport (send), a database driver (open,
 * prepare, step, close) - each a struct of a name and functions with one
 * built-in instance per backend, picked by the app or registered by name
 * (issues 11 and 14).
 *
 * Example: sessions kept in files, one per id (errors left out):
 *
 *   static int file_load(struct wk_session *s, const char *cookie)
 *   {   ... if cookie is an id and dir/<cookie> exists: copy cookie to
 *       s->key and wk_session_decode(s->req->arena, text, &s->data) ... }
 *   static int file_save(struct wk_session *s, const char *encoded,
 *       const char **value)
 *   {   ... if (s->key[0] == '\0') wk_random_hex(s->key, 32);
 *       write encoded to dir/<s->key>; *value = s->key; return 0; }
 *   static int file_destroy(struct wk_session *s, const char *key)
 *   {   ... unlink dir/<key>; return 0; }
 *   static const struct wk_session_store file_store = {
 *       .name = "file", .load = file_load, .save = file_save,
 *       .destroy = file_destroy,
 *   };
 *   WK_SESSION_MIDDLEWARE(mw_file_session, file_store)
 *   ... and list &mw_file_session in the app's middleware.
 */
struct wk_session_store {
	const char *name;       /* "db", "signed_cookie": unique, for _find */
	/*
	 * May be NULL.  Runs in on_request, before the session exists: check
	 * the configuration (the cookie store wants its secret key).  0, or
	 * -1 (log why): the request is answered 500.
	 */
	int (*start)(struct wk_request *req);
	/*
	 * Find the session the cookie value names (any bytes the client
	 * sent) and decode its data into s->data; set s->key when the store
	 * has ids and the session was found.  Nothing found (unknown id,
	 * expired, bad signature) is not an error: return 0 with s->data
	 * empty and s->key "".  -1 on failure (log why; s->data empty).
	 */
	int (*load)(struct wk_session *s, const char *cookie);
	/*
	 * Keep encoded under s->key, or under a fresh key (put in s->key)
	 * when s->key is "" (new session, or just cycled); set *value to
	 * what the cookie must hold.  0, a WK_DB_* status, or -1.
	 */
	int (*save)(struct wk_session *s, const char *encoded,
	    const char **value);
	/*
	 * May be NULL (nothing kept on the server).  Forget the session kept
	 * under key: cycled away at login, or emptied at logout.  0 (also
	 * when there was none), a WK_DB_* status, or -1.
	 */
	int (*destroy)(struct wk_session *s, const char *key);
};

/* The built-in stores: "db" (wick_session rows) and "signed_cookie". */
extern const struct wk_session_store wk_session_store_db;
extern const struct wk_session_store wk_session_store_cookie;

#define WK_SESSION_STORES_MAX 64        /* stores an app may register */

/*
 * wk_session_store_register - make store findable by its name (the
 * pointer is kept: store must outlive the process, i.e. be static).  0;
 * 0 again for the same store twice; -1 for a NULL or incomplete store
 * (no name, load or save), a name already taken by another store, more
 * than WK_SESSION_STORES_MAX stores, or no memory.
 */
int wk_session_store_register(const struct wk_session_store *store);

/*
 * wk_session_store_find - the store named name: a built-in one ("db",
 * "signed_cookie") or a registered one; NULL if there is none.
 */
const struct wk_session_store *wk_session_store_find(const char *name);

/*
 * wk_session_start / wk_session_on_response - the two halves of a session
 * middleware over any store: start runs store->start and hangs an empty
 * session on the request (returns an enum wk_mw_result); on_response
 * saves it if modified and sets or deletes the cookie.  Use them through
 * WK_SESSION_MIDDLEWARE.
 */
int wk_session_start(struct wk_request *req,
    const struct wk_session_store *store);
void wk_session_on_response(struct wk_request *req, struct wk_response *resp);

/*
 * WK_SESSION_MIDDLEWARE(var, store) - define `const struct wk_middleware
 * var`, the session middleware keeping its sessions in store (a struct
 * wk_session_store object, not a pointer).  List &var where wk_mw_session
 * would be.
 */
#define WK_SESSION_MIDDLEWARE(var, store) \
	static int var##_on_request(struct wk_request *wk__req, \
	    struct wk_response *wk__resp) \
	{ \
		(void)wk__resp; \
		return wk_session_start(wk__req, &(store)); \
	} \
	const struct wk_middleware var = { #var, var##_on_request, \
	    wk_session_on_response };

/* ---- the middleware ------------------------------------------------------------------ */

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

/*
 * wk_messages_context_processor - a context processor (template.h;
 * Django's messages context processor): when the request has a session,
 * sets "messages" to wk_messages_value(req) unless ctx has it already
 * (taking them once).  A page that does not show them still takes them,
 * as every page rendered with this processor is meant to show them (the
 * app's base template).  0, or -1 on allocation failure.
 */
int wk_messages_context_processor(struct wk_request *req,
    struct wk_map *ctx);

/* wk_message_tag - "debug", "info", "success", "warning", "error". */
const char *wk_message_tag(enum wk_message_level level);

#endif /* WICK_SESSION_H */
