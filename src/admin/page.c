/*
 * page.c - what every admin page shares (see internal.h): the permission
 * checks, URLs under the mount point, the context every template gets,
 * rendering, the 403 page, and how one field's value reads in a list or
 * a read-only form.  The pages (changelist.c, edit.c and site.c's login
 * and index) call into here and never into each other.
 */
#include <stdio.h>
#include <string.h>

#include "wick/auth/auth.h"
#include "wick/auth/session.h"
#include "wick/core/log.h"
#include "wick/db/orm.h"
#include "wick/http/app.h"
#include "wick/template/template.h"
#include "internal.h"

/* see internal.h */
int
wk__admin_perm(struct wk_request *req, const struct wk__admin *ad,
    const struct wk_admin_entry *e, const char *codename)
{
	char perm[160];
	int n = snprintf(perm, sizeof(perm), "%s.%s", e->model->name,
	    codename);

	if (n < 0 || (size_t)n >= sizeof(perm))
		return 0;
	return wk_auth_has_perm(req->arena, ad->user, perm) == 1;
}

/* see internal.h */
int
wk__admin_can_see(struct wk_request *req, const struct wk__admin *ad,
    const struct wk_admin_entry *e)
{
	return wk__admin_perm(req, ad, e, "view") ||
	    wk__admin_perm(req, ad, e, "change");
}

/* see internal.h */
const char *
wk__admin_url(struct wk_request *req, const struct wk__admin *ad,
    const struct wk_admin_entry *e, const char *tail)
{
	return wk_arena_printf(req->arena, "%s%s/%s/%s", ad->base,
	    e->app_label, e->model_name, tail);
}

/* see internal.h */
void
wk__admin_encode(wk_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p) != NULL) {
			wk_buf_putc(b, (char)*p);
		} else {
			wk_buf_putc(b, '%');
			wk_buf_putc(b, hex[*p >> 4]);
			wk_buf_putc(b, hex[*p & 15]);
		}
	}
}

/* see internal.h */
struct wk_map *
wk__admin_context(struct wk_request *req, const struct wk__admin *ad,
    const char *title)
{
	wk_arena *a = req->arena;
	struct wk_map *ctx = wk_map_new(a);
	const char *site_title = ad->site->title != NULL ? ad->site->title :
	    "Wick administration";
	const char *logout = wk_arena_printf(a, "%slogout/", ad->base);

	if (ctx == NULL || logout == NULL ||
	    wk_map_set(a, ctx, "site_title", wk_val_str(site_title)) != 0 ||
	    wk_map_set(a, ctx, "title", wk_val_str(title)) != 0 ||
	    wk_map_set(a, ctx, "admin_url", wk_val_str(ad->base)) != 0 ||
	    wk_map_set(a, ctx, "logout_url", wk_val_str(logout)) != 0 ||
	    wk_map_set(a, ctx, "messages", wk_messages_value(req)) != 0 ||
	    wk_map_set(a, ctx, "user", ad->user != NULL ?
	    wk_orm_value(a, &wick_user_model, ad->user) : wk_val_null()))
		return NULL;
	return ctx;
}

/* see internal.h */
int
wk__admin_render(struct wk_request *req, struct wk_response *resp,
    const struct wk__admin *ad, const char *name, struct wk_map *ctx,
    int status)
{
	resp->status = status;
	return wk_render(req, resp, ad->site->templates, name, ctx);
}

/* see internal.h */
int
wk__admin_forbidden(struct wk_request *req, struct wk_response *resp)
{
	wk_log(req, WK_LOG_WARN, "admin: permission denied: %s %s",
	    req->method_name, req->path);
	return wk_error(req, resp, 403, "You do not have permission to do "
	    "this.");
}

/* see internal.h */
const char *
wk__admin_cell(struct wk_request *req, const struct wk_model *m,
    const struct wk_field *f, const void *obj)
{
	struct wk_value v;
	const void *rel = NULL;
	void *row;
	const char *p;
	size_t n, i;

	if (wk_model_is_null(m, f, obj))
		return "-";
	v = wk_orm_field_value(m, f, obj);
	if (f->kind == WK_FIELD_BOOL)
		return v.u.b || v.u.i ? "Yes" : "No";
	if (f->kind == WK_FIELD_FK) {
		if (f->rel_offset != 0)
			memcpy(&rel, (const char *)obj + f->rel_offset,
			    sizeof(rel));
		if (rel == NULL) {
			long long id;
			memcpy(&id, (const char *)obj + f->offset, sizeof(id));
			if (wk_orm_get(req->arena, f->to, id, &row) !=
			    WK_DB_OK)
				return wk_arena_printf(req->arena, "%lld", id);
			rel = row;
		}
		return wk_model_str(f->to, rel, req->arena);
	}
	if (f->kind == WK_FIELD_BLOB)
		return "(binary)";
	if (wk_value_text(&v, req->arena, &p, &n) != 0)
		return NULL;
	for (i = 0; f->choices != NULL && f->choices[i].value != NULL; i++)
		if (strlen(f->choices[i].value) == n &&
		    memcmp(f->choices[i].value, p, n) == 0)
			return f->choices[i].label;
	return wk_arena_strndup(req->arena, p, n);
}

/* see internal.h */
const struct wk_admin_column *
wk__admin_column(const struct wk_model_admin *o, const char *name)
{
	size_t i;

	for (i = 0; o->columns != NULL && o->columns[i].name != NULL; i++)
		if (strcmp(o->columns[i].name, name) == 0)
			return &o->columns[i];
	return NULL;
}
