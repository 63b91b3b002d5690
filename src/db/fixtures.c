/*
 * fixtures.c - JSON fixtures in Django's format: dumpdata and loaddata
 * (see fixtures.h).
 *
 * The JSON itself is json.c's business (parsed there, within limits, and
 * fuzzed); this file walks the parsed tree against the model metadata,
 * so every name in a fixture is looked up, never written into SQL.  An
 * object becomes a model struct (wk_model_init for the defaults, then
 * its fields), is validated like any write, and is upserted by its pk in
 * one statement whose identifiers all come from the metadata.  Foreign
 * keys are deferred (PRAGMA defer_foreign_keys) until the whole load is
 * in, then checked table by table, so that a fixture may list a post
 * before its author and a failure can still name the row.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "wick/core/crypto.h"
#include "wick/core/json.h"
#include "wick/core/settings.h"
#include "wick/db/db.h"
#include "wick/db/fixtures.h"
#include "wick/db/migrate.h"
#include "wick/db/orm.h"
#include "internal.h"

/* What one fixture may be, and what parsing it may make. */
#define FX_MAX_BYTES   ((size_t)64 << 20)
#define FX_MAX_ITEMS   ((size_t)20000000)
#define FX_MAX_DEPTH   8
#define FX_MAX_LABEL   128
#define FX_MAX_MODELS  256   /* distinct models in one load (FK check) */

/* ---- labels ------------------------------------------------------------------ */

/* The NAME of APP.NAME: the table name without "APP_", else without its
 * first word. */
static const char *
fx_model_part(const struct wk_schema *sc, const struct wk_model *m)
{
	size_t n = strlen(sc->app);
	const char *p;

	if (strncmp(m->name, sc->app, n) == 0 && m->name[n] == '_' &&
	    m->name[n + 1] != '\0')
		return m->name + n + 1;
	p = strchr(m->name, '_');
	return p != NULL && p[1] != '\0' ? p + 1 : m->name;
}

/* see fixtures.h */
int
wk_fixture_label(const struct wk_model *m, char *out, size_t outlen)
{
	const struct wk_schema *sc;
	size_t i, k;
	int n;

	for (i = 0; (sc = wk_schema_at(i)) != NULL; i++)
		for (k = 0; sc->models != NULL && sc->models[k] != NULL; k++)
			if (sc->models[k] == m) {
				n = snprintf(out, outlen, "%s.%s", sc->app,
				    fx_model_part(sc, m));
				return n < 0 || (size_t)n >= outlen ? -1 : 0;
			}
	return -1;
}

/* The schema and model of label (len bytes), or NULL. */
static const struct wk_model *
fx_find(const char *label, size_t len, const struct wk_schema **scp)
{
	const struct wk_schema *sc;
	const char *dot = memchr(label, '.', len);
	size_t i, k, alen;

	if (dot == NULL)
		return NULL;
	alen = (size_t)(dot - label);
	for (i = 0; (sc = wk_schema_at(i)) != NULL; i++) {
		if (strlen(sc->app) != alen || memcmp(sc->app, label, alen) != 0)
			continue;
		for (k = 0; sc->models != NULL && sc->models[k] != NULL; k++) {
			const char *name = fx_model_part(sc, sc->models[k]);
			if (strlen(name) == len - alen - 1 &&
			    memcmp(name, dot + 1, len - alen - 1) == 0) {
				if (scp != NULL)
					*scp = sc;
				return sc->models[k];
			}
		}
	}
	return NULL;
}

/* see fixtures.h */
const struct wk_model *
wk_fixture_model(const char *label, size_t len)
{
	return fx_find(label, len, NULL);
}

/* ---- dumping ------------------------------------------------------------------ */

