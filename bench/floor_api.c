/*
 * floor_api.c - the floor for the /api/posts/ benchmark: the least a
 * static C CGI program can do to answer GET /api/posts/ (page 1) like
 * blog.cgi does.
 *
 * bench/api.sh times this against cgi-bin/blog.cgi on the same database;
 * the ratio is what Wick (settings, request parse, middleware, router, ORM,
 * JSON writer, response) costs on top of exec + SQLite + exit.  So it does
 * the same work and no less: it opens the database read-write as the app
 * does, with a busy timeout, runs the very SELECT the ORM builds for the
 * view (every column of blog_post, 21 rows: one more than a page tells
 * whether there is a next page), escapes the text columns with the JSON
 * writer's rules (< > & as \u00XX, invalid UTF-8 as \ufffd, U+2028/2029
 * escaped) and writes the same header block and body in one write.  It
 * does no more either: no settings file, no request parsing, no schema
 * check, no copies of the rows.  Like the app, it exits with the
 * connection open: sqlite3_close on the last connection of a WAL database
 * checkpoints and deletes the -wal file, work a CGI process need not do
 * (and which would make the next process re-create it).
 *
 * The database is the file named by $FLOOR_DB (an environment variable so
 * that it passes through build/bench/spawn like the CGI variables); the
 * links are built on $SCRIPT_NAME, taken as it is (the bench's
 * "/cgi-bin/blog.cgi" needs no percent-encoding).  Exit status 1, no
 * output, on any error.  Built like the app: musl-gcc -static -O2,
 * stripped, SQLite from build/deps.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#define PAGE 20
#define HDR_ROOM 512            /* the header block goes in front of the body */
#define OUT_SIZE 65536

/* Exactly the SQL src/db/query.c assembles for the view's query. */
static const char sql[] =
    "SELECT \"id\", \"title\", \"slug\", \"body\", \"author_name\", "
    "\"created\", \"published\", \"author\" FROM \"blog_post\" "
    "WHERE \"published\" = ?1 ORDER BY \"created\" DESC, \"id\" DESC "
    "LIMIT ?2";

static const char head[] =
    "Status: 200 OK\r\n"
    "Content-Type: application/json; charset=utf-8\r\n"
    "X-Content-Type-Options: nosniff\r\n"
    "X-Frame-Options: DENY\r\n"
    "Referrer-Policy: same-origin\r\n"
    "Cross-Origin-Opener-Policy: same-origin\r\n"
    "Content-Length: ";

/* The response: header block in buf[start, HDR_ROOM), body after it. */
static char buf[HDR_ROOM + OUT_SIZE];
static size_t len = HDR_ROOM;   /* end of the body so far */
static int overflow;

static void
put(const char *s, size_t n)
{
	if (n > sizeof(buf) - len) {
		overflow = 1;
		return;
	}
	memcpy(buf + len, s, n);
	len += n;
}

/* A string literal only ("" rejects anything else at compile time). */
#define PUTS(lit) put("" lit, sizeof(lit) - 1)

/* Decimal digits of v at the end of tmp[24]; returns the first. */
static char *
digits(char tmp[24], long long v)
{
	unsigned long long u = v < 0 ? 0 - (unsigned long long)v :
	    (unsigned long long)v;
	char *p = tmp + 24;

	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) > 0);
	if (v < 0)
		*--p = '-';
	return p;
}

static void
put_int(long long v)
{
	char tmp[24], *p = digits(tmp, v);

	put(p, (size_t)(tmp + 24 - p));
}

/* Length of the valid UTF-8 sequence at s (n bytes left) or 0; *cp gets
 * its code point.  The same rules as src/core/json.c. */
