/*
 * wick_side.c - Wick's answers for the ORM differential (see README).
 *
 *   wick_side DB ROWS QUERIES
 *
 * Declares the models django_side.py declares, with Wick's X-macros,
 * creates DB afresh, stores rows.json through wk_orm_create and runs each
 * query of QUERIES (one JSON object a line) through wk_q_*, printing
 * "name<TAB>answer" lines in django_side.py's format.  A refused query is
 * the answer "ERROR" (the reason goes to stderr).  Exit status 0 unless
 * the database or the input files could not be set up.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wick/db/db.h"
#include "wick/core/json.h"
#include "wick/db/migrate.h"
#include "wick/db/model.h"
#include "wick/db/orm.h"

#define OD_CATEGORY(F, M) \
	F(M, title, TEXT) \
	F(M, rank, INT, .flags = WK_NULL)
WK_MODEL_STRUCT(od_category, OD_CATEGORY)
WK_MODEL_DEFINE(od_category, OD_CATEGORY)

#define OD_ITEM(F, M) \
	F(M, cat, FK, .to = &od_category_model, .on_delete = WK_SET_NULL, \
	    .flags = WK_NULL) \
	F(M, n, INT, .flags = WK_NULL) \
	F(M, m, INT) \
	F(M, price, REAL, .flags = WK_NULL) \
	F(M, name, TEXT, .flags = WK_NULL | WK_BLANK) \
	F(M, tag, TEXT, .flags = WK_BLANK) \
	F(M, flag, BOOL) \
	F(M, d, DATE, .flags = WK_NULL) \
	F(M, dt, DATETIME, .flags = WK_NULL)
WK_MODEL_STRUCT(od_item, OD_ITEM)
WK_MODEL_DEFINE(od_item, OD_ITEM)

static const struct wk_model *const od_models[] = {
	&od_category_model, &od_item_model, NULL
};

static const struct wk_migration od_steps[] = {
	WK_MIGRATION("0001_initial", WK_CREATE_TABLE(od_category_model),
	    WK_CREATE_TABLE(od_item_model)),
};

static const struct wk_schema od_schema = {
	.app = "od", .order = 100, .models = od_models, .steps = od_steps,
	.nsteps = 1,
};

/* The aggregate names of the query file, in enum wk_agg order. */
static const char *const od_aggs[WK_AGG__MAX] = {
	[WK_AGG_COUNT] = "count", [WK_AGG_SUM] = "sum", [WK_AGG_MIN] = "min",
	[WK_AGG_MAX] = "max", [WK_AGG_AVG] = "avg",
};

/* A datetime as the file writes it ("2024-03-01 12:00:00", Django's
 * storage) made Wick's ("2024-03-01T12:00:00Z"); other text unchanged. */
static const char *
od_text(wk_arena *a, const char *s, size_t n)
{
	char *t;

	if (n != 19 || s[4] != '-' || s[10] != ' ' || s[13] != ':')
		return s;
	if ((t = wk_arena_alloc(a, 21)) == NULL)
		return NULL;
	memcpy(t, s, 19);
	t[10] = 'T';
	t[19] = 'Z';
	t[20] = '\0';
	return t;
}

/* A JSON value of the query file as a wk_value (lists in the arena). */
static int
od_value(wk_arena *a, const struct wk_json *j, struct wk_value *out)
{
	struct wk_list *l;
	size_t i;

	switch (j->type) {
	case WK_JSON_NULL:
		*out = wk_val_null();
		return 0;
	case WK_JSON_BOOL:
		*out = wk_val_bool(j->b);
		return 0;
	case WK_JSON_NUMBER:
		*out = j->is_int ? wk_val_int(j->i) : wk_val_real(j->num);
		return 0;
	case WK_JSON_STRING: {
		const char *s = od_text(a, j->str, j->len);
		if (s == NULL)
			return -1;
		*out = wk_val_strn(s, s == j->str ? j->len : 20);
		return 0;
	}
	case WK_JSON_ARRAY:
		l = wk_arena_alloc(a, sizeof(*l));
		if (l == NULL || (l->items = wk_arena_alloc(a, (j->n + 1) *
		    sizeof(*l->items))) == NULL)
			return -1;
		for (i = 0; i < j->n; i++)
			if (od_value(a, &j->items[i], &l->items[i]) != 0)
				return -1;
		l->len = l->cap = j->n;
		*out = wk_val_list(l);
		return 0;
	default:
		return -1;
	}
}

