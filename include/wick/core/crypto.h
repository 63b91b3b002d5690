/*
 * crypto.h - the few cryptographic building blocks Wick needs.
 *
 * Sessions sign cookies, passwords are stretched with PBKDF2, CSRF tokens
 * and hashes are compared without leaking timing, and several formats need
 * base64 or hex.  The primitives themselves come from BearSSL (no malloc,
 * constant-time code); this module is a thin, documented layer over them so
 * that the rest of Wick never touches BearSSL's API directly, plus the
 * encodings, which BearSSL does not offer in a general form.
 *
 * Randomness itself is not here: it comes from random.h (wk_random_bytes);
 * wk_crypto_random_chars only turns it into unbiased strings over an
 * alphabet, for salts and CSRF secrets.
 *
 * Nothing in this module allocates; callers pass output buffers and own
 * the running contexts.  The contexts are opaque storage sized for
 * BearSSL's (checked at compile time in crypto.c), so that this header
 * does not pull BearSSL's declarations into every file that hashes.
 */
#ifndef WICK_CRYPTO_H
#define WICK_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#define WK_SHA256_LEN 32          /* digest and HMAC output, bytes */
#define WK_SHA256_BLOCK 64        /* SHA-256 block size, bytes */

/* ---- SHA-256 ------------------------------------------------------------ */

/* A running SHA-256 computation (caller-owned, no release function). */
typedef struct wk_sha256_ctx {
	union {
		max_align_t align;
		unsigned char bytes[128];   /* a br_sha256_context */
	} opaque;
} wk_sha256_ctx;

/* wk_sha256_init - start a new digest. */
void wk_sha256_init(wk_sha256_ctx *h);

/* wk_sha256_update - hash n more bytes of p (p may be NULL when n is 0). */
void wk_sha256_update(wk_sha256_ctx *h, const void *p, size_t n);

/* wk_sha256_final - write the 32-byte digest into out.  h may go on. */
void wk_sha256_final(const wk_sha256_ctx *h,
    unsigned char out[WK_SHA256_LEN]);

/* wk_sha256 - one-shot digest of n bytes of p into out. */
void wk_sha256(const void *p, size_t n, unsigned char out[WK_SHA256_LEN]);

/* ---- HMAC-SHA256 (RFC 2104) --------------------------------------------- */

/* A running HMAC-SHA256 computation (caller-owned). */
typedef struct wk_hmac_sha256_ctx {
	union {
		max_align_t align;
		unsigned char bytes[512];   /* br_hmac_key_context and
		                               br_hmac_context */
	} opaque;
} wk_hmac_sha256_ctx;

/* wk_hmac_sha256_init - start an HMAC keyed with keylen bytes (any length). */
void wk_hmac_sha256_init(wk_hmac_sha256_ctx *m, const void *key,
    size_t keylen);

/* wk_hmac_sha256_update - authenticate n more bytes of p. */
void wk_hmac_sha256_update(wk_hmac_sha256_ctx *m, const void *p,
    size_t n);

/* wk_hmac_sha256_final - write the 32-byte tag into out.  m may go on. */
void wk_hmac_sha256_final(const wk_hmac_sha256_ctx *m,
    unsigned char out[WK_SHA256_LEN]);

/* wk_hmac_sha256 - one-shot HMAC-SHA256(key, data) into out. */
void wk_hmac_sha256(const void *key, size_t keylen, const void *data,
    size_t n, unsigned char out[WK_SHA256_LEN]);

/* ---- PBKDF2-HMAC-SHA256 (RFC 8018 section 5.2) -------------------------- */

/*
 * wk_pbkdf2_sha256 - derive outlen bytes into out from password and salt
 * with iterations rounds of HMAC-SHA256.  Same output as Python's
 * hashlib.pbkdf2_hmac('sha256', ...) and Django's pbkdf2().
 * Each round costs two SHA-256 compressions: the keyed inner and outer
 * states are computed once and restored for every round.
 * Returns 0, or -1 if iterations is 0 or outlen is 0 or above
 * (2^32 - 1) * 32 (nothing is written then).
 */
