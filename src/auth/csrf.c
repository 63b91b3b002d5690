/*
 * csrf.c - Django-compatible CSRF protection (see csrf.h).
 *
 * Per request, the state hangs in req->slots[WK_SLOT_CSRF]: the secret
 * the cookie carried (what tokens are checked against), the secret in use
 * (what new tokens mask, and what the cookie will be set to; it differs
 * after a rotation or when the cookie was malformed), and whether the
 * cookie must go out with the response.  The state is made on first use,
 * so wk_csrf_token() works from any view, and on_response copes with a
 * request whose on_request never ran (the slot is then empty).
 *
 * The order of the checks and the reason strings follow Django's
 * CsrfViewMiddleware.process_view, so its test cases carry over.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "wick/http/app.h"
#include "wick/core/crypto.h"
#include "wick/auth/csrf.h"
#include "wick/core/kv.h"
#include "wick/core/log.h"
#include "wick/http/multipart.h"
#include "wick/http/request.h"
#include "wick/http/response.h"
#include "wick/http/router.h"
#include "wick/core/settings.h"
#include "wick/template/template.h"

#define NCHARS 62
#define MAX_COOKIES 8

#define REASON_NO_REFERER "Referer checking failed - no Referer."
#define REASON_MALFORMED_REFERER \
	"Referer checking failed - Referer is malformed."
#define REASON_INSECURE_REFERER "Referer checking failed - Referer is " \
	"insecure while host is secure."
#define REASON_NO_CSRF_COOKIE "CSRF cookie not set."
#define REASON_CSRF_TOKEN_MISSING "CSRF token missing."
#define REASON_DUPLICATE_COOKIE "CSRF cookie sent more than once with " \
	"different values."
#define REASON_CROSS_SITE "Cross-site request refused " \
	"(Sec-Fetch-Site: cross-site)."
#define REASON_NO_STATE "CSRF state could not be set up."

enum cookie_state {
	CK_NONE,       /* no csrftoken cookie */
	CK_OK,         /* one good secret (or identical duplicates) */
	CK_BAD,        /* wrong length or characters */
	CK_CONFLICT    /* several cookies with different values */
};

struct csrf_state {
	enum cookie_state cookie;
	const char *cookie_reason;            /* CK_BAD: Django's words */
	char cookie_secret[WK_CSRF_SECRET_LEN + 1]; /* CK_OK: checked against */
	char secret[WK_CSRF_SECRET_LEN + 1];  /* in use; "" until needed */
	int needs_update;                     /* send the cookie */
	const char *reason;                   /* why the check refused */
};

/* Exempt views: a growing array, at most WK_CSRF_MAX_EXEMPT. */
static wk_view_fn *exempt_views;
static size_t n_exempt, cap_exempt;

/* The index of c in WK_ALNUM_CHARS, or -1. */
static int
char_index(unsigned char c)
{
	if (c >= 'a' && c <= 'z')
		return c - 'a';
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return -1;
}

/* see csrf.h */
const char *
wk_csrf_token_format(const char *s)
{
	size_t n, i;

	if (s == NULL)
		return "has incorrect length";
	n = strlen(s);
	if (n != WK_CSRF_SECRET_LEN && n != WK_CSRF_TOKEN_LEN)
		return "has incorrect length";
	for (i = 0; i < n; i++)
		if (char_index((unsigned char)s[i]) < 0)
			return "has invalid characters";
	return NULL;
}

/* see csrf.h */
int
wk_csrf_mask(const char *secret, char out[WK_CSRF_TOKEN_LEN + 1])
{
	static const char chars[] = WK_ALNUM_CHARS;
	size_t i;
	int s, m;

	if (secret == NULL || strlen(secret) != WK_CSRF_SECRET_LEN)
		return -1;
	if (wk_crypto_random_chars(out, WK_CSRF_SECRET_LEN, chars, NCHARS)
	    != 0)
		return -1;
	for (i = 0; i < WK_CSRF_SECRET_LEN; i++) {
		s = char_index((unsigned char)secret[i]);
		m = char_index((unsigned char)out[i]);
		if (s < 0) {
			out[0] = '\0';
			return -1;
		}
		out[WK_CSRF_SECRET_LEN + i] = chars[(s + m) % NCHARS];
	}
	out[WK_CSRF_TOKEN_LEN] = '\0';
	return 0;
}

