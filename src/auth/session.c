/*
 * session.c - sessions in SQLite or in a signed cookie, and flash messages
 * (see session.h).
 *
 * Everything is lazy because most requests never look at the session: the
 * middleware's on_request only notes the cookie; the store is read on the
 * first wk_session_* call, and written in on_response only when something
 * changed.  So /hello with a stale cookie still costs no database open,
 * and an anonymous visitor who stores nothing leaves no row behind.
 *
 * Ids are never taken from the client: a cookie only FINDS a stored
 * session; when none matches, the session starts empty with no id, and a
 * fresh random id is made when it is first saved.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "wick/core/crypto.h"
#include "wick/http/app.h"
#include "wick/db/db.h"
#include "wick/core/log.h"
#include "wick/http/middleware.h"
#include "wick/db/migrate.h"
#include "wick/db/model.h"
#include "wick/db/orm.h"
#include "wick/core/random.h"
#include "wick/http/request.h"
#include "wick/http/response.h"
#include "wick/auth/session.h"

/* ---- the table -------------------------------------------------------------------- */

#define WICK_SESSION(F, M) \
	F(M, session_key, TEXT, .max_length = 64, .flags = WK_UNIQUE, \
	    .verbose_name = "session key") \
	F(M, session_data, TEXT, .flags = WK_BLANK, .def = "", \
	    .verbose_name = "session data") \
	F(M, expire_date, DATETIME, .verbose_name = "expires")
WK_MODEL_STRUCT(wick_session, WICK_SESSION)
WK_MODEL_DEFINE(wick_session, WICK_SESSION, .verbose_name = "session",
    .verbose_name_plural = "sessions")

static const struct wk_model *const session_models[] = {
	&wick_session_model,
	NULL
};

static const struct wk_migration session_steps[] = {
	WK_MIGRATION("0001_session", WK_CREATE_TABLE(wick_session_model)),
};

static const struct wk_schema session_schema = {
	.app = "sessions",
	.order = 10,
	.models = session_models,
	.steps = session_steps,
	.nsteps = sizeof(session_steps) / sizeof(session_steps[0]),
};
WK_SCHEMA_REGISTER(session_schema)

#define SESSION_SIGN_SALT "wick.sessions.signed-cookie"
#define SECRET_MIN 32
#define SECRET_MAX 4096

/* ---- encoding ---------------------------------------------------------------------- */

static int
unreserved(unsigned char c)
{
	return isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

static void
pct_append(wk_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++) {
		if (unreserved(*p)) {
			wk_buf_putc(b, (char)*p);
		} else {
			char e[3] = { '%', hex[*p >> 4], hex[*p & 15] };
			wk_buf_append(b, e, 3);
		}
	}
}

/* see session.h */
char *
wk_session_encode(wk_arena *a, const struct wk_kvlist *data)
{
	wk_buf b;
	size_t i;

	wk_buf_init(&b, a);
	wk_buf_append(&b, "", 0);
	for (i = 0; i < data->len; i++) {
		if (i > 0)
			wk_buf_putc(&b, '&');
		pct_append(&b, data->items[i].name);
		wk_buf_putc(&b, '=');
		pct_append(&b, data->items[i].value);
	}
	if (b.failed || b.data == NULL)
		return NULL;
	return b.data;
}

/* see session.h */
int
wk_session_decode(wk_arena *a, const char *text, struct wk_kvlist *data)
{
	const char *why = NULL;
	size_t count = 0;

	data->len = 0;
	if (text == NULL || text[0] == '\0')
		return 0;
	if (wk_parse_urlencoded(a, data, text, strlen(text), 1000, &count,
	    &why) != 0) {
		data->len = 0;
		return -1;
	}
	return 0;
}

/* ---- small helpers ------------------------------------------------------------------- */

static int
key_valid(const char *k)
{
	size_t i;

	for (i = 0; i < WK_SESSION_KEY_HEX; i++)
		if (!((k[i] >= '0' && k[i] <= '9') || (k[i] >= 'a' &&
		    k[i] <= 'f')))
			return 0;
	return k[i] == '\0';
}

