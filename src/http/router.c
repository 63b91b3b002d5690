/*
 * router.c - URL dispatch with Django's path syntax.
 *
 * Route tables are const arrays written by the app, so there is nothing to
 * compile at start-up: patterns are walked directly at match time, which
 * keeps a one-request process from paying for routes it never reaches.
 * Matching allocates nothing until a route is found; captures are kept as
 * (pointer, length) spans into the path and the pattern, and only copied
 * into the request's arena once a view has been chosen.
 *
 * A converter (int, str, slug, uuid, path, or an app's own) says how many
 * bytes it accepts.  Where a converter is followed by more pattern, the
 * matcher backtracks from the longest span down, as Django's regexes do
 * ("files/<path:p>/edit/"); each attempt first checks the literal text that
 * must follow, so ordinary patterns stay linear.  A step budget bounds the
 * pathological cases (several path converters against a hostile path).
 *
 * Reverse, check and the route listing share one depth-first walk over the
 * table and its includes, carrying the stack of prefix patterns.
 */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "wick/core/arena.h"
#include "wick/core/buf.h"
#include "wick/core/kv.h"
#include "wick/core/log.h"
#include "wick/http/request.h"
#include "wick/http/router.h"

/* How deep includes may nest (also stops a table that includes itself). */
#define ROUTER_MAX_DEPTH 16
/* Captures in one full pattern, prefixes included. */
#define ROUTER_MAX_CAPS 32
/*
 * Work allowed for one pattern against one path, in bytes looked at: a
 * linear match costs about twice the path length, so this covers paths far
 * longer than the URL limit while cutting off the polynomial blow-up of
 * several path converters in a row.
 */
#define ROUTER_MAX_STEPS ((size_t)1 << 22)
/* Room for a full pattern shown by wk_router_each and wk_router_check. */
#define ROUTER_PATTERN_MAX 1024
/* Custom converters an app may register. */
#define ROUTER_MAX_CUSTOM 16

/* ---- built-in converters ------------------------------------------------ */

static int
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int
is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_lower_hex(unsigned char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f');
}

static int
is_slug(unsigned char c)
{
	return is_alpha(c) || is_digit(c) || c == '-' || c == '_';
}

/* [0-9]+, refused when the value does not fit a long long. */
static size_t
match_int(const char *s, size_t len)
{
	static const char llmax[] = "9223372036854775807";
	size_t n = 0, z = 0, sig;

	while (n < len && is_digit((unsigned char)s[n]))
		n++;
	if (n == 0)
		return 0;
	while (z + 1 < n && s[z] == '0')
		z++;
	sig = n - z;
	if (sig > sizeof(llmax) - 1)
		return 0;
	if (sig == sizeof(llmax) - 1 && memcmp(s + z, llmax, sig) > 0)
		return 0;
	return n;
}

/* [^/]+ */
static size_t
match_str(const char *s, size_t len)
{
	size_t n = 0;

	while (n < len && s[n] != '/')
		n++;
	return n;
}

/* [-a-zA-Z0-9_]+ (ASCII only, as Django's) */
static size_t
match_slug(const char *s, size_t len)
{
	size_t n = 0;

	while (n < len && is_slug((unsigned char)s[n]))
		n++;
	return n;
}

/* 8-4-4-4-12 lowercase hex digits */
static size_t
match_uuid(const char *s, size_t len)
{
	static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
	size_t i;

	if (len < sizeof(shape) - 1)
		return 0;
	for (i = 0; i < sizeof(shape) - 1; i++) {
		if (shape[i] == '-' ? s[i] != '-' :
		    !is_lower_hex((unsigned char)s[i]))
			return 0;
	}
	return sizeof(shape) - 1;
}

/* .+ : anything but a newline (Python's '.'), slashes included */
static size_t
match_path(const char *s, size_t len)
{
	size_t n = 0;

	while (n < len && s[n] != '\n')
		n++;
	return n;
}

/* A value is fit for reverse when the converter accepts all of it. */
static int
accepts_whole(size_t (*match)(const char *, size_t), const char *v)
{
	size_t n = strlen(v);

	return n > 0 && match(v, n) == n;
}

