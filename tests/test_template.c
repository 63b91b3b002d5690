/*
 * test_template.c - the template language: every tag, inheritance and
 * include chains, error messages with line numbers, the XSS table, and
 * linear time on hostile input.  Filters have their own file
 * (test_filters.c); the value type too (test_value.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wick/core/arena.h"
#include "wick/core/buf.h"
#include "wick/core/kv.h"
#include "wick/core/log.h"
#include "wick/http/app.h"
#include "wick/http/request.h"
#include "wick/http/response.h"
#include "wick/http/router.h"
#include "wick/core/settings.h"
#include "wick/template/template.h"
#include "wick/core/value.h"

/* A small embedded set, as tools/wk-templates would generate (sorted). */
static const struct wk_template_file files[] = {
	{ "404.html", "E{{ status }} {{ reason }} [{{ message }}] {{ who }}", 0 },
	{ "base.html", "<title>{% block title %}Site{% endblock %}</title>"
	    "<main>{% block content %}base content{% endblock %}</main>"
	    "{% block footer %}(c){% endblock %}", 0 },
	{ "broken.html", "line one\n{% if x %}\n{{ y|nosuch }}\n{% endif %}",
	    0 },
	{ "deep.html", "{% extends \"mid.html\" %}"
	    "{% block title %}Deep|{{ block.super }}{% endblock %}", 0 },
	{ "greet.html", "Hi {{ who }}{% if only_me %}!{% endif %}", 0 },
	{ "loop.html", "{% include \"loop.html\" %}", 0 },
	{ "mid.html", "{% extends \"base.html\" %}"
	    "{% block title %}Mid|{{ block.super }}{% endblock %}"
	    "{% block content %}mid {% block inner %}in{% endblock %}"
	    "{% endblock %}", 0 },
	{ "nest.html", "[{% include \"greet.html\" %}]", 0 },
};

static struct wk_template_file set_files[sizeof(files) / sizeof(files[0])];
static const struct wk_asset assets[] = {
	{ "style.css", "style.0badf00d.css", "text/css; charset=utf-8",
	    (const unsigned char *)"body{}", 6 },
};
static struct wk_template_set set = { "test", set_files,
	sizeof(files) / sizeof(files[0]), assets, 1, NULL };

static wk_arena arena;

static int
setup(void **state)
{
	size_t k;

	(void)state;
	for (k = 0; k < sizeof(files) / sizeof(files[0]); k++) {
		set_files[k] = files[k];
		set_files[k].len = strlen(files[k].text);
	}
	wk_arena_init(&arena);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	wk_arena_free(&arena);
	return 0;
}

/* Render src with ctx and an optional request; NULL on failure (err set). */
static const char *
render_req(const char *src, const struct wk_map *ctx, struct wk_request *req,
    struct wk_template_error *err)
{
	struct wk_template *t;
	struct wk_render_env env = { &set, req, &arena, 0, 0 };
	wk_buf b;

	if (wk_template_parse(&arena, "t.html", src, strlen(src), 0, &t,
	    err) != 0)
		return NULL;
	wk_buf_init(&b, &arena);
	if (wk_template_render(t, &env, ctx, &b, err) != 0)
		return NULL;
	return wk_buf_cstr(&b);
}

static const char *
render(const char *src, const struct wk_map *ctx)
{
	struct wk_template_error err;
	const char *out = render_req(src, ctx, NULL, &err);

	if (out == NULL)
		fail_msg("render of '%s' failed: %s", src, err.message);
	return out;
}

static void
expect(const char *src, const struct wk_map *ctx, const char *want)
{
	const char *got = render(src, ctx);

	if (strcmp(got, want) != 0)
		fail_msg("template '%s'\n  got:  '%s'\n  want: '%s'", src, got,
		    want);
}

/* A context most tests share. */
static struct wk_map *
sample_ctx(void)
{
	struct wk_map *m = wk_map_new(&arena), *user = wk_map_new(&arena);
	struct wk_list *l = wk_list_new(&arena), *pairs = wk_list_new(&arena);
	struct wk_list *p1 = wk_list_new(&arena), *p2 = wk_list_new(&arena);
	struct wk_list *empty = wk_list_new(&arena);

	assert_non_null(m);
	wk_map_set(&arena, user, "name", wk_val_str("Ada <L>"));
	wk_map_set(&arena, user, "age", wk_val_int(36));
	wk_list_push(&arena, l, wk_val_str("a"));
	wk_list_push(&arena, l, wk_val_str("b"));
	wk_list_push(&arena, l, wk_val_str("c"));
	wk_list_push(&arena, p1, wk_val_str("x"));
	wk_list_push(&arena, p1, wk_val_int(1));
	wk_list_push(&arena, p2, wk_val_str("y"));
	wk_list_push(&arena, p2, wk_val_int(2));
	wk_list_push(&arena, pairs, wk_val_list(p1));
	wk_list_push(&arena, pairs, wk_val_list(p2));
	wk_map_set(&arena, m, "user", wk_val_map(user));
	wk_map_set(&arena, m, "items", wk_val_list(l));
	wk_map_set(&arena, m, "pairs", wk_val_list(pairs));
	wk_map_set(&arena, m, "empty", wk_val_list(empty));
	wk_map_set(&arena, m, "n", wk_val_int(3));
	wk_map_set(&arena, m, "zero", wk_val_int(0));
	wk_map_set(&arena, m, "pi", wk_val_real(3.25));
	wk_map_set(&arena, m, "t", wk_val_bool(1));
	wk_map_set(&arena, m, "f", wk_val_bool(0));
	wk_map_set(&arena, m, "none", wk_val_null());
	wk_map_set(&arena, m, "html", wk_val_safe("<b>bold</b>"));
	wk_map_set(&arena, m, "s", wk_val_str("hello"));
	return m;
}

/* ---- variables ------------------------------------------------------------ */

static void
test_variables(void **state)
{
	struct wk_map *c = sample_ctx();

	(void)state;
	expect("Hello {{ user.name }}!", c, "Hello Ada &lt;L&gt;!");
	expect("{{ user.age }} {{ n }} {{ pi }}", c, "36 3 3.25");
	expect("{{ items.0 }}{{ items.2 }}{{ items.9 }}", c, "ac");
	expect("[{{ missing }}][{{ user.missing.deeper }}]", c, "[][]");
	expect("{{ t }} {{ f }} {{ none }}", c, "True False None");
	expect("{{ html }}", c, "<b>bold</b>");
	expect("{{ items }}", c, "[&#x27;a&#x27;, &#x27;b&#x27;, "
	    "&#x27;c&#x27;]");
	expect("{{ \"lit<>\" }} {{ 42 }} {{ -1.5 }}", c, "lit<> 42 -1.5");
	expect("{{ s|upper|lower }}", c, "hello");
	expect("{{s}}{{  s  }}", c, "hellohello");
	expect("{# a comment #}x{# {{ nope }} #}", c, "x");
	expect("a { b } {x} {", c, "a { b } {x} {");
	expect("", NULL, "");
	expect("{{ n.attr }}{{ s.0 }}{{ s.4 }}{{ s.5 }}{{ html.1 }}", c, "hob");
}

static void
test_if(void **state)
{
	static const struct { const char *cond; int want; } cases[] = {
		{ "t", 1 }, { "f", 0 }, { "none", 0 }, { "missing", 0 },
		{ "not f", 1 }, { "t and f", 0 }, { "t or f", 1 },
		{ "not t or t", 1 }, { "not (t)", -1 }, { "n == 3", 1 },
		{ "n != 3", 0 }, { "n < 4", 1 }, { "n > 4", 0 },
		{ "n <= 3", 1 }, { "n >= 4", 0 }, { "pi > n", 1 },
		{ "\"b\" in items", 1 }, { "\"z\" in items", 0 },
		{ "\"z\" not in items", 1 }, { "\"ell\" in s", 1 },
		{ "\"name\" in user", 1 }, { "none is None", 1 },
		{ "missing is None", 1 }, { "t is not None", 1 },
		{ "s == \"hello\"", 1 }, { "n == \"3\"", 0 },
		{ "t and not f and n == 3", 1 }, { "f or f or zero", 0 },
		{ "items|length == 3", 1 }, { "empty", 0 },
		{ "s < 1", 0 }, { "n == 3.0", 1 },
	};
	struct wk_map *c = sample_ctx();
	struct wk_template_error err;
	char src[256];
	const char *out;
	size_t k;

	(void)state;
	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		snprintf(src, sizeof(src), "{%% if %s %%}Y{%% else %%}N"
		    "{%% endif %%}", cases[k].cond);
		out = render_req(src, c, NULL, &err);
		if (cases[k].want < 0) {
			if (out != NULL)
				fail_msg("'%s' should not parse", cases[k].cond);
			continue;
		}
		if (out == NULL)
			fail_msg("'%s': %s", cases[k].cond, err.message);
		if (strcmp(out, cases[k].want ? "Y" : "N") != 0)
			fail_msg("if %s gave %s", cases[k].cond, out);
	}
	expect("{% if f %}1{% elif zero %}2{% elif n %}3{% else %}4{% endif %}",
	    c, "3");
	expect("{% if f %}1{% elif zero %}2{% endif %}", c, "");
}

static void
test_for(void **state)
{
	struct wk_map *c = sample_ctx();

	(void)state;
	expect("{% for x in items %}{{ forloop.counter }}{{ x }}"
	    "{% if not forloop.last %},{% endif %}{% endfor %}", c,
	    "1a,2b,3c");
	expect("{% for x in items reversed %}{{ x }}{{ forloop.counter0 }}"
	    "{{ forloop.revcounter }}{{ forloop.revcounter0 }}"
	    "{{ forloop.first|yesno:'F,' }}{% endfor %}", c,
	    "c032Fb121a210");
	expect("{% for x in empty %}x{% empty %}none{% endfor %}", c, "none");
	expect("{% for x in missing %}x{% empty %}none{% endfor %}", c,
	    "none");
	expect("{% for k, v in pairs %}{{ k }}={{ v }};{% endfor %}", c,
	    "x=1;y=2;");
	expect("{% for k,v in user.items %}{{ k }}:{{ v }} {% endfor %}", c,
	    "name:Ada &lt;L&gt; age:36 ");
	expect("{% for a in items %}{% for b in items %}"
	    "{% if forloop.parentloop.counter == forloop.counter %}{{ a }}"
	    "{% endif %}{% endfor %}{% endfor %}", c, "abc");
	expect("{% for ch in s %}{{ ch }}.{% endfor %}", c, "h.e.l.l.o.");
	expect("{% for x in items %}{% endfor %}{{ x }}{{ forloop }}", c, "");
	expect("{% for x in items %}{% cycle 'odd' 'even' %} {% endfor %}",
	    c, "odd even odd ");
	expect("{% for x in n %}x{% empty %}not iterable{% endfor %}", c,
	    "not iterable");
}

static void
test_with_and_misc_tags(void **state)
{
	struct wk_map *c = sample_ctx();
	const char *out;
	char year[8];
	time_t now = time(NULL);
	struct tm tm;

	(void)state;
	expect("{% with a=n b=s|upper %}{{ a }}{{ b }}{% endwith %}{{ a }}", c,
	    "3HELLO");
	expect("{% with s as greeting %}{{ greeting }}{% endwith %}", c,
	    "hello");
	expect("{% with n=s s=n %}{{ n }}{{ s }}{% endwith %}", c, "hello3");
	expect("{% autoescape off %}{{ user.name }}{% endautoescape %}"
	    "{{ user.name }}", c, "Ada <L>Ada &lt;L&gt;");
	expect("{% autoescape off %}{% autoescape on %}{{ user.name }}"
	    "{% endautoescape %}{% endautoescape %}", c, "Ada &lt;L&gt;");
	expect("a{% comment %} {{ x }} {% if %} {% endcomment %}b", c, "ab");
	expect("{% comment \"why\" %}gone{% endcomment %}", c, "");
	expect("{% verbatim %}{{ s }}{% if %}{% endverbatim %}", c,
	    "{{ s }}{% if %}");
	expect("{% verbatim v1 %}{% endverbatim %}{% endverbatim v1 %}", c,
	    "{% endverbatim %}");
	expect("{% spaceless %} <p>\n  <a> x </a>\n</p> {% endspaceless %}",
	    c, "<p><a> x </a></p>");
	expect("{% firstof missing zero s %}", c, "hello");
	expect("{% firstof missing zero %}", c, "");
	expect("{% firstof user.name %}", c, "Ada &lt;L&gt;");
	expect("{% load static %}ok", c, "ok");
	out = render("{% now \"Y\" %}", c);
	gmtime_r(&now, &tm);
	snprintf(year, sizeof(year), "%04d", tm.tm_year + 1900);
	assert_string_equal(out, year);
	expect("{% now \"\\Y\" %}", c, "Y");
}

