/*
 * floor_create.c - the floor for the "create request" benchmark: the least
 * a static C CGI program can do to take a comment posted through the
 * demo's form (POST /posts/<id>/comment/ with a session and a CSRF token)
 * the way blog.cgi does.  It also takes a new post (POST /posts/new/:
 * title, slug, body), the create request of the benchmark through Apache
 * (bench/apache.sh), with the same steps: the model form's uniqueness
 * query for the slug, then the INSERT, the flash message "Your post was
 * published." and the 302 to the new post; no user in the session is
 * answered 403 (the app redirects to the login page: not that path).
 *
 * bench/create_request.sh times this against cgi-bin/blog.cgi on the same
 * database; the ratio is what Wick (settings, request parse, middleware,
 * router, ORM, forms, sessions, messages, response) costs on top of the
 * work itself.  So it does the same work and no less, in the app's order
 * where order matters:
 *  - reads CONTENT_LENGTH bytes of urlencoded body and decodes every pair
 *    with the app's rules (+ as space, bad escapes, NUL or invalid UTF-8
 *    refused, at most 1000 fields, the last of a repeated name wins);
 *  - takes sessionid and csrftoken from the Cookie header and checks the
 *    token as src/auth/csrf.c does: Sec-Fetch-Site and Origin (and Referer
 *    over HTTPS), the cookie's format, the form field (or X-CSRFToken),
 *    the 64-character masked form unmasked with the 32-character secret,
 *    compared in constant time;
 *  - opens the database read-write with foreign keys on and a busy
 *    timeout, and runs the app's statements, with the same SQL text so
 *    that SQLite's work is the same: the session row by key and expiry,
 *    the user it names (every column, as the ORM loads it), the post
 *    (id and published), the INSERT of the comment;
 *  - checks the user as src/auth/auth.c does (active, and the SHA-256 of the
 *    password hash, in hex, equal to the digest kept in the session;
 *    BearSSL from build/deps, as the app) and, when that fails, ends the
 *    session as the app does (DELETE, then a new one);
 *  - validates the form as the model form does (surrounding whitespace
 *    stripped, required, at most 100 and 5000 characters);
 *  - adds the flash message to the session as wk_message_add does (the
 *    stored list decoded, the oldest dropped when 16 are pending, the new
 *    one appended, both levels encoded again) and writes the session back
 *    with a fresh expiry: UPDATE by key, or INSERT under a new random key
 *    when there was none;
 *  - answers 302 with the app's header block and redirect page and the
 *    refreshed session cookie, in one write.
 * It does no more either: no settings file (the session age and limits
 * are the defaults, written in), no allowed-hosts check, no schema check
 * (the app's PRAGMA user_version), no router, no copies of the rows.  The
 * two writes are autocommit statements: the app wraps each in BEGIN
 * IMMEDIATE ... COMMIT, which for one statement takes the same lock and
 * commits the same way, at the price of two statements more per write.
 * A form that does not validate is answered 400 with no body where the
 * app renders the form again (not the benchmark's path); so are a body
 * that is not urlencoded and the other failures, each with its status.
 *
 * Like the app, it exits with the connection open: sqlite3_close on the
 * last connection of a WAL database checkpoints and deletes the -wal
 * file, work a CGI process need not do.  The database is the file named
 * by $FLOOR_DB (so that it passes through build/bench/spawn like the CGI
 * variables); the redirect is built on $SCRIPT_NAME.  Exit status 1, no
 * output, when there is no $FLOOR_DB or the answer cannot be written.
 * Built like the app: musl-gcc -static -O2, stripped, SQLite and BearSSL
 * from build/deps.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

/* BearSSL's headers test BR_DOXYGEN_IGNORE with #if (see src/core/crypto.c). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wundef"
#include <bearssl_hash.h>
#pragma GCC diagnostic pop
#include <sqlite3.h>

#define BODY_MAX 2621440        /* the app's max_body_bytes default */
#define FIELDS_MAX 1000         /* urlencoded pairs, as the app */
#define SESSION_AGE 1209600L    /* session_cookie_age default: 2 weeks */
#define SESSION_MAX_DATA 4000   /* WK_SESSION_MAX_DATA */
#define SESSION_KEY_HEX 64
#define MESSAGES_MAX 16         /* WK_MESSAGES_MAX */
#define SECRET_LEN 32           /* CSRF secret */
#define TOKEN_LEN 64            /* CSRF token: mask + masked secret */
#define NAME_MAX_CHARS 100      /* blog_comment.name max_length */
#define BODY_MAX_CHARS 5000     /* blog_comment.body max_length */
#define OUT_SIZE 4096

