/*
 * password.h - password hashing in Django's format, and password rules.
 *
 * Stored passwords look exactly like Django's default hasher's:
 *
 *     pbkdf2_sha256$<iterations>$<salt>$<base64 of the 32-byte hash>
 *
 * so a user table can move between a Django project and a Wick app in
 * either direction and every password keeps working.  The hash is
 * PBKDF2-HMAC-SHA256 (crypto.h); salts are 22 characters drawn from
 * [a-zA-Z0-9] with wk_random_bytes (131 bits, what Django makes);
 * comparison is constant-time.  Iterations come from
 * settings.password_iterations (default 1,200,000, as Django 6.0); when
 * the setting rises, wk_password_needs_rehash() says so at the next login
 * and the caller stores a new hash.
 *
 * Passwords longer than WK_PASSWORD_MAX_BYTES are refused before any
 * hashing, so a 1 MiB "password" costs nothing (Django has no limit; HMAC
 * would hash the long key once, but parsing and storing it is waste and an
 * easy lever for denial of service).
 *
 * The validators mirror Django's four default ones: minimum length,
 * common passwords, entirely numeric, and too similar to the user's
 * username / email / names.
 */
#ifndef WICK_PASSWORD_H
#define WICK_PASSWORD_H

#include <stddef.h>

#include "wick/core/arena.h"

#define WK_PASSWORD_ALGORITHM "pbkdf2_sha256"
#define WK_PASSWORD_MAX_BYTES 4096       /* longer passwords are refused */
#define WK_PASSWORD_SALT_CHARS 22        /* generated salts */
#define WK_PASSWORD_SALT_MAX 64          /* longest salt accepted to make */
#define WK_PASSWORD_MAX_ITERATIONS 100000000L /* hashes above are refused */
#define WK_PASSWORD_DEFAULT_ITERATIONS 1200000L
/* Room for any encoded password wk_password_make writes, with its NUL. */
#define WK_PASSWORD_ENCODED_MAX 160
#define WK_PASSWORD_UNUSABLE_PREFIX '!'  /* Django's unusable marker */
#define WK_PASSWORD_MIN_LENGTH 8         /* Django's default */

/* Results of wk_password_make. */
enum wk_password_result {
	WK_PASSWORD_OK = 0,
	WK_PASSWORD_TOO_LONG = 1,     /* over WK_PASSWORD_MAX_BYTES */
	WK_PASSWORD_BAD_ARGS = 2,     /* bad salt, iterations or buffer */
	WK_PASSWORD_FAILED = -1       /* no randomness */
};

/*
 * wk_password_make - hash pwlen bytes of password into out (outsz bytes;
 * WK_PASSWORD_ENCODED_MAX always suffices) in Django's format.
 * iterations: 0 for WK_PASSWORD_DEFAULT_ITERATIONS, else 1 ..
 * WK_PASSWORD_MAX_ITERATIONS (callers pass settings->password_iterations).
 * salt: NULL for a fresh random 22-character salt (the normal case); tests
 * and imports may pass one (1..WK_PASSWORD_SALT_MAX printable ASCII
 * characters, no '$').
 * Returns an enum wk_password_result; on anything but WK_PASSWORD_OK out
 * holds "" (when outsz > 0).
 *
 *   char enc[WK_PASSWORD_ENCODED_MAX];
 *   if (wk_password_make(enc, sizeof(enc), pw, strlen(pw),
 *       req->settings->password_iterations, NULL) != WK_PASSWORD_OK) ...
 */
int wk_password_make(char *out, size_t outsz, const char *password,
    size_t pwlen, long iterations, const char *salt);

/*
 * wk_password_check - 1 if pwlen bytes of password match encoded, else 0.
 * 0 also for: a NULL or unusable encoded value, another algorithm, a
 * malformed value, iterations outside 1..WK_PASSWORD_MAX_ITERATIONS, or a
 * password over WK_PASSWORD_MAX_BYTES (refused without hashing).  The
 * final comparison is constant-time.
 */