static int url_int(const char *v) { return accepts_whole(match_int, v); }
static int url_str(const char *v) { return accepts_whole(match_str, v); }
static int url_slug(const char *v) { return accepts_whole(match_slug, v); }
static int url_uuid(const char *v) { return accepts_whole(match_uuid, v); }
static int url_path(const char *v) { return accepts_whole(match_path, v); }

static const struct wk_converter builtin_converters[] = {
	{ "int",  match_int,  url_int },
	{ "str",  match_str,  url_str },
	{ "slug", match_slug, url_slug },
	{ "uuid", match_uuid, url_uuid },
	{ "path", match_path, url_path },
};

#define N_BUILTIN (sizeof(builtin_converters) / sizeof(builtin_converters[0]))

/* Registered converters: a growing array, at most ROUTER_MAX_CUSTOM. */
static const struct wk_converter **custom_converters;
static size_t n_custom, cap_custom;

static const struct wk_converter *
find_converter(const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < N_BUILTIN; i++) {
		if (strlen(builtin_converters[i].name) == n &&
		    memcmp(builtin_converters[i].name, name, n) == 0)
			return &builtin_converters[i];
	}
	for (i = 0; i < n_custom; i++) {
		if (strlen(custom_converters[i]->name) == n &&
		    memcmp(custom_converters[i]->name, name, n) == 0)
			return custom_converters[i];
	}
	return NULL;
}

static int
is_identifier(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || is_digit((unsigned char)s[0]))
		return 0;
	for (i = 0; i < n; i++) {
		if (!is_alpha((unsigned char)s[i]) &&
		    !is_digit((unsigned char)s[i]) && s[i] != '_')
			return 0;
	}
	return 1;
}

/* see router.h */
int
wk_router_register_converter(const struct wk_converter *c)
{
	if (c == NULL || c->name == NULL || c->match == NULL ||
	    !is_identifier(c->name, strlen(c->name)))
		return -1;
	if (find_converter(c->name, strlen(c->name)) != NULL)
		return -1;
	if (n_custom >= ROUTER_MAX_CUSTOM)
		return -1;
	if (n_custom == cap_custom) {
		const struct wk_converter **grown;
		size_t cap = cap_custom == 0 ? 4 : cap_custom * 2;

		if ((grown = realloc(custom_converters, cap * sizeof(*grown))) ==
		    NULL)
			return -1;
		custom_converters = grown;
		cap_custom = cap;
	}
	custom_converters[n_custom++] = c;
	return 0;
}

/* ---- pattern syntax ----------------------------------------------------- */

enum pat_err {
	PAT_OK,
	PAT_UNCLOSED,
	PAT_UNKNOWN_CONV,
	PAT_BAD_NAME,
	PAT__MAX
};

static const char *const pat_err_text[PAT__MAX] = {
	[PAT_OK] = "ok",
	[PAT_UNCLOSED] = "unclosed '<'",
	[PAT_UNKNOWN_CONV] = "unknown converter",
	[PAT_BAD_NAME] = "capture name is not a C identifier",
};

/* One "<conv:name>" as written in a pattern. */
struct capture {
	const struct wk_converter *conv;
	const char *conv_name;   /* as written ("str" when left out) */
	size_t conv_len;
	const char *name;
	size_t name_len;
	const char *end;         /* just past the '>' */
};

/* Parse the capture starting at p (which points at '<'). */
static enum pat_err
parse_capture(const char *p, struct capture *c)
{
	const char *close, *colon;

	assert(*p == '<');
	close = strpbrk(p + 1, "<>");
	if (close == NULL || *close == '<')
		return PAT_UNCLOSED;
	colon = memchr(p + 1, ':', (size_t)(close - (p + 1)));
	c->end = close + 1;
	if (colon != NULL) {
		c->conv_name = p + 1;
		c->conv_len = (size_t)(colon - (p + 1));
		c->name = colon + 1;
	} else {
		c->conv_name = "str";
		c->conv_len = 3;
		c->name = p + 1;
	}
	c->name_len = (size_t)(close - c->name);
	if (!is_identifier(c->name, c->name_len))
		return PAT_BAD_NAME;
	c->conv = find_converter(c->conv_name, c->conv_len);
	if (c->conv == NULL)
		return PAT_UNKNOWN_CONV;
	return PAT_OK;
}

/* ---- matching ----------------------------------------------------------- */

/* A captured value: spans into the pattern (name) and the path (value). */
struct span {
	const char *name;
	size_t name_len;
	const char *val;
	size_t val_len;
};

