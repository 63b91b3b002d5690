/*
 * api.c - the blog's JSON API and its `seed` command.
 *
 *   GET  /api/posts/?page=N           20 published posts per page, newest
 *                                     first, with next/previous links
 *   GET  /api/posts/<id>/             one published post and its comments
 *   POST /api/posts/<id>/comments/    a JSON comment {"name", "body"}:
 *                                     201 + the comment, 400 + field errors
 *
 * Every answer, errors included, is JSON.  The views show the ORM the way
 * an app author would use it: queries by field name, values bound,
 * validation from the model's metadata, errors mapped by wk_db_respond.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wick/http/app.h"
#include "wick/db/db.h"
#include "wick/core/json.h"
#include "wick/db/orm.h"
#include "wick/http/request.h"
#include "wick/http/response.h"
#include "wick/http/router.h"
#include "blog.h"
#include "models.h"

#define API_PAGE_SIZE 20
#define API_MAX_PAGE 1000000

/* A small JSON error body: {"error": msg}. */
static int
api_error(struct wk_response *resp, int status, const char *msg)
{
	struct wk_json_writer w;

	wk_response_init(resp, resp->arena);
	if (wk_response_json(resp, status, "") != 0)
		return -1;
	wk_json_init(&w, &resp->body);
	wk_json_object_begin(&w);
	wk_json_key(&w, "error");
	wk_json_str(&w, msg);
	wk_json_object_end(&w);
	return wk_json_finish(&w);
}

static const char *
api_post_url(struct wk_request *req, long long id)
{
	return WK_URL(req, "api_post", wk_val_int(id));
}

static void
api_write_post(struct wk_json_writer *w, struct wk_request *req,
    const struct blog_post *p, int with_body)
{
	wk_json_object_begin(w);
	wk_json_key(w, "id");
	wk_json_int(w, p->id);
	wk_json_key(w, "title");
	wk_json_str(w, p->title);
	wk_json_key(w, "slug");
	wk_json_str(w, p->slug);
	wk_json_key(w, "author_name");
	wk_json_str(w, p->author_name);
	wk_json_key(w, "created");
	wk_json_str(w, p->created);
	if (with_body) {
		wk_json_key(w, "body");
		wk_json_str(w, p->body);
	}
	wk_json_key(w, "url");
	wk_json_str(w, api_post_url(req, p->id));
	wk_json_object_end(w);
}

static void
api_write_comment(struct wk_json_writer *w, const struct blog_comment *c)
{
	wk_json_object_begin(w);
	wk_json_key(w, "id");
	wk_json_int(w, c->id);
	wk_json_key(w, "post");
	wk_json_int(w, c->post);
	wk_json_key(w, "name");
	wk_json_str(w, c->name);
	wk_json_key(w, "body");
	wk_json_str(w, c->body);
	wk_json_key(w, "created");
	wk_json_str(w, c->created);
	wk_json_object_end(w);
}

/* "/api/posts/?page=N", or NULL (JSON null) when page is 0. */
static void
api_write_page_link(struct wk_json_writer *w, struct wk_request *req,
    long page)
{
	const char *base;
	char *url;

	if (page <= 0 || (base = wk_url(req, "api_posts", NULL, 0)) == NULL) {
		wk_json_null(w);
		return;
	}
	url = wk_arena_printf(req->arena, "%s?page=%ld", base, page);
	wk_json_str(w, url);
}

/* GET /api/posts/?page=N */
static int
api_posts(struct wk_request *req, struct wk_response *resp)
{
	const char *ps = wk_request_get(req, "page");
	struct wk_json_writer w;
	struct wk_query q;
	struct blog_post *p;
	long page = 1;
	int st, n = 0, more = 0;

	if (ps != NULL) {
		char *end;
		page = strtol(ps, &end, 10);
		if (ps[0] < '0' || ps[0] > '9' || *end != '\0' || page < 1 ||
		    page > API_MAX_PAGE)
			return api_error(resp, 400, "page must be a whole "
			    "number from 1");
	}
	wk_q_init(&q, req->arena, &blog_post_model);
	wk_q_filter(&q, "published", wk_val_bool(1));
	wk_q_order_by(&q, "-created,-id");
	/* One row more than a page tells whether there is a next page. */
	wk_q_limit(&q, API_PAGE_SIZE + 1, (page - 1) * API_PAGE_SIZE);

	if (wk_response_json(resp, 200, "") != 0)
		return -1;
	wk_json_init(&w, &resp->body);
	wk_json_object_begin(&w);
	wk_json_key(&w, "page");
	wk_json_int(&w, page);
	wk_json_key(&w, "results");
	wk_json_array_begin(&w);
	while ((st = wk_q_next(&q, (void **)&p)) == WK_DB_ROW) {
		if (n == API_PAGE_SIZE) {
			more = 1;
			break;
		}
		api_write_post(&w, req, p, 0);
		n++;
	}
	wk_q_close(&q);
	if (st != WK_DB_ROW && st != WK_DB_DONE)
		return wk_db_respond(req, resp, st, 1);
	if (n == 0 && page > 1)
		return api_error(resp, 404, "no such page");
	wk_json_array_end(&w);
	wk_json_key(&w, "next");
	api_write_page_link(&w, req, more ? page + 1 : 0);
	wk_json_key(&w, "previous");
	api_write_page_link(&w, req, page - 1);
	wk_json_object_end(&w);
	return wk_json_finish(&w);
}

