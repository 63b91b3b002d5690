/*
 * test_session.c - sessions and flash messages through the whole pipeline
 * (the test client and a small app of its own): lazy creation (anonymous
 * requests leave no row and no cookie), ids chosen by the client never
 * adopted, cycling and flushing, cookie attributes, expiry and
 * clearsessions, the signed-cookie store (secret required, tampering
 * ignored), the data encoding, and messages shown once.
 * Each test gets its own SQLite file in a mkdtemp folder.
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
#include "wick/core/log.h"
#include "wick/http/middleware.h"
#include "wick/db/migrate.h"
#include "wick/db/orm.h"
#include "wick/http/request.h"
#include "wick/http/response.h"
#include "wick/auth/session.h"
#include "wick/front/testclient.h"

static char tmpdir[64];
static char keyfile[128];
static struct wk_test_client client;
static wk_arena arena;

/* ---- a tiny app ----------------------------------------------------------------------- */

static int
v_set(struct wk_request *req, struct wk_response *resp)
{
	const char *v = wk_request_get(req, "v");

	if (wk_session_set(req, "color", v != NULL ? v : "blue") != 0)
		return -1;
	return wk_response_text(resp, 200, "set");
}

static int
v_get(struct wk_request *req, struct wk_response *resp)
{
	const char *v = wk_session_get(req, "color");

	return wk_response_text(resp, 200, v != NULL ? v : "(none)");
}

static int
v_cycle(struct wk_request *req, struct wk_response *resp)
{
	if (wk_session_cycle_key(req) != 0)
		return -1;
	return wk_response_text(resp, 200, "cycled");
}

static int
v_flush(struct wk_request *req, struct wk_response *resp)
{
	if (wk_session_flush(req) != 0)
		return -1;
	return wk_response_text(resp, 200, "flushed");
}

static int
v_msg_add(struct wk_request *req, struct wk_response *resp)
{
	if (wk_message_add(req, WK_MSG_SUCCESS, "Saved <b>ok</b>") != 0 ||
	    wk_message_add(req, WK_MSG_ERROR, "and & one more") != 0)
		return -1;
	return wk_response_text(resp, 200, "added");
}

static int
v_msg_show(struct wk_request *req, struct wk_response *resp)
{
	enum wk_message_level lv[8];
	const char *tx[8];
	size_t n = wk_messages_take(req, lv, tx, 8), i;
	wk_buf *b = &resp->body;

	if (wk_response_text(resp, 200, "") != 0)
		return -1;
	for (i = 0; i < n; i++)
		wk_buf_printf(b, "%s:%s|", wk_message_tag(lv[i]), tx[i]);
	return b->failed ? -1 : 0;
}

/* What wk_messages_context_processor puts in a page's context: "none",
 * "kept" (the view's own "messages", ?keep), or how many it took. */
static int
v_msg_proc(struct wk_request *req, struct wk_response *resp)
{
	struct wk_map *ctx = wk_map_new(req->arena);
	const struct wk_value *v;

	if (ctx == NULL || (wk_request_get(req, "keep") != NULL &&
	    wk_map_set(req->arena, ctx, "messages", wk_val_str("mine")) != 0))
		return -1;
	if (wk_messages_context_processor(req, ctx) != 0)
		return -1;
	if ((v = wk_map_get(ctx, "messages", 8)) == NULL)
		return wk_response_text(resp, 200, "none");
	if (v->kind == WK_VAL_STR)
		return wk_response_text(resp, 200, "kept");
	if (v->kind != WK_VAL_LIST)
		return -1;
	if (wk_response_text(resp, 200, "") != 0)
		return -1;
	return wk_buf_printf(&resp->body, "%zu", v->u.list->len);
}

static int
v_plain(struct wk_request *req, struct wk_response *resp)
{
	(void)req;
	return wk_response_text(resp, 200, "plain");
}

static const struct wk_route routes[] = {
	{ "set", v_set, "set", 0, NULL },
	{ "get", v_get, "get", 0, NULL },
	{ "cycle", v_cycle, "cycle", 0, NULL },
	{ "flush", v_flush, "flush", 0, NULL },
	{ "msg/add", v_msg_add, "msg_add", 0, NULL },
	{ "msg/show", v_msg_show, "msg_show", 0, NULL },
	{ "msg/proc", v_msg_proc, "msg_proc", 0, NULL },
	{ "plain", v_plain, "plain", 0, NULL },
	WK_ROUTES_END
};

