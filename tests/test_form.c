/*
 * test_form.c - declared forms: each field kind's cleaning with good and
 * hostile values, required/optional, stripping, custom and form-wide
 * validators, rendering (everything escaped, passwords never echoed),
 * the form as a template value, and model forms (metadata-derived fields,
 * save, unique violation -> field error) on a temporary SQLite file.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wick/db/db.h"
#include "wick/forms/form.h"
#include "wick/core/log.h"
#include "wick/db/migrate.h"
#include "wick/http/multipart.h"
#include "wick/db/orm.h"
#include "wick/template/template.h"
#include "wick/forms/validate.h"

static wk_arena arena;

/* ---- a form with every kind ----------------------------------------------------------- */

static const char *
no_admin(struct wk_form *f, const struct wk_form_field *fd, const char *v)
{
	(void)f;
	(void)fd;
	return strcmp(v, "admin") == 0 ? "That name is reserved." : NULL;
}

static int
passwords_match(struct wk_form *f)
{
	const char *a = wk_form_text(f, "pw"), *b = wk_form_text(f, "pw2");

	if (a != NULL && b != NULL && strcmp(a, b) != 0)
		return wk_form_add_error(f, NULL, "The passwords differ.");
	return 0;
}

static const struct wk_field_dummy { int x; } unused_dummy = { 0 };

static const struct wk_form_field all_fields[] = {
	{ .name = "name", .kind = WK_FF_TEXT, .min_length = 2,
	  .max_length = 5, .validate = no_admin, .help_text = "<short>" },
	{ .name = "age", .kind = WK_FF_INT, .flags = WK_FF_HAS_MIN |
	  WK_FF_HAS_MAX | WK_FF_OPTIONAL, .min_value = 0, .max_value = 150 },
	{ .name = "price", .kind = WK_FF_DECIMAL, .flags = WK_FF_OPTIONAL |
	  WK_FF_HAS_MIN, .min_value = 0.5 },
	{ .name = "email", .kind = WK_FF_EMAIL, .flags = WK_FF_OPTIONAL },
	{ .name = "site", .kind = WK_FF_URL, .flags = WK_FF_OPTIONAL },
	{ .name = "slug", .kind = WK_FF_SLUG, .flags = WK_FF_OPTIONAL },
	{ .name = "agree", .kind = WK_FF_BOOL },
	{ .name = "color", .kind = WK_FF_CHOICE, .flags = WK_FF_OPTIONAL,
	  .choices = WK_CHOICES({ "r", "Red" }, { "g", "Green & <b>" }) },
	{ .name = "tags", .kind = WK_FF_MULTI, .flags = WK_FF_OPTIONAL,
	  .choices = WK_CHOICES({ "a", "A" }, { "b", "B" }) },
	{ .name = "day", .kind = WK_FF_DATE, .flags = WK_FF_OPTIONAL },
	{ .name = "when", .kind = WK_FF_DATETIME, .flags = WK_FF_OPTIONAL },
	{ .name = "pw", .kind = WK_FF_PASSWORD, .flags = WK_FF_OPTIONAL },
	{ .name = "pw2", .kind = WK_FF_PASSWORD, .flags = WK_FF_OPTIONAL },
	{ .name = "note", .kind = WK_FF_TEXTAREA, .flags = WK_FF_OPTIONAL,
	  .initial = "</textarea><script>" },
};
static const struct wk_form_def all_form = WK_FORM_DEF(all_fields,
    passwords_match);

