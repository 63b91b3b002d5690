/*
 * settings.h - configuration: compiled-in defaults, then a config file.
 *
 * The operator names the file with the WICK_CONFIG environment variable
 * (Apache: `SetEnv WICK_CONFIG /home/me/blog.conf`).  The file holds
 * `key = value` lines; `#` starts a comment line; blank lines are ignored.
 * An unknown key or a bad value is an error that names the file and line.
 * Keys are listed in one table in src/core/settings.c and in README.md;
 * an app or a component adds its own (see "Keys of your own" below).
 *
 * Without WICK_CONFIG the defaults apply; they are safe (DEBUG off, hosts
 * limited to localhost).
 */
#ifndef WICK_SETTINGS_H
#define WICK_SETTINGS_H

#include <stddef.h>

#include "wick/core/arena.h"

#define WK_SETTINGS_MAX_HOSTS 16
#define WK_SETTINGS_MAX_ORIGINS 16

struct wk_setting_value;

struct wk_settings {
	/* Core. */
	int debug;                       /* debug: 0/1; detailed error pages */
	const char *allowed_hosts[WK_SETTINGS_MAX_HOSTS]; /* allowed_hosts */
	size_t n_allowed_hosts;
	const char *secret_key_file;     /* secret_key_file: path or NULL */
	const char *database;            /* database: SQLite file path */
	int append_slash;                /* append_slash: redirect /x to /x/ */
	const char *static_url;          /* static_url: prefix for {% static %} */
	const char *media_url;           /* media_url: {% get_media_prefix %} */

	/* Request limits (Django-like defaults). */
	size_t max_body;                 /* max_body_bytes: 2.5 MB -> 413 */
	size_t max_fields;               /* max_fields: 1000 -> 400 */
	size_t max_url;                  /* max_url_bytes: path+query -> 414 */
	size_t max_header;               /* max_header_bytes: one header -> 400 */
	size_t max_headers_total;        /* max_headers_total_bytes -> 400 */
	int read_timeout_ms;             /* read_timeout_ms: body read deadline */
	long fastcgi_max_requests;       /* fastcgi_max_requests: 1000, then exit */

	/* Security middleware. */
	long hsts_seconds;               /* hsts_seconds: 0 = no HSTS */
	int hsts_include_subdomains;     /* hsts_include_subdomains */
	int hsts_preload;                /* hsts_preload */
	int ssl_redirect;                /* ssl_redirect: http -> https */
	const char *csp;                 /* content_security_policy or NULL */
	const char *frame_options;       /* x_frame_options: DENY */
	const char *referrer_policy;     /* referrer_policy: same-origin */
	const char *coop;                /* cross_origin_opener_policy */
	int trust_x_forwarded_proto;     /* trust_x_forwarded_proto: 0 */
	const char *allowed_redirect_hosts[WK_SETTINGS_MAX_HOSTS];
	size_t n_allowed_redirect_hosts; /* allowed_redirect_hosts */

	/* Later components (ORM, sessions, CSRF, auth) add fields here. */
	int auto_migrate;                /* auto_migrate: first request migrates */
	int db_busy_timeout_ms;          /* db_busy_timeout_ms */
	long session_age;                /* session_cookie_age (seconds) */
	const char *trusted_origins[WK_SETTINGS_MAX_ORIGINS];
	size_t n_trusted_origins;        /* csrf_trusted_origins */
	long password_iterations;        /* password_iterations */

	/* Django's named date formats ({{ d|date:"SHORT_DATE_FORMAT" }}),
	 * Django's English defaults. */
	const char *date_format;           /* date_format: N j, Y */
	const char *datetime_format;       /* datetime_format: N j, Y, P */
	const char *short_date_format;     /* short_date_format: m/d/Y */
	const char *short_datetime_format; /* short_datetime_format: m/d/Y P */
	const char *time_format;           /* time_format: P */
	const char *month_day_format;      /* month_day_format: F j */
	const char *year_month_format;     /* year_month_format: F Y */

	const char *source;              /* file loaded, or NULL for defaults */

	/* The registered keys' values (arena), one per key; NULL until a
	 * wk_settings_load*.  Read them with wk_settings_str/_int/_list. */
	struct wk_setting_value *app_values;
	size_t n_app_values;
};

/* wk_settings_defaults - fill s with the compiled-in defaults. */
void wk_settings_defaults(struct wk_settings *s);

/*
 * wk_settings_load_file - apply the config file at path on top of s.
 * Strings are copied into arena a, which must outlive s.
 * Returns 0, or -1 with a message like "blog.conf:3: unknown key 'debgu'"
 * in err (always NUL-terminated, truncated to errlen).
 */
int wk_settings_load_file(struct wk_settings *s, wk_arena *a,
    const char *path, char *err, size_t errlen);

/*
 * wk_settings_load - defaults, then the file named by $WICK_CONFIG if set.
 * Same return and err convention as wk_settings_load_file.
 */
int wk_settings_load(struct wk_settings *s, wk_arena *a, char *err,
    size_t errlen);

/*
 * wk_settings_check - sanity checks beyond parsing (used by `APP check`):
 * e.g. secret_key_file readable and long enough, database outside the
 * document root.  Writes one problem per line into out (NUL-terminated);
 * returns the number of problems found.
 */
int wk_settings_check(const struct wk_settings *s, char *out, size_t outlen);

/* wk_settings_host_allowed - 1 if host (no port) is in allowed_hosts. */
int wk_settings_host_allowed(const struct wk_settings *s, const char *host);

