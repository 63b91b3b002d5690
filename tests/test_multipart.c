/*
 * test_multipart.c - src/http/multipart.c: boundary parsing, fields and files,
 * the same bodies fed in every chunking (one byte at a time, odd sizes,
 * from a pipe), files stored 0600 in a 0700 folder and gone after cleanup,
 * and a table of malformed and oversized bodies - each must fail with the
 * right status and leave the upload folder empty.  Filename sanitizing has
 * its own table of hostile names.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "wick/core/arena.h"
#include "wick/core/buf.h"
#include "wick/http/multipart.h"
#include "wick/http/request.h"
#include "wick/core/settings.h"

#define CT "multipart/form-data; boundary=XyZ"

static wk_arena arena;
static char tmpdir[64];
static struct wk_multipart_opts opts;

static int
setup(void **state)
{
	(void)state;
	wk_arena_init(&arena);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/wick-test-mp-XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	wk_multipart_opts_default(&opts, NULL);
	opts.tmp_dir = tmpdir;
	return 0;
}

/* Number of entries under dir (recursively), for "nothing left behind". */
static int
count_entries(const char *dir)
{
	struct dirent *de;
	char sub[512];
	DIR *d = opendir(dir);
	int n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		n++;
		snprintf(sub, sizeof(sub), "%s/%s", dir, de->d_name);
		if (de->d_type == DT_DIR)
			n += count_entries(sub);
	}
	closedir(d);
	return n;
}

static int
teardown(void **state)
{
	(void)state;
	assert_int_equal(count_entries(tmpdir), 0);
	rmdir(tmpdir);
	wk_arena_free(&arena);
	return 0;
}

/* Read a whole small file into the arena. */
static char *
slurp(const char *path, size_t *len)
{
	wk_buf b;
	char chunk[4096];
	ssize_t r;
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	wk_buf_init(&b, &arena);
	while ((r = read(fd, chunk, sizeof(chunk))) > 0)
		assert_int_equal(wk_buf_append(&b, chunk, (size_t)r), 0);
	close(fd);
	*len = b.len;
	return b.data != NULL ? b.data : (char *)(uintptr_t)"";
}

static void
test_boundary(void **state)
{
	static const struct {
		const char *ct;
		const char *want;   /* NULL: refused */
	} v[] = {
		{ "multipart/form-data; boundary=abc", "abc" },
		{ "Multipart/Form-Data;boundary=\"a b'()+_,-./:=?c\"",
		    "a b'()+_,-./:=?c" },
		{ "multipart/form-data; charset=utf-8; "
		    "boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW",
		    "----WebKitFormBoundary7MA4YWxkTrZu0gW" },
		{ "multipart/form-data; BOUNDARY=x;", "x" },
		{ "multipart/form-data; boundary=0123456789012345678901234567"
		    "890123456789012345678901234567890123456789",
		    "0123456789012345678901234567890123456789012345678901234567"
		    "890123456789" },
		{ "multipart/form-data; boundary=0123456789012345678901234567"
		    "8901234567890123456789012345678901234567890", NULL },
		{ "multipart/form-data", NULL },
		{ "multipart/form-data; boundary=", NULL },
		{ "multipart/form-data; boundary=\"\"", NULL },
		{ "multipart/form-data; boundary=\"abc \"", NULL },
		{ "multipart/form-data; boundary=\"abc", NULL },
		{ "multipart/form-data; boundary=a; boundary=b", NULL },
		{ "multipart/form-data; boundary=ab@c", NULL },
		{ "multipart/form-data; boundary=a\\b", NULL },
		{ "multipart/form-data; boundary=\"a\tb\"", NULL },
		{ "multipart/form-data; boundary", NULL },
		{ "multipart/form-data boundary=abc", NULL },
		{ "multipart/mixed; boundary=abc", NULL },
		{ "multipart/form-dataX; boundary=abc", NULL },
		{ "text/plain; boundary=abc", NULL },
		{ "", NULL },
	};
	char out[WK_MULTIPART_BOUNDARY_MAX + 1];
	size_t i;
	int r;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		r = wk_multipart_boundary(v[i].ct, out, sizeof(out));
		if (v[i].want == NULL) {
			if (r != -1)
				fail_msg("accepted boundary in \"%s\"",
				    v[i].ct);
		} else {
			if (r != 0)
				fail_msg("refused \"%s\"", v[i].ct);
			assert_string_equal(out, v[i].want);
		}
	}
	assert_int_equal(wk_multipart_boundary(
	    "multipart/form-data; boundary=abc", out, 70), -1);
	assert_int_equal(wk_multipart_is_form_data("multipart/form-data"), 1);
	assert_int_equal(wk_multipart_is_form_data("multipart/form-data ; x"),
	    1);
	assert_int_equal(wk_multipart_is_form_data("multipart/form-datax"), 0);
	assert_int_equal(wk_multipart_is_form_data(NULL), 0);
}