#define TITLE_MAX_CHARS 200     /* blog_post.title and slug max_length */
#define USERNAME_MAX 150
#define MESSAGE "Thanks, your comment was posted."
#define MESSAGE_NEW "Your post was published."
#define MESSAGE_LEVEL "2"       /* WK_MSG_SUCCESS */

/* The app's statements, character for character (src/auth/session.c, the
 * ORM's SELECTs for wk_orm_get and the view's wk_q_get, its INSERT). */
static const char sql_session[] = "SELECT session_data FROM wick_session "
    "WHERE session_key = ? AND expire_date > ?";
static const char sql_user[] = "SELECT \"id\", \"username\", \"email\", "
    "\"password\", \"is_active\", \"is_staff\", \"is_superuser\", "
    "\"last_login\", \"date_joined\" FROM \"wick_user\" WHERE \"id\" = ?1 "
    "LIMIT ?2";
static const char sql_post[] = "SELECT \"id\", \"title\", \"slug\", "
    "\"body\", \"author_name\", \"created\", \"published\", \"author\" "
    "FROM \"blog_post\" WHERE \"id\" = ?1 AND \"published\" = ?2 LIMIT ?3";
static const char sql_insert[] = "INSERT INTO \"blog_comment\" (\"post\", "
    "\"name\", \"body\", \"created\") VALUES (?1, ?2, ?3, ?4)";
static const char sql_slug[] = "SELECT EXISTS (SELECT 1 FROM \"blog_post\" "
    "WHERE \"slug\" = ?1)";
static const char sql_new_post[] = "INSERT INTO \"blog_post\" (\"title\", "
    "\"slug\", \"body\", \"author_name\", \"created\", \"published\", "
    "\"author\") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
static const char sql_update[] = "UPDATE wick_session SET session_data = ?, "
    "expire_date = ? WHERE session_key = ?";
static const char sql_new[] = "INSERT INTO wick_session (session_key, "
    "session_data, expire_date) VALUES (?, ?, ?)";
static const char sql_delete[] = "DELETE FROM wick_session WHERE "
    "session_key = ?";

static const char alnum[] =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
static const char hexdig[] = "0123456789abcdef";

struct str {
	const char *p;
	size_t n;
};

struct pair {
	struct str name, value;
};

/* An output buffer with a sticky overflow flag. */
struct buf {
	char *p;
	size_t len, cap;
	int overflow;
};

static char body[BODY_MAX + 1];
static struct pair form[FIELDS_MAX];
static char sess_text[2 * SESSION_MAX_DATA];
static struct pair sess[FIELDS_MAX + 1];  /* + the messages, appended */
static struct pair msgs[FIELDS_MAX + 1];
static char msg_enc[2 * SESSION_MAX_DATA], sess_enc[2 * SESSION_MAX_DATA];
static char msg_text[2 * SESSION_MAX_DATA];
static char loc[1024], page[2048], out[OUT_SIZE];

static void
put(struct buf *b, const char *s, size_t n)
{
	if (n > b->cap - b->len) {
		b->overflow = 1;
		return;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

#define PUTS(b, lit) put(b, "" lit, sizeof(lit) - 1)

static void
put_str(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}

/* HTML-escaped as wk_buf_append_html does. */
static void
put_html(struct buf *b, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '&': PUTS(b, "&amp;"); break;
		case '<': PUTS(b, "&lt;"); break;
		case '>': PUTS(b, "&gt;"); break;
		case '"': PUTS(b, "&quot;"); break;
		case '\'': PUTS(b, "&#x27;"); break;
		default: put(b, s + i, 1); break;
		}
	}
}

static int
write_all(const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(1, p, n);

		if (w <= 0)
			return 1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* A failure: the status line alone ("403 Forbidden"). */
static int
answer(const char *status)
{
	struct buf b = { out, 0, sizeof(out), 0 };

	PUTS(&b, "Status: ");
	put_str(&b, status);
	PUTS(&b, "\r\nContent-Length: 0\r\n\r\n");
	return write_all(b.p, b.len);
}

/* ---- text ----------------------------------------------------------------------- */

/* Characters in s[0, n), or -1 if it is not UTF-8 (src/http/request.c's rules:
 * no overlong forms, no surrogates, nothing above U+10FFFF). */
static long
utf8_chars(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k, need;
	unsigned long cp, min;
	long chars = 0;

	while (i < n) {
		chars++;
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if (p[i] >= 0xc2 && p[i] <= 0xdf) {
			need = 1;
			cp = p[i] & 0x1f;
			min = 0x80;
		} else if ((p[i] & 0xf0) == 0xe0) {
			need = 2;
			cp = p[i] & 0x0f;
			min = 0x800;
		} else if (p[i] >= 0xf0 && p[i] <= 0xf4) {
			need = 3;
			cp = p[i] & 0x07;
			min = 0x10000;
		} else {
			return -1;
		}
		if (n - i - 1 < need)
			return -1;
		for (k = 1; k <= need; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return -1;
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return -1;
		i += need + 1;
	}
	return chars;
}

static int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decode s[0, n) in place, + as space.  0, or -1 on a bad escape,
 * a NUL or invalid UTF-8. */
static int
url_decode(char *s, size_t n, size_t *len)
{
	size_t i, j = 0;
	int hi, lo;

	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c == '%') {
			if (n - i < 3 ||
			    (hi = hexval((unsigned char)s[i + 1])) < 0 ||
			    (lo = hexval((unsigned char)s[i + 2])) < 0)
				return -1;
			c = (char)(hi * 16 + lo);
			i += 2;
		} else if (c == '+') {
			c = ' ';
		}
		if (c == '\0')
			return -1;
		s[j++] = c;
	}
	*len = j;
	return utf8_chars(s, j) < 0 ? -1 : 0;
}

