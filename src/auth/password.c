/*
 * password.c - Django-format password hashes and the password validators
 * (see password.h).
 *
 * Parsing a stored hash is strict: exactly four '$'-separated fields, a
 * decimal iteration count in range, a salt without '$', and a canonical
 * base64 hash of 32 bytes.  Anything else simply does not match; it never
 * crashes and never hashes with attacker-chosen huge costs.
 *
 * The common-password list is data everyone knows (the top of every
 * leaked-password ranking), written down here as one sorted array so a
 * lookup is a bisection and nothing is loaded at run time.
 */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wick/core/crypto.h"
#include "wick/auth/password.h"

#define HASH_LEN WK_SHA256_LEN
#define PREFIX WK_PASSWORD_ALGORITHM "$"
#define MAX_SALT_PARSE 256      /* longest salt accepted in a stored hash */
#define SIMILARITY_MAX_CHARS 4096
#define COMMON_MAX_LEN 64       /* longer candidates are never common */

/*
 * The most common passwords, lowercase, sorted by strcmp (byte order);
 * wk_password_common_list_ok() checks both.  Django's validator compares
 * the lowercased password, so entries are lowercase too.
 */
static const char *const common_passwords[] = {
	"0000", "000000", "00000000", "01234567", "0123456789", "102030",
	"1111", "11111", "111111", "1111111", "11111111", "111111111",
	"1111111111", "11112222", "112233", "11223344", "1122334455", "121212",
	"12121212", "121314", "123123", "12312312", "123123123", "1231234",
	"123321", "1234", "123412", "12341234", "12344321", "12345",
	"1234512345", "1234554321", "123456", "123456123", "1234567",
	"12345678", "123456789", "1234567890", "123456789a", "123456789q",
	"1234567a", "123456a", "12345a", "12345qwert", "12345qwerty",
	"1234abcd", "1234qwer", "123654", "123654789", "123789", "123987",
	"123abc", "123asd", "123qwe", "123qweasd", "123qweasdzxc", "12qwaszx",
	"131313", "147258", "147258369", "147852", "147852369", "159357",
	"159753", "1password", "1q2w3e", "1q2w3e4r", "1q2w3e4r5", "1q2w3e4r5t",
	"1q2w3e4r5t6y", "1qaz1qaz", "1qaz2wsx", "1qaz2wsx3edc", "1qazxsw2",
	"2000", "2222", "222222", "232323", "321654", "333333", "4321",
	"456123", "456789", "5201314", "54321", "555555", "654321", "666666",
	"696969", "741852963", "7654321", "777777", "7777777", "789456",
	"789456123", "8675309", "87654321", "888888", "88888888", "963852741",
	"98765", "987654", "987654321", "999999", "a123456", "a1b2c3",
	"a1b2c3d4", "aa123456", "aaaaa", "aaaaaa", "aaaaaaaa", "abc", "abc123",
	"abc12345", "abc123456", "abcabc", "abcd1234", "abcde", "abcdef",
	"abcdefg", "abcdefgh", "access", "access14", "adidas", "admin",
	"admin123", "adminadmin", "administrator", "administrator1", "amanda",
	"amanda1", "america", "andrea", "andrew", "andrew1", "angel", "angel1",
	"angels", "anthony", "apple", "apple123", "arsenal", "asd123",
	"asdasd", "asdf", "asdf1234", "asdfasdf", "asdfg", "asdfgh",
	"asdfghjk", "asdfghjkl", "ashley", "ashley1", "austin", "autumn2023",
	"azerty", "azerty123", "babygirl", "backup", "badboy", "bailey",
	"bailey1", "banana", "banana1", "barcelona", "barney", "baseball",
	"baseball1", "baseball123", "basketball", "batman", "batman1", "bear",
	"bears", "bigdog", "biteme", "blessed", "blink182", "bonjour",
	"booboo", "boomer", "boston", "brandon", "brandy", "brazil", "bulldog",
	"bulldogs", "buster", "buster1", "butterfly", "camaro", "canada",
	"casper", "changeit", "changeme", "changeme1", "charles", "charlie",
	"charlie1", "charlie123", "cheese", "cheese123", "chelsea", "chelsea1",
	"chester", "chicago", "chicken", "chocolate", "chris", "christ",
	"cocacola", "coffee", "compaq", "computer", "computer1", "cookie",
	"corvette", "cougar", "cowboy", "cowboys", "crystal", "dakota",
	"dallas", "daniel", "daniel1", "database", "default", "demo",
	"demo123", "diablo", "diamond", "dolphin", "dolphins", "dragon",
	"dragon1", "dragon123", "eagle", "eagles", "edward", "eminem", "enter",
	"facebook", "falcon", "falcon1", "fender", "ferrari", "fishing",
	"flower", "flower1", "football", "football1", "football123", "forever",
	"france", "freedom", "freedom1", "gandalf", "gateway", "george",
	"germany", "gfhjkm", "ghbdtn", "ginger", "ginger1", "god", "golden",
	"golfer", "google", "guest", "guitar", "hallo", "hallo123", "hammer",
	"hannah", "hannah1", "hardcore", "harley", "hawk", "heather", "hello",
	"hello123", "hockey", "hockey1", "hotmail", "hunter", "hunter1",
	"hunter2", "iceman", "iloveu", "iloveyou", "iloveyou1", "iloveyou2",
	"internet", "internet1", "iphone", "ironman", "jackson", "james",
	"jasmine", "jasmine1", "jasper", "jennifer", "jennifer1", "jessica",
	"jessica1", "jesus", "jesus1", "johnny", "jordan", "jordan23",
	"joseph", "joshua", "joshua1", "junior", "justin", "juventus",
	"killer", "killer1", "klaster", "knight", "lakers", "letmein",
	"letmein!", "letmein1", "letmein123", "letmeinplease", "liberty",
	"linux", "lion", "liverpool", "login", "lol123", "london", "love",
	"lovely", "loveme", "lucky", "lucky1", "lucky7", "maggie", "maggie1",
	"manager", "manchester", "marina", "marine", "marlboro", "martin",
	"master", "master1", "master123", "matrix", "matthew", "matthew1",
	"maverick", "melissa", "mercedes", "merlin", "metallica", "mexico",
	"michael", "michael1", "michelle", "michelle1", "mickey", "midnight",
	"miller", "minecraft", "molly", "money", "monkey", "monkey1",
	"monkey123", "monster", "morgan", "motdepasse", "mother", "mustang",
	"mypass", "mypassword", "mysql", "naruto", "nascar", "natasha",
	"ncc1701", "nicole", "nicole1", "nikita", "nirvana", "nokia",
	"nothing", "oliver", "oracle", "orange", "orange1", "p@55w0rd",
	"p@ssw0rd", "p@ssword", "pa$$word", "panther", "panthers", "pass",
	"pass123", "pass1234", "passw0rd", "password", "password!",
	"password1", "password12", "password123", "password2020",
	"password2021", "password2022", "password2023", "password2024",
	"passwort", "patrick", "peanut", "pepper", "pepper1", "phoenix",
	"phoenix1", "pizza", "player", "please", "pokemon", "porsche",
	"postgres", "prince", "princesa", "princess", "princess1", "purple",
	"purple123", "q1w2e3", "q1w2e3r4", "q1w2e3r4t5", "qazwsx", "qazwsxedc",
	"qazxsw", "qwe123", "qwe123qwe", "qweasdzxc", "qweqwe", "qwer1234",
	"qwert", "qwerty", "qwerty1", "qwerty12", "qwerty123", "qwerty1234",
	"qwerty123456", "qwerty7", "qwertyu", "qwertyui", "qwertyuiop",
	"qwertz", "rabbit", "rachel", "raiders", "ranger", "ranger1",
	"rangers", "realmadrid", "redsox", "richard", "robert", "robert1",
	"rocky", "rockyou", "root", "rootroot", "samantha", "samantha1",
	"samsung", "samsung1", "schatz", "scooby", "scooter", "secret",
	"secret1", "secret123", "senha", "senha123", "server", "shadow",
	"shadow1", "silver", "slayer", "slipknot", "smokey", "snoopy",
	"snowball", "soccer", "soccer1", "soccer123", "soleil", "sophie",
	"sparky", "spider", "spiderman", "spring2023", "spring2024",
	"starwars", "starwars1", "steelers", "steven", "summer", "summer2020",
	"summer2021", "summer2022", "summer2023", "summer2024", "sunshine",
	"sunshine1", "superman", "superman1", "superuser", "supervisor",
	"sysadmin", "system", "taylor", "teamo", "temp", "temp123", "tennis",
	"tequiero", "test", "test123", "test1234", "thomas", "thomas1",
	"thunder", "tiger", "tigers", "tigger", "tigger1", "toor", "trustme",
	"trustno1", "ubuntu", "user", "user123", "victoria", "volleyball",
	"webmaster", "welcome", "welcome1", "welcome123", "welcome2023",
	"welcome2024", "whatever", "whatever1", "william", "william1",
	"windows", "winner", "winter", "winter2020", "winter2021",
	"winter2022", "winter2023", "winter2024", "wizard", "woaini",
	"woaini1314", "wolf", "wolves", "xxxxxx", "yahoo", "yamaha", "yankees",
	"yellow", "zaq12wsx", "zaq1zaq1", "zxcv", "zxcvbn", "zxcvbnm",
	"zxcvbnm1", "zxczxc",
};

