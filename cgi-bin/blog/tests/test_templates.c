/*
 * test_templates.c - the demo's templates are embedded with their trees,
 * parsed at build time (tools/wk-templates; src/template/load.c uses
 * them): each renders byte for byte as a parse of its source does, with
 * the context its view gives, extends and includes included; the loader
 * hands out the tree; and the comparison catches a tree that differs.
 * The library's own test of this, over every node kind, is
 * tests/test_tree.c.
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
#include "wick/http/app.h"
#include "wick/http/request.h"
#include "wick/template/template.h"
#include "wick/template/tree.h"
#include "../blog.h"

#define MAX_FILES 64

static wk_arena arena;
/* The same set without its trees: every template parsed on first use. */
static struct wk_template_file plain_files[MAX_FILES];
static struct wk_template_set plain_set;
static struct wk_settings settings;
static struct wk_request req;

static int
csrf_hook(struct wk_request *r, wk_buf *out)
{
	(void)r;
	return wk_buf_puts(out, "<input type=\"hidden\" name=\"t\">");
}

static int
setup_once(void **state)
{
	const struct wk_template_set *s = &blog_templates;

	(void)state;
	if (s->n_files > MAX_FILES)
		return -1;
	memcpy(plain_files, s->files, s->n_files * sizeof(plain_files[0]));
	for (size_t i = 0; i < s->n_files; i++)
		plain_files[i].tree = NULL;
	plain_set = *s;
	plain_set.files = plain_files;
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
	req.routes = blog_app.routes;
	req.script_name = "/cgi-bin/blog.cgi";
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
map_of(const char *const *kv)
{
	struct wk_map *m = wk_map_new(&arena);

	assert_non_null(m);
	for (; kv[0] != NULL; kv += 2)
		assert_int_equal(wk_map_set(&arena, m, kv[0],
		    wk_val_str(kv[1])), 0);
	return m;
}

static const char *const post1[] = { "id", "1", "title", "First <post>",
	"slug", "first", "body", "Line one\nline <b>two</b>\n\nNew para.",
	"author_name", "Ada", "created", "2024-03-05T10:00:00Z", NULL };
static const char *const post2[] = { "id", "2", "title", "Second & last",
	"slug", "second", "body", "", "author_name", "",
	"created", "2024-03-06T11:30:00Z", NULL };
static const char *const comment1[] = { "name", "", "body", "Nice.\nReally",
	"created", "2024-03-07T09:00:00Z", NULL };
static const char *const user[] = { "username", "ada", NULL };
static const char *const message[] = { "tags", "success", "message",
	"Saved <ok>", NULL };

/* What every template of the blog is rendered with: the names its views
 * give (a post list page with both neighbours, a post with a comment, a
 * signed-in user with a message, an error page's status). */
static struct wk_map *
context(void)
{
	struct wk_map *c = wk_map_new(&arena);
	struct wk_list *posts = wk_list_new(&arena);
	struct wk_list *comments = wk_list_new(&arena);
	struct wk_list *messages = wk_list_new(&arena);

	assert_non_null(c);
	assert_non_null(posts);
	assert_non_null(comments);
	assert_non_null(messages);
	assert_int_equal(wk_list_push(&arena, posts,
	    wk_val_map(map_of(post1))), 0);
	assert_int_equal(wk_list_push(&arena, posts,
	    wk_val_map(map_of(post2))), 0);
	assert_int_equal(wk_list_push(&arena, comments,
	    wk_val_map(map_of(comment1))), 0);
	assert_int_equal(wk_list_push(&arena, messages,
	    wk_val_map(map_of(message))), 0);
	assert_int_equal(wk_map_set(&arena, c, "posts", wk_val_list(posts)), 0);
	assert_int_equal(wk_map_set(&arena, c, "post",
	    wk_val_map(map_of(post1))), 0);
	assert_int_equal(wk_map_set(&arena, c, "comments",
	    wk_val_list(comments)), 0);
	assert_int_equal(wk_map_set(&arena, c, "messages",
	    wk_val_list(messages)), 0);
	assert_int_equal(wk_map_set(&arena, c, "user",
	    wk_val_map(map_of(user))), 0);
	assert_int_equal(wk_map_set(&arena, c, "page", wk_val_int(2)), 0);
	assert_int_equal(wk_map_set(&arena, c, "has_prev", wk_val_bool(1)), 0);
	assert_int_equal(wk_map_set(&arena, c, "has_next", wk_val_bool(1)), 0);
	assert_int_equal(wk_map_set(&arena, c, "message",
	    wk_val_str("Nothing <here>")), 0);
	assert_int_equal(wk_map_set(&arena, c, "next", wk_val_str("/posts/")),
	    0);
	assert_int_equal(wk_map_set(&arena, c, "status", wk_val_int(404)), 0);
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
	run(tree, &blog_templates, ctx, &a);
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

/* Every template of the blog: the tree renders what its source does. */
static void
test_blog_trees_render_as_parsed(void **state)
{
	const struct wk_template_set *s = &blog_templates;
	struct wk_map *ctx = context();
	const struct wk_template_file *f;
	struct wk_template_error err;
	int ok;

	(void)state;
	assert_true(s->n_files >= 10);
	for (size_t i = 0; i < s->n_files; i++) {
		f = &s->files[i];
		assert_non_null(f->tree);
		assert_ptr_equal(wk_template_load(s, f->name, 0, &arena, &err),
		    f->tree);
		assert_int_equal(differs(f->name, f->tree, f->text, f->len, ctx,
		    &ok), 0);
		assert_true(ok);   /* two equal errors would prove little */
	}
}

/* The list page as the view renders it, and a wrong tree caught. */
static void
test_blog_tree_check_can_fail(void **state)
{
	const struct wk_template_set *s = &blog_templates;
	const struct wk_template_file *list = NULL, *item = NULL;
	struct wk_map *ctx = context();
	struct wk_template changed;
	struct outcome o;
	int ok;

	(void)state;
	for (size_t i = 0; i < s->n_files; i++) {
		if (strcmp(s->files[i].name, "post_list.html") == 0)
			list = &s->files[i];
		if (strcmp(s->files[i].name, "_post_item.html") == 0)
			item = &s->files[i];
	}
	assert_non_null(list);
	assert_non_null(item);
	run(list->tree, s, ctx, &o);
	assert_int_equal(o.rc, 0);
	assert_non_null(strstr(o.out, "<a class=\"title\" href=\""
	    "/cgi-bin/blog.cgi/posts/1/\">First &lt;post&gt;</a>"));
	assert_non_null(strstr(o.out, "/cgi-bin/blog.cgi/posts/?page=3"));
	/* another template's tree */
	assert_int_equal(differs(item->name, list->tree, item->text, item->len,
	    ctx, &ok), 1);
	/* the right tree, its first node dropped */
	memcpy(&changed, item->tree, sizeof(changed));
	changed.body = changed.body->next;
	assert_int_equal(differs(item->name, &changed, item->text, item->len,
	    ctx, &ok), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_blog_trees_render_as_parsed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_blog_tree_check_can_fail,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, setup_once, NULL);
}