/* Split and decode "a=1&b=2" in place into out[] (empty pairs skipped).
 * 0, or -1 on bad encoding or more than max pairs. */
static int
parse_pairs(char *s, size_t n, struct pair *pairs, size_t max,
    size_t *count)
{
	char *p = s, *end = s + n, *amp, *eq;
	size_t k = 0, len;

	while (p < end) {
		if ((amp = memchr(p, '&', (size_t)(end - p))) == NULL)
			amp = end;
		if (amp == p) {
			p++;
			continue;
		}
		if (k >= max)
			return -1;
		if ((eq = memchr(p, '=', (size_t)(amp - p))) == NULL)
			eq = amp;
		if (url_decode(p, (size_t)(eq - p), &len) != 0)
			return -1;
		pairs[k].name.p = p;
		pairs[k].name.n = len;
		pairs[k].value.p = eq;
		pairs[k].value.n = 0;
		if (eq < amp) {
			if (url_decode(eq + 1, (size_t)(amp - eq - 1), &len) != 0)
				return -1;
			pairs[k].value.p = eq + 1;
			pairs[k].value.n = len;
		}
		k++;
		p = amp < end ? amp + 1 : end;
	}
	*count = k;
	return 0;
}

static int
str_is(const struct str *s, const char *lit)
{
	size_t n = strlen(lit);

	return s->n == n && memcmp(s->p, lit, n) == 0;
}

/* The value of the last pair named name, or NULL. */
static const struct str *
pair_get(const struct pair *pairs, size_t n, const char *name)
{
	while (n-- > 0)
		if (str_is(&pairs[n].name, name))
			return &pairs[n].value;
	return NULL;
}

/* "a=1&b=2", names and values percent-encoded (unreserved kept). */
static void
put_pairs(struct buf *b, const struct pair *pairs, size_t n)
{
	size_t i, k;
	int v;

	for (i = 0; i < n; i++) {
		if (i > 0)
			PUTS(b, "&");
		for (v = 0; v < 2; v++) {
			const struct str *s = v ? &pairs[i].value :
			    &pairs[i].name;
			if (v)
				PUTS(b, "=");
			for (k = 0; k < s->n; k++) {
				unsigned char c = (unsigned char)s->p[k];
				char e[3] = { '%', "0123456789ABCDEF"[c >> 4],
				    "0123456789ABCDEF"[c & 15] };
				if ((c >= 'a' && c <= 'z') ||
				    (c >= 'A' && c <= 'Z') ||
				    (c >= '0' && c <= '9') || c == '-' ||
				    c == '.' || c == '_' || c == '~')
					put(b, s->p + k, 1);
				else
					put(b, e, 3);
			}
		}
	}
}

/* ---- CSRF (src/auth/csrf.c) -------------------------------------------------------------- */

static int
alnum_index(unsigned char c)
{
	if (c >= 'a' && c <= 'z')
		return c - 'a';
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return -1;
}

/* A secret (32) or a token (64), letters and digits only. */
static int
csrf_format_ok(const char *s, size_t n)
{
	size_t i;

	if (n != SECRET_LEN && n != TOKEN_LEN)
		return 0;
	for (i = 0; i < n; i++)
		if (alnum_index((unsigned char)s[i]) < 0)
			return 0;
	return 1;
}

/* The secret a 64-character token masks (format already checked). */
static void
csrf_unmask(const char *tok, char secret[SECRET_LEN])
{
	size_t i;

	for (i = 0; i < SECRET_LEN; i++) {
		int m = alnum_index((unsigned char)tok[i]);
		int c = alnum_index((unsigned char)tok[SECRET_LEN + i]);
		secret[i] = alnum[(c - m + 62) % 62];
	}
}