int wk_pbkdf2_sha256(const void *password, size_t pwlen, const void *salt,
    size_t saltlen, unsigned long iterations, unsigned char *out,
    size_t outlen);

/* ---- constant-time comparison ------------------------------------------- */

/*
 * wk_ct_equal - 1 if the n bytes at a and b are equal, else 0.  The time
 * taken depends on n only, never on where the bytes differ.
 */
int wk_ct_equal(const void *a, const void *b, size_t n);

/*
 * wk_ct_streq - 1 if the C strings a and b are equal, else 0.  Time depends
 * on the lengths only (a length mismatch may be visible; contents are not).
 * NULL never equals anything.  For tokens, tags and hashes.
 */
int wk_ct_streq(const char *a, const char *b);

/* ---- random strings ----------------------------------------------------- */

/* The 62 characters of Django's get_random_string(), in Python's order
 * (string.ascii_letters + string.digits); CSRF's cipher depends on it. */
#define WK_ALNUM_CHARS \
	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

/*
 * wk_crypto_random_chars - write n characters drawn uniformly (rejection
 * sampling, no modulo bias) from the alen characters of alphabet (2..256)
 * plus a NUL into out (n + 1 bytes), using wk_random_bytes (random.h).
 * For salts, secrets and tokens.  0, or -1 if randomness failed (out then
 * holds "").
 */
int wk_crypto_random_chars(char *out, size_t n, const char *alphabet,
    size_t alen);

/* ---- base64 (RFC 4648) -------------------------------------------------- */

/* Flags for the base64 functions (combine with |). */
#define WK_B64_URL   1u   /* alphabet "-_" (section 5) instead of "+/" */
#define WK_B64_NOPAD 2u   /* no '=' padding: never written, refused on read */

/*
 * wk_base64_encoded_len - the length of the encoding of n bytes (not
 * counting the NUL), or 0 on size_t overflow.
 */
size_t wk_base64_encoded_len(size_t n, unsigned flags);

/*
 * wk_base64_encode - encode n bytes of in into out (outsz bytes, which must
 * hold wk_base64_encoded_len(n, flags) + 1 for the NUL).  Returns the
 * length written (without the NUL), or (size_t)-1 if out is too small
 * (out then holds "" when outsz > 0).
 */
size_t wk_base64_encode(char *out, size_t outsz, const void *in, size_t n,
    unsigned flags);

/*
 * wk_base64_decode - strictly decode n characters of in into out (outsz
 * bytes; n / 4 * 3 + 2 always suffices).  Strict means: only the chosen
 * alphabet (no whitespace, no mixing '+' and '-'), padding exactly as the
 * flags say (without WK_B64_NOPAD the length must be a multiple of 4 with
 * 0-2 '=' at the end; with it, no '=' at all and a length % 4 != 1), and
 * unused bits of the last character zero (so each byte string has exactly
 * one accepted encoding).  Returns 0 with the byte count in *outlen, or
 * -1 for bad input or a too-small out.
 */
int wk_base64_decode(void *out, size_t outsz, size_t *outlen, const char *in,
    size_t n, unsigned flags);

/* ---- hex ---------------------------------------------------------------- */

/*
 * wk_hex_encode - write 2n lowercase hex digits of in and a NUL into out
 * (outsz >= 2n + 1).  Returns 2n, or (size_t)-1 if out is too small.
 */
size_t wk_hex_encode(char *out, size_t outsz, const void *in, size_t n);

/*
 * wk_hex_decode - decode n hex digits (either case) into out (outsz >=
 * n / 2).  Returns the byte count, or (size_t)-1 for an odd n, a non-hex
 * character or a too-small out.
 */
size_t wk_hex_decode(void *out, size_t outsz, const char *in, size_t n);

#endif /* WICK_CRYPTO_H */
