/*
 * session_cookie.c - the signed-cookie session store (see session.h).
 *
 * The data itself travels in the cookie, with its expiry, signed with
 * HMAC-SHA256 under settings.secret_key_file and a salt of its own; no
 * server state.  A cookie whose signature does not match, or that has
 * expired, is ignored: the session starts empty.  Nothing here is secret
 * from the visitor, only tamper-proof.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wick/core/crypto.h"
#include "wick/core/log.h"
#include "wick/core/settings.h"
#include "wick/http/middleware.h"
#include "wick/http/request.h"
#include "wick/auth/session.h"
#include "internal.h"

#define SESSION_SIGN_SALT "wick.sessions.signed-cookie"
#define SECRET_MAX WK_SECRET_KEY_MAX

/* ---- the store ---------------------------------------------------------------------- */

/* tag = HMAC(secret, salt "|" payload), base64url without padding. */
static int
signed_tag(const struct wk_settings *st, const char *payload, size_t n,
    char *out, size_t outsz, const char **why)
{
	unsigned char key[SECRET_MAX], mac[WK_SHA256_LEN];
	wk_hmac_sha256_ctx m;
	size_t klen;

	if (wk_settings_secret_key(st, key, sizeof(key), &klen, why) != 0)
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
cookie_load(struct wk_session *s, const char *cookie)
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
	    (long long)time(NULL) + auth_session_age(req), encoded);
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

static int
cookie_save(struct wk_session *s, const char *encoded, const char **value)
{
	char *v = NULL;

	if (signed_value(s, encoded, &v) != 0)
		return -1;
	*value = v;
	return 0;
}

/*
 * The store needs the secret key: check it is there before the request
 * goes on (a missing key is a configuration error, answered 500).  The
 * 4 KiB key buffer stays in this frame, never in the middleware's, which
 * every request pays for (a stack page touched is a page fault).
 */
static int
cookie_start(struct wk_request *req)
{
	unsigned char key[SECRET_MAX];
	const char *why = NULL;
	size_t klen;

	if (wk_settings_secret_key(req->settings, key, sizeof(key),
	    &klen, &why) != 0) {
		wk_log(req, WK_LOG_ERROR, "session: %s", why);
		return -1;
	}
	memset(key, 0, sizeof(key));
	return 0;
}

/* see session.h */
const struct wk_session_store wk_session_store_cookie = {
	.name = "signed_cookie",
	.start = cookie_start,
	.load = cookie_load,
	.save = cookie_save,
	.destroy = NULL,
};

static int
session_signed_on_request(struct wk_request *req, struct wk_response *resp)
{
	(void)resp;
	return wk_session_start(req, &wk_session_store_cookie);
}

/* see session.h */
const struct wk_middleware wk_mw_session_signed = {
	"session_signed", session_signed_on_request, wk_session_on_response
};