static int
ct_equal(const char *a, const char *b, size_t n)
{
	const volatile unsigned char *pa = (const volatile unsigned char *)a;
	const volatile unsigned char *pb = (const volatile unsigned char *)b;
	unsigned diff = 0;
	size_t i;

	for (i = 0; i < n; i++)
		diff |= (unsigned)(pa[i] ^ pb[i]);
	return (int)(((diff - 1u) >> 8) & 1u);
}

/* The netloc of "scheme://netloc/..." equals host, and the scheme is
 * want (NULL: any). */
static int
url_host_is(const char *url, const char *want, const char *host)
{
	const char *p = strstr(url, "://"), *net;
	size_t nl;

	if (p == NULL || p == url || host == NULL)
		return 0;
	if (want != NULL && ((size_t)(p - url) != strlen(want) ||
	    strncasecmp(url, want, strlen(want)) != 0))
		return 0;
	net = p + 3;
	nl = strcspn(net, "/?#");
	return nl == strlen(host) && strncasecmp(net, host, nl) == 0;
}

/* 0 if the request passes, else -1 (Django's checks, no trusted origins:
 * the floor has no settings). */
static int
csrf_check(const char *cookie, size_t clen, const struct str *field,
    int secure)
{
	const char *origin = getenv("HTTP_ORIGIN");
	const char *sfs = getenv("HTTP_SEC_FETCH_SITE");
	const char *host = getenv("HTTP_HOST"), *scheme = secure ? "https" :
	    "http", *tok;
	char want[SECRET_LEN], got[SECRET_LEN];
	size_t tlen;
	int ok;

	if (sfs != NULL && strcasecmp(sfs, "cross-site") == 0)
		return -1;
	if (origin != NULL) {
		if (!url_host_is(origin, scheme, host) ||
		    strchr(strstr(origin, "://") + 3, '/') != NULL)
			return -1;
	} else if (secure) {
		const char *ref = getenv("HTTP_REFERER");
		if (ref == NULL || !url_host_is(ref, "https", host))
			return -1;
	}
	if (cookie == NULL || !csrf_format_ok(cookie, clen))
		return -1;
	if (clen == TOKEN_LEN)
		csrf_unmask(cookie, want);
	else
		memcpy(want, cookie, SECRET_LEN);
	if (field != NULL && field->n > 0) {
		tok = field->p;
		tlen = field->n;
	} else if ((tok = getenv("HTTP_X_CSRFTOKEN")) != NULL) {
		tlen = strlen(tok);
	} else {
		return -1;
	}
	if (!csrf_format_ok(tok, tlen))
		return -1;
	if (tlen == TOKEN_LEN)
		csrf_unmask(tok, got);
	else
		memcpy(got, tok, SECRET_LEN);
	ok = ct_equal(got, want, SECRET_LEN);
	explicit_bzero(got, sizeof(got));
	return ok ? 0 : -1;
}

/* ---- the request ------------------------------------------------------------------ */

/* Cookie: sessionid and csrftoken (the last of each; -1 when csrftoken
 * comes more than once with different values). */
static int
parse_cookies(char *h, struct str *sid, struct str *csrf)
{
	char *p = h, *end = h + strlen(h), *semi, *eq, *ns, *ne, *vs, *ve;
	int conflict = 0;

	while (p < end) {
		if ((semi = memchr(p, ';', (size_t)(end - p))) == NULL)
			semi = end;
		if ((eq = memchr(p, '=', (size_t)(semi - p))) != NULL) {
			ns = p;
			ne = eq;
			vs = eq + 1;
			ve = semi;
			while (ns < ne && (*ns == ' ' || *ns == '\t'))
				ns++;
			while (ne > ns && (ne[-1] == ' ' || ne[-1] == '\t'))
				ne--;
			while (vs < ve && (*vs == ' ' || *vs == '\t'))
				vs++;
			while (ve > vs && (ve[-1] == ' ' || ve[-1] == '\t'))
				ve--;
			if (ne - ns == 9 && memcmp(ns, "sessionid", 9) == 0) {
				sid->p = vs;
				sid->n = (size_t)(ve - vs);
			} else if (ne - ns == 9 &&
			    memcmp(ns, "csrftoken", 9) == 0) {
				if (csrf->p != NULL && (csrf->n !=
				    (size_t)(ve - vs) ||
				    memcmp(csrf->p, vs, csrf->n) != 0))
					conflict = 1;
				csrf->p = vs;
				csrf->n = (size_t)(ve - vs);
			}
		}
		p = semi < end ? semi + 1 : end;
	}
	return conflict ? -1 : 0;
}