/* ---- inheritance and include ------------------------------------------------- */

static void
test_extends_and_include(void **state)
{
	struct wk_map *c = sample_ctx();
	struct wk_map *who = wk_map_new(&arena);
	struct wk_template_error err;
	const char *out;

	(void)state;
	wk_map_set(&arena, who, "who", wk_val_str("<Bo>"));
	wk_map_set(&arena, who, "only_me", wk_val_bool(1));
	expect("{% extends \"base.html\" %}ignored{% block content %}child"
	    "{% endblock %}", c, "<title>Site</title><main>child</main>(c)");
	expect("{% extends 'base.html' %}{% block title %}T|"
	    "{{ block.super }}{% endblock %}", c,
	    "<title>T|Site</title><main>base content</main>(c)");
	/* Three levels, super chains, a block only the middle defines. */
	expect("{% extends \"deep.html\" %}{% block inner %}IN+"
	    "{{ block.super }}{% endblock %}{% block footer %}{% endblock %}",
	    c, "<title>Deep|Mid|Site</title><main>mid IN+in</main>");
	expect("{% include \"greet.html\" %}", who, "Hi &lt;Bo&gt;!");
	expect("{% include \"greet.html\" with who=\"you\" %}", who,
	    "Hi you!");
	expect("{% include \"greet.html\" with who=who|upper only %}", who,
	    "Hi &lt;BO&gt;");
	expect("{% include \"nest.html\" %}", who, "[Hi &lt;Bo&gt;!]");
	expect("{% for x in items %}{% include \"greet.html\" with who=x %}"
	    "{% endfor %}", c, "Hi aHi bHi c");
	/* Errors: missing template, a loop, a syntax error inside. */
	out = render_req("{% include \"nope.html\" %}", c, NULL, &err);
	assert_null(out);
	assert_non_null(strstr(err.message, "nope.html"));
	out = render_req("{% include \"loop.html\" %}", c, NULL, &err);
	assert_null(out);
	assert_non_null(strstr(err.message, "longer than"));
	out = render_req("x\n{% include \"broken.html\" %}", c, NULL, &err);
	assert_null(out);
	assert_string_equal(err.message,
	    "broken.html:3:6: unknown filter 'nosuch'");
	out = render_req("{% include \"../etc/passwd\" %}", c, NULL, &err);
	assert_null(out);
	assert_non_null(strstr(err.message, "refusing"));
	out = render_req("{% extends \"nope.html\" %}", c, NULL, &err);
	assert_null(out);
}

/* ---- url, static, csrf_token, custom ----------------------------------------- */

static int
dummy_view(struct wk_request *req, struct wk_response *resp)
{
	(void)req, (void)resp;
	return 0;
}

static const struct wk_route routes[] = {
	{ "", dummy_view, "home", WK_GET, NULL },
	{ "posts/<int:id>/", dummy_view, "post", WK_GET, NULL },
	{ "archive/<int:year>/<slug:slug>/", dummy_view, "archive", WK_GET,
	    NULL },
	WK_ROUTES_END
};

static void
fake_request(struct wk_request *req, struct wk_settings *s)
{
	memset(req, 0, sizeof(*req));
	wk_settings_defaults(s);
	req->arena = &arena;
	req->settings = s;
	req->routes = routes;
	req->script_name = "/cgi-bin/blog.cgi";
}

static int
csrf_hook(struct wk_request *req, wk_buf *out)
{
	(void)req;
	return wk_buf_puts(out, "<input type=\"hidden\" name=\"t\">");
}

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
	*out = wk_val_strn(wk_buf_cstr(&b), b.len);
	return 0;
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
raw_tag(const struct wk_tag_ctx *c, const struct wk_value *args, size_t n,
    struct wk_value *out)
{
	(void)c, (void)args, (void)n;
	*out = wk_val_str("<i>");
	return 0;
}

static void
test_request_tags(void **state)
{
	struct wk_map *c = sample_ctx();
	struct wk_template_error err;
	struct wk_request req;
	struct wk_settings s;
	const char *out;

	(void)state;
	fake_request(&req, &s);
	out = render_req("{% url 'home' %}|{% url \"post\" n %}", c, &req,
	    &err);
	assert_non_null(out);
	assert_string_equal(out, "/cgi-bin/blog.cgi/|/cgi-bin/blog.cgi/posts/3/");
	out = render_req("{% url 'post' 'x<' as u %}[{{ u }}]", c, &req, &err);
	assert_string_equal(out, "[]");
	out = render_req("line1\n  {% url 'nope' %}", c, &req, &err);
	assert_null(out);
	assert_non_null(strstr(err.message, "t.html:2:3: no route named "
	    "'nope'"));
	out = render_req("{% static 'style.css' %} {% static 'x.js' %}", c,
	    &req, &err);
	assert_string_equal(out, "/cgi-bin/blog.cgi/static/style.0badf00d.css "
	    "/cgi-bin/blog.cgi/static/x.js");
	s.static_url = "https://cdn.example/s/";
	out = render_req("{% static 'style.css' %}", c, &req, &err);
	assert_string_equal(out, "https://cdn.example/s/style.0badf00d.css");
	/* Django quotes the path: '?' and '&' do not start a query. */
	out = render_req("{% static 'a b?c&d=%.js' %}", c, &req, &err);
	assert_string_equal(out, "https://cdn.example/s/a%20b%3Fc%26d%3D%25.js");
	/* Named date formats come from the request's settings. */
	s.short_date_format = "d.m.Y";
	out = render_req("{{ '2024-03-05'|date:'SHORT_DATE_FORMAT' }}|"
	    "{{ '2024-03-05'|date:'YEAR_MONTH_FORMAT' }}", c, &req, &err);
	assert_string_equal(out, "05.03.2024|March 2024");
	/* csrf_token: empty until the CSRF module installs its hook. */
	out = render_req("<form>{% csrf_token %}</form>", c, &req, &err);
	assert_string_equal(out, "<form></form>");
	wk_template_set_csrf_hook(csrf_hook);
	out = render_req("<form>{% csrf_token %}</form>", c, &req, &err);
	assert_string_equal(out, "<form><input type=\"hidden\" name=\"t\">"
	    "</form>");
	wk_template_set_csrf_hook(NULL);
}

static void
test_custom(void **state)
{
	struct wk_map *c = sample_ctx();
	struct wk_template_error err;
	struct wk_template *t;

	(void)state;
	/* Before registration the parser refuses the names. */
	assert_int_equal(wk_template_parse(&arena, "c", "{{ s|shout }}", 13, 0,
	    &t, &err), -1);
	assert_string_equal(err.message, "c:1:6: unknown filter 'shout'");
	assert_int_equal(wk_template_parse(&arena, "c", "{% sum 1 %}", 11, 0,
	    &t, &err), -1);
	assert_string_equal(err.message, "c:1:1: unknown tag 'sum'");
	/* Lenient parsing (the build tool) accepts them. */
	assert_int_equal(wk_template_parse(&arena, "c", "{{ s|shout }}", 13,
	    WK_TPL_LENIENT, &t, &err), 0);
	assert_int_equal(wk_template_register_filter("shout", shout,
	    WK_FILTER_KEEP_SAFE), 0);
	assert_int_equal(wk_template_register_filter("shout", shout, 0), -1);
	assert_int_equal(wk_template_register_filter("lower", shout, 0), -1);
	assert_int_equal(wk_template_register_filter("bad name", shout, 0), -1);
	assert_int_equal(wk_template_register_tag("sum", sum_tag), 0);
	assert_int_equal(wk_template_register_tag("raw", raw_tag), 0);
	assert_int_equal(wk_template_register_tag("for", sum_tag), -1);
	assert_int_equal(wk_template_register_tag("sum", sum_tag), -1);
	expect("{{ s|shout }} {{ user.name|shout }} {{ html|shout }}", c,
	    "hello!! Ada &lt;L&gt;!! <b>bold</b>!!");
	expect("{% sum 1 n \"4\" user.age %}", c, "44");
	expect("{% raw %}", c, "&lt;i&gt;");
	assert_int_equal(wk_template_parse(&arena, "c", "{{ s|shout:1 }}", 15,
	    0, &t, &err), -1);
}

/* The registries grow past the old fixed 64 entries, and an entry a
 * parsed template points at stays valid while more are added. */
static void
test_registries_grow(void **state)
{
	static char names[2][150][16];
	struct wk_map *c = sample_ctx();
	struct wk_template_error err;
	struct wk_template *t, *t2;
	wk_buf b;
	size_t k;
	int n;

	(void)state;
	assert_int_equal(wk_template_register_filter("grow0", shout, 0), 0);
	assert_int_equal(wk_template_register_tag("growtag0", raw_tag), 0);
	assert_int_equal(wk_template_parse(&arena, "g", "{{ s|grow0 }}"
	    "{% growtag0 %}", 27, 0, &t, &err), 0);
	for (k = 1; k < 150; k++) {
		n = snprintf(names[0][k], sizeof(names[0][k]), "grow%zu", k);
		assert_true(n > 0 && (size_t)n < sizeof(names[0][k]));
		n = snprintf(names[1][k], sizeof(names[1][k]), "growtag%zu", k);
		assert_true(n > 0 && (size_t)n < sizeof(names[1][k]));
		assert_int_equal(wk_template_register_filter(names[0][k], shout,
		    0), 0);
		assert_int_equal(wk_template_register_tag(names[1][k],
		    sum_tag), 0);
	}
	/* Taken names are still refused, however long the list. */
	assert_int_equal(wk_template_register_filter("grow149", shout, 0), -1);
	assert_int_equal(wk_template_register_tag("growtag77", sum_tag), -1);
	/* The template parsed first still renders through its entries. */
	wk_buf_init(&b, &arena);
	{
		struct wk_render_env env = { &set, NULL, &arena, 0, 0 };

		assert_int_equal(wk_template_render(t, &env, c, &b, &err), 0);
		assert_string_equal(wk_buf_cstr(&b), "hello!!&lt;i&gt;");
	}
	assert_int_equal(wk_template_parse(&arena, "g", "{{ s|grow149 }}"
	    "{% growtag149 2 3 %}", 35, 0, &t2, &err), 0);
	expect("{{ s|grow149 }}{% growtag149 2 3 %}", c, "hello!!5");
}

/* ---- errors carry name:line:col ------------------------------------------------ */

