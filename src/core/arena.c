/*
 * arena.c - the per-request bump allocator (see arena.h).
 *
 * Chunks come from malloc and are chained newest-first.  Small allocations
 * share a chunk; a request larger than a quarter chunk gets a chunk of its
 * own so that one big body does not waste the tail of the current chunk.
 *
 * The very first chunk of the process comes from a static buffer instead:
 * a small request (/hello) then never initialises malloc, never maps a
 * fresh 64 KiB region and never unmaps it - measurably fewer page faults
 * and system calls on the path every request pays.  Wick is single-
 * threaded (one process per request), so a flag is enough to share it.
 */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wick/core/arena.h"

#define ARENA_ALIGN 16
#define ARENA_CHUNK ((size_t)64 * 1024)

struct wk_arena_chunk {
	struct wk_arena_chunk *next;
	size_t size;  /* usable bytes in data */
	size_t used;
	_Alignas(16) unsigned char data[];
};

#define ARENA_STATIC_SIZE ((size_t)32 * 1024)
static _Alignas(16) unsigned char arena_static[ARENA_STATIC_SIZE];
static int arena_static_used;

void
wk_arena_init(wk_arena *a)
{
	assert(a != NULL);
	a->head = NULL;
	a->total = 0;
	a->limit = WK_ARENA_DEFAULT_LIMIT;
}

static struct wk_arena_chunk *
arena_chunk_new(wk_arena *a, size_t need)
{
	struct wk_arena_chunk *c;
	size_t size = need > ARENA_CHUNK ? need : ARENA_CHUNK;

	if (size > SIZE_MAX - sizeof(*c))
		return NULL;
	if (a->limit != 0 && (a->total > a->limit ||
	    size + sizeof(*c) > a->limit - a->total))
		return NULL;
	if (!arena_static_used && need <= ARENA_STATIC_SIZE - sizeof(*c)) {
		arena_static_used = 1;
		c = (struct wk_arena_chunk *)(void *)arena_static;
		c->size = ARENA_STATIC_SIZE - sizeof(*c);
		c->used = 0;
		a->total += ARENA_STATIC_SIZE;
		return c;
	}
	c = malloc(sizeof(*c) + size);
	if (c == NULL)
		return NULL;
	c->size = size;
	c->used = 0;
	a->total += sizeof(*c) + size;
	return c;
}

/* see arena.h */
void *
wk_arena_alloc(wk_arena *a, size_t n)
{
	struct wk_arena_chunk *c;
	size_t need;

	assert(a != NULL);
	if (n > SIZE_MAX - (ARENA_ALIGN - 1))
		return NULL;
	need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (need == 0)
		need = ARENA_ALIGN;

	c = a->head;
	if (c != NULL && c->size - c->used >= need) {
		void *p = c->data + c->used;
		c->used += need;
		return p;
	}
	c = arena_chunk_new(a, need);
	if (c == NULL)
		return NULL;
	c->used = need;
	if (a->head != NULL && need > ARENA_CHUNK / 4 &&
	    a->head->size - a->head->used >= ARENA_ALIGN) {
		/* Big block: keep the current chunk in front for small ones. */
		c->next = a->head->next;
		a->head->next = c;
	} else {
		c->next = a->head;
		a->head = c;
	}
	return c->data;
}

/* see arena.h */
void *
wk_arena_calloc(wk_arena *a, size_t nmemb, size_t size)
{
	void *p;

	if (size != 0 && nmemb > SIZE_MAX / size)
		return NULL;
	p = wk_arena_alloc(a, nmemb * size);
	if (p != NULL)
		memset(p, 0, nmemb * size);
	return p;
}

/* see arena.h */
void *
wk_arena_realloc(wk_arena *a, void *old, size_t oldn, size_t newn)
{
	void *p;
	struct wk_arena_chunk *c = a->head;

	/* Grow in place when old is the last allocation of the head chunk. */
	if (old != NULL && c != NULL) {
		size_t oldneed = (oldn + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
		unsigned char *o = old;
		if (oldneed == 0)
			oldneed = ARENA_ALIGN;
		if (o >= c->data && o + oldneed == c->data + c->used &&
		    newn <= SIZE_MAX - (ARENA_ALIGN - 1)) {
			size_t newneed = (newn + ARENA_ALIGN - 1) &
			    ~(size_t)(ARENA_ALIGN - 1);
			size_t start = (size_t)(o - c->data);
			if (newneed == 0)
				newneed = ARENA_ALIGN;
			if (newneed <= c->size - start) {
				c->used = start + newneed;
				return old;
			}
		}
	}
	p = wk_arena_alloc(a, newn);
	if (p == NULL)
		return NULL;
	if (old != NULL)
		memcpy(p, old, oldn < newn ? oldn : newn);
	return p;
}

/* see arena.h */
char *
wk_arena_strndup(wk_arena *a, const char *s, size_t n)
{
	char *p;

	if (n == SIZE_MAX)
		return NULL;
	p = wk_arena_alloc(a, n + 1);
	if (p == NULL)
		return NULL;
	if (n > 0)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* see arena.h */
char *
wk_arena_strdup(wk_arena *a, const char *s)
{
	return wk_arena_strndup(a, s, strlen(s));
}

/* see arena.h */
char *
wk_arena_vprintf(wk_arena *a, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;
	char *p;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return NULL;
	p = wk_arena_alloc(a, (size_t)n + 1);
	if (p == NULL)
		return NULL;
	if (vsnprintf(p, (size_t)n + 1, fmt, ap) != n)
		return NULL;
	return p;
}

/* see arena.h */
char *
wk_arena_printf(wk_arena *a, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = wk_arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

/* see arena.h */
void
wk_arena_free(wk_arena *a)
{
	struct wk_arena_chunk *c, *next;

	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		if ((unsigned char *)c == arena_static)
			arena_static_used = 0;
		else
			free(c);
	}
	a->head = NULL;
	a->total = 0;
}
