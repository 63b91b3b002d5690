/*
 * views.c - the login and logout views and the login_required and
 * permission_required checks (see auth.h).
 *
 * Anonymous visitors are sent to the route named "login" with ?next= this
 * path; the login view follows `next` only when it is a path on this site.
 */
#include <ctype.h>
#include <string.h>

#include "wick/auth/auth.h"
#include "wick/core/buf.h"
#include "wick/db/orm.h"
#include "wick/forms/form.h"
#include "wick/core/log.h"
#include "wick/http/request.h"
#include "wick/http/response.h"
#include "wick/http/router.h"
#include "wick/auth/session.h"
#include "wick/template/template.h"
#include "internal.h"

/* ---- protecting views -------------------------------------------------------------------- */

static void
url_escape(wk_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++) {
		if (isalnum(*p) || strchr("-._~/", *p) != NULL) {
			wk_buf_putc(b, (char)*p);
		} else {
			char e[3] = { '%', hex[*p >> 4], hex[*p & 15] };
			wk_buf_append(b, e, 3);
		}
	}
}

/* see auth.h */
int
wk_login_required(struct wk_request *req, struct wk_response *resp)
{
	const char *login;
	wk_buf b;

	if (wk_auth_user(req) != NULL)
		return 0;
	login = wk_url(req, "login", NULL, 0);
	wk_buf_init(&b, req->arena);
	if (login != NULL)
		wk_buf_puts(&b, login);
	else
		wk_buf_printf(&b, "%s/accounts/login/", req->script_name);
	wk_buf_puts(&b, "?next=");
	url_escape(&b, req->script_name);
	url_escape(&b, req->raw_path[0] ? req->raw_path : "/");
	if (req->query_string[0] != '\0') {
		wk_buf_puts(&b, "%3F");
		url_escape(&b, req->query_string);
	}
	if (b.failed || wk_response_redirect(resp, NULL, wk_buf_cstr(&b),
	    302) != 0) {
		if (wk_error(req, resp, 403, "Login required") != 0)
			resp->status = 403;
	}
	return 1;
}

/* see auth.h */
int
wk_permission_required(struct wk_request *req, struct wk_response *resp,
    const char *perm)
{
	if (wk_login_required(req, resp))
		return 1;
	if (wk_auth_has_perm(req->arena, wk_auth_user(req), perm))
		return 0;
	if (wk_error(req, resp, 403, "You do not have permission to do "
	    "this.") != 0)
		resp->status = 403;
	return 1;
}

/* ---- the views ------------------------------------------------------------------------ */

static const struct wk_form_field login_fields[] = {
	{ .name = "username", .kind = WK_FF_TEXT, .label = "Username",
	  .max_length = USERNAME_MAX },
	{ .name = "password", .kind = WK_FF_PASSWORD, .label = "Password" },
};
static const struct wk_form_def login_form = WK_FORM_DEF(login_fields,
    NULL);

static int
login_render(struct wk_request *req, struct wk_response *resp,
    const struct wk_auth_pages *p, struct wk_form *f, const char *next,
    int status)
{
	struct wk_map *ctx = wk_map_new(req->arena);
	const struct wick_user *u = wk_auth_user(req);

	if (ctx == NULL ||
	    wk_map_set(req->arena, ctx, "form", wk_form_value(f)) != 0 ||
	    wk_map_set(req->arena, ctx, "next", wk_val_str(next)) != 0 ||
	    wk_map_set(req->arena, ctx, "messages",
	    wk_messages_value(req)) != 0 ||
	    wk_map_set(req->arena, ctx, "user", u != NULL ?
	    wk_orm_value(req->arena, &wick_user_model, u) :
	    wk_val_null()) != 0)
		return -1;
	resp->status = status;
	return wk_render(req, resp, p->set, p->login_template, ctx);
}

static int
redirect_named(struct wk_request *req, struct wk_response *resp,
    const char *name, int status)
{
	const char *url = name != NULL ? wk_url(req, name, NULL, 0) : NULL;

	if (url == NULL)
		url = req->script_name[0] ? req->script_name : "/";
	if (url[0] == '\0')
		url = "/";
	return wk_response_redirect(resp, NULL, url, status);
}

/* see auth.h */
int
wk_auth_login_view(struct wk_request *req, struct wk_response *resp,
    const struct wk_auth_pages *p)
{
	struct wk_form f;
	struct wick_user *u;
	const char *next;
	enum wk_auth_result r;

	next = wk_request_post(req, "next");
	if (next == NULL)
		next = wk_request_get(req, "next");
	if (!wk_auth_safe_next(next))
		next = NULL;
	if (wk_form_init(&f, &login_form, req->arena) != 0)
		return -1;
	if (req->method != WK_METHOD_POST)
		return login_render(req, resp, p, &f, next, 200);
	if (wk_form_bind(&f, req) != 0)
		return -1;
	switch (wk_form_is_valid(&f)) {
	case 1:
		break;
	case 0:
		return login_render(req, resp, p, &f, next, 200);
	default:
		return -1;
	}
	r = wk_auth_authenticate(req, wk_form_text(&f, "username"),
	    wk_form_text(&f, "password"), &u);
	switch (r) {
	case WK_AUTH_OK:
		if (wk_auth_login(req, u) != 0)
			return -1;
		if (next != NULL)
			return wk_response_redirect(resp, NULL, next, 302);
		return redirect_named(req, resp, p->after_login, 302);
	case WK_AUTH_THROTTLED:
		if (wk_form_add_error(&f, NULL, MSG_THROTTLED) != 0)
			return -1;
		if (login_render(req, resp, p, &f, next, 429) != 0)
			return -1;
		return wk_response_set_header(resp, "Retry-After", "900");
	case WK_AUTH_INVALID:
		if (wk_form_add_error(&f, NULL, MSG_INVALID_LOGIN) != 0)
			return -1;
		return login_render(req, resp, p, &f, next, 200);
	default:
		return wk_error(req, resp, 503, "Login is unavailable.");
	}
}

/* see auth.h */
int
wk_auth_logout_view(struct wk_request *req, struct wk_response *resp,
    const struct wk_auth_pages *p)
{
	if (req->method != WK_METHOD_POST) {
		if (wk_response_not_allowed(resp, WK_POST) != 0)
			return -1;
		return 0;
	}
	if (wk_auth_logout(req) != 0)
		return -1;
	return redirect_named(req, resp, p->after_logout, 303);
}