static const char simple_body[] =
    "--XyZ\r\n"
    "Content-Disposition: form-data; name=\"title\"\r\n"
    "\r\n"
    "Hello, w\xc3\xb6rld\r\n"
    "--XyZ\r\n"
    "Content-Disposition: form-data; name=\"upload\"; "
    "filename=\"../../etc/passwd.php\"\r\n"
    "Content-Type: application/octet-stream\r\n"
    "\r\n"
    "line1\r\n--Xy\r\nab--XyZ\r\n-XyZ\r\r\n--xyz\nline3\r\n"
    "--XyZ\r\n"
    "content-disposition: FORM-DATA; name=empty\r\n"
    "\r\n"
    "\r\n"
    "--XyZ--\r\n";

static const char simple_file[] =
    "line1\r\n--Xy\r\nab--XyZ\r\n-XyZ\r\r\n--xyz\nline3";

/* Check what simple_body must produce, then clean up. */
static void
check_simple(struct wk_multipart *mp)
{
	const struct wk_multipart_part *p;
	struct stat st;
	char *data;
	size_t len;

	assert_int_equal(mp->status, 0);
	assert_int_equal(mp->n_parts, 3);
	p = &mp->parts[0];
	assert_string_equal(p->name, "title");
	assert_null(p->filename);
	assert_null(p->path);
	assert_string_equal(p->value, "Hello, w\xc3\xb6rld");
	assert_int_equal(p->value_len, 13);

	p = wk_multipart_find(mp, "upload");
	assert_non_null(p);
	assert_string_equal(p->filename, "passwd_php");
	assert_string_equal(p->content_type, "application/octet-stream");
	assert_string_equal(p->value, "");
	assert_int_equal(p->size, sizeof(simple_file) - 1);
	assert_non_null(p->path);
	/* stored under a random name in the private folder */
	assert_non_null(mp->dir);
	assert_int_equal(strncmp(p->path, mp->dir, strlen(mp->dir)), 0);
	assert_null(strstr(p->path, "passwd"));
	assert_int_equal(stat(mp->dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(stat(p->path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	data = slurp(p->path, &len);
	assert_int_equal(len, sizeof(simple_file) - 1);
	assert_memory_equal(data, simple_file, len);

	p = &mp->parts[2];
	assert_string_equal(p->name, "empty");
	assert_string_equal(p->value, "");
	assert_null(wk_multipart_find(mp, "nope"));

	wk_multipart_cleanup(mp);
	assert_null(mp->dir);
	wk_multipart_cleanup(mp);  /* twice is fine */
}

static void
test_simple(void **state)
{
	struct wk_multipart mp;

	(void)state;
	assert_int_equal(wk_multipart_parse(&mp, &arena, CT, &opts,
	    simple_body, sizeof(simple_body) - 1), 0);
	check_simple(&mp);
}

/* Every way of cutting the body into chunks gives the same parts. */
static void
test_chunkings(void **state)
{
	static const size_t sizes[] = { 1, 2, 3, 5, 7, 13, 64, 4096 };
	struct wk_multipart mp;
	size_t s, off, n, len = sizeof(simple_body) - 1;

	(void)state;
	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		assert_int_equal(wk_multipart_begin(&mp, &arena, CT, &opts),
		    0);
		for (off = 0; off < len; off += n) {
			n = len - off < sizes[s] ? len - off : sizes[s];
			assert_int_equal(wk_multipart_feed(&mp,
			    simple_body + off, n), 0);
		}
		assert_int_equal(wk_multipart_end(&mp), 0);
		check_simple(&mp);
	}
}

/* A 1 MiB file full of near-delimiters, fed in uneven chunks. */
static void
test_big_file_streamed(void **state)
{
	static const char head[] = "--XyZ\r\nContent-Disposition: form-data; "
	    "name=f; filename=big.bin\r\n\r\n";
	static const char tail[] = "\r\n--XyZ--";
	size_t flen = (size_t)1 << 20, i, off, n, len, got;
	struct wk_multipart mp;
	char *file, *data;

	(void)state;
	file = malloc(flen);
	assert_non_null(file);
	/* near-delimiters everywhere, but never the delimiter itself */
	srand(42);
	for (i = 0; i < flen; i++)
		file[i] = "\r\n--XyZa"[rand() % 8];
	for (i = 0; i + 7 <= flen; i++)
		if (memcmp(file + i, "\r\n--XyZ", 7) == 0)
			file[i + 6] = 'z';
	opts.limits.max_total_bytes = flen + 1000;
	opts.limits.max_file_bytes = flen;
	assert_int_equal(wk_multipart_begin(&mp, &arena, CT, &opts), 0);
	assert_int_equal(wk_multipart_feed(&mp, head, sizeof(head) - 1), 0);
	for (off = 0, len = flen; off < len; off += n) {
		n = 1 + (off * 31 + 17) % 9000;
		if (n > len - off)
			n = len - off;
		assert_int_equal(wk_multipart_feed(&mp, file + off, n), 0);
	}
	assert_int_equal(wk_multipart_feed(&mp, tail, sizeof(tail) - 1), 0);
	assert_int_equal(wk_multipart_end(&mp), 0);
	assert_int_equal(mp.n_parts, 1);
	assert_int_equal(mp.parts[0].size, flen);
	data = slurp(mp.parts[0].path, &got);
	assert_int_equal(got, flen);
	assert_memory_equal(data, file, flen);
	wk_multipart_cleanup(&mp);
	/* one byte over the file limit */
	opts.limits.max_file_bytes = flen - 1;
	assert_int_equal(wk_multipart_begin(&mp, &arena, CT, &opts), 0);
	assert_int_equal(wk_multipart_feed(&mp, head, sizeof(head) - 1), 0);
	/* the last bytes wait in the window until the delimiter decides */
	assert_int_equal(wk_multipart_feed(&mp, file, flen), 0);
	assert_int_equal(wk_multipart_feed(&mp, tail, sizeof(tail) - 1), 413);
	assert_int_equal(mp.n_parts, 0);
	assert_null(mp.dir);
	free(file);
	wk_multipart_cleanup(&mp);
}

/* Through a pipe, from a writer process, in whatever pieces arrive. */
static void
test_parse_fd(void **state)
{
	struct wk_multipart mp;
	int fds[2];
	pid_t pid;
	int st;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		size_t off;
		close(fds[0]);
		for (off = 0; off < sizeof(simple_body) - 1; off += 10)
			if (write(fds[1], simple_body + off,
			    sizeof(simple_body) - 1 - off < 10 ?
			    sizeof(simple_body) - 1 - off : 10) < 0)
				_exit(1);
		_exit(0);
	}
	close(fds[1]);
	assert_int_equal(wk_multipart_parse_fd(&mp, &arena, CT, &opts, fds[0],
	    sizeof(simple_body) - 1), 0);
	close(fds[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	check_simple(&mp);

	/* a body shorter than announced */
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], simple_body, 20), 20);
	close(fds[1]);
	assert_int_equal(wk_multipart_parse_fd(&mp, &arena, CT, &opts, fds[0],
	    sizeof(simple_body) - 1), 400);
	close(fds[0]);
	/* announced above the limit: refused before reading */
	assert_int_equal(wk_multipart_parse_fd(&mp, &arena, CT, &opts, -1,
	    opts.limits.max_total_bytes + 1), 413);
}

static void
test_preamble_epilogue_padding(void **state)
{
	static const char body[] =
	    "This is a preamble.\r\nIgnore it.\r\n"
	    "--XyZ \t\r\n"
	    "Content-Disposition: form-data; name=\"a\"\r\n"
	    "X-Unknown: ignored\r\n"
	    "Content-Transfer-Encoding: 8bit\r\n"
	    "\r\n"
	    "1\r\n"
	    "--XyZ--\r\n"
	    "epilogue, also ignored --XyZ garbage\n\r\n";
	struct wk_multipart mp;

	(void)state;
	assert_int_equal(wk_multipart_parse(&mp, &arena, CT, &opts, body,
	    sizeof(body) - 1), 0);
	assert_int_equal(mp.n_parts, 1);
	assert_string_equal(mp.parts[0].value, "1");
	assert_null(mp.dir);       /* no file: no folder made */
	wk_multipart_cleanup(&mp);
}

static void
test_file_variants(void **state)
{
	static const char body[] =
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"none\"; filename=\"\"\r\n"
	    "Content-Type: application/octet-stream\r\n"
	    "\r\n"
	    "\r\n"
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"u\"; filename=\"a.txt\"; "
	    "filename*=UTF-8''na%C3%AFve%20r%C3%A9sum%C3%A9.txt\r\n"
	    "\r\n"
	    "abc\r\n"
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"q\\\"uote\\\\d\"; "
	    "filename=\"C:\\Users\\me\\.htaccess\"\r\n"
	    "\r\n"
	    "deny\r\n"
	    "--XyZ--";
	struct wk_multipart mp;

	(void)state;
	assert_int_equal(wk_multipart_parse(&mp, &arena, CT, &opts, body,
	    sizeof(body) - 1), 0);
	assert_int_equal(mp.n_parts, 3);
	/* an empty file input: a file part with no file */
	assert_string_equal(mp.parts[0].filename, "");
	assert_null(mp.parts[0].path);
	assert_int_equal(mp.parts[0].size, 0);
	/* filename* wins over filename */
	assert_string_equal(mp.parts[1].filename,
	    "na\xc3\xafve r\xc3\xa9sum\xc3\xa9.txt");
	assert_non_null(mp.parts[1].path);
	/* quoted-pair \" and \\ unescaped; other backslashes are paths */
	assert_string_equal(mp.parts[2].name, "q\"uote\\d");
	assert_string_equal(mp.parts[2].filename, "htaccess");
	wk_multipart_cleanup(&mp);

	/* not storing: contents read and dropped, sizes counted */
	opts.store_files = 0;
	assert_int_equal(wk_multipart_parse(&mp, &arena, CT, &opts, body,
	    sizeof(body) - 1), 0);
	assert_null(mp.parts[1].path);
	assert_int_equal(mp.parts[1].size, 3);
	assert_null(mp.dir);
}

/* Bodies that must fail; a file part comes first in several so that
 * something was already on disk when the error hit. */
static void
test_malformed(void **state)
{
#define FILE_PART "--XyZ\r\nContent-Disposition: form-data; name=f; " \
	"filename=x.bin\r\n\r\nDATA\r\n"
	static const struct {
		const char *why;
		const char *body;
		int status;
	} v[] = {
		{ "no final boundary", FILE_PART "--XyZ\r\n"
		    "Content-Disposition: form-data; name=a\r\n\r\nv", 400 },
		{ "no final boundary after delimiter", FILE_PART "--XyZ", 400 },
		{ "final boundary missing its dashes", FILE_PART, 400 },
		{ "LF-only", "--XyZ\nContent-Disposition: form-data; "
		    "name=a\n\nv\n--XyZ--\n", 400 },
		{ "LF-only headers", FILE_PART "--XyZ\r\nContent-Disposition: "
		    "form-data; name=a\n\nv\r\n--XyZ--", 400 },
		{ "no boundary at all", "just some text", 400 },
		{ "empty body", "", 400 },
		{ "other boundary", "--Other\r\nContent-Disposition: "
		    "form-data; name=a\r\n\r\nv\r\n--Other--", 400 },
		{ "garbage after delimiter", FILE_PART "--XyZgarbage\r\n"
		    "Content-Disposition: form-data; name=a\r\n\r\nv\r\n"
		    "--XyZ--", 400 },
		{ "nested multipart", FILE_PART "--XyZ\r\nContent-Disposition: "
		    "form-data; name=a\r\nContent-Type: multipart/mixed; "
		    "boundary=inner\r\n\r\n--inner\r\n\r\nx\r\n--inner--\r\n"
		    "--XyZ--", 400 },
		{ "no headers", FILE_PART "--XyZ\r\n\r\nv\r\n--XyZ--", 400 },
		{ "no Content-Disposition", FILE_PART "--XyZ\r\n"
		    "Content-Type: text/plain\r\n\r\nv\r\n--XyZ--", 400 },
		{ "not form-data", "--XyZ\r\nContent-Disposition: attachment; "
		    "name=a\r\n\r\nv\r\n--XyZ--", 400 },
		{ "no name", FILE_PART "--XyZ\r\nContent-Disposition: "
		    "form-data; filename=a\r\n\r\nv\r\n--XyZ--", 400 },
		{ "empty name", "--XyZ\r\nContent-Disposition: form-data; "
		    "name=\"\"\r\n\r\nv\r\n--XyZ--", 400 },
		{ "two names", "--XyZ\r\nContent-Disposition: form-data; "
		    "name=a; name=b\r\n\r\nv\r\n--XyZ--", 400 },
		{ "duplicate disposition", "--XyZ\r\nContent-Disposition: "
		    "form-data; name=a\r\nContent-Disposition: form-data; "
		    "name=b\r\n\r\nv\r\n--XyZ--", 400 },
		{ "base64 transfer encoding", "--XyZ\r\nContent-Disposition: "
		    "form-data; name=a\r\nContent-Transfer-Encoding: base64"
		    "\r\n\r\ndg==\r\n--XyZ--", 400 },
		{ "folded header", "--XyZ\r\nContent-Disposition: form-data;"
		    "\r\n name=a\r\n\r\nv\r\n--XyZ--", 400 },
		{ "header without colon", "--XyZ\r\nContent-Disposition "
		    "form-data; name=a\r\n\r\nv\r\n--XyZ--", 400 },
		{ "bad header name", "--XyZ\r\nContent Disposition: form-data; "
		    "name=a\r\n\r\nv\r\n--XyZ--", 400 },
		{ "bare CR in headers", "--XyZ\r\nContent-Disposition: "
		    "form-data; name=a\rX: y\r\n\r\nv\r\n--XyZ--", 400 },
		{ "unterminated quote", "--XyZ\r\nContent-Disposition: "
		    "form-data; name=\"a\r\n\r\nv\r\n--XyZ--", 400 },
		{ "junk after parameter", "--XyZ\r\nContent-Disposition: "
		    "form-data; name=\"a\"x\r\n\r\nv\r\n--XyZ--", 400 },
		{ "invalid UTF-8 value", FILE_PART "--XyZ\r\n"
		    "Content-Disposition: form-data; name=a\r\n\r\n\xff\xfe\r\n"
		    "--XyZ--", 400 },
		{ "invalid UTF-8 name", "--XyZ\r\nContent-Disposition: "
		    "form-data; name=\"\xc0\xaf\"\r\n\r\nv\r\n--XyZ--", 400 },
		{ "bad filename*", "--XyZ\r\nContent-Disposition: form-data; "
		    "name=a; filename*=latin1''x\r\n\r\nv\r\n--XyZ--", 400 },
		{ "bad filename* escape", "--XyZ\r\nContent-Disposition: "
		    "form-data; name=a; filename*=UTF-8''x%4\r\n\r\nv\r\n"
		    "--XyZ--", 400 },
		{ "too much padding", "--XyZ                                  "
		    "                                                  \r\n"
		    "Content-Disposition: form-data; name=a\r\n\r\nv\r\n"
		    "--XyZ--", 400 },
	};
	struct wk_multipart mp;
	size_t i;
	int st;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		st = wk_multipart_parse(&mp, &arena, CT, &opts, v[i].body,
		    strlen(v[i].body));
		if (st != v[i].status)
			fail_msg("%s: got %d, want %d", v[i].why, st,
			    v[i].status);
		assert_int_equal(mp.status, st);
		assert_non_null(mp.error);
		assert_int_equal(mp.n_parts, 0);
		assert_null(mp.dir);
		if (count_entries(tmpdir) != 0)
			fail_msg("%s: files left behind", v[i].why);
		/* sticky */
		assert_int_equal(wk_multipart_feed(&mp, "x", 1), st);
		assert_int_equal(wk_multipart_end(&mp), st);
	}
	/* a bad Content-Type fails at begin */
	assert_int_equal(wk_multipart_parse(&mp, &arena, "multipart/form-data",
	    &opts, "x", 1), 400);
	assert_int_equal(wk_multipart_parse(&mp, &arena, NULL, &opts, "x", 1),
	    400);
#undef FILE_PART
}

