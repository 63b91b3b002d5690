/*
 * messages.c - flash messages (django.contrib.messages; see session.h).
 *
 * A message is queued in one request and shown by the next page that
 * renders them.  They are kept in the session under "_messages" as an
 * encoded list of level digit -> text, so they work with any session
 * store and cost nothing to a request that neither adds nor shows one.
 */
#include <string.h>

#include "wick/core/log.h"
#include "wick/http/middleware.h"
#include "wick/http/request.h"
#include "wick/auth/session.h"

#define MESSAGES_KEY "_messages"

static const char *const message_tags[WK_MSG__MAX] = {
	[WK_MSG_DEBUG] = "debug",
	[WK_MSG_INFO] = "info",
	[WK_MSG_SUCCESS] = "success",
	[WK_MSG_WARNING] = "warning",
	[WK_MSG_ERROR] = "error",
};

/* see session.h */
const char *
wk_message_tag(enum wk_message_level level)
{
	return (unsigned)level < WK_MSG__MAX ? message_tags[level] : "info";
}

static int
messages_on_request(struct wk_request *req, struct wk_response *resp)
{
	(void)resp;
	if (wk_session(req) == NULL) {
		wk_log(req, WK_LOG_ERROR, "messages: list a session middleware "
		    "before wk_mw_messages");
		return WK_MW_ERROR;
	}
	return WK_MW_CONTINUE;
}

const struct wk_middleware wk_mw_messages = {
	"messages", messages_on_request, NULL
};

/* see session.h */
int
wk_message_add(struct wk_request *req, enum wk_message_level level,
    const char *text)
{
	struct wk_kvlist l = { NULL, 0, 0 };
	static const char *const digits[WK_MSG__MAX] = {
		"0", "1", "2", "3", "4"
	};
	char *enc;

	if (wk_session(req) == NULL || text == NULL ||
	    (unsigned)level >= WK_MSG__MAX)
		return -1;
	if (wk_session_decode(req->arena, wk_session_get(req, MESSAGES_KEY),
	    &l) != 0)
		l.len = 0;
	if (l.len >= WK_MESSAGES_MAX) {
		memmove(l.items, l.items + 1, (l.len - 1) * sizeof(*l.items));
		l.len--;
	}
	if (wk_kv_add(req->arena, &l, digits[level], text, strlen(text)) != 0 ||
	    (enc = wk_session_encode(req->arena, &l)) == NULL)
		return -1;
	return wk_session_set(req, MESSAGES_KEY, enc);
}

/* see session.h */
size_t
wk_messages_take(struct wk_request *req, enum wk_message_level *levels,
    const char **texts, size_t max)
{
	struct wk_kvlist l = { NULL, 0, 0 };
	const char *stored = wk_session_get(req, MESSAGES_KEY);
	size_t i, n = 0;

	if (stored == NULL)
		return 0;
	(void)wk_session_remove(req, MESSAGES_KEY);
	if (wk_session_decode(req->arena, stored, &l) != 0)
		return 0;
	for (i = 0; i < l.len && n < max; i++) {
		const char *d = l.items[i].name;
		if (d[0] < '0' || d[0] >= '0' + WK_MSG__MAX || d[1] != '\0')
			continue;
		levels[n] = (enum wk_message_level)(d[0] - '0');
		texts[n] = l.items[i].value;
		n++;
	}
	return n;
}

/* see session.h */
int
wk_messages_context_processor(struct wk_request *req, struct wk_map *ctx)
{
	if (wk_session(req) == NULL || wk_map_get(ctx, "messages", 8) != NULL)
		return 0;
	return wk_map_set(req->arena, ctx, "messages", wk_messages_value(req));
}

/* see session.h */
struct wk_value
wk_messages_value(struct wk_request *req)
{
	enum wk_message_level levels[WK_MESSAGES_MAX];
	const char *texts[WK_MESSAGES_MAX];
	struct wk_list *l = wk_list_new(req->arena);
	size_t i, n;

	if (l == NULL)
		return wk_val_null();
	n = wk_messages_take(req, levels, texts, WK_MESSAGES_MAX);
	for (i = 0; i < n; i++) {
		struct wk_map *m = wk_map_new(req->arena);
		if (m == NULL ||
		    wk_map_set(req->arena, m, "message",
		    wk_val_str(texts[i])) != 0 ||
		    wk_map_set(req->arena, m, "level",
		    wk_val_int((long long)levels[i])) != 0 ||
		    wk_map_set(req->arena, m, "tags",
		    wk_val_str(wk_message_tag(levels[i]))) != 0 ||
		    wk_list_push(req->arena, l, wk_val_map(m)) != 0)
			break;
	}
	return wk_val_list(l);
}
