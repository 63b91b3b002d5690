/*
 * test_password.c - src/auth/password.c: Django-format hashes both ways
 * (known answers computed with Python's hashlib.pbkdf2_hmac, the function
 * Django's hasher calls, including Django's own test password 'lètmein'
 * with salt 'seasalt'), malformed and hostile stored values, rehash
 * decisions, the 4096-byte cap (a 1 MiB password is refused quickly),
 * unusable passwords, and the four validators with Django's cases.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wick/core/arena.h"
#include "wick/auth/password.h"

/* Django 6.0's default: make_password('lètmein', 'seasalt', ...) */
static const char django_1200000[] = "pbkdf2_sha256$1200000$seasalt$"
    "6sTlFi4QohxXLuZigqDIUNX8xG9NxrTmV8+flFQdBqE=";
/* the same at Django 5.1's count (its test_pbkdf2 expectation) */
static const char django_870000[] = "pbkdf2_sha256$870000$seasalt$"
    "wJSpLMQRQz0Dhj/pFpbyjMj71B2gUYp6HJS5AU+32Ac=";
/* cheap hashes for the many negative cases */
static const char pw1000[] = "pbkdf2_sha256$1000$Kf3pAZ5wK9UxgtyZ1ZrY3q$"
    "/ewzta/DXom7oV9QpL6MpTQeb3HtGtS/3W9i67yBwiI=";   /* "password" */
static const char empty1000[] = "pbkdf2_sha256$1000$emptysaltXXXXXXXXXXXXX$"
    "CzyfpbIuYj65Wle3FmfWOmvuYiCqFJE6hCHoTvbMLrQ=";   /* "" */
static const char long1000[] = "pbkdf2_sha256$1000$longsaltYYYYYYYYYYYYYY$"
    "AljFeF2+czUl5oVAokHnfk6ig7lRPmP2O4pzKfAKPbQ=";   /* 4096 x 'x' */

static const char letmein[] = "l\xc3\xa8tmein";       /* lètmein */

static double
seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Wick makes exactly Django's string, and checks Django's strings. */
static void
test_django_known_answers(void **state)
{
	char enc[WK_PASSWORD_ENCODED_MAX];

	(void)state;
	assert_int_equal(wk_password_make(enc, sizeof(enc), letmein,
	    strlen(letmein), 1200000, "seasalt"), WK_PASSWORD_OK);
	assert_string_equal(enc, django_1200000);
	assert_int_equal(wk_password_check(letmein, strlen(letmein),
	    django_870000), 1);
	assert_int_equal(wk_password_check("password", 8, pw1000), 1);
	assert_int_equal(wk_password_check("", 0, empty1000), 1);
	assert_int_equal(wk_password_check(NULL, 0, empty1000), 1);
}

static void
test_max_length_password_hashes(void **state)
{
	char *pw = malloc(WK_PASSWORD_MAX_BYTES);
	char enc[WK_PASSWORD_ENCODED_MAX];

	(void)state;
	assert_non_null(pw);
	memset(pw, 'x', WK_PASSWORD_MAX_BYTES);
	assert_int_equal(wk_password_check(pw, WK_PASSWORD_MAX_BYTES,
	    long1000), 1);
	assert_int_equal(wk_password_check(pw, WK_PASSWORD_MAX_BYTES - 1,
	    long1000), 0);
	assert_int_equal(wk_password_make(enc, sizeof(enc), pw,
	    WK_PASSWORD_MAX_BYTES, 1000, "longsaltYYYYYYYYYYYYYY"),
	    WK_PASSWORD_OK);
	assert_string_equal(enc, long1000);
	free(pw);
}