/* Field f of row as a JSON value. */
static int
fx_write_field(struct wk_json_writer *w, wk_arena *a,
    const struct wk_model *m, const struct wk_field *f, const void *row)
{
	const char *p = (const char *)row + f->offset;

	if (wk_model_is_null(m, f, row))
		return wk_json_null(w);
	switch (f->kind) {
	case WK_FIELD_INT: {
		int v;
		memcpy(&v, p, sizeof(v));
		return wk_json_int(w, v);
	}
	case WK_FIELD_BOOL: {
		int v;
		memcpy(&v, p, sizeof(v));
		return wk_json_bool(w, v);
	}
	case WK_FIELD_BIGINT:
	case WK_FIELD_FK: {
		long long v;
		memcpy(&v, p, sizeof(v));
		return wk_json_int(w, v);
	}
	case WK_FIELD_REAL: {
		double d;
		memcpy(&d, p, sizeof(d));
		return wk_json_real(w, d);
	}
	case WK_FIELD_BLOB: {
		struct wk_blob b;
		size_t n;
		char *text;
		memcpy(&b, p, sizeof(b));
		n = wk_base64_encoded_len(b.len, 0);
		if ((n == 0 && b.len != 0) || n == SIZE_MAX ||
		    (text = wk_arena_alloc(a, n + 1)) == NULL)
			return -1;
		if (wk_base64_encode(text, n + 1, b.data != NULL ? b.data : "",
		    b.len, 0) != n)
			return -1;
		return wk_json_strn(w, text, n);
	}
	default: {
		const char *s;
		memcpy(&s, p, sizeof(s));
		return wk_json_str(w, s);
	}
	}
}

/* One row as {"model": ..., "pk": ..., "fields": {...}}. */
static int
fx_write_row(wk_buf *out, wk_arena *a, const char *label,
    const struct wk_model *m, const void *row)
{
	struct wk_json_writer w;
	size_t i;

	wk_json_init(&w, out);
	wk_json_object_begin(&w);
	wk_json_key(&w, "model");
	wk_json_str(&w, label);
	wk_json_key(&w, "pk");
	if (fx_write_field(&w, a, m, &m->fields[0], row) != 0)
		return -1;
	wk_json_key(&w, "fields");
	wk_json_object_begin(&w);
	for (i = 1; i < m->nfields; i++) {
		wk_json_key(&w, m->fields[i].name);
		if (fx_write_field(&w, a, m, &m->fields[i], row) != 0)
			return -1;
	}
	wk_json_object_end(&w);
	wk_json_object_end(&w);
	return wk_json_finish(&w);
}

/* Every row of m, by pk, each on a line of its own. */
static int
fx_dump_model(wk_arena *a, const struct wk_model *m, wk_buf *out,
    int *first)
{
	char label[FX_MAX_LABEL];
	struct wk_query q;
	void *row;
	int st;

	if (wk_fixture_label(m, label, sizeof(label)) != 0)
		return wk__db_fail_msg(WK_DB_INVALID, "dumpdata: %s has no "
		    "label", m->name);
	wk_q_init(&q, a, m);
	wk_q_order_by(&q, m->fields[0].name);
	while ((st = wk_q_next(&q, &row)) == WK_DB_ROW) {
		wk_buf_puts(out, *first ? "\n" : ",\n");
		*first = 0;
		if (fx_write_row(out, a, label, m, row) != 0) {
			wk_q_close(&q);
			return WK_DB_NOMEM;
		}
	}
	wk_q_close(&q);
	return st == WK_DB_DONE ? WK_DB_OK : st;
}

/* Does label (an app or app.model) take in model k of sc? */
static int
fx_label_wants(const char *label, const struct wk_schema *sc,
    const struct wk_model *m)
{
	const char *dot = strchr(label, '.');

	if (dot == NULL)
		return strcmp(label, sc->app) == 0;
	return fx_find(label, strlen(label), NULL) == m;
}

/* Does label name anything at all? */
static int
fx_label_known(const char *label)
{
	const struct wk_schema *sc;
	size_t i;

	if (strchr(label, '.') != NULL)
		return fx_find(label, strlen(label), NULL) != NULL;
	for (i = 0; (sc = wk_schema_at(i)) != NULL; i++)
		if (strcmp(sc->app, label) == 0)
			return 1;
	return 0;
}