/* "/posts/<id>/comment/" -> id, "/posts/new/" -> 0, or -1. */
static long long
post_id(const char *path)
{
	const char *p;
	long long id = 0;

	if (path != NULL && strcmp(path, "/posts/new/") == 0)
		return 0;
	if (path == NULL || strncmp(path, "/posts/", 7) != 0)
		return -1;
	for (p = path + 7; *p >= '0' && *p <= '9'; p++) {
		if (id > (0x7fffffffffffffffLL - 9) / 10)
			return -1;
		id = id * 10 + (*p - '0');
	}
	if (p == path + 7 || strcmp(p, "/comment/") != 0)
		return -1;
	return id;
}

/* Surrounding ASCII whitespace off; then required (unless blank is
 * allowed) and at most max characters.  0 or -1. */
static int
clean_text_blank(struct str *s, long max, int blank)
{
	long n;

	while (s->n > 0 && strchr(" \t\n\v\f\r", s->p[0]) != NULL) {
		s->p++;
		s->n--;
	}
	while (s->n > 0 && strchr(" \t\n\v\f\r", s->p[s->n - 1]) != NULL)
		s->n--;
	n = utf8_chars(s->p, s->n);
	return (s->n > 0 || blank) && n >= 0 && n <= max ? 0 : -1;
}

static int
clean_text(struct str *s, long max)
{
	return clean_text_blank(s, max, 0);
}

/* t as ISO 8601 UTC (http = 0) or as an HTTP date (http = 1). */
static int
fmt_time(char *buf, size_t size, time_t t, int http)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL)
		return -1;
	return (http ? strftime(buf, size, "%a, %d %b %Y %H:%M:%S GMT", &tm) :
	    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm)) != 0 ? 0 : -1;
}

/* Read CONTENT_LENGTH bytes into body[].  0, or the status to answer. */
static const char *
read_body(size_t *len)
{
	const char *cl = getenv("CONTENT_LENGTH");
	size_t n = 0, got = 0;
	ssize_t r;

	if (cl == NULL || *cl == '\0')
		return "411 Length Required";
	for (; *cl != '\0'; cl++) {
		if (*cl < '0' || *cl > '9')
			return "400 Bad Request";
		n = n * 10 + (size_t)(*cl - '0');
		if (n > BODY_MAX)
			return "413 Content Too Large";
	}
	while (got < n) {
		r = read(0, body + got, n - got);
		if (r <= 0)
			return "400 Bad Request";
		got += (size_t)r;
	}
	*len = n;
	return NULL;
}

/* ---- the session ---------------------------------------------------------------- */

static int
step_done(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static sqlite3_stmt *
prepare(sqlite3 *db, const char *sql, size_t len)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db, sql, (int)len, &st, NULL) != SQLITE_OK)
		return NULL;
	return st;
}

#define PREPARE(db, sql) prepare(db, sql, sizeof(sql) - 1)

/* Is the user the session names there, active, and its password hash the
 * one the session was made with?  1, 0 (not: the session ends) or -1. */
static char username[USERNAME_MAX * 4 + 1];  /* the user's, for a new post */

static int
user_ok(sqlite3 *db, const struct str *uid, const struct str *digest)
{
	sqlite3_stmt *st;
	br_sha256_context h;
	unsigned char d[br_sha256_SIZE];
	char want[2 * br_sha256_SIZE], num[24];
	const unsigned char *pw;
	long long id;
	char *end;
	int rc, active, found = 0, match = 0;
	size_t i;

	if (uid->n == 0 || uid->n >= sizeof(num))
		return 0;
	memcpy(num, uid->p, uid->n);
	num[uid->n] = '\0';
	id = strtoll(num, &end, 10);
	if (*end != '\0' || id <= 0)
		return 0;
	if ((st = PREPARE(db, sql_user)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, 2);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		found++;
		if ((size_t)sqlite3_column_bytes(st, 1) < sizeof(username) &&
		    sqlite3_column_text(st, 1) != NULL)
			memcpy(username, sqlite3_column_text(st, 1),
			    (size_t)sqlite3_column_bytes(st, 1) + 1);
		pw = sqlite3_column_text(st, 3);
		active = sqlite3_column_int(st, 4);
		br_sha256_init(&h);
		br_sha256_update(&h, pw != NULL ? pw : (const unsigned char *)"",
		    (size_t)sqlite3_column_bytes(st, 3));
		br_sha256_out(&h, d);
		for (i = 0; i < sizeof(d); i++) {
			want[2 * i] = hexdig[d[i] >> 4];
			want[2 * i + 1] = hexdig[d[i] & 15];
		}
		match = active && digest != NULL && digest->n == sizeof(want) &&
		    ct_equal(digest->p, want, sizeof(want));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -1;
	return found == 1 && match;
}

/* A fresh session key (32 random bytes, hex). */
static int
new_key(char key[SESSION_KEY_HEX + 1])
{
	unsigned char raw[SESSION_KEY_HEX / 2];
	size_t i;

	if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw))
		return -1;
	for (i = 0; i < sizeof(raw); i++) {
		key[2 * i] = hexdig[raw[i] >> 4];
		key[2 * i + 1] = hexdig[raw[i] & 15];
	}
	key[SESSION_KEY_HEX] = '\0';
	return 0;
}

