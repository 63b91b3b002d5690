/*
 * slot.c - per-request slots beyond the built-in ones (see request.h).
 *
 * The built-in slots are a fixed array in struct wk_request, read without
 * a call on every request.  A component of an app's own asks for an id by
 * name once per process; its pointer then lives in a table that grows in
 * the request's arena on the first set, so a request that no such
 * component touches pays nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "wick/http/request.h"

/* The names of the registered slots; id = WK_SLOT__MAX + index. */
static const char **slot_names;
static size_t n_slot_names, cap_slot_names;

/* see request.h */
int
wk_request_slot_new(const char *name)
{
	const char **grown;
	size_t i, cap;

	if (name == NULL || name[0] == '\0')
		return -1;
	for (i = 0; i < n_slot_names; i++)
		if (strcmp(slot_names[i], name) == 0)
			return (int)(WK_SLOT__MAX + i);
	if (WK_SLOT__MAX + n_slot_names >= WK_REQUEST_SLOTS_MAX)
		return -1;
	if (n_slot_names == cap_slot_names) {
		cap = cap_slot_names == 0 ? 8 : cap_slot_names * 2;
		if ((grown = realloc(slot_names, cap * sizeof(*grown))) == NULL)
			return -1;
		slot_names = grown;
		cap_slot_names = cap;
	}
	slot_names[n_slot_names] = name;
	return (int)(WK_SLOT__MAX + n_slot_names++);
}

/* see request.h */
void *
wk_request_slot(const struct wk_request *req, int id)
{
	size_t i;

	if (req == NULL || id < 0)
		return NULL;
	if (id < WK_SLOT__MAX)
		return req->slots[id];
	i = (size_t)id - WK_SLOT__MAX;
	return i < req->n_more_slots ? req->more_slots[i] : NULL;
}

/* see request.h */
int
wk_request_set_slot(struct wk_request *req, int id, void *p)
{
	void **grown;
	size_t i, n;

	if (req == NULL || id < 0)
		return -1;
	if (id < WK_SLOT__MAX) {
		req->slots[id] = p;
		return 0;
	}
	i = (size_t)id - WK_SLOT__MAX;
	if (i >= n_slot_names)
		return -1;
	if (i >= req->n_more_slots) {
		/* Room for every id handed out so far: one growth per request. */
		n = n_slot_names;
		grown = wk_arena_calloc(req->arena, n, sizeof(*grown));
		if (grown == NULL)
			return -1;
		if (req->n_more_slots > 0)
			memcpy(grown, req->more_slots,
			    req->n_more_slots * sizeof(*grown));
		req->more_slots = grown;
		req->n_more_slots = n;
	}
	req->more_slots[i] = p;
	return 0;
}
