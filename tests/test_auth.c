/*
 * test_auth.c - users, permissions, login and logout through the tests'
 * fixture app (tests/fixture/; the test client with its cookie jar): the
 * next= table, session fixation (the id changes at login),
 * login_required, logout by POST only, throttling (the 11th attempt gets
 * 429 without a password check), the same answer for unknown, wrong and
 * inactive, a 1 MiB password refused fast, rehash when the iterations
 * rose, a password change ending other sessions, permissions through
 * users and groups, the view guards, and createsuperuser.  The demo's own
 * pages that need a login are tested in cgi-bin/blog/tests/test_accounts.c.
 * Each test gets its own SQLite file (wk_test_client_fresh_db); PBKDF2
 * runs 1000 iterations.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include "wick/auth/auth.h"
#include "wick/core/crypto.h"
#include "wick/db/db.h"
#include "wick/core/log.h"
#include "wick/http/middleware.h"
#include "wick/db/migrate.h"
#include "wick/db/orm.h"
#include "wick/auth/password.h"
#include "wick/http/response.h"
#include "wick/auth/session.h"
#include "wick/front/testclient.h"
#include "fixture/fixture.h"

#define PW "correct horse battery"

static struct wk_test_client client;
static wk_arena arena;
static long long alice_id;
static char dbpath[128];

static int
setup(void **state)
{
	struct wk_settings s;

	(void)state;
	if (getenv("TEST_LOG") == NULL)
		wk_log_set_fd(-1);
	wk_arena_init(&arena);
	wk_settings_defaults(&s);
	s.password_iterations = 1000;
	assert_int_equal(wk_test_client_init(&client, &fixture_app, &s), 0);
	/* a file: the commands reopen it from the settings */
	assert_int_equal(wk_test_client_fresh_db(&client, WK_TEST_DB_FILE), 0);
	snprintf(dbpath, sizeof(dbpath), "%s", client.db_path);
	assert_int_equal(wk_auth_create_user(&arena, "alice", "a@example.com",
	    PW, 1000, 0, &alice_id), WK_DB_OK);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	wk_test_client_free(&client);   /* and the database, and its folder */
	wk_arena_free(&arena);
	return 0;
}

/* ---- helpers ----------------------------------------------------------------------- */

static long long
count(const char *table_sql_is_fixed)
{
	struct wk_raw r;
	long long n = -1;
	int st;

	if (strcmp(table_sql_is_fixed, "session") == 0)
		st = wk_raw(&r, &arena, "SELECT count(*) FROM wick_session",
		    NULL, 0);
	else
		st = wk_raw(&r, &arena, "SELECT count(*) FROM "
		    "wick_login_failure", NULL, 0);
	while ((st == WK_DB_OK || st == WK_DB_ROW) &&
	    (st = wk_raw_next(&r)) == WK_DB_ROW)
		n = wk_raw_col(&r, 0).u.i;
	wk_raw_close(&r);
	return n;
}

/* The CSRF form token in body, "" when the page has none. */
static const char *
token_in(const char *body)
{
	static char tok[256];
	const char *p = strstr(body, "name=\"csrfmiddlewaretoken\" value=\"");
	size_t n;

	tok[0] = '\0';
	if (p == NULL)
		return tok;
	p += strlen("name=\"csrfmiddlewaretoken\" value=\"");
	n = strcspn(p, "\"");
	if (n < sizeof(tok)) {
		memcpy(tok, p, n);
		tok[n] = '\0';
	}
	return tok;
}

/* GET the login page for a fresh token. */
static const char *
fresh_token(void)
{
	struct wk_test_response r;
	static char tok[256];

	assert_int_equal(wk_test_get(&client, "/accounts/login/", &r), 0);
	assert_int_equal(r.status, 200);
	snprintf(tok, sizeof(tok), "%s", token_in(r.body));
	wk_test_response_free(&r);
	return tok;
}

/* POST fields (urlencoded) with a fresh CSRF token added. */
static void
post(const char *path, const char *fields, struct wk_test_response *r)
{
	const char *tok = fresh_token();
	size_t len = strlen(fields) + strlen(tok) + 32;
	char *body = malloc(len);
	int n;

	assert_non_null(body);
	n = snprintf(body, len, "%s%scsrfmiddlewaretoken=%s", fields,
	    fields[0] ? "&" : "", tok);
	assert_true(n > 0 && (size_t)n < len);
	assert_int_equal(wk_test_post(&client, path,
	    "application/x-www-form-urlencoded", body, r), 0);
	free(body);
}