/* Build n small parts, optionally closed. */
static char *
many_parts(size_t n, int closed, size_t *len)
{
	wk_buf b;
	size_t i;

	wk_buf_init(&b, &arena);
	for (i = 0; i < n; i++)
		wk_buf_printf(&b, "--XyZ\r\nContent-Disposition: form-data; "
		    "name=f%zu\r\n\r\n%zu\r\n", i, i);
	if (closed)
		wk_buf_puts(&b, "--XyZ--\r\n");
	assert_false(b.failed);
	*len = b.len;
	return b.data;
}

static void
test_limits(void **state)
{
	struct wk_multipart mp;
	const char *body;
	char *big;
	size_t len;

	(void)state;
	opts.limits.max_total_bytes = 10u << 20;
	/* 10,000 parts with the default 1000 */
	body = many_parts(10000, 1, &len);
	assert_int_equal(wk_multipart_parse(&mp, &arena, CT, &opts, body, len),
	    400);
	assert_string_equal(mp.error, "Too many parts in multipart body");
	/* exactly at the limit is fine */
	opts.limits.max_parts = 50;
	body = many_parts(50, 1, &len);
	assert_int_equal(wk_multipart_parse(&mp, &arena, CT, &opts, body, len),
	    0);
	assert_int_equal(mp.n_parts, 50);
	assert_string_equal(mp.parts[49].name, "f49");
	assert_string_equal(mp.parts[49].value, "49");
	body = many_parts(51, 1, &len);
	assert_int_equal(wk_multipart_parse(&mp, &arena, CT, &opts, body, len),
	    400);

	/* one field over its limit */
	opts.limits.max_field_bytes = 10;
	body = "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n"
	    "0123456789\r\n--XyZ--";
	assert_int_equal(wk_multipart_parse(&mp, &arena, CT, &opts, body,
	    strlen(body)), 0);
	body = "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n"
	    "0123456789A\r\n--XyZ--";
	assert_int_equal(wk_multipart_parse(&mp, &arena, CT, &opts, body,
	    strlen(body)), 413);

	/* the whole body over its limit */
	opts.limits.max_total_bytes = 40;
	assert_int_equal(wk_multipart_parse(&mp, &arena, CT, &opts, body,
	    strlen(body)), 413);
	assert_int_equal(wk_multipart_begin(&mp, &arena, CT, &opts), 0);
	assert_int_equal(wk_multipart_feed(&mp, body, 30), 0);
	assert_int_equal(wk_multipart_feed(&mp, body + 30, 11), 413);

	/* a part's header block over its limit (no CRLFCRLF ever) */
	opts.limits.max_total_bytes = 1u << 20;
	opts.limits.max_header_bytes = 100;
	big = malloc(5000);
	assert_non_null(big);
	memcpy(big, "--XyZ\r\nX-Long: ", 15);
	memset(big + 15, 'a', 5000 - 15);
	assert_int_equal(wk_multipart_parse(&mp, &arena, CT, &opts, big, 5000),
	    413);
	free(big);
}

