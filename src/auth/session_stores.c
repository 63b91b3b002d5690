/*
 * session_stores.c - session stores by name (see session.h): the two
 * built in, then those an app registered.  It sits above the stores
 * (session_db.c, session_cookie.c), which sit above session.c.
 */
#include <stdlib.h>
#include <string.h>

#include "wick/auth/session.h"

/* The built-in stores, then those an app registered (a growing array). */
static const struct wk_session_store *const builtin_stores[] = {
	&wk_session_store_db,
	&wk_session_store_cookie,
};
static const struct wk_session_store **app_stores;
static size_t n_app_stores, cap_app_stores;

/* see session.h */
const struct wk_session_store *
wk_session_store_find(const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < sizeof(builtin_stores) / sizeof(builtin_stores[0]); i++)
		if (strcmp(builtin_stores[i]->name, name) == 0)
			return builtin_stores[i];
	for (i = 0; i < n_app_stores; i++)
		if (strcmp(app_stores[i]->name, name) == 0)
			return app_stores[i];
	return NULL;
}

/* see session.h */
int
wk_session_store_register(const struct wk_session_store *store)
{
	const struct wk_session_store **grown;
	const struct wk_session_store *old;
	size_t cap;

	if (store == NULL || store->name == NULL || store->load == NULL ||
	    store->save == NULL)
		return -1;
	if ((old = wk_session_store_find(store->name)) != NULL)
		return old == store ? 0 : -1;
	if (n_app_stores >= WK_SESSION_STORES_MAX)
		return -1;
	if (n_app_stores == cap_app_stores) {
		cap = cap_app_stores == 0 ? 4 : cap_app_stores * 2;
		grown = realloc(app_stores, cap * sizeof(*grown));
		if (grown == NULL)
			return -1;
		app_stores = grown;
		cap_app_stores = cap;
	}
	app_stores[n_app_stores++] = store;
	return 0;
}
