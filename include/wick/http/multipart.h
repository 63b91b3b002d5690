/*
 * multipart.h - a streaming multipart/form-data parser (RFC 7578, 2046).
 *
 * File uploads arrive as multipart/form-data.  The parser takes the body
 * in chunks of any size (from memory or a file descriptor), keeps only a
 * small window in memory, and never holds a whole file: file contents go
 * straight to disk, into a private folder made for this request (mkdtemp,
 * mode 0700) as files of mode 0600 with random names.  The name the client
 * gave is sanitized and kept only as metadata; it is never used as a path.
 * Plain fields are kept in the arena, like urlencoded fields.
 *
 * Strict by design; each of these is an error (status 400 or 413) after
 * which every file already written is removed and no part is reported:
 *  - Content-Type without a valid boundary (1..70 characters of RFC 2046's
 *    bchars, quoted or not; a second boundary parameter);
 *  - a body without the opening or the closing delimiter, LF-only line
 *    ends, a delimiter followed by anything but "--" or CRLF;
 *  - a part without "Content-Disposition: form-data; name=...", a header
 *    line without ':' or with a bare CR or LF, header folding, duplicated
 *    Content-Disposition, a Content-Transfer-Encoding other than 7bit /
 *    8bit / binary, a nested multipart/... part;
 *  - field names and values that are not UTF-8 or hold NUL;
 *  - limits (413 for sizes, 400 for the part count): parts, one field's
 *    size, one file's size, the whole body, one part's header block.
 *
 * The epilogue after the closing delimiter is ignored (RFC 2046); a
 * preamble before the first delimiter is allowed and discarded.
 *
 * Lifetime: parts, names and values live in the arena.  Stored files live
 * until wk_multipart_cleanup(), which the caller MUST call before the
 * request ends (after moving away the files it keeps with
 * wk_multipart_move()); on an error return they are already gone.
 *
 *   struct wk_multipart mp;
 *   struct wk_multipart_opts o;
 *   wk_multipart_opts_default(&o, req->settings);
 *   st = wk_multipart_parse_request(req, &o, &mp);  // fields -> req->post
 *   if (st != 0) return wk_error(req, resp, st, mp.error);
 *   ... use mp.parts[i].path for files ...
 *   wk_multipart_cleanup(&mp);
 */
#ifndef WICK_MULTIPART_H
#define WICK_MULTIPART_H

#include <stddef.h>

#include "wick/core/arena.h"
#include "wick/core/buf.h"
#include "wick/core/kv.h"

struct wk_request;
struct wk_settings;

#define WK_MULTIPART_BOUNDARY_MAX 70     /* RFC 2046 */
#define WK_MULTIPART_FILENAME_MAX 255    /* bytes, after sanitizing */

struct wk_multipart_limits {
	size_t max_parts;         /* parts of any kind (400 beyond) */
	size_t max_field_bytes;   /* one plain field's value (413) */
	size_t max_file_bytes;    /* one file (413) */
	size_t max_total_bytes;   /* the whole body (413) */
	size_t max_header_bytes;  /* one part's header block (413) */
};

struct wk_multipart_opts {
	struct wk_multipart_limits limits;
	const char *tmp_dir;      /* where the private folder is made; NULL:
	                             $TMPDIR, else /tmp */
	int store_files;          /* 1: write files to disk; 0: read and
	                             discard their contents (sizes counted) */
};

/* One part, in body order. */
struct wk_multipart_part {
	const char *name;         /* the field name (UTF-8, no NUL) */
	const char *filename;     /* NULL for a plain field; for a file the
	                             sanitized client name ("" when the file
	                             input was left empty: no file sent) */
	const char *content_type; /* the part's Content-Type, or NULL */
	const char *value;        /* plain field: its value, NUL-terminated;
	                             "" for files */
	size_t value_len;
	const char *path;         /* stored file: absolute path of the temp
	                             file; NULL otherwise */
	size_t size;              /* bytes of the value or of the file */
};

/*
 * The parser: caller-owned, filled by wk_multipart_begin.  Read the
 * public fields; the rest is private state.
 */
struct wk_multipart {
	/* results */
	struct wk_multipart_part *parts;
	size_t n_parts;
	const char *dir;          /* the private folder, once made, or NULL */
	int status;               /* 0, or 400/413/500 once failed (sticky) */
	const char *error;        /* reason for status, or NULL */

	/* private */
	wk_arena *arena;
	struct wk_multipart_opts opts;
	char *delim;              /* "\r\n--" boundary */
	size_t dlen;
	char *win;                /* the window */
	size_t win_cap, win_len;
	int state;
	size_t total;
	size_t cap_parts;
	struct wk_multipart_part cur;
	int cur_is_file;
	int cur_fd;
	wk_buf cur_value;
	size_t cur_size;
};

/*
 * wk_multipart_opts_default - limits from settings s (may be NULL for
 * fixed defaults): parts = s->max_fields (1000), total and file =
 * s->max_body (2.5 MB), field 1 MiB, header block 8 KiB; tmp_dir NULL;
 * store_files 1.
 */
void wk_multipart_opts_default(struct wk_multipart_opts *o,
    const struct wk_settings *s);

/*
 * wk_multipart_is_form_data - 1 if content_type is multipart/form-data
 * (any case, parameters allowed), else 0.
 */
