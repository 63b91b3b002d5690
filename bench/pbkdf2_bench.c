/*
 * pbkdf2_bench.c - PBKDF2-HMAC-SHA256 throughput of Wick's implementation.
 *
 * A login costs one PBKDF2 derivation at settings.password_iterations
 * (1,200,000 by default), so the rounds per second of wk_pbkdf2_sha256
 * decide how long a login takes and how far the iteration count can go.
 * This times one 32-byte derivation at 100,000 iterations (or argv[1]),
 * best of 5 (or argv[2]), with a Django-sized password and salt, and
 * prints iterations per second.  bench/pbkdf2_vs_openssl runs it next to
 * OpenSSL's implementation (through Python's hashlib) and prints the ratio.
 *
 * Output: one line "pbkdf2_sha256 wick: ITER iterations in S s =
 * N iterations/s (best of R)"; with -q only N.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wick/core/crypto.h"

/* Seconds since an arbitrary start, monotonic. */
static double
now(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0.0;
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A positive number from s, or def when s is NULL; 0 when bad. */
static unsigned long
arg_number(const char *s, unsigned long def)
{
	char *end;
	unsigned long v;

	if (s == NULL)
		return def;
	v = strtoul(s, &end, 10);
	if (end == s || *end != '\0')
		return 0;
	return v;
}

int
main(int argc, char **argv)
{
	static const char password[] = "correct horse battery staple";
	static const char salt[] = "aB3dE5fG7hI9jK1lM3nO5p";  /* 22 chars */
	unsigned char out[WK_SHA256_LEN];
	unsigned long iterations, reps, r;
	double best = 0.0, t0, t;
	int quiet = 0, a = 1;

	if (argc > 1 && strcmp(argv[1], "-q") == 0) {
		quiet = 1;
		a = 2;
	}
	iterations = arg_number(a < argc ? argv[a] : NULL, 100000);
	reps = arg_number(a + 1 < argc ? argv[a + 1] : NULL, 5);
	if (iterations == 0 || reps == 0) {
		fprintf(stderr, "usage: pbkdf2_bench [-q] "
		    "[ITERATIONS [REPEATS]]\n");
		return 2;
	}
	for (r = 0; r < reps; r++) {
		t0 = now();
		if (wk_pbkdf2_sha256(password, sizeof(password) - 1, salt,
		    sizeof(salt) - 1, iterations, out, sizeof(out)) != 0) {
			fprintf(stderr, "pbkdf2_bench: derivation failed\n");
			return 1;
		}
		t = now() - t0;
		if (r == 0 || t < best)
			best = t;
	}
	if (best <= 0.0) {
		fprintf(stderr, "pbkdf2_bench: clock failed\n");
		return 1;
	}
	if (quiet)
		printf("%.0f\n", (double)iterations / best);
	else
		printf("pbkdf2_sha256 wick: %lu iterations in %.4f s = %.0f "
		    "iterations/s (best of %lu)\n", iterations, best,
		    (double)iterations / best, reps);
	return 0;
}
