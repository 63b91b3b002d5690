/*
 * accounts.c - the blog's pages that need a visitor: logging in and out,
 * writing a post (logged-in users) and commenting (anyone).
 *
 * The framework does the work (auth.h, form.h, session.h); these views
 * show how an app puts it together: a login page that is the library's
 * view with the blog's template, a model form for posts that fills in the
 * author and redirects with a flash message, and a comment form posted
 * from every post page.  All of it is under the CSRF middleware.
 */
#include <string.h>

#include "wick/http/app.h"
#include "wick/auth/auth.h"
#include "wick/db/db.h"
#include "wick/forms/form.h"
#include "wick/db/orm.h"
#include "wick/http/request.h"
#include "wick/http/response.h"
#include "wick/http/router.h"
#include "wick/auth/session.h"
#include "wick/template/template.h"
#include "blog.h"
#include "models.h"

static const struct wk_auth_pages blog_auth_pages = {
	.set = &blog_templates,
	.login_template = "login.html",
	.after_login = "home",
	.after_logout = "home",
};

/* see blog.h */
int
blog_login(struct wk_request *req, struct wk_response *resp)
{
	return wk_auth_login_view(req, resp, &blog_auth_pages);
}

/* see blog.h */
int
blog_logout(struct wk_request *req, struct wk_response *resp)
{
	return wk_auth_logout_view(req, resp, &blog_auth_pages);
}

/* ---- /posts/new/ ------------------------------------------------------------------ */

static const char *const post_form_fields[] = { "title", "slug", "body",
    NULL };

static int
render_form(struct wk_request *req, struct wk_response *resp,
    const char *tpl, struct wk_form *f, struct wk_value post)
{
	struct wk_map *ctx = wk_map_new(req->arena);

	if (ctx == NULL ||
	    wk_map_set(req->arena, ctx, "form", wk_form_value(f)) != 0 ||
	    wk_map_set(req->arena, ctx, "post", post) != 0)
		return -1;
	return wk_render(req, resp, &blog_templates, tpl, ctx);
}

static int
post_new_view(struct wk_request *req, struct wk_response *resp)
{
	const struct wick_user *u = wk_auth_user(req);
	struct wk_model_form mf;
	struct blog_post *p;
	char now[32];
	const char *url;
	int st;

	if (wk_model_form_init(&mf, req->arena, &blog_post_model,
	    post_form_fields, NULL) != 0)
		return -1;
	if (req->method != WK_METHOD_POST)
		return render_form(req, resp, "post_form.html", &mf.form,
		    wk_val_null());
	if (wk_form_bind(&mf.form, req) != 0)
		return -1;
	st = wk_model_form_is_valid(&mf);
	if (st < 0)
		return -1;
	if (st == 0)
		return render_form(req, resp, "post_form.html", &mf.form,
		    wk_val_null());
	if (wk_db_now(now, sizeof(now)) != 0)
		return -1;
	p = mf.obj;
	p->author = u->id;
	wk_clear_null(p, blog_post, author);
	p->author_name = u->username;
	p->created = now;
	p->published = 1;
	st = wk_model_form_save(&mf);
	if (st == WK_DB_INVALID)
		return render_form(req, resp, "post_form.html", &mf.form,
		    wk_val_null());
	if (st != WK_DB_OK)
		return wk_db_respond(req, resp, st, 0);
	if (wk_message_add(req, WK_MSG_SUCCESS, "Your post was published.") != 0)
		return -1;
	if ((url = WK_URL(req, "post", wk_val_int(p->id))) == NULL)
		return -1;
	return wk_response_redirect(resp, NULL, url, 302);
}

/* post_new_view for logged-in users only (the others go to login). */
WK_LOGIN_REQUIRED(post_new_checked, post_new_view)

/* see blog.h */
int
blog_post_new(struct wk_request *req, struct wk_response *resp)
{
	return post_new_checked(req, resp);
}

/* ---- comments ---------------------------------------------------------------------- */

static const char *const comment_form_fields[] = { "name", "body", NULL };

/* see blog.h */
int
blog_post_comment(struct wk_request *req, struct wk_response *resp)
{
	struct wk_model_form mf;
	struct wk_query q;
	struct blog_post *post;
	struct blog_comment *c;
	char now[32];
	const char *url;
	long long id;
	int st;

	if (wk_request_arg_long(req, "id", &id) != 0)
		return wk_error(req, resp, 404, "No such post");
	wk_q_init(&q, req->arena, &blog_post_model);
	wk_q_filter(&q, "id", wk_val_int(id));
	wk_q_filter(&q, "published", wk_val_bool(1));
	st = wk_q_get(&q, (void **)&post);
	if (st == WK_DB_NOT_FOUND)
		return wk_error(req, resp, 404, "No such post");
	if (st != WK_DB_OK)
		return wk_db_respond(req, resp, st, 0);
	if (wk_model_form_init(&mf, req->arena, &blog_comment_model,
	    comment_form_fields, NULL) != 0 ||
	    wk_form_bind(&mf.form, req) != 0)
		return -1;
	if (wk_db_now(now, sizeof(now)) != 0)
		return -1;
	c = mf.obj;
	c->post = post->id;
	c->created = now;
	st = wk_model_form_is_valid(&mf);
	if (st < 0)
		return -1;
	if (st == 1) {
		st = wk_model_form_save(&mf);
		if (st == WK_DB_OK) {
			if (wk_message_add(req, WK_MSG_SUCCESS, "Thanks, your "
			    "comment was posted.") != 0 ||
			    (url = WK_URL(req, "post",
			    wk_val_int(post->id))) == NULL)
				return -1;
			return wk_response_redirect(resp, NULL, url, 302);
		}
		if (st != WK_DB_INVALID)
			return wk_db_respond(req, resp, st, 0);
	}
	return render_form(req, resp, "comment_form.html", &mf.form,
	    wk_orm_value(req->arena, &blog_post_model, post));
}
