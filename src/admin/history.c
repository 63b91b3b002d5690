/*
 * history.c - the admin log (see admin.h, "history"): its table and
 * migration, the one function that writes an entry and chains it to the
 * one before with HMAC-SHA256, the check of the chain and `verifylog`,
 * the change message of an edit (the fields, old and new), and the
 * history page of one object.
 *
 * The chain is only as good as two habits kept here: every entry is
 * written inside a write transaction that read the last entry first (so
 * no two writers chain to the same one), and the mac covers every field
 * in an encoding that cannot be read two ways (each field length-
 * prefixed).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "wick/admin/admin.h"
#include "wick/auth/auth.h"
#include "wick/core/crypto.h"
#include "wick/core/log.h"
#include "wick/core/settings.h"
#include "wick/db/db.h"
#include "wick/db/migrate.h"
#include "wick/db/orm.h"
#include "wick/forms/form.h"
#include "wick/http/app.h"
#include "internal.h"

/* What the mac of every entry starts with: no other signature of Wick
 * under the same key (sessions) begins so. */
#define LOG_SALT "wick.admin.log|"

/* ---- the table ------------------------------------------------------------------- */

WK_MODEL_DEFINE(wick_admin_log, WICK_ADMIN_LOG, .verbose_name = "log entry",
    .verbose_name_plural = "log entries", .str_field = "object_repr")

static const struct wk_model *const log_models[] = {
	&wick_admin_log_model,
	NULL
};

static const struct wk_migration log_steps[] = {
	WK_MIGRATION("0001_admin_log", WK_CREATE_TABLE(wick_admin_log_model),
	    WK_ADD_INDEX(wick_admin_log_model, "model,object_id", 0)),
};

static const struct wk_schema log_schema = {
	.app = "admin_log",
	.order = 20,
	.models = log_models,
	.steps = log_steps,
	.nsteps = sizeof(log_steps) / sizeof(log_steps[0]),
};
WK_SCHEMA_REGISTER(log_schema)

/* The action flags' names, as the history page shows them. */
static const char *const flag_names[WK_ADMIN_FLAG__MAX] = {
	[WK_ADMIN_ADDITION] = "Added",
	[WK_ADMIN_CHANGE] = "Changed",
	[WK_ADMIN_DELETION] = "Deleted",
	[WK_ADMIN_ACTION] = "Action",
};

/* ---- the chain ------------------------------------------------------------------- */

/* One field of the encoding: its length (8 bytes, big-endian), then it. */
static void
put_field(wk_hmac_sha256_ctx *m, const char *p, size_t n)
{
	unsigned char len[8];
	size_t i;

	for (i = 0; i < 8; i++)
		len[i] = (unsigned char)((unsigned long long)n >> (56 - 8 * i));
	wk_hmac_sha256_update(m, len, sizeof(len));
	wk_hmac_sha256_update(m, p, n);
}

static void
put_int(wk_hmac_sha256_ctx *m, long long v)
{
	char num[24];
	int w = snprintf(num, sizeof(num), "%lld", v);

	put_field(m, num, w > 0 ? (size_t)w : 0);
}

static void
put_text(wk_hmac_sha256_ctx *m, const char *s)
{
	put_field(m, s != NULL ? s : "", s != NULL ? strlen(s) : 0);
}

/* The mac of entry r chained to prev (see admin.h for the encoding). */
static void
entry_mac(const unsigned char *key, size_t klen,
    const unsigned char prev[WK_SHA256_LEN], const struct wick_admin_log *r,
    unsigned char out[WK_SHA256_LEN])
{
	wk_hmac_sha256_ctx m;

	wk_hmac_sha256_init(&m, key, klen);
	wk_hmac_sha256_update(&m, LOG_SALT, sizeof(LOG_SALT) - 1);
	wk_hmac_sha256_update(&m, prev, WK_SHA256_LEN);
	put_int(&m, r->id);
	put_text(&m, r->action_time);
	put_int(&m, r->user_id);
	put_text(&m, r->username);
	put_text(&m, r->model);
	put_text(&m, r->object_id);
	put_text(&m, r->object_repr);
	put_int(&m, r->action_flag);
	put_text(&m, r->change_message);
	wk_hmac_sha256_final(&m, out);
	memset(&m, 0, sizeof(m));
}

