/*
 * template_bench.c - what the template engine costs over hand-written C.
 *
 * The blog's post list, 20 rows, rendered two ways in one process: by the
 * template engine (inheritance, a for loop, {% url %}, |date, escaping)
 * and by hand-written C that prints the same bytes with the same escaping
 * (wk_buf_append_html) and the same helpers (wk_url,
 * wk_template_format_date) - the floor.  The program checks that both
 * outputs are identical, then runs each ITER times in functions of their
 * own, so one callgrind run gives both instruction counts:
 *
 *   valgrind --tool=callgrind --callgrind-out-file=build/bench/cg.out \
 *       build/bench/template_bench
 *   callgrind_annotate --inclusive=yes build/bench/cg.out | \
 *       grep -E 'bench_(template|hand|parse)'
 *
 * Without valgrind it prints wall-clock figures and their ratio.  Parsing
 * is measured apart (bench_parse): a CGI process parses the templates it
 * uses once per request, so that cost is reported too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wick/core/arena.h"
#include "wick/core/buf.h"
#include "wick/http/request.h"
#include "wick/http/router.h"
#include "wick/core/settings.h"
#include "wick/template/template.h"
#include "wick/core/value.h"

#define NROWS 20
#define ITER 2000

static const char base_src[] =
	"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	"<title>{% block title %}Wick blog{% endblock %}</title>\n</head>\n"
	"<body>\n<header><a href=\"{% url 'home' %}\">Wick blog</a></header>\n"
	"<main>\n{% block content %}{% endblock %}\n</main>\n</body>\n</html>\n";

static const char list_src[] =
	"{% extends \"base.html\" %}\n"
	"{% block title %}Posts &middot; {{ block.super }}{% endblock %}\n"
	"{% block content %}\n<h1>Posts</h1>\n<ul class=\"posts\">\n"
	"{% for post in posts %}<li class=\"post\">\n"
	"  <a href=\"{% url 'post' post.id %}\">{{ post.title }}</a>\n"
	"  <time>{{ post.created|date:\"N j, Y\" }}</time>\n"
	"  <p>{{ post.summary }}</p>\n</li>\n{% endfor %}</ul>\n"
	"{% if has_next %}<a href=\"?page={{ next }}\">Older</a>{% endif %}\n"
	"{% endblock %}\n";

static struct wk_template_file files[] = {
	{ "base.html", base_src, sizeof(base_src) - 1 },
	{ "list.html", list_src, sizeof(list_src) - 1 },
};
static const struct wk_template_set set = { "bench", files, 2, NULL, 0,
	NULL };

/* A row as the ORM would hand it over. */
struct post {
	long long id;
	const char *title;
	const char *summary;
	long long created;
};

static struct post posts[NROWS];
static char titles[NROWS][64], summaries[NROWS][160];

static int
post_get(const void *self, const char *name, size_t len, wk_arena *a,
    struct wk_value *out)
{
	const struct post *p = self;

	(void)a;
	switch (len) {
	case 2:
		if (memcmp(name, "id", 2) == 0) {
			*out = wk_val_int(p->id);
			return 0;
		}
		break;
	case 5:
		if (memcmp(name, "title", 5) == 0) {
			*out = wk_val_str(p->title);
			return 0;
		}
		break;
	case 7:
		if (memcmp(name, "summary", 7) == 0) {
			*out = wk_val_str(p->summary);
			return 0;
		}
		if (memcmp(name, "created", 7) == 0) {
			*out = wk_val_int(p->created);
			return 0;
		}
		break;
	}
	return 1;
}

static const struct wk_object_ops post_ops = { "post", post_get, NULL, NULL,
	NULL };

static size_t
posts_len(const void *self)
{
	(void)self;
	return NROWS;
}

static int
posts_item(const void *self, size_t i, wk_arena *a, struct wk_value *out)
{
	(void)self, (void)a;
	*out = wk_val_object(&post_ops, &posts[i]);
	return 0;
}

static const struct wk_object_ops posts_ops = { "posts", NULL, posts_len,
	posts_item, NULL };

static int
nop_view(struct wk_request *req, struct wk_response *resp)
{
	(void)req, (void)resp;
	return 0;
}

static const struct wk_route routes[] = {
	{ "", nop_view, "home", WK_GET, NULL },
	{ "posts/<int:id>/", nop_view, "post", WK_GET, NULL },
	WK_ROUTES_END
};

static struct wk_settings settings;

static void
make_request(struct wk_request *req, wk_arena *a)
{
	memset(req, 0, sizeof(*req));
	req->arena = a;
	req->settings = &settings;
	req->routes = routes;
	req->script_name = "";
}

/* The view's work for the template: a context, then render. */
static int
render_template(wk_arena *a, wk_buf *out)
{
	struct wk_request req;
	struct wk_render_env env = { &set, &req, a, 0, 0 };
	struct wk_template_error err;
	const struct wk_template *t;
	struct wk_map *ctx;

	make_request(&req, a);
	if ((t = wk_template_load(&set, "list.html", 0, a, &err)) == NULL)
		goto fail;
	if ((ctx = wk_map_new(a)) == NULL ||
	    wk_map_set(a, ctx, "posts", wk_val_object(&posts_ops, posts)) ||
	    wk_map_set(a, ctx, "has_next", wk_val_bool(1)) ||
	    wk_map_set(a, ctx, "next", wk_val_int(2)))
		return -1;
	if (wk_template_render(t, &env, ctx, out, &err) != 0)
		goto fail;
	return 0;
fail:
	fprintf(stderr, "template_bench: %s\n", err.message);
	return -1;
}

