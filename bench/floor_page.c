/*
 * floor_page.c - the floor for the demo's two HTML pages in the benchmark
 * through Apache (bench/apache.sh): GET /posts/ (the newest 20 published
 * posts) and GET /posts/ID/ (one post and its comments, with the comment
 * form and its CSRF token).
 *
 * It is the least a static C CGI program can do to answer those requests
 * the way blog.cgi does: it opens the database read-write with a busy
 * timeout, runs the very SELECTs the ORM builds for the views (for the
 * list, 21 rows: one more than a page tells whether there is a next page),
 * HTML-escapes every text it prints, and writes the security headers and
 * the page in one write.  The detail page also sets a fresh CSRF cookie
 * from getrandom and puts a masked token in the form, as the app does for
 * a visitor without one.  It does no more: no settings file, no template,
 * no date formatting (times are printed as stored), so its pages are a
 * little shorter than the app's; the bench prints both sizes.
 *
 * The database is the file named by $FLOOR_DB (Apache's SetEnv).  Links
 * are built on $SCRIPT_NAME as it is.  Exit status 1, no output, on an
 * internal error; 404 for another path or a missing post.  Built like the
 * app: musl-gcc -static -O2, stripped, SQLite from build/deps.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include <sqlite3.h>

#define PAGE 20
#define OUT_SIZE (256 * 1024)
#define SECRET_LEN 32

/* The SQL src/db/query.c assembles for the two views. */
static const char sql_list[] =
    "SELECT \"id\", \"title\", \"slug\", \"body\", \"author_name\", "
    "\"created\", \"published\", \"author\" FROM \"blog_post\" "
    "WHERE \"published\" = ?1 ORDER BY \"created\" DESC, \"id\" DESC "
    "LIMIT ?2";
static const char sql_post[] = "SELECT \"id\", \"title\", \"slug\", "
    "\"body\", \"author_name\", \"created\", \"published\", \"author\" "
    "FROM \"blog_post\" WHERE \"id\" = ?1 AND \"published\" = ?2 LIMIT ?3";
static const char sql_comments[] = "SELECT \"id\", \"post\", \"name\", "
    "\"body\", \"created\" FROM \"blog_comment\" WHERE \"post\" = ?1 "
    "ORDER BY \"created\", \"id\"";

static const char alnum[] =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

static char body[OUT_SIZE];
static size_t blen;
static int overflow;
static const char *script = "";

static void
put(const char *s, size_t n)
{
	if (n > sizeof(body) - blen) {
		overflow = 1;
		return;
	}
	memcpy(body + blen, s, n);
	blen += n;
}

/* A string literal only ("" rejects anything else at compile time). */
#define PUTS(lit) put("" lit, sizeof(lit) - 1)

static void
put_int(long long v)
{
	char tmp[24], *p = tmp + sizeof(tmp);
	unsigned long long u = v < 0 ? 0 : (unsigned long long)v;

	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) > 0);
	put(p, (size_t)(tmp + sizeof(tmp) - p));
}

/* Text as HTML: & < > " ' escaped, as the template engine does. */
static void
put_html(const unsigned char *s, size_t n)
{
	size_t i, start = 0;

	for (i = 0; i < n; i++) {
		const char *rep;

		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#x27;"; break;
		default: continue;
		}
		put((const char *)s + start, i - start);
		put(rep, strlen(rep));
		start = i + 1;
	}
	put((const char *)s + start, n - start);
}

static void
put_col(sqlite3_stmt *st, int col)
{
	put_html(sqlite3_column_text(st, col),
	    (size_t)sqlite3_column_bytes(st, col));
}

static void
put_url(const char *path)
{
	put(script, strlen(script));
	put(path, strlen(path));
}

static void
page_top(void)
{
	PUTS("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset="
	    "\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n<title>Wick blog</title>\n<link rel=\""
	    "stylesheet\" href=\"");
	put_url("/static/style.css");
	PUTS("\">\n</head>\n<body>\n<header class=\"site\">\n  <a class=\""
	    "brand\" href=\"");
	put_url("/");
	PUTS("\">Wick blog</a>\n  <nav>\n    <a href=\"");
	put_url("/posts/");
	PUTS("\">Posts</a>\n    <a href=\"");
	put_url("/hello");
	PUTS("\">Hello</a>\n    <a href=\"");
	put_url("/accounts/login/");
	PUTS("\">Log in</a>\n  </nav>\n</header>\n<main>\n");
}