static size_t
utf8(const unsigned char *s, size_t n, unsigned *cp)
{
	size_t l, i;
	unsigned v;

	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		l = 2;
		v = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		l = 3;
		v = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		l = 4;
		v = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < l)
		return 0;
	for (i = 1; i < l; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if ((l == 3 && v < 0x800) || (l == 4 && (v < 0x10000 ||
	    v > 0x10ffff)) || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return l;
}

/* A JSON string, escaped as wk_json_escape does; NULL is null. */
static void
put_str(const unsigned char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i = 0, start = 0, l;
	unsigned cp;

	if (s == NULL) {
		PUTS("null");
		return;
	}
	PUTS("\"");
	while (i < n) {
		unsigned char c = s[i];
		char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
		const char *rep = u;
		size_t rlen = 2;

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\' &&
		    c != '<' && c != '>' && c != '&') {
			i++;
			continue;
		}
		l = 1;
		switch (c) {
		case '"': rep = "\\\""; break;
		case '\\': rep = "\\\\"; break;
		case '\n': rep = "\\n"; break;
		case '\r': rep = "\\r"; break;
		case '\t': rep = "\\t"; break;
		case '\b': rep = "\\b"; break;
		case '\f': rep = "\\f"; break;
		default:
			rlen = 6;
			if (c < 0x80)               /* control, DEL, < > & */
				break;
			l = utf8(s + i, n - i, &cp);
			if (l == 0) {
				rep = "\\ufffd";
				l = 1;
			} else if (cp == 0x2028 || cp == 0x2029) {
				rep = cp == 0x2028 ? "\\u2028" : "\\u2029";
			} else {
				i += l;             /* valid: copied as it is */
				continue;
			}
			break;
		}
		put((const char *)s + start, i - start);
		put(rep, rlen);
		i += l;
		start = i;
	}
	put((const char *)s + start, n - start);
	PUTS("\"");
}

static void
put_col(sqlite3_stmt *st, int col)
{
	const unsigned char *s = sqlite3_column_text(st, col);

	put_str(s, (size_t)sqlite3_column_bytes(st, col));
}

/* "/cgi-bin/blog.cgi/api/posts/" */
static void
put_base(const char *script, size_t slen)
{
	put(script, slen);
	PUTS("/api/posts/");
}

int
main(void)
{
	const char *path = getenv("FLOOR_DB");
	const char *script = getenv("SCRIPT_NAME");
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char tmp[24], *p;
	size_t slen, hlen, start, off;
	int n = 0, more = 0, rc;

	if (path == NULL)
		return 1;
	if (script == NULL)
		script = "";
	slen = strlen(script);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK)
		return 1;
	sqlite3_busy_timeout(db, 5000);
	/* as the app does (src/db/db.c): checkpoint at 64 WAL pages */
	sqlite3_wal_autocheckpoint(db, 64);
	if (sqlite3_prepare_v2(db, sql, sizeof(sql) - 1, &st, NULL) !=
	    SQLITE_OK)
		return 1;
	sqlite3_bind_int(st, 1, 1);
	sqlite3_bind_int(st, 2, PAGE + 1);

	PUTS("{\"page\":1,\"results\":[");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long id;

		if (n == PAGE) {
			more = 1;
			break;
		}
		id = sqlite3_column_int64(st, 0);
		if (n > 0)
			PUTS(",");
		PUTS("{\"id\":");
		put_int(id);
		PUTS(",\"title\":");
		put_col(st, 1);
		PUTS(",\"slug\":");
		put_col(st, 2);
		PUTS(",\"author_name\":");
		put_col(st, 4);
		PUTS(",\"created\":");
		put_col(st, 5);
		PUTS(",\"url\":\"");
		put_base(script, slen);
		put_int(id);
		PUTS("/\"}");
		n++;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return 1;
	PUTS("],\"next\":");
	if (more) {
		PUTS("\"");
		put_base(script, slen);
		PUTS("?page=2\"");
	} else {
		PUTS("null");
	}
	PUTS(",\"previous\":null}");
	if (overflow)
		return 1;

	/* The header block, right-aligned against the body. */
	p = digits(tmp, (long long)(len - HDR_ROOM));
	hlen = sizeof(head) - 1 + (size_t)(tmp + 24 - p) + 4;
	start = HDR_ROOM - hlen;
	memcpy(buf + start, head, sizeof(head) - 1);
	memcpy(buf + start + sizeof(head) - 1, p, (size_t)(tmp + 24 - p));
	memcpy(buf + HDR_ROOM - 4, "\r\n\r\n", 4);
	for (off = start; off < len;) {
		ssize_t w = write(1, buf + off, len - off);

		if (w <= 0)
			return 1;
		off += (size_t)w;
	}
	return 0;
}