/* A stored mac into its 32 bytes: 0, or -1 when it is not 64 hex
 * digits. */
static int
mac_decode(const char *hex, unsigned char out[WK_SHA256_LEN])
{
	if (hex == NULL || strlen(hex) != WK_SHA256_LEN * 2)
		return -1;
	return wk_hex_decode(out, WK_SHA256_LEN, hex, WK_SHA256_LEN * 2) ==
	    WK_SHA256_LEN ? 0 : -1;
}

/* 1 if r's stored mac is its mac chained to prev. */
static int
entry_verifies(const unsigned char *key, size_t klen,
    const unsigned char prev[WK_SHA256_LEN], const struct wick_admin_log *r)
{
	unsigned char want[WK_SHA256_LEN], have[WK_SHA256_LEN];

	if (mac_decode(r->mac, have) != 0)
		return 0;
	entry_mac(key, klen, prev, r, want);
	return wk_ct_equal(want, have, WK_SHA256_LEN);
}

/* The last entry's id and mac (0 and zeros for an empty log). */
static int
last_entry(wk_arena *a, long long *id, unsigned char mac[WK_SHA256_LEN])
{
	struct wk_raw r;
	struct wk_value v;
	const char *hex = NULL;
	int st;

	*id = 0;
	memset(mac, 0, WK_SHA256_LEN);
	st = wk_raw(&r, a, "SELECT id, mac FROM wick_admin_log "
	    "ORDER BY id DESC LIMIT 1", NULL, 0);
	while ((st == WK_DB_OK || st == WK_DB_ROW) &&
	    (st = wk_raw_next(&r)) == WK_DB_ROW) {
		*id = wk_raw_col(&r, 0).u.i;
		v = wk_raw_col(&r, 1);
		hex = v.kind == WK_VAL_STR ? wk_arena_strndup(a, v.u.s.p,
		    v.u.s.n) : NULL;
	}
	wk_raw_close(&r);
	if (st != WK_DB_DONE && st != WK_DB_OK)
		return st;
	if (*id != 0 && mac_decode(hex, mac) != 0)
		/* chain on from what is there: verifylog names the row */
		memset(mac, 0xff, WK_SHA256_LEN);
	return WK_DB_OK;
}

/* Take the last entry, chain r to it and insert r: inside a transaction
 * that holds the write lock. */
static int
append(wk_arena *a, const unsigned char *key, size_t klen,
    struct wick_admin_log *r)
{
	unsigned char prev[WK_SHA256_LEN], mac[WK_SHA256_LEN];
	char hex[WK_SHA256_LEN * 2 + 1];
	struct wk_value args[10];
	int st;

