/*
 * settings.h - configuration: compiled-in defaults, then a config file.
 *
 * The operator names the file with the WICK_CONFIG environment variable
 * (Apache: `SetEnv WICK_CONFIG /home/me/blog.conf`).  The file holds
 * `key = value` lines; `#` starts a comment line; blank lines are ignored.
 * An unknown key or a bad value is an error that names the file and line.
 * Keys are listed in one table in src/core/settings.c and in README.md.
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

#endif /* WICK_SETTINGS_H */
