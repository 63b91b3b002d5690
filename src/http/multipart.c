/*
 * multipart.c - the streaming multipart/form-data parser (see multipart.h).
 *
 * The body is pushed through a fixed window.  A small state machine looks
 * for the delimiter "\r\n--BOUNDARY" in it; bytes that can no longer be
 * the start of a delimiter (all but the last dlen - 1) are handed to the
 * current part at once - to the arena for fields, to write(2) for files -
 * so memory stays at one window whatever the file size.  The window starts
 * with a virtual "\r\n", which lets the opening delimiter at the very
 * start of the body be found by the same search.
 *
 * Any failure goes through mp_fail(): it records the status once, closes
 * the open file and empties the private folder, so a caller that answers
 * 400 has nothing left on disk.
 */
#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wick/http/multipart.h"
#include "wick/core/random.h"
#include "wick/http/request.h"
#include "wick/core/settings.h"

enum mp_state {
	MP_PREAMBLE,      /* before the first delimiter */
	MP_AFTER_DELIM,   /* just after a delimiter: "--" or CRLF */
	MP_HEADERS,       /* a part's header block */
	MP_BODY,          /* a part's content */
	MP_EPILOGUE,      /* after the closing delimiter */
	MP_DONE,          /* wk_multipart_end succeeded */
	MP_FAILED
};

#define WINDOW_DATA (16 * 1024)   /* window room beyond headers+delimiter */
#define MAX_PADDING 64            /* spaces allowed after a delimiter */
#define READ_CHUNK (64 * 1024)
#define FIELD_MAX_DEFAULT ((size_t)1 << 20)
#define HEADER_MAX_DEFAULT 8192

/* Record the first failure, remove every stored file, forget the parts. */
static int
mp_fail(struct wk_multipart *mp, int status, const char *why)
{
	if (mp->status == 0) {
		mp->status = status;
		mp->error = why;
	}
	if (mp->cur_fd >= 0) {
		close(mp->cur_fd);
		mp->cur_fd = -1;
	}
	wk_multipart_cleanup(mp);
	mp->n_parts = 0;
	mp->state = MP_FAILED;
	return mp->status;
}

/* see multipart.h */
void
wk_multipart_opts_default(struct wk_multipart_opts *o,
    const struct wk_settings *s)
{
	memset(o, 0, sizeof(*o));
	o->limits.max_parts = s != NULL && s->max_fields > 0 ?
	    s->max_fields : 1000;
	o->limits.max_total_bytes = s != NULL && s->max_body > 0 ?
	    s->max_body : 2621440;
	o->limits.max_file_bytes = o->limits.max_total_bytes;
	o->limits.max_field_bytes = FIELD_MAX_DEFAULT;
	o->limits.max_header_bytes = HEADER_MAX_DEFAULT;
	o->tmp_dir = NULL;
	o->store_files = 1;
}

