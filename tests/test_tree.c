/*
 * test_tree.c - templates parsed at build time (tools/wk-templates writes
 * each embedded template's tree as static const data, src/template/load.c
 * uses it): every template of tests/fixture/tree_templates/ (all the node
 * kinds: inheritance, include, every tag, literals, filters, an app's own
 * filter and tag) renders byte for byte as a parse of its source does;
 * the loader hands out the built tree and no parse, except when reloading
 * from the source folder; and the comparison catches a tree that differs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "wick/core/arena.h"
#include "wick/core/buf.h"
#include "wick/core/settings.h"
#include "wick/core/value.h"
#include "wick/http/request.h"
#include "wick/http/router.h"
#include "wick/template/template.h"
#include "wick/template/tree.h"

/* build/gen/fixture_tree_assets.c (the Makefile runs wk-templates). */
extern const struct wk_template_set fixture_tree_templates;

#define MAX_FILES 32

static wk_arena arena;
/* The same set without its trees: every template parsed on first use. */
static struct wk_template_file plain_files[MAX_FILES];
static struct wk_template_set plain_set;
static struct wk_settings settings;
static struct wk_request req;

static int
dummy_view(struct wk_request *r, struct wk_response *resp)
{
	(void)r, (void)resp;
	return 0;
}

static const struct wk_route routes[] = {
	{ "", dummy_view, "home", WK_GET, NULL },
	{ "posts/<int:id>/", dummy_view, "post", WK_GET, NULL },
	{ "archive/<int:year>/<slug:slug>/", dummy_view, "archive", WK_GET,
	    NULL },
	WK_ROUTES_END
};

static int
shout(const struct wk_filter_ctx *c, const struct wk_value *in,
    const struct wk_value *arg, struct wk_value *out)
{
	const char *p;
	size_t n;
	wk_buf b;

	(void)arg;
	if (wk_value_text(in, c->arena, &p, &n) != 0)
		return -1;
	wk_buf_init(&b, c->arena);
	wk_buf_append(&b, p, n);
	wk_buf_puts(&b, "!!");
	return b.failed ? -1 : (*out = wk_val_strn(wk_buf_cstr(&b), b.len), 0);
}

static int
sum_tag(const struct wk_tag_ctx *c, const struct wk_value *args, size_t n,
    struct wk_value *out)
{
	long long total = 0, v;
	size_t k;

	(void)c;
	for (k = 0; k < n; k++)
		if (wk_value_to_int(&args[k], &v) == 0)
			total += v;
	*out = wk_val_int(total);
	return 0;
}

static int
csrf_hook(struct wk_request *r, wk_buf *out)
{
	(void)r;
	return wk_buf_puts(out, "<input type=\"hidden\" name=\"t\">");
}

static int
setup_once(void **state)
{
	const struct wk_template_set *s = &fixture_tree_templates;

	(void)state;
	if (s->n_files > MAX_FILES)
		return -1;
	memcpy(plain_files, s->files, s->n_files * sizeof(plain_files[0]));
	for (size_t i = 0; i < s->n_files; i++)
		plain_files[i].tree = NULL;
	plain_set = *s;
	plain_set.files = plain_files;
	/* Registered once per process, as an app does at start-up. */
	if (wk_template_register_filter("shout", shout, 0) != 0 ||
	    wk_template_register_tag("sum", sum_tag) != 0)
		return -1;
	wk_template_set_csrf_hook(csrf_hook);
	return 0;
}

static int
setup(void **state)
{
	(void)state;
	wk_arena_init(&arena);
	memset(&req, 0, sizeof(req));
	wk_settings_defaults(&settings);
	req.arena = &arena;
	req.settings = &settings;
	req.routes = routes;
	req.script_name = "/cgi-bin/t.cgi";
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	wk_template_cache_clear();
	wk_arena_free(&arena);
	return 0;
}

static struct wk_map *
person(const char *name, const char *city)
{
	struct wk_map *m = wk_map_new(&arena);

	assert_non_null(m);
	assert_int_equal(wk_map_set(&arena, m, "name", wk_val_str(name)), 0);
	assert_int_equal(wk_map_set(&arena, m, "city", wk_val_str(city)), 0);
	return m;
}

static struct wk_list *
pair(const char *k, long long v)
{
	struct wk_list *l = wk_list_new(&arena);

	assert_non_null(l);
	assert_int_equal(wk_list_push(&arena, l, wk_val_str(k)), 0);
	assert_int_equal(wk_list_push(&arena, l, wk_val_int(v)), 0);
	return l;
}

