/*
 * arena.h - per-request memory.
 *
 * A Wick process serves one request and exits, so nearly everything it
 * allocates lives exactly as long as the request.  The arena makes that
 * explicit: allocations are carved from large chunks and released together
 * by wk_arena_free().  Nothing allocated from an arena is freed one by one.
 *
 * Growth is checked for size_t overflow; a total limit (wk_arena.limit)
 * bounds what hostile input can make the process allocate.
 */
#ifndef WICK_ARENA_H
#define WICK_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct wk_arena_chunk;

typedef struct wk_arena {
	struct wk_arena_chunk *head; /* newest chunk; older ones follow */
	size_t total;                /* bytes obtained from malloc so far */
	size_t limit;                /* 0 = no limit; else refuse beyond it */
} wk_arena;

/* Default ceiling for one request's arena: 64 MiB. */
#define WK_ARENA_DEFAULT_LIMIT ((size_t)64 << 20)

/*
 * wk_arena_init - prepare an empty arena.  Allocates nothing; limit is set
 * to WK_ARENA_DEFAULT_LIMIT (change a->limit afterwards to taste).
 */
void wk_arena_init(wk_arena *a);

/*
 * wk_arena_alloc - n bytes, aligned for any type (16 bytes), uninitialised.
 * Returns NULL when n overflows, the limit would be passed, or malloc fails.
 * wk_arena_alloc(a, 0) returns a valid unique pointer.
 */
void *wk_arena_alloc(wk_arena *a, size_t n);

/* wk_arena_calloc - nmemb * size zeroed bytes; NULL on overflow or failure. */
void *wk_arena_calloc(wk_arena *a, size_t nmemb, size_t size);

/*
 * wk_arena_realloc - grow (or shrink) an allocation made from this arena.
 * The old block is not reclaimed.  old may be NULL.  Returns NULL on failure
 * (the old block is then untouched).
 */
void *wk_arena_realloc(wk_arena *a, void *old, size_t oldn, size_t newn);

/* wk_arena_strndup - copy n bytes of s and add a NUL.  NULL on failure. */
char *wk_arena_strndup(wk_arena *a, const char *s, size_t n);

/* wk_arena_strdup - copy the NUL-terminated s.  NULL on failure. */
char *wk_arena_strdup(wk_arena *a, const char *s);

/*
 * wk_arena_printf - format into a new arena string (vsnprintf under the
 * hood, never truncated).  NULL on failure.
 */
char *wk_arena_printf(wk_arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *wk_arena_vprintf(wk_arena *a, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* wk_arena_free - release every chunk; the arena is empty and reusable. */
void wk_arena_free(wk_arena *a);

#endif /* WICK_ARENA_H */