struct resolve_ctx {
	const struct wk_request *req; /* for log lines */
	enum wk_method method;
	int any_method;              /* APPEND_SLASH probe: method ignored */
	unsigned allowed;            /* union of masks that matched the path */
	struct span caps[ROUTER_MAX_CAPS];
	size_t ncaps;
	size_t steps;                /* backtracking budget used */
	const struct wk_route *found;
};

/* Charge n units of work to the budget; 1 while there is budget left. */
static int
charge(struct resolve_ctx *ctx, size_t n)
{
	if (ctx->steps > ROUTER_MAX_STEPS ||
	    n > ROUTER_MAX_STEPS - ctx->steps) {
		ctx->steps = ROUTER_MAX_STEPS + 1;
		return 0;
	}
	ctx->steps += n;
	return 1;
}

/*
 * Match pattern pat against s (len bytes).  Whole-path unless prefix, in
 * which case *used says how much of s the pattern took.  Captures are
 * pushed onto ctx->caps.  Returns 1 match, 0 no match (or budget spent),
 * -1 bad pattern.
 */
static int
match_from(struct resolve_ctx *ctx, const char *pat, const char *s,
    size_t len, int prefix, size_t *used, const char *base)
{
	struct capture c;
	const char *lit;
	size_t litlen, max, k, lo;
	int r;

	/* Literal text up to the next capture. */
	while (*pat != '\0' && *pat != '<') {
		if (len == 0 || *s != *pat)
			return 0;
		pat++;
		s++;
		len--;
	}
	if (*pat == '\0') {
		if (prefix) {
			*used = (size_t)(s - base);
			return 1;
		}
		return len == 0;
	}
	if (parse_capture(pat, &c) != PAT_OK)
		return -1;
	if (ctx->ncaps >= ROUTER_MAX_CAPS)
		return -1;
	max = c.conv->match(s, len);
	if (max > len)
		return 0;       /* a converter that breaks its contract */
	if (!charge(ctx, max + 1))
		return 0;

	/*
	 * Longest first; the text that must follow is checked before the
	 * converter is asked again about a shorter span.  At the end of a
	 * whole-path pattern only the span reaching the end can do.
	 */
	lit = c.end;
	litlen = strcspn(lit, "<");
	lo = (*lit == '\0' && !prefix) ? len : 1;
	for (k = max; k >= lo && k > 0; k--) {
		if (!charge(ctx, 1))
			return 0;
		if (litlen > 0 &&
		    (litlen > len - k || memcmp(s + k, lit, litlen) != 0))
			continue;
		if (k != max) {
			if (!charge(ctx, k))
				return 0;
			if (c.conv->match(s, k) != k)
				continue;
		}
		ctx->caps[ctx->ncaps++] = (struct span){ c.name, c.name_len,
		    s, k };
		r = match_from(ctx, c.end, s + k, len - k, prefix, used, base);
		if (r != 0)
			return r;
		ctx->ncaps--;
	}
	return 0;
}

static int
match_pattern(struct resolve_ctx *ctx, const char *pat, const char *s,
    size_t len, int prefix, size_t *used)
{
	size_t mark = ctx->ncaps;
	int r;

	ctx->steps = 0;
	r = match_from(ctx, pat, s, len, prefix, used, s);
	if (r != 1)
		ctx->ncaps = mark;
	if (r == 0 && ctx->steps > ROUTER_MAX_STEPS)
		wk_log(ctx->req, WK_LOG_WARN, "router: gave up matching "
		    "pattern '%s' (too many ways to split the path)", pat);
	return r;
}

static int
method_allowed(unsigned mask, enum wk_method m)
{
	if (mask == 0 || (mask & WK_BIT(m)) != 0)
		return 1;
	return m == WK_METHOD_HEAD && (mask & WK_BIT(WK_METHOD_GET)) != 0;
}

/* A table the router cannot use: say which route, for the operator. */
static enum wk_route_result
table_error(const struct resolve_ctx *ctx, const struct wk_route *r,
    const char *why)
{
	wk_log(ctx->req, WK_LOG_ERROR, "router: route '%s': %s "
	    "(the app's `check` command lists such problems)", r->pattern,
	    why);
	return WK_ROUTE_ERROR;
}