static void
test_sanitize_filename(void **state)
{
	static const struct {
		const char *in;
		const char *out;
	} v[] = {
		{ "photo.jpg", "photo.jpg" },
		{ "../../etc/passwd", "passwd" },
		{ "..\\..\\boot.ini", "boot.ini" },
		{ "C:\\Users\\me\\My File.txt", "My File.txt" },
		{ "/abs/path/", "file" },
		{ ".htaccess", "htaccess" },
		{ "...hidden", "hidden" },
		{ "  .x  ", "x" },
		{ "trailing...", "trailing" },
		{ "..", "file" },
		{ "", "file" },
		{ "shell.php", "shell_php" },
		{ "shell.PHP5", "shell_PHP5" },
		{ "shell.php.jpg", "shell_php.jpg" },
		{ "run.cgi", "run_cgi" },
		{ "x.pl", "x_pl" },
		{ "x.sh", "x_sh" },
		{ "index.phtml", "index_phtml" },
		{ "a.shtml.txt", "a_shtml.txt" },
		{ "notes.phpx", "notes.phpx" },
		{ "a<b>c:d\"e|f?g*h", "a_b_c_d_e_f_g_h" },
		{ "tab\there\x01", "tabhere" },
		{ "CON", "_CON" },
		{ "nul.txt", "_nul.txt" },
		{ "com1.tar.gz", "_com1.tar.gz" },
		{ "console.txt", "console.txt" },
		{ "r\xc3\xa9sum\xc3\xa9.pdf", "r\xc3\xa9sum\xc3\xa9.pdf" },
		{ "bad\xff.txt", "file" },
	};
	char longname[400], *r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		r = wk_multipart_sanitize_filename(&arena, v[i].in,
		    strlen(v[i].in));
		assert_non_null(r);
		if (strcmp(r, v[i].out) != 0)
			fail_msg("\"%s\" -> \"%s\", want \"%s\"", v[i].in, r,
			    v[i].out);
	}
	/* NUL inside the given length is dropped, not a terminator */
	r = wk_multipart_sanitize_filename(&arena, "a.php\0.txt", 10);
	assert_string_equal(r, "a_php.txt");
	/* long names keep their extension and stay whole characters */
	memset(longname, 'a', sizeof(longname));
	memcpy(longname + 250, "\xc3\xa9\xc3\xa9", 4);
	memcpy(longname + sizeof(longname) - 4, ".pdf", 4);
	r = wk_multipart_sanitize_filename(&arena, longname, sizeof(longname));
	assert_true(strlen(r) <= WK_MULTIPART_FILENAME_MAX);
	assert_int_equal(strcmp(r + strlen(r) - 4, ".pdf"), 0);
	assert_int_equal(wk_utf8_valid(r, strlen(r)), 1);
}

