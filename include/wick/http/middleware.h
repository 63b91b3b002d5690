/*
 * middleware.h - the ordered chain around every view.
 *
 * The app lists its middleware in order.  On the way in, each one's
 * on_request runs first to last; one may answer early by filling resp and
 * returning WK_MW_ANSWERED, and then the view and the remaining
 * on_request hooks are skipped.  On the way out, on_response runs last to
 * first for EVERY middleware of the chain - also for error responses (400
 * for bad input, 404, 405, 500) and for early answers - so a middleware
 * whose on_request did not run must cope (its request slot is then empty).
 *
 * Built in: wk_mw_security (security headers, HSTS, HTTPS redirect, CSP).
 */
#ifndef WICK_MIDDLEWARE_H
#define WICK_MIDDLEWARE_H

struct wk_request;
struct wk_response;

enum wk_mw_result {
	WK_MW_CONTINUE = 0,   /* go on down the chain */
	WK_MW_ANSWERED = 1,   /* resp is the answer; stop going in */
	WK_MW_ERROR = -1      /* internal failure: answer 500 */
};

struct wk_middleware {
	const char *name;
	/* May be NULL.  Returns an enum wk_mw_result. */
	int (*on_request)(struct wk_request *req, struct wk_response *resp);
	/* May be NULL.  Adjusts resp on the way out. */
	void (*on_response)(struct wk_request *req, struct wk_response *resp);
};

/*
 * wk_mw_security - the security-headers middleware, configured by settings:
 *  - always (unless the view set them): X-Content-Type-Options: nosniff,
 *    X-Frame-Options (default DENY), Referrer-Policy (default same-origin),
 *    Cross-Origin-Opener-Policy (default same-origin);
 *  - Content-Security-Policy when content_security_policy is set;
 *  - over HTTPS only: Strict-Transport-Security when hsts_seconds > 0
 *    (with includeSubDomains / preload when configured);
 *  - over plain HTTP with ssl_redirect on: a 301 to the https:// URL.
 * Whether the request is HTTPS comes from the request parser, which ignores
 * X-Forwarded-Proto unless trust_x_forwarded_proto is set.
 */
extern const struct wk_middleware wk_mw_security;

#endif /* WICK_MIDDLEWARE_H */