static enum wk_route_result
resolve_table(struct resolve_ctx *ctx, const struct wk_route *table,
    const char *s, size_t len, int depth)
{
	const struct wk_route *r;
	enum wk_route_result res;
	size_t mark, used = 0;
	int m;

	for (r = table; r->pattern != NULL; r++) {
		mark = ctx->ncaps;
		if ((r->view == NULL) == (r->include == NULL))
			return table_error(ctx, r, "needs exactly one of a "
			    "view and an include");
		if (r->include != NULL) {
			m = match_pattern(ctx, r->pattern, s, len, 1, &used);
			if (m < 0)
				return table_error(ctx, r, "bad pattern");
			if (m == 0)
				continue;
			if (depth + 1 >= ROUTER_MAX_DEPTH)
				return table_error(ctx, r, "includes nested "
				    "too deep");
			res = resolve_table(ctx, r->include, s + used,
			    len - used, depth + 1);
			if (res != WK_ROUTE_NOT_FOUND)
				return res;
			ctx->ncaps = mark;
			continue;
		}
		m = match_pattern(ctx, r->pattern, s, len, 0, &used);
		if (m < 0)
			return table_error(ctx, r, "bad pattern");
		if (m == 0)
			continue;
		if (ctx->any_method ||
		    method_allowed(r->methods, ctx->method)) {
			ctx->found = r;
			return WK_ROUTE_FOUND;
		}
		ctx->allowed |= r->methods;
		if (r->methods & WK_BIT(WK_METHOD_GET))
			ctx->allowed |= WK_BIT(WK_METHOD_HEAD);
		ctx->ncaps = mark;
	}
	return WK_ROUTE_NOT_FOUND;
}

/* Copy the captures of a found route into req->args. */
static int
store_args(struct wk_request *req, const struct resolve_ctx *ctx)
{
	const char *name, *val;
	size_t i;

	req->args.len = 0;
	for (i = 0; i < ctx->ncaps; i++) {
		name = wk_arena_strndup(req->arena, ctx->caps[i].name,
		    ctx->caps[i].name_len);
		val = wk_arena_strndup(req->arena, ctx->caps[i].val,
		    ctx->caps[i].val_len);
		if (name == NULL || val == NULL)
			return -1;
		if (wk_kv_add(req->arena, &req->args, name, val,
		    ctx->caps[i].val_len) != 0)
			return -1;
	}
	return 0;
}

/* see router.h */
enum wk_route_result
wk_router_resolve(const struct wk_route *table, struct wk_request *req,
    int append_slash, unsigned *allowed)
{
	struct resolve_ctx ctx;
	enum wk_route_result res;
	const char *path, *s;
	char *slashed;
	size_t len;

	assert(table != NULL && req != NULL && req->arena != NULL);
	if (allowed != NULL)
		*allowed = 0;
	req->route = NULL;
	req->args.len = 0;

	path = req->path != NULL ? req->path : "/";
	s = path[0] == '/' ? path + 1 : path;
	len = strlen(s);

	memset(&ctx, 0, sizeof(ctx));
	ctx.req = req;
	ctx.method = req->method;
	res = resolve_table(&ctx, table, s, len, 0);
	if (res == WK_ROUTE_FOUND) {
		if (store_args(req, &ctx) != 0)
			return WK_ROUTE_ERROR;
		req->route = ctx.found;
		return WK_ROUTE_FOUND;
	}
	if (res != WK_ROUTE_NOT_FOUND)
		return res;
	if (ctx.allowed != 0) {
		if (allowed != NULL)
			*allowed = ctx.allowed;
		return WK_ROUTE_METHOD_NOT_ALLOWED;
	}
	if (!append_slash || path[0] == '\0' || path[strlen(path) - 1] == '/')
		return WK_ROUTE_NOT_FOUND;

	/* APPEND_SLASH: would path + "/" match any route, any method? */
	if (len > (size_t)-1 - 2)
		return WK_ROUTE_ERROR;
	slashed = wk_arena_alloc(req->arena, len + 2);
	if (slashed == NULL)
		return WK_ROUTE_ERROR;
	memcpy(slashed, s, len);
	slashed[len] = '/';
	slashed[len + 1] = '\0';
	memset(&ctx, 0, sizeof(ctx));
	ctx.req = req;
	ctx.method = req->method;
	ctx.any_method = 1;
	res = resolve_table(&ctx, table, slashed, len + 1, 0);
	if (res == WK_ROUTE_FOUND)
		return WK_ROUTE_APPEND_SLASH;
	return res;
}