	if ((st = last_entry(a, &r->id, prev)) != WK_DB_OK)
		return st;
	r->id++;
	entry_mac(key, klen, prev, r, mac);
	if (wk_hex_encode(hex, sizeof(hex), mac, sizeof(mac)) == (size_t)-1)
		return WK_DB_ERROR;
	r->mac = hex;
	args[0] = wk_val_int(r->id);
	args[1] = wk_val_str(r->action_time);
	args[2] = wk_val_int(r->user_id);
	args[3] = wk_val_str(r->username);
	args[4] = wk_val_str(r->model);
	args[5] = wk_val_str(r->object_id);
	args[6] = wk_val_str(r->object_repr);
	args[7] = wk_val_int(r->action_flag);
	args[8] = wk_val_str(r->change_message);
	args[9] = wk_val_str(hex);
	st = wk_raw_exec(a, "INSERT INTO wick_admin_log (id, action_time, "
	    "user_id, username, model, object_id, object_repr, action_flag, "
	    "change_message, mac) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	    args, 10, NULL);
	r->mac = NULL;
	return st;
}

/* see admin.h */
int
wk_admin_log(struct wk_request *req, const struct wk_admin_entry *e,
    long long id, const char *repr, int flag, const char *message)
{
	unsigned char key[WK_SECRET_KEY_MAX];
	const struct wick_user *u;
	struct wick_admin_log r;
	char now[32];
	const char *why = NULL;
	size_t klen;
	int st, own;

	if (req == NULL || e == NULL || flag < WK_ADMIN_ADDITION ||
	    flag >= WK_ADMIN_FLAG__MAX)
		return WK_DB_INVALID;
	if (wk_settings_secret_key(req->settings, key, sizeof(key), &klen,
	    &why) != 0) {
		wk_log(req, WK_LOG_ERROR, "admin log: %s; nothing is changed "
		    "without its entry", why);
		return WK_DB_ERROR;
	}
	memset(&r, 0, sizeof(r));
	u = wk_auth_user(req);
	r.user_id = u != NULL ? u->id : 0;
	r.username = u != NULL ? u->username : "";
	r.model = e->model->name;
	r.object_repr = repr != NULL ? repr : "";
	r.action_flag = flag;
	r.change_message = message != NULL ? message : "";
	if (wk_db_now(now, sizeof(now)) != 0 ||
	    (r.object_id = wk_arena_printf(req->arena, "%lld", id)) == NULL) {
		st = WK_DB_ERROR;
		goto out;
	}
	r.action_time = now;
	own = wk_db_depth() == 0;
	if (own && (st = wk_db_begin()) != WK_DB_OK)
		goto out;
	st = append(req->arena, key, klen, &r);
	if (own) {
		if (st == WK_DB_OK)
			st = wk_db_commit();
		else
			wk_db_rollback();
	}
out:
	memset(key, 0, sizeof(key));
	return st;
}

/* ---- the check ------------------------------------------------------------------- */

static void found(struct wk_admin_log_check *out, enum wk_admin_fault fault,
    long long id, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Record the first problem: its kind, the entry, the message. */
static void
found(struct wk_admin_log_check *out, enum wk_admin_fault fault,
    long long id, const char *fmt, ...)
{
	va_list ap;
	int w;

	out->fault = fault;
	out->bad_id = id;
	va_start(ap, fmt);
	w = vsnprintf(out->message, sizeof(out->message), fmt, ap);
	va_end(ap);
	if (w < 0)
		out->message[0] = '\0';
}

/*
 * One step of the walk: r follows the entry verified last (prev_id,
 * prev); pending is an entry before r whose mac did not verify.  Returns
 * 1 when a problem is found (out filled), 0 to go on.
 */
static int
step(const unsigned char *key, size_t klen, struct wk_admin_log_check *out,
    unsigned char prev[WK_SHA256_LEN], struct wick_admin_log **pending,
    struct wick_admin_log *r)
{
	unsigned char pm[WK_SHA256_LEN];

	if (*pending != NULL) {
		/* the next entry tells an altered entry (its successor
		 * chains to its mac) from a forged one */
		if (r->id == (*pending)->id + 1 &&
		    mac_decode((*pending)->mac, pm) == 0 &&
		    entry_verifies(key, klen, pm, r))
			found(out, WK_ADMIN_LOG_ALTERED, (*pending)->id,
			    "entry %lld was altered: its fields do not match "
			    "its MAC", (*pending)->id);
		else
			found(out, WK_ADMIN_LOG_FORGED, (*pending)->id,
			    "entry %lld was altered or inserted: its MAC does "
			    "not follow from entry %lld", (*pending)->id,
			    out->head_id);
		return 1;
	}
	if (r->id != out->head_id + 1) {
		found(out, WK_ADMIN_LOG_REMOVED, out->head_id + 1,
		    "entry %lld was removed: entry %lld follows a gap",
		    out->head_id + 1, r->id);
		return 1;
	}
	if (!entry_verifies(key, klen, prev, r)) {
		*pending = r;
		return 0;
	}
	if (mac_decode(r->mac, prev) != 0)
		return -1;   /* cannot happen: it verified */
	out->entries++;
	out->head_id = r->id;
	snprintf(out->head_mac, sizeof(out->head_mac), "%s", r->mac);
	return 0;
}

/* see admin.h */
int
wk_admin_log_verify(wk_arena *a, const struct wk_settings *s,
    struct wk_admin_log_check *out)
{
	unsigned char key[WK_SECRET_KEY_MAX], prev[WK_SHA256_LEN];
	struct wick_admin_log *r, *pending = NULL;
	struct wk_query q;
	const char *why = NULL;
	size_t klen;
	int st, done = 0;

	memset(out, 0, sizeof(*out));
	if (wk_settings_secret_key(s, key, sizeof(key), &klen, &why) != 0) {
		snprintf(out->message, sizeof(out->message), "%s", why);
		return WK_DB_ERROR;
	}
	memset(prev, 0, sizeof(prev));
	wk_q_init(&q, a, &wick_admin_log_model);
	wk_q_order_by(&q, "id");
	while (!done && (st = wk_q_next(&q, (void **)&r)) == WK_DB_ROW)
		done = step(key, klen, out, prev, &pending, r);
	wk_q_close(&q);
	memset(key, 0, sizeof(key));
	if (done < 0)
		return WK_DB_ERROR;
	if (done)
		return WK_DB_OK;
	if (st != WK_DB_DONE)
		return st;
	if (pending != NULL)
		found(out, WK_ADMIN_LOG_FORGED, pending->id, "entry %lld was "
		    "altered or inserted: its MAC does not follow from entry "
		    "%lld", pending->id, out->head_id);
	else
		snprintf(out->message, sizeof(out->message), "%lld entr%s, "
		    "chain intact", out->entries, out->entries == 1 ? "y" :
		    "ies");
	return WK_DB_OK;
}

static int
cmd_verifylog(const struct wk_app *app, const struct wk_settings *s,
    int argc, char **argv)
{
	struct wk_admin_log_check c;
	wk_arena a;
	int st, rc;

	if (argc != 2) {
		fprintf(stderr, "usage: %s verifylog\n", argv[0]);
		return 2;
	}
	wk_db_configure(s, app->name);
	wk_arena_init(&a);
	st = wk_admin_log_verify(&a, s, &c);
	if (st != WK_DB_OK) {
		fprintf(stderr, "verifylog: %s\n", st == WK_DB_ERROR &&
		    c.message[0] != '\0' ? c.message : wk_db_last_error());
		rc = 2;
	} else if (c.fault != WK_ADMIN_LOG_INTACT) {
		fprintf(stderr, "verifylog: %s (%lld entr%s verified before "
		    "it)\n", c.message, c.entries, c.entries == 1 ? "y" :
		    "ies");
		rc = 1;
	} else {
		printf("%s\n", c.message);
		if (c.entries > 0)
			printf("head: entry %lld, mac %s\n", c.head_id,
			    c.head_mac);
		rc = 0;
	}
	wk_arena_free(&a);
	wk_db_close();
	return rc;
}

/* see admin.h */
const struct wk_command wk_admin_commands[] = {
	{ "verifylog", "verifylog", "check the admin log's HMAC chain; name "
	    "the first entry altered, removed or inserted", cmd_verifylog },
	WK_COMMANDS_END
};

/* ---- the change message ----------------------------------------------------------- */

/* Field f of obj as text to compare (NULL for null; NULL *ok on failure). */
static const char *
raw_text(struct wk_request *req, const struct wk_model *m,
    const struct wk_field *f, const void *obj, int *ok)
{
	struct wk_value v;
	const char *p;
	size_t n;

	if (wk_model_is_null(m, f, obj))
		return NULL;
	v = wk_orm_field_value(m, f, obj);
	if (wk_value_text(&v, req->arena, &p, &n) != 0 ||
	    (p = wk_arena_strndup(req->arena, p, n)) == NULL) {
		*ok = 0;
		return NULL;
	}
	return p;
}

/* What the message shows of field f of obj: the related row's label for
 * a foreign key (fetched by its id: obj may carry a stale row), else
 * what the change list shows. */
static const char *
shown(struct wk_request *req, const struct wk_model *m,
    const struct wk_field *f, const void *obj)
{
	long long id;
	void *row;

	if (f->kind != WK_FIELD_FK || wk_model_is_null(m, f, obj))
		return wk__admin_cell(req, m, f, obj);
	memcpy(&id, (const char *)obj + f->offset, sizeof(id));
	if (wk_orm_get(req->arena, f->to, id, &row) != WK_DB_OK)
		return wk_arena_printf(req->arena, "%lld", id);
	return wk_model_str(f->to, row, req->arena);
}

/* see internal.h */
const char *
wk__admin_change_message(struct wk_request *req, const struct wk_model *m,
    const void *before, const void *after)
{
	const struct wk_field *f;
	const char *a, *b, *old, *new;
	size_t i, n = 0;
	wk_buf out;
	int ok = 1;

	wk_buf_init(&out, req->arena);
	wk_buf_puts(&out, "Changed ");
	for (i = 0; i < m->nfields; i++) {
		f = &m->fields[i];
		if (f->flags & WK_PK)
			continue;
		b = raw_text(req, m, f, before, &ok);
		a = raw_text(req, m, f, after, &ok);
		if (!ok)
			return NULL;
		if ((a == NULL && b == NULL) || (a != NULL && b != NULL &&
		    strcmp(a, b) == 0))
			continue;
		if ((old = shown(req, m, f, before)) == NULL ||
		    (new = shown(req, m, f, after)) == NULL)
			return NULL;
		wk_buf_printf(&out, "%s%s: \xe2\x80\x9c%s\xe2\x80\x9d "
		    "\xe2\x86\x92 \xe2\x80\x9c%s\xe2\x80\x9d", n > 0 ? "; " :
		    "", wk_field_label(f), old, new);
		n++;
	}
	wk_buf_putc(&out, '.');
	if (out.failed)
		return NULL;
	return n == 0 ? "No fields changed." : wk_buf_cstr(&out);
}

/* ---- logged writes --------------------------------------------------------------- */

/* see internal.h */
void *
wk__admin_snapshot(struct wk_request *req, const struct wk_model *m,
    const void *obj)
{
	void *copy = wk_arena_alloc(req->arena, m->size);

	if (copy != NULL)
		memcpy(copy, obj, m->size);
	return copy;
}

/* End the block opened for a logged write: commit on st OK, else roll
 * back; the status to return. */
static int
finish(int st)
{
	if (st == WK_DB_OK)
		return wk_db_commit();
	wk_db_rollback();
	return st;
}

/* see internal.h */
int
wk__admin_save_logged(struct wk_request *req, const struct wk__admin *ad,
    struct wk_model_form *mf, const void *before)
{
	const struct wk_model *m = ad->entry->model;
	const char *label, *msg;
	int st;

	if ((st = wk_db_begin()) != WK_DB_OK)
		return st;
	if ((st = wk_model_form_save(mf)) != WK_DB_OK)
		return finish(st);
	msg = before == NULL ? "Added." :
	    wk__admin_change_message(req, m, before, mf->obj);
	label = wk_model_str(m, mf->obj, req->arena);
	if (msg == NULL || label == NULL)
		return finish(WK_DB_ERROR);
	return finish(wk_admin_log(req, ad->entry, wk_model_id(m, mf->obj),
	    label, before == NULL ? WK_ADMIN_ADDITION : WK_ADMIN_CHANGE, msg));
}

/* see internal.h */
int
wk__admin_delete_logged(struct wk_request *req, const struct wk__admin *ad,
    const char *label)
{
	int st;

	if ((st = wk_db_begin()) != WK_DB_OK)
		return st;
	if ((st = wk_orm_delete(ad->entry->model, ad->id)) != WK_DB_OK)
		return finish(st);
	return finish(wk_admin_log(req, ad->entry, ad->id, label,
	    WK_ADMIN_DELETION, "Deleted."));
}

/* ---- the history page ------------------------------------------------------------- */

/* see internal.h */
int
wk__admin_history(struct wk_request *req, struct wk_response *resp,
    struct wk__admin *ad)
{
	wk_arena *a = req->arena;
	const struct wk_admin_entry *e = ad->entry;
	struct wick_admin_log *r;
	struct wk_list *rows;
	struct wk_map *ctx, *row;
	struct wk_query q;
	const char *label, *list, *oid, *title, *action;
	void *obj;
	int st;

	if (!wk__admin_can_see(req, ad, e))
		return wk__admin_forbidden(req, resp);
	if (req->method != WK_METHOD_GET && req->method != WK_METHOD_HEAD)
		return wk_response_not_allowed(resp, WK_GET);
	st = wk_orm_get(a, e->model, ad->id, &obj);
	if (st == WK_DB_NOT_FOUND)
		return wk_error(req, resp, 404, "No such object");
	if (st != WK_DB_OK)
		return wk_db_respond(req, resp, st, 0);
	if ((label = wk_model_str(e->model, obj, a)) == NULL ||
	    (list = wk__admin_url(req, ad, e, "")) == NULL ||
	    (oid = wk_arena_printf(a, "%lld", ad->id)) == NULL ||
	    (title = wk_arena_printf(a, "Change history: %s", label)) ==
	    NULL || (rows = wk_list_new(a)) == NULL)
		return -1;
	wk_q_init(&q, a, &wick_admin_log_model);
	wk_q_filter(&q, "model", wk_val_str(e->model->name));
	wk_q_filter(&q, "object_id", wk_val_str(oid));
	wk_q_order_by(&q, "id");   /* Django's: oldest first */
	while ((st = wk_q_next(&q, (void **)&r)) == WK_DB_ROW) {
		action = r->action_flag > 0 &&
		    r->action_flag < WK_ADMIN_FLAG__MAX ?
		    flag_names[r->action_flag] : "?";
		if ((row = wk_map_new(a)) == NULL ||
		    wk_map_set(a, row, "time", wk_val_str(r->action_time)) ||
		    wk_map_set(a, row, "user", wk_val_str(r->username)) ||
		    wk_map_set(a, row, "action", wk_val_str(action)) ||
		    wk_map_set(a, row, "message",
		    wk_val_str(r->change_message)) != 0 ||
		    wk_list_push(a, rows, wk_val_map(row)) != 0) {
			wk_q_close(&q);
			return -1;
		}
	}
	wk_q_close(&q);
	if (st != WK_DB_DONE)
		return wk_db_respond(req, resp, st, 0);
	if ((ctx = wk__admin_context(req, ad, title)) == NULL ||
	    wk_map_set(a, ctx, "entries", wk_val_list(rows)) != 0 ||
	    wk_map_set(a, ctx, "object_label", wk_val_str(label)) != 0 ||
	    wk_map_set(a, ctx, "app_label", wk_val_str(e->app_label)) != 0 ||
	    wk_map_set(a, ctx, "model_plural", wk_val_str(
	    e->model->verbose_name_plural != NULL ?
	    e->model->verbose_name_plural : e->model_name)) != 0 ||
	    wk_map_set(a, ctx, "list_url", wk_val_str(list)) != 0 ||
	    wk_map_set(a, ctx, "change_url", wk_val_str(wk_arena_printf(a,
	    "%s%lld/change/", list, ad->id))) != 0)
		return -1;
	return wk__admin_render(req, resp, ad, "admin/object_history.html",
	    ctx, 200);
}