/* What every template of the set is rendered with. */
static struct wk_map *
context(void)
{
	struct wk_map *c = wk_map_new(&arena);
	struct wk_list *nums = wk_list_new(&arena), *pairs, *people;
	long long k;

	assert_non_null(c);
	assert_non_null(nums);
	for (k = 1; k <= 3; k++)
		assert_int_equal(wk_list_push(&arena, nums, wk_val_int(k)), 0);
	assert_int_equal(wk_list_push(&arena, nums, wk_val_int(3)), 0);
	assert_non_null(pairs = wk_list_new(&arena));
	assert_int_equal(wk_list_push(&arena, pairs,
	    wk_val_list(pair("a", 1))), 0);
	assert_int_equal(wk_list_push(&arena, pairs,
	    wk_val_list(pair("b", 2))), 0);
	assert_non_null(people = wk_list_new(&arena));
	assert_int_equal(wk_list_push(&arena, people,
	    wk_val_map(person("Ada", "London"))), 0);
	assert_int_equal(wk_list_push(&arena, people,
	    wk_val_map(person("Bob", "London"))), 0);
	assert_int_equal(wk_list_push(&arena, people,
	    wk_val_map(person("Cy", "Paris"))), 0);
	assert_int_equal(wk_map_set(&arena, c, "name", wk_val_str("Ada <x>")),
	    0);
	assert_int_equal(wk_map_set(&arena, c, "title", wk_val_str("Hello")),
	    0);
	assert_int_equal(wk_map_set(&arena, c, "n", wk_val_int(3)), 0);
	assert_int_equal(wk_map_set(&arena, c, "nums", wk_val_list(nums)), 0);
	assert_int_equal(wk_map_set(&arena, c, "pairs", wk_val_list(pairs)),
	    0);
	assert_int_equal(wk_map_set(&arena, c, "people", wk_val_list(people)),
	    0);
	assert_int_equal(wk_map_set(&arena, c, "empty", wk_val_str("")), 0);
	assert_int_equal(wk_map_set(&arena, c, "flag", wk_val_bool(1)), 0);
	assert_int_equal(wk_map_set(&arena, c, "html",
	    wk_val_str("<b>&amp;</b>")), 0);
	assert_int_equal(wk_map_set(&arena, c, "part_name",
	    wk_val_str("part.html")), 0);
	return c;
}

/* One render's result: its status, output and error message. */
struct outcome {
	int rc;
	const char *out;
	size_t len;
	char msg[sizeof(((struct wk_template_error *)0)->message)];
};

static void
run(const struct wk_template *t, const struct wk_template_set *set,
    const struct wk_map *ctx, struct outcome *o)
{
	struct wk_render_env env = { set, &req, &arena, 0, 0 };
	struct wk_template_error err;
	wk_buf b;

	memset(&err, 0, sizeof(err));
	wk_buf_init(&b, &arena);
	o->rc = wk_template_render(t, &env, ctx, &b, &err);
	o->out = wk_buf_cstr(&b);
	o->len = b.len;
	memcpy(o->msg, err.message, sizeof(o->msg));
}

/*
 * Render tree (with the set's trees for its extends and includes) and
 * the parse of src (with plain_set: parsed all the way down) with ctx.
 * Returns 0 when both give the same status, bytes and error message,
 * else 1 with the first difference printed.  *ok is set when both
 * rendered.
 */
static int
differs(const char *name, const struct wk_template *tree, const char *src,
    size_t len, const struct wk_map *ctx, int *ok)
{
	struct wk_template_error err;
	struct wk_template *parsed;
	struct outcome a, b;
	size_t i;

	if (wk_template_parse(&arena, name, src, len, 0, &parsed, &err) != 0)
		fail_msg("%s: %s", name, err.message);
	run(tree, &fixture_tree_templates, ctx, &a);
	run(parsed, &plain_set, ctx, &b);
	*ok = a.rc == 0 && b.rc == 0;
	if (a.rc != b.rc || strcmp(a.msg, b.msg) != 0) {
		print_message("%s: tree rc %d '%s', parsed rc %d '%s'\n", name,
		    a.rc, a.msg, b.rc, b.msg);
		return 1;
	}
	for (i = 0; i < a.len && i < b.len && a.out[i] == b.out[i]; i++)
		;
	if (i < a.len || i < b.len) {
		print_message("%s: differs at byte %zu: tree '%.40s', parsed "
		    "'%.40s'\n", name, i, a.out + i, b.out + i);
		return 1;
	}
	return 0;
}

/* The set's file called name. */
static const struct wk_template_file *
file_named(const char *name)
{
	const struct wk_template_set *s = &fixture_tree_templates;

	for (size_t i = 0; i < s->n_files; i++)
		if (strcmp(s->files[i].name, name) == 0)
			return &s->files[i];
	fail_msg("no template %s", name);
	return NULL;
}

/* Every template: the tree renders what a parse of its source does
 * (bad_*.html fail to render: test_tree_late_filter_check). */
static void
test_tree_renders_as_parsed(void **state)
{
	const struct wk_template_set *s = &fixture_tree_templates;
	struct wk_map *ctx = context();
	const struct wk_template_file *f;
	int ok;

	(void)state;
	assert_true(s->n_files >= 5);
	for (size_t i = 0; i < s->n_files; i++) {
		f = &s->files[i];
		assert_non_null(f->tree);
		if (strncmp(f->name, "bad_", 4) == 0)
			continue;
		assert_int_equal(differs(f->name, f->tree, f->text, f->len, ctx,
		    &ok), 0);
		assert_true(ok);   /* two equal errors would prove little */
	}
}