/* ---- walking the table -------------------------------------------------- */

/* The prefix patterns of the includes above the routes being visited. */
struct trail {
	const char *pieces[ROUTER_MAX_DEPTH];
	size_t n;
};

/*
 * Called for every route in depth-first order with the trail above it;
 * too_deep is set (and the include not entered) when an include would
 * nest beyond ROUTER_MAX_DEPTH.  Return nonzero to stop the walk.
 */
typedef int (*visit_fn)(void *ctx, const struct trail *tr,
    const struct wk_route *r, int too_deep);

static int
walk(const struct wk_route *table, struct trail *tr, visit_fn fn, void *ctx)
{
	const struct wk_route *r;

	for (r = table; r->pattern != NULL; r++) {
		if (fn(ctx, tr, r, 0))
			return 1;
		if (r->include == NULL)
			continue;
		if (tr->n + 1 >= ROUTER_MAX_DEPTH) {
			if (fn(ctx, tr, r, 1))
				return 1;
			continue;
		}
		tr->pieces[tr->n++] = r->pattern;
		if (walk(r->include, tr, fn, ctx)) {
			tr->n--;
			return 1;
		}
		tr->n--;
	}
	return 0;
}

/*
 * Join the trail and last into buf (size ROUTER_PATTERN_MAX); a pattern
 * too long to show ends in "...".
 */
static void
join_pattern(const struct trail *tr, const char *last, char *buf,
    size_t size)
{
	size_t i, used = 0, n, keep;
	const char *piece;

	assert(size > 4);
	for (i = 0; i <= tr->n; i++) {
		piece = i < tr->n ? tr->pieces[i] : last;
		n = strlen(piece);
		if (n < size - used) {
			memcpy(buf + used, piece, n);
			used += n;
			continue;
		}
		/* does not fit: keep what leaves room for "..." and the NUL */
		keep = used < size - 4 ? size - 4 - used : 0;
		if (keep > n)
			keep = n;
		memcpy(buf + used, piece, keep);
		used += keep;
		if (used > size - 4)
			used = size - 4;
		memcpy(buf + used, "...", 4);
		return;
	}
	buf[used] = '\0';
}

/* ---- reverse ------------------------------------------------------------ */

struct reverse_ctx {
	wk_arena *arena;
	const char *script_name;
	const char *name;
	const char *const *keys;     /* capture names of args, or NULL:
	                                positional */
	const char *const *args;
	size_t nargs;
	char *url;                   /* the result */
	int failed;                  /* allocation failure: stop */
};

/* The bytes reverse writes as they are, one bit each: RFC 3986's
 * unreserved characters (A-Z a-z 0-9 - . _ ~) and '/'; test_router checks
 * every byte. */
static const uint64_t url_keep[2] = {
	0x03ffe00000000000ULL,      /* - . / 0-9 */
	0x47fffffe87fffffeULL,      /* A-Z _ a-z ~ */
};

/* Percent-encode n bytes of s, keeping unreserved characters and '/'. */
static void
put_encoded(wk_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char c;
	char esc[3];
	size_t i, run = 0;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c < 128 && (url_keep[c >> 6] >> (c & 63) & 1))
			continue;
		wk_buf_append(b, s + run, i - run);
		esc[0] = '%';
		esc[1] = hex[c >> 4];
		esc[2] = hex[c & 15];
		wk_buf_append(b, esc, 3);
		run = i + 1;
	}
	wk_buf_append(b, s + run, n - run);
}

/*
 * Write the encoded pieces to b, checking the args against their
 * converters (and counting them).  Returns 0 or -1 (not a fit).
 */
/* The argument for capture c, the argi-th of its pattern: by position,
 * or by the capture's name when the caller gave names.  NULL if none. */
static const char *
reverse_arg(const struct reverse_ctx *rc, const struct capture *c,
    size_t argi)
{
	size_t j;

	if (rc->keys == NULL)
		return argi < rc->nargs ? rc->args[argi] : NULL;
	for (j = 0; j < rc->nargs; j++)
		if (rc->keys[j] != NULL && strlen(rc->keys[j]) == c->name_len &&
		    memcmp(rc->keys[j], c->name, c->name_len) == 0)
			return rc->args[j];
	return NULL;
}