/* The published post named by the route's id, or an answer in resp. */
static int
api_find_post(struct wk_request *req, struct wk_response *resp,
    struct blog_post **post, int *answered)
{
	struct wk_query q;
	long long id;
	int st;

	*answered = 1;
	if (wk_request_arg_long(req, "id", &id) != 0)
		return api_error(resp, 404, "no such post");
	wk_q_init(&q, req->arena, &blog_post_model);
	wk_q_filter(&q, "id", wk_val_int(id));
	wk_q_filter(&q, "published", wk_val_bool(1));
	st = wk_q_get(&q, (void **)post);
	if (st == WK_DB_NOT_FOUND)
		return api_error(resp, 404, "no such post");
	if (st != WK_DB_OK)
		return wk_db_respond(req, resp, st, 1);
	*answered = 0;
	return 0;
}

/* GET /api/posts/<id>/ */
static int
api_post(struct wk_request *req, struct wk_response *resp)
{
	struct wk_json_writer w;
	struct wk_query q;
	struct blog_post *p;
	struct blog_comment *c;
	int st, answered, rc;

	rc = api_find_post(req, resp, &p, &answered);
	if (answered)
		return rc;
	if (wk_response_json(resp, 200, "") != 0)
		return -1;
	wk_json_init(&w, &resp->body);
	wk_json_object_begin(&w);
	wk_json_key(&w, "post");
	api_write_post(&w, req, p, 1);
	wk_json_key(&w, "comments");
	wk_json_array_begin(&w);
	wk_q_init(&q, req->arena, &blog_comment_model);
	wk_q_filter(&q, "post", wk_val_int(p->id));
	wk_q_order_by(&q, "created,id");
	while ((st = wk_q_next(&q, (void **)&c)) == WK_DB_ROW)
		api_write_comment(&w, c);
	if (st != WK_DB_DONE)
		return wk_db_respond(req, resp, st, 1);
	wk_json_array_end(&w);
	wk_json_object_end(&w);
	return wk_json_finish(&w);
}

/* {"errors": {"field": ["message"], ...}} with status 400. */
static int
api_field_errors(struct wk_response *resp, const struct wk_kvlist *errors)
{
	struct wk_json_writer w;
	size_t i;

	wk_response_init(resp, resp->arena);
	if (wk_response_json(resp, 400, "") != 0)
		return -1;
	wk_json_init(&w, &resp->body);
	wk_json_object_begin(&w);
	wk_json_key(&w, "errors");
	wk_json_object_begin(&w);
	for (i = 0; i < errors->len; i++) {
		wk_json_key(&w, errors->items[i].name);
		wk_json_array_begin(&w);
		wk_json_str(&w, errors->items[i].value);
		wk_json_array_end(&w);
	}
	wk_json_object_end(&w);
	wk_json_object_end(&w);
	return wk_json_finish(&w);
}

/* A string member of the body, or an error added to errors. */
static const char *
api_text_member(struct wk_request *req, const struct wk_json *body,
    const char *key, struct wk_kvlist *errors)
{
	const struct wk_json *m = wk_json_get(body, key);
	static const char not_string[] = "Must be a string.";

	if (m == NULL || m->type == WK_JSON_NULL)
		return NULL;  /* validation says "required" */
	if (m->type != WK_JSON_STRING) {
		(void)wk_kv_add(req->arena, errors, key, not_string,
		    sizeof(not_string) - 1);
		return "";
	}
	return m->str;
}

