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

#include "wick/arena.h"
#include "wick/buf.h"
#include "wick/log.h"
#include "wick/request.h"
#include "wick/response.h"
#include "wick/router.h"
#include "wick/settings.h"
#include "wick/template.h"
#include "wick/value.h"

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
		{ "{{ x", "t.html:1:1: unclosed '{{'" },
		{ "x\n {% if a", "t.html:2:2: unclosed '{%'" },
		{ "{# x", "t.html:1:1: unclosed '{#'" },
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
		{ "{% url 'a' id=3 %}", "t.html:1:12: 'url' takes positional "
		    "arguments only" },
		{ "{% cycle 'a' as x %}", "t.html:1:14: 'cycle ... as' is not "
		    "supported" },
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
	    -1);  /* "{{" with no "}}" */
	for (k = 0; k < n; k++)
		src[k] = k % 2 ? '{' : 'x';
	assert_int_equal(wk_template_parse(&arena, "b", src, n, 0, &t, &err),
	    0);
	assert_true(seconds() - t0 < 1.0);
	free(src);
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
		cmocka_unit_test_setup_teardown(test_render_and_processors,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_debug_reload, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_build_tool, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
