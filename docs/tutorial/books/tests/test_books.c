/*
 * test_books.c - the reading list and its form through Wick's test
 * client, on an in-memory database migrated here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "wick/db/db.h"
#include "wick/db/migrate.h"
#include "wick/db/orm.h"
#include "wick/front/testclient.h"
#include "mysite.h"
#include "../models.h"

static struct wk_test_client client;

static int
setup(void **state)
{
	(void)state;
	assert_int_equal(mysite_setup(), 0);
	assert_int_equal(wk_db_set_path(":memory:"), 0);
	wk_db_allow_create(1);
	assert_int_equal(wk_migrate_run(NULL), WK_DB_OK);
	wk_db_allow_create(0);
	return wk_test_client_init(&client, &mysite_app, NULL);
}

static int
teardown(void **state)
{
	(void)state;
	wk_test_client_free(&client);
	return 0;
}

/* The CSRF token of the form page (GET /books/new/). */
static const char *
form_token(void)
{
	static const char mark[] = "name=\"csrfmiddlewaretoken\" value=\"";
	static char tok[256];
	struct wk_test_response r;
	const char *p;
	size_t n;

	assert_int_equal(wk_test_get(&client, "/books/new/", &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(p = strstr(r.body, mark));
	p += strlen(mark);
	n = strcspn(p, "\"");
	assert_true(n > 0 && n < sizeof(tok));
	memcpy(tok, p, n);
	tok[n] = '\0';
	wk_test_response_free(&r);
	return tok;
}

static int
post_book(const char *fields, struct wk_test_response *r)
{
	char body[1024];
	int n = snprintf(body, sizeof(body), "%s&csrfmiddlewaretoken=%s",
	    fields, form_token());

	assert_true(n > 0 && (size_t)n < sizeof(body));
	return wk_test_post(&client, "/books/new/",
	    "application/x-www-form-urlencoded", body, r);
}

static long long
count_books(void)
{
	struct wk_query q;
	wk_arena a;
	long long n = -1;

	wk_arena_init(&a);
	wk_q_init(&q, &a, &books_book_model);
	assert_int_equal(wk_q_count(&q, &n), WK_DB_OK);
	wk_arena_free(&a);
	return n;
}

static void
test_list_empty_then_one(void **state)
{
	struct books_book b;
	struct wk_test_response r;

	(void)state;
	assert_int_equal(wk_test_get(&client, "/books/", &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "No books yet."));
	wk_test_response_free(&r);

	assert_int_equal(wk_model_init(&books_book_model, &b), 0);
	b.title = "Dune <1965>";
	b.author = "Frank Herbert";
	b.added = "2024-05-01T10:00:00Z";
	assert_int_equal(wk_orm_create(&books_book_model, &b), WK_DB_OK);
	assert_int_equal(wk_test_get(&client, "/books/", &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Dune &lt;1965&gt; by Frank Herbert"));
	wk_test_response_free(&r);
}

static void
test_form_adds_a_book(void **state)
{
	struct wk_test_response r;
	long long before = count_books();

	(void)state;
	assert_int_equal(post_book("title=Emma&author=Jane+Austen&read=on",
	    &r), 0);
	assert_int_equal(r.status, 302);
	assert_string_equal(wk_test_header(&r, "Location"), "/books/");
	wk_test_response_free(&r);
	assert_int_equal(count_books(), before + 1);
	/* the list shows it, read (struck through), and the flash message */
	assert_int_equal(wk_test_get(&client, "/books/", &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "<s>Emma</s> by Jane Austen"));
	assert_non_null(strstr(r.body, "Book added."));
	wk_test_response_free(&r);
}

/* 20 to a page: 25 books make two pages; a third is a 404. */
static void
test_list_pages(void **state)
{
	struct books_book b;
	struct wk_test_response r;
	char title[32];
	long long n = count_books();

	(void)state;
	for (; n < 25; n++) {
		assert_int_equal(wk_model_init(&books_book_model, &b), 0);
		snprintf(title, sizeof(title), "Volume %lld", n);
		b.title = title;
		b.author = "Anon";
		b.added = "2024-05-01T10:00:00Z";
		assert_int_equal(wk_orm_create(&books_book_model, &b),
		    WK_DB_OK);
	}
	assert_int_equal(wk_test_get(&client, "/books/", &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Page 1 of 2"));
	wk_test_response_free(&r);
	assert_int_equal(wk_test_get(&client, "/books/?page=last", &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Page 2 of 2"));
	wk_test_response_free(&r);
	assert_int_equal(wk_test_get(&client, "/books/?page=3", &r), 0);
	assert_int_equal(r.status, 404);
	wk_test_response_free(&r);
}

static void
test_form_refuses_a_book_without_title(void **state)
{
	struct wk_test_response r;
	long long before = count_books();

	(void)state;
	assert_int_equal(post_book("title=&author=Nobody", &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "errorlist"));
	wk_test_response_free(&r);
	assert_int_equal(count_books(), before);
}

static void
test_form_needs_the_csrf_token(void **state)
{
	struct wk_test_response r;
	long long before = count_books();

	(void)state;
	assert_int_equal(wk_test_post(&client, "/books/new/",
	    "application/x-www-form-urlencoded", "title=X&author=Y", &r), 0);
	assert_int_equal(r.status, 403);
	wk_test_response_free(&r);
	assert_int_equal(count_books(), before);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list_empty_then_one),
		cmocka_unit_test(test_form_adds_a_book),
		cmocka_unit_test(test_form_refuses_a_book_without_title),
		cmocka_unit_test(test_form_needs_the_csrf_token),
		cmocka_unit_test(test_list_pages),
	};

	return cmocka_run_group_tests_name("books", tests, setup, teardown);
}