/* Write the session back: UPDATE by key, else INSERT under a new key
 * (three tries on a clash).  key is "" or the current key; 0 or -1. */
static int
session_save(sqlite3 *db, char key[SESSION_KEY_HEX + 1], const char *data,
    size_t dlen, const char *expire)
{
	sqlite3_stmt *st;
	int tries, rc;

	if (key[0] != '\0') {
		if ((st = PREPARE(db, sql_update)) == NULL)
			return -1;
		sqlite3_bind_text(st, 1, data, (int)dlen, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, expire, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, key, SESSION_KEY_HEX, SQLITE_STATIC);
		if (step_done(st) != 0)
			return -1;
		if (sqlite3_changes(db) > 0)
			return 0;
	}
	for (tries = 0; tries < 3; tries++) {
		if (new_key(key) != 0 || (st = PREPARE(db, sql_new)) == NULL)
			return -1;
		sqlite3_bind_text(st, 1, key, SESSION_KEY_HEX, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, data, (int)dlen, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, expire, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc == SQLITE_DONE)
			return 0;
		if ((rc & 0xff) != SQLITE_CONSTRAINT)
			return -1;
	}
	return -1;
}

/* ---- main ------------------------------------------------------------------------ */

int
main(void)
{
	const char *path = getenv("FLOOR_DB");
	const char *method = getenv("REQUEST_METHOD");
	const char *ctype = getenv("CONTENT_TYPE");
	const char *script = getenv("SCRIPT_NAME");
	const char *https = getenv("HTTPS");
	char *cookies = getenv("HTTP_COOKIE");
	struct str sid = { NULL, 0 }, csrf = { NULL, 0 }, name, text;
	const struct str *v, *uid;
	struct buf b;
	sqlite3 *db = NULL;
	sqlite3_stmt *st;
	char key[SESSION_KEY_HEX + 1] = "", old_key[SESSION_KEY_HEX + 1] = "";
	char now[32], expire[32], cookie_date[40], num[24], *np;
	size_t blen = 0, nform = 0, nsess = 0, nmsgs = 0, i, k, loclen, pagelen;
	long long id, pid = 0;
	time_t t = time(NULL);
	const char *why, *message = MESSAGE;
	int rc, fk = 0, secure = https != NULL && strcasecmp(https, "on") == 0;

	if (path == NULL)
		return 1;
	if (script == NULL)
		script = "";
	if (method == NULL || strcmp(method, "POST") != 0)
		return answer("405 Method Not Allowed");
	if ((id = post_id(getenv("PATH_INFO"))) < 0)
		return answer("404 Not Found");
	if ((why = read_body(&blen)) != NULL)
		return answer(why);
	if (ctype == NULL || strncasecmp(ctype,
	    "application/x-www-form-urlencoded", 33) != 0 ||
	    (ctype[33] != '\0' && ctype[33] != ';'))
		return answer("400 Bad Request");
	if (parse_pairs(body, blen, form, FIELDS_MAX, &nform) != 0)
		return answer("400 Bad Request");
	if (cookies != NULL && parse_cookies(cookies, &sid, &csrf) != 0)
		return answer("403 Forbidden");
	if (csrf_check(csrf.p, csrf.n, pair_get(form, nform,
	    "csrfmiddlewaretoken"), secure) != 0)
		return answer("403 Forbidden");

	if (fmt_time(now, sizeof(now), t, 0) != 0 ||
	    fmt_time(expire, sizeof(expire), t + SESSION_AGE, 0) != 0 ||
	    fmt_time(cookie_date, sizeof(cookie_date), t + SESSION_AGE, 1) !=
	    0)
		return answer("500 Internal Server Error");
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK)
		return answer("500 Internal Server Error");
	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_timeout(db, 5000);
	/* as the app does (src/db/db.c): checkpoint at 64 WAL pages */
	sqlite3_wal_autocheckpoint(db, 64);
	if (sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_FKEY, 1, &fk) !=
	    SQLITE_OK || !fk)
		return answer("500 Internal Server Error");

	/* The session, by key and expiry; the user it names. */
	if (sid.n == SESSION_KEY_HEX) {
		for (i = 0; i < SESSION_KEY_HEX; i++)
			if (hexval((unsigned char)sid.p[i]) < 0 ||
			    (sid.p[i] >= 'A' && sid.p[i] <= 'F'))
				break;
		if (i == SESSION_KEY_HEX)
			memcpy(key, sid.p, SESSION_KEY_HEX);
	}
	if (key[0] != '\0') {
		int found = 0;

		if ((st = PREPARE(db, sql_session)) == NULL)
			return answer("500 Internal Server Error");
		sqlite3_bind_text(st, 1, key, SESSION_KEY_HEX, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			const char *d = (const char *)sqlite3_column_text(st, 0);
			size_t n = (size_t)sqlite3_column_bytes(st, 0);

			found = 1;
			nsess = 0;
			if (d != NULL && n <= sizeof(sess_text)) {
				memcpy(sess_text, d, n);
				if (parse_pairs(sess_text, n, sess, FIELDS_MAX,
				    &nsess) != 0)
					nsess = 0;  /* unreadable: empty */
			}
		}
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return answer("500 Internal Server Error");
		if (!found)
			key[0] = '\0';
	}
	if ((uid = pair_get(sess, nsess, "_auth_user_id")) != NULL) {
		rc = user_ok(db, uid, pair_get(sess, nsess, "_auth_user_hash"));
		if (rc < 0)
			return answer("500 Internal Server Error");
		if (rc == 0) {          /* the session ends */
			memcpy(old_key, key, sizeof(key));
			key[0] = '\0';
			nsess = 0;
		}
	}

	if (id == 0) {
		/* A new post: the logged-in user's, the form, the model
		 * form's uniqueness query for the slug, the INSERT. */
		struct str title, slug;

		if (pair_get(sess, nsess, "_auth_user_id") == NULL ||
		    username[0] == '\0')
			return answer("403 Forbidden");
		v = pair_get(form, nform, "title");
		title = v != NULL ? *v : (struct str){ NULL, 0 };
		v = pair_get(form, nform, "slug");
		slug = v != NULL ? *v : (struct str){ NULL, 0 };
		v = pair_get(form, nform, "body");
		text = v != NULL ? *v : (struct str){ "", 0 };
		if (clean_text(&title, TITLE_MAX_CHARS) != 0 ||
		    clean_text(&slug, TITLE_MAX_CHARS) != 0 ||
		    clean_text_blank(&text, 0x7fffffffL, 1) != 0)
			return answer("400 Bad Request");
		if ((st = PREPARE(db, sql_slug)) == NULL)
			return answer("500 Internal Server Error");
		sqlite3_bind_text(st, 1, slug.p, (int)slug.n, SQLITE_STATIC);
		rc = sqlite3_step(st);
		k = rc == SQLITE_ROW ? (size_t)sqlite3_column_int(st, 0) : 0;
		sqlite3_finalize(st);
		if (rc != SQLITE_ROW)
			return answer("500 Internal Server Error");
		if (k != 0)
			return answer("400 Bad Request");
		if ((st = PREPARE(db, sql_new_post)) == NULL)
			return answer("500 Internal Server Error");
		sqlite3_bind_text(st, 1, title.p, (int)title.n, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, slug.p, (int)slug.n, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, text.p, (int)text.n, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, username, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, now, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 6, 1);
		sqlite3_bind_text(st, 7, uid->p, (int)uid->n, SQLITE_STATIC);
		if (step_done(st) != 0)
			return answer("500 Internal Server Error");
		pid = sqlite3_last_insert_rowid(db);
		message = MESSAGE_NEW;
	} else {
		/* The post, published. */
		if ((st = PREPARE(db, sql_post)) == NULL)
			return answer("500 Internal Server Error");
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int(st, 2, 1);
		sqlite3_bind_int(st, 3, 2);
		for (k = 0; (rc = sqlite3_step(st)) == SQLITE_ROW; k++)
			pid = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return answer("500 Internal Server Error");
		if (k != 1)
			return answer("404 Not Found");

		/* The form, then the comment. */
		v = pair_get(form, nform, "name");
		name = v != NULL ? *v : (struct str){ NULL, 0 };
		v = pair_get(form, nform, "body");
		text = v != NULL ? *v : (struct str){ NULL, 0 };
		if (clean_text(&name, NAME_MAX_CHARS) != 0 ||
		    clean_text(&text, BODY_MAX_CHARS) != 0)
			return answer("400 Bad Request");
		if ((st = PREPARE(db, sql_insert)) == NULL)
			return answer("500 Internal Server Error");
		sqlite3_bind_int64(st, 1, pid);
		sqlite3_bind_text(st, 2, name.p, (int)name.n, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, text.p, (int)text.n, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
		if (step_done(st) != 0)
			return answer("500 Internal Server Error");
	}

	/* The flash message: the stored list, the oldest dropped when full,
	 * the new one last; the session's _messages replaced by it. */
	if ((v = pair_get(sess, nsess, "_messages")) != NULL &&
	    v->n <= sizeof(msg_text)) {
		memcpy(msg_text, v->p, v->n);
		if (parse_pairs(msg_text, v->n, msgs, FIELDS_MAX, &nmsgs) != 0)
			nmsgs = 0;      /* unreadable: a new list */
	}
	if (nmsgs >= MESSAGES_MAX) {
		memmove(msgs, msgs + 1, (nmsgs - 1) * sizeof(*msgs));
		nmsgs--;
	}
	msgs[nmsgs].name = (struct str){ MESSAGE_LEVEL, 1 };
	msgs[nmsgs].value = (struct str){ message, strlen(message) };
	nmsgs++;
	b = (struct buf){ msg_enc, 0, sizeof(msg_enc), 0 };
	put_pairs(&b, msgs, nmsgs);
	for (i = k = 0; i < nsess; i++)
		if (!str_is(&sess[i].name, "_messages"))
			sess[k++] = sess[i];
	nsess = k;
	sess[nsess].name = (struct str){ "_messages", 9 };
	sess[nsess].value = (struct str){ msg_enc, b.len };
	nsess++;
	b = (struct buf){ sess_enc, 0, sizeof(sess_enc), b.overflow };
	put_pairs(&b, sess, nsess);
	if (b.overflow || b.len > SESSION_MAX_DATA)
		return answer("500 Internal Server Error");

	/* The session, written back. */
	if (old_key[0] != '\0') {
		if ((st = PREPARE(db, sql_delete)) == NULL)
			return answer("500 Internal Server Error");
		sqlite3_bind_text(st, 1, old_key, SESSION_KEY_HEX,
		    SQLITE_STATIC);
		if (step_done(st) != 0)
			return answer("500 Internal Server Error");
	}
	if (session_save(db, key, sess_enc, b.len, expire) != 0)
		return answer("500 Internal Server Error");

	/* 302 to the post: the URL (non-ASCII percent-encoded, as the
	 * Location header wants), the redirect page, the header block. */
	np = num + sizeof(num);
	do
		*--np = (char)('0' + pid % 10);
	while ((pid /= 10) > 0);
	b = (struct buf){ loc, 0, sizeof(loc), 0 };
	for (; *script != '\0'; script++) {
		unsigned char c = (unsigned char)*script;
		char e[3] = { '%', "0123456789ABCDEF"[c >> 4],
		    "0123456789ABCDEF"[c & 15] };
		put(&b, c < 0x80 ? script : e, c < 0x80 ? 1 : 3);
	}
	PUTS(&b, "/posts/");
	put(&b, np, (size_t)(num + sizeof(num) - np));
	PUTS(&b, "/");
	loclen = b.len;
	if (b.overflow)
		return answer("500 Internal Server Error");
	b = (struct buf){ page, 0, sizeof(page), 0 };
	PUTS(&b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\""
	    "utf-8\"><title>Redirecting</title></head>\n<body><p>"
	    "Redirecting to <a href=\"");
	put_html(&b, loc, loclen);
	PUTS(&b, "\">");
	put_html(&b, loc, loclen);
	PUTS(&b, "</a>.</p></body></html>\n");
	pagelen = b.len;
	if (b.overflow)
		return answer("500 Internal Server Error");

	b = (struct buf){ out, 0, sizeof(out), 0 };
	PUTS(&b, "Status: 302 Found\r\nLocation: ");
	put(&b, loc, loclen);
	PUTS(&b, "\r\nContent-Type: text/html; charset=utf-8\r\n"
	    "Set-Cookie: sessionid=");
	put(&b, key, SESSION_KEY_HEX);
	PUTS(&b, "; Path=/; Max-Age=1209600; Expires=");
	put_str(&b, cookie_date);
	if (secure)
		PUTS(&b, "; Secure");
	PUTS(&b, "; HttpOnly; SameSite=Lax\r\n"
	    "X-Content-Type-Options: nosniff\r\n"
	    "X-Frame-Options: DENY\r\n"
	    "Referrer-Policy: same-origin\r\n"
	    "Cross-Origin-Opener-Policy: same-origin\r\n"
	    "Content-Length: ");
	np = num + sizeof(num);
	k = pagelen;
	do
		*--np = (char)('0' + k % 10);
	while ((k /= 10) > 0);
	put(&b, np, (size_t)(num + sizeof(num) - np));
	PUTS(&b, "\r\n\r\n");
	put(&b, page, pagelen);
	if (b.overflow)
		return 1;
	return write_all(b.p, b.len);
}