static int
login(const char *user, const char *pw)
{
	struct wk_test_response r;
	char fields[512];
	int st;

	snprintf(fields, sizeof(fields), "username=%s&password=%s", user, pw);
	post("/accounts/login/", fields, &r);
	st = r.status;
	wk_test_response_free(&r);
	return st;
}

static int
status_of_get(const char *path)
{
	struct wk_test_response r;
	int st;

	assert_int_equal(wk_test_get(&client, path, &r), 0);
	st = r.status;
	wk_test_response_free(&r);
	return st;
}

/* ---- next= -------------------------------------------------------------------------- */

static void
test_safe_next_table(void **state)
{
	static const struct { const char *url; int ok; } t[] = {
		{ "/", 1 }, { "/posts/", 1 }, { "/posts/?page=2", 1 },
		{ "/cgi-bin/blog.cgi/posts/new/", 1 }, { "/a%2F%2Fb", 1 },
		{ NULL, 0 }, { "", 0 }, { "posts/", 0 },
		{ "//evil.com", 0 }, { "///evil.com", 0 }, { "/\\evil.com", 0 },
		{ "\\\\evil.com", 0 }, { "/\\/evil.com", 0 },
		{ "http://evil.com", 0 }, { "https://localhost/x", 0 },
		{ "javascript:alert(1)", 0 }, { "JaVaScRiPt:alert(1)", 0 },
		{ "/\t/evil.com", 0 }, { "/\n/evil.com", 0 },
		{ "/x\r\nSet-Cookie: a=b", 0 }, { " /x", 0 }, { "\x01/x", 0 },
		{ "/x y", 0 }, { "/\xc3\xa9", 0 }, { "data:text/html,x", 0 },
		{ "/x\\y", 0 }, { "mailto:a@b", 0 }, { "ftp://x/", 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (wk_auth_safe_next(t[i].url) != t[i].ok)
			fail_msg("next=%s: expected %d", t[i].url ? t[i].url :
			    "(null)", t[i].ok);
	}
}

static void
test_login_next_followed_only_when_safe(void **state)
{
	struct wk_test_response r;

	(void)state;
	post("/accounts/login/?next=/posts/", "username=alice&password="
	    "correct+horse+battery", &r);
	assert_int_equal(r.status, 302);
	assert_string_equal(wk_test_header(&r, "Location"), "/posts/");
	wk_test_response_free(&r);
	wk_kv_remove(&client.jar, "sessionid");
	post("/accounts/login/", "username=alice&password=correct+horse+"
	    "battery&next=%2F%2Fevil.com", &r);
	assert_int_equal(r.status, 302);
	assert_string_equal(wk_test_header(&r, "Location"), "/");
	wk_test_response_free(&r);
	wk_kv_remove(&client.jar, "sessionid");
	post("/accounts/login/", "username=alice&password=correct+horse+"
	    "battery&next=https%3A%2F%2Fevil.com%2F", &r);
	assert_int_equal(r.status, 302);
	assert_string_equal(wk_test_header(&r, "Location"), "/");
	wk_test_response_free(&r);
}

/* ---- login, fixation, logout ------------------------------------------------------------- */

static void
test_login_rotates_session(void **state)
{
	static const char planted[] =
	    "abababababababababababababababababababababababababababababababab";
	struct wk_value args[1] = { wk_val_str(planted) };
	const char *after;

	(void)state;
	/* A session that exists before login (e.g. one an attacker got the
	 * victim to use) must not survive it under the same id. */
	assert_int_equal(wk_raw_exec(&arena, "INSERT INTO wick_session "
	    "(session_key, session_data, expire_date) VALUES (?, 'cart=3', "
	    "'2999-01-01T00:00:00Z')", args, 1, NULL), WK_DB_OK);
	assert_int_equal(wk_kv_set(&client.arena, &client.jar, "sessionid",
	    planted, strlen(planted)), 0);
	assert_int_equal(login("alice", "correct+horse+battery"), 302);
	after = wk_kv_get(&client.jar, "sessionid");
	assert_non_null(after);
	assert_string_not_equal(after, planted);
	assert_int_equal(count("session"), 1);
	/* The planted id is gone from the store. */
	assert_int_equal(wk_kv_set(&client.arena, &client.jar, "sessionid",
	    planted, strlen(planted)), 0);
	assert_int_equal(status_of_get("/posts/new/"), 302);
}

static void
test_login_required_and_logout(void **state)
{
	struct wk_test_response r;

	(void)state;
	assert_int_equal(wk_test_get(&client, "/posts/new/?x=1", &r), 0);
	assert_int_equal(r.status, 302);
	assert_string_equal(wk_test_header(&r, "Location"),
	    "/accounts/login/?next=/posts/new/%3Fx%3D1");
	wk_test_response_free(&r);
	assert_int_equal(count("session"), 0);

	assert_int_equal(login("alice", "correct+horse+battery"), 302);
	assert_int_equal(wk_test_get(&client, "/posts/new/", &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "name=\"title\""));
	assert_non_null(strstr(r.body, "Log out alice"));
	wk_test_response_free(&r);

	/* Logout is POST only. */
	assert_int_equal(status_of_get("/accounts/logout/"), 405);
	assert_int_equal(status_of_get("/posts/new/"), 200);
	post("/accounts/logout/", "", &r);
	assert_int_equal(r.status, 303);
	wk_test_response_free(&r);
	assert_null(wk_kv_get(&client.jar, "sessionid"));
	assert_int_equal(count("session"), 0);
	assert_int_equal(status_of_get("/posts/new/"), 302);
}

static void
test_same_answer_for_bad_logins(void **state)
{
	struct wk_test_response r1, r2, r3;
	char *b1, *b2, *b3;
	struct wk_query q;

	(void)state;
	assert_int_equal(wk_auth_create_user(&arena, "bob", "", PW, 1000, 0,
	    NULL), WK_DB_OK);
	wk_q_init(&q, &arena, &wick_user_model);
	wk_q_filter(&q, "username", wk_val_str("bob"));
	wk_q_set(&q, "is_active", wk_val_bool(0));
	assert_int_equal(wk_q_update(&q, NULL), WK_DB_OK);

	post("/accounts/login/", "username=nobody&password=x", &r1);
	post("/accounts/login/", "username=alice&password=wrong", &r2);
	post("/accounts/login/", "username=bob&password=correct+horse+battery",
	    &r3);
	assert_int_equal(r1.status, 200);
	assert_int_equal(r2.status, 200);
	assert_int_equal(r3.status, 200);
	/* Same page apart from the username echoed back and the token. */
	b1 = strstr(r1.body, "errorlist");
	b2 = strstr(r2.body, "errorlist");
	b3 = strstr(r3.body, "errorlist");
	assert_non_null(b1);
	assert_non_null(b2);
	assert_non_null(b3);
	assert_memory_equal(b1, b2, 120);
	assert_memory_equal(b1, b3, 120);
	assert_null(wk_kv_get(&client.jar, "sessionid"));
	wk_test_response_free(&r1);
	wk_test_response_free(&r2);
	wk_test_response_free(&r3);
	assert_int_equal(count("failures"), 3);
}

/* Give alice a hash that would take minutes to check: a real one-iteration
 * hash relabelled with the most iterations Wick accepts (making a real one
 * would itself take those minutes; the tests only need that nobody tries
 * to verify it). */
static void
make_alice_slow(void)
{
	char one[WK_PASSWORD_ENCODED_MAX], enc[WK_PASSWORD_ENCODED_MAX];
	const char *rest;
	struct wk_query q;
	int n;

	assert_int_equal(wk_password_make(one, sizeof(one), PW, strlen(PW), 1,
	    "abcdefghijklmnopqrstuv"), WK_PASSWORD_OK);
	assert_int_equal(wk_password_needs_rehash(one, 2), 1); /* well formed */
	assert_non_null(rest = strstr(one, "$1$"));
	n = snprintf(enc, sizeof(enc), "pbkdf2_sha256$%ld%s",
	    WK_PASSWORD_MAX_ITERATIONS, rest + 2);
	assert_true(n > 0 && (size_t)n < sizeof(enc));
	wk_q_init(&q, &arena, &wick_user_model);
	wk_q_filter(&q, "id", wk_val_int(alice_id));
	wk_q_set(&q, "password", wk_val_str(enc));
	assert_int_equal(wk_q_update(&q, NULL), WK_DB_OK);
}

static void
test_throttle_by_username(void **state)
{
	struct wk_test_response r;
	time_t t0;
	int i;

	(void)state;
	for (i = 0; i < WK_AUTH_MAX_FAILURES; i++)
		assert_int_equal(login("alice", "wrong"), 200);
	assert_int_equal(count("failures"), WK_AUTH_MAX_FAILURES);
	/* The 11th, with the right password, is refused without a check:
	 * the stored hash would take minutes to verify. */
	make_alice_slow();
	t0 = time(NULL);
	post("/accounts/login/", "username=alice&password=correct+horse+"
	    "battery", &r);
	assert_int_equal(r.status, 429);
	assert_non_null(strstr(r.body, "Too many failed login attempts"));
	assert_non_null(wk_test_header(&r, "Retry-After"));
	wk_test_response_free(&r);
	assert_true(time(NULL) - t0 < 5);
	assert_int_equal(count("failures"), WK_AUTH_MAX_FAILURES);
	assert_null(wk_kv_get(&client.jar, "sessionid"));
}

static void
test_throttle_by_address(void **state)
{
	char user[32];
	int i;

	(void)state;
	for (i = 0; i < WK_AUTH_MAX_FAILURES; i++) {
		snprintf(user, sizeof(user), "guess%d", i);
		assert_int_equal(login(user, "x"), 200);
	}
	assert_int_equal(login("alice", "correct+horse+battery"), 429);
	/* Old failures stop counting after the window. */
	assert_int_equal(wk_raw_exec(&arena, "UPDATE wick_login_failure SET "
	    "at = at - 901", NULL, 0, NULL), WK_DB_OK);
	assert_int_equal(login("alice", "correct+horse+battery"), 302);
}

/* A login that succeeds but cannot clear the name's failures still logs
 * the user in, and the log says so (the failures stay counted). */
static void
test_failures_not_cleared_logged(void **state)
{
	char logbuf[4096];
	FILE *f;
	size_t n;
	int i;

	(void)state;
	for (i = 0; i < 3; i++)
		assert_int_equal(login("alice", "wrong"), 200);
	assert_int_equal(wk_raw_exec(&arena, "CREATE TRIGGER keep BEFORE "
	    "DELETE ON wick_login_failure BEGIN SELECT RAISE(ABORT, 'kept'); "
	    "END", NULL, 0, NULL), WK_DB_OK);
	assert_non_null(f = tmpfile());
	wk_log_set_fd(fileno(f));
	assert_int_equal(login("alice", "correct+horse+battery"), 302);
	wk_log_set_fd(-1);
	rewind(f);
	n = fread(logbuf, 1, sizeof(logbuf) - 1, f);
	logbuf[n] = '\0';
	fclose(f);
	assert_non_null(strstr(logbuf, "failures of 'alice' not cleared"));
	assert_non_null(strstr(logbuf, "kept"));
	assert_int_equal(count("failures"), 3);
	assert_int_equal(wk_raw_exec(&arena, "DROP TRIGGER keep", NULL, 0,
	    NULL), WK_DB_OK);
	assert_int_equal(login("alice", "correct+horse+battery"), 302);
	assert_int_equal(count("failures"), 0);
}

static void
test_huge_password_refused_fast(void **state)
{
	struct wk_test_response r;
	size_t n = 1u << 20, pre = strlen("username=alice&password=");
	char *body = malloc(pre + n + 1);
	time_t t0;

	(void)state;
	assert_non_null(body);
	make_alice_slow();
	memcpy(body, "username=alice&password=", pre);
	memset(body + pre, 'a', n);
	body[pre + n] = '\0';
	t0 = time(NULL);
	post("/accounts/login/", body, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Please enter a correct username"));
	wk_test_response_free(&r);
	assert_true(time(NULL) - t0 < 5);
	free(body);
}

static void
test_rehash_when_iterations_rose(void **state)
{
	struct wick_user *u;

	(void)state;
	client.settings.password_iterations = 2000;
	assert_int_equal(login("alice", "correct+horse+battery"), 302);
	assert_int_equal(wk_auth_get_user(&arena, "alice", &u), WK_DB_OK);
	assert_non_null(strstr(u->password, "pbkdf2_sha256$2000$"));
	assert_true(wk_password_check(PW, strlen(PW), u->password));
	/* The session survives the upgrade (its digest is of the new hash). */
	assert_int_equal(status_of_get("/posts/new/"), 200);
}

static void
test_password_change_ends_sessions(void **state)
{
	(void)state;
	assert_int_equal(login("alice", "correct+horse+battery"), 302);
	assert_int_equal(status_of_get("/posts/new/"), 200);
	assert_int_equal(wk_auth_set_password(&arena, alice_id, "another one "
	    "entirely", 1000), WK_DB_OK);
	assert_int_equal(status_of_get("/posts/new/"), 302);
}

/* ---- permissions ----------------------------------------------------------------------- */

static void
test_permissions(void **state)
{
	struct wick_user *u, *root;
	long long root_id, gid;

	(void)state;
	assert_int_equal(wk_auth_create_user(&arena, "root", "", PW, 1000, 1,
	    &root_id), WK_DB_OK);
	assert_int_equal(wk_auth_get_user(&arena, "alice", &u), WK_DB_OK);
	assert_int_equal(wk_auth_get_user(&arena, "root", &root), WK_DB_OK);
	assert_int_equal(wk_auth_model_perms(&arena, &fixture_post_model),
	    WK_DB_OK);
	assert_int_equal(wk_auth_model_perms(&arena, &fixture_post_model),
	    WK_DB_OK);
	assert_true(wk_auth_has_perm(&arena, root, "fixture_post.delete"));
	assert_false(wk_auth_has_perm(&arena, u, "fixture_post.add"));
	assert_false(wk_auth_has_perm(&arena, NULL, "fixture_post.add"));

	assert_int_equal(wk_auth_grant(&arena, u->id, 0, "fixture_post.add"),
	    WK_DB_OK);
	assert_int_equal(wk_auth_grant(&arena, u->id, 0, "fixture_post.add"),
	    WK_DB_OK);
	assert_true(wk_auth_has_perm(&arena, u, "fixture_post.add"));
	assert_false(wk_auth_has_perm(&arena, u, "fixture_post.change"));

	assert_int_equal(wk_auth_group_ensure(&arena, "editors", &gid),
	    WK_DB_OK);
	assert_int_equal(wk_auth_grant(&arena, 0, gid, "fixture_post.publish"),
	    WK_DB_OK);
	assert_false(wk_auth_has_perm(&arena, u, "fixture_post.publish"));
	assert_int_equal(wk_auth_group_add(&arena, u->id, gid), WK_DB_OK);
	assert_int_equal(wk_auth_group_add(&arena, u->id, gid), WK_DB_OK);
	assert_true(wk_auth_has_perm(&arena, u, "fixture_post.publish"));

	/* Bad names never reach SQL; inactive users have nothing. */
	assert_false(wk_auth_has_perm(&arena, u, "fixture_post"));
	assert_false(wk_auth_has_perm(&arena, u, "x' OR 1=1 --.add"));
	assert_int_equal(wk_auth_grant(&arena, u->id, gid, "fixture_post.add"),
	    WK_DB_INVALID);
	u->is_active = 0;
	assert_false(wk_auth_has_perm(&arena, u, "fixture_post.add"));
	root->is_active = 0;
	assert_false(wk_auth_has_perm(&arena, root, "fixture_post.add"));
	/* Usernames are checked. */
	assert_int_equal(wk_auth_create_user(&arena, "bad name", "", PW, 1000,
	    0, NULL), WK_DB_INVALID);
	assert_int_equal(wk_auth_create_user(&arena, "alice", "", PW, 1000,
	    0, NULL), WK_DB_CONSTRAINT);
}

/* ---- protecting views: the macros in an app of the test's own ------------------------ */

static int
secret_view(struct wk_request *req, struct wk_response *resp)
{
	(void)req;
	return wk_response_text(resp, 200, "secret");
}
WK_LOGIN_REQUIRED(members_only, secret_view)
WK_PERMISSION_REQUIRED(editors_only, "fixture_post.change", secret_view)

static const struct wk_route guard_routes[] = {
	{ "members/", members_only, "members", WK_GET, NULL },
	{ "editors/", editors_only, "editors", WK_GET, NULL },
	WK_ROUTES_END
};
static const struct wk_middleware *const guard_chain[] = {
	&wk_mw_session, &wk_mw_auth, NULL
};
static const struct wk_app guard_app = {
	.name = "guard", .routes = guard_routes, .middleware = guard_chain,
};

/* A stored session claiming user id with password hash enc: how a forged
 * session looks (a real login is wk_test_force_login). */
static void
plant_login(struct wk_test_client *c, long long id, const char *enc)
{
	static const char key[] =
	    "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd";
	unsigned char d[WK_SHA256_LEN];
	char hex[WK_SHA256_LEN * 2 + 1], data[160];
	struct wk_value args[2];

	wk_sha256(enc, strlen(enc), d);
	assert_int_equal(wk_hex_encode(hex, sizeof(hex), d, sizeof(d)), 64);
	snprintf(data, sizeof(data), "_auth_user_id=%lld&_auth_user_hash=%s",
	    id, hex);
	args[0] = wk_val_str(key);
	args[1] = wk_val_str(data);
	assert_int_equal(wk_raw_exec(&arena, "INSERT INTO wick_session "
	    "(session_key, session_data, expire_date) VALUES (?, ?, "
	    "'2999-01-01T00:00:00Z')", args, 2, NULL), WK_DB_OK);
	assert_int_equal(wk_kv_set(&c->arena, &c->jar, "sessionid", key,
	    strlen(key)), 0);
}

static void
test_view_guards(void **state)
{
	struct wk_test_client c;
	struct wk_test_response r;
	struct wick_user *u;

	(void)state;
	assert_int_equal(wk_test_client_init(&c, &guard_app, NULL), 0);
	c.script_name = "/app.cgi";
	assert_int_equal(wk_test_get(&c, "/editors/", &r), 0);
	assert_int_equal(r.status, 302);
	assert_string_equal(wk_test_header(&r, "Location"),
	    "/app.cgi/accounts/login/?next=/app.cgi/editors/");
	wk_test_response_free(&r);

	assert_int_equal(wk_auth_get_user(&arena, "alice", &u), WK_DB_OK);
	assert_int_equal(wk_test_force_login_id(&c, u->id), 0);
	assert_int_equal(wk_test_get(&c, "/members/", &r), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "secret");
	wk_test_response_free(&r);
	assert_int_equal(wk_test_get(&c, "/editors/", &r), 0);
	assert_int_equal(r.status, 403);
	wk_test_response_free(&r);
	assert_int_equal(wk_auth_grant(&arena, u->id, 0, "fixture_post.change"),
	    WK_DB_OK);
	assert_int_equal(wk_test_get(&c, "/editors/", &r), 0);
	assert_int_equal(r.status, 200);
	wk_test_response_free(&r);
	/* A forged hash in the session is no login (and the session ends). */
	wk_test_client_free(&c);
	assert_int_equal(wk_raw_exec(&arena, "DELETE FROM wick_session", NULL,
	    0, NULL), WK_DB_OK);
	assert_int_equal(wk_test_client_init(&c, &guard_app, NULL), 0);
	plant_login(&c, u->id, "pbkdf2_sha256$1$x$forged");
	assert_int_equal(wk_test_get(&c, "/members/", &r), 0);
	assert_int_equal(r.status, 302);
	wk_test_response_free(&r);
	assert_int_equal(count("session"), 0);
	wk_test_client_free(&c);
}

/* ---- commands ----------------------------------------------------------------------------- */

static int
run_with_stdin(const struct wk_command *cmd, const char *input, int argc,
    char **argv)
{
	struct wk_settings s;
	int fds[2], saved, rc;

	wk_settings_defaults(&s);
	s.password_iterations = 1000;
	s.database = dbpath;   /* never the default under $HOME */
	assert_int_equal(pipe(fds), 0);
	assert_true(write(fds[1], input, strlen(input)) ==
	    (ssize_t)strlen(input));
	close(fds[1]);
	saved = dup(0);
	assert_true(saved >= 0);
	assert_int_equal(dup2(fds[0], 0), 0);
	close(fds[0]);
	rc = cmd->run(&fixture_app, &s, argc, argv);
	assert_int_equal(dup2(saved, 0), 0);
	close(saved);
	return rc;
}

static const struct wk_command *
command(const char *name)
{
	const struct wk_command *c;

	for (c = wk_auth_commands; c->name != NULL; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	fail();
	return NULL;
}

static void
test_createsuperuser_and_changepassword(void **state)
{
	char a0[] = "blog.cgi", a1[] = "createsuperuser", a2[] = "--username",
	    a3[] = "admin", a4[] = "--email", a5[] = "admin@example.com",
	    a6[] = "--password-stdin", b1[] = "changepassword";
	char *argv1[] = { a0, a1, a2, a3, a4, a5, a6, NULL };
	char *argv2[] = { a0, b1, a3, a6, NULL };
	const char *path = dbpath;
	struct wick_user *u;
	int saved_out = dup(1), saved_err = dup(2);
	int devnull = open("/dev/null", O_WRONLY);

	(void)state;
	/* The commands reconfigure the database from settings. */
	assert_true(saved_out >= 0 && saved_err >= 0 && devnull >= 0);
	assert_int_equal(dup2(devnull, 1), 1);
	assert_int_equal(dup2(devnull, 2), 2);
	assert_int_equal(run_with_stdin(command("createsuperuser"),
	    "12345678\n", 7, argv1), 1);     /* numeric: refused */
	assert_int_equal(wk_db_set_path(path), 0);
	assert_int_equal(run_with_stdin(command("createsuperuser"),
	    "a much better pass\n", 7, argv1), 0);
	assert_int_equal(wk_db_set_path(path), 0);
	assert_int_equal(run_with_stdin(command("createsuperuser"),
	    "a much better pass\n", 7, argv1), 1);   /* taken */
	assert_int_equal(wk_db_set_path(path), 0);
	assert_int_equal(run_with_stdin(command("changepassword"),
	    "yet another secret\n", 4, argv2), 0);
	fflush(stdout);
	assert_int_equal(dup2(saved_out, 1), 1);
	assert_int_equal(dup2(saved_err, 2), 2);
	close(saved_out);
	close(saved_err);
	close(devnull);
	assert_int_equal(wk_db_set_path(path), 0);
	assert_int_equal(wk_auth_get_user(&arena, "admin", &u), WK_DB_OK);
	assert_true(u->is_superuser);
	assert_true(u->is_staff);
	assert_string_equal(u->email, "admin@example.com");
	assert_true(wk_password_check("yet another secret", 18, u->password));
}

/* wk_auth_context_processor: "user" is the row of the logged-in user
 * (its fields readable in a template), null for an anonymous visitor;
 * the model names a user by username. */
static void
test_context_processor(void **state)
{
	struct wick_user u;
	struct wk_request rq;
	struct wk_map *ctx = wk_map_new(&arena);
	const struct wk_value *v;
	struct wk_value name;

	(void)state;
	assert_non_null(ctx);
	memset(&rq, 0, sizeof(rq));
	rq.arena = &arena;
	assert_int_equal(wk_auth_context_processor(&rq, ctx), 0);
	v = wk_map_get(ctx, "user", 4);
	assert_non_null(v);
	assert_int_equal(v->kind, WK_VAL_NULL);
	assert_int_equal(wk_model_init(&wick_user_model, &u), 0);
	u.id = 7;
	u.username = "ann<b>";
	rq.slots[WK_SLOT_USER] = &u;
	assert_int_equal(wk_auth_context_processor(&rq, ctx), 0);
	v = wk_map_get(ctx, "user", 4);
	assert_non_null(v);
	assert_int_equal(v->kind, WK_VAL_OBJECT);
	assert_int_equal(wk_value_attr(v, "username", 8, &arena, &name), 0);
	assert_int_equal(name.kind, WK_VAL_STR);
	assert_int_equal(name.u.s.n, 6);
	assert_memory_equal(name.u.s.p, "ann<b>", 6);
	assert_string_equal(wk_model_str(&wick_user_model, &u, &arena),
	    "ann<b>");
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_context_processor),
		T(test_safe_next_table),
		T(test_login_next_followed_only_when_safe),
		T(test_login_rotates_session),
		T(test_login_required_and_logout),
		T(test_same_answer_for_bad_logins),
		T(test_throttle_by_username),
		T(test_throttle_by_address),
		T(test_failures_not_cleared_logged),
		T(test_huge_password_refused_fast),
		T(test_rehash_when_iterations_rose),
		T(test_password_change_ends_sessions),
		T(test_permissions),
		T(test_view_guards),
		T(test_createsuperuser_and_changepassword),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