/* see csrf.h */
int
wk_csrf_unmask(const char *token, char out[WK_CSRF_SECRET_LEN + 1])
{
	static const char chars[] = WK_ALNUM_CHARS;
	size_t i;
	int c, m;

	if (token == NULL || strlen(token) != WK_CSRF_TOKEN_LEN)
		return -1;
	for (i = 0; i < WK_CSRF_SECRET_LEN; i++) {
		m = char_index((unsigned char)token[i]);
		c = char_index((unsigned char)token[WK_CSRF_SECRET_LEN + i]);
		if (m < 0 || c < 0)
			return -1;
		out[i] = chars[(c - m + NCHARS) % NCHARS];
	}
	out[WK_CSRF_SECRET_LEN] = '\0';
	return 0;
}

/* A new random secret into st->secret; the cookie must be sent. */
static int
new_secret(struct csrf_state *st)
{
	if (wk_crypto_random_chars(st->secret, WK_CSRF_SECRET_LEN,
	    WK_ALNUM_CHARS, NCHARS) != 0)
		return -1;
	st->needs_update = 1;
	return 0;
}

/* The request's state, made (and the cookie read) on first use. */
static struct csrf_state *
get_state(struct wk_request *req)
{
	struct csrf_state *st = req->slots[WK_SLOT_CSRF];
	const char *vals[MAX_COOKIES];
	size_t n, i;

	if (st != NULL)
		return st;
	st = wk_arena_calloc(req->arena, 1, sizeof(*st));
	if (st == NULL)
		return NULL;
	n = wk_kv_get_all(&req->cookies, WK_CSRF_COOKIE_NAME, vals,
	    MAX_COOKIES);
	if (n == 0) {
		st->cookie = CK_NONE;
	} else {
		st->cookie = CK_OK;
		for (i = 1; i < n; i++)
			if (i >= MAX_COOKIES || strcmp(vals[i], vals[0]) != 0)
				st->cookie = CK_CONFLICT;
		if (st->cookie == CK_OK &&
		    (st->cookie_reason = wk_csrf_token_format(vals[0])) != NULL)
			st->cookie = CK_BAD;
	}
	if (st->cookie == CK_OK) {
		/* Django before 4.0 stored the masked form: accept it. */
		if (strlen(vals[0]) == WK_CSRF_TOKEN_LEN) {
			if (wk_csrf_unmask(vals[0], st->cookie_secret) != 0)
				return NULL;
		} else {
			memcpy(st->cookie_secret, vals[0],
			    WK_CSRF_SECRET_LEN + 1);
		}
		memcpy(st->secret, st->cookie_secret, sizeof(st->secret));
	}
	req->slots[WK_SLOT_CSRF] = st;
	return st;
}

/* The lazy "csrf_token" of wk_csrf_context_processor: self is the
 * request; the token is made when the value is printed. */
static int
lazy_token_str(const void *self, wk_buf *out)
{
	const char *tok = wk_csrf_token((struct wk_request *)(uintptr_t)self);

	if (tok == NULL)
		return -1;
	return wk_buf_puts(out, tok);
}

static const struct wk_object_ops lazy_token_ops = {
	"CsrfToken", NULL, NULL, NULL, lazy_token_str
};

/* see csrf.h */
int
wk_csrf_context_processor(struct wk_request *req, struct wk_map *ctx)
{
	return wk_map_set(req->arena, ctx, "csrf_token",
	    wk_val_object(&lazy_token_ops, req));
}

/* see csrf.h */
const char *
wk_csrf_token(struct wk_request *req)
{
	struct csrf_state *st = get_state(req);
	char *tok;

	if (st == NULL)
		return NULL;
	if (st->secret[0] == '\0' && new_secret(st) != 0)
		return NULL;
	tok = wk_arena_alloc(req->arena, WK_CSRF_TOKEN_LEN + 1);
	if (tok == NULL || wk_csrf_mask(st->secret, tok) != 0)
		return NULL;
	/* as Django's get_token: the cookie is (re)sent, refreshing it */
	st->needs_update = 1;
	return tok;
}

/* see csrf.h */
int
wk_csrf_rotate(struct wk_request *req)
{
	struct csrf_state *st = get_state(req);

	if (st == NULL)
		return -1;
	return new_secret(st);
}

/* see csrf.h */
const char *
wk_csrf_reason(const struct wk_request *req)
{
	const struct csrf_state *st = req->slots[WK_SLOT_CSRF];

	return st != NULL ? st->reason : NULL;
}

