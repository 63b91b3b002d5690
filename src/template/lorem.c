/*
 * lorem.c - {% lorem %}: placeholder Latin for page mock-ups.
 *
 * Django's tag prints a fixed text for its common forms (the classic
 * "Lorem ipsum dolor sit amet..." paragraph, and its first 19 words) and
 * random Latin otherwise; Wick prints the same fixed text, so a page
 * mocked up under Django looks the same, and takes the random words from
 * wk_random_bytes.  Kept out of the renderer because of the word tables
 * and the randomness, which the build-time checker never needs.  The
 * tables are Django's data (its tests compare the fixed text byte for
 * byte); the random words are kept sorted, since only the set matters.
 *
 * Every word written is charged to the render's step limit, so
 * {% lorem 1000000000 %} stops like any other runaway render.
 */
#include <stdint.h>
#include <string.h>

#include "wick/core/random.h"
#include "internal.h"

static const char lorem_common_p[] =
	"Lorem ipsum dolor sit amet, consectetur adipisicing elit, sed "
	"do eiusmod tempor incididunt ut labore et dolore magna aliqua. "
	"Ut enim ad minim veniam, quis nostrud exercitation ullamco "
	"laboris nisi ut aliquip ex ea commodo consequat. Duis aute "
	"irure dolor in reprehenderit in voluptate velit esse cillum "
	"dolore eu fugiat nulla pariatur. Excepteur sint occaecat "
	"cupidatat non proident, sunt in culpa qui officia deserunt "
	"mollit anim id est laborum.";

static const char *const lorem_common[] = {
	"lorem", "ipsum", "dolor", "sit", "amet", "consectetur",
	"adipisicing", "elit", "sed", "do", "eiusmod", "tempor",
	"incididunt", "ut", "labore", "et", "dolore", "magna", "aliqua",
};