static void
test_move(void **state)
{
	struct wk_multipart mp;
	struct wk_multipart_part *p;
	char dest[128], *data;
	size_t len;

	(void)state;
	assert_int_equal(wk_multipart_parse(&mp, &arena, CT, &opts,
	    simple_body, sizeof(simple_body) - 1), 0);
	p = &mp.parts[1];
	snprintf(dest, sizeof(dest), "%s/kept.bin", tmpdir);
	assert_int_equal(wk_multipart_move(p, dest), 0);
	assert_null(p->path);
	assert_int_equal(wk_multipart_move(p, dest), -1);  /* already moved */
	data = slurp(dest, &len);
	assert_memory_equal(data, simple_file, len);
	wk_multipart_cleanup(&mp);
	/* the moved file survives cleanup; the folder is gone */
	assert_int_equal(access(dest, F_OK), 0);
	assert_int_equal(count_entries(tmpdir), 1);

	/* never overwrites */
	assert_int_equal(wk_multipart_parse(&mp, &arena, CT, &opts,
	    simple_body, sizeof(simple_body) - 1), 0);
	p = &mp.parts[1];
	assert_int_equal(wk_multipart_move(p, dest), -1);
	assert_int_equal(errno, EEXIST);
	assert_non_null(p->path);
	wk_multipart_cleanup(&mp);
	unlink(dest);
}