static int
setup(void **state)
{
	(void)state;
	(void)unused_dummy;
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

/* Bind "name=value" pairs (already decoded) and validate. */
static int
run(struct wk_form *f, const char *const *pairs)
{
	struct wk_kvlist *data = wk_arena_calloc(&arena, 1, sizeof(*data));
	size_t i;

	assert_non_null(data);
	assert_int_equal(wk_form_init(f, &all_form, &arena), 0);
	for (i = 0; pairs[i] != NULL; i += 2)
		assert_int_equal(wk_kv_add(&arena, data, pairs[i], pairs[i + 1],
		    strlen(pairs[i + 1])), 0);
	assert_int_equal(wk_form_bind_data(f, data), 0);
	return wk_form_is_valid(f);
}

static const char *
err(const struct wk_form *f, const char *name)
{
	return wk_kv_get(&f->errors, name);
}

static void
test_valid_and_cleaned(void **state)
{
	static const char *const in[] = {
		"name", "  Bob ", "age", "42", "price", "1.25",
		"email", "bob@example.com", "site", "https://example.com:8080/x?y",
		"slug", "a-b_c", "agree", "on", "color", "g",
		"tags", "a", "tags", "b", "day", "2024-02-29",
		"when", "2024-02-29 13:05", "pw", " s p ", "pw2", " s p ",
		NULL
	};
	struct wk_form f;

	(void)state;
	assert_int_equal(run(&f, in), 1);
	assert_string_equal(wk_form_text(&f, "name"), "Bob");
	assert_int_equal(wk_form_int(&f, "age"), 42);
	assert_true(wk_form_real(&f, "price") == 1.25);
	assert_true(wk_form_bool(&f, "agree"));
	assert_string_equal(wk_form_text(&f, "when"), "2024-02-29T13:05:00Z");
	assert_string_equal(wk_form_text(&f, "pw"), " s p ");  /* not stripped */
	assert_int_equal(wk_form_get(&f, "tags")->nitems, 2);
	assert_null(wk_form_text(&f, "note"));
	/* Asking twice gives the same answer. */
	assert_int_equal(wk_form_is_valid(&f), 1);
}

static void
test_errors(void **state)
{
	static const char *const in[] = {
		"name", "x", "age", "151", "price", "0.1",
		"email", "bob@@example", "site", "javascript:alert(1)",
		"slug", "a b", "color", "z", "tags", "a", "tags", "evil",
		"day", "2023-02-29", "when", "2024-01-01T25:00",
		"pw", "a", "pw2", "b", NULL
	};
	struct wk_form f;

	(void)state;
	assert_int_equal(run(&f, in), 0);
	assert_non_null(strstr(err(&f, "name"), "at least 2 characters"));
	assert_string_equal(err(&f, "age"),
	    "Ensure this value is less than or equal to 150.");
	assert_string_equal(err(&f, "price"),
	    "Ensure this value is greater than or equal to 0.5.");
	assert_string_equal(err(&f, "email"), "Enter a valid email address.");
	assert_string_equal(err(&f, "site"), "Enter a valid URL.");
	assert_non_null(strstr(err(&f, "slug"), "slug"));
	assert_non_null(strstr(err(&f, "color"), "z is not one of"));
	assert_non_null(strstr(err(&f, "tags"), "evil is not one of"));
	assert_string_equal(err(&f, "day"), "Enter a valid date.");
	assert_string_equal(err(&f, "when"), "Enter a valid date/time.");
	assert_string_equal(err(&f, WK_FORM_ALL), "The passwords differ.");
	assert_null(err(&f, "agree"));   /* unchecked box: just false */
}

static void
test_required_length_and_validator(void **state)
{
	static const char *const empty[] = { "name", "   ", NULL };
	static const char *const longer[] = { "name", "\xc3\xa9\xc3\xa9\xc3"
	    "\xa9\xc3\xa9\xc3\xa9", NULL };  /* 5 characters, 10 bytes */
	static const char *const six[] = { "name", "abcdef", NULL };
	static const char *const admin[] = { "name", "admin", NULL };
	static const char *const missing[] = { NULL };
	static const char *const nums[] = { "name", "ok", "age", "4x",
	    "price", "1e5", NULL };
	static const char *const nums2[] = { "name", "ok", "age",
	    "99999999999999999999", "price", ".", NULL };
	struct wk_form f;

	(void)state;
	assert_int_equal(run(&f, empty), 0);
	assert_string_equal(err(&f, "name"), "This field is required.");
	assert_int_equal(run(&f, missing), 0);
	assert_string_equal(err(&f, "name"), "This field is required.");
	assert_int_equal(run(&f, longer), 1);
	assert_int_equal(run(&f, six), 0);
	assert_non_null(strstr(err(&f, "name"), "at most 5 characters (it "
	    "has 6)"));
	assert_int_equal(run(&f, admin), 0);
	assert_string_equal(err(&f, "name"), "That name is reserved.");
	assert_int_equal(run(&f, nums), 0);
	assert_string_equal(err(&f, "age"), "Enter a whole number.");
	assert_string_equal(err(&f, "price"), "Enter a number.");
	assert_int_equal(run(&f, nums2), 0);
	assert_string_equal(err(&f, "age"), "Enter a whole number.");
	assert_string_equal(err(&f, "price"), "Enter a number.");
	/* An unbound form cannot be valid. */
	assert_int_equal(wk_form_init(&f, &all_form, &arena), 0);
	assert_int_equal(wk_form_is_valid(&f), -1);
}

static void
test_email_url_tables(void **state)
{
	static const struct { const char *v; int ok; } emails[] = {
		{ "a@b.co", 1 }, { "first.last+tag@sub.example.org", 1 },
		{ "x@localhost", 1 }, { "a@b", 0 }, { "@b.co", 0 },
		{ "a@.b.co", 0 }, { "a..b@c.co", 0 }, { "a b@c.co", 0 },
		{ "a@b.co\"><script>", 0 }, { "a@-b.co", 0 }, { ".a@b.co", 0 },
	};
	static const struct { const char *v; int ok; } urls[] = {
		{ "http://example.com", 1 }, { "https://a.bc/c?d#e", 1 }, { "https://a.b/", 0 },
		{ "http://localhost:8000/", 1 }, { "ftp://x.y/", 0 },
		{ "https://user@example.com", 1 }, { "http://a b.com", 0 },
		{ "http://x.com:99999999", 0 }, { "//x.com", 0 },
		{ "https://x.com\\@y.com", 0 }, { "http://", 0 },
	};
	struct wk_form f;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(emails) / sizeof(emails[0]); i++) {
		const char *in[] = { "name", "ok", "email", emails[i].v, NULL };
		run(&f, in);
		if ((err(&f, "email") == NULL) != emails[i].ok)
			fail_msg("email %s: expected %d", emails[i].v,
			    emails[i].ok);
	}
	for (i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
		const char *in[] = { "name", "ok", "site", urls[i].v, NULL };
		run(&f, in);
		if ((err(&f, "site") == NULL) != urls[i].ok)
			fail_msg("url %s: expected %d", urls[i].v, urls[i].ok);
	}
}


/*
 * Django's validator rules, one row per rule (src/forms/validate.c; the whole of
 * Django's own data runs in tests/django/run_validators.py).
 */