/* see fixtures.h */
int
wk_fixtures_dump(wk_arena *a, const char *const *labels, size_t n,
    wk_buf *out, char *err, size_t errlen)
{
	const struct wk_schema *sc;
	size_t i, k, l;
	int first = 1, st, want;

	if (errlen > 0)
		err[0] = '\0';
	for (l = 0; l < n; l++)
		if (!fx_label_known(labels[l])) {
			if (errlen > 0)
				(void)snprintf(err, errlen, "unknown app or model "
				    "'%.80s' (labels are APP or APP.MODEL)",
				    labels[l]);
			return WK_DB_INVALID;
		}
	wk_buf_putc(out, '[');
	for (i = 0; (sc = wk_schema_at(i)) != NULL; i++)
		for (k = 0; sc->models != NULL && sc->models[k] != NULL; k++) {
			want = n == 0;
			for (l = 0; l < n && !want; l++)
				want = fx_label_wants(labels[l], sc,
				    sc->models[k]);
			if (!want)
				continue;
			if ((st = fx_dump_model(a, sc->models[k], out, &first))
			    != WK_DB_OK) {
				if (errlen > 0)
					(void)snprintf(err, errlen, "%s",
					    wk_db_last_error());
				return st;
			}
		}
	wk_buf_puts(out, "\n]\n");
	return out->failed ? WK_DB_NOMEM : WK_DB_OK;
}

/* ---- loading ------------------------------------------------------------------- */

struct fx_load {
	wk_arena *a;
	const char *name;            /* the fixture being read, or NULL */
	size_t index;                /* its object being read, from 1 */
	char label[FX_MAX_LABEL];    /* that object's model, or "" */
	char *err;
	size_t errlen;
	const struct wk_model *models[FX_MAX_MODELS];  /* written to */
	size_t nmodels;
};

