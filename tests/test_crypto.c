/*
 * test_crypto.c - known-answer tests for src/core/crypto.c: SHA-256 (FIPS 180
 * examples), HMAC-SHA256 (RFC 4231 cases 1-7), PBKDF2-HMAC-SHA256 (RFC 7914
 * section 11 and the usual RFC 6070-style inputs, checked against Python's
 * hashlib), base64 (RFC 4648 section 10) and hex, plus the strict decoder
 * refusing every non-canonical or foreign input, and PBKDF2 checked
 * against a slow reference built on the plain HMAC for awkward key sizes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "wick/core/crypto.h"
#include "wick/core/random.h"

/* Hex of n bytes, for readable assertion messages. */
static void
assert_hex(const unsigned char *got, size_t n, const char *want)
{
	char buf[512];

	assert_true(n * 2 < sizeof(buf));
	assert_int_equal(wk_hex_encode(buf, sizeof(buf), got, n), 2 * n);
	assert_string_equal(buf, want);
}

static void
test_sha256_fips(void **state)
{
	static const struct {
		const char *msg;
		const char *hex;
	} v[] = {
		{ "abc", "ba7816bf8f01cfea414140de5dae2223"
		    "b00361a396177a9cb410ff61f20015ad" },
		{ "", "e3b0c44298fc1c149afbf4c8996fb924"
		    "27ae41e4649b934ca495991b7852b855" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		    "248d6a61d20638b8e5c026930c3e6039"
		    "a33ce45964ff2167f6ecedd419db06c1" },
		{ "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
		    "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
		    "cf5b16a778af8380036ce59e7b049237"
		    "0b249b11e8f07a51afac45037afee9d1" },
	};
	unsigned char out[WK_SHA256_LEN];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		wk_sha256(v[i].msg, strlen(v[i].msg), out);
		assert_hex(out, sizeof(out), v[i].hex);
	}
}

/* One million 'a', fed in uneven pieces through the incremental API. */
static void
test_sha256_million_a(void **state)
{
	static char chunk[997];
	unsigned char out[WK_SHA256_LEN];
	wk_sha256_ctx h;
	size_t left = 1000000, n;

	(void)state;
	memset(chunk, 'a', sizeof(chunk));
	wk_sha256_init(&h);
	wk_sha256_update(&h, NULL, 0);
	while (left > 0) {
		n = left < sizeof(chunk) ? left : sizeof(chunk);
		wk_sha256_update(&h, chunk, n);
		left -= n;
	}
	wk_sha256_final(&h, out);
	assert_hex(out, sizeof(out), "cdc76e5c9914fb9281a1c7e284d73e67"
	    "f1809a48a497200e046d39ccc7112cd0");
}

static void
test_hmac_rfc4231(void **state)
{
	unsigned char k20b[20], k20a[20], d50dd[50], k25[25], d50cd[50];
	unsigned char k20c[20], k131[131];
	const struct {
		const void *key;
		size_t keylen;
		const void *data;
		size_t len;
		size_t outlen;   /* case 5 is truncated to 128 bits */
		const char *hex;
	} v[] = {
		{ k20b, 20, "Hi There", 8, 32,
		    "b0344c61d8db38535ca8afceaf0bf12b"
		    "881dc200c9833da726e9376c2e32cff7" },
		{ "Jefe", 4, "what do ya want for nothing?", 28, 32,
		    "5bdcc146bf60754e6a042426089575c7"
		    "5a003f089d2739839dec58b964ec3843" },
		{ k20a, 20, d50dd, 50, 32,
		    "773ea91e36800e46854db8ebd09181a7"
		    "2959098b3ef8c122d9635514ced565fe" },
		{ k25, 25, d50cd, 50, 32,
		    "82558a389a443c0ea4cc819899f2083a"
		    "85f0faa3e578f8077a2e3ff46729665b" },
		{ k20c, 20, "Test With Truncation", 20, 16,
		    "a3b6167473100ee06e0c796c2955552b" },
		{ k131, 131, "Test Using Larger Than Block-Size Key - "
		    "Hash Key First", 54, 32,
		    "60e431591ee0b67f0d8a26aacbf5b77f"
		    "8e0bc6213728c5140546040f0ee37f54" },
		{ k131, 131, "This is a test using a larger than block-size "
		    "key and a larger than block-size data. The key needs to "
		    "be hashed before being used by the HMAC algorithm.", 152,
		    32, "9b09ffa71b942fcb27635fbcd5b0e944"
		    "bfdc63644f0713938a7f51535c3a35e2" },
	};
	unsigned char out[WK_SHA256_LEN];
	size_t i;

	(void)state;
	memset(k20b, 0x0b, sizeof(k20b));
	memset(k20a, 0xaa, sizeof(k20a));
	memset(d50dd, 0xdd, sizeof(d50dd));
	for (i = 0; i < sizeof(k25); i++)
		k25[i] = (unsigned char)(i + 1);
	memset(d50cd, 0xcd, sizeof(d50cd));
	memset(k20c, 0x0c, sizeof(k20c));
	memset(k131, 0xaa, sizeof(k131));
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		wk_hmac_sha256(v[i].key, v[i].keylen, v[i].data, v[i].len,
		    out);
		assert_hex(out, v[i].outlen, v[i].hex);
	}
}

