/*
 * tpl_driver.c - the C half of the Django conformance runner.
 *
 * tests/django/run_templates.py and run_validators.py read Django's own
 * tests and hand each case to this program; Django's assertions then judge
 * what Wick answered.  The driver only uses Wick's public API (template.h,
 * form.h, json.h), so what it measures is what an app gets.
 *
 * Protocol: one JSON object per line on stdin, one JSON object per line on
 * stdout, in the same order (so a harness can keep one driver running and
 * notice a crash or a hang on the case that caused it).
 *
 *   {"op": "render", "templates": {"name": "source", ...},
 *    "name": "name to render", "context": {...}, "autoescape": true,
 *    "parse_only": false}
 *   -> {"status": "ok", "output": "..."}
 *    | {"status": "parse_error", "message": "..."}   (the named template
 *      does not parse; Django's TemplateSyntaxError at get_template)
 *    | {"status": "render_error", "message": "..."}  (anything during the
 *      render: an included or parent template missing or not parsing, ...)
 *    | {"status": "not_found", "message": "..."}     (no such template)
 *
 *   {"op": "form", "kind": "email"|"url"|"slug"|"int", "value": "..."}
 *   -> {"status": "valid", "cleaned": "..."}
 *    | {"status": "invalid", "message": "..."}
 *
 *   anything malformed -> {"status": "bad_request", "message": "..."}
 *
 * Context values are JSON, with one extension: an object whose member "$t"
 * is "safe" stands for Django's mark_safe(v) and becomes wk_val_safe.
 * Objects become maps (insertion order kept), arrays lists, integral
 * numbers integers, other numbers reals.
 *
 * With "autoescape": false the named template's source is wrapped in
 * {% autoescape off %} (Django's Engine(autoescape=False)); a template
 * that starts with {% extends %} cannot be wrapped and is left as is.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wick/core/arena.h"
#include "wick/core/buf.h"
#include "wick/forms/form.h"
#include "wick/core/json.h"
#include "wick/core/kv.h"
#include "wick/template/template.h"
#include "wick/core/value.h"

/* Django's test strings stay well under this; a line beyond it is refused. */
#define DRIVER_MAX_LINE (16u * 1024u * 1024u)

static int to_value(wk_arena *a, const struct wk_json *j,
    struct wk_value *out);

/* Write {"status": status, key: text} and a newline; 0 or -1. */
static int
reply(wk_arena *a, const char *status, const char *key, const char *text,
    size_t n)
{
	struct wk_json_writer w;
	wk_buf b;

	wk_buf_init(&b, a);
	wk_json_init(&w, &b);
	wk_json_object_begin(&w);
	wk_json_key(&w, "status");
	wk_json_str(&w, status);
	if (key != NULL) {
		wk_json_key(&w, key);
		wk_json_strn(&w, text != NULL ? text : "", text != NULL ? n : 0);
	}
	wk_json_object_end(&w);
	if (wk_json_finish(&w) != 0 || wk_buf_putc(&b, '\n') != 0)
		return -1;
	if (fwrite(wk_buf_cstr(&b), 1, b.len, stdout) != b.len ||
	    fflush(stdout) != 0)
		return -1;
	return 0;
}

static int
reply_msg(wk_arena *a, const char *status, const char *msg)
{
	return reply(a, status, "message", msg, strlen(msg));
}

/* A JSON object as a map, or as a safe string when tagged {"$t": "safe"}. */
static int
object_value(wk_arena *a, const struct wk_json *j, struct wk_value *out)
{
	const char *tag = wk_json_string(j, "$t");
	struct wk_map *m;
	struct wk_value v;
	size_t k;

	if (tag != NULL) {
		const struct wk_json *inner = wk_json_get(j, "v");

		if (strcmp(tag, "safe") != 0 || inner == NULL ||
		    inner->type != WK_JSON_STRING)
			return -1;
		*out = wk_val_safen(inner->str, inner->len);
		return 0;
	}
	if ((m = wk_map_new(a)) == NULL)
		return -1;
	for (k = 0; k < j->n; k++) {
		if (to_value(a, &j->items[k], &v) != 0 ||
		    wk_map_setn(a, m, j->items[k].key, j->items[k].keylen,
		    v) != 0)
			return -1;
	}
	*out = wk_val_map(m);
	return 0;
}