/* Record the problem "NAME: object I (LABEL): ..." and return status. */
static int
fx_fail(struct fx_load *ld, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
fx_fail(struct fx_load *ld, int status, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (ld->errlen == 0)
		return status;
	if (ld->name == NULL)      /* not about one fixture */
		n = 0;
	else if (ld->index > 0)
		n = snprintf(ld->err, ld->errlen, "%s: object %zu%s%s%s: ",
		    ld->name, ld->index, ld->label[0] ? " (" : "", ld->label,
		    ld->label[0] ? ")" : "");
	else
		n = snprintf(ld->err, ld->errlen, "%s: ", ld->name);
	if (n < 0 || (size_t)n >= ld->errlen)
		return status;     /* the prefix alone filled it: truncated */
	va_start(ap, fmt);
	(void)vsnprintf(ld->err + n, ld->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return status;
}

/* The JSON type's name, for "expected ..., got ...". */
static const char *
fx_type_name(const struct wk_json *v)
{
	static const char *const names[WK_JSON__MAX] = {
		[WK_JSON_NULL] = "null", [WK_JSON_BOOL] = "a boolean",
		[WK_JSON_NUMBER] = "a number", [WK_JSON_STRING] = "a string",
		[WK_JSON_ARRAY] = "an array", [WK_JSON_OBJECT] = "an object",
	};

	return v->type < WK_JSON__MAX ? names[v->type] : "?";
}

/* What each field kind takes from JSON, for the messages. */
static const char *const fx_kind_wants[WK_FIELD__MAX] = {
	[WK_FIELD_INT] = "an integer",
	[WK_FIELD_BIGINT] = "an integer",
	[WK_FIELD_REAL] = "a number",
	[WK_FIELD_TEXT] = "a string",
	[WK_FIELD_BOOL] = "true or false",
	[WK_FIELD_DATE] = "a date string (YYYY-MM-DD)",
	[WK_FIELD_DATETIME] = "a date-time string (YYYY-MM-DDTHH:MM:SSZ)",
	[WK_FIELD_BLOB] = "a base64 string",
	[WK_FIELD_FK] = "the pk (an integer) of the row it points at",
};

/* Set field f of obj to null (its field's bit, or a NULL pointer). */
static void
fx_set_null(const struct wk_model *m, const struct wk_field *f, void *obj)
{
	uint64_t nulls;
	size_t i = wk_model_index(m, f);
	const char *none = NULL;

	memcpy(&nulls, (char *)obj + m->nulls_offset, sizeof(nulls));
	nulls |= (uint64_t)1 << i;
	memcpy((char *)obj + m->nulls_offset, &nulls, sizeof(nulls));
	if (f->kind == WK_FIELD_TEXT || f->kind == WK_FIELD_DATE ||
	    f->kind == WK_FIELD_DATETIME)
		memcpy((char *)obj + f->offset, &none, sizeof(none));
}

/* Clear field f's null bit: it has a value now. */
static void
fx_clear_null(const struct wk_model *m, const struct wk_field *f, void *obj)
{
	uint64_t nulls;

	memcpy(&nulls, (char *)obj + m->nulls_offset, sizeof(nulls));
	nulls &= ~((uint64_t)1 << wk_model_index(m, f));
	memcpy((char *)obj + m->nulls_offset, &nulls, sizeof(nulls));
}

/* Field f of obj from v; 0, or -1 when v's type does not fit f. */
static int
fx_set_field(struct fx_load *ld, const struct wk_model *m,
    const struct wk_field *f, void *obj, const struct wk_json *v)
{
	char *p = (char *)obj + f->offset;

	if (v->type == WK_JSON_NULL) {
		if (!(f->flags & WK_NULL))
			return -1;
		fx_set_null(m, f, obj);
		return 0;
	}
	switch (f->kind) {
	case WK_FIELD_INT: {
		int i;
		if (v->type != WK_JSON_NUMBER || !v->is_int ||
		    v->i < INT32_MIN || v->i > INT32_MAX)
			return -1;
		i = (int)v->i;
		memcpy(p, &i, sizeof(i));
		break;
	}
	case WK_FIELD_BOOL: {
		int b;
		if (v->type == WK_JSON_BOOL)
			b = v->b != 0;
		else if (v->type == WK_JSON_NUMBER && v->is_int &&
		    (v->i == 0 || v->i == 1))
			b = (int)v->i;
		else
			return -1;
		memcpy(p, &b, sizeof(b));
		break;
	}
	case WK_FIELD_BIGINT:
	case WK_FIELD_FK:
		if (v->type != WK_JSON_NUMBER || !v->is_int)
			return -1;
		memcpy(p, &v->i, sizeof(v->i));
		break;
	case WK_FIELD_REAL:
		if (v->type != WK_JSON_NUMBER)
			return -1;
		memcpy(p, &v->num, sizeof(v->num));
		break;
	case WK_FIELD_BLOB: {
		struct wk_blob b;
		void *bytes;
		size_t cap;
		if (v->type != WK_JSON_STRING)
			return -1;
		cap = v->len / 4 * 3 + 3;
		if ((bytes = wk_arena_alloc(ld->a, cap)) == NULL)
			return -1;
		if (wk_base64_decode(bytes, cap, &b.len, v->str, v->len, 0) != 0)
			return -1;
		b.data = bytes;
		memcpy(p, &b, sizeof(b));
		break;
	}
	default:
		if (v->type != WK_JSON_STRING)
			return -1;
		memcpy(p, &v->str, sizeof(v->str));
		break;
	}
	fx_clear_null(m, f, obj);
	return 0;
}

/* INSERT ... ON CONFLICT (pk) DO UPDATE: every column from the metadata,
 * every value bound. */
static int
fx_upsert(struct fx_load *ld, const struct wk_model *m, const void *obj)
{
	sqlite3_stmt *st;
	wk_buf sql;
	size_t i;
	int cached, rc, s;

	wk_buf_init(&sql, ld->a);
	wk_buf_puts(&sql, "INSERT INTO ");
	wk__q_ident(&sql, m->name);
	wk_buf_puts(&sql, " (");
	for (i = 0; i < m->nfields; i++) {
		if (i > 0)
			wk_buf_puts(&sql, ", ");
		wk__q_ident(&sql, m->fields[i].name);
	}
	wk_buf_puts(&sql, ") VALUES (");
	for (i = 0; i < m->nfields; i++) {
		if (i > 0)
			wk_buf_puts(&sql, ", ");
		wk__q_param(&sql, (int)i + 1);
	}
	wk_buf_puts(&sql, ") ON CONFLICT (");
	wk__q_ident(&sql, m->fields[0].name);
	if (m->nfields == 1)
		wk_buf_puts(&sql, ") DO NOTHING");
	else {
		wk_buf_puts(&sql, ") DO UPDATE SET ");
		for (i = 1; i < m->nfields; i++) {
			if (i > 1)
				wk_buf_puts(&sql, ", ");
			wk__q_ident(&sql, m->fields[i].name);
			wk_buf_puts(&sql, " = excluded.");
			wk__q_ident(&sql, m->fields[i].name);
		}
	}
	if (sql.failed)
		return WK_DB_NOMEM;
	if ((s = wk__db_prepare(sql.data, sql.len, &st, &cached)) != WK_DB_OK)
		return s;
	for (i = 0; i < m->nfields; i++)
		if ((rc = wk__q_bind_field(st, (int)i + 1, m, &m->fields[i],
		    obj)) != SQLITE_OK) {
			wk__db_release(st, cached);
			return wk__db_fail(rc, "loaddata: binding a value");
		}
	s = wk__db_step(st, 1);
	wk__db_release(st, cached);
	return s == WK_DB_DONE ? WK_DB_OK : s;
}

/* Remember that m was written to (its foreign keys are checked). */
static int
fx_note_model(struct fx_load *ld, const struct wk_model *m)
{
	size_t i;

	for (i = 0; i < ld->nmodels; i++)
		if (ld->models[i] == m)
			return 0;
	if (ld->nmodels >= FX_MAX_MODELS)
		return -1;
	ld->models[ld->nmodels++] = m;
	return 0;
}

/* The pk of an object: an integer for an `id` key, text otherwise. */
static int
fx_set_pk(const struct wk_model *m, void *obj, const struct wk_json *pk)
{
	if (wk_model_text_pk(m)) {
		if (pk->type != WK_JSON_STRING)
			return -1;
		memcpy((char *)obj + m->fields[0].offset, &pk->str,
		    sizeof(pk->str));
		return 0;
	}
	if (pk->type != WK_JSON_NUMBER || !pk->is_int)
		return -1;
	memcpy((char *)obj + m->fields[0].offset, &pk->i, sizeof(pk->i));
	return 0;
}

/* One object of a fixture: checked, then written. */
static int
fx_load_object(struct fx_load *ld, const struct wk_json *o)
{
	const struct wk_json *jm, *jpk, *jf;
	const struct wk_model *m;
	const struct wk_field *f;
	const char *msg;
	void *obj;
	size_t i;
	int s;

	ld->label[0] = '\0';
	if (o->type != WK_JSON_OBJECT)
		return fx_fail(ld, WK_DB_INVALID, "expected an object, got %s",
		    fx_type_name(o));
	for (i = 0; i < o->n; i++) {
		const char *k = o->items[i].key;
		if (strcmp(k, "model") != 0 && strcmp(k, "pk") != 0 &&
		    strcmp(k, "fields") != 0)
			return fx_fail(ld, WK_DB_INVALID, "unknown key '%.80s' "
			    "(an object has model, pk and fields)", k);
	}
	jm = wk_json_get(o, "model");
	if (jm == NULL || jm->type != WK_JSON_STRING)
		return fx_fail(ld, WK_DB_INVALID, "no \"model\" string");
	if ((m = wk_fixture_model(jm->str, jm->len)) == NULL)
		return fx_fail(ld, WK_DB_INVALID, "unknown model '%.80s'",
		    jm->str);
	(void)snprintf(ld->label, sizeof(ld->label), "%s", jm->str);
	if ((obj = wk_arena_alloc(ld->a, m->size)) == NULL)
		return fx_fail(ld, WK_DB_NOMEM, "out of memory");
	if (wk_model_init(m, obj) != 0)
		return fx_fail(ld, WK_DB_ERROR, "a default of the model does "
		    "not parse");
	jpk = wk_json_get(o, "pk");
	if (jpk != NULL && jpk->type != WK_JSON_NULL &&
	    fx_set_pk(m, obj, jpk) != 0)
		return fx_fail(ld, WK_DB_INVALID, "pk: expected %s, got %s",
		    wk_model_text_pk(m) ? "a string" : "an integer",
		    fx_type_name(jpk));
	jf = wk_json_get(o, "fields");
	if (jf != NULL && jf->type != WK_JSON_OBJECT)
		return fx_fail(ld, WK_DB_INVALID, "\"fields\": expected an "
		    "object, got %s", fx_type_name(jf));
	for (i = 0; jf != NULL && i < jf->n; i++) {
		const struct wk_json *v = &jf->items[i];
		f = wk_model_fieldn(m, v->key, v->keylen);
		if (f == NULL || f == &m->fields[0])
			return fx_fail(ld, WK_DB_INVALID, "unknown field "
			    "'%.80s'%s", v->key, f != NULL ? " (the primary key "
			    "goes in \"pk\")" : "");
		if (fx_set_field(ld, m, f, obj, v) != 0) {
			if (v->type == WK_JSON_NULL)
				return fx_fail(ld, WK_DB_INVALID, "field '%s' "
				    "may not be null", f->name);
			return fx_fail(ld, WK_DB_INVALID, "field '%s': expected "
			    "%s, got %s", f->name, fx_kind_wants[f->kind],
			    fx_type_name(v));
		}
	}
	/* The model's own rules, as for any write; the key too when given
	 * (a UUID key left out is made by create). */
	for (i = jpk != NULL && jpk->type != WK_JSON_NULL ? 0 : 1;
	    i < m->nfields; i++) {
		if (i == 0 && !wk_model_text_pk(m))
			continue;
		if ((msg = wk_model_validate_field(m, &m->fields[i], obj))
		    != NULL)
			return fx_fail(ld, WK_DB_INVALID, "%s '%s': %s", i == 0 ?
			    "pk" : "field", m->fields[i].name, msg);
	}
	if (fx_note_model(ld, m) != 0)
		return fx_fail(ld, WK_DB_INVALID, "more than %d models in one "
		    "load", FX_MAX_MODELS);
	if (jpk != NULL && jpk->type != WK_JSON_NULL)
		s = fx_upsert(ld, m, obj);
	else
		s = wk_orm_create(m, obj);
	if (s != WK_DB_OK)
		return fx_fail(ld, s, "%s", wk_db_last_error());
	return WK_DB_OK;
}

/* One fixture: parse, then each object in order. */
static int
fx_load_one(struct fx_load *ld, const struct wk_fixture *fx, size_t *count)
{
	static const struct wk_json_limits lim = {
		.max_bytes = FX_MAX_BYTES, .max_depth = FX_MAX_DEPTH,
		.max_items = FX_MAX_ITEMS,
	};
	struct wk_json *root;
	const char *why = NULL;
	size_t where = 0, i;
	int s;

	ld->name = fx->name != NULL ? fx->name : "fixture";
	ld->index = 0;
	ld->label[0] = '\0';
	if (wk_json_parse(ld->a, fx->text, fx->len, &lim, &root, &why,
	    &where) != 0)
		return fx_fail(ld, WK_DB_INVALID, "bad JSON at byte %zu: %s",
		    where, why != NULL ? why : "?");
	if (root->type != WK_JSON_ARRAY)
		return fx_fail(ld, WK_DB_INVALID, "a fixture is a JSON array "
		    "of objects, not %s", fx_type_name(root));
	for (i = 0; i < root->n; i++) {
		ld->index = i + 1;
		if ((s = fx_load_object(ld, &root->items[i])) != WK_DB_OK)
			return s;
		(*count)++;
	}
	return WK_DB_OK;
}

/* No row of the loaded tables may point at nothing. */
static int
fx_check_keys(struct fx_load *ld)
{
	char label[FX_MAX_LABEL];
	sqlite3_stmt *st;
	wk_buf sql;
	size_t i, k;
	int cached, s, has_fk;

	ld->name = NULL;
	ld->index = 0;
	for (i = 0; i < ld->nmodels; i++) {
		const struct wk_model *m = ld->models[i];
		for (k = 1, has_fk = 0; k < m->nfields; k++)
			has_fk |= m->fields[k].kind == WK_FIELD_FK;
		if (!has_fk)
			continue;
		wk_buf_init(&sql, ld->a);
		wk_buf_puts(&sql, "PRAGMA foreign_key_check(");
		wk__q_ident(&sql, m->name);
		wk_buf_puts(&sql, ")");
		if (sql.failed)
			return WK_DB_NOMEM;
		if ((s = wk__db_prepare(sql.data, sql.len, &st, &cached)) !=
		    WK_DB_OK)
			return fx_fail(ld, s, "%s", wk_db_last_error());
		s = wk__db_step(st, 1);
		if (s == WK_DB_ROW) {
			long long rowid = sqlite3_column_int64(st, 1);
			const unsigned char *parent = sqlite3_column_text(st, 2);
			if (wk_fixture_label(m, label, sizeof(label)) != 0)
				(void)snprintf(label, sizeof(label), "%s",
				    m->name);
			(void)fx_fail(ld, WK_DB_CONSTRAINT, "%s with pk %lld: a "
			    "foreign key points at no row of %s", label, rowid,
			    parent != NULL ? (const char *)parent : "?");
			wk__db_release(st, cached);
			return WK_DB_CONSTRAINT;
		}
		wk__db_release(st, cached);
		if (s != WK_DB_DONE)
			return fx_fail(ld, s, "%s", wk_db_last_error());
	}
	return WK_DB_OK;
}

/* see fixtures.h */
int
wk_fixtures_load(wk_arena *a, const struct wk_fixture *fx, size_t n,
    size_t *count, char *err, size_t errlen)
{
	struct fx_load *ld;
	size_t i, total = 0;
	int s;

	if (count != NULL)
		*count = 0;
	if (errlen > 0)
		err[0] = '\0';
	if ((ld = wk_arena_calloc(a, 1, sizeof(*ld))) == NULL)
		return WK_DB_NOMEM;
	ld->a = a;
	ld->err = err;
	ld->errlen = errlen;
	ld->name = NULL;
	if ((s = wk_db_begin()) != WK_DB_OK)
		return fx_fail(ld, s, "%s", wk_db_last_error());
	s = wk__db_exec("PRAGMA defer_foreign_keys = ON");
	if (s != WK_DB_OK)
		(void)fx_fail(ld, s, "%s", wk_db_last_error());
	for (i = 0; s == WK_DB_OK && i < n; i++)
		s = fx_load_one(ld, &fx[i], &total);
	if (s == WK_DB_OK)
		s = fx_check_keys(ld);
	if (s != WK_DB_OK) {
		(void)wk_db_rollback();
		return s;
	}
	if ((s = wk_db_commit()) != WK_DB_OK) {
		ld->name = NULL;
		return fx_fail(ld, s, "%s", wk_db_last_error());
	}
	if (count != NULL)
		*count = total;
	return WK_DB_OK;
}

/* ---- the commands -------------------------------------------------------------- */

/* Open the app's database for a command; 0, or 1 after a message. */
static int
fx_open(const struct wk_app *app, const struct wk_settings *s,
    const char *cmd)
{
	const char *path;
	int st;

	wk_db_configure(s, app->name);
	path = wk_db_path();
	if (path == NULL) {
		fprintf(stderr, "%s: no database path (set `database` in the "
		    "config file)\n", cmd);
		return 1;
	}
	if (strcmp(path, ":memory:") != 0 && access(path, F_OK) != 0) {
		fprintf(stderr, "%s: database %s does not exist (run migrate "
		    "first)\n", cmd, path);
		return 1;
	}
	if ((st = wk_db_connect()) != WK_DB_OK) {
		fprintf(stderr, "%s: %s\n", cmd, wk_db_last_error());
		return 1;
	}
	return 0;
}

static int
cmd_dumpdata(const struct wk_app *app, const struct wk_settings *s,
    int argc, char **argv)
{
	char err[512];
	wk_arena a;
	wk_buf out;
	int st, rc = 0;

	if (fx_open(app, s, "dumpdata") != 0)
		return 1;
	wk_arena_init(&a);
	a.limit = 0;
	wk_buf_init(&out, &a);
	st = wk_fixtures_dump(&a, (const char *const *)argv + 2,
	    argc > 2 ? (size_t)argc - 2 : 0, &out, err, sizeof(err));
	if (st != WK_DB_OK) {
		fprintf(stderr, "dumpdata: %s\n", err[0] ? err :
		    wk_db_status_name(st));
		rc = 1;
	} else if (fwrite(out.data, 1, out.len, stdout) != out.len ||
	    fflush(stdout) != 0) {
		perror("dumpdata: writing the fixture");
		rc = 1;
	}
	wk_arena_free(&a);
	wk_db_close();
	return rc;
}

/* Read all of fd (at most FX_MAX_BYTES) into arena memory. */
static int
fx_read_all(wk_arena *a, int fd, const char *name, struct wk_fixture *fx)
{
	size_t cap = 65536, len = 0;
	char *buf = wk_arena_alloc(a, cap), *nbuf;
	ssize_t r;

	if (buf == NULL)
		goto nomem;
	for (;;) {
		if (len == cap) {
			if (cap >= FX_MAX_BYTES) {
				fprintf(stderr, "loaddata: %s: larger than %zu "
				    "bytes\n", name, FX_MAX_BYTES);
				return -1;
			}
			if ((nbuf = wk_arena_realloc(a, buf, cap, cap * 2)) ==
			    NULL)
				goto nomem;
			buf = nbuf;
			cap *= 2;
		}
		r = read(fd, buf + len, cap - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			fprintf(stderr, "loaddata: %s: %s\n", name,
			    strerror(errno));
			return -1;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	fx->name = name;
	fx->text = buf;
	fx->len = len;
	return 0;
nomem:
	fprintf(stderr, "loaddata: %s: out of memory\n", name);
	return -1;
}

static int
cmd_loaddata(const struct wk_app *app, const struct wk_settings *s,
    int argc, char **argv)
{
	struct wk_fixture *fx;
	char err[1024];
	wk_arena a;
	size_t n, i, count = 0;
	int fd, st, rc = 1;

	if (argc < 3) {
		fprintf(stderr, "usage: %s loaddata FILE...  (- for stdin)\n",
		    argv[0]);
		return 2;
	}
	n = (size_t)argc - 2;
	wk_arena_init(&a);
	a.limit = 0;
	if ((fx = wk_arena_calloc(&a, n, sizeof(*fx))) == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		const char *path = argv[i + 2];
		if (strcmp(path, "-") == 0) {
			if (fx_read_all(&a, 0, "<stdin>", &fx[i]) != 0)
				goto out;
			continue;
		}
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
			fprintf(stderr, "loaddata: %s: %s\n", path,
			    strerror(errno));
			goto out;
		}
		st = fx_read_all(&a, fd, path, &fx[i]);
		close(fd);
		if (st != 0)
			goto out;
	}
	if (fx_open(app, s, "loaddata") != 0)
		goto out;
	st = wk_fixtures_load(&a, fx, n, &count, err, sizeof(err));
	wk_db_close();
	if (st != WK_DB_OK) {
		fprintf(stderr, "loaddata: %s\nloaddata: nothing was "
		    "installed\n", err[0] ? err : wk_db_status_name(st));
		goto out;
	}
	printf("Installed %zu object(s) from %zu fixture(s)\n", count, n);
	rc = 0;
out:
	wk_arena_free(&a);
	return rc;
}

/* see fixtures.h */
const struct wk_command wk_fixture_commands[] = {
	{ "dumpdata", "dumpdata [APP[.MODEL]...]",
	    "write the rows as a JSON fixture on stdout", cmd_dumpdata },
	{ "loaddata", "loaddata FILE...",
	    "install JSON fixtures, all or nothing (- reads stdin)",
	    cmd_loaddata },
	WK_COMMANDS_END
};