#define N_COMMON (sizeof(common_passwords) / sizeof(common_passwords[0]))

/* A stored hash, split into its fields (pointers into the string). */
struct parsed {
	unsigned long iterations;
	const char *salt;
	size_t salt_len;
	unsigned char hash[HASH_LEN];
};

/* Parse "pbkdf2_sha256$ITER$SALT$HASH".  0, or -1 when malformed. */
static int
parse_encoded(const char *enc, struct parsed *p)
{
	const char *s, *salt_end, *h;
	unsigned long v = 0;
	size_t digits = 0, n;

	if (enc == NULL || strncmp(enc, PREFIX, sizeof(PREFIX) - 1) != 0)
		return -1;
	s = enc + sizeof(PREFIX) - 1;
	while (*s >= '0' && *s <= '9') {
		if (++digits > 9)
			return -1;
		v = v * 10 + (unsigned long)(*s - '0');
		s++;
	}
	if (digits == 0 || *s != '$' || v == 0 ||
	    v > (unsigned long)WK_PASSWORD_MAX_ITERATIONS)
		return -1;
	p->iterations = v;
	p->salt = ++s;
	salt_end = strchr(s, '$');
	if (salt_end == NULL)
		return -1;
	p->salt_len = (size_t)(salt_end - s);
	if (p->salt_len > MAX_SALT_PARSE)
		return -1;
	h = salt_end + 1;
	n = strlen(h);
	if (wk_base64_decode(p->hash, sizeof(p->hash), &n, h, n, 0) != 0 ||
	    n != HASH_LEN)
		return -1;
	return 0;
}