static const struct wk_middleware *const db_chain[] = {
	&wk_mw_session, &wk_mw_messages, NULL
};
static const struct wk_middleware *const signed_chain[] = {
	&wk_mw_session_signed, &wk_mw_messages, NULL
};
static const struct wk_middleware *const no_session_chain[] = {
	&wk_mw_messages, NULL
};

static const struct wk_app db_app = {
	.name = "t", .routes = routes, .middleware = db_chain,
};
static const struct wk_app signed_app = {
	.name = "t", .routes = routes, .middleware = signed_chain,
};
static const struct wk_app broken_app = {
	.name = "t", .routes = routes, .middleware = no_session_chain,
};
static const struct wk_middleware *const empty_chain[] = { NULL };
static const struct wk_app sessionless_app = {
	.name = "t", .routes = routes, .middleware = empty_chain,
};

/* ---- fixtures ---------------------------------------------------------------------------- */

static int
setup(void **state)
{
	char path[128];
	FILE *f;

	(void)state;
	if (getenv("TEST_LOG") == NULL)
		wk_log_set_fd(-1);
	wk_arena_init(&arena);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/wick-session-XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	snprintf(path, sizeof(path), "%s/t.sqlite3", tmpdir);
	assert_int_equal(wk_db_set_path(path), 0);
	wk_db_allow_create(1);
	assert_int_equal(wk_migrate_run(NULL), WK_DB_OK);
	wk_db_allow_create(0);
	snprintf(keyfile, sizeof(keyfile), "%s/secret", tmpdir);
	f = fopen(keyfile, "w");
	assert_non_null(f);
	fputs("0123456789abcdef0123456789abcdef-test-secret\n", f);
	fclose(f);
	assert_int_equal(wk_test_client_init(&client, &db_app, NULL), 0);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[160];

	(void)state;
	wk_test_client_free(&client);
	wk_db_close();
	wk_arena_free(&arena);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

static long long
rows(void)
{
	struct wk_raw r;
	long long n = -1;
	int st;

	st = wk_raw(&r, &arena, "SELECT count(*) FROM wick_session", NULL, 0);
	while ((st == WK_DB_OK || st == WK_DB_ROW) &&
	    (st = wk_raw_next(&r)) == WK_DB_ROW)
		n = wk_raw_col(&r, 0).u.i;
	wk_raw_close(&r);
	return n;
}

static int
key_stored(const char *key)
{
	struct wk_value args[1] = { wk_val_str(key) };
	struct wk_raw r;
	int st, found = 0;

	st = wk_raw(&r, &arena, "SELECT 1 FROM wick_session WHERE "
	    "session_key = ?", args, 1);
	while ((st == WK_DB_OK || st == WK_DB_ROW) &&
	    (st = wk_raw_next(&r)) == WK_DB_ROW)
		found = 1;
	wk_raw_close(&r);
	return found;
}

static const char *
jar(const char *name)
{
	return wk_kv_get(&client.jar, name);
}

static void
get(const char *path, int status, const char *body)
{
	struct wk_test_response r;

	assert_int_equal(wk_test_get(&client, path, &r), 0);
	assert_int_equal(r.status, status);
	if (body != NULL)
		assert_string_equal(r.body, body);
	wk_test_response_free(&r);
}

/* ---- encoding ------------------------------------------------------------------------------ */

static void
test_encode_roundtrip(void **state)
{
	struct wk_kvlist l = { NULL, 0, 0 }, back = { NULL, 0, 0 };
	const char *tricky = "a&b=c%d+e f\xc3\xa9/\n";
	char *enc;

	(void)state;
	assert_int_equal(wk_kv_add(&arena, &l, "x", tricky, strlen(tricky)), 0);
	assert_int_equal(wk_kv_add(&arena, &l, "_empty", "", 0), 0);
	enc = wk_session_encode(&arena, &l);
	assert_non_null(enc);
	assert_null(strchr(enc, ' '));
	assert_null(strchr(enc, '+'));
	assert_int_equal(wk_session_decode(&arena, enc, &back), 0);
	assert_int_equal(back.len, 2);
	assert_string_equal(wk_kv_get(&back, "x"), tricky);
	assert_string_equal(wk_kv_get(&back, "_empty"), "");
	/* Malformed stored data is an error, not a crash. */
	assert_int_equal(wk_session_decode(&arena, "a=%zz", &back), -1);
	assert_int_equal(wk_session_decode(&arena, "a=%00", &back), -1);
	assert_int_equal(wk_session_decode(&arena, "", &back), 0);
	assert_int_equal(back.len, 0);
}

/* ---- laziness and fixation ------------------------------------------------------------------ */

static void
test_anonymous_creates_nothing(void **state)
{
	struct wk_test_response r;

	(void)state;
	wk_db_close();
	assert_int_equal(wk_test_get(&client, "/get", &r), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "(none)");
	assert_null(wk_test_header(&r, "Set-Cookie"));
	wk_test_response_free(&r);
	get("/plain", 200, "plain");
	get("/msg/show", 200, "");
	/* Without a cookie the store is not even opened. */
	assert_false(wk_db_is_open());
	assert_int_equal(rows(), 0);
}

static void
test_client_id_never_adopted(void **state)
{
	static const char chosen[] =
	    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
	const char *got;

	(void)state;
	assert_int_equal(wk_kv_set(&client.arena, &client.jar, "sessionid",
	    chosen, strlen(chosen)), 0);
	get("/get", 200, "(none)");
	assert_int_equal(rows(), 0);
	get("/set?v=red", 200, "set");
	got = jar("sessionid");
	assert_non_null(got);
	assert_string_not_equal(got, chosen);
	assert_int_equal(strlen(got), 64);
	assert_false(key_stored(chosen));
	assert_true(key_stored(got));
	assert_int_equal(rows(), 1);
	get("/get", 200, "red");
	/* Garbage ids are ignored the same way. */
	assert_int_equal(wk_kv_set(&client.arena, &client.jar, "sessionid",
	    "' OR 1=1 --", 11), 0);
	get("/get", 200, "(none)");
}

static void
test_persist_cycle_flush(void **state)
{
	struct wk_test_response r;
	char first[65], second[65];

	(void)state;
	get("/set?v=green", 200, "set");
	snprintf(first, sizeof(first), "%s", jar("sessionid"));
	get("/get", 200, "green");
	/* Reading does not rewrite. */
	assert_int_equal(wk_test_get(&client, "/get", &r), 0);
	assert_null(wk_test_header(&r, "Set-Cookie"));
	wk_test_response_free(&r);

	get("/cycle", 200, "cycled");
	snprintf(second, sizeof(second), "%s", jar("sessionid"));
	assert_string_not_equal(first, second);
	assert_false(key_stored(first));
	assert_true(key_stored(second));
	assert_int_equal(rows(), 1);
	get("/get", 200, "green");

	/* The old id no longer finds anything. */
	assert_int_equal(wk_kv_set(&client.arena, &client.jar, "sessionid",
	    first, strlen(first)), 0);
	get("/get", 200, "(none)");
	assert_int_equal(wk_kv_set(&client.arena, &client.jar, "sessionid",
	    second, strlen(second)), 0);

	assert_int_equal(wk_test_get(&client, "/flush", &r), 0);
	assert_non_null(strstr(wk_test_header(&r, "Set-Cookie"), "Max-Age=0"));
	wk_test_response_free(&r);
	assert_null(jar("sessionid"));
	assert_int_equal(rows(), 0);
}

static void
test_cookie_attributes(void **state)
{
	struct wk_test_response r;
	const char *sc;

	(void)state;
	client.settings.session_age = 3600;
	assert_int_equal(wk_test_get(&client, "/set", &r), 0);
	sc = wk_test_header(&r, "Set-Cookie");
	assert_non_null(sc);
	assert_non_null(strstr(sc, "sessionid="));
	assert_non_null(strstr(sc, "HttpOnly"));
	assert_non_null(strstr(sc, "SameSite=Lax"));
	assert_non_null(strstr(sc, "Max-Age=3600"));
	assert_non_null(strstr(sc, "Path=/"));
	assert_null(strstr(sc, "Domain"));
	assert_null(strstr(sc, "Secure"));
	wk_test_response_free(&r);

	client.https = 1;
	assert_int_equal(wk_test_get(&client, "/set?v=x", &r), 0);
	sc = wk_test_header(&r, "Set-Cookie");
	assert_non_null(sc);
	assert_non_null(strstr(sc, "Secure"));
	wk_test_response_free(&r);
}

static void
test_expiry_and_clear(void **state)
{
	long long n = -1;

	(void)state;
	get("/set?v=old", 200, "set");
	assert_int_equal(wk_raw_exec(&arena, "UPDATE wick_session SET "
	    "expire_date = '2000-01-01T00:00:00Z'", NULL, 0, NULL), WK_DB_OK);
	get("/get", 200, "(none)");
	assert_int_equal(wk_session_clear_expired(&arena, &n), WK_DB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(rows(), 0);
}

static void
test_messages_once(void **state)
{
	(void)state;
	get("/msg/add", 200, "added");
	assert_int_equal(rows(), 1);
	get("/msg/show", 200, "success:Saved <b>ok</b>|error:and & one more|");
	get("/msg/show", 200, "");
	/* The session is empty again: no row left behind. */
	assert_int_equal(rows(), 0);
}

/* The context processor: takes them once, leaves a view's own
 * "messages" (and the messages) alone, sets nothing without a session. */
static void
test_messages_context_processor(void **state)
{
	struct wk_test_client c;
	struct wk_test_response r;

	(void)state;
	get("/msg/add", 200, "added");
	get("/msg/proc?keep=1", 200, "kept");
	get("/msg/proc", 200, "2");
	get("/msg/proc", 200, "0");
	get("/msg/show", 200, "");
	assert_int_equal(wk_test_client_init(&c, &sessionless_app, NULL), 0);
	assert_int_equal(wk_test_get(&c, "/msg/proc", &r), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "none");
	wk_test_response_free(&r);
	wk_test_client_free(&c);
}

static void
test_messages_need_session(void **state)
{
	struct wk_test_client c;

	(void)state;
	assert_int_equal(wk_test_client_init(&c, &broken_app, NULL), 0);
	{
		struct wk_test_response r;
		assert_int_equal(wk_test_get(&c, "/plain", &r), 0);
		assert_int_equal(r.status, 500);
		wk_test_response_free(&r);
	}
	wk_test_client_free(&c);
}

static void
test_oversized_session_refused(void **state)
{
	char path[64 + 5000];

	(void)state;
	memcpy(path, "/set?v=", 7);
	memset(path + 7, 'x', 4500);
	path[4507] = '\0';
	get(path, 500, NULL);
	assert_int_equal(rows(), 0);
	assert_null(jar("sessionid"));
}

/* ---- the signed-cookie store ----------------------------------------------------------------- */

static void
test_signed_needs_secret(void **state)
{
	struct wk_test_client c;
	struct wk_test_response r;

	(void)state;
	assert_int_equal(wk_test_client_init(&c, &signed_app, NULL), 0);
	c.settings.secret_key_file = NULL;
	assert_int_equal(wk_test_get(&c, "/plain", &r), 0);
	assert_int_equal(r.status, 500);
	wk_test_response_free(&r);
	wk_test_client_free(&c);
}

static void
test_signed_store(void **state)
{
	struct wk_test_client *c = &client;
	const char *v;
	char tampered[4096];
	size_t n;

	(void)state;
	wk_test_client_free(&client);
	assert_int_equal(wk_test_client_init(c, &signed_app, NULL), 0);
	c->settings.secret_key_file = keyfile;
	get("/get", 200, "(none)");
	assert_null(jar("sessionid"));
	get("/set?v=purple", 200, "set");
	v = jar("sessionid");
	assert_non_null(v);
	assert_non_null(strchr(v, '.'));
	get("/get", 200, "purple");
	assert_int_equal(rows(), 0);   /* nothing server-side */

	/* Flip one character of the payload: ignored. */
	n = strlen(v);
	assert_true(n < sizeof(tampered));
	memcpy(tampered, v, n + 1);
	tampered[2] = tampered[2] == 'A' ? 'B' : 'A';
	assert_int_equal(wk_kv_set(&c->arena, &c->jar, "sessionid",
	    wk_arena_strdup(&c->arena, tampered), n), 0);
	get("/get", 200, "(none)");
	/* Another secret does not verify it either. */
	assert_int_equal(wk_kv_set(&c->arena, &c->jar, "sessionid",
	    wk_arena_strdup(&c->arena, v), n), 0);
	get("/get", 200, "purple");
	c->settings.secret_key_file = "/nonexistent/secret";
	get("/get", 500, NULL);
	c->settings.secret_key_file = keyfile;
	get("/flush", 200, "flushed");
	assert_null(jar("sessionid"));
}

/* ---- an app's own store -------------------------------------------------------------------- */

/* A store in memory (one process): what a test of the ops table needs. */
static struct {
	char key[WK_SESSION_KEY_HEX + 1];
	char data[WK_SESSION_MAX_DATA + 1];
	int loads, saves, destroys, fail_save;
} mem;

static int
mem_load(struct wk_session *s, const char *cookie)
{
	mem.loads++;
	if (mem.key[0] == '\0' || strcmp(cookie, mem.key) != 0)
		return 0;
	memcpy(s->key, mem.key, sizeof(mem.key));
	return wk_session_decode(s->req->arena, mem.data, &s->data);
}

static int
mem_save(struct wk_session *s, const char *encoded, const char **value)
{
	mem.saves++;
	if (mem.fail_save)
		return mem.fail_save;
	if (s->key[0] == '\0')
		(void)snprintf(s->key, sizeof(s->key), "mem%d", mem.saves);
	(void)snprintf(mem.key, sizeof(mem.key), "%s", s->key);
	(void)snprintf(mem.data, sizeof(mem.data), "%s", encoded);
	*value = s->key;
	return 0;
}

static int
mem_destroy(struct wk_session *s, const char *key)
{
	(void)s;
	mem.destroys++;
	if (strcmp(key, mem.key) == 0)
		mem.key[0] = '\0';
	return 0;
}

static const struct wk_session_store mem_store = {
	.name = "memory", .load = mem_load, .save = mem_save,
	.destroy = mem_destroy,
};
WK_SESSION_MIDDLEWARE(mw_mem_session, mem_store)

static const struct wk_middleware *const mem_chain[] = {
	&mw_mem_session, &wk_mw_messages, NULL
};
static const struct wk_app mem_app = {
	.name = "t", .routes = routes, .middleware = mem_chain,
};

static void
test_custom_store(void **state)
{
	struct wk_test_client *c = &client;

	(void)state;
	memset(&mem, 0, sizeof(mem));
	wk_test_client_free(&client);
	assert_int_equal(wk_test_client_init(c, &mem_app, NULL), 0);
	get("/get", 200, "(none)");
	assert_int_equal(mem.saves, 0);      /* lazy: nothing stored */
	get("/set?v=teal", 200, "set");
	assert_string_equal(jar("sessionid"), "mem1");
	assert_string_equal(mem.data, "color=teal");
	get("/get", 200, "teal");
	assert_int_equal(mem.loads, 1);
	assert_int_equal(rows(), 0);         /* not the database */
	/* login-style cycle: a new key, the old one destroyed */
	get("/cycle", 200, NULL);
	assert_string_equal(jar("sessionid"), "mem2");
	assert_int_equal(mem.destroys, 1);
	get("/flush", 200, NULL);
	assert_null(jar("sessionid"));
	assert_string_equal(mem.key, "");
	/* a failing save is a 500, as with the database */
	get("/set?v=x", 200, "set");
	mem.fail_save = -1;
	get("/set?v=y", 500, NULL);
}

static void
test_store_registry(void **state)
{
	static const struct wk_session_store other = {
		.name = "memory", .load = mem_load, .save = mem_save,
	};
	static const struct wk_session_store nameless = {
		.name = NULL, .load = mem_load, .save = mem_save,
	};
	static const struct wk_session_store clash = {
		.name = "db", .load = mem_load, .save = mem_save,
	};

	(void)state;
	assert_ptr_equal(wk_session_store_find("db"), &wk_session_store_db);
	assert_ptr_equal(wk_session_store_find("signed_cookie"),
	    &wk_session_store_cookie);
	assert_null(wk_session_store_find("memory"));
	assert_null(wk_session_store_find(NULL));
	assert_int_equal(wk_session_store_register(&mem_store), 0);
	assert_int_equal(wk_session_store_register(&mem_store), 0);
	assert_ptr_equal(wk_session_store_find("memory"), &mem_store);
	assert_int_equal(wk_session_store_register(&other), -1);
	assert_int_equal(wk_session_store_register(&clash), -1);
	assert_int_equal(wk_session_store_register(&nameless), -1);
	assert_int_equal(wk_session_store_register(NULL), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_encode_roundtrip, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_anonymous_creates_nothing,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_id_never_adopted,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_persist_cycle_flush, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_cookie_attributes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_expiry_and_clear, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_messages_once, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_messages_context_processor,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_messages_need_session,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_oversized_session_refused,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_signed_needs_secret, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_signed_store, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_custom_store, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_store_registry, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