static void
test_errors(void **state)
{
	static const struct { const char *src, *msg; } cases[] = {
		{ "{{ x|nosuch }}", "t.html:1:6: unknown filter 'nosuch'" },
		{ "ok\n\n  {% if %}", "t.html:3:3: 'if' needs a condition" },
		{ "{% for x in y %}", "t.html:1:1: unclosed 'for' tag: no "
		    "'endfor' before the end of the template" },
		{ "a\n{% endfor %}", "t.html:2:1: unexpected 'endfor'" },
		{ "{% if x %}{% endfor %}{% endif %}", "t.html:1:11: "
		    "unexpected 'endfor' inside 'if'; expected 'elif'" },
		{ "{{ }}", "t.html:1:1: empty variable tag" },
		{ "{% %}", "t.html:1:1: empty tag" },
		{ "{% bogus %}", "t.html:1:1: unknown tag 'bogus'" },
		{ "{{ x|default }}", "t.html:1:6: filter 'default' needs an "
		    "argument" },
		{ "{{ x|upper:1 }}", "t.html:1:6: filter 'upper' takes no "
		    "argument" },
		{ "{{ x|date:\"Y }}", "t.html:1:11: unterminated string" },
		{ "{{ _x }}", "t.html:1:4: names may not begin with an "
		    "underscore: '_x'" },
		{ "{{ x..y }}", "t.html:1:6: empty name in 'x..y'" },
		{ "{{ x y }}", "t.html:1:6: unexpected 'y' in 'x y'" },
		{ "{% if a == %}{% endif %}", "t.html:1:11: unexpected end of "
		    "condition" },
		{ "{% if a b %}{% endif %}", "t.html:1:9: unexpected 'b' in "
		    "condition" },
		{ "{% if and %}{% endif %}", "t.html:1:7: unexpected 'and' in "
		    "condition" },
		{ "{% for x of y %}{% endfor %}", "t.html:1:1: 'for' needs "
		    "'for x in y': got 'for x of y'" },
		{ "{% block a %}{% endblock %}{% block a %}{% endblock %}",
		    "t.html:1:28: block 'a' appears more than once" },
		{ "{% block a %}{% endblock b %}", "t.html:1:14: 'endblock b' "
		    "does not close block 'a'" },
		{ "{{ x }}{% extends 'base.html' %}", "t.html:1:8: 'extends' "
		    "must be the first tag" },
		{ "{% autoescape maybe %}", "t.html:1:1: 'autoescape' takes "
		    "'on' or 'off'" },
		{ "{% verbatim %}x", "t.html:1:1: unclosed 'verbatim' tag" },
		{ "{% url %}", "t.html:1:1: 'url' needs a route name" },
		{ "{% url 'a' 1 id=3 %}", "t.html:1:1: 'url' takes positional "
		    "or keyword arguments, not both" },
		{ "{% cycle x %}", "t.html:1:10: named cycle 'x' does not "
		    "exist" },
		{ "{% if x %}{% else %}{% else %}{% endif %}", "t.html:1:21: "
		    "unexpected 'else' inside 'if'; expected 'endif'" },
		{ "{% with %}{% endwith %}", "t.html:1:1: 'with' needs "
		    "name=value" },
		{ "{% include 'a' with %}", "t.html:1:16: expected 'with "
		    "name=value' or 'only' after the template name" },
		{ "{% now Y %}", "t.html:1:1: 'now' takes one quoted format" },
	};
	struct wk_template_error err;
	struct wk_template *t;
	size_t k;

	(void)state;
	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		if (wk_template_parse(&arena, "t.html", cases[k].src,
		    strlen(cases[k].src), 0, &t, &err) == 0)
			fail_msg("'%s' parsed", cases[k].src);
		if (strcmp(err.message, cases[k].msg) != 0)
			fail_msg("'%s'\n  got:  %s\n  want: %s", cases[k].src,
			    err.message, cases[k].msg);
		assert_true(err.line >= 1 && err.col >= 1);
	}
}

/* ---- XSS: hostile data comes out inert ------------------------------------------- */

static void
test_xss_table(void **state)
{
	static const struct { const char *payload, *want; } cases[] = {
		{ "<script>alert(1)</script>",
		    "&lt;script&gt;alert(1)&lt;/script&gt;" },
		{ "\"><svg onload=alert(1)>",
		    "&quot;&gt;&lt;svg onload=alert(1)&gt;" },
		{ "</textarea><script>x</script>",
		    "&lt;/textarea&gt;&lt;script&gt;x&lt;/script&gt;" },
		{ "' onmouseover='x", "&#x27; onmouseover=&#x27;x" },
		{ "&lt;already&gt;", "&amp;lt;already&amp;gt;" },
		{ "{{7*7}}", "{{7*7}}" },
		{ "{% if 1 %}x{% endif %}", "{% if 1 %}x{% endif %}" },
		{ "javascript:alert(1)", "javascript:alert(1)" },
	};
	struct wk_map *c;
	const char *out;
	size_t k;
	char want[512];

	(void)state;
	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		c = wk_map_new(&arena);
		wk_map_set(&arena, c, "x", wk_val_str(cases[k].payload));
		/* Text and attribute contexts. */
		snprintf(want, sizeof(want), "<p title=\"%s\">%s</p>",
		    cases[k].want, cases[k].want);
		expect("<p title=\"{{ x }}\">{{ x }}</p>", c, want);
		/* Markup-building filters escape their input. */
		out = render("{{ x|linebreaksbr }}|{{ x|urlize }}|"
		    "{{ x|join:'' }}|{{ x|striptags }}", c);
		assert_null(strstr(out, "<script"));
		assert_null(strstr(out, "<svg"));
		assert_null(strstr(out, "</textarea"));
		assert_null(strstr(out, "onload=alert(1)>"));
		/* Script contexts. */
		out = render("<script>var s = '{{ x|escapejs }}';</script>"
		    "{{ x|json_script:'d' }}", c);
		assert_null(strstr(out + 8, "<script>alert"));
		assert_null(strstr(out, "</textarea"));
		assert_null(strstr(out, "<svg"));
		assert_non_null(strstr(out, "<script id=\"d\" "
		    "type=\"application/json\">\""));
		/* No quote survives escapejs to end the JS string. */
		{
			const char *a = strstr(out, "= '") + 3;
			const char *b = strstr(a, "';");

			assert_non_null(b);
			assert_null(memchr(a, '\'', (size_t)(b - a)));
		}
	}
	/* A javascript: URL is never made a link by urlize. */
	c = wk_map_new(&arena);
	wk_map_set(&arena, c, "x", wk_val_str("javascript:alert(1) "
	    "http://ok.example/\"onclick=\"x"));
	out = render("{{ x|urlize }}", c);
	assert_null(strstr(out, "href=\"javascript"));
	assert_non_null(strstr(out, "href=\"http://ok.example/%22onclick=%22x\""));
	/* |safe is the explicit way out, and only that. */
	wk_map_set(&arena, c, "x", wk_val_str("<b>"));
	expect("{{ x|safe }}{{ x }}", c, "<b>&lt;b&gt;");
	expect("{{ x|escape }}{{ x|escape|escape }}{{ x|force_escape|safe }}",
	    c, "&lt;b&gt;&lt;b&gt;&lt;b&gt;");
}

/* ---- hostile input: linear time, bounded depth --------------------------------------- */

/* CPU time of this process: steadier than wall time on a busy machine. */
static double
seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Render `{{ x|FILTER }}` with x = n copies of unit; return seconds. */
static double
time_filter(const char *filter, const char *unit, size_t n)
{
	size_t ul = strlen(unit), k;
	char *data = malloc(n * ul + 1), src[128];
	struct wk_map *c = wk_map_new(&arena);
	double t0;

	assert_non_null(data);
	for (k = 0; k < n; k++)
		memcpy(data + k * ul, unit, ul);
	data[n * ul] = '\0';
	wk_map_set(&arena, c, "x", wk_val_str(data));
	snprintf(src, sizeof(src), "{{ x|%s }}", filter);
	t0 = seconds();
	(void)render(src, c);
	t0 = seconds() - t0;
	free(data);
	/* Grown buffers leave their old copies in the arena: start afresh. */
	wk_arena_free(&arena);
	wk_arena_init(&arena);
	return t0;
}

static void
test_pathological_linear(void **state)
{
	static const char *const filters[] = { "urlize", "striptags",
	    "truncatechars:50", "truncatewords:5", "linebreaks", "escapejs",
	    "urlencode", "title", "wordcount", "slugify", "cut:'<'" };
	static const char *const units[] = { "<", "<a", "[(", "{{", "\n",
	    "<<>", "www.", "a@b." };
	size_t f, u;
	double t1, t4;

	(void)state;
	for (f = 0; f < sizeof(filters) / sizeof(filters[0]); f++) {
		for (u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
			t1 = time_filter(filters[f], units[u], 50000);
			t4 = time_filter(filters[f], units[u], 400000);
			/* Linear: 8x the input costs about 8x; quadratic would
			 * be 64x.  The slack absorbs timer and fault noise. */
			if (t4 > 24 * t1 + 0.1)
				fail_msg("%s on '%s': %.3fs for 50k, %.3fs for "
				    "400k", filters[f], units[u], t1, t4);
			assert_true(t4 < 3.0);
		}
		wk_arena_free(&arena);
		wk_arena_init(&arena);
	}
}

static void
test_pathological_parse(void **state)
{
	struct wk_template_error err;
	struct wk_template *t;
	size_t n = 200000, k;
	char *src = malloc(n * 8 + 64);
	double t0;

	(void)state;
	assert_non_null(src);
	/* Nesting beyond the limit is an error, not a stack overflow. */
	src[0] = '\0';
	for (k = 0; k < 5000; k++)
		memcpy(src + k * 10, "{% if x %}", 10);
	src[50000] = '\0';
	assert_int_equal(wk_template_parse(&arena, "n", src, strlen(src), 0,
	    &t, &err), -1);
	assert_non_null(strstr(err.message, "nested too deeply"));
	/* 'not not not ... x' */
	k = (size_t)snprintf(src, 16, "{%% if ");
	while (k < 20000) {
		memcpy(src + k, "not ", 4);
		k += 4;
	}
	memcpy(src + k, "x %}{% endif %}", 16);
	assert_int_equal(wk_template_parse(&arena, "n", src, strlen(src), 0,
	    &t, &err), -1);
	/* Verbatim over "{%{%{%..." with no end: linear, then an error. */
	memcpy(src, "{% verbatim %}", 14);
	for (k = 14; k < n * 2; k += 2)
		memcpy(src + k, "{%", 2);
	memcpy(src + k, "%}", 3);
	t0 = seconds();
	assert_int_equal(wk_template_parse(&arena, "v", src, strlen(src), 0,
	    &t, &err), -1);
	assert_true(seconds() - t0 < 1.0);
	/* 200k of "{" and "{x}" text: fine, and quick. */
	for (k = 0; k < n; k++)
		src[k] = k % 3 ? '{' : 'x';
	src[n] = '\0';
	t0 = seconds();
	assert_int_equal(wk_template_parse(&arena, "b", src, n, 0, &t, &err),
	    0);  /* "{{" with no "}}" is text, as in Django */
	/* One line of "{{{%{#" openers and a closer far away on the next
	 * line: each opener looks for its closer once, not to the end. */
	for (k = 0; k + 1 < n; k++)
		src[k] = "{{%#"[k % 4];
	src[n - 2] = '\n';
	memcpy(src + n - 1, "}}", 3);
	assert_int_equal(wk_template_parse(&arena, "b", src, n + 1, 0, &t,
	    &err), 0);
	for (k = 0; k < n; k++)
		src[k] = k % 2 ? '{' : 'x';
	assert_int_equal(wk_template_parse(&arena, "b", src, n, 0, &t, &err),
	    0);
	assert_true(seconds() - t0 < 1.0);
	free(src);
}

/* ---- Django's tag tests (syntax_tests/test_*.py) ------------------------------------ */

/*
 * A context written as Django's tests write theirs, so the tables below
 * read like the Python they come from: "a=50 b='x y' n=None
 * xs=[1,'a',[2,3]] d=[{foo:'c',bar:1}] r=inf".
 */
static struct wk_value ctx_value(const char **s);

static void
ctx_skip(const char **s)
{
	while (**s == ' ' || **s == ',')
		(*s)++;
}

static struct wk_value
ctx_value(const char **s)
{
	const char *p = *s, *q;
	struct wk_list *l;
	struct wk_map *m;
	char *e;

	if (*p == '\'') {
		q = strchr(p + 1, '\'');
		assert_non_null(q);
		*s = q + 1;
		return wk_val_strn(wk_arena_strndup(&arena, p + 1,
		    (size_t)(q - p - 1)), (size_t)(q - p - 1));
	}
	if (*p == '[') {
		l = wk_list_new(&arena);
		for (*s = p + 1, ctx_skip(s); **s != ']'; ctx_skip(s))
			assert_int_equal(wk_list_push(&arena, l, ctx_value(s)),
			    0);
		(*s)++;
		return wk_val_list(l);
	}
	if (*p == '{') {
		m = wk_map_new(&arena);
		for (*s = p + 1, ctx_skip(s); **s != '}'; ctx_skip(s)) {
			q = strchr(*s, ':');
			assert_non_null(q);
			e = wk_arena_strndup(&arena, *s, (size_t)(q - *s));
			*s = q + 1;
			assert_int_equal(wk_map_set(&arena, m, e, ctx_value(s)),
			    0);
		}
		(*s)++;
		return wk_val_map(m);
	}
	if (strncmp(p, "None", 4) == 0 || strncmp(p, "True", 4) == 0) {
		*s = p + 4;
		return *p == 'N' ? wk_val_null() : wk_val_bool(1);
	}
	if (strncmp(p, "inf", 3) == 0) {
		*s = p + 3;
		return wk_val_real(1.0 / 0.0);
	}
	q = p + strspn(p, "-0123456789");
	if (*q == '.') {
		double d = strtod(p, &e);

		*s = e;
		return wk_val_real(d);
	}
	{
		long long i = strtoll(p, &e, 10);

		assert_true(e > p);
		*s = e;
		return wk_val_int(i);
	}
}