/* A salt we are willing to write: printable ASCII, no '$', bounded. */
static int
salt_ok(const char *salt)
{
	size_t i;

	for (i = 0; salt[i] != '\0'; i++)
		if (i >= WK_PASSWORD_SALT_MAX || salt[i] == '$' ||
		    salt[i] <= ' ' || salt[i] > '~')
			return 0;
	return i > 0;
}

/* see password.h */
int
wk_password_make(char *out, size_t outsz, const char *password,
    size_t pwlen, long iterations, const char *salt)
{
	char gen[WK_PASSWORD_SALT_CHARS + 1];
	char b64[48];
	unsigned char hash[HASH_LEN];
	int n, rc = WK_PASSWORD_BAD_ARGS;

	if (outsz > 0)
		out[0] = '\0';
	if (pwlen > WK_PASSWORD_MAX_BYTES)
		return WK_PASSWORD_TOO_LONG;
	if (iterations == 0)
		iterations = WK_PASSWORD_DEFAULT_ITERATIONS;
	if (iterations < 1 || iterations > WK_PASSWORD_MAX_ITERATIONS ||
	    outsz == 0 || (password == NULL && pwlen > 0))
		return WK_PASSWORD_BAD_ARGS;
	if (salt == NULL) {
		if (wk_crypto_random_chars(gen, WK_PASSWORD_SALT_CHARS,
		    WK_ALNUM_CHARS, sizeof(WK_ALNUM_CHARS) - 1) != 0)
			return WK_PASSWORD_FAILED;
		salt = gen;
	} else if (!salt_ok(salt)) {
		return WK_PASSWORD_BAD_ARGS;
	}
	if (wk_pbkdf2_sha256(password, pwlen, salt, strlen(salt),
	    (unsigned long)iterations, hash, sizeof(hash)) != 0)
		goto fail;
	if (wk_base64_encode(b64, sizeof(b64), hash, sizeof(hash), 0) ==
	    (size_t)-1)
		goto fail;
	n = snprintf(out, outsz, "%s%ld$%s$%s", PREFIX, iterations, salt,
	    b64);
	if (n < 0 || (size_t)n >= outsz) {
		out[0] = '\0';
		goto fail;
	}
	rc = WK_PASSWORD_OK;
fail:
	explicit_bzero(hash, sizeof(hash));
	return rc;
}