/* POST /api/posts/<id>/comments/ */
static int
api_comment_create(struct wk_request *req, struct wk_response *resp)
{
	struct wk_kvlist errors = { NULL, 0, 0 };
	struct wk_json_writer w;
	struct blog_post *p;
	struct blog_comment c;
	struct wk_json *body;
	const char *why = NULL, *loc;
	char now[32];
	int st, answered, rc;

	st = wk_json_parse_request(req, &body, &why);
	if (st != 0)
		return api_error(resp, st, why ? why : "bad JSON");
	if (body->type != WK_JSON_OBJECT)
		return api_error(resp, 400, "expected a JSON object");
	rc = api_find_post(req, resp, &p, &answered);
	if (answered)
		return rc;
	if (wk_model_init(&blog_comment_model, &c) != 0 ||
	    wk_db_now(now, sizeof(now)) != 0)
		return -1;
	c.post = p->id;
	c.name = api_text_member(req, body, "name", &errors);
	c.body = api_text_member(req, body, "body", &errors);
	c.created = now;
	{
		/* Model rules for the fields not already refused above. */
		struct wk_kvlist more = { NULL, 0, 0 };
		size_t i;
		if (wk_model_validate(&blog_comment_model, &c, req->arena,
		    &more) < 0)
			return -1;
		for (i = 0; i < more.len; i++)
			if (wk_kv_get(&errors, more.items[i].name) == NULL &&
			    wk_kv_add(req->arena, &errors, more.items[i].name,
			    more.items[i].value, more.items[i].value_len) != 0)
				return -1;
	}
	if (errors.len > 0)
		return api_field_errors(resp, &errors);
	st = wk_orm_create(&blog_comment_model, &c);
	if (st == WK_DB_CONSTRAINT)  /* the post went away meanwhile */
		return api_error(resp, 404, "no such post");
	if (st != WK_DB_OK)
		return wk_db_respond(req, resp, st, 1);
	if (wk_response_json(resp, 201, "") != 0)
		return -1;
	loc = api_post_url(req, p->id);
	if (loc != NULL && wk_response_set_header(resp, "Location", loc) != 0)
		return -1;
	wk_json_init(&w, &resp->body);
	api_write_comment(&w, &c);
	return wk_json_finish(&w);
}

const struct wk_route blog_api_routes[] = {
	{ "posts/", api_posts, "api_posts", WK_GET, NULL },
	{ "posts/<int:id>/", api_post, "api_post", WK_GET, NULL },
	{ "posts/<int:id>/comments/", api_comment_create, "api_post_comments",
	    WK_POST, NULL },
	WK_ROUTES_END
};

/* ---- blog.cgi seed N ------------------------------------------------------------ */

struct seed_job {
	long n;
	long long base;
};

static int
seed_run(void *ctx)
{
	const struct seed_job *job = ctx;
	struct blog_post p;
	char title[128], slug[64], created[32];
	time_t now = time(NULL);
	struct tm tm;
	long i;
	int st;

	for (i = 0; i < job->n; i++) {
		long long k = job->base + i + 1;
		time_t t = now - (time_t)(job->n - i);
		if (gmtime_r(&t, &tm) == NULL ||
		    strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%SZ",
		    &tm) == 0)
			return WK_DB_ERROR;
		if (wk_model_init(&blog_post_model, &p) != 0)
			return WK_DB_ERROR;
		(void)snprintf(title, sizeof(title), "Post %lld: <b>bold</b> "
		    "& \"quoted\"", k);
		(void)snprintf(slug, sizeof(slug), "post-%lld", k);
		p.title = title;
		p.slug = slug;
		p.body = "Seeded body with <script>alert(1)</script> & more.";
		p.author_name = "Seeder";
		p.created = created;
		p.published = (k % 10) != 0;  /* every tenth is a draft */
		if ((st = wk_orm_create(&blog_post_model, &p)) != WK_DB_OK)
			return st;
	}
	return WK_DB_OK;
}

static int
cmd_seed(const struct wk_app *app, const struct wk_settings *s, int argc,
    char **argv)
{
	struct seed_job job = { 0, 0 };
	struct wk_query q;
	struct wk_value max;
	wk_arena a;
	char *end;
	int st, if_empty = argc == 4 && strcmp(argv[3], "--if-empty") == 0;

	if (argc < 3 || (argc > 3 && !if_empty) ||
	    (job.n = strtol(argv[2], &end, 10)) < 1 || *end != '\0' ||
	    job.n > 1000000) {
		fprintf(stderr, "usage: %s seed N [--if-empty]   "
		    "(1 <= N <= 1000000)\n", argv[0]);
		return 2;
	}
	wk_db_configure(s, app->name);
	wk_arena_init(&a);
	wk_q_init(&q, &a, &blog_post_model);
	st = wk_q_aggregate(&q, WK_AGG_MAX, "id", &max);
	if (st == WK_DB_OK && if_empty && max.kind == WK_VAL_INT) {
		wk_arena_free(&a);
		printf("The blog has posts already: nothing seeded.\n");
		wk_db_close();
		return 0;
	}
	if (st == WK_DB_OK) {
		job.base = max.kind == WK_VAL_INT ? max.u.i : 0;
		st = wk_db_atomic(seed_run, &job);
	}
	wk_arena_free(&a);
	if (st != WK_DB_OK) {
		fprintf(stderr, "seed: %s\n", wk_db_last_error());
		return 1;
	}
	printf("Created %ld posts (ids %lld-%lld; every tenth is a draft).\n",
	    job.n, job.base + 1, job.base + job.n);
	wk_db_close();
	return 0;
}

const struct wk_command blog_api_commands[] = {
	{ "seed", "seed N [--if-empty]", "create N sample posts (titles with "
	    "< & \"); --if-empty: only into an empty blog",
	    cmd_seed },
	WK_COMMANDS_END
};