int wk_password_check(const char *password, size_t pwlen,
    const char *encoded);

/*
 * wk_password_dummy_check - spend the time of one check at iterations
 * (0 = default) without any stored hash, and return 0.  Call it when the
 * user does not exist, so that "no such user" and "wrong password" take
 * about the same time (Django's ModelBackend does the same).
 */
int wk_password_dummy_check(const char *password, size_t pwlen,
    long iterations);

/*
 * wk_password_needs_rehash - 1 if encoded should be replaced by a fresh
 * hash after a successful check: another algorithm, fewer iterations than
 * wanted (0 = default), or a salt under 128 bits (fewer than 22 characters,
 * Django's rule).  0 if it is current, or unusable / malformed (there is
 * nothing to upgrade then).
 */
int wk_password_needs_rehash(const char *encoded, long iterations);

/*
 * wk_password_make_unusable - write "!" and 40 random [a-zA-Z0-9]
 * characters into out (outsz >= 42): Django's marker for "no password
 * login" (set_unusable_password).  0, or -1 (no randomness, small out).
 */
int wk_password_make_unusable(char *out, size_t outsz);

/* wk_password_is_usable - 0 for NULL or a value starting with '!', else 1. */
int wk_password_is_usable(const char *encoded);

/* ---- validators --------------------------------------------------------- */

/* What the similarity validator compares the password with; any may be
 * NULL.  Messages name the attribute ("username", "email address"...). */
struct wk_password_user {
	const char *username;
	const char *email;
	const char *first_name;
	const char *last_name;
};

/*
 * wk_password_validate - run the four validators on the NUL-terminated
 * password and store up to max messages (Django's wording, allocated in
 * a) in msgs.  min_length 0 means WK_PASSWORD_MIN_LENGTH; user may be
 * NULL.  Returns the number of problems found (which may exceed max), or
 * (size_t)-1 when a message could not be allocated.  0 means acceptable.
 * A password over WK_PASSWORD_MAX_BYTES is one problem ("too long").
 */
size_t wk_password_validate(wk_arena *a, const char *password,
    const struct wk_password_user *user, size_t min_length,
    const char **msgs, size_t max);

/*
 * wk_password_length - the length of s in characters (UTF-8 code points;
 * each invalid byte counts as one), as Django's len() on a str.
 */
size_t wk_password_length(const char *s);

/*
 * wk_password_is_common - 1 if password, lowercased (ASCII) and with
 * surrounding whitespace removed, is in the built-in list of a few hundred
 * most common passwords (sorted, searched by bisection), else 0.
 */
int wk_password_is_common(const char *password);

/* wk_password_is_numeric - 1 if password is non-empty ASCII digits only. */
int wk_password_is_numeric(const char *password);

/*
 * wk_password_similarity - Django's UserAttributeSimilarityValidator
 * measure: difflib's quick_ratio() of the two strings, 2*M / (la + lb),
 * where M is the number of characters (code points, ASCII lowercased)
 * the two have in common counted as multisets (order ignored), la and lb
 * their lengths.  1.0 for equal strings, 0.0 for disjoint ones (and when
 * both are empty).  It is an upper bound of difflib's ratio().
 */
double wk_password_similarity(const char *a, const char *b);

/*
 * wk_password_too_similar - 1 if password is too similar to value, as
 * Django decides: value (lowercased) is split on runs of non-word
 * characters (word = ASCII letters, digits, '_' and any non-ASCII
 * character); the password is too similar when the similarity with the
 * whole value or with any part is >= 0.7, skipping parts that are both
 * short and much shorter than the password (Django's length-ratio rule:
 * the password is >= 10 times as long and the part is shorter than
 * 0.35 * the password's length).
 */
int wk_password_too_similar(const char *password, const char *value);

/*
 * wk_password_common_list_ok - 1 if the built-in common-password list is
 * strictly sorted and lowercase (for tests and `APP check`).
 */
int wk_password_common_list_ok(void);

#endif /* WICK_PASSWORD_H */