static struct wk_map *
ctx_parse(const char *spec)
{
	struct wk_map *m = wk_map_new(&arena);
	const char *s = spec, *eq;
	char *name;

	while (*s != '\0') {
		ctx_skip(&s);
		if (*s == '\0')
			break;
		eq = strchr(s, '=');
		assert_non_null(eq);
		name = wk_arena_strndup(&arena, s, (size_t)(eq - s));
		s = eq + 1;
		assert_int_equal(wk_map_set(&arena, m, name, ctx_value(&s)), 0);
	}
	return m;
}

#define LOREM_P "Lorem ipsum dolor sit amet, consectetur adipisicing " \
	"elit, sed do eiusmod tempor incididunt ut labore et dolore magna " \
	"aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco " \
	"laboris nisi ut aliquip ex ea commodo consequat. Duis aute irure " \
	"dolor in reprehenderit in voluptate velit esse cillum dolore eu " \
	"fugiat nulla pariatur. Excepteur sint occaecat cupidatat non " \
	"proident, sunt in culpa qui officia deserunt mollit anim id est " \
	"laborum."

#define REGROUP_DATA "data=[{foo:'c',bar:1},{foo:'d',bar:1},{foo:'a',bar:2}," \
	"{foo:'b',bar:2},{foo:'x',bar:3}]"
#define REGROUP_LOOP "{% for group in grouped %}{{ group.grouper }}:" \
	"{% for item in group.list %}{{ item.foo }}{% endfor %},{% endfor %}"