static void
page_bottom(void)
{
	PUTS("</main>\n<footer class=\"site\">Wick</footer>\n</body>\n"
	    "</html>\n");
}

/* 1 answered, -1 error. */
static int
list(sqlite3 *db)
{
	sqlite3_stmt *st;
	int n = 0, more = 0, rc;

	if (sqlite3_prepare_v2(db, sql_list, sizeof(sql_list) - 1, &st,
	    NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int(st, 1, 1);
	sqlite3_bind_int(st, 2, PAGE + 1);
	page_top();
	PUTS("<h1>Posts</h1>\n<ul class=\"posts\">\n");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == PAGE) {
			more = 1;
			break;
		}
		PUTS("<li class=\"post\">\n  <a class=\"title\" href=\"");
		put_url("/posts/");
		put_int(sqlite3_column_int64(st, 0));
		PUTS("/\">");
		put_col(st, 1);
		PUTS("</a>\n  <time datetime=\"");
		put_col(st, 5);
		PUTS("\">");
		put_col(st, 5);
		PUTS("</time>\n  <p>");
		put_col(st, 3);
		PUTS("</p>\n</li>\n");
		n++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -1;
	PUTS("</ul>\n");
	if (more) {
		PUTS("<nav class=\"pager\"><span>Page 1</span> <a rel=\"next\" "
		    "href=\"");
		put_url("/posts/?page=2");
		PUTS("\">Older &rarr;</a></nav>\n");
	}
	page_bottom();
	return 1;
}

/* 1 found, 0 not found, -1 error.  secret gets the new CSRF secret. */
static int
detail(sqlite3 *db, long long id, char secret[SECRET_LEN])
{
	unsigned char rnd[2 * SECRET_LEN];
	char token[2 * SECRET_LEN];
	sqlite3_stmt *st;
	int rc, n = 0, i;

	if (sqlite3_prepare_v2(db, sql_post, sizeof(sql_post) - 1, &st,
	    NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, 1);
	sqlite3_bind_int(st, 3, 2);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return rc == SQLITE_DONE ? 0 : -1;
	}
	page_top();
	PUTS("<article>\n  <h1>");
	put_col(st, 1);
	PUTS("</h1>\n  <p class=\"byline\">by ");
	put_col(st, 4);
	PUTS(" &middot;\n  <time datetime=\"");
	put_col(st, 5);
	PUTS("\">");
	put_col(st, 5);
	PUTS("</time></p>\n  <div class=\"body\"><p>");
	put_col(st, 3);
	PUTS("</p></div>\n</article>\n<section class=\"comments\">\n");
	sqlite3_finalize(st);

	if (sqlite3_prepare_v2(db, sql_comments, sizeof(sql_comments) - 1,
	    &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		PUTS("  <div class=\"comment\">\n    <p class=\"meta\"><strong>");
		put_col(st, 2);
		PUTS("</strong> &middot; <time>");
		put_col(st, 4);
		PUTS("</time></p>\n    <p>");
		put_col(st, 3);
		PUTS("</p>\n  </div>\n");
		n++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -1;
	PUTS("  <h2>");
	put_int(n);
	PUTS(" comments</h2>\n</section>\n");

	/* A new CSRF secret and the form's token: 32 random characters,
	 * then secret + mask mod 62 (src/auth/csrf.c's masking). */
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return -1;
	for (i = 0; i < SECRET_LEN; i++) {
		secret[i] = alnum[rnd[i] % 62];
		token[i] = alnum[rnd[SECRET_LEN + i] % 62];
		token[SECRET_LEN + i] = alnum[(rnd[i] % 62 +
		    rnd[SECRET_LEN + i] % 62) % 62];
	}
	PUTS("<section class=\"comment-form\">\n  <h2>Leave a comment</h2>\n"
	    "  <form method=\"post\" action=\"");
	put_url("/posts/");
	put_int(id);
	PUTS("/comment/\"><input type=\"hidden\" name=\"csrfmiddlewaretoken\""
	    " value=\"");
	put(token, sizeof(token));
	PUTS("\">\n    <p><label for=\"id_name\">Name:</label> <input type="
	    "\"text\" name=\"name\" id=\"id_name\" maxlength=\"100\" required>"
	    "</p>\n    <p><label for=\"id_body\">Comment:</label> <textarea "
	    "name=\"body\" id=\"id_body\" cols=\"40\" rows=\"6\" maxlength="
	    "\"5000\" required></textarea></p>\n    <p><button type=\"submit\">"
	    "Post comment</button></p>\n  </form>\n</section>\n");
	page_bottom();
	return 1;
}

/* "/posts/" -> 0, "/posts/N/" -> N, anything else -> -1. */
static long long
route(const char *p)
{
	long long id = 0;

	if (p == NULL || strncmp(p, "/posts/", 7) != 0)
		return -1;
	p += 7;
	if (*p == '\0')
		return 0;
	if (*p < '1' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (id > 100000000000LL)
			return -1;
		id = id * 10 + (*p - '0');
	}
	return strcmp(p, "/") == 0 ? id : -1;
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

static int
answer(const char *status)
{
	char out[256];
	size_t n = 0, l = strlen(status);

	if (l > 200)
		return 1;
	memcpy(out, "Status: ", 8);
	n = 8;
	memcpy(out + n, status, l);
	n += l;
	memcpy(out + n, "\r\nContent-Type: text/plain\r\n\r\n", 30);
	n += 30;
	return write_all(out, n);
}

int
main(void)
{
	static char head[1024];
	const char *path = getenv("FLOOR_DB");
	char secret[SECRET_LEN], tmp[24], *p;
	size_t hlen = 0;
	sqlite3 *db = NULL;
	long long id;
	int fk = 0, rc;

	if (path == NULL)
		return 1;
	if (getenv("SCRIPT_NAME") != NULL)
		script = getenv("SCRIPT_NAME");
	if ((id = route(getenv("PATH_INFO"))) < 0)
		return answer("404 Not Found");
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK)
		return 1;
	sqlite3_busy_timeout(db, 5000);
	/* as the app does (src/db/db.c): checkpoint at 64 WAL pages */
	sqlite3_wal_autocheckpoint(db, 64);
	if (sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_FKEY, 1, &fk) !=
	    SQLITE_OK || !fk)
		return 1;
	rc = id == 0 ? list(db) : detail(db, id, secret);
	if (rc < 0 || overflow)
		return 1;
	if (rc == 0)
		return answer("404 Not Found");

#define HPUT(lit) do { memcpy(head + hlen, lit, sizeof(lit) - 1); \
	hlen += sizeof(lit) - 1; } while (0)
	HPUT("Status: 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n");
	if (id != 0) {
		HPUT("Set-Cookie: csrftoken=");
		memcpy(head + hlen, secret, SECRET_LEN);
		hlen += SECRET_LEN;
		HPUT("; Path=/; Max-Age=31449600; SameSite=Lax\r\n");
	}
	HPUT("Vary: Cookie\r\nX-Content-Type-Options: nosniff\r\n"
	    "X-Frame-Options: DENY\r\nReferrer-Policy: same-origin\r\n"
	    "Cross-Origin-Opener-Policy: same-origin\r\nContent-Length: ");
	p = tmp + sizeof(tmp);
	{
		size_t u = blen;

		do
			*--p = (char)('0' + u % 10);
		while ((u /= 10) > 0);
	}
	memcpy(head + hlen, p, (size_t)(tmp + sizeof(tmp) - p));
	hlen += (size_t)(tmp + sizeof(tmp) - p);
	HPUT("\r\n\r\n");
#undef HPUT
	/* One write of header and body, as the app does. */
	if (hlen > sizeof(body) - blen)
		return 1;
	memmove(body + hlen, body, blen);
	memcpy(body, head, hlen);
	return write_all(body, hlen + blen);
}
