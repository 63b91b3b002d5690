/*
 * json.h - writing JSON responses and reading JSON request bodies.
 *
 * The writer appends to a wk_buf and keeps track of commas and nesting,
 * so a view cannot produce malformed JSON by forgetting one.  Strings are
 * escaped fully: quote, backslash, every control character, DEL, and also
 * < > & and U+2028/U+2029 (as \u003c ...) so the output stays inert even
 * when pasted into an HTML <script>.  Invalid UTF-8 becomes U+FFFD.
 *
 *   struct wk_json_writer w;
 *   wk_json_init(&w, &resp->body);
 *   wk_json_object_begin(&w);
 *   wk_json_key(&w, "title");  wk_json_str(&w, post->title);
 *   wk_json_key(&w, "id");     wk_json_int(&w, post->id);
 *   wk_json_object_end(&w);
 *   if (wk_json_finish(&w) != 0) return -1;
 *
 * The parser reads strict RFC 8259 JSON (no comments, no trailing commas,
 * no leading zeros, valid UTF-8, paired surrogates) into a tree allocated
 * in an arena, within limits on size, depth and item count; it is the
 * place where untrusted JSON is parsed, and it is fuzzed
 * (tests/fuzz/fuzz_json.c).  "\u0000" is refused so that strings are safe
 * as C strings.  Duplicate keys are kept; wk_json_get returns the last,
 * as Python's json module does.
 */
#ifndef WICK_JSON_H
#define WICK_JSON_H

#include <stddef.h>

#include "wick/core/arena.h"
#include "wick/core/buf.h"

struct wk_request;

#define WK_JSON_MAX_DEPTH 64

/* ---- writer ----------------------------------------------------------------------- */

struct wk_json_writer {
	wk_buf *out;
	int depth;
	unsigned char is_object[WK_JSON_MAX_DEPTH + 1];
	unsigned char count[WK_JSON_MAX_DEPTH + 1];   /* 0 = nothing yet */
	int want_value;          /* a key was written: a value must follow */
	int failed;              /* sticky misuse (e.g. value without key) */
};

/* wk_json_init - write into out (appending). */
void wk_json_init(struct wk_json_writer *w, wk_buf *out);

/* Containers.  Each returns 0, or -1 (sticky) on misuse or buffer error. */
int wk_json_object_begin(struct wk_json_writer *w);
int wk_json_object_end(struct wk_json_writer *w);
int wk_json_array_begin(struct wk_json_writer *w);
int wk_json_array_end(struct wk_json_writer *w);

/* wk_json_key - the next member's name (inside an object only). */
int wk_json_key(struct wk_json_writer *w, const char *key);

/* Values. wk_json_str(w, NULL) writes null. */
int wk_json_str(struct wk_json_writer *w, const char *s);
int wk_json_strn(struct wk_json_writer *w, const char *s, size_t n);
int wk_json_int(struct wk_json_writer *w, long long v);
int wk_json_real(struct wk_json_writer *w, double v);   /* NaN/inf: null */
int wk_json_bool(struct wk_json_writer *w, int v);
int wk_json_null(struct wk_json_writer *w);

/*
 * wk_json_finish - 0 if a complete JSON text was written (every container
 * closed, no error), else -1.
 */
int wk_json_finish(const struct wk_json_writer *w);

/*
 * wk_json_escape - append s (n bytes) to b as a quoted, escaped JSON
 * string (the writer's rules).  0 or -1.
 */
int wk_json_escape(wk_buf *b, const char *s, size_t n);

/* ---- parser --------------------------------------------------------------------------- */

enum wk_json_type {
	WK_JSON_NULL,
	WK_JSON_BOOL,
	WK_JSON_NUMBER,
	WK_JSON_STRING,
	WK_JSON_ARRAY,
	WK_JSON_OBJECT,
	WK_JSON__MAX
};

struct wk_json {
	enum wk_json_type type;
	int b;                     /* BOOL */
	double num;                /* NUMBER */
	long long i;               /* NUMBER, when is_int */
	int is_int;                /* NUMBER without fraction/exponent that
	                              fits a long long */
	const char *str;           /* STRING: decoded, NUL-terminated */
	size_t len;
	struct wk_json *items;     /* ARRAY, OBJECT: n members in order */
	size_t n;
	const char *key;           /* member of an OBJECT: its name */
	size_t keylen;
};

struct wk_json_limits {
	size_t max_bytes;          /* whole text; default 1 MiB */
	int max_depth;             /* nesting; default 32 (<= 64) */
	size_t max_items;          /* values in total; default 100000 */
};

/*
 * wk_json_parse - parse n bytes of text into *out (arena a).  lim may be
 * NULL for the defaults.  Returns 0, or -1 with a static reason in *err
 * (e.g. "nesting too deep", "invalid escape") and the byte offset in
 * *where (either may be NULL).
 */
int wk_json_parse(wk_arena *a, const char *text, size_t n,
    const struct wk_json_limits *lim, struct wk_json **out,
    const char **err, size_t *where);

/* wk_json_get - the member named key of an object (the last one), or NULL
 * (also when obj is not an object). */
const struct wk_json *wk_json_get(const struct wk_json *obj, const char *key);

/* wk_json_string - the member's text if it is a string, else NULL. */
const char *wk_json_string(const struct wk_json *obj, const char *key);

/*
 * wk_json_parse_request - the request body as JSON: Content-Type must be
 * application/json (parameters allowed; a charset other than utf-8 is
 * refused), the body within the request's max_body.  Returns 0 with *out
 * set, or an HTTP status: 415 wrong content type, 400 bad JSON (reason in
 * *err), 413 too large.
 */
int wk_json_parse_request(struct wk_request *req, struct wk_json **out,
    const char **err);

#endif /* WICK_JSON_H */