/* The same page, by hand. */
static int
render_hand(wk_arena *a, wk_buf *b)
{
	struct wk_request req;
	const char *url, *arg;
	char id[24];
	size_t i;

	make_request(&req, a);
	wk_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<title>Posts &middot; Wick blog"
	    "</title>\n</head>\n<body>\n<header><a href=\"");
	if ((url = wk_url(&req, "home", NULL, 0)) == NULL)
		return -1;
	wk_buf_append_html(b, url, strlen(url));
	wk_buf_puts(b, "\">Wick blog</a></header>\n<main>\n\n<h1>Posts</h1>\n"
	    "<ul class=\"posts\">\n");
	for (i = 0; i < NROWS; i++) {
		const struct post *p = &posts[i];

		wk_buf_puts(b, "<li class=\"post\">\n  <a href=\"");
		snprintf(id, sizeof(id), "%lld", p->id);
		arg = id;
		if ((url = wk_url(&req, "post", &arg, 1)) == NULL)
			return -1;
		wk_buf_append_html(b, url, strlen(url));
		wk_buf_puts(b, "\">");
		wk_buf_append_html(b, p->title, strlen(p->title));
		wk_buf_puts(b, "</a>\n  <time>");
		wk_template_format_date(b, "N j, Y", 6, p->created, 0);
		wk_buf_puts(b, "</time>\n  <p>");
		wk_buf_append_html(b, p->summary, strlen(p->summary));
		wk_buf_puts(b, "</p>\n</li>\n");
	}
	wk_buf_puts(b, "</ul>\n<a href=\"?page=2\">Older</a>\n\n</main>\n"
	    "</body>\n</html>\n");
	return b->failed ? -1 : 0;
}

/* Each measured loop is a function of its own for callgrind. */
__attribute__((noinline)) static size_t
bench_template(int iter)
{
	size_t total = 0;
	wk_arena a;
	wk_buf b;
	int k;

	for (k = 0; k < iter; k++) {
		wk_arena_init(&a);
		wk_buf_init(&b, &a);
		if (render_template(&a, &b) != 0)
			exit(1);
		total += b.len;
		wk_arena_free(&a);
	}
	return total;
}

__attribute__((noinline)) static size_t
bench_hand(int iter)
{
	size_t total = 0;
	wk_arena a;
	wk_buf b;
	int k;

	for (k = 0; k < iter; k++) {
		wk_arena_init(&a);
		wk_buf_init(&b, &a);
		if (render_hand(&a, &b) != 0)
			exit(1);
		total += b.len;
		wk_arena_free(&a);
	}
	return total;
}

/* What a fresh process pays once: parsing both templates. */
__attribute__((noinline)) static size_t
bench_parse(int iter)
{
	struct wk_template_error err;
	struct wk_template *t;
	size_t total = 0, f;
	wk_arena a;
	int k;

	for (k = 0; k < iter; k++) {
		wk_arena_init(&a);
		for (f = 0; f < 2; f++) {
			if (wk_template_parse(&a, files[f].name, files[f].text,
			    files[f].len, 0, &t, &err) != 0) {
				fprintf(stderr, "%s\n", err.message);
				exit(1);
			}
			total += files[f].len;
		}
		wk_arena_free(&a);
	}
	return total;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	int iter = argc > 1 ? atoi(argv[1]) : ITER;
	double t0, tt, th, tp;
	wk_arena a1, a2;
	wk_buf b1, b2;
	size_t i;

	if (iter <= 0)
		iter = ITER;
	wk_settings_defaults(&settings);
	for (i = 0; i < NROWS; i++) {
		snprintf(titles[i], sizeof(titles[i]), "Post %zu: C & "
		    "<templates> \"%s\"", i + 1, i % 2 ? "odd" : "even");
		snprintf(summaries[i], sizeof(summaries[i]), "A short summary "
		    "of post %zu, with an ampersand & a <tag> and 'quotes'.",
		    i + 1);
		posts[i].id = (long long)(NROWS - i);
		posts[i].title = titles[i];
		posts[i].summary = summaries[i];
		posts[i].created = 1709647629LL - (long long)i * 86400;
	}
	/* Same bytes, or the comparison means nothing. */
	wk_arena_init(&a1);
	wk_arena_init(&a2);
	wk_buf_init(&b1, &a1);
	wk_buf_init(&b2, &a2);
	if (render_template(&a1, &b1) != 0 || render_hand(&a2, &b2) != 0)
		return 1;
	if (b1.len != b2.len || memcmp(b1.data, b2.data, b1.len) != 0) {
		fprintf(stderr, "template_bench: outputs differ\n--- template\n"
		    "%s\n--- hand\n%s\n", wk_buf_cstr(&b1), wk_buf_cstr(&b2));
		return 1;
	}
	printf("page: %zu bytes, %d rows\n", b1.len, NROWS);
	wk_arena_free(&a1);
	wk_arena_free(&a2);

	t0 = now();
	(void)bench_template(iter);
	tt = now() - t0;
	t0 = now();
	(void)bench_hand(iter);
	th = now() - t0;
	t0 = now();
	(void)bench_parse(iter);
	tp = now() - t0;
	printf("template render: %.2f us/page\n", tt * 1e6 / iter);
	printf("hand-written C:  %.2f us/page\n", th * 1e6 / iter);
	printf("parse (once per process): %.2f us\n", tp * 1e6 / iter);
	printf("ratio render/hand: %.2fx (wall)\n", tt / th);
	return 0;
}