static void
test_parse_request(void **state)
{
	static char *env[] = {
		(char *)(uintptr_t)"REQUEST_METHOD=POST",
		(char *)(uintptr_t)"CONTENT_TYPE=" CT,
		(char *)(uintptr_t)"CONTENT_LENGTH=0",   /* patched below */
		(char *)(uintptr_t)"HTTP_HOST=localhost",
		(char *)(uintptr_t)"SERVER_NAME=localhost",
		(char *)(uintptr_t)"SERVER_PORT=80",
		NULL
	};
	char cl[64];
	struct wk_settings s;
	struct wk_request req;
	struct wk_multipart mp;
	struct wk_mem_reader src;

	(void)state;
	wk_settings_defaults(&s);
	snprintf(cl, sizeof(cl), "CONTENT_LENGTH=%zu",
	    sizeof(simple_body) - 1);
	env[2] = cl;
	assert_int_equal(wk_request_parse(&req, &arena, &s, env,
	    wk_mem_reader_init(&src, simple_body, sizeof(simple_body) - 1)),
	    0);
	assert_int_equal(req.post.len, 0);
	assert_int_equal(wk_multipart_parse_request(&req, &opts, &mp), 0);
	assert_string_equal(wk_request_post(&req, "title"),
	    "Hello, w\xc3\xb6rld");
	assert_string_equal(wk_request_post(&req, "empty"), "");
	assert_null(wk_request_post(&req, "upload"));  /* files stay out */
	wk_multipart_cleanup(&mp);
}