/* Convert a parsed JSON value into a template value (arena a); 0 or -1. */
static int
to_value(wk_arena *a, const struct wk_json *j, struct wk_value *out)
{
	struct wk_list *l;
	struct wk_value v;
	size_t k;

	switch (j->type) {
	case WK_JSON_NULL:
		*out = wk_val_null();
		return 0;
	case WK_JSON_BOOL:
		*out = wk_val_bool(j->b);
		return 0;
	case WK_JSON_NUMBER:
		*out = j->is_int ? wk_val_int(j->i) : wk_val_real(j->num);
		return 0;
	case WK_JSON_STRING:
		*out = wk_val_strn(j->str, j->len);
		return 0;
	case WK_JSON_ARRAY:
		if ((l = wk_list_new(a)) == NULL)
			return -1;
		for (k = 0; k < j->n; k++)
			if (to_value(a, &j->items[k], &v) != 0 ||
			    wk_list_push(a, l, v) != 0)
				return -1;
		*out = wk_val_list(l);
		return 0;
	case WK_JSON_OBJECT:
		return object_value(a, j, out);
	default:
		return -1;
	}
}

static int
cmp_file(const void *x, const void *y)
{
	const struct wk_template_file *p = x, *q = y;

	return strcmp(p->name, q->name);
}

/* Is name one of the set's templates? */
static int
set_has(const struct wk_template_set *set, const char *name)
{
	size_t k;

	for (k = 0; k < set->n_files; k++)
		if (strcmp(set->files[k].name, name) == 0)
			return 1;
	return 0;
}

/*
 * Wrap the template called name in {% autoescape off %} unless it extends
 * another (extends must come first); 0 or -1.
 */
static int
autoescape_off(wk_arena *a, struct wk_template_file *files, size_t n,
    const char *name)
{
	static const char pre[] = "{% autoescape off %}";
	static const char post[] = "{% endautoescape %}";
	wk_buf b;
	size_t k;

	for (k = 0; k < n; k++) {
		if (strcmp(files[k].name, name) != 0)
			continue;
		if (strstr(files[k].text, "{% extends") == files[k].text)
			return 0;
		wk_buf_init(&b, a);
		if (wk_buf_puts(&b, pre) != 0 ||
		    wk_buf_append(&b, files[k].text, files[k].len) != 0 ||
		    wk_buf_puts(&b, post) != 0)
			return -1;
		files[k].text = wk_buf_cstr(&b);
		files[k].len = b.len;
	}
	return 0;
}

/* The "render" operation. */
static int
op_render(wk_arena *a, const struct wk_json *req)
{
	const struct wk_json *tpls = wk_json_get(req, "templates");
	const struct wk_json *ctxj = wk_json_get(req, "context");
	const struct wk_json *ae = wk_json_get(req, "autoescape");
	const struct wk_json *po = wk_json_get(req, "parse_only");
	const char *name = wk_json_string(req, "name");
	struct wk_template_file *files;
	struct wk_template_set set;
	struct wk_template_error err;
	struct wk_render_env env;
	const struct wk_template *t;
	struct wk_value ctx = wk_val_null();
	wk_buf out;
	size_t k;

	if (tpls == NULL || tpls->type != WK_JSON_OBJECT || name == NULL)
		return reply_msg(a, "bad_request", "templates and name needed");
	files = wk_arena_calloc(a, tpls->n ? tpls->n : 1, sizeof(*files));
	if (files == NULL)
		return -1;
	for (k = 0; k < tpls->n; k++) {
		if (tpls->items[k].type != WK_JSON_STRING)
			return reply_msg(a, "bad_request", "template not a string");
		files[k].name = tpls->items[k].key;
		files[k].text = tpls->items[k].str;
		files[k].len = tpls->items[k].len;
	}
	if (ae != NULL && ae->type == WK_JSON_BOOL && !ae->b &&
	    autoescape_off(a, files, tpls->n, name) != 0)
		return -1;
	/* The loader looks templates up by binary search. */
	qsort(files, tpls->n, sizeof(*files), cmp_file);
	memset(&set, 0, sizeof(set));
	set.app = "django";
	set.files = files;
	set.n_files = tpls->n;
	if (ctxj != NULL && ctxj->type != WK_JSON_NULL) {
		if (ctxj->type != WK_JSON_OBJECT || to_value(a, ctxj, &ctx) != 0)
			return reply_msg(a, "bad_request", "bad context");
	}
	/* Parsed templates are cached by the set's address, which is reused. */
	wk_template_cache_clear();
	if (!set_has(&set, name))
		return reply_msg(a, "not_found", name);
	memset(&err, 0, sizeof(err));
	if ((t = wk_template_load(&set, name, 0, a, &err)) == NULL)
		return reply_msg(a, "parse_error", err.message);
	if (po != NULL && po->type == WK_JSON_BOOL && po->b)
		return reply(a, "ok", "output", "", 0);
	memset(&env, 0, sizeof(env));
	env.set = &set;
	env.arena = a;
	wk_buf_init(&out, a);
	if (wk_template_render(t, &env, ctx.kind == WK_VAL_MAP ? ctx.u.map :
	    NULL, &out, &err) != 0) {
		wk_template_cache_clear();
		return reply_msg(a, "render_error", err.message);
	}
	wk_template_cache_clear();
	return reply(a, "ok", "output", wk_buf_cstr(&out), out.len);
}