static void
test_django_url_rules(void **state)
{
	static const struct { const char *v; int ok; const char *why; } t[] = {
		{ "http://user:pw@example.com:8080/", 1, "user info" },
		{ "http://user:@example.com", 1, "empty password" },
		{ "http://:pw@example.com", 0, "user info without a user" },
		{ "http://[::1]:8080/", 1, "IPv6 literal" },
		{ "http://[2001:db8::1]/", 1, "IPv6 literal" },
		{ "http://[::ffff:192.9.5.5]/x", 1, "IPv6 with dotted quad" },
		{ "http://[1:2:3:4:5:6:7:8:9]/", 0, "nine IPv6 groups" },
		{ "http://[::1/", 0, "unclosed bracket" },
		{ "http://\xe4\xbe\x8b\xe5\xad\x90.\xe6\xb5\x8b\xe8\xaf\x95", 1,
		    "IDN host" },
		{ "http://\xf0\x9f\x98\x80.example.com/", 1,
		    "emoji label, valid in punycode" },
		{ "HTTP://WWW.EXAMPLE.COM/", 1, "upper-case scheme" },
		{ "http://example.com./", 1, "trailing dot" },
		{ "http://example.com../", 0, "two trailing dots" },
		{ "http://016.016.016.016", 0, "leading zeros in a quad" },
		{ "http://1.1.1.1.1", 0, "five-part quad" },
		{ "http://123.123.123", 0, "three-part quad" },
		{ "http://192.168.1.1:80/", 1, "dotted quad" },
		{ "http://a.b-c.de", 1, "hyphen inside" },
		{ "http://a.-bc.de", 0, "label starting with a hyphen" },
		{ "http://example.c0m", 0, "digit in the top-level label" },
		{ "http://example.xn--p1ai", 1, "punycode top-level label" },
		{ "http://example.com:1/", 0, "one-digit port" },
		{ "http://localhost", 1, "localhost" },
		{ "http://example.com/a\tb", 0, "tab" },
		{ "http://example.com/ x", 0, "space in the path" },
		{ "ftp://example.com/", 0, "not http or https" },
	};
	char host[400], url[600];
	size_t i;
	int n;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (wk_valid_url(t[i].v, strlen(t[i].v)) != t[i].ok)
			fail_msg("url %s (%s): expected %d", t[i].v, t[i].why,
			    t[i].ok);
	/* A label of 63 characters passes, 64 do not; a host of 253. */
	memset(host, 'a', 64);
	n = snprintf(url, sizeof(url), "http://%.63s.com/", host);
	assert_true(n > 0 && (size_t)n < sizeof(url));
	assert_int_equal(wk_valid_url(url, (size_t)n), 1);
	n = snprintf(url, sizeof(url), "http://%.64s.com/", host);
	assert_true(n > 0 && (size_t)n < sizeof(url));
	assert_int_equal(wk_valid_url(url, (size_t)n), 0);
	for (i = 0; i < 4; i++) {          /* 4 * 62 + 5 = 253 */
		memset(host + i * 62, 'a', 61);
		host[i * 62 + 61] = '.';
	}
	memcpy(host + 248, "co.uk", 6);
	n = snprintf(url, sizeof(url), "http://%s/", host);
	assert_true(n > 0 && (size_t)n < sizeof(url));
	assert_int_equal(wk_valid_url(url, (size_t)n), 1);
	host[0] = 'b';
	n = snprintf(url, sizeof(url), "http://b%s/", host);   /* 254 */
	assert_true(n > 0 && (size_t)n < sizeof(url));
	assert_int_equal(wk_valid_url(url, (size_t)n), 0);
}

static void
test_django_email_rules(void **state)
{
	static const struct { const char *v; int ok; const char *why; } t[] = {
		{ "a@[127.0.0.1]", 1, "IPv4 literal" },
		{ "a@[2001:db8::1]", 1, "IPv6 literal" },
		{ "a@[::ffff:127.0.0.1]", 1, "IPv6 literal with a quad" },
		{ "a@[127.0.0.256]", 0, "octet over 255" },
		{ "a@[2001:db8::12345]", 0, "group of five digits" },
		{ "a@127.0.0.1", 0, "bare IP address" },
		{ "a@\xe0\xa4\x89\xe0\xa4\xa6\xe0\xa4\xbe.com", 1, "IDN domain" },
		{ "\"a@b\"@example.com", 1, "quoted local part" },
		{ "\"a\\\tb\"@example.com", 1, "quoted pair with a tab" },
		{ "\"a\\\nb\"@example.com", 0, "quoted pair with a LF" },
		{ "\"a b\"@example.com", 0, "space in a quoted string" },
		{ "a@b.com.", 0, "trailing dot" },
		{ "a@b.com\n", 0, "trailing newline" },
		{ "a@localhost", 1, "localhost" },
		{ "a@b.c", 0, "one-letter top-level label" },
		{ "a@b.12", 1, "digits in the top-level label (as Django)" },
	};
	char addr[400];
	size_t i;
	int n;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (wk_valid_email(t[i].v, strlen(t[i].v)) != t[i].ok)
			fail_msg("email %s (%s): expected %d", t[i].v, t[i].why,
			    t[i].ok);
	memset(addr, 0, sizeof(addr));
	memcpy(addr, "a@", 2);
	memset(addr + 2, 'x', 63);
	memcpy(addr + 65, ".us", 4);
	assert_int_equal(wk_valid_email(addr, strlen(addr)), 1);
	memset(addr + 2, 'x', 64);
	memcpy(addr + 66, ".us", 4);
	assert_int_equal(wk_valid_email(addr, strlen(addr)), 0);
	/* 321 characters: over RFC 3696's limit. */
	n = snprintf(addr, sizeof(addr), "%0300d@example.com", 0);
	assert_true(n == 312);
	assert_int_equal(wk_valid_email(addr, (size_t)n), 1);
	n = snprintf(addr, sizeof(addr), "%0309d@example.com", 0);
	assert_int_equal(wk_valid_email(addr, (size_t)n), 0);
}

static void
test_punycode_and_ips(void **state)
{
	/* Known answers, as Python's "punycode" codec gives them. */
	static const struct { const char *in, *out; } pc[] = {
		{ "b\xc3\xbc" "cher", "bcher-kva" },
		{ "\xe4\xbe\x8b\xe5\xad\x90", "fsqu00a" },
		{ "\xe0\xa4\x89\xe0\xa4\xa6\xe0\xa4\xbe\xe0\xa4\xb9\xe0\xa4\xb0"
		    "\xe0\xa4\xa3", "p1b6ci4b4b3a" },
		{ "\xe2\x98\xba", "74h" },
		{ "ma\xc3\xb1" "ana", "maana-pta" },
		{ "abc", "abc-" },
	};
	static const struct { const char *v; int ok; } v6[] = {
		{ "::", 1 }, { "::1", 1 }, { "1::", 1 }, { "1:2:3:4:5:6:7:8", 1 },
		{ "1:2:3:4:5:6:7::", 1 }, { "1:2:3:4:5:6:7:8:9", 0 },
		{ "1::2::3", 0 }, { ":1:2:3:4:5:6:7", 0 }, { "1:2", 0 },
		{ "::1.2.3.4", 1 }, { "::1.2.3.04", 0 }, { "12345::", 0 },
		{ "1:2:3:4:5:6:1.2.3.4", 1 }, { "1:2:3:4:5:6:7:1.2.3.4", 0 },
	};
	char out[64];
	size_t i;
	long n;

	(void)state;
	for (i = 0; i < sizeof(pc) / sizeof(pc[0]); i++) {
		n = wk_punycode_encode(pc[i].in, strlen(pc[i].in), out,
		    sizeof(out));
		assert_true(n >= 0);
		assert_string_equal(out, pc[i].out);
	}
	assert_int_equal(wk_punycode_encode("b\xc3\xbc" "cher", 7, out, 5), -1);
	assert_int_equal(wk_punycode_encode("\xff", 1, out, sizeof(out)), -1);
	for (i = 0; i < sizeof(v6) / sizeof(v6[0]); i++)
		if (wk_valid_ipv6(v6[i].v, strlen(v6[i].v)) != v6[i].ok)
			fail_msg("ipv6 %s: expected %d", v6[i].v, v6[i].ok);
	assert_int_equal(wk_valid_ipv4("0.0.0.0", 7), 1);
	assert_int_equal(wk_valid_ipv4("255.255.255.255", 15), 1);
	assert_int_equal(wk_valid_ipv4("256.1.1.1", 9), 0);
	assert_int_equal(wk_valid_ipv4("01.2.3.4", 8), 0);
	assert_int_equal(wk_valid_ipv4("1.2.3.", 6), 0);
	assert_int_equal(wk_valid_ipv4("1.2.3.4.5", 9), 0);
}

