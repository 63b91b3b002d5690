/*
 * admin.c - the blog's admin site (wick/admin/admin.h), mounted at
 * "admin/" in app.c: posts with every change-list option and two app
 * actions (publish / unpublish selected), comments with a few, and the
 * library's users and groups (wk_admin_register_auth).  The setup runs on the first admin request only, so /hello and
 * the other pages never run a line of it.
 */
#include <stddef.h>

#include "wick/admin/admin.h"
#include "wick/db/orm.h"
#include "blog.h"
#include "models.h"

static const char *const post_list[] = { "title", "published",
    "author_name", "created", NULL };
static const char *const post_filter[] = { "published", "author", NULL };
static const char *const post_search[] = { "^title", "=slug", "body",
    "author_name", NULL };
static const char *const post_fields[] = { "title", "slug", "body",
    "author_name", "author", "published", "created", NULL };

/* Set published on the selected posts (the two app actions). */
static const char *
set_published(struct wk_request *req, const struct wk_admin_entry *e,
    const long long *ids, size_t n, int on)
{
	struct wk_query q;
	long long done = 0;

	wk_q_init(&q, req->arena, e->model);
	wk_admin_filter_ids(&q, ids, n);
	wk_q_set(&q, "published", wk_val_bool(on));
	if (wk_q_update(&q, &done) != WK_DB_OK)
		return NULL;
	return wk_arena_printf(req->arena, "%lld post%s %s.", done,
	    done == 1 ? "" : "s", on ? "published" : "unpublished");
}

static const char *
post_publish(struct wk_request *req, const struct wk_admin_entry *e,
    const long long *ids, size_t n)
{
	return set_published(req, e, ids, n, 1);
}

static const char *
post_unpublish(struct wk_request *req, const struct wk_admin_entry *e,
    const long long *ids, size_t n)
{
	return set_published(req, e, ids, n, 0);
}

static const struct wk_admin_action post_actions[] = {
	{ "publish", "Publish selected posts", post_publish, "change" },
	{ "unpublish", "Unpublish selected posts", post_unpublish, "change" },
	{ NULL, NULL, NULL, NULL },
};

static const struct wk_model_admin post_admin = {
	.list_display = post_list,
	.list_filter = post_filter,
	.search_fields = post_search,
	.ordering = "-created",
	.list_per_page = 50,
	.fields = post_fields,
	.actions = post_actions,
};

static const char *const comment_list[] = { "name", "post", "created",
    NULL };
static const char *const comment_filter[] = { "post", NULL };
static const char *const comment_search[] = { "name", "body", NULL };

static const struct wk_model_admin comment_admin = {
	.list_display = comment_list,
	.list_filter = comment_filter,
	.search_fields = comment_search,
	.ordering = "-created",
};

static int
blog_admin_setup(struct wk_admin_site *site)
{
	if (wk_admin_register(site, &blog_post_model, &post_admin) != 0 ||
	    wk_admin_register(site, &blog_comment_model, &comment_admin) != 0 ||
	    wk_admin_register_auth(site) != 0)
		return -1;
	return 0;
}

struct wk_admin_site blog_admin_site = {
	.title = "Blog administration",
	.setup = blog_admin_setup,
	.templates = &blog_templates,
};