/* Each with Django's test name; the context as Django's test gives it. */
static const struct { const char *name, *src, *ctx, *want; } django_ok[] = {
	/* test_cycle.py */
	{ "cycle10", "{% cycle 'a' 'b' 'c' as abc %}{% cycle abc %}", "", "ab" },
	{ "cycle11", "{% cycle 'a' 'b' 'c' as abc %}{% cycle abc %}"
	    "{% cycle abc %}", "", "abc" },
	{ "cycle12", "{% cycle 'a' 'b' 'c' as abc %}{% cycle abc %}"
	    "{% cycle abc %}{% cycle abc %}", "", "abca" },
	{ "cycle13", "{% for i in test %}{% cycle 'a' 'b' %}{{ i }},{% endfor %}",
	    "test=[0,1,2,3,4]", "a0,b1,a2,b3,a4," },
	{ "cycle14", "{% cycle one two as foo %}{% cycle foo %}",
	    "one='1' two='2'", "12" },
	{ "cycle15", "{% for i in test %}{% cycle aye bee %}{{ i }},{% endfor %}",
	    "test=[0,1,2,3,4] aye='a' bee='b'", "a0,b1,a2,b3,a4," },
	{ "cycle16", "{% cycle one|lower two as foo %}{% cycle foo %}",
	    "one='A' two='2'", "a2" },
	{ "cycle17", "{% cycle 'a' 'b' 'c' as abc silent %}{% cycle abc %}"
	    "{% cycle abc %}{% cycle abc %}{% cycle abc %}", "", "" },
	{ "cycle19", "{% cycle 'a' 'b' as silent %}{% cycle silent %}", "",
	    "ab" },
	{ "cycle20", "{% cycle one two as foo %} &amp; {% cycle foo %}",
	    "two='C & D' one='A & B'", "A &amp; B &amp; C &amp; D" },
	{ "cycle21", "{% filter force_escape %}{% cycle one two as foo %} & "
	    "{% cycle foo %}{% endfilter %}", "two='C & D' one='A & B'",
	    "A &amp;amp; B &amp; C &amp;amp; D" },
	{ "cycle22", "{% for x in values %}{% cycle 'a' 'b' 'c' as abc silent %}"
	    "{{ x }}{% endfor %}", "values=[1,2,3,4]", "1234" },
	{ "cycle23", "{% for x in values %}{% cycle 'a' 'b' 'c' as abc silent %}"
	    "{{ abc }}{{ x }}{% endfor %}", "values=[1,2,3,4]", "a1b2c3a4" },
	{ "cycle24", "{% for x in values %}{% cycle 'a' 'b' 'c' as abc silent %}"
	    "{% include 'included-cycle' %}{% endfor %}", "values=[1,2,3,4]",
	    "abca" },
	{ "cycle25", "{% cycle a as abc %}", "a='<'", "&lt;" },
	{ "cycle26", "{% cycle a b as ab %}{% cycle ab %}", "a='<' b='>'",
	    "&lt;&gt;" },
	{ "cycle27", "{% autoescape off %}{% cycle a b as ab %}{% cycle ab %}"
	    "{% endautoescape %}", "a='<' b='>'", "<>" },
	{ "cycle28", "{% cycle a|safe b as ab %}{% cycle ab %}", "a='<' b='>'",
	    "<&gt;" },
	{ "cycle29", "{% cycle 'a' 'b' 'c' as cycler silent %}"
	    "{% for x in values %}{% ifchanged x %}{% cycle cycler %}"
	    "{% endifchanged %}{{ cycler }}{% endfor %}",
	    "values=[1,2,3,4,5,6,7,8,8,8,9,9]", "bcabcabcccaa" },
	/* test_resetcycle.py */
	{ "resetcycle05", "{% for i in test %}{% cycle 'a' 'b' %}"
	    "{% resetcycle %}{% endfor %}", "test=[0,1,2,3,4]", "aaaaa" },
	{ "resetcycle06", "{% cycle 'a' 'b' 'c' as abc %}{% for i in test %}"
	    "{% cycle abc %}{% cycle '-' '+' %}{% resetcycle %}{% endfor %}",
	    "test=[0,1,2,3,4]", "ab-c-a-b-c-" },
	{ "resetcycle07", "{% cycle 'a' 'b' 'c' as abc %}{% for i in test %}"
	    "{% resetcycle abc %}{% cycle abc %}{% cycle '-' '+' %}{% endfor %}",
	    "test=[0,1,2,3,4]", "aa-a+a-a+a-" },
	{ "resetcycle08", "{% for i in outer %}{% for j in inner %}"
	    "{% cycle 'a' 'b' %}{% endfor %}{% resetcycle %}{% endfor %}",
	    "outer=[0,1] inner=[0,1,2]", "abaaba" },
	{ "resetcycle09", "{% for i in outer %}{% cycle 'a' 'b' %}"
	    "{% for j in inner %}{% cycle 'X' 'Y' %}{% endfor %}"
	    "{% resetcycle %}{% endfor %}", "outer=[0,1] inner=[0,1,2]",
	    "aXYXbXYX" },
	{ "resetcycle10", "{% for i in test %}{% cycle 'X' 'Y' 'Z' as XYZ %}"
	    "{% cycle 'a' 'b' 'c' as abc %}{% if i == 1 %}{% resetcycle abc %}"
	    "{% endif %}{% endfor %}", "test=[0,1,2,3,4]", "XaYbZaXbYc" },
	{ "resetcycle11", "{% for i in test %}{% cycle 'X' 'Y' 'Z' as XYZ %}"
	    "{% cycle 'a' 'b' 'c' as abc %}{% if i == 1 %}{% resetcycle XYZ %}"
	    "{% endif %}{% endfor %}", "test=[0,1,2,3,4]", "XaYbXcYaZb" },
	/* test_if_changed.py */
	{ "ifchanged01", "{% for n in num %}{% ifchanged %}{{ n }}"
	    "{% endifchanged %}{% endfor %}", "num=[1,2,3]", "123" },
	{ "ifchanged02", "{% for n in num %}{% ifchanged %}{{ n }}"
	    "{% endifchanged %}{% endfor %}", "num=[1,1,3]", "13" },
	{ "ifchanged03", "{% for n in num %}{% ifchanged %}{{ n }}"
	    "{% endifchanged %}{% endfor %}", "num=[1,1,1]", "1" },
	{ "ifchanged04", "{% for n in num %}{% ifchanged %}{{ n }}"
	    "{% endifchanged %}{% for x in numx %}{% ifchanged %}{{ x }}"
	    "{% endifchanged %}{% endfor %}{% endfor %}",
	    "num=[1,2,3] numx=[2,2,2]", "122232" },
	{ "ifchanged05", "{% for n in num %}{% ifchanged %}{{ n }}"
	    "{% endifchanged %}{% for x in numx %}{% ifchanged %}{{ x }}"
	    "{% endifchanged %}{% endfor %}{% endfor %}",
	    "num=[1,1,1] numx=[1,2,3]", "1123123123" },
	{ "ifchanged06", "{% for n in num %}{% ifchanged %}{{ n }}"
	    "{% endifchanged %}{% for x in numx %}{% ifchanged %}{{ x }}"
	    "{% endifchanged %}{% endfor %}{% endfor %}",
	    "num=[1,1,1] numx=[2,2,2]", "1222" },
	{ "ifchanged07", "{% for n in num %}{% ifchanged %}{{ n }}"
	    "{% endifchanged %}{% for x in numx %}{% ifchanged %}{{ x }}"
	    "{% endifchanged %}{% for y in numy %}{% ifchanged %}{{ y }}"
	    "{% endifchanged %}{% endfor %}{% endfor %}{% endfor %}",
	    "num=[1,1,1] numx=[2,2,2] numy=[3,3,3]", "1233323332333" },
	{ "ifchanged08", "{% for data in datalist %}{% for c,d in data %}"
	    "{% if c %}{% ifchanged %}{{ d }}{% endifchanged %}{% endif %}"
	    "{% endfor %}{% endfor %}", "datalist=[[[1,'a'],[1,'a'],[0,'b'],"
	    "[1,'c']],[[0,'a'],[1,'c'],[1,'d'],[1,'d'],[0,'e']]]", "accd" },
	{ "ifchanged-param01", "{% for n in num %}{% ifchanged n %}.."
	    "{% endifchanged %}{{ n }}{% endfor %}", "num=[1,2,3]",
	    "..1..2..3" },
	{ "ifchanged-param02", "{% for n in num %}{% for x in numx %}"
	    "{% ifchanged n %}..{% endifchanged %}{{ x }}{% endfor %}"
	    "{% endfor %}", "num=[1,2,3] numx=[5,6,7]", "..567..567..567" },
	{ "ifchanged-param03", "{% for n in num %}{{ n }}{% for x in numx %}"
	    "{% ifchanged x n %}{{ x }}{% endifchanged %}{% endfor %}"
	    "{% endfor %}", "num=[1,1,2] numx=[5,6,6]", "156156256" },
	{ "ifchanged-param04", "{% for d in days %}{% ifchanged %}{{ d.day }}"
	    "{% endifchanged %}{% for h in d.hours %}{% ifchanged d h %}{{ h }}"
	    "{% endifchanged %}{% endfor %}{% endfor %}",
	    "days=[{hours:[1,2,3],day:1},{hours:[3],day:2}]", "112323" },
	{ "ifchanged-param05", "{% for d in days %}{% ifchanged d.day %}"
	    "{{ d.day }}{% endifchanged %}{% for h in d.hours %}"
	    "{% ifchanged d.day h %}{{ h }}{% endifchanged %}{% endfor %}"
	    "{% endfor %}", "days=[{hours:[1,2,3],day:1},{hours:[3],day:2}]",
	    "112323" },
	{ "ifchanged-else01", "{% for id in ids %}{{ id }}{% ifchanged id %}"
	    "-first{% else %}-other{% endifchanged %},{% endfor %}",
	    "ids=[1,1,2,2,2,3]", "1-first,1-other,2-first,2-other,2-other,"
	    "3-first," },
	{ "ifchanged-else02", "{% for id in ids %}{{ id }}-{% ifchanged id %}"
	    "{% cycle \"red\" \"blue\" %}{% else %}grey{% endifchanged %},"
	    "{% endfor %}", "ids=[1,1,2,2,2,3]",
	    "1-red,1-grey,2-blue,2-grey,2-grey,3-red," },
	{ "ifchanged-else03", "{% for id in ids %}{{ id }}{% ifchanged id %}-"
	    "{% cycle \"red\" \"blue\" %}{% else %}{% endifchanged %},"
	    "{% endfor %}", "ids=[1,1,2,2,2,3]", "1-red,1,2-blue,2,2,3-red," },
	{ "ifchanged-else04", "{% for id in ids %}{% ifchanged %}***{{ id }}*"
	    "{% else %}...{% endifchanged %}{{ forloop.counter }}{% endfor %}",
	    "ids=[1,1,2,2,2,3,4]", "***1*1...2***2*3...4...5***3*6***4*7" },
	{ "ifchanged outside a loop", "{% ifchanged %}a{% endifchanged %}"
	    "{% ifchanged x %}b{% endifchanged %}", "x=1", "ab" },
	/* test_width_ratio.py */
	{ "widthratio01", "{% widthratio a b 0 %}", "a=50 b=100", "0" },
	{ "widthratio02", "{% widthratio a b 100 %}", "a=0 b=0", "0" },
	{ "widthratio03", "{% widthratio a b 100 %}", "a=0 b=100", "0" },
	{ "widthratio04", "{% widthratio a b 100 %}", "a=50 b=100", "50" },
	{ "widthratio05", "{% widthratio a b 100 %}", "a=100 b=100", "100" },
	{ "widthratio06", "{% widthratio a b 100 %}", "a=50 b=80", "62" },
	{ "widthratio07", "{% widthratio a b 100 %}", "a=50 b=70", "71" },
	{ "widthratio10", "{% widthratio a b 100.0 %}", "a=50 b=100", "50" },
	{ "widthratio11", "{% widthratio a b c %}", "a=50 c=100 b=100", "50" },
	{ "widthratio12a", "{% widthratio a b c %}", "a='a' c=100 b=100", "" },
	{ "widthratio12b", "{% widthratio a b c %}", "a=None c=100 b=100", "" },
	{ "widthratio13a", "{% widthratio a b c %}", "a=0 c=100 b='b'", "" },
	{ "widthratio13b", "{% widthratio a b c %}", "a=0 c=100 b=None", "" },
	{ "widthratio15", "{% widthratio a|default:\"x y\" b 0 %}",
	    "a=50 b=100", "0" },
	{ "widthratio16", "{% widthratio a b 100 as variable %}-{{ variable }}-",
	    "a=50 b=100", "-50-" },
	{ "widthratio17", "{% widthratio a b 100 as variable %}-{{ variable }}-",
	    "a=100 b=100", "-100-" },
	{ "widthratio20", "{% widthratio a b 100 %}", "a=inf b=inf", "" },
	{ "widthratio21", "{% widthratio a b 100 %}", "a=inf b=2", "" },
	{ "zerodivisionerror_as_var", "{% widthratio a b 100 as variable %}"
	    "-{{ variable }}-", "a=0 b=0", "-0-" },
	{ "typeerror_as_var", "{% widthratio a b c as variable %}"
	    "-{{ variable }}-", "a='a' c=100 b=100", "--" },
	{ "widthratio of numeric text", "{% widthratio a b c %}",
	    "a='3' b='4.0' c='10'", "8" },
	/* test_template_tag.py */
	{ "templatetag01", "{% templatetag openblock %}", "", "{%" },
	{ "templatetag02", "{% templatetag closeblock %}", "", "%}" },
	{ "templatetag03", "{% templatetag openvariable %}", "", "{{" },
	{ "templatetag04", "{% templatetag closevariable %}", "", "}}" },
	{ "templatetag07", "{% templatetag openbrace %}", "", "{" },
	{ "templatetag08", "{% templatetag closebrace %}", "", "}" },
	{ "templatetag09", "{% templatetag openbrace %}"
	    "{% templatetag openbrace %}", "", "{{" },
	{ "templatetag10", "{% templatetag closebrace %}"
	    "{% templatetag closebrace %}", "", "}}" },
	{ "templatetag11", "{% templatetag opencomment %}", "", "{#" },
	{ "templatetag12", "{% templatetag closecomment %}", "", "#}" },
	/* test_regroup.py */
	{ "regroup01", "{% regroup data by bar as grouped %}" REGROUP_LOOP,
	    REGROUP_DATA, "1:cd,2:ab,3:x," },
	{ "regroup02", "{% regroup data by bar as grouped %}" REGROUP_LOOP, "",
	    "" },
	{ "regroup03", "{% regroup data by at|date:\"m\" as grouped %}"
	    REGROUP_LOOP, "data=[{foo:14,at:'2012-02-01'},{foo:28,"
	    "at:'2012-02-03'},{foo:4,at:'2012-07-01'}]", "02:1428,07:4," },
	{ "regroup04", "{% regroup data by bar|join:\"\" as grouped %}"
	    REGROUP_LOOP, "data=[{foo:'x',bar:['ab','c']},{foo:'y',"
	    "bar:['a','bc']},{foo:'z',bar:['a','d']}]", "abc:xy,ad:z," },
	{ "regroup_unpack", "{% regroup data by bar as grouped %}"
	    "{% for grouper, group in grouped %}{{ grouper }}:"
	    "{% for item in group %}{{ item.foo }}{% endfor %},{% endfor %}",
	    REGROUP_DATA, "1:cd,2:ab,3:x," },
	/* test_filter_tag.py */
	{ "filter01", "{% filter upper %}{% endfilter %}", "", "" },
	{ "filter02", "{% filter upper %}django{% endfilter %}", "", "DJANGO" },
	{ "filter03", "{% filter upper|lower %}django{% endfilter %}", "",
	    "django" },
	{ "filter04", "{% filter cut:remove %}djangospam{% endfilter %}",
	    "remove='spam'", "django" },
	{ "filter over markup", "{% filter lower %}<B>{{ x }}</B>{% endfilter %}",
	    "x='<I>'", "<b>&lt;i&gt;</b>" },
	/* test_lorem.py */
	{ "lorem1", "{% lorem 3 w %}", "", "lorem ipsum dolor" },
	{ "lorem_default", "{% lorem %}", "", LOREM_P },
	{ "lorem_incorrect_count", "{% lorem two p %}", "",
	    "<p>" LOREM_P "</p>" },
	{ "lorem 0 and -1", "[{% lorem 0 w %}][{% lorem -17 w %}]"
	    "[{% lorem 0 p %}]", "", "[][lorem ipsum][]" },
	/* test_firstof.py */
	{ "firstof01", "{% firstof a b c %}", "a=0 c=0 b=0", "" },
	{ "firstof02", "{% firstof a b c %}", "a=1 c=0 b=0", "1" },
	{ "firstof03", "{% firstof a b c %}", "a=0 c=0 b=2", "2" },
	{ "firstof04", "{% firstof a b c %}", "a=0 c=3 b=0", "3" },
	{ "firstof05", "{% firstof a b c %}", "a=1 c=3 b=2", "1" },
	{ "firstof06", "{% firstof a b c %}", "c=3 b=0", "3" },
	{ "firstof07", "{% firstof a b \"c\" %}", "a=0", "c" },
	{ "firstof08", "{% firstof a b \"c and d\" %}", "a=0 b=0", "c and d" },
	{ "firstof10", "{% firstof a %}", "a='<'", "&lt;" },
	{ "firstof11", "{% firstof a b %}", "a='<' b='>'", "&lt;" },
	{ "firstof12", "{% firstof a b %}", "a='' b='>'", "&gt;" },
	{ "firstof13", "{% autoescape off %}{% firstof a %}{% endautoescape %}",
	    "a='<'", "<" },
	{ "firstof14", "{% firstof a|safe b %}", "a='<'", "<" },
	{ "firstof15", "{% firstof a b c as myvar %}[{{ myvar }}]",
	    "a=0 b='second' c='third'", "[second]" },
	{ "firstof16", "{% firstof a b c as myvar %}[{{ myvar }}]",
	    "a=0 b=0 c='<'", "[&lt;]" },
	/* test_load.py: Django's own libraries load nothing */
	{ "load builtin", "{% load static %}{% load i18n l10n tz cache %}"
	    "{% load static from static %}x", "", "x" },
	/* test_basic.py / the lexer: what only looks like a tag is text */
	{ "basic-syntax moo", "a {{ moo %} b", "", "a {{ moo %} b" },
	{ "basic-syntax newline", "{{ moo\n }}", "moo='x'", "{{ moo\n }}" },
	{ "tag over two lines", "{% if x\n %}y{% endif", "x=1",
	    "{% if x\n %}y{% endif" },
	{ "comment over two lines", "{# a\nb #}c", "", "{# a\nb #}c" },
	{ "brace runs", "{ {{ x }} }{{", "x=1", "{ 1 }{{" },
	/* test_for.py */
	{ "for-tag-unpack01", "{% for key,value in items %}{{ key }}:{{ value }}/"
	    "{% endfor %}", "items=[['one',1],['two',2]]", "one:1/two:2/" },
	{ "for-tag-unpack04", "{% for key , value in items %}{{ key }}:"
	    "{{ value }}/{% endfor %}", "items=[['one',1],['two',2]]",
	    "one:1/two:2/" },
	{ "for-tag-unpack05", "{% for key ,value in items %}{{ key }}:"
	    "{{ value }}/{% endfor %}", "items=[['one',1],['two',2]]",
	    "one:1/two:2/" },
	{ "for-tag-unpack-strs", "{% for x,y in items %}{{ x }}:{{ y }}/"
	    "{% endfor %}", "items=['ab','ac']", "a:b/a:c/" },
	/* test_include.py, test_basic.py, test_if.py, test_now.py */
	{ "include11", "{% include 'greet.html' only with who='x' %}",
	    "only_me=1 who='y'", "Hi x" },
	{ "basic-syntax30", "{{ 1.2.3 }}", "1={2:{3:'d'}}", "d" },
	{ "if-tag-badarg03", "{% if x|default_if_none:y %}yes{% endif %}",
	    "y=1", "yes" },
	{ "if-tag-badarg04", "{% if x|default_if_none:y %}yes{% else %}no"
	    "{% endif %}", "", "no" },
	{ "now07", "{% now 'Y' as N %}-{{ N|length }}-", "", "-4-" },
	/* test_extends.py: block.super in the root of a chain is empty */
	{ "block.super at the root", "{% extends 'base.html' %}"
	    "{% block title %}[{{ block.super }}]{% endblock %}", "",
	    "<title>[Site]</title><main>base content</main>(c)" },
};