/* Set field f of obj from a JSON row member through the metadata. */
static int
od_set(wk_arena *a, const struct wk_model *m, void *obj,
    const struct wk_field *f, const struct wk_json *j)
{
	char *p = (char *)obj + f->offset;
	uint64_t nulls;
	size_t idx = wk_model_index(m, f);

	memcpy(&nulls, (char *)obj + m->nulls_offset, sizeof(nulls));
	nulls &= ~((uint64_t)1 << idx);
	if (j == NULL || j->type == WK_JSON_NULL) {
		nulls |= (uint64_t)1 << idx;
	} else if (f->kind == WK_FIELD_INT || f->kind == WK_FIELD_BOOL) {
		int v = j->type == WK_JSON_BOOL ? j->b : (int)j->i;
		memcpy(p, &v, sizeof(v));
	} else if (f->kind == WK_FIELD_BIGINT || f->kind == WK_FIELD_FK) {
		memcpy(p, &j->i, sizeof(j->i));
	} else if (f->kind == WK_FIELD_REAL) {
		memcpy(p, &j->num, sizeof(j->num));
	} else if (j->type == WK_JSON_STRING) {
		const char *s = f->kind == WK_FIELD_DATETIME ?
		    od_text(a, j->str, j->len) : j->str;
		if (s == NULL)
			return -1;
		memcpy(p, &s, sizeof(s));
	} else {
		return -1;
	}
	memcpy((char *)obj + m->nulls_offset, &nulls, sizeof(nulls));
	return 0;
}

/* Store every row of the file's array key into model m, checking ids. */
static int
od_load(wk_arena *a, const struct wk_json *rows, const char *key,
    const struct wk_model *m)
{
	const struct wk_json *arr = wk_json_get(rows, key);
	size_t i, k;

	if (arr == NULL || arr->type != WK_JSON_ARRAY)
		return -1;
	for (i = 0; i < arr->n; i++) {
		const struct wk_json *r = &arr->items[i];
		void *obj = wk_arena_alloc(a, m->size);
		if (obj == NULL || wk_model_init(m, obj) != 0)
			return -1;
		for (k = 1; k < m->nfields; k++)
			if (od_set(a, m, obj, &m->fields[k],
			    wk_json_get(r, m->fields[k].name)) != 0)
				return -1;
		if (wk_orm_create(m, obj) != WK_DB_OK) {
			fprintf(stderr, "wick_side: row %zu of %s: %s\n", i,
			    key, wk_db_last_error());
			return -1;
		}
		if (wk_json_get(r, "id") == NULL ||
		    wk_model_id(m, obj) != wk_json_get(r, "id")->i)
			return -1;
	}
	return 0;
}

/* Apply the query's ops (filter, exclude, groups) to q. */
static int
od_ops(wk_arena *a, struct wk_query *q, const struct wk_json *ops)
{
	size_t i;

	for (i = 0; ops != NULL && i < ops->n; i++) {
		const struct wk_json *op = &ops->items[i];
		const char *kind = op->n > 0 ? op->items[0].str : NULL;
		struct wk_value v;

		if (kind == NULL)
			return -1;
		if (strcmp(kind, "filter") == 0 || strcmp(kind, "exclude") ==
		    0) {
			if (op->n != 3 || od_value(a, &op->items[2], &v) != 0)
				return -1;
			if (kind[0] == 'f')
				wk_q_filter(q, op->items[1].str, v);
			else
				wk_q_exclude(q, op->items[1].str, v);
		} else if (strcmp(kind, "or") == 0) {
			wk_q_or(q);
		} else if (strcmp(kind, "and") == 0) {
			wk_q_and(q);
		} else if (strcmp(kind, "not") == 0) {
			wk_q_not(q);
		} else if (strcmp(kind, "end") == 0) {
			wk_q_end(q);
		} else {
			return -1;
		}
	}
	return 0;
}

/* Print an aggregate's value as django_side.py formats it. */
static void
od_print_value(const struct wk_value *v)
{
	switch (v->kind) {
	case WK_VAL_NULL:
		fputs("None", stdout);
		break;
	case WK_VAL_INT:
		printf("%lld", v->u.i);
		break;
	case WK_VAL_REAL:
		printf("%.6g", v->u.r);
		break;
	default: {
		const char *s = v->u.s.p;
		size_t n = v->u.s.n;
		/* a Wick datetime printed as Django prints its datetime */
		if (n == 20 && s[10] == 'T' && s[19] == 'Z')
			printf("%.10s %.8s", s, s + 11);
		else
			fwrite(s, 1, n, stdout);
	}
	}
}