/* see password.h */
int
wk_password_check(const char *password, size_t pwlen, const char *encoded)
{
	unsigned char hash[HASH_LEN];
	struct parsed p;
	int ok;

	if (pwlen > WK_PASSWORD_MAX_BYTES || (password == NULL && pwlen > 0))
		return 0;
	if (!wk_password_is_usable(encoded) || parse_encoded(encoded, &p) != 0)
		return 0;
	if (wk_pbkdf2_sha256(password, pwlen, p.salt, p.salt_len,
	    p.iterations, hash, sizeof(hash)) != 0)
		return 0;
	ok = wk_ct_equal(hash, p.hash, sizeof(hash));
	explicit_bzero(hash, sizeof(hash));
	return ok;
}

/* see password.h */
int
wk_password_dummy_check(const char *password, size_t pwlen, long iterations)
{
	static const char salt[] = "wickdummysaltwickdummy";
	unsigned char hash[HASH_LEN];

	if (pwlen > WK_PASSWORD_MAX_BYTES || (password == NULL && pwlen > 0))
		return 0;
	if (iterations <= 0 || iterations > WK_PASSWORD_MAX_ITERATIONS)
		iterations = WK_PASSWORD_DEFAULT_ITERATIONS;
	(void)wk_pbkdf2_sha256(password, pwlen, salt, sizeof(salt) - 1,
	    (unsigned long)iterations, hash, sizeof(hash));
	explicit_bzero(hash, sizeof(hash));
	return 0;
}

/* see password.h */
int
wk_password_needs_rehash(const char *encoded, long iterations)
{
	struct parsed p;

	if (!wk_password_is_usable(encoded))
		return 0;
	if (strncmp(encoded, PREFIX, sizeof(PREFIX) - 1) != 0)
		return 1;  /* another hasher: replace at the next login */
	if (parse_encoded(encoded, &p) != 0)
		return 0;
	if (iterations <= 0)
		iterations = WK_PASSWORD_DEFAULT_ITERATIONS;
	if (p.iterations < (unsigned long)iterations)
		return 1;
	/* Django: fewer than 128 bits at log2(62) bits per character. */
	return p.salt_len < WK_PASSWORD_SALT_CHARS;
}

/* see password.h */
int
wk_password_make_unusable(char *out, size_t outsz)
{
	if (outsz < 42) {
		if (outsz > 0)
			out[0] = '\0';
		return -1;
	}
	out[0] = WK_PASSWORD_UNUSABLE_PREFIX;
	if (wk_crypto_random_chars(out + 1, 40, WK_ALNUM_CHARS,
	    sizeof(WK_ALNUM_CHARS) - 1) != 0) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}

/* see password.h */
int
wk_password_is_usable(const char *encoded)
{
	return encoded != NULL && encoded[0] != WK_PASSWORD_UNUSABLE_PREFIX;
}

/* ---- validators --------------------------------------------------------- */