/* see csrf.h */
int
wk_csrf_exempt(wk_view_fn view)
{
	if (view == NULL)
		return -1;
	if (wk_csrf_is_exempt(view))
		return 0;
	if (n_exempt >= WK_CSRF_MAX_EXEMPT)
		return -1;
	if (n_exempt == cap_exempt) {
		wk_view_fn *grown;
		size_t cap = cap_exempt == 0 ? 8 : cap_exempt * 2;

		grown = realloc(exempt_views, cap * sizeof(*grown));
		if (grown == NULL)
			return -1;
		exempt_views = grown;
		cap_exempt = cap;
	}
	exempt_views[n_exempt++] = view;
	return 0;
}

/* see csrf.h */
int
wk_csrf_is_exempt(wk_view_fn view)
{
	size_t i;

	for (i = 0; i < n_exempt; i++)
		if (exempt_views[i] == view)
			return 1;
	return 0;
}

/* Django's is_same_domain: exact, or a ".example.com" pattern matching
 * the domain and its subdomains.  Case-insensitive. */
static int
same_domain(const char *host, size_t hl, const char *pattern)
{
	size_t pl = strlen(pattern);

	if (pl == 0)
		return 0;
	if (pattern[0] == '.') {
		if (hl >= pl && strncasecmp(host + hl - pl, pattern, pl) == 0)
			return 1;
		return hl == pl - 1 && strncasecmp(host, pattern + 1, hl) == 0;
	}
	return hl == pl && strncasecmp(host, pattern, pl) == 0;
}

/*
 * Split an absolute URL "scheme://netloc/..." into scheme and netloc
 * (the part before '/', '?' or '#').  0, or -1 when either is missing.
 */
static int
split_url(const char *url, const char **scheme, size_t *sl,
    const char **net, size_t *nl)
{
	const char *p = url;

	if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
		return -1;
	while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
	    (*p >= '0' && *p <= '9') || *p == '+' || *p == '-' || *p == '.')
		p++;
	if (strncmp(p, "://", 3) != 0)
		return -1;
	*scheme = url;
	*sl = (size_t)(p - url);
	*net = p + 3;
	*nl = strcspn(*net, "/?#");
	return *nl > 0 ? 0 : -1;
}

/* Is origin one of the trusted origins (exact, or a "*." wildcard)? */
static int
origin_trusted(const struct wk_settings *s, const char *origin)
{
	const char *os, *on, *ts, *tn;
	size_t osl, onl, tsl, tnl, i;

	if (s == NULL)
		return 0;
	for (i = 0; i < s->n_trusted_origins; i++) {
		const char *t = s->trusted_origins[i];
		if (t == NULL)
			continue;
		if (strchr(t, '*') == NULL) {
			if (strcmp(origin, t) == 0)
				return 1;
			continue;
		}
		if (split_url(origin, &os, &osl, &on, &onl) != 0 ||
		    split_url(t, &ts, &tsl, &tn, &tnl) != 0)
			continue;
		while (tnl > 0 && *tn == '*') {
			tn++;
			tnl--;
		}
		if (osl == tsl && strncasecmp(os, ts, osl) == 0 &&
		    tn[tnl] == '\0' && same_domain(on, onl, tn))
			return 1;
	}
	return 0;
}

/* Django's _origin_verified. */
static int
origin_ok(struct wk_request *req, const char *origin)
{
	const char *good;

	if (req->host_port != NULL && req->host_port[0] != '\0') {
		good = wk_arena_printf(req->arena, "%s://%s", req->scheme,
		    req->host_port);
		if (good != NULL && strcmp(origin, good) == 0)
			return 1;
	}
	return origin_trusted(req->settings, origin);
}

/* Django's _check_referer (HTTPS without Origin): NULL or the reason. */
static const char *
referer_problem(struct wk_request *req)
{
	const struct wk_settings *s = req->settings;
	const char *ref = wk_request_header(req, "Referer");
	const char *sc, *net, *ts, *tn;
	size_t sl, nl, tsl, tnl, i;
	const char *why;

	if (ref == NULL)
		return REASON_NO_REFERER;
	if (split_url(ref, &sc, &sl, &net, &nl) != 0)
		return REASON_MALFORMED_REFERER;
	if (sl != 5 || strncasecmp(sc, "https", 5) != 0)
		return REASON_INSECURE_REFERER;
	for (i = 0; s != NULL && i < s->n_trusted_origins; i++) {
		const char *t = s->trusted_origins[i];
		if (t == NULL || split_url(t, &ts, &tsl, &tn, &tnl) != 0)
			continue;
		while (tnl > 0 && *tn == '*') {
			tn++;
			tnl--;
		}
		if (tn[tnl] == '\0' && same_domain(net, nl, tn))
			return NULL;
	}
	if (req->host_port != NULL && req->host_port[0] != '\0' &&
	    same_domain(net, nl, req->host_port))
		return NULL;
	why = wk_arena_printf(req->arena, "Referer checking failed - %s does "
	    "not match any trusted origins.", ref);
	return why != NULL ? why : REASON_MALFORMED_REFERER;
}