/* The body reader of pipe_request: it must outlive the request. */
static struct wk_fd_reader pipe_src;

/* A CGI request (body on a descriptor) with simple_body's first n bytes
 * in a pipe; the write end stays open when keep_open (a stalled client). */
static int
pipe_request(struct wk_request *req, struct wk_settings *s, size_t n,
    int keep_open, int *wfd)
{
	static char cl[64];
	static char *env[] = {
		(char *)(uintptr_t)"REQUEST_METHOD=POST",
		(char *)(uintptr_t)"CONTENT_TYPE=" CT,
		cl,
		(char *)(uintptr_t)"HTTP_HOST=localhost",
		(char *)(uintptr_t)"SERVER_NAME=localhost",
		(char *)(uintptr_t)"SERVER_PORT=80",
		NULL
	};
	int p[2];

	snprintf(cl, sizeof(cl), "CONTENT_LENGTH=%zu",
	    sizeof(simple_body) - 1);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], simple_body, n), (ssize_t)n);
	if (keep_open) {
		*wfd = p[1];
	} else {
		close(p[1]);
		*wfd = -1;
	}
	return wk_request_parse(req, &arena, s, env,
	    wk_fd_reader_init(&pipe_src, p[0]));
}

/* Under CGI the body is not read into memory: the parser streams it from
 * the descriptor, once, and what is not moved away goes at request end. */
