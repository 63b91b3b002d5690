/*
 * views.c - the app @APP@'s pages and its URL table (mounted at /@APP@/
 * by app.c).  "user" and "messages" reach every template through the
 * project's context processor.
 */
#include <stddef.h>

#include "wick/db/db.h"
#include "wick/db/orm.h"
#include "wick/http/app.h"
#include "wick/http/request.h"
#include "wick/http/response.h"
#include "wick/http/router.h"
#include "wick/template/template.h"
#include "@PROJECT@.h"
#include "@APP@.h"
#include "models.h"

/* see @APP@.h; names are global, so they start with the app's */
const struct wk_route @APP@_routes[] = {
	{ "", @APP@_index, "@APP@_index", WK_GET, NULL },
	WK_ROUTES_END
};

/* see @APP@.h: every item, by name */
int
@APP@_index(struct wk_request *req, struct wk_response *resp)
{
	struct wk_map *ctx = wk_map_new(req->arena);
	struct wk_list *items = wk_list_new(req->arena);
	struct wk_query q;
	void *row;
	int st;

	if (ctx == NULL || items == NULL)
		return -1;
	wk_q_init(&q, req->arena, &@APP@_item_model);
	wk_q_order_by(&q, "name,id");
	while ((st = wk_q_next(&q, &row)) == WK_DB_ROW)
		if (wk_list_push(req->arena, items, wk_orm_value(req->arena,
		    &@APP@_item_model, row)) != 0) {
			wk_q_close(&q);
			return -1;
		}
	wk_q_close(&q);
	if (st != WK_DB_DONE)
		return wk_db_respond(req, resp, st, 0);
	if (wk_map_set(req->arena, ctx, "items", wk_val_list(items)) != 0)
		return -1;
	return wk_render(req, resp, &@PROJECT@_templates, "@APP@/index.html",
	    ctx);
}