/* RFC 7230 tchar. */
static int
is_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' && strchr("!#$%&'*+-.^_`|~",
	    c) != NULL);
}

/* RFC 2046 bchars (space allowed, but not last). */
static int
is_bchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' && strchr("'()+_,-./:=? ",
	    c) != NULL);
}

/* Skip spaces and tabs. */
static const char *
skip_ows(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* see multipart.h */
int
wk_multipart_is_form_data(const char *ct)
{
	static const char type[] = "multipart/form-data";
	const char *p;

	if (ct == NULL || strncasecmp(ct, type, sizeof(type) - 1) != 0)
		return 0;
	p = ct + sizeof(type) - 1;
	p = skip_ows(p, p + strlen(p));
	return *p == '\0' || *p == ';';
}

/*
 * One "; name=value" parameter at *pp (before end): name into [*n, *nl],
 * value into out (outsz, NUL-terminated, unescaped as Django does: only
 * \\ and \" inside quotes).  Advances *pp.  Returns 1 for a parameter,
 * 0 at the end, -1 when malformed or out is too small.
 */
static int
next_param(const char **pp, const char *end, const char **n, size_t *nl,
    char *out, size_t outsz, size_t *outlen)
{
	const char *p = skip_ows(*pp, end);
	size_t o = 0;

	if (p == end)
		return 0;
	if (*p != ';')
		return -1;
	p = skip_ows(p + 1, end);
	if (p == end)
		return 0;  /* a trailing ';' is tolerated */
	*n = p;
	while (p < end && is_tchar((unsigned char)*p))
		p++;
	*nl = (size_t)(p - *n);
	if (*nl == 0 || p == end || *p != '=')
		return -1;
	p++;
	if (p < end && *p == '"') {
		for (p++; p < end && *p != '"'; p++) {
			char c = *p;
			if (c == '\\' && p + 1 < end &&
			    (p[1] == '\\' || p[1] == '"'))
				c = *++p;
			if (o + 1 >= outsz)
				return -1;
			out[o++] = c;
		}
		if (p == end)
			return -1;  /* unterminated quoted string */
		p++;
	} else {
		while (p < end && *p != ';' && *p != ' ' && *p != '\t') {
			if (o + 1 >= outsz)
				return -1;
			out[o++] = *p++;
		}
	}
	out[o] = '\0';
	*outlen = o;
	*pp = p;
	return 1;
}

/* see multipart.h */
int
wk_multipart_boundary(const char *ct, char *out, size_t outsz)
{
	char val[256];
	const char *p, *end, *n;
	size_t nl, vl, i;
	int r, found = 0;

	if (!wk_multipart_is_form_data(ct) ||
	    outsz <= WK_MULTIPART_BOUNDARY_MAX)
		return -1;
	p = ct + strlen("multipart/form-data");
	end = ct + strlen(ct);
	for (;;) {
		r = next_param(&p, end, &n, &nl, val, sizeof(val), &vl);
		if (r == 0)
			break;
		if (r < 0)
			return -1;
		if (nl != 8 || strncasecmp(n, "boundary", 8) != 0)
			continue;
		if (found++)
			return -1;  /* two boundaries: ambiguous */
		if (vl == 0 || vl > WK_MULTIPART_BOUNDARY_MAX ||
		    val[vl - 1] == ' ')
			return -1;
		for (i = 0; i < vl; i++)
			if (!is_bchar((unsigned char)val[i]))
				return -1;
		memcpy(out, val, vl + 1);
	}
	return found ? 0 : -1;
}

/* see multipart.h */
int
wk_multipart_begin(struct wk_multipart *mp, wk_arena *a, const char *ct,
    const struct wk_multipart_opts *o)
{
	char boundary[WK_MULTIPART_BOUNDARY_MAX + 1];
	size_t blen;

	memset(mp, 0, sizeof(*mp));
	mp->arena = a;
	mp->cur_fd = -1;
	if (o != NULL)
		mp->opts = *o;
	else
		wk_multipart_opts_default(&mp->opts, NULL);
	wk_buf_init(&mp->cur_value, a);
	if (wk_multipart_boundary(ct, boundary, sizeof(boundary)) != 0)
		return mp_fail(mp, 400,
		    "Missing or invalid multipart boundary");
	blen = strlen(boundary);
	mp->dlen = 4 + blen;
	mp->delim = wk_arena_alloc(a, mp->dlen + 1);
	if (mp->opts.limits.max_header_bytes > SIZE_MAX / 2)
		return mp_fail(mp, 500, "Multipart header limit too large");
	mp->win_cap = mp->opts.limits.max_header_bytes + mp->dlen +
	    MAX_PADDING + WINDOW_DATA;
	mp->win = wk_arena_alloc(a, mp->win_cap);
	if (mp->delim == NULL || mp->win == NULL)
		return mp_fail(mp, 500, "Out of memory");
	memcpy(mp->delim, "\r\n--", 4);
	memcpy(mp->delim + 4, boundary, blen + 1);
	/* the virtual CRLF before the body (see the top of this file) */
	memcpy(mp->win, "\r\n", 2);
	mp->win_len = 2;
	mp->state = MP_PREAMBLE;
	return 0;
}

/* Make the private folder on first use. */
static int
mp_make_dir(struct wk_multipart *mp)
{
	const char *base = mp->opts.tmp_dir;
	char *tmpl;

	if (mp->dir != NULL)
		return 0;
	if (base == NULL || base[0] == '\0')
		base = getenv("TMPDIR");
	if (base == NULL || base[0] == '\0')
		base = "/tmp";
	tmpl = wk_arena_printf(mp->arena, "%s/wick-upload-XXXXXX", base);
	if (tmpl == NULL || mkdtemp(tmpl) == NULL)
		return -1;
	mp->dir = tmpl;
	return 0;
}

/* Open a new randomly named file for the current part. */
static int
mp_open_file(struct wk_multipart *mp)
{
	char name[33];
	char *path;
	int fd;

	if (mp_make_dir(mp) != 0 || wk_random_hex(name, 16) != 0)
		return -1;
	path = wk_arena_printf(mp->arena, "%s/%s", mp->dir, name);
	if (path == NULL)
		return -1;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd < 0)
		return -1;
	mp->cur_fd = fd;
	mp->cur.path = path;
	return 0;
}

static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Content bytes for the current part. */
static int
mp_emit(struct wk_multipart *mp, const char *p, size_t n)
{
	if (n == 0)
		return 0;
	mp->cur_size += n;
	if (mp->cur_is_file) {
		if (mp->cur_size > mp->opts.limits.max_file_bytes)
			return mp_fail(mp, 413, "Uploaded file too large");
		if (mp->cur_fd >= 0 && write_all(mp->cur_fd, p, n) != 0)
			return mp_fail(mp, 500, "Could not store an upload");
		return 0;
	}
	if (mp->cur_size > mp->opts.limits.max_field_bytes)
		return mp_fail(mp, 413, "Form field too large");
	if (wk_buf_append(&mp->cur_value, p, n) != 0)
		return mp_fail(mp, 500, "Out of memory");
	return 0;
}

/* The current part is complete: record it. */
static int
mp_finish_part(struct wk_multipart *mp)
{
	struct wk_multipart_part *np;
	size_t ncap;

	if (mp->cur_is_file) {
		if (mp->cur_fd >= 0) {
			int rc = close(mp->cur_fd);
			mp->cur_fd = -1;
			if (rc != 0)
				return mp_fail(mp, 500,
				    "Could not store an upload");
		}
		mp->cur.value = "";
		mp->cur.value_len = 0;
	} else {
		const char *v = wk_buf_cstr(&mp->cur_value);
		size_t len = mp->cur_value.len;
		if (memchr(v, '\0', len) != NULL || !wk_utf8_valid(v, len))
			return mp_fail(mp, 400,
			    "Form field is not valid UTF-8 text");
		mp->cur.value = len > 0 ? v : "";
		mp->cur.value_len = len;
	}
	mp->cur.size = mp->cur_size;
	if (mp->n_parts == mp->cap_parts) {
		ncap = mp->cap_parts ? mp->cap_parts * 2 : 8;
		if (ncap > SIZE_MAX / sizeof(*np))
			return mp_fail(mp, 500, "Out of memory");
		np = wk_arena_realloc(mp->arena, mp->parts,
		    mp->cap_parts * sizeof(*np), ncap * sizeof(*np));
		if (np == NULL)
			return mp_fail(mp, 500, "Out of memory");
		mp->parts = np;
		mp->cap_parts = ncap;
	}
	mp->parts[mp->n_parts++] = mp->cur;
	memset(&mp->cur, 0, sizeof(mp->cur));
	return 0;
}

/* Percent-decode RFC 5987 ext-value chars into a new arena string. */
static char *
pct_decode(wk_arena *a, const char *s, size_t n, size_t *outlen)
{
	char *out = wk_arena_alloc(a, n + 1);
	size_t i, o = 0;
	int hi, lo;

	if (out == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (s[i] != '%') {
			out[o++] = s[i];
			continue;
		}
		if (i + 2 >= n)
			return NULL;
		hi = s[i + 1];
		lo = s[i + 2];
		hi = (hi >= '0' && hi <= '9') ? hi - '0' :
		    (hi >= 'a' && hi <= 'f') ? hi - 'a' + 10 :
		    (hi >= 'A' && hi <= 'F') ? hi - 'A' + 10 : -1;
		lo = (lo >= '0' && lo <= '9') ? lo - '0' :
		    (lo >= 'a' && lo <= 'f') ? lo - 'a' + 10 :
		    (lo >= 'A' && lo <= 'F') ? lo - 'A' + 10 : -1;
		if (hi < 0 || lo < 0)
			return NULL;
		out[o++] = (char)(hi << 4 | lo);
		i += 2;
	}
	out[o] = '\0';
	*outlen = o;
	return out;
}

/* 1 if the n bytes are UTF-8 text without control characters. */
static int
text_ok(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return wk_utf8_valid(s, n);
}

/* Content-Disposition: form-data; name="..."; filename="..." */
static int
mp_disposition(struct wk_multipart *mp, const char *v, size_t n)
{
	const char *end = v + n, *p = v, *pn, *fname = NULL, *q1, *q2;
	char *val;
	size_t nl, vl, fl = 0, valsz = n + 1;
	int r, seen_name = 0, seen_fn = 0, seen_fnx = 0;

	while (p < end && is_tchar((unsigned char)*p))
		p++;
	if ((size_t)(p - v) != 9 || strncasecmp(v, "form-data", 9) != 0)
		return mp_fail(mp, 400, "Part is not form-data");
	val = wk_arena_alloc(mp->arena, valsz);
	if (val == NULL)
		return mp_fail(mp, 500, "Out of memory");
	while ((r = next_param(&p, end, &pn, &nl, val, valsz, &vl)) == 1) {
		if (nl == 4 && strncasecmp(pn, "name", 4) == 0) {
			if (seen_name++ || vl == 0 || !text_ok(val, vl))
				return mp_fail(mp, 400,
				    "Bad form-data field name");
			mp->cur.name = wk_arena_strndup(mp->arena, val, vl);
			if (mp->cur.name == NULL)
				return mp_fail(mp, 500, "Out of memory");
		} else if (nl == 8 && strncasecmp(pn, "filename", 8) == 0) {
			if (seen_fn++)
				return mp_fail(mp, 400, "Duplicate filename");
			if (!seen_fnx) {
				fname = wk_arena_strndup(mp->arena, val, vl);
				fl = vl;
				if (fname == NULL)
					return mp_fail(mp, 500,
					    "Out of memory");
			}
		} else if (nl == 9 && strncasecmp(pn, "filename*", 9) == 0) {
			/* RFC 5987: charset'language'pct-encoded, UTF-8 only */
			if (seen_fnx++)
				return mp_fail(mp, 400, "Duplicate filename");
			q1 = memchr(val, '\'', vl);
			q2 = q1 ? memchr(q1 + 1, '\'', vl -
			    (size_t)(q1 + 1 - val)) : NULL;
			if (q1 == NULL || q2 == NULL ||
			    (size_t)(q1 - val) != 5 ||
			    strncasecmp(val, "utf-8", 5) != 0)
				return mp_fail(mp, 400,
				    "Bad filename* parameter");
			fname = pct_decode(mp->arena, q2 + 1,
			    vl - (size_t)(q2 + 1 - val), &fl);
			if (fname == NULL)
				return mp_fail(mp, 400,
				    "Bad filename* parameter");
		}
	}
	if (r < 0)
		return mp_fail(mp, 400, "Malformed Content-Disposition");
	if (!seen_name)
		return mp_fail(mp, 400, "Part without a field name");
	if (seen_fn || seen_fnx) {
		mp->cur_is_file = 1;
		if (fl == 0) {
			mp->cur.filename = "";
		} else {
			mp->cur.filename = wk_multipart_sanitize_filename(
			    mp->arena, fname, fl);
			if (mp->cur.filename == NULL)
				return mp_fail(mp, 500, "Out of memory");
		}
	}
	return 0;
}

/* Parse a part's header block (n bytes, lines split by CRLF). */
static int
mp_headers(struct wk_multipart *mp, const char *h, size_t n)
{
	const char *end = h + n, *line = h, *eol, *colon, *v, *ve;
	int seen_cd = 0, seen_ct = 0;
	size_t i, nl;

	while (line < end) {
		eol = memmem(line, (size_t)(end - line), "\r\n", 2);
		if (eol == NULL)
			eol = end;
		if (line[0] == ' ' || line[0] == '\t')
			return mp_fail(mp, 400, "Folded part header");
		colon = memchr(line, ':', (size_t)(eol - line));
		if (colon == NULL || colon == line)
			return mp_fail(mp, 400, "Malformed part header");
		nl = (size_t)(colon - line);
		for (i = 0; i < nl; i++)
			if (!is_tchar((unsigned char)line[i]))
				return mp_fail(mp, 400,
				    "Malformed part header");
		for (v = colon + 1; v < eol; v++)
			if (((unsigned char)*v < 0x20 && *v != '\t') ||
			    *v == 0x7f)
				return mp_fail(mp, 400,
				    "Control character in a part header");
		v = skip_ows(colon + 1, eol);
		ve = eol;
		while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
			ve--;
		if (nl == 19 && strncasecmp(line, "Content-Disposition", 19)
		    == 0) {
			if (seen_cd++)
				return mp_fail(mp, 400,
				    "Duplicate Content-Disposition");
			if (mp_disposition(mp, v, (size_t)(ve - v)) != 0)
				return mp->status;
		} else if (nl == 12 && strncasecmp(line, "Content-Type", 12)
		    == 0) {
			if (seen_ct++)
				return mp_fail(mp, 400,
				    "Duplicate Content-Type");
			if ((size_t)(ve - v) >= 10 &&
			    strncasecmp(v, "multipart/", 10) == 0)
				return mp_fail(mp, 400,
				    "Nested multipart bodies are refused");
			if (!wk_utf8_valid(v, (size_t)(ve - v)))
				return mp_fail(mp, 400,
				    "Bad part Content-Type");
			mp->cur.content_type = wk_arena_strndup(mp->arena, v,
			    (size_t)(ve - v));
			if (mp->cur.content_type == NULL)
				return mp_fail(mp, 500, "Out of memory");
		} else if (nl == 25 && strncasecmp(line,
		    "Content-Transfer-Encoding", 25) == 0) {
			size_t vl = (size_t)(ve - v);
			if (!((vl == 4 && strncasecmp(v, "7bit", 4) == 0) ||
			    (vl == 4 && strncasecmp(v, "8bit", 4) == 0) ||
			    (vl == 6 && strncasecmp(v, "binary", 6) == 0)))
				return mp_fail(mp, 400,
				    "Unsupported Content-Transfer-Encoding");
		}
		line = eol == end ? end : eol + 2;
	}
	if (!seen_cd)
		return mp_fail(mp, 400, "Part without Content-Disposition");
	if (mp->cur_is_file && mp->opts.store_files &&
	    mp->cur.filename[0] != '\0' && mp_open_file(mp) != 0)
		return mp_fail(mp, 500, "Could not store an upload");
	return 0;
}

/* Bare CR or LF anywhere in n bytes (CRLF pairs excepted). */
static int
has_bare_eol(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '\r' && (i + 1 >= n || s[i + 1] != '\n'))
			return 1;
		if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r'))
			return 1;
	}
	return 0;
}

/* Consume what the window holds; keep the undecided tail. */
static int
mp_process(struct wk_multipart *mp)
{
	size_t pos = 0, avail, n, i;
	const char *hit;

	while (mp->state != MP_FAILED) {
		avail = mp->win_len - pos;
		switch (mp->state) {
		case MP_PREAMBLE:
		case MP_BODY:
			hit = memmem(mp->win + pos, avail, mp->delim, mp->dlen);
			if (hit != NULL) {
				n = (size_t)(hit - (mp->win + pos));
				if (mp->state == MP_BODY &&
				    (mp_emit(mp, mp->win + pos, n) != 0 ||
				    mp_finish_part(mp) != 0))
					return mp->status;
				pos += n + mp->dlen;
				mp->state = MP_AFTER_DELIM;
				continue;
			}
			if (avail >= mp->dlen) {
				n = avail - (mp->dlen - 1);
				if (mp->state == MP_BODY &&
				    mp_emit(mp, mp->win + pos, n) != 0)
					return mp->status;
				pos += n;
			}
			goto more;
		case MP_AFTER_DELIM:
			if (avail < 2)
				goto more;
			if (mp->win[pos] == '-' && mp->win[pos + 1] == '-') {
				pos += 2;
				mp->state = MP_EPILOGUE;
				continue;
			}
			for (i = pos; i < mp->win_len && (mp->win[i] == ' ' ||
			    mp->win[i] == '\t'); i++)
				;
			if (i - pos > MAX_PADDING)
				return mp_fail(mp, 400,
				    "Malformed multipart delimiter line");
			if (mp->win_len - i < 2)
				goto more;
			if (mp->win[i] != '\r' || mp->win[i + 1] != '\n')
				return mp_fail(mp, 400,
				    "Malformed multipart delimiter line");
			pos = i + 2;
			if (mp->n_parts >= mp->opts.limits.max_parts)
				return mp_fail(mp, 400,
				    "Too many parts in multipart body");
			memset(&mp->cur, 0, sizeof(mp->cur));
			mp->cur_is_file = 0;
			mp->cur_size = 0;
			wk_buf_init(&mp->cur_value, mp->arena);
			mp->state = MP_HEADERS;
			continue;
		case MP_HEADERS:
			if (avail >= 2 && mp->win[pos] == '\r' &&
			    mp->win[pos + 1] == '\n')
				return mp_fail(mp, 400,
				    "Part without Content-Disposition");
			hit = memmem(mp->win + pos, avail, "\r\n\r\n", 4);
			n = hit != NULL ? (size_t)(hit - (mp->win + pos)) :
			    avail;
			if (n > mp->opts.limits.max_header_bytes)
				return mp_fail(mp, 413,
				    "Multipart part headers too large");
			if (has_bare_eol(mp->win + pos, hit != NULL ? n :
			    (avail > 0 && mp->win[pos + avail - 1] == '\r' ?
			    avail - 1 : avail)))
				return mp_fail(mp, 400,
				    "Bare CR or LF in part headers");
			if (hit == NULL)
				goto more;
			if (mp_headers(mp, mp->win + pos, n) != 0)
				return mp->status;
			pos += n + 4;
			mp->state = MP_BODY;
			continue;
		case MP_EPILOGUE:
			pos = mp->win_len;
			goto more;
		default:
			return mp->status;
		}
	}
	return mp->status;
more:
	memmove(mp->win, mp->win + pos, mp->win_len - pos);
	mp->win_len -= pos;
	return 0;
}

/* see multipart.h */
int
wk_multipart_feed(struct wk_multipart *mp, const void *data, size_t n)
{
	const char *p = data;
	size_t room;

	if (mp->status != 0)
		return mp->status;
	if (mp->state == MP_DONE)
		return mp_fail(mp, 500, "Multipart parser fed after the end");
	if (n > mp->opts.limits.max_total_bytes - mp->total ||
	    mp->total > mp->opts.limits.max_total_bytes)
		return mp_fail(mp, 413, "Multipart body too large");
	mp->total += n;
	while (n > 0) {
		room = mp->win_cap - mp->win_len;
		if (room == 0)
			return mp_fail(mp, 500, "Multipart window full");
		if (room > n)
			room = n;
		memcpy(mp->win + mp->win_len, p, room);
		mp->win_len += room;
		p += room;
		n -= room;
		if (mp_process(mp) != 0)
			return mp->status;
	}
	return 0;
}

/* see multipart.h */
int
wk_multipart_end(struct wk_multipart *mp)
{
	if (mp->status != 0)
		return mp->status;
	if (mp->state == MP_EPILOGUE || mp->state == MP_DONE) {
		mp->state = MP_DONE;
		return 0;
	}
	if (mp->state == MP_PREAMBLE)
		return mp_fail(mp, 400, "No multipart boundary in the body");
	return mp_fail(mp, 400,
	    "Multipart body ended before the closing boundary");
}

/* see multipart.h */
int
wk_multipart_parse(struct wk_multipart *mp, wk_arena *a, const char *ct,
    const struct wk_multipart_opts *o, const void *body, size_t len)
{
	int st;

	if ((st = wk_multipart_begin(mp, a, ct, o)) != 0)
		return st;
	if ((st = wk_multipart_feed(mp, body, len)) != 0)
		return st;
	return wk_multipart_end(mp);
}

/* see multipart.h */
int
wk_multipart_parse_fd(struct wk_multipart *mp, wk_arena *a, const char *ct,
    const struct wk_multipart_opts *o, int fd, size_t length)
{
	char *buf;
	size_t want;
	ssize_t r;
	int st;

	if ((st = wk_multipart_begin(mp, a, ct, o)) != 0)
		return st;
	if (length > mp->opts.limits.max_total_bytes)
		return mp_fail(mp, 413, "Multipart body too large");
	buf = wk_arena_alloc(a, READ_CHUNK);
	if (buf == NULL)
		return mp_fail(mp, 500, "Out of memory");
	while (length > 0) {
		want = length < READ_CHUNK ? length : READ_CHUNK;
		r = read(fd, buf, want);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return mp_fail(mp, 400, "Could not read the body");
		if (r == 0)
			return mp_fail(mp, 400, "Request body ended early");
		if ((st = wk_multipart_feed(mp, buf, (size_t)r)) != 0)
			return st;
		length -= (size_t)r;
	}
	return wk_multipart_end(mp);
}

/* The one parse of a request's body, kept in req->slots. */
struct mp_cached {
	struct wk_multipart mp;
	int status;
};

/* Stream a body left on its reader (CGI) through the parser. */
static int
mp_parse_stream(struct wk_request *req, const struct wk_multipart_opts *o,
    struct wk_multipart *mp)
{
	char *buf;
	long r;
	int st;

	if ((st = wk_multipart_begin(mp, req->arena, req->content_type, o)) !=
	    0)
		return st;
	if (req->body_left > mp->opts.limits.max_total_bytes)
		return mp_fail(mp, 413, "Multipart body too large");
	buf = wk_arena_alloc(req->arena, READ_CHUNK);
	if (buf == NULL)
		return mp_fail(mp, 500, "Out of memory");
	while ((r = wk_request_body_read(req, buf, READ_CHUNK)) > 0)
		if ((st = wk_multipart_feed(mp, buf, (size_t)r)) != 0)
			return st;
	if (r < 0)
		return mp_fail(mp, 400, req->error != NULL ? req->error :
		    "Could not read the request body");
	return wk_multipart_end(mp);
}

/* see multipart.h */
int
wk_multipart_parse_request(struct wk_request *req,
    const struct wk_multipart_opts *o, struct wk_multipart *mp)
{
	struct mp_cached *c = req->slots[WK_SLOT_MULTIPART];
	size_t i;
	int st;

	if (c != NULL) {            /* parsed already (e.g. by CSRF) */
		*mp = c->mp;
		return c->status;
	}
	c = wk_arena_alloc(req->arena, sizeof(*c));
	if (c == NULL) {
		memset(mp, 0, sizeof(*mp));
		mp->cur_fd = -1;
		return 500;
	}
	if (req->body_reader != NULL)
		st = mp_parse_stream(req, o, &c->mp);
	else
		st = wk_multipart_parse(&c->mp, req->arena, req->content_type,
		    o, req->body != NULL ? req->body : "", req->body_len);
	for (i = 0; st == 0 && i < c->mp.n_parts; i++) {
		const struct wk_multipart_part *p = &c->mp.parts[i];
		if (p->filename != NULL)
			continue;
		if (wk_kv_add(req->arena, &req->post, p->name, p->value,
		    p->value_len) != 0)
			st = mp_fail(&c->mp, 500, "Out of memory");
	}
	c->status = st;
	req->slots[WK_SLOT_MULTIPART] = c;
	*mp = c->mp;
	return st;
}

/* see multipart.h */
void
wk_multipart_request_cleanup(struct wk_request *req)
{
	struct mp_cached *c = req->slots[WK_SLOT_MULTIPART];

	if (c != NULL)
		wk_multipart_cleanup(&c->mp);
}

/* see multipart.h */
const struct wk_multipart_part *
wk_multipart_find(const struct wk_multipart *mp, const char *name)
{
	size_t i;

	for (i = mp->n_parts; i > 0; i--)
		if (strcmp(mp->parts[i - 1].name, name) == 0)
			return &mp->parts[i - 1];
	return NULL;
}

/* Copy src to a new dest (0600, never overwriting). */
static int
copy_file(const char *src, const char *dest)
{
	char buf[16384];
	ssize_t r;
	int in, out, saved;

	in = open(src, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (in < 0)
		return -1;
	out = open(dest, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (out < 0) {
		saved = errno;
		close(in);
		errno = saved;
		return -1;
	}
	for (;;) {
		r = read(in, buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (write_all(out, buf, (size_t)r) != 0) {
			r = -1;
			break;
		}
	}
	saved = errno;
	close(in);
	if (close(out) != 0 && r == 0) {
		saved = errno;
		r = -1;
	}
	if (r < 0) {
		unlink(dest);
		errno = saved;
		return -1;
	}
	return 0;
}

/* see multipart.h */
int
wk_multipart_move(struct wk_multipart_part *part, const char *dest)
{
	if (part == NULL || part->path == NULL || dest == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (link(part->path, dest) != 0) {
		if (errno != EXDEV && errno != EPERM && errno != EMLINK)
			return -1;
		if (copy_file(part->path, dest) != 0)
			return -1;
	}
	unlink(part->path);
	part->path = NULL;
	return 0;
}

/* see multipart.h */
void
wk_multipart_cleanup(struct wk_multipart *mp)
{
	struct dirent *de;
	DIR *d;
	size_t i;
	int dfd;

	if (mp->cur_fd >= 0) {
		close(mp->cur_fd);
		mp->cur_fd = -1;
	}
	for (i = 0; i < mp->n_parts; i++)
		mp->parts[i].path = NULL;
	mp->cur.path = NULL;
	if (mp->dir == NULL)
		return;
	/* Everything in the private folder is ours: sweep it all. */
	d = opendir(mp->dir);
	if (d != NULL) {
		dfd = dirfd(d);
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			(void)unlinkat(dfd, de->d_name, 0);
		}
		closedir(d);
	}
	(void)rmdir(mp->dir);
	mp->dir = NULL;
}

/* ---- filenames ----------------------------------------------------------- */

/* Extensions a web server may execute, lowercase. */
static const char *const exec_exts[] = {
	"asp", "aspx", "bat", "cgi", "cmd", "exe", "fcgi", "jsp", "phar",
	"php", "php3", "php4", "php5", "php6", "php7", "php8", "phtml", "pl",
	"py", "sh", "shtml",
};

static const char *const device_names[] = {
	"aux", "con", "nul", "prn",
	"com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9",
	"lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
};

/* 1 if the n bytes at s equal one of the list (ASCII case-insensitive). */
static int
in_list(const char *s, size_t n, const char *const *list, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (strlen(list[i]) == n && strncasecmp(s, list[i], n) == 0)
			return 1;
	return 0;
}

/* see multipart.h */
char *
wk_multipart_sanitize_filename(wk_arena *a, const char *name, size_t n)
{
	const char *base = name;
	char *out, *dot, *ext;
	size_t i, o = 0, start, stem, extlen, cut;

	for (i = 0; i < n; i++)
		if (name[i] == '/' || name[i] == '\\')
			base = name + i + 1;
	n -= (size_t)(base - name);
	/* room for a leading '_' and the NUL */
	out = wk_arena_alloc(a, n + 2);
	if (out == NULL)
		return NULL;
	out[o++] = '_';
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)base[i];
		if (c < 0x20 || c == 0x7f)
			continue;
		out[o++] = (c != '\0' && strchr("<>:\"|?*", c) != NULL) ?
		    '_' : (char)c;
	}
	out[o] = '\0';
	if (!wk_utf8_valid(out + 1, o - 1))
		return wk_arena_strdup(a, "file");
	/* trim dots and spaces at both ends */
	start = 1;
	while (start < o && (out[start] == '.' || out[start] == ' '))
		start++;
	while (o > start && (out[o - 1] == '.' || out[o - 1] == ' '))
		o--;
	if (o == start)
		return wk_arena_strdup(a, "file");
	memmove(out + 1, out + start, o - start);
	o = 1 + (o - start);
	out[o] = '\0';
	/* neutralize executable extensions: ".php" -> "_php" */
	for (dot = strchr(out + 1, '.'); dot != NULL;
	    dot = strchr(dot + 1, '.')) {
		ext = dot + 1;
		extlen = strcspn(ext, ".");
		if (in_list(ext, extlen, exec_exts,
		    sizeof(exec_exts) / sizeof(exec_exts[0])))
			*dot = '_';
	}
	/* length: keep a short last extension, cut the stem */
	if (o - 1 > WK_MULTIPART_FILENAME_MAX) {
		dot = strrchr(out + 1, '.');
		extlen = dot != NULL ? strlen(dot) : 0;
		if (extlen > 16)
			extlen = 0;
		cut = WK_MULTIPART_FILENAME_MAX - extlen;
		/* back up to a character boundary */
		while (cut > 0 && ((unsigned char)out[1 + cut] & 0xc0) == 0x80)
			cut--;
		memmove(out + 1 + cut, out + o - extlen, extlen);
		o = 1 + cut + extlen;
		out[o] = '\0';
	}
	/* Windows device names, with or without an extension */
	stem = strcspn(out + 1, ".");
	if (in_list(out + 1, stem, device_names,
	    sizeof(device_names) / sizeof(device_names[0])))
		return out;  /* keep the leading '_' */
	return out + 1;
}