/*
 * Decode one UTF-8 character at s (at most n bytes) into *cp; returns its
 * length.  An invalid byte decodes as itself + 0xDC00 (Python's
 * surrogateescape), length 1, so every byte string has a decoding.
 */
static size_t
utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c = s[0], min;
	size_t len, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		c &= 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		c &= 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		c &= 0x07;
		min = 0x10000;
	} else {
		goto bad;
	}
	if (len > n)
		goto bad;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			goto bad;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		goto bad;
	*cp = c;
	return len;
bad:
	*cp = 0xdc00 + s[0];
	return 1;
}

/* see password.h */
size_t
wk_password_length(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, count = 0;
	uint32_t cp;

	while (i < n) {
		i += utf8_next(p + i, n - i, &cp);
		count++;
	}
	return count;
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	    c == '\v' || c == '\f';
}

static int
bsearch_cmp(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

/* see password.h */
int
wk_password_is_common(const char *password)
{
	char low[COMMON_MAX_LEN + 1];
	size_t start = 0, end = strlen(password), i;

	while (start < end && is_space(password[start]))
		start++;
	while (end > start && is_space(password[end - 1]))
		end--;
	if (end - start > COMMON_MAX_LEN)
		return 0;
	for (i = start; i < end; i++) {
		char c = password[i];
		low[i - start] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
	}
	low[end - start] = '\0';
	return bsearch(low, common_passwords, N_COMMON,
	    sizeof(common_passwords[0]), bsearch_cmp) != NULL;
}

/* see password.h */
int
wk_password_common_list_ok(void)
{
	size_t i, j;

	for (i = 0; i < N_COMMON; i++) {
		const char *w = common_passwords[i];
		if (w[0] == '\0' || strlen(w) > COMMON_MAX_LEN)
			return 0;
		for (j = 0; w[j] != '\0'; j++)
			if ((w[j] >= 'A' && w[j] <= 'Z') || is_space(w[j]))
				return 0;
		if (i > 0 && strcmp(common_passwords[i - 1], w) >= 0)
			return 0;
	}
	return 1;
}

/* see password.h */
int
wk_password_is_numeric(const char *password)
{
	size_t i;

	for (i = 0; password[i] != '\0'; i++)
		if (password[i] < '0' || password[i] > '9')
			return 0;
	return i > 0;
}

/* Code points of n bytes of s, ASCII lowercased, at most max of them. */
static size_t
to_points(const char *s, size_t n, uint32_t *out, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k = 0;
	uint32_t cp;

	while (i < n && k < max) {
		i += utf8_next(p + i, n - i, &cp);
		if (cp >= 'A' && cp <= 'Z')
			cp += 32;
		out[k++] = cp;
	}
	return k;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* Size of the multiset intersection of two sorted arrays. */
static size_t
common_count(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
	size_t i = 0, j = 0, m = 0;

	while (i < na && j < nb) {
		if (a[i] == b[j]) {
			m++;
			i++;
			j++;
		} else if (a[i] < b[j]) {
			i++;
		} else {
			j++;
		}
	}
	return m;
}

/* Scratch for the similarity measure: the sorted password and a value. */
struct sim {
	uint32_t pw[SIMILARITY_MAX_CHARS];
	size_t npw;
	uint32_t val[SIMILARITY_MAX_CHARS];
};

/* Is the part (n bytes of s) too similar to the prepared password? */
static int
part_too_similar(struct sim *sm, const char *s, size_t n)
{
	size_t nv, m;

	nv = to_points(s, n, sm->val, SIMILARITY_MAX_CHARS);
	/* Django's exceeds_maximum_length_ratio with max_similarity 0.7 */
	if (sm->npw >= 10 * nv && 20 * nv < 7 * sm->npw)
		return 0;
	qsort(sm->val, nv, sizeof(sm->val[0]), cmp_u32);
	m = common_count(sm->pw, sm->npw, sm->val, nv);
	/* quick_ratio = 2m / (npw + nv) >= 0.7 */
	return 20 * m >= 7 * (sm->npw + nv) && sm->npw + nv > 0;
}

/* Word characters for the split: ASCII alnum, '_', and non-ASCII. */
static int
is_word(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
}

/* see password.h */
int
wk_password_too_similar(const char *password, const char *value)
{
	static struct sim sm;  /* 32 KiB, off the stack (single-threaded) */
	size_t n, i, start;

	if (password == NULL || value == NULL || value[0] == '\0')
		return 0;
	sm.npw = to_points(password, strlen(password), sm.pw,
	    SIMILARITY_MAX_CHARS);
	qsort(sm.pw, sm.npw, sizeof(sm.pw[0]), cmp_u32);
	n = strlen(value);
	if (part_too_similar(&sm, value, n))
		return 1;
	for (i = 0; i < n; ) {
		while (i < n && !is_word((unsigned char)value[i]))
			i++;
		start = i;
		while (i < n && is_word((unsigned char)value[i]))
			i++;
		if (i > start && !(start == 0 && i == n) &&
		    part_too_similar(&sm, value + start, i - start))
			return 1;
	}
	return 0;
}

/* see password.h */
double
wk_password_similarity(const char *a, const char *b)
{
	static struct sim sm;
	size_t nv, m;

	sm.npw = to_points(a, strlen(a), sm.pw, SIMILARITY_MAX_CHARS);
	nv = to_points(b, strlen(b), sm.val, SIMILARITY_MAX_CHARS);
	if (sm.npw + nv == 0)
		return 0.0;
	qsort(sm.pw, sm.npw, sizeof(sm.pw[0]), cmp_u32);
	qsort(sm.val, nv, sizeof(sm.val[0]), cmp_u32);
	m = common_count(sm.pw, sm.npw, sm.val, nv);
	return 2.0 * (double)m / (double)(sm.npw + nv);
}

/* Store message msg (or count it when msgs is full). */
static int
add_msg(const char **msgs, size_t max, size_t *count, const char *msg)
{
	if (msg == NULL)
		return -1;
	if (*count < max)
		msgs[*count] = msg;
	(*count)++;
	return 0;
}

/* see password.h */
size_t
wk_password_validate(wk_arena *a, const char *password,
    const struct wk_password_user *user, size_t min_length,
    const char **msgs, size_t max)
{
	static const struct {
		size_t off;
		const char *name;
	} attrs[] = {
		{ offsetof(struct wk_password_user, username), "username" },
		{ offsetof(struct wk_password_user, first_name), "first name" },
		{ offsetof(struct wk_password_user, last_name), "last name" },
		{ offsetof(struct wk_password_user, email), "email address" },
	};
	size_t count = 0, i;
	const char *v;

	if (min_length == 0)
		min_length = WK_PASSWORD_MIN_LENGTH;
	if (strlen(password) > WK_PASSWORD_MAX_BYTES) {
		if (add_msg(msgs, max, &count, wk_arena_printf(a,
		    "This password is too long. It must contain at most %d "
		    "bytes.", WK_PASSWORD_MAX_BYTES)) != 0)
			return (size_t)-1;
		return count;
	}
	/* Django's order: similarity, length, common, numeric. */
	for (i = 0; user != NULL && i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		v = *(const char *const *)(const void *)((const char *)user +
		    attrs[i].off);
		if (wk_password_too_similar(password, v)) {
			if (add_msg(msgs, max, &count, wk_arena_printf(a,
			    "The password is too similar to the %s.",
			    attrs[i].name)) != 0)
				return (size_t)-1;
			break;
		}
	}
	if (wk_password_length(password) < min_length &&
	    add_msg(msgs, max, &count, wk_arena_printf(a,
	    "This password is too short. It must contain at least %zu "
	    "character%s.", min_length, min_length == 1 ? "" : "s")) != 0)
		return (size_t)-1;
	if (wk_password_is_common(password) && add_msg(msgs, max, &count,
	    "This password is too common.") != 0)
		return (size_t)-1;
	if (wk_password_is_numeric(password) && add_msg(msgs, max, &count,
	    "This password is entirely numeric.") != 0)
		return (size_t)-1;
	return count;
}