/* The incremental HMAC gives the one-shot answer, and can go on. */
static void
test_hmac_incremental(void **state)
{
	unsigned char a[WK_SHA256_LEN], b[WK_SHA256_LEN];
	wk_hmac_sha256_ctx m;

	(void)state;
	wk_hmac_sha256_init(&m, "Jefe", 4);
	wk_hmac_sha256_update(&m, "what do ya ", 11);
	wk_hmac_sha256_update(&m, NULL, 0);
	wk_hmac_sha256_update(&m, "want for nothing?", 17);
	wk_hmac_sha256_final(&m, a);
	assert_hex(a, sizeof(a), "5bdcc146bf60754e6a042426089575c7"
	    "5a003f089d2739839dec58b964ec3843");
	wk_hmac_sha256_update(&m, "!", 1);
	wk_hmac_sha256_final(&m, b);
	wk_hmac_sha256("Jefe", 4, "what do ya want for nothing?!", 29, a);
	assert_memory_equal(a, b, sizeof(a));
}

static void
test_pbkdf2_vectors(void **state)
{
	static const struct {
		const char *pw;
		size_t pwlen;
		const char *salt;
		size_t saltlen;
		unsigned long c;
		size_t dklen;
		const char *hex;
	} v[] = {
		/* RFC 7914 section 11 */
		{ "passwd", 6, "salt", 4, 1, 64,
		    "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57"
		    "c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd5"
		    "09112041d3a19783" },
		{ "Password", 8, "NaCl", 4, 80000, 64,
		    "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff0887"
		    "6b34ab56a1d425a1225833549adb841b51c9b3176a272bdebba1d078"
		    "478f62b397f33c8d" },
		/* RFC 6070's inputs with SHA-256 (answers from hashlib) */
		{ "password", 8, "salt", 4, 1, 32,
		    "120fb6cffcf8b32c43e7225256c4f837"
		    "a86548c92ccc35480805987cb70be17b" },
		{ "password", 8, "salt", 4, 2, 32,
		    "ae4d0c95af6b46d32d0adff928f06dd0"
		    "2a303f8ef3c251dfd6e2d85a95474c43" },
		{ "password", 8, "salt", 4, 4096, 32,
		    "c5e478d59288c841aa530db6845c4c8d"
		    "962893a001ce4e11a4963873aa98134a" },
		{ "passwordPASSWORDpassword", 24,
		    "saltSALTsaltSALTsaltSALTsaltSALTsalt", 36, 4096, 40,
		    "348c89dbcbd32b2f32d814b8116e84cf2b17347ebc1800181c4e2a1f"
		    "b8dd53e1c635518c7dac47e9" },
		{ "pass\0word", 9, "sa\0lt", 5, 4096, 16,
		    "89b69d0516f829893c696226650a8687" },
		/* a key longer than a block, an empty salt, a partial block */
		{ "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 100, "", 0,
		    3, 33,
		    "8bbb2417b3b8f12898ae6553195783b360877eef8935294d3f4000db"
		    "ecfd9b2295" },
	};
	unsigned char out[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		memset(out, 0, sizeof(out));
		assert_int_equal(wk_pbkdf2_sha256(v[i].pw, v[i].pwlen,
		    v[i].salt, v[i].saltlen, v[i].c, out, v[i].dklen), 0);
		assert_hex(out, v[i].dklen, v[i].hex);
	}
}

