/*
 * crypto.c - hashing, MACs, PBKDF2, constant-time comparison and encodings
 * (see crypto.h).
 *
 * The hash code is BearSSL's; what lives here is the glue and PBKDF2,
 * which BearSSL lacks.  PBKDF2 is the one hot loop of the whole framework
 * (1,200,000 rounds per login), so its rounds avoid BearSSL's general HMAC
 * path: the SHA-256 states after the inner and outer key blocks are saved
 * once, and every round restores them with br_sha256_set_state, leaving
 * exactly two compression calls per round (the minimum for HMAC).
 */
#include <assert.h>
#include <string.h>

/*
 * BearSSL's headers test BR_DOXYGEN_IGNORE with #if; under -Wundef that
 * warns when they are not in a system directory (the musl build's
 * build/deps/include).
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wundef"
#include <bearssl.h>
#pragma GCC diagnostic pop

#include "wick/core/crypto.h"
#include "wick/core/random.h"

/* What the opaque contexts of crypto.h really hold. */
struct hmac_state {
	br_hmac_key_context key;
	br_hmac_context ctx;
};

_Static_assert(sizeof(br_sha256_context) <=
    sizeof(((wk_sha256_ctx *)0)->opaque),
    "wk_sha256_ctx too small for br_sha256_context");
_Static_assert(sizeof(struct hmac_state) <=
    sizeof(((wk_hmac_sha256_ctx *)0)->opaque),
    "wk_hmac_sha256_ctx too small for BearSSL's HMAC contexts");

#define SHA_CTX(h) ((br_sha256_context *)(void *)(h)->opaque.bytes)
#define SHA_CCTX(h) \
	((const br_sha256_context *)(const void *)(h)->opaque.bytes)
#define HMAC_ST(m) ((struct hmac_state *)(void *)(m)->opaque.bytes)
#define HMAC_CST(m) \
	((const struct hmac_state *)(const void *)(m)->opaque.bytes)

/* see crypto.h */
void
wk_sha256_init(wk_sha256_ctx *h)
{
	br_sha256_init(SHA_CTX(h));
}

/* see crypto.h */
void
wk_sha256_update(wk_sha256_ctx *h, const void *p, size_t n)
{
	if (n > 0)
		br_sha256_update(SHA_CTX(h), p, n);
}

/* see crypto.h */
void
wk_sha256_final(const wk_sha256_ctx *h,
    unsigned char out[WK_SHA256_LEN])
{
	br_sha256_out(SHA_CCTX(h), out);
}

/* see crypto.h */
void
wk_sha256(const void *p, size_t n, unsigned char out[WK_SHA256_LEN])
{
	wk_sha256_ctx h;

	wk_sha256_init(&h);
	wk_sha256_update(&h, p, n);
	wk_sha256_final(&h, out);
}

/* see crypto.h */
void
wk_hmac_sha256_init(wk_hmac_sha256_ctx *m, const void *key,
    size_t keylen)
{
	struct hmac_state *st = HMAC_ST(m);

	br_hmac_key_init(&st->key, &br_sha256_vtable, key, keylen);
	br_hmac_init(&st->ctx, &st->key, 0);
}

/* see crypto.h */
void
wk_hmac_sha256_update(wk_hmac_sha256_ctx *m, const void *p, size_t n)
{
	if (n > 0)
		br_hmac_update(&HMAC_ST(m)->ctx, p, n);
}

/* see crypto.h */
void
wk_hmac_sha256_final(const wk_hmac_sha256_ctx *m,
    unsigned char out[WK_SHA256_LEN])
{
	br_hmac_out(&HMAC_CST(m)->ctx, out);
}

/* see crypto.h */
void
wk_hmac_sha256(const void *key, size_t keylen, const void *data, size_t n,
    unsigned char out[WK_SHA256_LEN])
{
	wk_hmac_sha256_ctx m;

	wk_hmac_sha256_init(&m, key, keylen);
	wk_hmac_sha256_update(&m, data, n);
	wk_hmac_sha256_final(&m, out);
	explicit_bzero(&m, sizeof(m));
}

/*
 * The SHA-256 chaining value after one block of key ^ pad: HMAC's inner
 * (pad 0x36) or outer (pad 0x5c) starting point.
 */
static void
pbkdf2_keyed_state(const unsigned char key[WK_SHA256_BLOCK], unsigned char pad,
    unsigned char state[WK_SHA256_LEN])
{
	unsigned char block[WK_SHA256_BLOCK];
	br_sha256_context c;
	size_t i;

	for (i = 0; i < sizeof(block); i++)
		block[i] = key[i] ^ pad;
	br_sha256_init(&c);
	br_sha256_update(&c, block, sizeof(block));
	(void)br_sha256_state(&c, state);
	explicit_bzero(block, sizeof(block));
	explicit_bzero(&c, sizeof(c));
}