/* Templates Django refuses (at parse or render); part of the message. */
static const struct { const char *name, *src, *ctx, *msg; } django_bad[] = {
	{ "cycle01", "{% cycle a %}", "", "named cycle 'a' does not exist" },
	{ "cycle05", "{% cycle %}", "", "requires at least two arguments" },
	{ "cycle07", "{% cycle a,b,c as foo %}{% cycle bar %}", "",
	    "unexpected ',b,c' in 'a,b,c'" },
	{ "cycle18", "{% cycle 'a' 'b' 'c' as foo invalid_flag %}", "",
	    "only 'silent' is allowed after cycle's name, not 'invalid_flag'" },
	{ "cycle_undefined", "{% cycle undefined %}", "",
	    "named cycle 'undefined' does not exist" },
	{ "resetcycle01", "{% resetcycle %}", "", "no cycles in template" },
	{ "resetcycle02", "{% resetcycle undefinedcycle %}", "",
	    "named cycle 'undefinedcycle' does not exist" },
	{ "resetcycle03", "{% cycle 'a' 'b' %}{% resetcycle undefinedcycle %}",
	    "", "named cycle 'undefinedcycle' does not exist" },
	{ "resetcycle04", "{% cycle 'a' 'b' as ab %}"
	    "{% resetcycle undefinedcycle %}", "",
	    "named cycle 'undefinedcycle' does not exist" },
	{ "ifchanged unclosed", "{% ifchanged %}x", "",
	    "no 'endifchanged' before the end" },
	{ "widthratio08", "{% widthratio %}", "", "takes three values" },
	{ "widthratio09", "{% widthratio a b %}", "a=50 b=100",
	    "takes three values" },
	{ "widthratio14a", "{% widthratio a b c %}", "a=0 c='c' b=100",
	    "widthratio final argument must be a number" },
	{ "widthratio14b", "{% widthratio a b c %}", "a=0 c=None b=100",
	    "widthratio final argument must be a number" },
	{ "widthratio missing width", "{% widthratio a b c %}", "a=0 b=100",
	    "widthratio final argument must be a number" },
	{ "widthratio18", "{% widthratio a b 100 as %}", "",
	    "takes three values" },
	{ "widthratio19", "{% widthratio a b 100 not_as variable %}", "",
	    "expects 'as' before the name" },
	{ "templatetag05", "{% templatetag %}", "", "'templatetag' takes one" },
	{ "templatetag06", "{% templatetag foo %}", "", "'templatetag' takes" },
	{ "regroup05", "{% regroup data by bar as %}", "",
	    "'regroup' takes five arguments" },
	{ "regroup06", "{% regroup data by bar thisaintright grouped %}", "",
	    "next-to-last argument to 'regroup' must be 'as'" },
	{ "regroup07", "{% regroup data thisaintright bar as grouped %}", "",
	    "second argument to 'regroup' must be 'by'" },
	{ "regroup08", "{% regroup data by bar as grouped toomanyargs %}", "",
	    "'regroup' takes five arguments" },
	{ "filter05", "{% filter safe %}fail{% endfilter %}", "",
	    "\"filter safe\" is not permitted" },
	{ "filter05bis", "{% filter upper|safe %}fail{% endfilter %}", "",
	    "\"filter safe\" is not permitted" },
	{ "filter06", "{% filter escape %}fail{% endfilter %}", "",
	    "\"filter escape\" is not permitted" },
	{ "filter06bis", "{% filter upper|escape %}fail{% endfilter %}", "",
	    "\"filter escape\" is not permitted" },
	{ "filter unknown", "{% filter nosuch %}x{% endfilter %}", "",
	    "unknown filter 'nosuch'" },
	{ "lorem_syntax_error", "{% lorem 1 2 3 4 %}", "",
	    "incorrect format for 'lorem'" },
	{ "firstof09", "{% firstof %}", "", "'firstof' needs at least one" },
	{ "firstof as only", "{% firstof as x %}", "",
	    "'firstof' needs at least one" },
	{ "load07", "{% load echo other_echo bad_tag from testtags %}", "",
	    "'testtags' is not a tag library Wick has" },
	{ "load08", "{% load echo other_echo bad_tag from %}", "",
	    "'load ... from' needs a library" },
	{ "load09", "{% load from testtags %}", "",
	    "'load ... from' needs names" },
	{ "load10", "{% load echo from bad_library %}", "",
	    "'bad_library' is not a tag library Wick has" },
	{ "load12", "{% load subpackage.missing %}", "",
	    "'subpackage.missing' is not a tag library Wick has" },
	{ "load typo", "{% load statc %}", "", "'statc' is not a tag library" },
	{ "cache", "{% load cache %}{% cache 500 sidebar %}x{% endcache %}", "",
	    "t.html:1:17: the cache tag needs Wick's cache, not available yet" },
	{ "debug args", "{% debug x %}", "", "'debug' takes no arguments" },
	{ "for-tag-unpack06", "{% for key value in items %}{% endfor %}", "",
	    "'for' tag received an invalid argument: for key value in items" },
	{ "for-tag-unpack07", "{% for key,,value in items %}{% endfor %}", "",
	    "'for' tag received an invalid argument: for key,,value in items" },
	{ "for-tag-unpack08", "{% for key,value, in items %}{% endfor %}", "",
	    "'for' tag received an invalid argument: for key,value, in items" },
	{ "unpack_double_quote", "{% for \"k\" in items %}{% endfor %}", "",
	    "'for' tag received an invalid argument: for \"k\" in items" },
	{ "unpack_vertical_bar", "{% for k|upper in items %}{% endfor %}", "",
	    "'for' tag received an invalid argument: for k|upper in items" },
	{ "for-tag-unpack10", "{% for x,y in items %}{{ x }}{% endfor %}",
	    "items=[['one',1,'carrot'],['two',2,'orange']]",
	    "Need 2 values to unpack in for loop; got 3." },
	{ "for-tag-unpack11", "{% for x,y,z in items %}{{ x }}{% endfor %}",
	    "items=[['one',1],['two',2]]",
	    "Need 3 values to unpack in for loop; got 2." },
	{ "for-tag-unpack14", "{% for x,y in items %}{{ x }}{% endfor %}",
	    "items=[1,2]", "cannot unpack" },
	{ "brace first", "{{{ x }}}", "", "unexpected '{'" },
	{ "block.super in a base", "{% block a %}{{ block.super }}{% endblock %}",
	    "", "{{ block.super }} used in a template that does not extend" },
	{ "url mixed", "{% url 'archive' 2024 slug='x' %}", "",
	    "'url' takes positional or keyword arguments, not both" },
	{ "url twice", "{% url 'archive' year=1 year=2 %}", "",
	    "'url' got 'year' twice" },
	{ "querystring positional", "{% querystring d %}", "",
	    "'querystring' takes key=value arguments only" },
	{ "prefix args", "{% get_static_prefix x %}", "",
	    "'get_static_prefix' takes nothing or 'as name'" },
};

static void
test_django_tags(void **state)
{
	static const struct wk_template_file cyc[] = {
		{ "included-cycle", "{{ abc }}", 9 },
	};
	struct wk_template_set cset = { "cyc", cyc, 1, NULL, 0, NULL };
	struct wk_template_error err;
	struct wk_render_env env = { &cset, NULL, &arena, 0, 0 };
	struct wk_template *t;
	const char *got;
	size_t k;
	wk_buf b;

	(void)state;
	for (k = 0; k < sizeof(django_ok) / sizeof(django_ok[0]); k++) {
		env.set = strncmp(django_ok[k].name, "cycle24", 7) == 0 ?
		    &cset : &set;
		if (wk_template_parse(&arena, "t.html", django_ok[k].src,
		    strlen(django_ok[k].src), 0, &t, &err) != 0)
			fail_msg("%s: %s", django_ok[k].name, err.message);
		wk_buf_init(&b, &arena);
		if (wk_template_render(t, &env, ctx_parse(django_ok[k].ctx), &b,
		    &err) != 0)
			fail_msg("%s: %s", django_ok[k].name, err.message);
		got = wk_buf_cstr(&b);
		if (strcmp(got, django_ok[k].want) != 0)
			fail_msg("%s: '%s'\n  got:  '%s'\n  want: '%s'",
			    django_ok[k].name, django_ok[k].src, got,
			    django_ok[k].want);
	}
	wk_template_cache_clear();
	for (k = 0; k < sizeof(django_bad) / sizeof(django_bad[0]); k++) {
		got = render_req(django_bad[k].src, ctx_parse(django_bad[k].ctx),
		    NULL, &err);
		if (got != NULL)
			fail_msg("%s: '%s' rendered '%s'", django_bad[k].name,
			    django_bad[k].src, got);
		if (strstr(err.message, django_bad[k].msg) == NULL)
			fail_msg("%s: '%s'\n  got:  %s\n  want: ...%s...",
			    django_bad[k].name, django_bad[k].src, err.message,
			    django_bad[k].msg);
	}
}