/* The form kinds Django's validator data has a Wick counterpart for. */
static const struct {
	const char *name;
	enum wk_form_kind kind;
} form_kinds[] = {
	{ "email", WK_FF_EMAIL },
	{ "url", WK_FF_URL },
	{ "slug", WK_FF_SLUG },
	{ "int", WK_FF_INT },
};

/* The "form" operation: bind value to a one-field form of kind. */
static int
op_form(wk_arena *a, const struct wk_json *req)
{
	const char *kind = wk_json_string(req, "kind");
	const struct wk_json *val = wk_json_get(req, "value");
	struct wk_form_field field;
	struct wk_form_def def;
	struct wk_kvlist data;
	struct wk_form f;
	const char *text;
	size_t k;
	int rc;

	if (kind == NULL || val == NULL || val->type != WK_JSON_STRING)
		return reply_msg(a, "bad_request", "kind and value needed");
	memset(&field, 0, sizeof(field));
	field.name = "f";
	/* Django's validators see the value as given; a form strips first. */
	field.flags = WK_FF_NO_STRIP;
	for (k = 0; k < sizeof(form_kinds) / sizeof(form_kinds[0]); k++)
		if (strcmp(form_kinds[k].name, kind) == 0)
			break;
	if (k == sizeof(form_kinds) / sizeof(form_kinds[0]))
		return reply_msg(a, "bad_request", "unknown kind");
	field.kind = form_kinds[k].kind;
	def.fields = &field;
	def.nfields = 1;
	def.clean = NULL;
	memset(&data, 0, sizeof(data));
	if (wk_kv_add(a, &data, "f", val->str, val->len) != 0 ||
	    wk_form_init(&f, &def, a) != 0 || wk_form_bind_data(&f, &data) != 0)
		return -1;
	if ((rc = wk_form_is_valid(&f)) < 0)
		return -1;
	if (rc == 1) {
		text = wk_form_text(&f, "f");
		return reply(a, "valid", "cleaned", text, text ? strlen(text) : 0);
	}
	text = wk_kv_get(&f.errors, "f");
	return reply_msg(a, "invalid", text != NULL ? text : "(no message)");
}

/* One request line; 0, or -1 when the driver cannot go on. */
static int
handle(const char *line, size_t n)
{
	struct wk_json_limits lim = { DRIVER_MAX_LINE, 64, 10000000 };
	struct wk_json *req;
	const char *why = NULL, *op;
	wk_arena a;
	int rc;

	wk_arena_init(&a);
	a.limit = 0;   /* a render may legitimately build big strings */
	if (wk_json_parse(&a, line, n, &lim, &req, &why, NULL) != 0 ||
	    req->type != WK_JSON_OBJECT) {
		rc = reply_msg(&a, "bad_request", why != NULL ? why : "not an object");
	} else if ((op = wk_json_string(req, "op")) == NULL) {
		rc = reply_msg(&a, "bad_request", "no op");
	} else if (strcmp(op, "render") == 0) {
		rc = op_render(&a, req);
	} else if (strcmp(op, "form") == 0) {
		rc = op_form(&a, req);
	} else {
		rc = reply_msg(&a, "bad_request", "unknown op");
	}
	wk_arena_free(&a);
	return rc;
}

int
main(void)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	while ((n = getline(&line, &cap, stdin)) > 0) {
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if (n == 0)
			continue;
		if (handle(line, (size_t)n) != 0) {
			fprintf(stderr, "tpl_driver: out of memory or stdout "
			    "closed\n");
			free(line);
			return 1;
		}
	}
	free(line);
	return ferror(stdin) ? 1 : 0;
}