/* see crypto.h */
int
wk_pbkdf2_sha256(const void *password, size_t pwlen, const void *salt,
    size_t saltlen, unsigned long iterations, unsigned char *out,
    size_t outlen)
{
	unsigned char key[WK_SHA256_BLOCK];
	unsigned char istate[WK_SHA256_LEN], ostate[WK_SHA256_LEN];
	unsigned char u[WK_SHA256_LEN], t[WK_SHA256_LEN], ctr[4];
	br_sha256_context c;
	uint32_t block;
	unsigned long r;
	size_t done = 0, take, i;

	if (iterations == 0 || outlen == 0 ||
	    (outlen - 1) / WK_SHA256_LEN >= UINT32_MAX)
		return -1;
	assert(out != NULL && (password != NULL || pwlen == 0) &&
	    (salt != NULL || saltlen == 0));

	/* HMAC's key: hashed when longer than a block, then zero-padded. */
	memset(key, 0, sizeof(key));
	if (pwlen > WK_SHA256_BLOCK)
		wk_sha256(password, pwlen, key);
	else if (pwlen > 0)
		memcpy(key, password, pwlen);
	pbkdf2_keyed_state(key, 0x36, istate);
	pbkdf2_keyed_state(key, 0x5c, ostate);

	br_sha256_init(&c);
	for (block = 1; done < outlen; block++) {
		ctr[0] = (unsigned char)(block >> 24);
		ctr[1] = (unsigned char)(block >> 16);
		ctr[2] = (unsigned char)(block >> 8);
		ctr[3] = (unsigned char)block;

		/* U1 = HMAC(P, S || INT(block)) */
		br_sha256_set_state(&c, istate, WK_SHA256_BLOCK);
		if (saltlen > 0)
			br_sha256_update(&c, salt, saltlen);
		br_sha256_update(&c, ctr, sizeof(ctr));
		br_sha256_out(&c, u);
		br_sha256_set_state(&c, ostate, WK_SHA256_BLOCK);
		br_sha256_update(&c, u, sizeof(u));
		br_sha256_out(&c, u);
		memcpy(t, u, sizeof(t));

		/* Uj = HMAC(P, Uj-1); T ^= Uj */
		for (r = 1; r < iterations; r++) {
			br_sha256_set_state(&c, istate, WK_SHA256_BLOCK);
			br_sha256_update(&c, u, sizeof(u));
			br_sha256_out(&c, u);
			br_sha256_set_state(&c, ostate, WK_SHA256_BLOCK);
			br_sha256_update(&c, u, sizeof(u));
			br_sha256_out(&c, u);
			for (i = 0; i < sizeof(t); i++)
				t[i] ^= u[i];
		}
		take = outlen - done < sizeof(t) ? outlen - done : sizeof(t);
		memcpy(out + done, t, take);
		done += take;
	}

	explicit_bzero(key, sizeof(key));
	explicit_bzero(istate, sizeof(istate));
	explicit_bzero(ostate, sizeof(ostate));
	explicit_bzero(u, sizeof(u));
	explicit_bzero(t, sizeof(t));
	explicit_bzero(&c, sizeof(c));
	return 0;
}

/* see crypto.h */
int
wk_ct_equal(const void *a, const void *b, size_t n)
{
	const volatile unsigned char *pa = a, *pb = b;
	unsigned diff = 0;
	size_t i;

	for (i = 0; i < n; i++)
		diff |= (unsigned)(pa[i] ^ pb[i]);
	/* diff is 0..255: (diff - 1) >> 8 has bit 0 set only when diff == 0 */
	return (int)(((diff - 1u) >> 8) & 1u);
}

/* see crypto.h */
int
wk_ct_streq(const char *a, const char *b)
{
	size_t la, lb;

	if (a == NULL || b == NULL)
		return 0;
	la = strlen(a);
	lb = strlen(b);
	if (la != lb)
		return 0;
	return wk_ct_equal(a, b, la);
}

/* see crypto.h */
int
wk_crypto_random_chars(char *out, size_t n, const char *alphabet, size_t alen)
{
	unsigned char pool[64];
	size_t done = 0, i, limit;

	assert(alen >= 2 && alen <= 256);
	/* the largest multiple of alen that fits a byte: no modulo bias */
	limit = 256 - 256 % alen;
	while (done < n) {
		if (wk_random_bytes(pool, sizeof(pool)) != 0) {
			out[0] = '\0';
			return -1;
		}
		for (i = 0; i < sizeof(pool) && done < n; i++)
			if (pool[i] < limit)
				out[done++] = alphabet[pool[i] % alen];
	}
	out[n] = '\0';
	explicit_bzero(pool, sizeof(pool));
	return 0;
}

/* ---- base64 ------------------------------------------------------------- */