static int
fill_pattern(const struct reverse_ctx *rc, const char *const *pieces,
    size_t npieces, wk_buf *b)
{
	struct capture c;
	const char *p, *lit, *arg;
	size_t i, argi = 0;
	int ok;

	for (i = 0; i < npieces; i++) {
		p = pieces[i];
		while (*p != '\0') {
			lit = p;
			p += strcspn(p, "<");
			put_encoded(b, lit, (size_t)(p - lit));
			if (*p == '\0')
				break;
			if (parse_capture(p, &c) != PAT_OK)
				return -1;
			if ((arg = reverse_arg(rc, &c, argi)) == NULL)
				return -1;
			ok = c.conv->to_url != NULL ? c.conv->to_url(arg) :
			    accepts_whole(c.conv->match, arg);
			if (!ok)
				return -1;
			put_encoded(b, arg, strlen(arg));
			argi++;
			p = c.end;
		}
	}
	return argi == rc->nargs ? 0 : -1;
}

static int
reverse_visit(void *vctx, const struct trail *tr, const struct wk_route *r,
    int too_deep)
{
	struct reverse_ctx *rc = vctx;
	const char *pieces[ROUTER_MAX_DEPTH + 1];
	const char *script = rc->script_name;
	size_t slen, i;
	wk_buf b;

	if (too_deep || r->include != NULL || r->view == NULL ||
	    r->name == NULL || strcmp(r->name, rc->name) != 0)
		return 0;
	for (i = 0; i < tr->n; i++)
		pieces[i] = tr->pieces[i];
	pieces[tr->n] = r->pattern;

	/* One pass: the URL is written while the arguments are checked; a
	 * route whose converters refuse them leaves its bytes in the arena
	 * (rare: several routes of one name) and the next one is tried. */
	slen = strlen(script);
	while (slen > 0 && script[slen - 1] == '/')
		slen--;
	wk_buf_init(&b, rc->arena);
	put_encoded(&b, script, slen);
	wk_buf_putc(&b, '/');
	if (fill_pattern(rc, pieces, tr->n + 1, &b) != 0)
		return 0;               /* try the next route of that name */
	if (b.failed || b.data == NULL) {
		rc->failed = 1;
		return 1;
	}
	/* "//host" would be read as another host: Django's escape. */
	if (b.len >= 2 && b.data[0] == '/' && b.data[1] == '/') {
		rc->url = wk_arena_printf(rc->arena, "/%%2F%s", b.data + 2);
		if (rc->url == NULL)
			rc->failed = 1;
		return 1;
	}
	rc->url = b.data;
	return 1;
}

/* see router.h */
char *
wk_router_reverse_kw(const struct wk_route *table, wk_arena *a,
    const char *script_name, const char *name, const char *const *keys,
    const char *const *args, size_t nargs)
{
	struct reverse_ctx rc;
	struct trail tr;

	assert(a != NULL);
	if (table == NULL || name == NULL || (nargs > 0 && args == NULL))
		return NULL;
	memset(&rc, 0, sizeof(rc));
	rc.arena = a;
	rc.script_name = script_name != NULL ? script_name : "";
	rc.name = name;
	rc.keys = keys;
	rc.args = args;
	rc.nargs = nargs;
	tr.n = 0;
	walk(table, &tr, reverse_visit, &rc);
	if (rc.failed)
		return NULL;
	return rc.url;
}

/* see router.h */
char *
wk_router_reverse(const struct wk_route *table, wk_arena *a,
    const char *script_name, const char *name, const char *const *args,
    size_t nargs)
{
	return wk_router_reverse_kw(table, a, script_name, name, NULL, args,
	    nargs);
}

/* see router.h */
char *
wk_url_kw(const struct wk_request *req, const char *name,
    const char *const *keys, const char *const *args, size_t nargs)
{
	assert(req != NULL);
	if (req->routes == NULL || req->arena == NULL)
		return NULL;
	return wk_router_reverse_kw(req->routes, req->arena, req->script_name,
	    name, keys, args, nargs);
}

/* see router.h */
char *
wk_url(const struct wk_request *req, const char *name,
    const char *const *args, size_t nargs)
{
	return wk_url_kw(req, name, NULL, args, nargs);
}