/* The textbook definition, one HMAC call per round: the slow reference. */
static void
ref_pbkdf2(const unsigned char *pw, size_t pwlen, const unsigned char *salt,
    size_t saltlen, unsigned long c, unsigned char *out, size_t outlen)
{
	unsigned char msg[128], u[WK_SHA256_LEN], t[WK_SHA256_LEN];
	uint32_t blk;
	unsigned long r;
	size_t done = 0, i, take;

	assert_true(saltlen + 4 <= sizeof(msg));
	for (blk = 1; done < outlen; blk++) {
		memcpy(msg, salt, saltlen);
		msg[saltlen] = (unsigned char)(blk >> 24);
		msg[saltlen + 1] = (unsigned char)(blk >> 16);
		msg[saltlen + 2] = (unsigned char)(blk >> 8);
		msg[saltlen + 3] = (unsigned char)blk;
		wk_hmac_sha256(pw, pwlen, msg, saltlen + 4, u);
		memcpy(t, u, sizeof(t));
		for (r = 1; r < c; r++) {
			wk_hmac_sha256(pw, pwlen, u, sizeof(u), u);
			for (i = 0; i < sizeof(t); i++)
				t[i] ^= u[i];
		}
		take = outlen - done < sizeof(t) ? outlen - done : sizeof(t);
		memcpy(out + done, t, take);
		done += take;
	}
}

/* Key sizes around the block size, where HMAC's key handling changes. */
static void
test_pbkdf2_matches_reference(void **state)
{
	static const size_t pwlens[] = { 0, 1, 31, 32, 63, 64, 65, 128, 200 };
	unsigned char pw[200], salt[40], a[70], b[70];
	size_t i;

	(void)state;
	assert_int_equal(wk_random_bytes(pw, sizeof(pw)), 0);
	assert_int_equal(wk_random_bytes(salt, sizeof(salt)), 0);
	for (i = 0; i < sizeof(pwlens) / sizeof(pwlens[0]); i++) {
		size_t saltlen = i * 4 % sizeof(salt);
		size_t dk = 1 + i * 8;
		ref_pbkdf2(pw, pwlens[i], salt, saltlen, 7, a, dk);
		assert_int_equal(wk_pbkdf2_sha256(pw, pwlens[i], salt, saltlen,
		    7, b, dk), 0);
		assert_memory_equal(a, b, dk);
	}
}

static void
test_pbkdf2_bad_arguments(void **state)
{
	unsigned char out[32];

	(void)state;
	memset(out, 0x77, sizeof(out));
	assert_int_equal(wk_pbkdf2_sha256("p", 1, "s", 1, 0, out, 32), -1);
	assert_int_equal(wk_pbkdf2_sha256("p", 1, "s", 1, 1, out, 0), -1);
	assert_int_equal(out[0], 0x77);  /* nothing written */
}

static void
test_ct_equal(void **state)
{
	(void)state;
	assert_int_equal(wk_ct_equal("abcd", "abcd", 4), 1);
	assert_int_equal(wk_ct_equal("abcd", "abce", 4), 0);
	assert_int_equal(wk_ct_equal("xbcd", "abcd", 4), 0);
	assert_int_equal(wk_ct_equal("\x80", "\x00", 1), 0);
	assert_int_equal(wk_ct_equal("\xff", "\xfe", 1), 0);
	assert_int_equal(wk_ct_equal("", "", 0), 1);
	assert_int_equal(wk_ct_streq("secret", "secret"), 1);
	assert_int_equal(wk_ct_streq("secret", "secreT"), 0);
	assert_int_equal(wk_ct_streq("secret", "secret2"), 0);
	assert_int_equal(wk_ct_streq("", ""), 1);
	assert_int_equal(wk_ct_streq(NULL, "x"), 0);
	assert_int_equal(wk_ct_streq("x", NULL), 0);
	assert_int_equal(wk_ct_streq(NULL, NULL), 0);
}