static const char *const lorem_words[] = {
	"a", "ab", "accusamus", "accusantium", "ad", "adipisci", "alias",
	"aliquam", "aliquid", "amet", "animi", "aperiam", "architecto",
	"asperiores", "aspernatur", "assumenda", "at", "atque", "aut",
	"autem", "beatae", "blanditiis", "commodi", "consectetur",
	"consequatur", "consequuntur", "corporis", "corrupti", "culpa",
	"cum", "cumque", "cupiditate", "debitis", "delectus", "deleniti",
	"deserunt", "dicta", "dignissimos", "distinctio", "dolor", "dolore",
	"dolorem", "doloremque", "dolores", "doloribus", "dolorum",
	"ducimus", "ea", "eaque", "earum", "eius", "eligendi", "enim", "eos",
	"error", "esse", "est", "et", "eum", "eveniet", "ex", "excepturi",
	"exercitationem", "expedita", "explicabo", "facere", "facilis",
	"fuga", "fugiat", "fugit", "harum", "hic", "id", "illo", "illum",
	"impedit", "in", "incidunt", "inventore", "ipsa", "ipsam", "ipsum",
	"iste", "itaque", "iure", "iusto", "labore", "laboriosam", "laborum",
	"laudantium", "libero", "magnam", "magni", "maiores", "maxime",
	"minima", "minus", "modi", "molestiae", "molestias", "mollitia",
	"nam", "natus", "necessitatibus", "nemo", "neque", "nesciunt",
	"nihil", "nisi", "nobis", "non", "nostrum", "nulla", "numquam",
	"obcaecati", "odio", "odit", "officia", "officiis", "omnis", "optio",
	"pariatur", "perferendis", "perspiciatis", "placeat", "porro",
	"possimus", "praesentium", "provident", "quae", "quaerat", "quam",
	"quas", "quasi", "qui", "quia", "quibusdam", "quidem", "quis",
	"quisquam", "quo", "quod", "quos", "ratione", "recusandae",
	"reiciendis", "rem", "repellat", "repellendus", "reprehenderit",
	"repudiandae", "rerum", "saepe", "sapiente", "sed", "sequi",
	"similique", "sint", "sit", "soluta", "sunt", "suscipit", "tempora",
	"tempore", "temporibus", "tenetur", "totam", "ullam", "unde", "ut",
	"vel", "velit", "veniam", "veritatis", "vero", "vitae", "voluptas",
	"voluptate", "voluptatem", "voluptates", "voluptatibus",
	"voluptatum",
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define NWORDS NELEM(lorem_words)

/* Random numbers from wk_random_bytes, fetched a batch at a time. */
struct lorem_rng {
	uint32_t pool[16];
	size_t left;
	int failed;
};

/* A uniform number in [0, n), n > 0 (rejection keeps it unbiased). */
static size_t
rng_below(struct lorem_rng *g, size_t n)
{
	uint32_t x, limit = UINT32_MAX - UINT32_MAX % (uint32_t)n;

	for (;;) {
		if (g->left == 0) {
			if (wk_random_bytes(g->pool, sizeof(g->pool)) != 0) {
				g->failed = 1;
				return 0;
			}
			g->left = NELEM(g->pool);
		}
		x = g->pool[--g->left];
		if (x < limit)
			return x % (uint32_t)n;
	}
}

/* lo..hi inclusive, as Python's random.randint. */
static size_t
rng_between(struct lorem_rng *g, size_t lo, size_t hi)
{
	return lo + rng_below(g, hi - lo + 1);
}

struct lorem {
	struct tpl_render *r;
	const struct tpl_node *n;
	wk_buf *out;
	struct lorem_rng rng;
};

/*
 * k distinct random words (k <= NWORDS; Python's random.sample) joined by
 * spaces; the first letter upper-cased when cap is set.  0 or -1.
 */
static int
lorem_sample(struct lorem *l, size_t k, int cap)
{
	unsigned char idx[NWORDS];
	size_t i, j;
	unsigned char t;

	if (tpl_charge(l->r, l->n, k) != 0)
		return -1;
	for (i = 0; i < NWORDS; i++)
		idx[i] = (unsigned char)i;
	for (i = 0; i < k; i++) {
		j = i + rng_below(&l->rng, NWORDS - i);
		t = idx[i], idx[i] = idx[j], idx[j] = t;
		if (i > 0)
			wk_buf_putc(l->out, ' ');
		if (cap && i == 0) {
			const char *w = lorem_words[idx[i]];

			wk_buf_putc(l->out, (char)(w[0] - 'a' + 'A'));
			wk_buf_puts(l->out, w + 1);
		} else
			wk_buf_puts(l->out, lorem_words[idx[i]]);
	}
	return l->rng.failed ? -1 : 0;
}

/* count words: Django's words(): the common words first unless random,
 * then random ones; a negative count slices the common words from the
 * end as Python's list[:count] does. */
static int
lorem_words_out(struct lorem *l, long long count, int common)
{
	size_t ncommon = common ? NELEM(lorem_common) : 0, take, i, k;

	if (count < 0)
		take = (unsigned long long)-count >= ncommon ? 0 :
		    ncommon - (size_t)-count;
	else
		take = (unsigned long long)count < ncommon ? (size_t)count :
		    ncommon;
	if (tpl_charge(l->r, l->n, take) != 0)
		return -1;
	for (i = 0; i < take; i++) {
		if (i > 0)
			wk_buf_putc(l->out, ' ');
		wk_buf_puts(l->out, lorem_common[i]);
	}
	if (count <= 0 || (unsigned long long)count <= ncommon)
		return 0;
	count -= (long long)ncommon;
	while (count > 0) {
		k = (unsigned long long)count < NWORDS ? (size_t)count : NWORDS;
		if (take > 0)
			wk_buf_putc(l->out, ' ');
		if (lorem_sample(l, k, 0) != 0)
			return -1;
		take += k;
		count -= (long long)k;
	}
	return 0;
}

/* One random paragraph: 1-4 sentences of 1-5 comma-joined sections of
 * 3-12 words, each starting upper-case and ending in '.' or '?'. */
static int
lorem_paragraph(struct lorem *l)
{
	size_t ns = rng_between(&l->rng, 1, 4), nsec, s, c;

	for (s = 0; s < ns; s++) {
		if (s > 0)
			wk_buf_putc(l->out, ' ');
		nsec = rng_between(&l->rng, 1, 5);
		for (c = 0; c < nsec; c++) {
			if (c > 0)
				wk_buf_puts(l->out, ", ");
			if (lorem_sample(l, rng_between(&l->rng, 3, 12),
			    c == 0) != 0)
				return -1;
		}
		wk_buf_putc(l->out, rng_below(&l->rng, 2) ? '?' : '.');
	}
	return l->rng.failed ? -1 : 0;
}

/* Python's int() of a count: an integer, a real truncated, or text of
 * digits; anything else is Django's fallback of 1. */
static long long
lorem_count(const struct wk_value *v)
{
	long long i;

	switch (v->kind) {
	case WK_VAL_INT:
		return v->u.i;
	case WK_VAL_BOOL:
		return v->u.b != 0;
	case WK_VAL_REAL:
		if (v->u.r > -1e18 && v->u.r < 1e18)
			return (long long)v->u.r;
		return 1;
	case WK_VAL_STR:
	case WK_VAL_SAFE:
		if (v->u.s.n > 0 && wk_value_to_int(v, &i) == 0) {
			const char *q = memchr(v->u.s.p, '.', v->u.s.n);

			if (q == NULL && memchr(v->u.s.p, 'e', v->u.s.n) ==
			    NULL && memchr(v->u.s.p, 'E', v->u.s.n) == NULL)
				return i;
		}
		return 1;
	default:
		return 1;
	}
}

/* see internal.h */
int
tpl_render_lorem(struct tpl_render *r, const struct tpl_node *n)
{
	struct lorem l;
	struct wk_value v;
	long long count, k;
	int common = !n->u.lorem.random;

	if (tpl_eval(r, n->u.lorem.count, &v) != 0)
		return -1;
	count = lorem_count(&v);
	memset(&l, 0, sizeof(l));
	l.r = r;
	l.n = n;
	l.out = r->out;
	if (n->u.lorem.method == 'w') {
		if (lorem_words_out(&l, count, common) != 0)
			goto fail;
		return 0;
	}
	for (k = 0; k < count; k++) {
		if (k > 0)
			wk_buf_puts(r->out, "\n\n");
		if (n->u.lorem.method == 'p')
			wk_buf_puts(r->out, "<p>");
		if (common && k == 0) {
			if (tpl_charge(r, n, NELEM(lorem_common)) != 0)
				return -1;
			wk_buf_puts(r->out, lorem_common_p);
		} else if (lorem_paragraph(&l) != 0)
			goto fail;
		if (n->u.lorem.method == 'p')
			wk_buf_puts(r->out, "</p>");
		if (r->out->failed)
			return tpl_fail(r, n, "out of memory");
	}
	return 0;
fail:
	if (l.rng.failed)
		return tpl_fail(r, n, "'lorem': no randomness");
	return -1;
}