/* Count the words of s (runs of letters). */
static size_t
count_words(const char *s)
{
	size_t n = 0;
	int in = 0;

	for (; *s != '\0'; s++) {
		int letter = (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z');

		n += letter && !in;
		in = letter;
	}
	return n;
}

static void
test_lorem_random_and_limits(void **state)
{
	struct wk_template_error err;
	struct wk_template *t;
	struct wk_render_env env = { &set, NULL, &arena, 0, 1000 };
	const char *out;
	wk_buf b;

	(void)state;
	/* lorem_random: three words, not (necessarily) the common ones. */
	out = render("{% lorem 3 w random %}", NULL);
	assert_int_equal(count_words(out), 3);
	/* Past the 19 common words Django goes on with random ones. */
	out = render("{% lorem 30 w %}", NULL);
	assert_int_equal(count_words(out), 30);
	assert_true(strncmp(out, "lorem ipsum dolor sit amet, ", 26) == 0 ||
	    strncmp(out, "lorem ipsum dolor sit amet ", 27) == 0);
	out = render("{% lorem 200 w random %}", NULL);
	assert_int_equal(count_words(out), 200);
	/* lorem_multiple_paragraphs */
	out = render("{% lorem 2 p %}", NULL);
	assert_true(strncmp(out, "<p>" LOREM_P "</p>\n\n<p>",
	    strlen(LOREM_P) + 12) == 0);
	assert_true(out[strlen(out) - 5] == '.' || out[strlen(out) - 5] == '?');
	out = render("{% lorem 3 b random %}", NULL);
	assert_non_null(strstr(out, "\n\n"));
	assert_null(strstr(out, "<p>"));
	assert_true(out[0] >= 'A' && out[0] <= 'Z');
	/* The step limit covers the words written, not only the nodes. */
	assert_int_equal(wk_template_parse(&arena, "t.html",
	    "{% lorem 100000000 w %}", 23, 0, &t, &err), 0);
	wk_buf_init(&b, &arena);
	assert_int_equal(wk_template_render(t, &env, NULL, &b, &err), -1);
	assert_non_null(strstr(err.message, "steps"));
	assert_int_equal(wk_template_parse(&arena, "t.html",
	    "{% lorem n p random %}", 22, 0, &t, &err), 0);
	wk_buf_init(&b, &arena);
	assert_int_equal(wk_template_render(t, &env, ctx_parse("n=1000000000"),
	    &b, &err), -1);
	assert_non_null(strstr(err.message, "steps"));
	/* ... regroup's items and ifchanged's bodies too. */
	assert_int_equal(wk_template_parse(&arena, "t.html",
	    "{% regroup xs by a as g %}", 26, 0, &t, &err), 0);
	wk_buf_init(&b, &arena);
	{
		struct wk_list *xs = wk_list_new(&arena);
		struct wk_map *m = wk_map_new(&arena);
		size_t k;

		for (k = 0; k < 5000; k++)
			assert_int_equal(wk_list_push(&arena, xs,
			    wk_val_int((long long)k)), 0);
		wk_map_set(&arena, m, "xs", wk_val_list(xs));
		assert_int_equal(wk_template_render(t, &env, m, &b, &err), -1);
		assert_non_null(strstr(err.message, "steps"));
	}
}

static void
test_request_tags_more(void **state)
{
	struct wk_map *c = ctx_parse("n=3 s='a b&c' none=None xs=[1,'x y']");
	struct wk_template_error err;
	struct wk_request req;
	struct wk_settings s;
	const char *out;

	(void)state;
	fake_request(&req, &s);
	/* url with keyword arguments, mapped to the capture names */
	out = render_req("{% url 'archive' year=2024 slug='hello-you' %}|"
	    "{% url 'archive' slug='a' year=n as u %}[{{ u }}]|"
	    "{% url 'post' id=n %}", c, &req, &err);
	assert_non_null(out);
	assert_string_equal(out, "/cgi-bin/blog.cgi/archive/2024/hello-you/|"
	    "[/cgi-bin/blog.cgi/archive/3/a/]|/cgi-bin/blog.cgi/posts/3/");
	out = render_req("{% url 'archive' year=2024 %}", c, &req, &err);
	assert_null(out);
	assert_non_null(strstr(err.message, "no route named 'archive' takes 1 "
	    "keyword argument(s)"));
	out = render_req("{% url 'archive' year=1 slug='a' pk=2 %}", c, &req,
	    &err);
	assert_null(out);
	out = render_req("{% url 'archive' year='x' slug='a' %}", c, &req, &err);
	assert_null(out);
	/* static: as var, and the path quoted as Django's filepath_to_uri */
	out = render_req("{% static 'special?chars&quoted.html' %}|"
	    "{% static 'style.css' as foo %}[{{ foo }}]", c, &req, &err);
	assert_non_null(out);
	assert_string_equal(out, "/cgi-bin/blog.cgi/static/special%3Fchars%26"
	    "quoted.html|[/cgi-bin/blog.cgi/static/style.0badf00d.css]");
	/* get_static_prefix / get_media_prefix (test_static.py) */
	out = render_req("{% load static %}{% get_static_prefix %}|"
	    "{% get_static_prefix as p %}{{ p }}|{% get_media_prefix %}|"
	    "{% get_media_prefix as m %}{{ m }}", c, &req, &err);
	assert_non_null(out);
	assert_string_equal(out, "/cgi-bin/blog.cgi/static/|/cgi-bin/blog.cgi/"
	    "static/|/cgi-bin/blog.cgi/media/|/cgi-bin/blog.cgi/media/");
	s.media_url = "https://cdn.example/m/";
	out = render_req("{% get_media_prefix %}", c, &req, &err);
	assert_string_equal(out, "https://cdn.example/m/");
	out = render_req("{% get_static_prefix %}", c, NULL, &err);
	assert_string_equal(out, "/static/");
	/* querystring (Django 5.1's tests) */
	out = render_req("[{% querystring %}]", c, &req, &err);
	assert_string_equal(out, "[?]");
	assert_int_equal(wk_kv_add(&arena, &req.get, "a", "1", 1), 0);
	assert_int_equal(wk_kv_add(&arena, &req.get, "page", "1", 1), 0);
	assert_int_equal(wk_kv_add(&arena, &req.get, "a", "3", 1), 0);
	assert_int_equal(wk_kv_add(&arena, &req.get, "q", "x<y", 3), 0);
	out = render_req("{% querystring %}", c, &req, &err);
	assert_string_equal(out, "?a=1&amp;a=3&amp;page=1&amp;q=x%3Cy");
	out = render_req("{% querystring page=2 %}", c, &req, &err);
	assert_string_equal(out, "?a=1&amp;a=3&amp;page=2&amp;q=x%3Cy");
	out = render_req("{% querystring a=None q=s new=n %}", c, &req, &err);
	assert_string_equal(out, "?page=1&amp;q=a+b%26c&amp;new=3");
	out = render_req("{% querystring a=xs page=none q=none %}", c, &req,
	    &err);
	assert_string_equal(out, "?a=1&amp;a=x+y");
	out = render_req("{% autoescape off %}{% querystring page=n %}"
	    "{% endautoescape %}", c, &req, &err);
	assert_string_equal(out, "?a=1&a=3&page=3&q=x%3Cy");
	out = render_req("{% querystring page=n %}", c, NULL, &err);
	assert_string_equal(out, "?page=3");
	/* debug: nothing unless the debug setting is on; then names only */
	out = render_req("[{% debug %}]", c, &req, &err);
	assert_string_equal(out, "[]");
	s.debug = 1;
	out = render_req("{% with secret='hunter2' %}{% debug %}{% endwith %}",
	    c, &req, &err);
	assert_non_null(out);
	assert_string_equal(out, "<pre class=\"wk-debug\">names: secret n s "
	    "none xs</pre>");
	out = render_req("[{% debug %}]", c, NULL, &err);
	assert_string_equal(out, "[]");
}

/* ---- render-time limits and failures ------------------------------------------------ */

static int
boom_get(const void *self, const char *name, size_t len, wk_arena *a,
    struct wk_value *out)
{
	(void)self, (void)a, (void)out;
	if (len == 2 && memcmp(name, "ok", 2) == 0) {
		*out = wk_val_str("fine");
		return 0;
	}
	return len == 4 && memcmp(name, "boom", 4) == 0 ? -1 : 1;
}

static const struct wk_object_ops boom_ops = { "boom", boom_get, NULL, NULL,
	NULL };

static void
test_render_limits(void **state)
{
	struct wk_map *c = sample_ctx();
	struct wk_render_env env = { &set, NULL, &arena, 0, 1000 };
	struct wk_template_error err;
	struct wk_template *t;
	const char *src = "{% for a in items %}{% for b in items %}"
	    "{% for c in items %}{% for d in items %}{% for e in items %}"
	    "{% for f in items %}{% for g in items %}.{% endfor %}{% endfor %}"
	    "{% endfor %}{% endfor %}{% endfor %}{% endfor %}{% endfor %}";
	wk_buf b;

	(void)state;
	/* 3^7 iterations: over a budget of 1000 steps, the render stops. */
	assert_int_equal(wk_template_parse(&arena, "t.html", src, strlen(src),
	    0, &t, &err), 0);
	wk_buf_init(&b, &arena);
	assert_int_equal(wk_template_render(t, &env, c, &b, &err), -1);
	assert_non_null(strstr(err.message, "more than 1000 steps"));
	env.max_steps = 0;  /* the default budget is ample */
	wk_buf_init(&b, &arena);
	assert_int_equal(wk_template_render(t, &env, c, &b, &err), 0);
	assert_int_equal(b.len, 2187);
	/* An object getter's error fails the render; a missing field not. */
	wk_map_set(&arena, c, "obj", wk_val_object(&boom_ops, NULL));
	expect("[{{ obj.ok }}|{{ obj.nope }}|{{ obj }}]", c, "[fine||boom]");
	assert_null(render_req("x{{ obj.boom }}", c, NULL, &err));
	assert_non_null(strstr(err.message, "error reading 'obj'"));
	assert_null(render_req("{% if obj.boom %}{% endif %}", c, NULL, &err));
	/* A memory ceiling turns into an error, not a crash. */
	{
		static char chunk[2001];
		struct wk_list *big = wk_list_new(&arena);
		wk_arena small;
		struct wk_render_env env2 = { &set, NULL, &small, 0, 0 };
		const char *loop = "{% for x in big %}{{ x }}{% endfor %}";
		int k;

		memset(chunk, '<', sizeof(chunk) - 1);
		for (k = 0; k < 200; k++)
			wk_list_push(&arena, big, wk_val_str(chunk));
		wk_map_set(&arena, c, "big", wk_val_list(big));
		assert_int_equal(wk_template_parse(&arena, "t.html", loop,
		    strlen(loop), 0, &t, &err), 0);
		wk_arena_init(&small);
		small.limit = 512 * 1024;
		wk_buf_init(&b, &small);
		assert_int_equal(wk_template_render(t, &env2, c, &b, &err), -1);
		assert_non_null(strstr(err.message, "out of memory"));
		wk_arena_free(&small);
	}
}

/* ---- wk_render, error pages and context processors ------------------------------- */

static int
proc_site(struct wk_request *req, struct wk_map *ctx)
{
	(void)req;
	if (wk_map_set(req->arena, ctx, "who", wk_val_str("processor")) != 0 ||
	    wk_map_set(req->arena, ctx, "only_me", wk_val_bool(1)) != 0)
		return -1;
	return 0;
}

static int proc_calls;

static int
proc_count(struct wk_request *req, struct wk_map *ctx)
{
	(void)req;
	(void)ctx;
	proc_calls++;
	return 0;
}

static int
proc_fail(struct wk_request *req, struct wk_map *ctx)
{
	(void)req;
	(void)ctx;
	return -1;
}

/* An app's own processors (struct wk_app .context_processors): on its
 * pages and error pages, in order, the view's values on top; a failing
 * one fails the render.  Runs before any process-wide one is added. */
static void
test_app_processors(void **state)
{
	static const wk_context_processor_fn procs[] = { proc_count,
	    proc_site, NULL };
	static const wk_context_processor_fn failing[] = { proc_fail, NULL };
	static const wk_context_processor_fn none[] = { NULL };
	struct wk_app app = { .name = "t", .context_processors = procs };
	struct wk_map *c = wk_map_new(&arena);
	struct wk_response resp;
	struct wk_request req;
	struct wk_settings s;

	(void)state;
	fake_request(&req, &s);
	/* without the app: nothing added */
	wk_response_init(&resp, &arena);
	assert_int_equal(wk_render(&req, &resp, &set, "greet.html", c), 0);
	assert_string_equal(wk_buf_cstr(&resp.body), "Hi ");
	req.app = &app;
	proc_calls = 0;
	wk_response_init(&resp, &arena);
	assert_int_equal(wk_render(&req, &resp, &set, "greet.html", c), 0);
	assert_string_equal(wk_buf_cstr(&resp.body), "Hi processor!");
	assert_int_equal(proc_calls, 1);
	wk_response_init(&resp, &arena);
	resp.status = 404;
	assert_int_equal(wk_template_error_page(&set, &req, &resp, NULL), 0);
	assert_string_equal(wk_buf_cstr(&resp.body),
	    "E404 Not Found [None] processor");
	wk_map_set(&arena, c, "who", wk_val_str("view"));
	wk_response_init(&resp, &arena);
	assert_int_equal(wk_render(&req, &resp, &set, "greet.html", c), 0);
	assert_string_equal(wk_buf_cstr(&resp.body), "Hi view!");
	/* an empty list is no list */
	app.context_processors = none;
	wk_response_init(&resp, &arena);
	assert_int_equal(wk_render(&req, &resp, &set, "greet.html", c), 0);
	assert_string_equal(wk_buf_cstr(&resp.body), "Hi view");
	app.context_processors = failing;
	wk_log_set_fd(-1);
	wk_response_init(&resp, &arena);
	assert_int_equal(wk_render(&req, &resp, &set, "greet.html", c), -1);
	resp.status = 404;
	assert_int_equal(wk_template_error_page(&set, &req, &resp, NULL), -1);
	wk_log_set_fd(2);
}

static void
test_render_and_processors(void **state)
{
	struct wk_map *c = wk_map_new(&arena);
	struct wk_response resp;
	struct wk_request req;
	struct wk_settings s;

	(void)state;
	fake_request(&req, &s);
	wk_response_init(&resp, &arena);
	assert_int_equal(wk_render(&req, &resp, &set, "greet.html", c), 0);
	assert_string_equal(wk_buf_cstr(&resp.body), "Hi ");
	assert_string_equal(wk_response_header(&resp, "Content-Type"),
	    "text/html; charset=utf-8");
	assert_int_equal(resp.status, 200);
	/* Missing or broken templates: -1 (the app answers 500). */
	wk_log_set_fd(-1);
	assert_int_equal(wk_render(&req, &resp, &set, "nope.html", c), -1);
	assert_int_equal(wk_render(&req, &resp, &set, "broken.html", c), -1);
	assert_int_equal(wk_render(&req, &resp, NULL, "greet.html", c), -1);
	wk_log_set_fd(2);
	/* Error pages: <status>.html when the app has it. */
	wk_response_init(&resp, &arena);
	resp.status = 404;
	assert_int_equal(wk_template_error_page(&set, &req, &resp, "No <x>"),
	    0);
	assert_string_equal(wk_buf_cstr(&resp.body),
	    "E404 Not Found [No &lt;x&gt;] ");
	resp.status = 403;
	assert_int_equal(wk_template_error_page(&set, &req, &resp, NULL), -1);
	/* A processor's values reach every page; the view's win. */
	assert_int_equal(wk_template_add_context_processor(proc_site), 0);
	wk_response_init(&resp, &arena);
	assert_int_equal(wk_render(&req, &resp, &set, "greet.html", c), 0);
	assert_string_equal(wk_buf_cstr(&resp.body), "Hi processor!");
	wk_map_set(&arena, c, "who", wk_val_str("view"));
	wk_response_init(&resp, &arena);
	assert_int_equal(wk_render(&req, &resp, &set, "greet.html", c), 0);
	assert_string_equal(wk_buf_cstr(&resp.body), "Hi view!");
	wk_response_init(&resp, &arena);
	resp.status = 404;
	assert_int_equal(wk_template_error_page(&set, &req, &resp, NULL), 0);
	assert_string_equal(wk_buf_cstr(&resp.body),
	    "E404 Not Found [None] processor");
	/* The list grows past its first block, up to its limit, in order. */
	assert_int_equal(wk_template_add_context_processor(NULL), -1);
	for (int k = 1; k < WK_CONTEXT_PROCESSORS_MAX; k++)
		assert_int_equal(wk_template_add_context_processor(proc_count),
		    0);
	assert_int_equal(wk_template_add_context_processor(proc_count), -1);
	proc_calls = 0;
	wk_response_init(&resp, &arena);
	assert_int_equal(wk_render(&req, &resp, &set, "greet.html", c), 0);
	assert_string_equal(wk_buf_cstr(&resp.body), "Hi view!");
	assert_int_equal(proc_calls, WK_CONTEXT_PROCESSORS_MAX - 1);
}

/* ---- DEBUG: templates re-read from the source folder ----------------------------- */

static void
write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "w"));
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static void
test_debug_reload(void **state)
{
	char dir[] = "/tmp/wick-tpl-XXXXXX", cmd[600];
	struct wk_template_set disk = set;
	struct wk_render_env env = { &disk, NULL, &arena, 1, 0 };
	struct wk_template_error err;
	const struct wk_template *t;
	struct wk_map *c = wk_map_new(&arena);
	wk_buf b;

	(void)state;
	assert_non_null(mkdtemp(dir));
	disk.source_dir = dir;
	wk_map_set(&arena, c, "who", wk_val_str("you"));
	/* On disk: the disk copy wins, and an edit shows at once. */
	write_file(dir, "greet.html", "Disk {{ who }}");
	assert_non_null(t = wk_template_load(&disk, "greet.html", 1, &arena,
	    &err));
	wk_buf_init(&b, &arena);
	assert_int_equal(wk_template_render(t, &env, c, &b, &err), 0);
	assert_string_equal(wk_buf_cstr(&b), "Disk you");
	write_file(dir, "greet.html", "Edited {{ who|upper }}");
	assert_non_null(t = wk_template_load(&disk, "greet.html", 1, &arena,
	    &err));
	wk_buf_init(&b, &arena);
	assert_int_equal(wk_template_render(t, &env, c, &b, &err), 0);
	assert_string_equal(wk_buf_cstr(&b), "Edited YOU");
	/* Includes reload too; files missing on disk come from the binary. */
	write_file(dir, "page.html", "[{% include 'greet.html' %}|"
	    "{% include 'nest.html' %}]");
	assert_non_null(t = wk_template_load(&disk, "page.html", 1, &arena,
	    &err));
	wk_buf_init(&b, &arena);
	assert_int_equal(wk_template_render(t, &env, c, &b, &err), 0);
	assert_string_equal(wk_buf_cstr(&b), "[Edited YOU|[Edited YOU]]");
	/* Without reload: the embedded copy. */
	assert_non_null(t = wk_template_load(&disk, "greet.html", 0, &arena,
	    &err));
	wk_buf_init(&b, &arena);
	env.reload = 0;
	assert_int_equal(wk_template_render(t, &env, c, &b, &err), 0);
	assert_string_equal(wk_buf_cstr(&b), "Hi you");
	/* A syntax error on disk names the file, line and column. */
	write_file(dir, "greet.html", "ok\n{% for x in %}");
	assert_null(wk_template_load(&disk, "greet.html", 1, &arena, &err));
	assert_string_equal(err.message, "greet.html:2:1: 'for' needs "
	    "'for x in y': got 'for x in'");
	assert_null(wk_template_load(&disk, "../greet.html", 1, &arena, &err));
	assert_null(wk_template_load(&disk, "/etc/passwd", 1, &arena, &err));
	assert_null(wk_template_load(&disk, "a//b", 1, &arena, &err));
	assert_null(wk_template_load(&disk, "nope.html", 1, &arena, &err));
	assert_string_equal(err.message, "template 'nope.html' does not exist");
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* ---- the library's own templates (search order) ------------------------------- */

/* A child of the library's base, in the app's set. */
static const struct wk_template_file lib_child[] = {
	{ "page.html", "{% extends \"wick/base.html\" %}"
	    "{% block title %}Mine{% endblock %}"
	    "{% block content %}{{ who }}{% endblock %}", 0 },
};
/* An app that overrides the library's base under the same name. */
static const struct wk_template_file lib_override[] = {
	{ "page.html", "{% extends \"wick/base.html\" %}"
	    "{% block content %}{{ who }}{% endblock %}", 0 },
	{ "wick/base.html", "APP[{% block content %}{% endblock %}]", 0 },
};

/* Render name from s (reload off) with who=<you>; NULL with err set. */
static const char *
render_named(const struct wk_template_set *s, const char *name,
    struct wk_template_error *err)
{
	struct wk_render_env env = { s, NULL, &arena, 0, 0 };
	const struct wk_template *t;
	struct wk_map *c = wk_map_new(&arena);
	wk_buf b;

	assert_non_null(c);
	assert_int_equal(wk_map_set(&arena, c, "who", wk_val_str("<you>")), 0);
	if ((t = wk_template_load(s, name, 0, &arena, err)) == NULL)
		return NULL;
	wk_buf_init(&b, &arena);
	if (wk_template_render(t, &env, c, &b, err) != 0)
		return NULL;
	return wk_buf_cstr(&b);
}

static void
test_library_templates(void **state)
{
	struct wk_template_file child[1], over[2];
	struct wk_template_set app = { "app", child, 1, NULL, 0, NULL };
	struct wk_template_set app2 = { "app2", over, 2, NULL, 0, NULL };
	const struct wk_template_set *lib = &wk_library_templates;
	struct wk_template_error err;
	const struct wk_template *t;
	const char *out;
	size_t k;

	(void)state;
	memcpy(child, lib_child, sizeof(child));
	memcpy(over, lib_override, sizeof(over));
	for (k = 0; k < 1; k++)
		child[k].len = strlen(child[k].text);
	for (k = 0; k < 2; k++)
		over[k].len = strlen(over[k].text);
	wk_template_cache_clear();
	/* The library embeds its templates under "wick/" (the admin site's
	 * under "admin/"), sorted. */
	assert_true(lib->n_files >= 1);
	for (k = 0; k < lib->n_files; k++) {
		assert_true(strncmp(lib->files[k].name, "wick/", 5) == 0 ||
		    strncmp(lib->files[k].name, "admin/", 6) == 0);
		assert_int_equal(strlen(lib->files[k].text), lib->files[k].len);
		if (k > 0)
			assert_true(strcmp(lib->files[k - 1].name,
			    lib->files[k].name) < 0);
	}
	/* A library-only name is found from an app's set, and from none. */
	assert_non_null(t = wk_template_load(&set, "wick/base.html", 0, &arena,
	    &err));
	assert_string_equal(wk_template_name(t), "wick/base.html");
	assert_non_null(wk_template_load(NULL, "wick/base.html", 0, &arena,
	    &err));
	/* An app template extends it; the library's comment and blocks. */
	out = render_named(&app, "page.html", &err);
	if (out == NULL)
		fail_msg("%s", err.message);
	assert_string_equal(out, "<!DOCTYPE html>\n<html lang=\"en\">\n"
	    "<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n"
	    "<title>Mine</title>\n\n</head>\n<body>\n<main>\n&lt;you&gt;\n"
	    "</main>\n</body>\n</html>\n");
	/* The app's template of the same name wins, for load and extends. */
	assert_non_null(t = wk_template_load(&app2, "wick/base.html", 0,
	    &arena, &err));
	assert_string_equal(out = render_named(&app2, "wick/base.html", &err),
	    "APP[]");
	assert_string_equal(out = render_named(&app2, "page.html", &err),
	    "APP[&lt;you&gt;]");
	/* ...while another app still gets the library's. */
	out = render_named(&app, "wick/base.html", &err);
	assert_non_null(out);
	assert_non_null(strstr(out, "<title>Wick</title>"));
	/* An unknown name gives the same errors as before. */
	assert_null(wk_template_load(&app, "nope.html", 0, &arena, &err));
	assert_string_equal(err.message, "template 'nope.html' does not exist");
	assert_null(wk_template_load(&app, "wick/nope.html", 0, &arena, &err));
	assert_string_equal(err.message,
	    "template 'wick/nope.html' does not exist");
	assert_null(wk_template_load(NULL, "nope.html", 0, &arena, &err));
	assert_string_equal(err.message, "nope.html: no templates to load from");
	assert_null(wk_template_load(&app, "wick/../wick/base.html", 0, &arena,
	    &err));
	assert_string_equal(err.message,
	    "refusing template name 'wick/../wick/base.html'");
	assert_null(render_named(&app, "missing.html", &err));
	/* {% include %} of an unknown name fails the render, naming it. */
	assert_null(render_req("{% include 'wick/none.html' %}", NULL, NULL,
	    &err));
	assert_non_null(strstr(err.message, "template 'wick/none.html' does "
	    "not exist"));
	/* Static files: the app's first; an unknown name is still NULL. */
	assert_ptr_equal(wk_asset_find(&set, "style.css"), &assets[0]);
	assert_null(wk_asset_find(&set, "wick/none.css"));
	assert_null(wk_asset_find(NULL, "style.css"));
	wk_template_cache_clear();
}

/* ---- the build-time checker (tools/wk-templates) ------------------------------- */

/* Run cmd; its output (stdout and stderr) into out; the exit status. */
static int
run(const char *cmd, char *out, size_t outlen)
{
	FILE *p = popen(cmd, "r");
	size_t n;
	int st;

	assert_non_null(p);
	n = fread(out, 1, outlen - 1, p);
	out[n] = '\0';
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void
test_build_tool(void **state)
{
	const char *tool = "build/tools/wk-templates";
	char dir[] = "/tmp/wick-tool-XXXXXX", sub[600], cmd[2048], out[8192];

	(void)state;
	if (access(tool, X_OK) != 0)
		skip();  /* built with the blog (make all) */
	assert_non_null(mkdtemp(dir));
	snprintf(sub, sizeof(sub), "mkdir -p %s/templates/sub %s/static", dir,
	    dir);
	assert_int_equal(system(sub), 0);
	snprintf(sub, sizeof(sub), "%s/templates", dir);
	write_file(sub, "a.html", "{% extends 'base.html' %}");
	write_file(sub, "sub/b.html", "ok\n  {{ x|lowr }}\n");
	snprintf(sub, sizeof(sub), "%s/static", dir);
	write_file(sub, "site.css", "body { color: red }\n");
	snprintf(cmd, sizeof(cmd), "%s --app t --templates %s/templates "
	    "--static %s/static --source-dir %s/templates --out %s/out.c "
	    "2>&1", tool, dir, dir, dir, dir);
	/* A bad template fails the build, naming file, line and column. */
	assert_int_equal(run(cmd, out, sizeof(out)), 1);
	assert_non_null(strstr(out, "/templates/sub/b.html:2:8: unknown "
	    "filter 'lowr'"));
	/* An app's own filter, once named, is accepted. */
	snprintf(cmd + strlen(cmd) - 5, sizeof(cmd) - strlen(cmd) + 5,
	    " --filter lowr 2>&1");
	assert_int_equal(run(cmd, out, sizeof(out)), 0);
	snprintf(cmd, sizeof(cmd), "cat %s/out.c", dir);
	assert_int_equal(run(cmd, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "const struct wk_template_set t_templates"));
	assert_non_null(strstr(out, "{ \"a.html\", f0,"));
	assert_non_null(strstr(out, "{ \"sub/b.html\", f1,"));
	assert_non_null(strstr(out, "\"site.css\", \"site."));
	assert_non_null(strstr(out, "text/css; charset=utf-8"));
	snprintf(cmd, sizeof(cmd), "%s --app 'bad name' --templates x --out y "
	    "2>&1", tool);
	assert_int_equal(run(cmd, out, sizeof(out)), 2);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_variables, setup, teardown),
		cmocka_unit_test_setup_teardown(test_if, setup, teardown),
		cmocka_unit_test_setup_teardown(test_for, setup, teardown),
		cmocka_unit_test_setup_teardown(test_with_and_misc_tags, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_extends_and_include, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_request_tags, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_custom, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xss_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pathological_linear, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_pathological_parse, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_render_limits, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_app_processors,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_render_and_processors,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_debug_reload, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_library_templates, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_registries_grow, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_build_tool, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_django_tags, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_lorem_random_and_limits,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_request_tags_more, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