/* ---- rendering ----------------------------------------------------------------------------- */

static void
test_render_escapes(void **state)
{
	static const char *const in[] = {
		"name", "\"><script>x</script>", "color", "g", "tags", "b",
		"pw", "secret-pass", "note", "</textarea><b>", NULL
	};
	struct wk_form f;
	wk_buf b;

	(void)state;
	assert_int_equal(run(&f, in), 0);
	wk_buf_init(&b, &arena);
	assert_int_equal(wk_form_render_p(&f, &b), 0);
	assert_null(strstr(b.data, "<script>"));
	assert_null(strstr(b.data, "</textarea><b>"));
	assert_non_null(strstr(b.data, "value=\"&quot;&gt;&lt;script&gt;"));
	assert_null(strstr(b.data, "secret-pass"));
	assert_non_null(strstr(b.data, "<option value=\"g\" selected>Green "
	    "&amp; &lt;b&gt;</option>"));
	assert_non_null(strstr(b.data, "<option value=\"b\" selected>"));
	assert_non_null(strstr(b.data, "&lt;short&gt;"));
	assert_non_null(strstr(b.data, "<ul class=\"errorlist\"><li>"));
	assert_non_null(strstr(b.data, "<label for=\"id_name\">Name:</label>"));
	assert_non_null(strstr(b.data, "type=\"checkbox\" name=\"agree\""));

	/* Unbound: initial values, also escaped. */
	assert_int_equal(wk_form_init(&f, &all_form, &arena), 0);
	assert_int_equal(wk_form_set_initial(&f, "name", "<i>"), 0);
	assert_int_equal(wk_form_set_initial(&f, "nope", "x"), -1);
	wk_buf_reset(&b);
	assert_int_equal(wk_form_render_widget(&f, "note", &b), 0);
	assert_non_null(strstr(b.data, "&lt;/textarea&gt;&lt;script&gt;"));
	wk_buf_reset(&b);
	assert_int_equal(wk_form_render_widget(&f, "name", &b), 0);
	assert_non_null(strstr(b.data, "value=\"&lt;i&gt;\""));
	assert_non_null(strstr(b.data, "maxlength=\"5\" required"));
	assert_int_equal(wk_form_render_widget(&f, "missing", &b), -1);
}

static void
test_template_value(void **state)
{
	static const char *const in[] = { "name", "<xxxxx>", NULL };
	static const char src[] =
	    "{{ form.name.label_tag }}|{{ form.name.widget }}|"
	    "{{ form.name.errors }}|{{ form.name.label }}|{{ form.name.value }}"
	    "|{{ form.non_field_errors }}|{% for f in form %}{{ f.name }},"
	    "{% endfor %}|{{ form.nope }}|{{ form.name }}";
	struct wk_template_error te;
	struct wk_template *t = NULL;
	struct wk_render_env env;
	struct wk_map *ctx;
	struct wk_form f;
	wk_buf out;

	(void)state;
	run(&f, in);
	ctx = wk_map_new(&arena);
	assert_non_null(ctx);
	assert_int_equal(wk_map_set(&arena, ctx, "form", wk_form_value(&f)),
	    0);
	assert_int_equal(wk_template_parse(&arena, "t", src, strlen(src), 0,
	    &t, &te), 0);
	memset(&env, 0, sizeof(env));
	env.arena = &arena;
	wk_buf_init(&out, &arena);
	assert_int_equal(wk_template_render(t, &env, ctx, &out, &te), 0);
	assert_non_null(strstr(out.data, "<label for=\"id_name\">Name:</label>|"
	    "<input type=\"text\" name=\"name\""));
	assert_non_null(strstr(out.data, "value=\"&lt;xxxxx&gt;\""));
	assert_non_null(strstr(out.data, "|Name|&lt;xxxxx&gt;|"));
	assert_non_null(strstr(out.data, "<ul class=\"errorlist\">"));
	assert_non_null(strstr(out.data, "name,age,price,"));
	/* {{ form.name }} prints escaped markup, never live HTML. */
	assert_non_null(strstr(out.data, "|&lt;input type="));
}

/* ---- file fields ---------------------------------------------------------------------- */

static const struct wk_form_field up_fields[] = {
	{ .name = "title", .kind = WK_FF_TEXT },
	{ .name = "doc", .kind = WK_FF_FILE, .max_length = 10 },
	{ .name = "opt", .kind = WK_FF_FILE, .flags = WK_FF_OPTIONAL },
};
static const struct wk_form_def up_form = WK_FORM_DEF(up_fields, NULL);

/* Parse a multipart body with one file part of content c into f. */
static int
upload(struct wk_form *f, struct wk_multipart *mp, const char *fname,
    const char *c)
{
	struct wk_kvlist *data = wk_arena_calloc(&arena, 1, sizeof(*data));
	char body[1024];
	size_t i;
	int n;

	n = snprintf(body, sizeof(body), "--B\r\nContent-Disposition: "
	    "form-data; name=\"title\"\r\n\r\nHi\r\n--B\r\n"
	    "Content-Disposition: form-data; name=\"doc\"; filename=\"%s\""
	    "\r\nContent-Type: text/plain\r\n\r\n%s\r\n--B--\r\n", fname, c);
	assert_true(n > 0 && (size_t)n < sizeof(body));
	assert_non_null(data);
	assert_int_equal(wk_multipart_parse(mp, &arena, "multipart/form-data; "
	    "boundary=B", NULL, body, (size_t)n), 0);
	for (i = 0; i < mp->n_parts; i++)
		if (mp->parts[i].filename == NULL)
			assert_int_equal(wk_kv_add(&arena, data, mp->parts[i].name,
			    mp->parts[i].value, mp->parts[i].value_len), 0);
	assert_int_equal(wk_form_init(f, &up_form, &arena), 0);
	assert_int_equal(wk_form_bind_data(f, data), 0);
	assert_int_equal(wk_form_bind_files(f, mp), 0);
	return wk_form_is_valid(f);
}