/* The text of one typed reverse argument, or NULL for a refused kind. */
static const char *
value_arg(wk_arena *a, const struct wk_value *v)
{
	switch (v->kind) {
	case WK_VAL_INT:
		return wk_arena_printf(a, "%lld", v->u.i);
	case WK_VAL_STR:
	case WK_VAL_SAFE:
		if (v->u.s.p == NULL || memchr(v->u.s.p, '\0', v->u.s.n) != NULL)
			return NULL;
		return wk_arena_strndup(a, v->u.s.p, v->u.s.n);
	default:
		return NULL;
	}
}

/* see router.h */
char *
wk_url_values(const struct wk_request *req, const char *name,
    const char *const *keys, const struct wk_value *args, size_t nargs)
{
	const char **text;
	size_t i;

	assert(req != NULL);
	if (req->arena == NULL || (nargs > 0 && args == NULL) ||
	    nargs > ROUTER_MAX_CAPS)
		return NULL;
	if (nargs == 0)
		return wk_url_kw(req, name, keys, NULL, 0);
	if ((text = wk_arena_calloc(req->arena, nargs, sizeof(*text))) == NULL)
		return NULL;
	for (i = 0; i < nargs; i++)
		if ((text[i] = value_arg(req->arena, &args[i])) == NULL)
			return NULL;
	return wk_url_kw(req, name, keys, text, nargs);
}

/* ---- listing ------------------------------------------------------------ */

struct each_ctx {
	void (*fn)(void *ctx, const char *pattern, const struct wk_route *r);
	void *ctx;
};

static int
each_visit(void *vctx, const struct trail *tr, const struct wk_route *r,
    int too_deep)
{
	struct each_ctx *ec = vctx;
	char buf[ROUTER_PATTERN_MAX];

	if (too_deep || r->include != NULL)
		return 0;
	join_pattern(tr, r->pattern, buf, sizeof(buf));
	ec->fn(ec->ctx, buf, r);
	return 0;
}

/* see router.h */
void
wk_router_each(const struct wk_route *table,
    void (*fn)(void *ctx, const char *pattern, const struct wk_route *r),
    void *ctx)
{
	struct each_ctx ec;
	struct trail tr;

	assert(fn != NULL);
	if (table == NULL)
		return;
	ec.fn = fn;
	ec.ctx = ctx;
	tr.n = 0;
	walk(table, &tr, each_visit, &ec);
}

/* ---- check -------------------------------------------------------------- */

struct check_ctx {
	const struct wk_route *root;
	char *out;
	size_t outlen;
	size_t pos;
	int full;                    /* a line did not fit: write no more */
	int count;
	size_t ordinal;              /* named views visited so far */
};

