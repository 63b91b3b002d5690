/*
 * pages.c - the demo's HTML pages: home, post list, post detail, static
 * files and the error pages, all rendered from the templates embedded in
 * the binary (cgi-bin/blog/templates, see build/gen/blog_assets.c).
 *
 * Each view gathers values into a context map and calls wk_render; the
 * templates decide how things look.  Rows from the ORM go into the
 * context as they are (wk_orm_value): the template reads the fields it
 * shows, nothing is copied field by field.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "wick/http/app.h"
#include "wick/db/db.h"
#include "wick/core/log.h"
#include "wick/db/orm.h"
#include "wick/http/request.h"
#include "wick/http/response.h"
#include "wick/http/static.h"
#include "wick/template/template.h"
#include "wick/core/value.h"
#include "blog.h"
#include "models.h"

#define PAGE_SIZE 20
#define HOME_POSTS 5
#define MAX_PAGE 1000000L

/*
 * Published posts, newest first: up to limit rows after offset, as a
 * list of row values.  *more says whether another row follows.
 */
static int
published_posts(struct wk_request *req, long long limit, long long offset,
    struct wk_list **out, int *more)
{
	struct wk_query q;
	struct wk_list *l;
	void *row;
	int st;

	if ((l = wk_list_new(req->arena)) == NULL)
		return WK_DB_NOMEM;
	wk_q_init(&q, req->arena, &blog_post_model);
	wk_q_filter(&q, "published", wk_val_bool(1));
	wk_q_order_by(&q, "-created,-id");
	wk_q_limit(&q, limit + 1, offset);
	*more = 0;
	while ((st = wk_q_next(&q, &row)) == WK_DB_ROW) {
		if ((long long)l->len == limit) {
			*more = 1;
			continue;
		}
		if (wk_list_push(req->arena, l, wk_orm_value(req->arena,
		    &blog_post_model, row)) != 0) {
			wk_q_close(&q);
			return WK_DB_NOMEM;
		}
	}
	wk_q_close(&q);
	*out = l;
	return st == WK_DB_DONE ? WK_DB_OK : st;
}

/* see blog.h */
int
blog_page_home(struct wk_request *req, struct wk_response *resp)
{
	struct wk_map *ctx = wk_map_new(req->arena);
	struct wk_list *posts = NULL;
	int more, st;

	if (ctx == NULL)
		return -1;
	/* The home page still works without a database: it then just has no
	 * "latest posts" (the reason goes to the log). */
	st = published_posts(req, HOME_POSTS, 0, &posts, &more);
	if (st != WK_DB_OK)
		wk_log(req, WK_LOG_WARN, "home: no latest posts: %s",
		    wk_db_last_error());
	else if (wk_map_set(req->arena, ctx, "posts", wk_val_list(posts)) != 0)
		return -1;
	return wk_render(req, resp, &blog_templates, "home.html", ctx);
}

/* ?page=N: 1 when absent, 0 when not a page number. */
static long
page_number(const struct wk_request *req)
{
	const char *s = wk_request_get(req, "page");
	char *end;
	long n;

	if (s == NULL)
		return 1;
	if (*s < '1' || *s > '9')
		return 0;
	errno = 0;
	n = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || n < 1 || n > MAX_PAGE)
		return 0;
	return n;
}

/* see blog.h */
int
blog_post_list(struct wk_request *req, struct wk_response *resp)
{
	struct wk_map *ctx = wk_map_new(req->arena);
	struct wk_list *posts;
	long page = page_number(req);
	int more, st;

	if (ctx == NULL)
		return -1;
	if (page == 0)
		return wk_error(req, resp, 404, "Invalid page number");
	st = published_posts(req, PAGE_SIZE, (long long)(page - 1) * PAGE_SIZE,
	    &posts, &more);
	if (st != WK_DB_OK)
		return wk_db_respond(req, resp, st, 0);
	if (page > 1 && posts->len == 0)
		return wk_error(req, resp, 404, "No such page");
	if (wk_map_set(req->arena, ctx, "posts", wk_val_list(posts)) != 0 ||
	    wk_map_set(req->arena, ctx, "page", wk_val_int(page)) != 0 ||
	    wk_map_set(req->arena, ctx, "has_prev", wk_val_bool(page > 1)) ||
	    wk_map_set(req->arena, ctx, "has_next", wk_val_bool(more)) != 0)
		return -1;
	return wk_render(req, resp, &blog_templates, "post_list.html", ctx);
}

/* see blog.h */
int
blog_post_detail(struct wk_request *req, struct wk_response *resp)
{
	struct wk_map *ctx = wk_map_new(req->arena);
	struct wk_list *comments;
	struct wk_query q;
	struct blog_post *post;
	long long id;
	void *row;
	int st;

	if (ctx == NULL || (comments = wk_list_new(req->arena)) == NULL)
		return -1;
	if (wk_request_arg_long(req, "id", &id) != 0)
		return wk_error(req, resp, 404, "No such post");
	wk_q_init(&q, req->arena, &blog_post_model);
	wk_q_filter(&q, "id", wk_val_int(id));
	wk_q_filter(&q, "published", wk_val_bool(1));
	st = wk_q_get(&q, &row);
	if (st == WK_DB_NOT_FOUND)
		return wk_error(req, resp, 404, "No such post");
	if (st != WK_DB_OK)
		return wk_db_respond(req, resp, st, 0);
	post = row;
	wk_q_init(&q, req->arena, &blog_comment_model);
	wk_q_filter(&q, "post", wk_val_int(post->id));
	wk_q_order_by(&q, "created,id");
	while ((st = wk_q_next(&q, &row)) == WK_DB_ROW)
		if (wk_list_push(req->arena, comments, wk_orm_value(req->arena,
		    &blog_comment_model, row)) != 0) {
			wk_q_close(&q);
			return -1;
		}
	wk_q_close(&q);
	if (st != WK_DB_DONE)
		return wk_db_respond(req, resp, st, 0);
	if (wk_map_set(req->arena, ctx, "post", wk_orm_value(req->arena,
	    &blog_post_model, post)) != 0 ||
	    wk_map_set(req->arena, ctx, "comments", wk_val_list(comments)) != 0)
		return -1;
	return wk_render(req, resp, &blog_templates, "post_detail.html", ctx);
}

/* see blog.h */
int
blog_static(struct wk_request *req, struct wk_response *resp)
{
	const char *name = wk_request_arg(req, "name");

	if (name == NULL)
		return wk_error(req, resp, 404, "No such static file");
	return wk_asset_serve(&blog_templates, req, resp, name);
}

/* see blog.h */
int
blog_error_page(struct wk_request *req, struct wk_response *resp,
    const char *message)
{
	return wk_template_error_page(&blog_templates, req, resp, message);
}