/* Run one query line; prints its answer line. */
static int
od_query(wk_arena *a, const struct wk_json *spec)
{
	const char *name = wk_json_string(spec, "q");
	const char *order = wk_json_string(spec, "order");
	const struct wk_json *lim = wk_json_get(spec, "limit");
	const struct wk_json *agg = wk_json_get(spec, "agg");
	const struct wk_json *cnt = wk_json_get(spec, "count");
	struct wk_query q;
	int st, k;

	if (name == NULL)
		return -1;
	wk_q_init(&q, a, &od_item_model);
	if (od_ops(a, &q, wk_json_get(spec, "ops")) != 0)
		return -1;
	wk_q_order_by(&q, order != NULL ? order : "id");
	if (lim != NULL && lim->n == 2)
		wk_q_limit(&q, lim->items[0].i, lim->items[1].i);
	printf("%s\t", name);
	if (agg != NULL && agg->n == 2) {
		struct wk_value v;
		for (k = 0; k < WK_AGG__MAX; k++)
			if (strcmp(od_aggs[k], agg->items[0].str) == 0)
				break;
		st = wk_q_aggregate(&q, (enum wk_agg)k, agg->items[1].str, &v);
		if (st == WK_DB_OK)
			od_print_value(&v);
	} else if (cnt != NULL) {
		long long n;
		if ((st = wk_q_count(&q, &n)) == WK_DB_OK)
			printf("count %lld", n);
	} else {
		struct od_item *row;
		wk_buf ids;
		wk_buf_init(&ids, a);
		while ((st = wk_q_next(&q, (void **)&row)) == WK_DB_ROW)
			wk_buf_printf(&ids, " %lld", row->id);
		wk_q_close(&q);
		if (st == WK_DB_DONE) {
			st = WK_DB_OK;
			printf("ids%.*s", (int)ids.len, ids.data ? ids.data :
			    "");
		}
	}
	if (st != WK_DB_OK) {
		fprintf(stderr, "%s: %s\n", name, wk_db_last_error());
		fputs("ERROR", stdout);
	}
	putchar('\n');
	return 0;
}

/* The whole of a file, NUL-terminated, in the arena. */
static char *
od_slurp(wk_arena *a, const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	wk_buf b;
	char chunk[4096];
	size_t n;

	if (f == NULL)
		return NULL;
	wk_buf_init(&b, a);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		wk_buf_append(&b, chunk, n);
	if (ferror(f) || fclose(f) != 0 || b.failed)
		return NULL;
	*len = b.len;
	return b.data != NULL ? b.data : wk_arena_strndup(a, "", 0);
}

int
main(int argc, char **argv)
{
	wk_arena a;
	struct wk_json *rows, *spec;
	const char *err = NULL;
	char *text, *line, *end;
	size_t len;

	if (argc != 4) {
		fprintf(stderr, "usage: wick_side DB ROWS QUERIES\n");
		return 2;
	}
	wk_arena_init(&a);
	if (unlink(argv[1]) != 0 && access(argv[1], F_OK) == 0)
		return 1;
	if (wk_schema_register(&od_schema) != 0 ||
	    wk_db_set_path(argv[1]) != 0)
		return 1;
	wk_db_allow_create(1);
	if (wk_migrate_run(NULL) != WK_DB_OK) {
		fprintf(stderr, "wick_side: migrate: %s\n", wk_db_last_error());
		return 1;
	}
	if ((text = od_slurp(&a, argv[2], &len)) == NULL ||
	    wk_json_parse(&a, text, len, NULL, &rows, &err, NULL) != 0 ||
	    wk_db_begin() != WK_DB_OK ||
	    od_load(&a, rows, "category", &od_category_model) != 0 ||
	    od_load(&a, rows, "item", &od_item_model) != 0 ||
	    wk_db_commit() != WK_DB_OK) {
		fprintf(stderr, "wick_side: loading %s failed%s%s\n", argv[2],
		    err ? ": " : "", err ? err : "");
		return 1;
	}
	if ((text = od_slurp(&a, argv[3], &len)) == NULL)
		return 1;
	for (line = text; *line != '\0'; line = *end ? end + 1 : end) {
		end = strchr(line, '\n');
		if (end == NULL)
			end = line + strlen(line);
		if (end == line || line[0] == '#')
			continue;
		if (wk_json_parse(&a, line, (size_t)(end - line), NULL, &spec,
		    &err, NULL) != 0 || od_query(&a, spec) != 0) {
			fprintf(stderr, "wick_side: bad query line: %.*s\n",
			    (int)(end - line), line);
			return 1;
		}
	}
	wk_db_close();
	wk_arena_free(&a);
	return fflush(stdout) == 0 ? 0 : 1;
}