static int
name_valid(const char *n)
{
	const char *p;

	if (n == NULL || n[0] == '\0')
		return 0;
	for (p = n; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.')
			return 0;
	return p - n <= 64;
}

/* ISO 8601 UTC for now + delta seconds. */
static int
iso_time(char *out, size_t outlen, long long delta)
{
	time_t t = time(NULL) + (time_t)delta;
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return -1;
	return 0;
}

static long
session_age(const struct wk_request *req)
{
	long age = req->settings != NULL ? req->settings->session_age : 0;

	return age > 0 ? age : 1209600L;
}

/*
 * Read the secret key file into out (trailing whitespace dropped).  0, or
 * -1 with a reason for the log in *why.
 */
static int
secret_key(const struct wk_settings *s, unsigned char *out, size_t outsz,
    size_t *outlen, const char **why)
{
	ssize_t n;
	size_t len = 0;
	int fd;

	if (s == NULL || s->secret_key_file == NULL) {
		*why = "the signed-cookie session store needs secret_key_file "
		    "in the settings (a file of at least 32 random bytes)";
		return -1;
	}
	if ((fd = open(s->secret_key_file, O_RDONLY | O_CLOEXEC)) < 0) {
		*why = "secret_key_file cannot be opened";
		return -1;
	}
	while (len < outsz) {
		n = read(fd, out + len, outsz - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	while (len > 0 && isspace(out[len - 1]))
		len--;
	if (len < SECRET_MIN) {
		*why = "secret_key_file holds fewer than 32 bytes";
		return -1;
	}
	*outlen = len;
	return 0;
}

/* ---- the SQLite store ------------------------------------------------------------------ */

static int
db_load(struct wk_session *s)
{
	struct wk_request *req = s->req;
	struct wk_raw r;
	char now[32];
	struct wk_value args[2];
	const char *text = NULL;
	int st;

	if (iso_time(now, sizeof(now), 0) != 0)
		return WK_DB_ERROR;
	args[0] = wk_val_str(s->key);
	args[1] = wk_val_str(now);
	st = wk_raw(&r, req->arena, "SELECT session_data FROM wick_session "
	    "WHERE session_key = ? AND expire_date > ?", args, 2);
	while ((st == WK_DB_OK || st == WK_DB_ROW) &&
	    (st = wk_raw_next(&r)) == WK_DB_ROW) {
		struct wk_value v = wk_raw_col(&r, 0);
		if (v.kind == WK_VAL_STR)
			text = wk_arena_strndup(req->arena, v.u.s.p, v.u.s.n);
		else
			text = "";
	}
	wk_raw_close(&r);
	if (st != WK_DB_DONE && st != WK_DB_OK)
		return st;
	if (text == NULL) {
		s->key[0] = '\0';    /* unknown or expired: never adopted */
		return WK_DB_OK;
	}
	if (wk_session_decode(req->arena, text, &s->data) != 0)
		wk_log(req, WK_LOG_WARN, "session: stored data unreadable; "
		    "starting empty");
	return WK_DB_OK;
}

static int
db_delete(wk_arena *a, const char *key)
{
	struct wk_value args[1];

	args[0] = wk_val_str(key);
	return wk_raw_exec(a, "DELETE FROM wick_session WHERE session_key = ?",
	    args, 1, NULL);
}

static int
db_save(struct wk_session *s, const char *encoded)
{
	struct wk_request *req = s->req;
	struct wk_value args[3];
	char expire[32];
	long long changes = 0;
	int st, tries;

	if (iso_time(expire, sizeof(expire), session_age(req)) != 0)
		return WK_DB_ERROR;
	if (s->key[0] != '\0') {
		args[0] = wk_val_str(encoded);
		args[1] = wk_val_str(expire);
		args[2] = wk_val_str(s->key);
		st = wk_raw_exec(req->arena, "UPDATE wick_session SET "
		    "session_data = ?, expire_date = ? WHERE session_key = ?",
		    args, 3, &changes);
		if (st != WK_DB_OK)
			return st;
		if (changes > 0)
			return WK_DB_OK;
		s->key[0] = '\0';     /* deleted meanwhile: make a new one */
	}
	for (tries = 0; tries < 3; tries++) {
		if (wk_random_hex(s->key, WK_SESSION_KEY_HEX / 2) != 0) {
			s->key[0] = '\0';
			return WK_DB_ERROR;
		}
		args[0] = wk_val_str(s->key);
		args[1] = wk_val_str(encoded);
		args[2] = wk_val_str(expire);
		st = wk_raw_exec(req->arena, "INSERT INTO wick_session "
		    "(session_key, session_data, expire_date) VALUES (?, ?, ?)",
		    args, 3, NULL);
		if (st != WK_DB_CONSTRAINT)
			return st;
	}
	return WK_DB_CONSTRAINT;
}

/* see session.h */
int
wk_session_clear_expired(wk_arena *a, long long *n)
{
	struct wk_value args[1];
	char now[32];

	if (iso_time(now, sizeof(now), 0) != 0)
		return WK_DB_ERROR;
	args[0] = wk_val_str(now);
	return wk_raw_exec(a, "DELETE FROM wick_session WHERE expire_date <= ?",
	    args, 1, n);
}

/* ---- the signed-cookie store ------------------------------------------------------------- */

/* tag = HMAC(secret, salt "|" payload), base64url without padding. */
static int
signed_tag(const struct wk_settings *st, const char *payload, size_t n,
    char *out, size_t outsz, const char **why)
{
	unsigned char key[SECRET_MAX], mac[WK_SHA256_LEN];
	wk_hmac_sha256_ctx m;
	size_t klen;

	if (secret_key(st, key, sizeof(key), &klen, why) != 0)
		return -1;
	wk_hmac_sha256_init(&m, key, klen);
	wk_hmac_sha256_update(&m, SESSION_SIGN_SALT "|",
	    sizeof(SESSION_SIGN_SALT));
	wk_hmac_sha256_update(&m, payload, n);
	wk_hmac_sha256_final(&m, mac);
	memset(key, 0, sizeof(key));
	if (wk_base64_encode(out, outsz, mac, sizeof(mac), WK_B64_URL |
	    WK_B64_NOPAD) == (size_t)-1)
		return -1;
	return 0;
}

/* Cookie: base64url("<expiry>:" data) "." tag. */
static int
signed_load(struct wk_session *s, const char *cookie)
{
	struct wk_request *req = s->req;
	const char *dot = strrchr(cookie, '.'), *why = NULL;
	char tag[64], *raw, *colon, *end;
	size_t n, rawlen;
	long long expiry;

	if (dot == NULL || (n = (size_t)(dot - cookie)) == 0 ||
	    n > WK_SESSION_MAX_DATA * 2)
		return 0;
	if (signed_tag(req->settings, cookie, n, tag, sizeof(tag), &why) != 0)
		return -1;
	if (!wk_ct_streq(tag, dot + 1)) {
		wk_log(req, WK_LOG_WARN, "session: bad signature; ignored");
		return 0;
	}
	if ((raw = wk_arena_alloc(req->arena, n)) == NULL)
		return -1;
	if (wk_base64_decode(raw, n, &rawlen, cookie, n, WK_B64_URL |
	    WK_B64_NOPAD) != 0 || rawlen >= n)
		return 0;
	raw[rawlen] = '\0';
	if (memchr(raw, '\0', rawlen) != NULL ||
	    (colon = strchr(raw, ':')) == NULL)
		return 0;
	*colon = '\0';
	errno = 0;
	expiry = strtoll(raw, &end, 10);
	if (errno != 0 || *end != '\0' || expiry <= (long long)time(NULL))
		return 0;
	if (wk_session_decode(req->arena, colon + 1, &s->data) != 0)
		return 0;
	return 0;
}

static int
signed_value(struct wk_session *s, const char *encoded, char **out)
{
	struct wk_request *req = s->req;
	const char *why = NULL;
	char *payload, *b64, tag[64];
	size_t plen, blen;

	payload = wk_arena_printf(req->arena, "%lld:%s",
	    (long long)time(NULL) + session_age(req), encoded);
	if (payload == NULL)
		return -1;
	plen = strlen(payload);
	if ((blen = wk_base64_encoded_len(plen, WK_B64_URL | WK_B64_NOPAD)) ==
	    0 || (b64 = wk_arena_alloc(req->arena, blen + 1)) == NULL)
		return -1;
	if (wk_base64_encode(b64, blen + 1, payload, plen, WK_B64_URL |
	    WK_B64_NOPAD) == (size_t)-1)
		return -1;
	if (signed_tag(req->settings, b64, blen, tag, sizeof(tag), &why) != 0) {
		wk_log(req, WK_LOG_ERROR, "session: %s", why);
		return -1;
	}
	*out = wk_arena_printf(req->arena, "%s.%s", b64, tag);
	return *out != NULL ? 0 : -1;
}

/* ---- the session object ------------------------------------------------------------------ */

/* see session.h */
struct wk_session *
wk_session(struct wk_request *req)
{
	return req != NULL ? req->slots[WK_SLOT_SESSION] : NULL;
}

/* Read the store once.  0, or -1 (logged; the session is then empty). */
static int
session_load(struct wk_session *s)
{
	const char *cookie;
	int st;

	if (s->loaded)
		return 0;
	s->loaded = 1;
	cookie = wk_request_cookie(s->req, WK_SESSION_COOKIE);
	if (cookie == NULL)
		return 0;
	if (s->signed_store)
		return signed_load(s, cookie);
	if (!key_valid(cookie))
		return 0;
	memcpy(s->key, cookie, WK_SESSION_KEY_HEX + 1);
	st = db_load(s);
	if (st != WK_DB_OK) {
		wk_log(s->req, WK_LOG_ERROR, "session: cannot load: %s",
		    wk_db_last_error());
		s->key[0] = '\0';
		s->data.len = 0;
		return -1;
	}
	return 0;
}

static struct wk_session *
session_ready(struct wk_request *req)
{
	struct wk_session *s = wk_session(req);

	if (s == NULL)
		return NULL;
	(void)session_load(s);
	return s;
}

/* see session.h */
const char *
wk_session_get(struct wk_request *req, const char *name)
{
	struct wk_session *s = session_ready(req);

	return s != NULL && name != NULL ? wk_kv_get(&s->data, name) : NULL;
}

/* see session.h */
int
wk_session_set(struct wk_request *req, const char *name, const char *value)
{
	struct wk_session *s = session_ready(req);
	char *v;

	if (s == NULL || !name_valid(name) || value == NULL)
		return -1;
	if ((v = wk_arena_strdup(req->arena, value)) == NULL ||
	    wk_kv_set(req->arena, &s->data, name, v, strlen(v)) != 0)
		return -1;
	s->modified = 1;
	return 0;
}

/* see session.h */
int
wk_session_remove(struct wk_request *req, const char *name)
{
	struct wk_session *s = session_ready(req);

	if (s == NULL || name == NULL)
		return -1;
	if (wk_kv_remove(&s->data, name) > 0)
		s->modified = 1;
	return 0;
}

/* see session.h */
int
wk_session_cycle_key(struct wk_request *req)
{
	struct wk_session *s = session_ready(req);

	if (s == NULL)
		return -1;
	if (s->key[0] != '\0' && s->old_key[0] == '\0')
		memcpy(s->old_key, s->key, sizeof(s->key));
	s->key[0] = '\0';
	s->modified = 1;
	return 0;
}

/* see session.h */
int
wk_session_flush(struct wk_request *req)
{
	struct wk_session *s = session_ready(req);

	if (s == NULL)
		return -1;
	if (wk_session_cycle_key(req) != 0)
		return -1;
	s->data.len = 0;
	s->flushed = 1;
	return 0;
}

/* ---- the middleware ----------------------------------------------------------------------- */

/*
 * The signed store needs the secret key: check it is there.  A function of
 * its own so the 4 KiB key buffer is not in session_start's frame, which
 * every request pays for (a stack page touched is a page fault).
 */
static __attribute__((noinline)) int
session_check_key(struct wk_request *req)
{
	unsigned char key[SECRET_MAX];
	const char *why = NULL;
	size_t klen;

	if (secret_key(req->settings, key, sizeof(key), &klen, &why) != 0) {
		wk_log(req, WK_LOG_ERROR, "session: %s", why);
		return -1;
	}
	memset(key, 0, sizeof(key));
	return 0;
}

static int
session_start(struct wk_request *req, int signed_store)
{
	struct wk_session *s;

	if (signed_store && session_check_key(req) != 0)
		return WK_MW_ERROR;
	if ((s = wk_arena_calloc(req->arena, 1, sizeof(*s))) == NULL)
		return WK_MW_ERROR;
	s->req = req;
	s->signed_store = signed_store;
	s->had_cookie = wk_request_cookie(req, WK_SESSION_COOKIE) != NULL;
	req->slots[WK_SLOT_SESSION] = s;
	return WK_MW_CONTINUE;
}

static int
session_on_request(struct wk_request *req, struct wk_response *resp)
{
	(void)resp;
	return session_start(req, 0);
}

static int
session_signed_on_request(struct wk_request *req, struct wk_response *resp)
{
	(void)resp;
	return session_start(req, 1);
}

static void
session_fail(struct wk_request *req, struct wk_response *resp, int st)
{
	wk_log(req, WK_LOG_ERROR, "session: cannot save: %s",
	    st == WK_DB_OK ? "encoding failed" : wk_db_last_error());
	if (wk_db_respond(req, resp, st == WK_DB_OK ? WK_DB_ERROR : st,
	    0) != 0)
		resp->status = 500;
}

static void
session_on_response(struct wk_request *req, struct wk_response *resp)
{
	struct wk_session *s = wk_session(req);
	struct wk_cookie_opts o;
	char *encoded, *value = NULL;
	int st;

	if (s == NULL || !s->modified || resp->status >= 500)
		return;
	if (!s->signed_store && s->old_key[0] != '\0') {
		st = db_delete(req->arena, s->old_key);
		if (st != WK_DB_OK) {
			session_fail(req, resp, st);
			return;
		}
	}
	if (s->data.len == 0) {
		if (!s->signed_store && s->key[0] != '\0' &&
		    (st = db_delete(req->arena, s->key)) != WK_DB_OK) {
			session_fail(req, resp, st);
			return;
		}
		s->key[0] = '\0';
		if (s->had_cookie && wk_response_delete_cookie(resp,
		    WK_SESSION_COOKIE, "/", NULL) != 0)
			resp->status = 500;
		return;
	}
	encoded = wk_session_encode(req->arena, &s->data);
	if (encoded == NULL || strlen(encoded) > WK_SESSION_MAX_DATA) {
		session_fail(req, resp, WK_DB_OK);
		return;
	}
	if (s->signed_store) {
		if (signed_value(s, encoded, &value) != 0 ||
		    strlen(value) > WK_SESSION_MAX_DATA) {
			session_fail(req, resp, WK_DB_OK);
			return;
		}
	} else {
		if ((st = db_save(s, encoded)) != WK_DB_OK) {
			session_fail(req, resp, st);
			return;
		}
		value = s->key;
	}
	memset(&o, 0, sizeof(o));
	o.path = "/";
	o.max_age = session_age(req);
	o.secure = req->is_secure;
	o.http_only = 1;
	o.samesite = WK_SAMESITE_LAX;
	if (wk_response_set_cookie(resp, WK_SESSION_COOKIE, value, &o) != 0)
		session_fail(req, resp, WK_DB_OK);
}

const struct wk_middleware wk_mw_session = {
	"session", session_on_request, session_on_response
};

const struct wk_middleware wk_mw_session_signed = {
	"session_signed", session_signed_on_request, session_on_response
};

/* ---- flash messages ----------------------------------------------------------------------- */

#define MESSAGES_KEY "_messages"

static const char *const message_tags[WK_MSG__MAX] = {
	[WK_MSG_DEBUG] = "debug",
	[WK_MSG_INFO] = "info",
	[WK_MSG_SUCCESS] = "success",
	[WK_MSG_WARNING] = "warning",
	[WK_MSG_ERROR] = "error",
};

/* see session.h */
const char *
wk_message_tag(enum wk_message_level level)
{
	return (unsigned)level < WK_MSG__MAX ? message_tags[level] : "info";
}

static int
messages_on_request(struct wk_request *req, struct wk_response *resp)
{
	(void)resp;
	if (wk_session(req) == NULL) {
		wk_log(req, WK_LOG_ERROR, "messages: list a session middleware "
		    "before wk_mw_messages");
		return WK_MW_ERROR;
	}
	return WK_MW_CONTINUE;
}

const struct wk_middleware wk_mw_messages = {
	"messages", messages_on_request, NULL
};

/* see session.h */
int
wk_message_add(struct wk_request *req, enum wk_message_level level,
    const char *text)
{
	struct wk_kvlist l = { NULL, 0, 0 };
	static const char *const digits[WK_MSG__MAX] = {
		"0", "1", "2", "3", "4"
	};
	char *enc;

	if (wk_session(req) == NULL || text == NULL ||
	    (unsigned)level >= WK_MSG__MAX)
		return -1;
	if (wk_session_decode(req->arena, wk_session_get(req, MESSAGES_KEY),
	    &l) != 0)
		l.len = 0;
	if (l.len >= WK_MESSAGES_MAX) {
		memmove(l.items, l.items + 1, (l.len - 1) * sizeof(*l.items));
		l.len--;
	}
	if (wk_kv_add(req->arena, &l, digits[level], text, strlen(text)) != 0 ||
	    (enc = wk_session_encode(req->arena, &l)) == NULL)
		return -1;
	return wk_session_set(req, MESSAGES_KEY, enc);
}

/* see session.h */
size_t
wk_messages_take(struct wk_request *req, enum wk_message_level *levels,
    const char **texts, size_t max)
{
	struct wk_kvlist l = { NULL, 0, 0 };
	const char *stored = wk_session_get(req, MESSAGES_KEY);
	size_t i, n = 0;

	if (stored == NULL)
		return 0;
	(void)wk_session_remove(req, MESSAGES_KEY);
	if (wk_session_decode(req->arena, stored, &l) != 0)
		return 0;
	for (i = 0; i < l.len && n < max; i++) {
		const char *d = l.items[i].name;
		if (d[0] < '0' || d[0] >= '0' + WK_MSG__MAX || d[1] != '\0')
			continue;
		levels[n] = (enum wk_message_level)(d[0] - '0');
		texts[n] = l.items[i].value;
		n++;
	}
	return n;
}

/* see session.h */
struct wk_value
wk_messages_value(struct wk_request *req)
{
	enum wk_message_level levels[WK_MESSAGES_MAX];
	const char *texts[WK_MESSAGES_MAX];
	struct wk_list *l = wk_list_new(req->arena);
	size_t i, n;

	if (l == NULL)
		return wk_val_null();
	n = wk_messages_take(req, levels, texts, WK_MESSAGES_MAX);
	for (i = 0; i < n; i++) {
		struct wk_map *m = wk_map_new(req->arena);
		if (m == NULL ||
		    wk_map_set(req->arena, m, "message",
		    wk_val_str(texts[i])) != 0 ||
		    wk_map_set(req->arena, m, "level",
		    wk_val_int((long long)levels[i])) != 0 ||
		    wk_map_set(req->arena, m, "tags",
		    wk_val_str(wk_message_tag(levels[i]))) != 0 ||
		    wk_list_push(req->arena, l, wk_val_map(m)) != 0)
			break;
	}
	return wk_val_list(l);
}

/* ---- clearsessions ---------------------------------------------------------------------- */

static int
cmd_clearsessions(const struct wk_app *app, const struct wk_settings *s,
    int argc, char **argv)
{
	wk_arena a;
	long long n = 0;
	int st;

	(void)argc;
	(void)argv;
	wk_db_configure(s, app->name);
	wk_arena_init(&a);
	st = wk_session_clear_expired(&a, &n);
	wk_arena_free(&a);
	wk_db_close();
	if (st != WK_DB_OK) {
		fprintf(stderr, "clearsessions: %s\n", wk_db_last_error());
		return 1;
	}
	printf("Deleted %lld expired session(s).\n", n);
	return 0;
}

const struct wk_command wk_session_commands[] = {
	{ "clearsessions", "clearsessions",
	    "delete expired sessions from the database", cmd_clearsessions },
	WK_COMMANDS_END
};