/* The secret key's bounds, bytes (after trailing whitespace is dropped). */
#define WK_SECRET_KEY_MIN 32
#define WK_SECRET_KEY_MAX 4096

/*
 * wk_settings_secret_key - read the file s->secret_key_file into out
 * (outsz bytes, WK_SECRET_KEY_MAX is enough), trailing whitespace dropped,
 * its length in *outlen: the key every signature of Wick is made with
 * (signed-cookie sessions, the admin log's chain).  The caller wipes out
 * when done.  0, or -1 with a reason for the log in *why (static): no
 * secret_key_file set (or s NULL), the file cannot be opened, or it holds
 * fewer than WK_SECRET_KEY_MIN bytes.  Reads at most outsz bytes.
 */
int wk_settings_secret_key(const struct wk_settings *s, unsigned char *out,
    size_t outsz, size_t *outlen, const char **why);

/* ---- keys of your own --------------------------------------------------------------- */

/*
 * An app or a component declares its keys in a const table, typed and
 * with defaults, and lists it in struct wk_app's `settings` (wk_main
 * registers them before it reads the file):
 *
 *   static const struct wk_setting_def blog_settings[] = {
 *       { "blog_title", WK_SETTING_STRING, "My blog", 0, 0,
 *         "the name in the page header" },
 *       { "posts_per_page", WK_SETTING_INT, "10", 1, 100,
 *         "posts on one page of the list" },
 *       WK_SETTINGS_END
 *   };
 *   static const struct wk_setting_def *const blog_setting_tables[] = {
 *       blog_settings, NULL
 *   };
 *   ... .settings = blog_setting_tables, ...
 *
 *   long per_page = wk_settings_int(req->settings, "posts_per_page");
 *
 * In the file they are written like the built-in keys
 * (`posts_per_page = 20`), validated by the same parsers when the file is
 * loaded: a bad value is an error naming the file, the line and the key,
 * e.g. "blog.conf:4: posts_per_page: must be between 1 and 100, got
 * '500'", and the request gets a 500 page as for any configuration
 * error.  A key that nobody registered is still an error.  `APP check`
 * lists the registered keys with their values and where they came from.
 */
enum wk_setting_type {
	WK_SETTING_STRING,   /* any non-empty text */
	WK_SETTING_INT,      /* decimal digits within [min, max] (a long) */
	WK_SETTING_BOOL,     /* true/false, on/off, yes/no, 1/0 */
	WK_SETTING_PATH,     /* a file name; relative: to the config file */
	WK_SETTING_LIST,     /* words separated by spaces or commas */
	WK_SETTING__MAX
};

struct wk_setting_def {
	const char *name;          /* [a-z0-9_]+, at most 64; not built in */
	enum wk_setting_type type;
	const char *def;           /* default, written as in the file; NULL:
	                              unset (str NULL, int 0, empty list) */
	long long min, max;        /* INT: range (both 0: 0..LONG_MAX);
	                              LIST: max = most items (0: 64) */
	const char *help;          /* one line for `check`; may be NULL */
};
#define WK_SETTINGS_END { NULL, 0, NULL, 0, 0, NULL }

/* One key's value after a load (fields by type; see wk_settings_*). */
struct wk_setting_value {
	const struct wk_setting_def *def;
	unsigned line;             /* line of the file that set it; 0: default */
	long i;                    /* WK_SETTING_INT */
	int b;                     /* WK_SETTING_BOOL */
	const char *s;             /* STRING, PATH (arena); LIST: items[0] */
	const char **items;        /* LIST: n words (arena), NULL-terminated */
	size_t n;
};

#define WK_SETTINGS_MAX_TABLES 64       /* tables registered at most */

/*
 * wk_settings_register - add a WK_SETTINGS_END-terminated table of keys
 * (the table is kept, not copied: make it static const).  Every entry is
 * checked now: a bad name, an unknown type, a name that is already a key
 * (built in, registered, or twice in table) or a default its type refuses
 * is an error.  Returns 0, or -1 with a message naming the key in err
 * (NUL-terminated, cut to errlen; err may be NULL); nothing is registered
 * then.  Registering the same table again does nothing and returns 0.
 * Process state: register before loading.
 */
int wk_settings_register(const struct wk_setting_def *table, char *err,
    size_t errlen);

/* wk_settings_unregister_all - forget every registered table (tests). */
void wk_settings_unregister_all(void);

/*
 * wk_settings_str / wk_settings_int / wk_settings_list - the value of a
 * registered key in s: str for STRING and PATH keys (NULL when unset),
 * int for INT and BOOL keys (0 when unset), list for LIST keys (the
 * count; *items gets the words, NULL-terminated, or NULL).  A name that
 * is not a registered key of that type reads as unset.  Settings never
 * loaded (wk_settings_defaults alone) read as the defaults, except lists,
 * which then read as empty.  Strings live in the arena of the load.
 */
const char *wk_settings_str(const struct wk_settings *s, const char *name);
long wk_settings_int(const struct wk_settings *s, const char *name);
size_t wk_settings_list(const struct wk_settings *s, const char *name,
    const char *const **items);

/*
 * wk_settings_each - call fn for each registered key, in registration
 * order, with its value in s (NULL when s was never loaded); fn may be
 * NULL to count them.  Returns the number of keys.
 */
int wk_settings_each(const struct wk_settings *s,
    void (*fn)(void *ctx, const struct wk_setting_def *d,
    const struct wk_setting_value *v), void *ctx);

#endif /* WICK_SETTINGS_H */