static void
test_file_field(void **state)
{
	struct wk_multipart mp;
	struct wk_form f;
	wk_buf b;

	(void)state;
	assert_int_equal(upload(&f, &mp, "../../x.cgi", "hello"), 1);
	assert_string_equal(wk_form_text(&f, "title"), "Hi");
	assert_non_null(wk_form_get(&f, "doc")->file);
	assert_null(strstr(wk_form_text(&f, "doc"), "/"));
	assert_null(strstr(wk_form_text(&f, "doc"), ".cgi"));
	assert_int_equal(access(wk_form_get(&f, "doc")->file->path, R_OK), 0);
	assert_null(wk_form_get(&f, "opt")->file);
	wk_buf_init(&b, &arena);
	assert_int_equal(wk_form_render_widget(&f, "doc", &b), 0);
	assert_non_null(strstr(b.data, "<input type=\"file\" name=\"doc\""));
	assert_null(strstr(b.data, "value="));
	wk_multipart_cleanup(&mp);

	assert_int_equal(upload(&f, &mp, "big.txt", "0123456789abc"), 0);
	assert_string_equal(err(&f, "doc"),
	    "Ensure this file has at most 10 bytes (it has 13).");
	wk_multipart_cleanup(&mp);
	assert_int_equal(upload(&f, &mp, "empty.txt", ""), 0);
	assert_string_equal(err(&f, "doc"), "The submitted file is empty.");
	wk_multipart_cleanup(&mp);
	/* The file input left empty: no file, required. */
	assert_int_equal(upload(&f, &mp, "", ""), 0);
	assert_string_equal(err(&f, "doc"), "This field is required.");
	wk_multipart_cleanup(&mp);
}

/* ---- model forms ---------------------------------------------------------------------------- */

#define T_BOOK(F, M) \
	F(M, title, TEXT, .max_length = 20, .verbose_name = "title") \
	F(M, isbn, TEXT, .max_length = 13, .flags = WK_UNIQUE, \
	    .verbose_name = "ISBN") \
	F(M, pages, INT, .flags = WK_NULL) \
	F(M, price, REAL, .def = "9.5") \
	F(M, kind, TEXT, .max_length = 1, .def = "p", \
	    .choices = WK_CHOICES({ "p", "Paper" }, { "e", "Ebook" })) \
	F(M, notes, TEXT, .flags = WK_BLANK, .def = "") \
	F(M, out, BOOL, .def = "0") \
	F(M, published, DATE, .flags = WK_NULL)
WK_MODEL_STRUCT(t_book, T_BOOK)
WK_MODEL_DEFINE(t_book, T_BOOK, .verbose_name = "book")

/* Foreign keys: to authors (named by a field), shelves (named by a
 * function), books (Django's default name); one shown as a raw id. */
#define T_AUTHOR(F, M) \
	F(M, name, TEXT, .max_length = 50)
WK_MODEL_STRUCT(t_author, T_AUTHOR)
WK_MODEL_DEFINE(t_author, T_AUTHOR, .verbose_name = "author",
    .str_field = "name")

#define T_SHELF(F, M) \
	F(M, room, TEXT, .max_length = 20)
WK_MODEL_STRUCT(t_shelf, T_SHELF)

static const char *
shelf_str(const void *obj, wk_arena *a)
{
	return wk_arena_printf(a, "Shelf in %s",
	    ((const struct t_shelf *)obj)->room);
}
WK_MODEL_DEFINE(t_shelf, T_SHELF, .verbose_name = "shelf", .str = shelf_str)

#define T_COPY(F, M) \
	F(M, author, FK, .to = &t_author_model) \
	F(M, shelf, FK, .to = &t_shelf_model, .flags = WK_NULL, \
	    .on_delete = WK_SET_NULL) \
	F(M, book, FK, .to = &t_book_model, .flags = WK_NULL, \
	    .on_delete = WK_SET_NULL) \
	F(M, owner, FK, .to = &t_author_model, .flags = WK_NULL | WK_RAW_ID, \
	    .on_delete = WK_SET_NULL)
WK_MODEL_STRUCT(t_copy, T_COPY)
WK_MODEL_DEFINE(t_copy, T_COPY, .verbose_name = "copy")

static const struct wk_model *const book_models[] = { &t_book_model,
    &t_author_model, &t_shelf_model, &t_copy_model, NULL };
static const struct wk_migration book_steps[] = {
	WK_MIGRATION("0001", WK_CREATE_TABLE(t_book_model),
	    WK_CREATE_TABLE(t_author_model), WK_CREATE_TABLE(t_shelf_model),
	    WK_CREATE_TABLE(t_copy_model)),
};
static const struct wk_schema book_schema = {
	.app = "formtest", .order = 100, .models = book_models,
	.steps = book_steps, .nsteps = 1,
};

static char tmpdir[64];

static int
setup_db(void **state)
{
	char path[128];

	setup(state);
	wk_log_set_fd(-1);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/wick-form-XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	snprintf(path, sizeof(path), "%s/t.sqlite3", tmpdir);
	wk_schema_reset();
	assert_int_equal(wk_schema_register(&book_schema), 0);
	assert_int_equal(wk_db_set_path(path), 0);
	wk_db_allow_create(1);
	assert_int_equal(wk_migrate_run(NULL), WK_DB_OK);
	wk_db_allow_create(0);
	return 0;
}

static int
teardown_db(void **state)
{
	char cmd[128];

	wk_db_close();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	assert_int_equal(system(cmd), 0);
	return teardown(state);
}