/*
 * An app's filter is registered at run time, so the build checks only its
 * name: the tree looks it up when rendering and checks its argument then,
 * as the parser would have ("shout" takes none).
 */
static void
test_tree_late_filter_check(void **state)
{
	const struct wk_template_file *f = file_named("bad_arg.html");
	struct wk_template_error err;
	struct wk_template *parsed;
	struct outcome o;

	(void)state;
	run(f->tree, &fixture_tree_templates, context(), &o);
	assert_int_equal(o.rc, -1);
	assert_non_null(strstr(o.msg, "filter 'shout' takes no argument"));
	assert_int_equal(wk_template_parse(&arena, f->name, f->text, f->len, 0,
	    &parsed, &err), -1);
	assert_string_equal(err.message, "bad_arg.html:1:9: filter 'shout' "
	    "takes no argument");
}

/* The pieces the parse-free path must get right, spelled out. */
static void
test_tree_output(void **state)
{
	const struct wk_template *t;
	struct wk_template_error err;
	struct outcome o;

	(void)state;
	t = wk_template_load(&fixture_tree_templates, "child.html", 0, &arena,
	    &err);
	assert_non_null(t);
	run(t, &fixture_tree_templates, context(), &o);
	assert_int_equal(o.rc, 0);
	assert_string_equal(o.out, "<title>HELLO &amp; Base</title>\n\n"
	    "Hi you 5\n\nHi Ada &lt;x&gt; \n\nHi nobody 5\n\n\n"
	    "<footer>base foot and more</footer>\n");
	t = wk_template_load(&fixture_tree_templates, "every.html", 0, &arena,
	    &err);
	assert_non_null(t);
	run(t, &fixture_tree_templates, context(), &o);
	assert_int_equal(o.rc, 0);
	assert_non_null(strstr(o.out, "Ada &lt;x&gt;!!"));       /* app filter */
	assert_non_null(strstr(o.out, "\n6\n"));                 /* app tag */
	assert_non_null(strstr(o.out, "LIT&quot;ERAL it's\n3.3 -7 1e+03 "));
	assert_non_null(strstr(o.out, "/cgi-bin/t.cgi/posts/3/ "
	    "/cgi-bin/t.cgi/archive/2024/slug-x/ [/cgi-bin/t.cgi/]"));
	assert_non_null(strstr(o.out, "London:2;Paris:1;"));     /* regroup */
	assert_non_null(strstr(o.out, "{{ raw }}{%"));           /* verbatim */
}

/* Loading hands out the built tree itself; reloading parses the folder. */
static void
test_tree_loader(void **state)
{
	const struct wk_template_set *s = &fixture_tree_templates;
	const struct wk_template *t;
	struct wk_template_error err;
	int ok;

	(void)state;
	for (size_t i = 0; i < s->n_files; i++) {
		t = wk_template_load(s, s->files[i].name, 0, &arena, &err);
		assert_ptr_equal(t, s->files[i].tree);
		assert_string_equal(wk_template_name(t), s->files[i].name);
	}
	/* DEBUG's reload reads tests/fixture/tree_templates/ and parses. */
	assert_non_null(s->source_dir);
	t = wk_template_load(s, "every.html", 1, &arena, &err);
	assert_non_null(t);
	assert_ptr_not_equal(t, file_named("every.html")->tree);
	assert_int_equal(differs("every.html", file_named("every.html")->tree,
	    file_named("every.html")->text, file_named("every.html")->len,
	    context(), &ok), 0);
	/* A set without trees (the fixture's own, written by hand) parses. */
	t = wk_template_load(&plain_set, "part.html", 0, &arena, &err);
	assert_non_null(t);
	assert_ptr_not_equal(t, file_named("part.html")->tree);
	assert_ptr_equal(wk_template_load(&plain_set, "part.html", 0, &arena,
	    &err), t);  /* parsed once, then cached */
}

/* The comparison is not vacuous: a tree that is not its source's fails. */
static void
test_tree_check_can_fail(void **state)
{
	const struct wk_template_file *base = file_named("base.html");
	const struct wk_template_file *every = file_named("every.html");
	const struct wk_template_file *part = file_named("part.html");
	const char *longer = "Hi {{ who|default:\"nobody\" }} "
	    "{{ n|add:2 }}!\n";
	struct wk_map *ctx = context();
	struct wk_template changed;
	int ok;

	(void)state;
	/* another template's tree */
	assert_int_equal(differs("part.html", base->tree, part->text,
	    part->len, ctx, &ok), 1);
	/* the right tree, one node short */
	memcpy(&changed, every->tree, sizeof(changed));
	assert_non_null(changed.body);
	changed.body = changed.body->next;
	assert_int_equal(differs("every.html", &changed, every->text,
	    every->len, ctx, &ok), 1);
	/* the right tree against a source one byte longer */
	assert_int_equal(differs("part.html", part->tree, longer,
	    strlen(longer), ctx, &ok), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_tree_renders_as_parsed,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_tree_late_filter_check,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_tree_output, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_tree_loader, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_tree_check_can_fail,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, setup_once, NULL);
}
