/*
 * csrf.h - cross-site request forgery protection, compatible with Django's.
 *
 * The scheme is Django's (django/middleware/csrf.py), so tokens, cookies
 * and the JavaScript that reads them work unchanged:
 *  - a 32-character secret from [a-zA-Z0-9] lives in the cookie
 *    `csrftoken` (SameSite=Lax, Secure under HTTPS, one year, readable by
 *    JavaScript as in Django: it is not HttpOnly);
 *  - pages carry a masked 64-character token: a fresh random 32-character
 *    mask followed by the secret "encrypted" with it (each character's
 *    alphabet index added mod 62), so the token changes on every render
 *    (no BREACH-style compression oracle) while any of them unmask to the
 *    secret;
 *  - unsafe requests (every method but GET, HEAD, OPTIONS, TRACE) must
 *    carry a token - the form field `csrfmiddlewaretoken` (POST bodies,
 *    urlencoded or multipart) or the header `X-CSRFToken` - masked (64) or
 *    bare (32), matching the cookie's secret (compared in constant time).
 *    A token in the query string does not count.
 *
 * Before the token, like Django, the request's provenance is checked:
 *  - `Sec-Fetch-Site: cross-site` is refused (Wick's addition; a request
 *    whose Origin is one of settings.trusted_origins is let through to the
 *    other checks);
 *  - an `Origin` header must equal "<scheme>://<Host header>" or match
 *    settings.trusted_origins (Django's CSRF_TRUSTED_ORIGINS: entries
 *    like "https://app.example.com", or scheme + "://" + "*.example.com"
 *    for every subdomain); "null" never matches;
 *  - without Origin, over HTTPS, the Referer must exist, be https and name
 *    this host (with port) or a trusted origin's host.
 *
 * Several `csrftoken` cookies with different values (cookie tossing from
 * a sibling domain) make unsafe requests fail: Wick cannot tell which one
 * is its own.  Identical duplicates are harmless.
 *
 * Rejections answer 403 through the app's error page with Django's reason
 * strings, e.g. "CSRF verification failed. Request aborted. CSRF cookie
 * not set.", and a warning in the log.
 *
 * Use: put &wk_mw_csrf in the app's middleware list (after wk_mw_security);
 * templates get a token with wk_csrf_token(req) (the template tag
 * {% csrf_token %} renders it as a hidden csrfmiddlewaretoken input).
 * Exempting a view is explicit and global: wk_csrf_exempt(view) in main()
 * before wk_main(); the middleware then skips the check for requests the
 * router sends to that view.
 */
#ifndef WICK_CSRF_H
#define WICK_CSRF_H

#include <stddef.h>

#include "wick/core/buf.h"
#include "wick/http/middleware.h"
#include "wick/http/router.h"

struct wk_request;

#define WK_CSRF_COOKIE_NAME "csrftoken"
#define WK_CSRF_FIELD_NAME "csrfmiddlewaretoken"
#define WK_CSRF_HEADER_NAME "X-CSRFToken"
#define WK_CSRF_SECRET_LEN 32
#define WK_CSRF_TOKEN_LEN 64
#define WK_CSRF_COOKIE_AGE 31449600L   /* 52 weeks, Django's default */
#define WK_CSRF_MAX_EXEMPT 32

/*
 * The middleware.  on_request: reads the cookie; for unsafe methods
 * (unless the routed view is exempt) runs wk_csrf_check and answers 403
 * on failure.  on_response: sets the csrftoken cookie (and Vary: Cookie)
 * when a token was handed out or the secret rotated during the request.
 */
extern const struct wk_middleware wk_mw_csrf;

/*
 * wk_csrf_token - a fresh masked token (64 characters, arena string) for
 * the request's secret, creating the secret when the request had none (or
 * a malformed cookie).  Marks the cookie to be (re)sent with the response.
 * NULL only when randomness or memory failed.
 */
const char *wk_csrf_token(struct wk_request *req);

/*
 * wk_csrf_form_field - append the hidden csrfmiddlewaretoken input with a
 * fresh token (wk_csrf_token) to out; 0, or -1 when no token could be
 * made.  This is what {% csrf_token %} renders: the template engine finds
 * it by itself whenever this module is linked in, so nothing has to be
 * installed at run time (wk_template_set_csrf_hook overrides it).
 */
int wk_csrf_form_field(struct wk_request *req, wk_buf *out);

/*
 * wk_csrf_context_processor - a context processor (template.h; Django's
 * csrf context processor): sets "csrf_token" to a value that becomes a
 * fresh token (wk_csrf_token) only when a template prints it, e.g. for a
 * JavaScript header: `<meta name="csrf-token" content="{{ csrf_token }}">`.
 * A page that never prints it makes no token and sends no cookie.
 * 0, or -1 on allocation failure.
 */
struct wk_map;
int wk_csrf_context_processor(struct wk_request *req, struct wk_map *ctx);

/*
 * wk_csrf_rotate - replace the secret by a new one (call it at login, as
 * Django's rotate_token): tokens rendered before stop working, and the new
 * cookie goes out with this response.  0, or -1 (randomness, memory).
 */
int wk_csrf_rotate(struct wk_request *req);

/*
 * wk_csrf_check - the whole check for req as the middleware runs it for
 * unsafe methods (also usable by a view that exempted itself but wants
 * the check on some branch).  Returns 0 when acceptable, or 403 with
 * *reason (if reason is not NULL) set to Django's reason string, e.g.
 * "CSRF token from POST incorrect." (static or arena memory).  Safe
 * methods always pass.
 */
int wk_csrf_check(struct wk_request *req, const char **reason);

/* wk_csrf_reason - why the middleware refused req, or NULL. */
const char *wk_csrf_reason(const struct wk_request *req);

/*
 * wk_csrf_exempt - exempt view from the check, for every route that maps
 * to it (e.g. a webhook authenticated another way).  Explicit and in code:
 * call it from main() before wk_main().  0, or -1 when the table
 * (WK_CSRF_MAX_EXEMPT views) is full.  Registering twice is harmless.
 */
int wk_csrf_exempt(wk_view_fn view);

/* wk_csrf_is_exempt - 1 if view was registered with wk_csrf_exempt. */
int wk_csrf_is_exempt(wk_view_fn view);

/* ---- Django's token cipher (exposed for tests and other integrations) -- */

/*
 * wk_csrf_mask - Django's _mask_cipher_secret: write mask + cipher (64
 * characters and a NUL) into out (65 bytes) for the 32-character secret,
 * with a fresh random mask.  0, or -1 (bad secret, no randomness).
 */
int wk_csrf_mask(const char *secret, char out[WK_CSRF_TOKEN_LEN + 1]);

/*
 * wk_csrf_unmask - Django's _unmask_cipher_token: the secret (32
 * characters and a NUL, into out) hidden in a 64-character token.
 * 0, or -1 if token is not 64 characters of the alphabet.
 */
int wk_csrf_unmask(const char *token, char out[WK_CSRF_SECRET_LEN + 1]);

/*
 * wk_csrf_token_format - NULL if s is 32 or 64 characters of
 * [a-zA-Z0-9], else Django's reason: "has incorrect length" or "has
 * invalid characters".
 */
const char *wk_csrf_token_format(const char *s);

#endif /* WICK_CSRF_H */