/*
 * csrfmiddlewaretoken from a multipart body.  The body is parsed once per
 * request (streamed from stdin under CGI), so this parse is the view's
 * too: its files stay for the view, and the pipeline removes them when
 * the request ends (also when the token is refused).
 */
static const char *
multipart_token(struct wk_request *req)
{
	const struct wk_multipart_part *p;
	struct wk_multipart_opts o;
	struct wk_multipart mp;

	if (!wk_multipart_is_form_data(req->content_type))
		return NULL;
	wk_multipart_opts_default(&o, req->settings);
	if (wk_multipart_parse_request(req, &o, &mp) != 0)
		return NULL;
	p = wk_multipart_find(&mp, WK_CSRF_FIELD_NAME);
	return p != NULL && p->filename == NULL ? p->value : NULL;
}

/* Safe methods (RFC 9110): never checked. */
static int
method_is_safe(const struct wk_request *req)
{
	return req->method == WK_METHOD_GET || req->method == WK_METHOD_HEAD ||
	    req->method == WK_METHOD_OPTIONS ||
	    (req->method_name != NULL &&
	    strcmp(req->method_name, "TRACE") == 0);
}

/* Record and return a refusal. */
static int
refuse(struct csrf_state *st, const char *why, const char **reason)
{
	if (st != NULL)
		st->reason = why;
	if (reason != NULL)
		*reason = why;
	return 403;
}

/* see csrf.h */
int
wk_csrf_check(struct wk_request *req, const char **reason)
{
	struct csrf_state *st = get_state(req);
	const char *origin, *sfs, *why, *tok = NULL, *source = "POST";
	char bare[WK_CSRF_SECRET_LEN + 1];
	const char *cand;
	int match;

	if (reason != NULL)
		*reason = NULL;
	if (st == NULL)
		return refuse(NULL, REASON_NO_STATE, reason);
	if (method_is_safe(req))
		return 0;

	origin = wk_request_header(req, "Origin");
	sfs = wk_request_header(req, "Sec-Fetch-Site");
	if (sfs != NULL && strcasecmp(sfs, "cross-site") == 0 &&
	    !(origin != NULL && origin_trusted(req->settings, origin)))
		return refuse(st, REASON_CROSS_SITE, reason);
	if (origin != NULL) {
		if (!origin_ok(req, origin)) {
			why = wk_arena_printf(req->arena, "Origin checking "
			    "failed - %s does not match any trusted origins.",
			    origin);
			return refuse(st, why != NULL ? why :
			    "Origin checking failed.", reason);
		}
	} else if (req->is_secure) {
		if ((why = referer_problem(req)) != NULL)
			return refuse(st, why, reason);
	}

	switch (st->cookie) {
	case CK_NONE:
		return refuse(st, REASON_NO_CSRF_COOKIE, reason);
	case CK_CONFLICT:
		return refuse(st, REASON_DUPLICATE_COOKIE, reason);
	case CK_BAD:
		why = wk_arena_printf(req->arena, "CSRF cookie %s.",
		    st->cookie_reason);
		return refuse(st, why != NULL ? why : REASON_NO_CSRF_COOKIE,
		    reason);
	case CK_OK:
		break;
	}

	if (req->method == WK_METHOD_POST) {
		tok = wk_request_post(req, WK_CSRF_FIELD_NAME);
		if (tok == NULL)
			tok = multipart_token(req);
	}
	if (tok == NULL || tok[0] == '\0') {
		tok = wk_request_header(req, WK_CSRF_HEADER_NAME);
		if (tok == NULL)
			return refuse(st, REASON_CSRF_TOKEN_MISSING, reason);
		source = "the 'X-Csrftoken' HTTP header";
	}
	if ((why = wk_csrf_token_format(tok)) != NULL) {
		why = wk_arena_printf(req->arena, "CSRF token from %s %s.",
		    source, why);
		return refuse(st, why != NULL ? why : REASON_CSRF_TOKEN_MISSING,
		    reason);
	}
	cand = tok;
	if (strlen(tok) == WK_CSRF_TOKEN_LEN) {
		if (wk_csrf_unmask(tok, bare) != 0)
			return refuse(st, REASON_CSRF_TOKEN_MISSING, reason);
		cand = bare;
	}
	match = wk_ct_equal(cand, st->cookie_secret, WK_CSRF_SECRET_LEN);
	explicit_bzero(bare, sizeof(bare));
	if (!match) {
		why = wk_arena_printf(req->arena, "CSRF token from %s "
		    "incorrect.", source);
		return refuse(st, why != NULL ? why : "CSRF token incorrect.",
		    reason);
	}
	st->reason = NULL;
	return 0;
}