int wk_multipart_is_form_data(const char *content_type);

/*
 * wk_multipart_boundary - the boundary parameter of a multipart/form-data
 * content_type, validated, into out (outsz >= 71).  Returns 0, or -1 if
 * the type is not multipart/form-data or the boundary is missing, empty,
 * longer than 70, made of characters outside RFC 2046's bchars, ends with
 * a space, or given twice.
 */
int wk_multipart_boundary(const char *content_type, char *out, size_t outsz);

/*
 * wk_multipart_begin - prepare mp to parse a body of content_type with
 * options o (copied; NULL for wk_multipart_opts_default(NULL)).  mp is
 * overwritten: if it held stored files, call wk_multipart_cleanup first.
 * Returns 0, or an HTTP status (400 bad boundary, 500 no memory) that is
 * also left in mp->status with mp->error.
 */
int wk_multipart_begin(struct wk_multipart *mp, wk_arena *a,
    const char *content_type, const struct wk_multipart_opts *o);

/*
 * wk_multipart_feed - parse the next n bytes of the body.  Returns 0, or
 * the sticky status (400, 413, or 500 for I/O failures) once anything went
 * wrong; after an error every stored file is removed and n_parts is 0.
 */
int wk_multipart_feed(struct wk_multipart *mp, const void *data, size_t n);

/*
 * wk_multipart_end - the body is complete: 0 if it ended after the
 * closing delimiter, else 400 (files removed as for feed errors).
 */
int wk_multipart_end(struct wk_multipart *mp);

/* wk_multipart_parse - begin, feed the len bytes of body, end. */
int wk_multipart_parse(struct wk_multipart *mp, wk_arena *a,
    const char *content_type, const struct wk_multipart_opts *o,
    const void *body, size_t len);

/*
 * wk_multipart_parse_fd - begin, then read exactly length bytes from fd
 * in 64 KiB chunks (retrying EINTR and short reads), then end.  A body
 * shorter than length is a 400.  Blocking reads: bound them elsewhere.
 */
int wk_multipart_parse_fd(struct wk_multipart *mp, wk_arena *a,
    const char *content_type, const struct wk_multipart_opts *o, int fd,
    size_t length);

/*
 * wk_multipart_parse_request - parse the request's body as
 * req->content_type and append every plain field to req->post, so
 * wk_request_post() sees form fields as for urlencoded bodies.  Under CGI
 * the body is streamed from stdin (the request parser left it there, see
 * request.h), so a file never sits in memory whole; the test client's
 * body is parsed from memory.  The body is parsed once per request: a
 * later call (the view, after the CSRF middleware looked for its token)
 * gets the same result and parts, whatever o says.  0 or a status as
 * above.  Files not moved away are removed when the request ends
 * (wk_multipart_request_cleanup), even if nobody calls cleanup.
 */
int wk_multipart_parse_request(struct wk_request *req,
    const struct wk_multipart_opts *o, struct wk_multipart *mp);

/*
 * wk_multipart_request_cleanup - remove what wk_multipart_parse_request
 * stored for req and was not moved away.  The pipeline (wk_app_handle)
 * calls it when the request ends.
 */
void wk_multipart_request_cleanup(struct wk_request *req);

/* wk_multipart_find - the last part named name, or NULL. */
const struct wk_multipart_part *wk_multipart_find(
    const struct wk_multipart *mp, const char *name);

/*
 * wk_multipart_move - move the stored file of part to dest (a full path
 * the app chose; it must not exist: never overwritten).  Same filesystem:
 * a link and unlink; else a copy (0600) and unlink.  On success
 * part->path becomes NULL (cleanup leaves it alone).  0, or -1 with errno.
 */
int wk_multipart_move(struct wk_multipart_part *part, const char *dest);

/*
 * wk_multipart_cleanup - remove every stored file still in the private
 * folder and the folder itself.  Safe to call twice, and after errors.
 */
void wk_multipart_cleanup(struct wk_multipart *mp);

/*
 * wk_multipart_sanitize_filename - a safe display name from the n bytes
 * of a client-supplied filename, in arena a (NULL only when out of
 * memory).  Rules, in order:
 *  - only the part after the last '/' or '\' is kept;
 *  - control characters (NUL included) are dropped, and <>:"|?* become _;
 *  - a name that is not valid UTF-8 becomes "file";
 *  - leading dots and spaces and trailing dots and spaces are removed
 *    (no hidden files: ".htaccess" becomes "htaccess");
 *  - every extension that a web server may execute (cgi, fcgi, php and
 *    php3-8, phtml, phar, pl, py, sh, asp, aspx, jsp, shtml, exe, bat, cmd)
 *    is neutralized by turning its dot into '_': "shell.php.jpg" becomes
 *    "shell_php.jpg", "x.CGI" becomes "x_CGI";
 *  - Windows device names (con, nul, aux, prn, com1-9, lpt1-9) get a '_'
 *    in front;
 *  - at most WK_MULTIPART_FILENAME_MAX bytes (cut at a character
 *    boundary, keeping a short last extension);
 *  - an empty result becomes "file".
 */
char *wk_multipart_sanitize_filename(wk_arena *a, const char *name,
    size_t n);

#endif /* WICK_MULTIPART_H */