static void
test_parse_request_streamed(void **state)
{
	struct wk_settings s;
	struct wk_request req;
	struct wk_multipart mp, again;
	const struct wk_multipart_part *up;
	size_t len;
	char *data;
	int wfd, rfd;

	(void)state;
	wk_settings_defaults(&s);
	assert_int_equal(pipe_request(&req, &s, sizeof(simple_body) - 1, 0,
	    &wfd), 0);
	rfd = pipe_src.fd;
	assert_true(rfd >= 0);
	assert_ptr_equal(req.body_reader, &pipe_src.base);  /* left there */
	assert_int_equal(req.body_len, 0);       /* nothing held in memory */
	assert_int_equal(req.body_left, sizeof(simple_body) - 1);
	assert_int_equal(wk_multipart_parse_request(&req, &opts, &mp), 0);
	assert_null(req.body_reader);            /* consumed */
	assert_string_equal(wk_request_post(&req, "title"),
	    "Hello, w\xc3\xb6rld");
	up = wk_multipart_find(&mp, "upload");
	assert_non_null(up);
	assert_non_null(up->path);
	data = slurp(up->path, &len);
	assert_int_equal(len, sizeof(simple_file) - 1);
	assert_memory_equal(data, simple_file, len);
	/* A second call (the view after CSRF) gets the same parse. */
	assert_int_equal(wk_multipart_parse_request(&req, &opts, &again), 0);
	assert_ptr_equal(again.parts, mp.parts);
	assert_int_equal(count_entries(tmpdir), 2);  /* folder + file */
	wk_multipart_request_cleanup(&req);
	assert_int_equal(count_entries(tmpdir), 0);
	close(rfd);
}

/* A client that stops sending: 400 within read_timeout_ms, nothing kept. */
static void
test_parse_request_stalled(void **state)
{
	struct wk_settings s;
	struct wk_request req;
	struct wk_multipart mp;
	struct timespec t0, t1;
	long ms;
	int wfd, rfd;

	(void)state;
	wk_settings_defaults(&s);
	s.read_timeout_ms = 200;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(pipe_request(&req, &s, 150, 1, &wfd), 0);
	rfd = pipe_src.fd;
	assert_int_equal(wk_multipart_parse_request(&req, &opts, &mp), 400);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) /
	    1000000;
	assert_true(ms >= 150 && ms < 5000);
	assert_non_null(strstr(mp.error, "timed out"));
	assert_int_equal(count_entries(tmpdir), 0);
	wk_multipart_request_cleanup(&req);
	close(wfd);
	close(rfd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_boundary, setup, teardown),
		cmocka_unit_test_setup_teardown(test_simple, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chunkings, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_big_file_streamed, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_parse_fd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_preamble_epilogue_padding,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_variants, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_malformed, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sanitize_filename, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_move, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parse_request, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_parse_request_streamed,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_parse_request_stalled,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