static const struct {
	const char *raw;
	const char *std;
	const char *nopad;
} b64v[] = {
	{ "", "", "" },
	{ "f", "Zg==", "Zg" },
	{ "fo", "Zm8=", "Zm8" },
	{ "foo", "Zm9v", "Zm9v" },
	{ "foob", "Zm9vYg==", "Zm9vYg" },
	{ "fooba", "Zm9vYmE=", "Zm9vYmE" },
	{ "foobar", "Zm9vYmFy", "Zm9vYmFy" },
};

static void
test_base64_rfc4648(void **state)
{
	char enc[32];
	unsigned char dec[32];
	size_t i, n, len;

	(void)state;
	for (i = 0; i < sizeof(b64v) / sizeof(b64v[0]); i++) {
		len = strlen(b64v[i].raw);
		n = wk_base64_encode(enc, sizeof(enc), b64v[i].raw, len, 0);
		assert_int_equal(n, strlen(b64v[i].std));
		assert_string_equal(enc, b64v[i].std);
		assert_int_equal(wk_base64_encoded_len(len, 0), n);
		assert_int_equal(wk_base64_decode(dec, sizeof(dec), &n, enc,
		    strlen(enc), 0), 0);
		assert_int_equal(n, len);
		assert_memory_equal(dec, b64v[i].raw, len);

		n = wk_base64_encode(enc, sizeof(enc), b64v[i].raw, len,
		    WK_B64_URL | WK_B64_NOPAD);
		assert_string_equal(enc, b64v[i].nopad);
		assert_int_equal(wk_base64_encoded_len(len, WK_B64_NOPAD), n);
		assert_int_equal(wk_base64_decode(dec, sizeof(dec), &n, enc,
		    strlen(enc), WK_B64_URL | WK_B64_NOPAD), 0);
		assert_int_equal(n, len);
		assert_memory_equal(dec, b64v[i].raw, len);
	}
}

/* The two alphabets differ exactly at 62 and 63. */
static void
test_base64_alphabets(void **state)
{
	static const unsigned char raw[] = { 0xfb, 0xff, 0xbf };
	char enc[8];
	unsigned char dec[8];
	size_t n;

	(void)state;
	assert_int_equal(wk_base64_encode(enc, sizeof(enc), raw, 3, 0), 4);
	assert_string_equal(enc, "+/+/");
	assert_int_equal(wk_base64_encode(enc, sizeof(enc), raw, 3,
	    WK_B64_URL), 4);
	assert_string_equal(enc, "-_-_");
	assert_int_equal(wk_base64_decode(dec, sizeof(dec), &n, "-_-_", 4,
	    WK_B64_URL), 0);
	assert_memory_equal(dec, raw, 3);
	/* each alphabet refuses the other's characters */
	assert_int_equal(wk_base64_decode(dec, sizeof(dec), &n, "-_-_", 4, 0),
	    -1);
	assert_int_equal(wk_base64_decode(dec, sizeof(dec), &n, "+/+/", 4,
	    WK_B64_URL), -1);
	assert_int_equal(wk_base64_decode(dec, sizeof(dec), &n, "+_-/", 4,
	    WK_B64_URL), -1);
}

static void
test_base64_strict(void **state)
{
	static const struct {
		const char *in;
		unsigned flags;
	} bad[] = {
		{ "Zg=", 0 },          /* length not a multiple of 4 */
		{ "Zg", 0 },           /* padding required */
		{ "Zh==", 0 },         /* non-zero unused bits */
		{ "Zm9=", 0 },         /* non-zero unused bits */
		{ "Zm9v\n", 0 },       /* whitespace */
		{ " Zm9v", 0 },
		{ "Zm=v", 0 },         /* '=' in the middle */
		{ "Zg==Zg==", 0 },     /* padding then more */
		{ "====", 0 },
		{ "Z===", 0 },
		{ "=Zg=", 0 },
		{ "Zm9v!A==", 0 },
		{ "Zm9\x80", 0 },
		{ "Zg==", WK_B64_NOPAD },   /* padding refused */
		{ "Z", WK_B64_NOPAD },      /* 1 mod 4 */
		{ "Zm9vY", WK_B64_NOPAD },
		{ "Zh", WK_B64_NOPAD },     /* non-zero unused bits */
		{ "Zm9", WK_B64_NOPAD },
	};
	unsigned char dec[16];
	size_t i, n = 99;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (wk_base64_decode(dec, sizeof(dec), &n, bad[i].in,
		    strlen(bad[i].in), bad[i].flags) != -1)
			fail_msg("accepted bad base64 \"%s\"", bad[i].in);
	}
	/* a NUL inside the counted length is refused too */
	assert_int_equal(wk_base64_decode(dec, sizeof(dec), &n, "Zm\0v", 4, 0),
	    -1);
	assert_int_equal(n, 99);  /* untouched on failure */
}