/* Would the router send req to an exempt view?  (Resolved on a copy.) */
static int
routed_to_exempt(const struct wk_request *req)
{
	struct wk_request tmp;
	unsigned allowed;

	if (n_exempt == 0 || req->routes == NULL)
		return 0;
	tmp = *req;
	memset(&tmp.args, 0, sizeof(tmp.args));
	if (wk_router_resolve(req->routes, &tmp, 0, &allowed) !=
	    WK_ROUTE_FOUND || tmp.route == NULL)
		return 0;
	return wk_csrf_is_exempt(tmp.route->view);
}

/* see csrf.h; tokens are [a-zA-Z0-9], nothing to escape. */
int
wk_csrf_form_field(struct wk_request *req, wk_buf *out)
{
	const char *tok = wk_csrf_token(req);

	if (tok == NULL)
		return -1;
	wk_buf_puts(out, "<input type=\"hidden\" name=\""
	    WK_CSRF_FIELD_NAME "\" value=\"");
	wk_buf_puts(out, tok);
	wk_buf_puts(out, "\">");
	return out->failed ? -1 : 0;
}

static int
csrf_on_request(struct wk_request *req, struct wk_response *resp)
{
	struct csrf_state *st = get_state(req);
	const char *why = NULL, *msg;

	if (st == NULL)
		return WK_MW_ERROR;
	/* A malformed or contested cookie is replaced (Django does too). */
	if ((st->cookie == CK_BAD || st->cookie == CK_CONFLICT) &&
	    new_secret(st) != 0)
		return WK_MW_ERROR;
	if (method_is_safe(req) || routed_to_exempt(req))
		return WK_MW_CONTINUE;
	if (wk_csrf_check(req, &why) == 0)
		return WK_MW_CONTINUE;
	wk_log(req, WK_LOG_WARN, "Forbidden (%s): %s", why, req->path);
	msg = wk_arena_printf(req->arena, "CSRF verification failed. Request "
	    "aborted. %s", why);
	if (wk_error(req, resp, 403, msg != NULL ? msg :
	    "CSRF verification failed. Request aborted.") != 0)
		return WK_MW_ERROR;
	return WK_MW_ANSWERED;
}

/* Add "Cookie" to Vary unless it is there (or Vary is "*"). */
static void
vary_on_cookie(struct wk_response *resp)
{
	const char *v = wk_response_header(resp, "Vary");
	const char *p;
	size_t n, len;

	if (v == NULL) {
		(void)wk_response_set_header(resp, "Vary", "Cookie");
		return;
	}
	for (p = v; *p != '\0'; p += n) {
		p += strspn(p, " \t,");
		n = strcspn(p, ",");
		len = n;
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if ((len == 6 && strncasecmp(p, "cookie", 6) == 0) ||
		    (len == 1 && *p == '*'))
			return;
	}
	v = wk_arena_printf(resp->arena, "%s, Cookie", v);
	if (v != NULL)
		(void)wk_response_set_header(resp, "Vary", v);
}

static void
csrf_on_response(struct wk_request *req, struct wk_response *resp)
{
	struct csrf_state *st = req->slots[WK_SLOT_CSRF];
	struct wk_cookie_opts o;

	if (st == NULL || !st->needs_update || st->secret[0] == '\0')
		return;
	memset(&o, 0, sizeof(o));
	o.path = "/";
	o.domain = NULL;
	o.max_age = WK_CSRF_COOKIE_AGE;
	o.secure = req->is_secure;
	o.http_only = 0;
	o.samesite = WK_SAMESITE_LAX;
	if (wk_response_set_cookie(resp, WK_CSRF_COOKIE_NAME, st->secret,
	    &o) != 0) {
		wk_log(req, WK_LOG_ERROR, "could not set the CSRF cookie");
		return;
	}
	vary_on_cookie(resp);
	st->needs_update = 0;
}

const struct wk_middleware wk_mw_csrf = {
	"csrf",
	csrf_on_request,
	csrf_on_response,
};