/* Append one problem line about the route at (tr, pattern). */
static void report(struct check_ctx *cc, const struct trail *tr,
    const char *pattern, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
report(struct check_ctx *cc, const struct trail *tr, const char *pattern,
    const char *fmt, ...)
{
	char pat[ROUTER_PATTERN_MAX], msg[256];
	va_list ap;
	int n;

	cc->count++;
	if (cc->full || cc->out == NULL || cc->outlen == 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		goto full;
	if ((size_t)n >= sizeof(msg))
		memcpy(msg + sizeof(msg) - 4, "...", 4);
	/* the line itself must fit whole, or it is left out */
	join_pattern(tr, pattern, pat, sizeof(pat));
	n = snprintf(cc->out + cc->pos, cc->outlen - cc->pos,
	    "route '%s': %s\n", pat, msg);
	if (n < 0 || (size_t)n >= cc->outlen - cc->pos)
		goto full;
	cc->pos += (size_t)n;
	return;
full:
	cc->out[cc->pos] = '\0';
	cc->full = 1;
}

/* Syntax problems in one pattern piece. */
static void
check_piece(struct check_ctx *cc, const struct trail *tr,
    const char *pattern, const char *piece)
{
	struct capture c;
	const char *p = piece;
	enum pat_err e;

	size_t n = strlen(piece);

	if (piece[0] == '/')
		report(cc, tr, pattern, "pattern starts with '/' "
		    "(patterns are written without it)");
	if (piece[0] == '^' || (n > 0 && piece[n - 1] == '$') ||
	    strstr(piece, "(?P<") != NULL)
		report(cc, tr, pattern, "looks like a regular expression; "
		    "path patterns are literal text and <converter:name>");
	while ((p = strchr(p, '<')) != NULL) {
		e = parse_capture(p, &c);
		if (e == PAT_UNCLOSED) {
			report(cc, tr, pattern, "%s", pat_err_text[e]);
			return;
		}
		if (e == PAT_UNKNOWN_CONV)
			report(cc, tr, pattern, "%s '%.*s'", pat_err_text[e],
			    (int)c.conv_len, c.conv_name);
		else if (e != PAT_OK)
			report(cc, tr, pattern, "%s: '%.*s'", pat_err_text[e],
			    (int)c.name_len, c.name);
		p = c.end;
	}
}

/* Duplicate capture names and too many captures in the full pattern. */
static void
check_captures(struct check_ctx *cc, const struct trail *tr,
    const char *pattern)
{
	struct span names[ROUTER_MAX_CAPS];
	struct capture c;
	const char *p;
	size_t i, j, n = 0;

	for (i = 0; i <= tr->n; i++) {
		p = i < tr->n ? tr->pieces[i] : pattern;
		while ((p = strchr(p, '<')) != NULL) {
			if (parse_capture(p, &c) == PAT_UNCLOSED)
				break;
			for (j = 0; j < n && j < ROUTER_MAX_CAPS; j++) {
				if (names[j].name_len == c.name_len &&
				    memcmp(names[j].name, c.name,
				    c.name_len) == 0) {
					report(cc, tr, pattern, "capture "
					    "name '%.*s' used twice",
					    (int)c.name_len, c.name);
					break;
				}
			}
			if (n < ROUTER_MAX_CAPS)
				names[n] = (struct span){ c.name, c.name_len,
				    NULL, 0 };
			n++;
			p = c.end;
		}
	}
	if (n > ROUTER_MAX_CAPS)
		report(cc, tr, pattern, "more than %d captures",
		    ROUTER_MAX_CAPS);
}

struct first_ctx {
	const char *name;
	size_t before;               /* stop after this many named views */
	size_t seen;
	int found;
};

static int
is_named_view(const struct wk_route *r)
{
	return r->include == NULL && r->view != NULL && r->name != NULL;
}

static int
first_visit(void *vctx, const struct trail *tr, const struct wk_route *r,
    int too_deep)
{
	struct first_ctx *fc = vctx;

	(void)tr;
	if (too_deep || !is_named_view(r))
		return 0;
	if (fc->seen++ >= fc->before)
		return 1;
	if (strcmp(r->name, fc->name) == 0) {
		fc->found = 1;
		return 1;
	}
	return 0;
}

static int
check_visit(void *vctx, const struct trail *tr, const struct wk_route *r,
    int too_deep)
{
	struct check_ctx *cc = vctx;
	struct first_ctx fc;
	struct trail empty;

	if (too_deep) {
		report(cc, tr, r->pattern, "includes nested deeper than %d "
		    "(a table including itself?)", ROUTER_MAX_DEPTH);
		return 0;
	}
	check_piece(cc, tr, r->pattern, r->pattern);
	if (r->view == NULL && r->include == NULL)
		report(cc, tr, r->pattern, "neither a view nor an include");
	if (r->view != NULL && r->include != NULL)
		report(cc, tr, r->pattern, "both a view and an include");
	if (r->include != NULL)
		return 0;
	check_captures(cc, tr, r->pattern);
	if (!is_named_view(r))
		return 0;
	memset(&fc, 0, sizeof(fc));
	fc.name = r->name;
	fc.before = cc->ordinal++;
	empty.n = 0;
	walk(cc->root, &empty, first_visit, &fc);
	if (fc.found)
		report(cc, tr, r->pattern, "duplicate route name '%s'",
		    r->name);
	return 0;
}

/* see router.h */
int
wk_router_check(const struct wk_route *table, char *out, size_t outlen)
{
	struct check_ctx cc;
	struct trail tr;

	memset(&cc, 0, sizeof(cc));
	cc.out = out;
	cc.outlen = outlen;
	if (out != NULL && outlen > 0)
		out[0] = '\0';
	if (table == NULL)
		return 0;
	cc.root = table;
	tr.n = 0;
	walk(table, &tr, check_visit, &cc);
	return cc.count;
}