static int
bind_model(struct wk_model_form *mf, void *instance, const char *const *pairs)
{
	static const char *const fields[] = { "title", "isbn", "pages",
	    "price", "kind", "notes", "out", "published", NULL };
	struct wk_kvlist *data = wk_arena_calloc(&arena, 1, sizeof(*data));
	size_t i;

	assert_int_equal(wk_model_form_init(mf, &arena, &t_book_model, fields,
	    instance), 0);
	for (i = 0; pairs[i] != NULL; i += 2)
		assert_int_equal(wk_kv_add(&arena, data, pairs[i], pairs[i + 1],
		    strlen(pairs[i + 1])), 0);
	assert_int_equal(wk_form_bind_data(&mf->form, data), 0);
	return wk_model_form_is_valid(mf);
}

static void
test_model_form_derived(void **state)
{
	static const char *const bad_fields[] = { "title", "nope", NULL };
	static const char *const id_field[] = { "id", NULL };
	struct wk_model_form mf;
	wk_buf b;

	(void)state;
	assert_int_equal(wk_model_form_init(&mf, &arena, &t_book_model,
	    bad_fields, NULL), -1);
	assert_int_equal(wk_model_form_init(&mf, &arena, &t_book_model,
	    id_field, NULL), -1);
	{
		static const char *const none[] = { NULL };
		assert_int_equal(bind_model(&mf, NULL, none), 0);
	}
	assert_string_equal(err(&mf.form, "title"), "This field is required.");
	assert_null(err(&mf.form, "pages"));     /* WK_NULL: optional */
	assert_null(err(&mf.form, "notes"));     /* WK_BLANK: optional */
	assert_null(err(&mf.form, "out"));       /* BOOL: optional */
	assert_int_equal(mf.fields[4].kind, WK_FF_CHOICE);
	assert_int_equal(mf.fields[5].kind, WK_FF_TEXTAREA);
	wk_buf_init(&b, &arena);
	assert_int_equal(wk_model_form_init(&mf, &arena, &t_book_model,
	    (const char *const[]){ "price", "kind", "isbn", NULL }, NULL), 0);
	assert_int_equal(wk_form_render_p(&mf.form, &b), 0);
	assert_non_null(strstr(b.data, "value=\"9.5\""));   /* model default */
	assert_non_null(strstr(b.data, "<option value=\"p\" selected>Paper"));
	assert_non_null(strstr(b.data, ">ISBN:</label>"));
	assert_non_null(strstr(b.data, "maxlength=\"13\""));
}

static void
test_model_form_save_and_unique(void **state)
{
	static const char *const one[] = { "title", "C", "isbn", "111",
	    "pages", "300", "price", "12.5", "kind", "e", "out", "on",
	    "published", "2020-01-02", NULL };
	static const char *const dup[] = { "title", "Other", "isbn", "111",
	    "price", "2", "kind", "p", NULL };
	static const char *const too_long[] = { "title",
	    "012345678901234567890", "isbn", "222", "price", "2", "kind", "p",
	    NULL };
	struct wk_model_form mf;
	struct t_book *b;
	void *row;

	(void)state;
	assert_int_equal(bind_model(&mf, NULL, one), 1);
	assert_int_equal(wk_model_form_save(&mf), WK_DB_OK);
	b = mf.obj;
	assert_true(b->id > 0);
	assert_int_equal(wk_orm_get(&arena, &t_book_model, b->id, &row),
	    WK_DB_OK);
	b = row;
	assert_string_equal(b->title, "C");
	assert_int_equal(b->pages, 300);
	assert_true(b->price == 12.5);
	assert_string_equal(b->kind, "e");
	assert_int_equal(b->out, 1);
	assert_string_equal(b->published, "2020-01-02");

	/* The same ISBN: a field error, not a 500. */
	assert_int_equal(bind_model(&mf, NULL, dup), 1);
	assert_int_equal(wk_model_form_save(&mf), WK_DB_INVALID);
	assert_string_equal(err(&mf.form, "isbn"),
	    "Book with this ISBN already exists.");

	/* Editing the row itself keeps its own ISBN. */
	assert_int_equal(bind_model(&mf, row, (const char *const[]){ "title",
	    "D", "isbn", "111", "price", "1", "kind", "p", NULL }), 1);
	assert_int_equal(wk_model_form_save(&mf), WK_DB_OK);
	assert_int_equal(wk_orm_get(&arena, &t_book_model, b->id, &row),
	    WK_DB_OK);
	assert_string_equal(((struct t_book *)row)->title, "D");
	assert_true(wk_is_null((struct t_book *)row, t_book, pages));

	assert_int_equal(bind_model(&mf, NULL, too_long), 0);
	assert_non_null(strstr(err(&mf.form, "title"), "at most 20"));
}

/* ---- foreign keys: <select> of the related rows ------------------------------------ */

static long long
add_author(const char *name)
{
	struct t_author a;

	assert_int_equal(wk_model_init(&t_author_model, &a), 0);
	a.name = name;
	assert_int_equal(wk_orm_create(&t_author_model, &a), WK_DB_OK);
	return a.id;
}

static long long
add_shelf(const char *room)
{
	struct t_shelf s;

	assert_int_equal(wk_model_init(&t_shelf_model, &s), 0);
	s.room = room;
	assert_int_equal(wk_orm_create(&t_shelf_model, &s), WK_DB_OK);
	return s.id;
}

static const char *const copy_fields[] = { "author", "shelf", "book",
    "owner", NULL };

static const char *
widget(struct wk_model_form *mf, const char *name)
{
	wk_buf b;

	wk_buf_init(&b, &arena);
	assert_int_equal(wk_form_render_widget(&mf->form, name, &b), 0);
	return wk_buf_cstr(&b);
}

static int
bind_copy(struct wk_model_form *mf, void *instance, const char *const *pairs)
{
	struct wk_kvlist *data = wk_arena_calloc(&arena, 1, sizeof(*data));
	size_t i;

	assert_int_equal(wk_model_form_init(mf, &arena, &t_copy_model,
	    copy_fields, instance), 0);
	for (i = 0; pairs[i] != NULL; i += 2)
		assert_int_equal(wk_kv_add(&arena, data, pairs[i], pairs[i + 1],
		    strlen(pairs[i + 1])), 0);
	assert_int_equal(wk_form_bind_data(&mf->form, data), 0);
	return wk_model_form_is_valid(mf);
}