static void
test_base64_small_buffers(void **state)
{
	char enc[9];
	unsigned char dec[5];
	size_t n;

	(void)state;
	/* "foobar" needs 8 + NUL */
	assert_int_equal(wk_base64_encode(enc, 8, "foobar", 6, 0), (size_t)-1);
	assert_string_equal(enc, "");
	assert_int_equal(wk_base64_encode(enc, 9, "foobar", 6, 0), 8);
	assert_int_equal(wk_base64_encode(enc, 0, "", 0, 0), (size_t)-1);
	assert_int_equal(wk_base64_decode(dec, 5, &n, "Zm9vYmFy", 8, 0), -1);
	assert_int_equal(wk_base64_decode(dec, 5, &n, "Zm9vYmE=", 8, 0), 0);
	assert_int_equal(n, 5);
	assert_int_equal(wk_base64_encoded_len(SIZE_MAX, 0), 0);
}

/* Every byte string round-trips, in all flag combinations. */
static void
test_base64_roundtrip_random(void **state)
{
	unsigned char raw[100], dec[100];
	char enc[140];
	size_t len, n, m;
	unsigned flags;

	(void)state;
	assert_int_equal(wk_random_bytes(raw, sizeof(raw)), 0);
	for (flags = 0; flags < 4; flags++) {
		for (len = 0; len <= sizeof(raw); len++) {
			n = wk_base64_encode(enc, sizeof(enc), raw, len, flags);
			assert_int_equal(n, wk_base64_encoded_len(len, flags));
			assert_int_equal(wk_base64_decode(dec, sizeof(dec), &m,
			    enc, n, flags), 0);
			assert_int_equal(m, len);
			assert_memory_equal(dec, raw, len);
		}
	}
}

static void
test_hex(void **state)
{
	unsigned char dec[8];
	char enc[16];

	(void)state;
	assert_int_equal(wk_hex_encode(enc, sizeof(enc), "foobar", 6), 12);
	assert_string_equal(enc, "666f6f626172");
	assert_int_equal(wk_hex_decode(dec, sizeof(dec), "666F6f626172", 12),
	    6);
	assert_memory_equal(dec, "foobar", 6);
	assert_int_equal(wk_hex_decode(dec, sizeof(dec), "", 0), 0);
	assert_int_equal(wk_hex_decode(dec, sizeof(dec), "666", 3),
	    (size_t)-1);
	assert_int_equal(wk_hex_decode(dec, sizeof(dec), "6g", 2), (size_t)-1);
	assert_int_equal(wk_hex_decode(dec, sizeof(dec), " 6", 2), (size_t)-1);
	assert_int_equal(wk_hex_decode(dec, 2, "666f6f", 6), (size_t)-1);
	assert_int_equal(wk_hex_encode(enc, 12, "foobar", 6), (size_t)-1);
	assert_string_equal(enc, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_fips),
		cmocka_unit_test(test_sha256_million_a),
		cmocka_unit_test(test_hmac_rfc4231),
		cmocka_unit_test(test_hmac_incremental),
		cmocka_unit_test(test_pbkdf2_vectors),
		cmocka_unit_test(test_pbkdf2_matches_reference),
		cmocka_unit_test(test_pbkdf2_bad_arguments),
		cmocka_unit_test(test_ct_equal),
		cmocka_unit_test(test_base64_rfc4648),
		cmocka_unit_test(test_base64_alphabets),
		cmocka_unit_test(test_base64_strict),
		cmocka_unit_test(test_base64_small_buffers),
		cmocka_unit_test(test_base64_roundtrip_random),
		cmocka_unit_test(test_hex),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