static const char b64_std[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char b64_url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* see crypto.h */
size_t
wk_base64_encoded_len(size_t n, unsigned flags)
{
	size_t full = n / 3, rest = n % 3;

	if (full > (SIZE_MAX - 4) / 4)
		return 0;
	if (rest == 0)
		return full * 4;
	return full * 4 + ((flags & WK_B64_NOPAD) ? rest + 1 : 4);
}

/* see crypto.h */
size_t
wk_base64_encode(char *out, size_t outsz, const void *in, size_t n,
    unsigned flags)
{
	const char *al = (flags & WK_B64_URL) ? b64_url : b64_std;
	const unsigned char *p = in;
	size_t need = wk_base64_encoded_len(n, flags), o = 0, i;
	uint32_t v;

	if ((need == 0 && n > 0) || outsz <= need) {
		if (outsz > 0)
			out[0] = '\0';
		return (size_t)-1;
	}
	for (i = 0; i + 3 <= n; i += 3) {
		v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		out[o++] = al[v >> 18];
		out[o++] = al[(v >> 12) & 63];
		out[o++] = al[(v >> 6) & 63];
		out[o++] = al[v & 63];
	}
	if (n - i == 1) {
		v = (uint32_t)p[i] << 16;
		out[o++] = al[v >> 18];
		out[o++] = al[(v >> 12) & 63];
		if (!(flags & WK_B64_NOPAD)) {
			out[o++] = '=';
			out[o++] = '=';
		}
	} else if (n - i == 2) {
		v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;
		out[o++] = al[v >> 18];
		out[o++] = al[(v >> 12) & 63];
		out[o++] = al[(v >> 6) & 63];
		if (!(flags & WK_B64_NOPAD))
			out[o++] = '=';
	}
	out[o] = '\0';
	return o;
}

/* The 6-bit value of ch in the alphabet, or -1. */
static int
b64_value(unsigned char ch, unsigned flags)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	if (flags & WK_B64_URL) {
		if (ch == '-')
			return 62;
		if (ch == '_')
			return 63;
	} else {
		if (ch == '+')
			return 62;
		if (ch == '/')
			return 63;
	}
	return -1;
}

/* see crypto.h */
int
wk_base64_decode(void *out, size_t outsz, size_t *outlen, const char *in,
    size_t n, unsigned flags)
{
	unsigned char *o = out;
	size_t chars = n, rest, need, i, k = 0;
	int v[4], j;

	if (flags & WK_B64_NOPAD) {
		if (n % 4 == 1)
			return -1;
	} else {
		if (n % 4 != 0)
			return -1;
		if (n > 0 && in[n - 1] == '=')
			chars--;
		if (n > 1 && in[n - 2] == '=')
			chars--;
	}
	rest = chars % 4;
	need = chars / 4 * 3 + (rest == 0 ? 0 : rest - 1);
	if (need > outsz)
		return -1;
	for (i = 0; i < chars; i += 4) {
		size_t m = chars - i < 4 ? chars - i : 4;
		for (j = 0; j < (int)m; j++) {
			v[j] = b64_value((unsigned char)in[i + (size_t)j],
			    flags);
			if (v[j] < 0)
				return -1;
		}
		if (m == 4) {
			o[k++] = (unsigned char)(v[0] << 2 | v[1] >> 4);
			o[k++] = (unsigned char)((v[1] & 15) << 4 | v[2] >> 2);
			o[k++] = (unsigned char)((v[2] & 3) << 6 | v[3]);
		} else if (m == 3) {
			if (v[2] & 3)
				return -1;  /* non-canonical trailing bits */
			o[k++] = (unsigned char)(v[0] << 2 | v[1] >> 4);
			o[k++] = (unsigned char)((v[1] & 15) << 4 | v[2] >> 2);
		} else {
			/* m == 2 (m == 1 was refused by the length checks) */
			if (v[1] & 15)
				return -1;
			o[k++] = (unsigned char)(v[0] << 2 | v[1] >> 4);
		}
	}
	*outlen = k;
	return 0;
}

/* ---- hex ---------------------------------------------------------------- */

/* see crypto.h */
size_t
wk_hex_encode(char *out, size_t outsz, const void *in, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *p = in;
	size_t i;

	if (n > (SIZE_MAX - 1) / 2 || outsz < 2 * n + 1) {
		if (outsz > 0)
			out[0] = '\0';
		return (size_t)-1;
	}
	for (i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
	return 2 * n;
}

/* The value of hex digit ch, or -1. */
static int
hex_value(unsigned char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* see crypto.h */
size_t
wk_hex_decode(void *out, size_t outsz, const char *in, size_t n)
{
	unsigned char *o = out;
	size_t i;
	int hi, lo;

	if (n % 2 != 0 || n / 2 > outsz)
		return (size_t)-1;
	for (i = 0; i < n; i += 2) {
		hi = hex_value((unsigned char)in[i]);
		lo = hex_value((unsigned char)in[i + 1]);
		if (hi < 0 || lo < 0)
			return (size_t)-1;
		o[i / 2] = (unsigned char)(hi << 4 | lo);
	}
	return n / 2;
}