/* Labels: str_field, the str function, Django's default. */
static void
test_model_str(void **state)
{
	struct t_author au = { .id = 3, .name = "Ann" };
	struct t_shelf sh = { .id = 4, .room = "hall" };
	struct t_book bk = { .id = 5 };

	(void)state;
	assert_string_equal(wk_model_str(&t_author_model, &au, &arena), "Ann");
	assert_string_equal(wk_model_str(&t_shelf_model, &sh, &arena),
	    "Shelf in hall");
	assert_string_equal(wk_model_str(&t_book_model, &bk, &arena),
	    "Book object (5)");
	au.name = NULL;        /* a null label field: the default */
	assert_string_equal(wk_model_str(&t_author_model, &au, &arena),
	    "Author object (3)");
	/* no verbose name: the table name */
	assert_string_equal(wk_model_str(&t_copy_model, &(struct t_copy){
	    .id = 1 }, &arena), "Copy object (1)");
}

static void
test_fk_select(void **state)
{
	struct wk_model_form mf;
	struct t_copy *c;
	const char *w;
	char opt[64];
	long long ann, bob, evil, hall;
	void *row;

	(void)state;
	ann = add_author("Ann");
	bob = add_author("Bob");
	evil = add_author("<b>Eve</b> & \"co\"");
	hall = add_shelf("hall");

	/* A new object: a <select> of every author, the empty choice first
	 * and selected; labels escaped; required. */
	assert_int_equal(wk_model_form_init(&mf, &arena, &t_copy_model,
	    copy_fields, NULL), 0);
	assert_int_equal(mf.fields[0].kind, WK_FF_MODEL);
	w = widget(&mf, "author");
	assert_non_null(strstr(w, "<select name=\"author\" id=\"id_author\" "
	    "required><option value=\"\" selected>---------</option>"));
	snprintf(opt, sizeof(opt), "<option value=\"%lld\">Ann</option>", ann);
	assert_non_null(strstr(w, opt));
	snprintf(opt, sizeof(opt), "<option value=\"%lld\">Bob</option>", bob);
	assert_non_null(strstr(w, opt));
	assert_non_null(strstr(w, "&lt;b&gt;Eve&lt;/b&gt; &amp; &quot;co&quot;"
	    "</option>"));
	assert_null(strstr(w, "<b>Eve"));
	assert_non_null(strstr(w, "</select>"));
	assert_null(strstr(w, "type=\"number\""));
	/* the str function's labels; WK_NULL: not required */
	w = widget(&mf, "shelf");
	assert_non_null(strstr(w, ">Shelf in hall</option>"));
	assert_null(strstr(w, "required"));
	/* no str at all: Django's default name; the model has no rows yet */
	w = widget(&mf, "book");
	assert_string_equal(w, "<select name=\"book\" id=\"id_book\">"
	    "<option value=\"\" selected>---------</option></select>");

	/* Saved, then edited: the current value selected, and a required
	 * field with a value has no empty choice (Django). */
	{
		const char *in[] = { "author", wk_arena_printf(&arena, "%lld",
		    bob), "shelf", wk_arena_printf(&arena, " %lld ", hall),
		    NULL };
		assert_int_equal(bind_copy(&mf, NULL, in), 1);
	}
	c = mf.obj;
	assert_int_equal(c->author, bob);
	assert_non_null(c->author_obj);
	assert_string_equal(((const struct t_author *)c->author_obj)->name,
	    "Bob");
	assert_int_equal(c->shelf, hall);
	assert_true(wk_is_null(c, t_copy, book));
	assert_null(c->book_obj);
	assert_int_equal(wk_form_int(&mf.form, "author"), bob);
	assert_int_equal(wk_model_form_save(&mf), WK_DB_OK);
	assert_int_equal(wk_orm_get(&arena, &t_copy_model, c->id, &row),
	    WK_DB_OK);
	assert_int_equal(((struct t_copy *)row)->author, bob);
	assert_int_equal(wk_model_form_init(&mf, &arena, &t_copy_model,
	    copy_fields, row), 0);
	w = widget(&mf, "author");
	assert_null(strstr(w, "---------"));
	snprintf(opt, sizeof(opt), "<option value=\"%lld\" selected>Bob"
	    "</option>", bob);
	assert_non_null(strstr(w, opt));
	snprintf(opt, sizeof(opt), "<option value=\"%lld\">Ann</option>", ann);
	assert_non_null(strstr(w, opt));
	/* an optional field keeps the empty choice, unselected */
	w = widget(&mf, "shelf");
	assert_non_null(strstr(w, "<option value=\"\">---------</option>"));
	snprintf(opt, sizeof(opt), "<option value=\"%lld\" selected>", hall);
	assert_non_null(strstr(w, opt));
	/* the bound value is what is shown after an error */
	{
		const char *in[] = { "author", wk_arena_printf(&arena, "%lld",
		    ann), "shelf", "999", NULL };
		assert_int_equal(bind_copy(&mf, row, in), 0);
	}
	w = widget(&mf, "author");
	snprintf(opt, sizeof(opt), "<option value=\"%lld\" selected>Ann",
	    ann);
	assert_non_null(strstr(w, opt));
	(void)evil;
}

/* A submitted id with no row, or no id at all: the field error, never a
 * 400 page; an empty optional link is NULL. */