static void
test_wrong_passwords(void **state)
{
	(void)state;
	assert_int_equal(wk_password_check("Password", 8, pw1000), 0);
	assert_int_equal(wk_password_check("password ", 9, pw1000), 0);
	assert_int_equal(wk_password_check("passwor", 7, pw1000), 0);
	assert_int_equal(wk_password_check("", 0, pw1000), 0);
	/* the length counts, not the C string ... */
	assert_int_equal(wk_password_check("password\0x", 10, pw1000), 0);
	/* ... though HMAC zero-pads keys, so trailing NULs are invisible, in
	 * Django too (the request parser refuses NUL in fields anyway) */
	assert_int_equal(wk_password_check("password\0", 9, pw1000), 1);
}

/* Stored values that are not valid hashes never match, never crash. */
static void
test_malformed_encoded(void **state)
{
	static const char *const bad[] = {
		"",
		"pbkdf2_sha256",
		"pbkdf2_sha256$",
		"pbkdf2_sha256$1000",
		"pbkdf2_sha256$1000$Kf3pAZ5wK9UxgtyZ1ZrY3q",
		"pbkdf2_sha256$1000$Kf3pAZ5wK9UxgtyZ1ZrY3q$",
		"pbkdf2_sha256$$Kf3pAZ5wK9UxgtyZ1ZrY3q$"
		    "/ewzta/DXom7oV9QpL6MpTQeb3HtGtS/3W9i67yBwiI=",
		"pbkdf2_sha256$0$Kf3pAZ5wK9UxgtyZ1ZrY3q$"
		    "/ewzta/DXom7oV9QpL6MpTQeb3HtGtS/3W9i67yBwiI=",
		"pbkdf2_sha256$-1000$Kf3pAZ5wK9UxgtyZ1ZrY3q$"
		    "/ewzta/DXom7oV9QpL6MpTQeb3HtGtS/3W9i67yBwiI=",
		"pbkdf2_sha256$+1000$Kf3pAZ5wK9UxgtyZ1ZrY3q$"
		    "/ewzta/DXom7oV9QpL6MpTQeb3HtGtS/3W9i67yBwiI=",
		"pbkdf2_sha256$1e3$Kf3pAZ5wK9UxgtyZ1ZrY3q$"
		    "/ewzta/DXom7oV9QpL6MpTQeb3HtGtS/3W9i67yBwiI=",
		"pbkdf2_sha256$ 1000$Kf3pAZ5wK9UxgtyZ1ZrY3q$"
		    "/ewzta/DXom7oV9QpL6MpTQeb3HtGtS/3W9i67yBwiI=",
		/* a cost nobody should be made to pay: refused, not run */
		"pbkdf2_sha256$4000000000$Kf3pAZ5wK9UxgtyZ1ZrY3q$"
		    "/ewzta/DXom7oV9QpL6MpTQeb3HtGtS/3W9i67yBwiI=",
		"pbkdf2_sha256$100000001$Kf3pAZ5wK9UxgtyZ1ZrY3q$"
		    "/ewzta/DXom7oV9QpL6MpTQeb3HtGtS/3W9i67yBwiI=",
		"pbkdf2_sha256$99999999999999999999$x$"
		    "/ewzta/DXom7oV9QpL6MpTQeb3HtGtS/3W9i67yBwiI=",
		/* hash: not base64, wrong length, extra field, whitespace */
		"pbkdf2_sha256$1000$Kf3pAZ5wK9UxgtyZ1ZrY3q$not*base64",
		"pbkdf2_sha256$1000$Kf3pAZ5wK9UxgtyZ1ZrY3q$"
		    "/ewzta/DXom7oV9QpL6MpTQeb3HtGtS/3W9i67yBwg==",
		"pbkdf2_sha256$1000$Kf3pAZ5wK9UxgtyZ1ZrY3q$"
		    "/ewzta/DXom7oV9QpL6MpTQeb3HtGtS/3W9i67yBwiI=$",
		"pbkdf2_sha256$1000$Kf3pAZ5wK9UxgtyZ1ZrY3q$"
		    "/ewzta/DXom7oV9QpL6MpTQeb3HtGtS/3W9i67yBwiI= ",
		"pbkdf2_sha256$1000$Kf3pAZ5wK9UxgtyZ1ZrY3q$"
		    "/ewzta/DXom7oV9QpL6MpTQeb3HtGtS/3W9i67yBwiI",
		/* other algorithms and unusable markers */
		"pbkdf2_sha1$1000$Kf3pAZ5wK9UxgtyZ1ZrY3q$"
		    "/ewzta/DXom7oV9QpL6MpTQeb3HtGtS/3W9i67yBwiI=",
		"PBKDF2_SHA256$1000$Kf3pAZ5wK9UxgtyZ1ZrY3q$"
		    "/ewzta/DXom7oV9QpL6MpTQeb3HtGtS/3W9i67yBwiI=",
		"argon2$argon2id$v=19$m=102400,t=2,p=8$c2FsdA$aGFzaA",
		"!pbkdf2_sha256$1000$Kf3pAZ5wK9UxgtyZ1ZrY3q$"
		    "/ewzta/DXom7oV9QpL6MpTQeb3HtGtS/3W9i67yBwiI=",
		"!",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (wk_password_check("password", 8, bad[i]) != 0)
			fail_msg("accepted stored value #%zu \"%s\"", i,
			    bad[i]);
	assert_int_equal(wk_password_check("password", 8, NULL), 0);
}

/* Over the cap: refused before hashing, so a 1 MiB password is quick. */
static void
test_too_long_refused_fast(void **state)
{
	size_t big = (size_t)1 << 20;
	char *pw = malloc(big);
	char enc[WK_PASSWORD_ENCODED_MAX];
	double t0, t;

	(void)state;
	assert_non_null(pw);
	memset(pw, 'a', big);
	t0 = seconds();
	/* iterations that would take minutes if they ran */
	assert_int_equal(wk_password_make(enc, sizeof(enc), pw, big,
	    50000000, NULL), WK_PASSWORD_TOO_LONG);
	assert_string_equal(enc, "");
	assert_int_equal(wk_password_check(pw, big, django_1200000), 0);
	assert_int_equal(wk_password_check(pw, WK_PASSWORD_MAX_BYTES + 1,
	    django_1200000), 0);
	assert_int_equal(wk_password_dummy_check(pw, big, 50000000), 0);
	t = seconds() - t0;
	assert_true(t < 0.1);
	free(pw);
}

static void
test_make_random_salt(void **state)
{
	char a[WK_PASSWORD_ENCODED_MAX], b[WK_PASSWORD_ENCODED_MAX];
	const char *salt, *end;
	size_t i;

	(void)state;
	assert_int_equal(wk_password_make(a, sizeof(a), "s3cret!", 7, 1000,
	    NULL), WK_PASSWORD_OK);
	assert_int_equal(wk_password_make(b, sizeof(b), "s3cret!", 7, 1000,
	    NULL), WK_PASSWORD_OK);
	assert_string_not_equal(a, b);      /* fresh salt each time */
	assert_int_equal(strncmp(a, "pbkdf2_sha256$1000$", 19), 0);
	salt = a + 19;
	end = strchr(salt, '$');
	assert_non_null(end);
	assert_int_equal(end - salt, WK_PASSWORD_SALT_CHARS);
	for (i = 0; i < WK_PASSWORD_SALT_CHARS; i++)
		assert_non_null(strchr("abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", salt[i]));
	assert_int_equal(strlen(end + 1), 44);
	assert_int_equal(wk_password_check("s3cret!", 7, a), 1);
	assert_int_equal(wk_password_check("s3cret!", 7, b), 1);
	assert_int_equal(wk_password_check("s3cret?", 7, a), 0);
	assert_int_equal(wk_password_needs_rehash(a, 1000), 0);
}

static void
test_make_bad_arguments(void **state)
{
	char enc[WK_PASSWORD_ENCODED_MAX];

	(void)state;
	assert_int_equal(wk_password_make(enc, sizeof(enc), "p", 1, 1000,
	    "has$dollar"), WK_PASSWORD_BAD_ARGS);
	assert_string_equal(enc, "");
	assert_int_equal(wk_password_make(enc, sizeof(enc), "p", 1, 1000, ""),
	    WK_PASSWORD_BAD_ARGS);
	assert_int_equal(wk_password_make(enc, sizeof(enc), "p", 1, 1000,
	    "sp ace"), WK_PASSWORD_BAD_ARGS);
	assert_int_equal(wk_password_make(enc, sizeof(enc), "p", 1, 1000,
	    "0123456789012345678901234567890123456789012345678901234567890"
	    "12345"), WK_PASSWORD_BAD_ARGS);          /* 66 > 64 */
	assert_int_equal(wk_password_make(enc, sizeof(enc), "p", 1, -5,
	    "salt"), WK_PASSWORD_BAD_ARGS);
	assert_int_equal(wk_password_make(enc, sizeof(enc), "p", 1,
	    WK_PASSWORD_MAX_ITERATIONS + 1, "salt"), WK_PASSWORD_BAD_ARGS);
	assert_int_equal(wk_password_make(enc, 40, "p", 1, 1000, "salt"),
	    WK_PASSWORD_BAD_ARGS);                   /* out too small */
	assert_string_equal(enc, "");
	assert_int_equal(wk_password_make(enc, 0, "p", 1, 1000, "salt"),
	    WK_PASSWORD_BAD_ARGS);
	/* the longest salt fits WK_PASSWORD_ENCODED_MAX */
	assert_int_equal(wk_password_make(enc, sizeof(enc), "p", 1,
	    WK_PASSWORD_MAX_ITERATIONS / 100000, "0123456789012345678901234"
	    "567890123456789012345678901234567890123"), WK_PASSWORD_OK);
}

static void
test_needs_rehash(void **state)
{
	(void)state;
	/* the setting rose above the stored count */
	assert_int_equal(wk_password_needs_rehash(
	    "pbkdf2_sha256$1000$Kf3pAZ5wK9UxgtyZ1ZrY3q$"
	    "/ewzta/DXom7oV9QpL6MpTQeb3HtGtS/3W9i67yBwiI=", 1200000), 1);
	assert_int_equal(wk_password_needs_rehash(pw1000, 0), 1);
	assert_int_equal(wk_password_needs_rehash(pw1000, 1000), 0);
	assert_int_equal(wk_password_needs_rehash(pw1000, 999), 0);
	/* 'seasalt' is 7 characters: under 128 bits, as Django decides */
	assert_int_equal(wk_password_needs_rehash(django_1200000, 1200000),
	    1);
	assert_int_equal(wk_password_needs_rehash("pbkdf2_sha1$1000$abc$x",
	    1000), 1);
	assert_int_equal(wk_password_needs_rehash("md5$abc$def", 1000), 1);
	assert_int_equal(wk_password_needs_rehash("!unusable", 1000), 0);
	assert_int_equal(wk_password_needs_rehash(NULL, 1000), 0);
	assert_int_equal(wk_password_needs_rehash("pbkdf2_sha256$x$y$z",
	    1000), 0);
}

static void
test_unusable(void **state)
{
	char a[64], b[64];
	size_t i;

	(void)state;
	assert_int_equal(wk_password_make_unusable(a, sizeof(a)), 0);
	assert_int_equal(wk_password_make_unusable(b, sizeof(b)), 0);
	assert_int_equal(strlen(a), 41);
	assert_int_equal(a[0], '!');
	for (i = 1; i < 41; i++)
		assert_non_null(strchr("abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", a[i]));
	assert_string_not_equal(a, b);
	assert_int_equal(wk_password_is_usable(a), 0);
	assert_int_equal(wk_password_is_usable(NULL), 0);
	assert_int_equal(wk_password_is_usable(pw1000), 1);
	assert_int_equal(wk_password_check(a, strlen(a), a), 0);
	assert_int_equal(wk_password_check("", 0, a), 0);
	assert_int_equal(wk_password_make_unusable(a, 41), -1);
}

/* The dummy check does real work (roughly one check's time). */
static void
test_dummy_check_costs_like_a_check(void **state)
{
	double t0, dummy, real;

	(void)state;
	t0 = seconds();
	assert_int_equal(wk_password_dummy_check("guess", 5, 200000), 0);
	dummy = seconds() - t0;
	t0 = seconds();
	assert_int_equal(wk_password_check("guess", 5,
	    "pbkdf2_sha256$200000$Kf3pAZ5wK9UxgtyZ1ZrY3q$"
	    "/ewzta/DXom7oV9QpL6MpTQeb3HtGtS/3W9i67yBwiI="), 0);
	real = seconds() - t0;
	/* loose bounds: a busy machine skews single timings */
	assert_true(dummy > real * 0.2 && dummy < real * 5.0);
}

static void
test_common_list(void **state)
{
	(void)state;
	assert_int_equal(wk_password_common_list_ok(), 1);
	assert_int_equal(wk_password_is_common("password"), 1);
	assert_int_equal(wk_password_is_common("PASSWORD"), 1);
	assert_int_equal(wk_password_is_common("  Qwerty\t"), 1);
	assert_int_equal(wk_password_is_common("123456"), 1);
	assert_int_equal(wk_password_is_common("0000"), 1);     /* first */
	assert_int_equal(wk_password_is_common("zxczxc"), 1);   /* last */
	assert_int_equal(wk_password_is_common("letmein"), 1);
	assert_int_equal(wk_password_is_common("iloveyou"), 1);
	assert_int_equal(wk_password_is_common("pa$$word"), 1);
	assert_int_equal(wk_password_is_common("a-safe-password"), 0);
	assert_int_equal(wk_password_is_common("passwor"), 0);
	assert_int_equal(wk_password_is_common(""), 0);
	assert_int_equal(wk_password_is_common("   "), 0);
}

static void
test_numeric_and_length(void **state)
{
	(void)state;
	assert_int_equal(wk_password_is_numeric("12345"), 1);
	assert_int_equal(wk_password_is_numeric("a-safe-password"), 0);
	assert_int_equal(wk_password_is_numeric("1234 5"), 0);
	assert_int_equal(wk_password_is_numeric(""), 0);
	assert_int_equal(wk_password_length("abc"), 3);
	assert_int_equal(wk_password_length(letmein), 7);
	assert_int_equal(wk_password_length("\xf0\x9f\x94\x91"), 1);
	assert_int_equal(wk_password_length("\xff\xfe"), 2);   /* invalid */
	assert_int_equal(wk_password_length("\xe2\x82"), 2);   /* truncated */
}

static void
test_similarity_measure(void **state)
{
	(void)state;
	/* difflib.SequenceMatcher(a=, b=).quick_ratio() */
	assert_true(wk_password_similarity("testclient", "testclient") == 1.0);
	assert_true(wk_password_similarity("abcdef", "fedcba") == 1.0);
	assert_true(wk_password_similarity("password", "username") == 0.375);
	assert_true(wk_password_similarity("joe12345", "joe") > 0.5454 &&
	    wk_password_similarity("joe12345", "joe") < 0.5455);
	assert_true(wk_password_similarity("xyz", "abc") == 0.0);
	assert_true(wk_password_similarity("", "") == 0.0);
	assert_true(wk_password_similarity("ABC", "abc") == 1.0);
}

/* Django's UserAttributeSimilarityValidatorTest, re-expressed. */
static void
test_similar_to_user(void **state)
{
	(void)state;
	assert_int_equal(wk_password_too_similar("testclient", "testclient"),
	    1);
	assert_int_equal(wk_password_too_similar("example.com",
	    "testclient@example.com"), 1);
	assert_int_equal(wk_password_too_similar("testclient", "Test"), 0);
	assert_int_equal(wk_password_too_similar("TestClient99",
	    "testclient"), 1);
	assert_int_equal(wk_password_too_similar("correct horse battery",
	    "testclient"), 0);
	assert_int_equal(wk_password_too_similar("anything", NULL), 0);
	assert_int_equal(wk_password_too_similar("anything", ""), 0);
	/* a long password is not "similar" to a tiny part (length rule) */
	assert_int_equal(wk_password_too_similar("aaaaaaaaaaaaaaaaaaaaaa",
	    "a.b"), 0);
}

static void
test_validate_all(void **state)
{
	const struct wk_password_user user = {
		"testclient", "testclient@example.com", "Test", "Client"
	};
	const char *msgs[8];
	wk_arena a;
	char *huge;

	(void)state;
	wk_arena_init(&a);
	assert_int_equal(wk_password_validate(&a, "correct horse battery",
	    &user, 0, msgs, 8), 0);
	assert_int_equal(wk_password_validate(&a, "testclient", &user, 0,
	    msgs, 8), 1);
	assert_string_equal(msgs[0],
	    "The password is too similar to the username.");
	assert_int_equal(wk_password_validate(&a, "example.com", &user, 0,
	    msgs, 8), 1);
	assert_string_equal(msgs[0],
	    "The password is too similar to the email address.");
	/* too short, common and numeric at once, in Django's order */
	assert_int_equal(wk_password_validate(&a, "1234", NULL, 0, msgs, 8),
	    3);
	assert_string_equal(msgs[0], "This password is too short. It must "
	    "contain at least 8 characters.");
	assert_string_equal(msgs[1], "This password is too common.");
	assert_string_equal(msgs[2], "This password is entirely numeric.");
	/* only max messages stored, all counted */
	msgs[1] = NULL;
	assert_int_equal(wk_password_validate(&a, "1234", NULL, 0, msgs, 1),
	    3);
	assert_null(msgs[1]);
	/* length counts characters, not bytes: 7 accented letters */
	assert_int_equal(wk_password_validate(&a, "\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", NULL, 0, msgs, 8), 1);
	assert_int_equal(wk_password_validate(&a, "abcdefghijkl", NULL, 12,
	    msgs, 8), 0);
	assert_int_equal(wk_password_validate(&a, "x", NULL, 1, msgs, 8), 0);
	/* over the cap: one problem, nothing else examined */
	huge = malloc(WK_PASSWORD_MAX_BYTES + 2);
	assert_non_null(huge);
	memset(huge, '1', WK_PASSWORD_MAX_BYTES + 1);
	huge[WK_PASSWORD_MAX_BYTES + 1] = '\0';
	assert_int_equal(wk_password_validate(&a, huge, &user, 0, msgs, 8), 1);
	assert_non_null(strstr(msgs[0], "too long"));
	free(huge);
	wk_arena_free(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_django_known_answers),
		cmocka_unit_test(test_max_length_password_hashes),
		cmocka_unit_test(test_wrong_passwords),
		cmocka_unit_test(test_malformed_encoded),
		cmocka_unit_test(test_too_long_refused_fast),
		cmocka_unit_test(test_make_random_salt),
		cmocka_unit_test(test_make_bad_arguments),
		cmocka_unit_test(test_needs_rehash),
		cmocka_unit_test(test_unusable),
		cmocka_unit_test(test_dummy_check_costs_like_a_check),
		cmocka_unit_test(test_common_list),
		cmocka_unit_test(test_numeric_and_length),
		cmocka_unit_test(test_similarity_measure),
		cmocka_unit_test(test_similar_to_user),
		cmocka_unit_test(test_validate_all),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
