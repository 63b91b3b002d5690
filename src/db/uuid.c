/*
 * uuid.c - version 4 UUIDs from the OS's randomness (see pk.h), and the
 * UUID key that create gives a row of a model declared with
 * WK_MODEL_DEFINE_UUID_PK when the program left it empty.  It calls only
 * core (random.c, arena.c) and model.c, so orm.c and bulk.c may use it.
 */
#include <string.h>

#include "wick/core/random.h"
#include "wick/db/pk.h"
#include "internal.h"

/* see pk.h */
int
wk_uuid4(char out[WK_UUID_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char b[16];
	size_t i, j = 0;

	out[0] = '\0';
	if (wk_random_bytes(b, sizeof(b)) != 0)
		return -1;
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);   /* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);   /* RFC 4122 */
	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[j++] = '-';
		out[j++] = hex[b[i] >> 4];
		out[j++] = hex[b[i] & 0x0f];
	}
	out[j] = '\0';
	return 0;
}

/*
 * A UUID made on create lives as long as the process: the object's
 * `const char *` must point somewhere, and wk_orm_create has no arena.
 * 37 bytes per row created; a CGI process creates a few.
 */
static wk_arena pk_arena;
static int pk_arena_ready;

/* see internal.h */
int
wk__pk_make(const struct wk_model *m, void *obj)
{
	const struct wk_field *f = &m->fields[0];
	const char *s = wk_model_pk_text(m, obj);
	char *u;

	if (!(f->flags & WK_UUID) || (s != NULL && *s != '\0'))
		return WK_DB_OK;
	if (!pk_arena_ready) {
		wk_arena_init(&pk_arena);
		pk_arena_ready = 1;
	}
	if ((u = wk_arena_alloc(&pk_arena, WK_UUID_LEN + 1)) == NULL)
		return wk__db_fail_msg(WK_DB_NOMEM, "%s: no memory for a "
		    "UUID", m->name);
	if (wk_uuid4(u) != 0)
		return wk__db_fail_msg(WK_DB_ERROR, "%s: no randomness for a "
		    "UUID", m->name);
	memcpy((char *)obj + f->offset, &u, sizeof(u));
	return WK_DB_OK;
}