static void
test_fk_invalid(void **state)
{
	static const char *const bad[] = { "999", "0", "-1", "1x", "1.0",
	    "9999999999999999999999", "' OR 1=1 --", NULL };
	const char *in[] = { "author", NULL, NULL };
	struct wk_model_form mf;
	long long ann;
	size_t i;

	(void)state;
	ann = add_author("Ann");
	for (i = 0; bad[i] != NULL; i++) {
		in[1] = bad[i];
		assert_int_equal(bind_copy(&mf, NULL, in), 0);
		assert_string_equal(err(&mf.form, "author"), "Select a valid "
		    "choice. That choice is not one of the available choices.");
		assert_int_equal(mf.form.errors.len, 1);
	}
	/* missing: required */
	in[0] = NULL;
	assert_int_equal(bind_copy(&mf, NULL, in), 0);
	assert_string_equal(err(&mf.form, "author"), "This field is required.");
	/* a valid author, an invalid optional shelf */
	{
		const char *two[] = { "author", wk_arena_printf(&arena, "%lld",
		    ann), "shelf", "42", "book", "", NULL };
		assert_int_equal(bind_copy(&mf, NULL, two), 0);
		assert_null(err(&mf.form, "author"));
		assert_non_null(err(&mf.form, "shelf"));
		assert_null(err(&mf.form, "book"));
	}
	/* A row deleted between cleaning and saving: the database refuses
	 * the link, and it is the same field error. */
	{
		long long gone = add_author("Gone");
		const char *in2[] = { "author", wk_arena_printf(&arena, "%lld",
		    gone), NULL };
		struct wk_query q;
		long long n = 0;
		assert_int_equal(bind_copy(&mf, NULL, in2), 1);
		wk_q_init(&q, &arena, &t_author_model);
		wk_q_filter(&q, "id", wk_val_int(gone));
		assert_int_equal(wk_q_delete(&q, &n), WK_DB_OK);
		assert_int_equal(n, 1);
		assert_int_equal(wk_model_form_save(&mf), WK_DB_INVALID);
		assert_string_equal(err(&mf.form, "author"), "Select a valid "
		    "choice. That choice is not one of the available choices.");
	}
}

/* Raw ids: per model field (WK_RAW_ID), per form (wk_model_form_raw_id),
 * and above WK_FORM_SELECT_MAX rows. */
static void
test_fk_raw_id(void **state)
{
	struct wk_model_form mf;
	const char *w;
	char want[160];
	long long evil, id;
	int i;

	(void)state;
	evil = add_author("<i>Eve</i>");
	/* WK_RAW_ID on the model field: a text box, then the row's label */
	{
		const char *in[] = { "author", wk_arena_printf(&arena, "%lld",
		    evil), "owner", wk_arena_printf(&arena, "%lld", evil),
		    NULL };
		assert_int_equal(bind_copy(&mf, NULL, in), 1);
	}
	w = widget(&mf, "owner");
	snprintf(want, sizeof(want), "<input type=\"text\" name=\"owner\" "
	    "id=\"id_owner\" value=\"%lld\" class=\"vForeignKeyRawIdAdmin"
	    "Field\"> <strong>&lt;i&gt;Eve&lt;/i&gt;</strong>", evil);
	assert_string_equal(w, want);
	/* a submitted hostile value is escaped back, with no label */
	{
		const char *in[] = { "author", "x", "owner",
		    "\"><script>1</script>", NULL };
		assert_int_equal(bind_copy(&mf, NULL, in), 0);
		assert_non_null(err(&mf.form, "owner"));
	}
	w = widget(&mf, "owner");
	assert_null(strstr(w, "<script>"));
	assert_non_null(strstr(w, "value=\"&quot;&gt;&lt;script&gt;"));
	assert_null(strstr(w, "<strong>"));
	/* chosen per form */
	assert_int_equal(wk_model_form_init(&mf, &arena, &t_copy_model,
	    copy_fields, NULL), 0);
	assert_int_equal(wk_model_form_raw_id(&mf, "author"), 0);
	assert_int_equal(wk_model_form_raw_id(&mf, "nope"), -1);
	w = widget(&mf, "author");
	assert_string_equal(w, "<input type=\"text\" name=\"author\" "
	    "id=\"id_author\" class=\"vForeignKeyRawIdAdminField\" required>");
	/* a plain form's own field */
	{
		static const struct wk_form_field ff[] = {
			{ .name = "who", .kind = WK_FF_MODEL,
			  .model = &t_author_model, .flags = WK_FF_RAW_ID },
			{ .name = "broken", .kind = WK_FF_MODEL,
			  .flags = WK_FF_OPTIONAL },
		};
		static const struct wk_form_def fdef = WK_FORM_DEF(ff, NULL);
		struct wk_form f;
		struct wk_kvlist data = { 0 };
		wk_buf b;

		assert_int_equal(wk_form_init(&f, &fdef, &arena), 0);
		assert_int_equal(wk_kv_add(&arena, &data, "who", "1", 1), 0);
		assert_int_equal(wk_kv_add(&arena, &data, "broken", "1", 1), 0);
		assert_int_equal(wk_form_bind_data(&f, &data), 0);
		assert_int_equal(wk_form_is_valid(&f), 0);
		assert_null(err(&f, "who"));
		assert_non_null(wk_form_get(&f, "who")->row);
		assert_non_null(err(&f, "broken"));     /* no .model */
		wk_buf_init(&b, &arena);
		assert_int_equal(wk_form_render_widget(&f, "broken", &b), -1);
	}
	/* More rows than a <select> should carry: a raw id box by itself */
	assert_int_equal(wk_db_begin(), WK_DB_OK);
	for (i = 0; i < WK_FORM_SELECT_MAX; i++)
		id = add_author("many");
	assert_int_equal(wk_db_commit(), WK_DB_OK);
	assert_int_equal(wk_model_form_init(&mf, &arena, &t_copy_model,
	    copy_fields, NULL), 0);
	w = widget(&mf, "author");
	assert_non_null(strstr(w, "<input type=\"text\" name=\"author\""));
	assert_null(strstr(w, "<select"));
	/* ... and still cleans by lookup */
	{
		const char *in[] = { "author", wk_arena_printf(&arena, "%lld",
		    id), NULL };
		assert_int_equal(bind_copy(&mf, NULL, in), 1);
	}
	w = widget(&mf, "author");
	assert_non_null(strstr(w, "<strong>many</strong>"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_valid_and_cleaned, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_required_length_and_validator, setup, teardown),
		cmocka_unit_test(test_django_url_rules),
		cmocka_unit_test(test_django_email_rules),
		cmocka_unit_test(test_punycode_and_ips),
		cmocka_unit_test_setup_teardown(test_email_url_tables, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_render_escapes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_template_value, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_file_field, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_model_form_derived,
		    setup_db, teardown_db),
		cmocka_unit_test_setup_teardown(test_model_form_save_and_unique,
		    setup_db, teardown_db),
		cmocka_unit_test_setup_teardown(test_model_str, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_fk_select, setup_db,
		    teardown_db),
		cmocka_unit_test_setup_teardown(test_fk_invalid, setup_db,
		    teardown_db),
		cmocka_unit_test_setup_teardown(test_fk_raw_id, setup_db,
		    teardown_db),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
