/*
 * security.c - the security-headers middleware (wk_mw_security, see
 * middleware.h).
 *
 * Browsers defend a site only when told to: not to sniff content types, not
 * to frame it, what to send as Referer, to isolate its window, to use HTTPS
 * from now on.  This middleware says so on every response that leaves the
 * pipeline, error pages included, and sends plain-HTTP visitors to HTTPS
 * when the operator asks for it.  Each header comes from a setting; a NULL
 * setting omits the header, and a header the view already set is left as
 * the view chose it.
 */
#include <stdio.h>
#include <string.h>

#include "wick/core/log.h"
#include "wick/http/middleware.h"
#include "wick/http/request.h"
#include "wick/http/response.h"
#include "wick/core/settings.h"

/* Which characters of a path or query are copied as they are. */
enum sec_part {
	SEC_PATH,    /* decoded path: re-encode everything but pchar and '/' */
	SEC_QUERY,   /* raw query string: keep its escapes and delimiters */
};

/* 1 if c may stay literal in part of the URL. */
static int
sec_keep(unsigned char c, enum sec_part part)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	if (c != '\0' && strchr("-._~!$&'()*+,;=:@/", c) != NULL)
		return 1;
	return part == SEC_QUERY && (c == '%' || c == '?');
}

/* Append s to b with every byte that may not stay literal %-encoded. */
static void
sec_append_encoded(wk_buf *b, const char *s, enum sec_part part)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if (sec_keep(c, part)) {
			wk_buf_putc(b, (char)c);
		} else {
			wk_buf_putc(b, '%');
			wk_buf_putc(b, hex[c >> 4]);
			wk_buf_putc(b, hex[c & 15]);
		}
	}
}

/* Over plain HTTP with ssl_redirect on: 301 to the same URL over HTTPS. */
static int
sec_on_request(struct wk_request *req, struct wk_response *resp)
{
	const struct wk_settings *s = req->settings;
	const char *host;
	wk_buf url;

	if (s == NULL || !s->ssl_redirect || req->is_secure)
		return WK_MW_CONTINUE;
	/* The pipeline has checked the host against allowed_hosts. */
	host = req->host_port != NULL && req->host_port[0] != '\0' ?
	    req->host_port : req->host;
	if (host == NULL || host[0] == '\0') {
		wk_log(req, WK_LOG_WARN, "ssl_redirect: no host to redirect to");
		return WK_MW_ERROR;
	}
	wk_buf_init(&url, req->arena);
	wk_buf_puts(&url, "https://");
	wk_buf_puts(&url, host);
	sec_append_encoded(&url, req->script_name != NULL ? req->script_name :
	    "", SEC_PATH);
	sec_append_encoded(&url, req->raw_path != NULL && req->raw_path[0] ?
	    req->raw_path : "/", SEC_PATH);
	if (req->query_string != NULL && req->query_string[0] != '\0') {
		wk_buf_putc(&url, '?');
		sec_append_encoded(&url, req->query_string, SEC_QUERY);
	}
	if (url.failed)
		return WK_MW_ERROR;
	/* Checked once more by the redirect rule (host, characters). */
	if (wk_response_redirect(resp, req, wk_buf_cstr(&url), 301) != 0)
		return WK_MW_ERROR;
	return WK_MW_ANSWERED;
}

/* Set name to value unless value is NULL/empty or the view set it. */
static void
sec_default_header(struct wk_request *req, struct wk_response *resp,
    const char *name, const char *value)
{
	if (value == NULL || value[0] == '\0' ||
	    wk_response_header(resp, name) != NULL)
		return;
	if (wk_response_set_header(resp, name, value) != 0)
		wk_log(req, WK_LOG_ERROR, "security header %s could not be set",
		    name);
}

/* Add the security headers to whatever response goes out. */
static void
sec_on_response(struct wk_request *req, struct wk_response *resp)
{
	const struct wk_settings *s = req->settings;
	struct wk_settings defaults;
	char hsts[96];
	int n;

	if (s == NULL) {
		/* No configuration (a very early failure): the safe defaults. */
		wk_settings_defaults(&defaults);
		s = &defaults;
	}
	sec_default_header(req, resp, "X-Content-Type-Options", "nosniff");
	sec_default_header(req, resp, "X-Frame-Options", s->frame_options);
	sec_default_header(req, resp, "Referrer-Policy", s->referrer_policy);
	sec_default_header(req, resp, "Cross-Origin-Opener-Policy", s->coop);
	sec_default_header(req, resp, "Content-Security-Policy", s->csp);
	/* RFC 6797 7.2: HSTS over plain HTTP is ignored; never send it. */
	if (req->is_secure && s->hsts_seconds > 0) {
		n = snprintf(hsts, sizeof(hsts), "max-age=%ld%s%s",
		    s->hsts_seconds,
		    s->hsts_include_subdomains ? "; includeSubDomains" : "",
		    s->hsts_preload ? "; preload" : "");
		if (n < 0 || (size_t)n >= sizeof(hsts))
			wk_log(req, WK_LOG_ERROR, "HSTS header too long");
		else
			sec_default_header(req, resp,
			    "Strict-Transport-Security", hsts);
	}
}

/* see middleware.h */
const struct wk_middleware wk_mw_security = {
	"security",
	sec_on_request,
	sec_on_response,
};
