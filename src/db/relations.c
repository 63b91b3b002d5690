/*
 * relations.c - the related managers of relations.h: add, remove, set and
 * clear the links of one row through a many-to-many relation, and a query
 * over the rows related to one row.  The relation is found by name in
 * related.c; its SQL is built here from metadata names only, with every
 * id bound, and each call is one atomic block (orm.c's helpers).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "wick/core/buf.h"
#include "wick/db/relations.h"
#include "internal.h"

/* The many-to-many relation called name from m into *r, or the error. */
static int
m2m_find(const struct wk_model *m, const char *name, struct wk__rel *r)
{
	if (name == NULL || strnlen(name, WK__Q_MAX_NAME + 1) > WK__Q_MAX_NAME)
		return wk__db_fail_msg(WK_DB_INVALID, "invalid: no relation "
		    "name");
	if (wk__rel_find(m, name, strlen(name), r) != 0 || r->m2m == NULL)
		return wk__db_fail_msg(WK_DB_INVALID, "invalid: %s has no "
		    "many-to-many relation '%.80s'", m->name, name);
	return WK_DB_OK;
}

/*
 * Run the SQL in b with ?1 = x and, when nargs is 2, ?2 = y.  *row (may be
 * NULL) is set to 1 when a row came back.  WK_DB_OK or the error class.
 */
static int
m2m_run(wk_buf *b, int nargs, long long x, long long y, int *row)
{
	sqlite3_stmt *st;
	int cached, s;

	if (row != NULL)
		*row = 0;
	if (b->failed)
		return WK_DB_NOMEM;
	if ((s = wk__db_prepare(b->data, b->len, &st, &cached)) != WK_DB_OK)
		return s;
	if (sqlite3_bind_int64(st, 1, x) != SQLITE_OK || (nargs == 2 &&
	    sqlite3_bind_int64(st, 2, y) != SQLITE_OK)) {
		wk__db_release(st, cached);
		return WK_DB_ERROR;
	}
	s = wk__db_step(st, 1);
	if (s == WK_DB_ROW && row != NULL)
		*row = 1;
	if (s == WK_DB_ROW || s == WK_DB_DONE)
		s = WK_DB_OK;
	wk__db_release(st, cached);
	return s;
}

/* WK_DB_OK if model m has a row with key id, else WK_DB_NOT_FOUND (with
 * a message naming it) or the error. */
static int
m2m_exists(wk_arena *a, const struct wk_model *m, long long id)
{
	wk_buf b;
	int s, row;

	wk_buf_init(&b, a);
	wk_buf_puts(&b, "SELECT 1 FROM ");
	wk__q_ident(&b, m->name);
	wk_buf_puts(&b, " WHERE ");
	wk__q_ident(&b, m->fields[0].name);
	wk_buf_puts(&b, " = ?1");
	if ((s = m2m_run(&b, 1, id, 0, &row)) != WK_DB_OK)
		return s;
	return row ? WK_DB_OK : wk__db_fail_msg(WK_DB_NOT_FOUND, "not found: "
	    "no %s with id %lld", m->name, id);
}

/* "<verb> ... FROM join WHERE self_col = ?1[ AND other_col = ?2]" pieces. */
static void
m2m_where(wk_buf *b, const struct wk__rel *r, int both)
{
	wk_buf_puts(b, " WHERE ");
	wk__q_ident(b, r->self_col);
	wk_buf_puts(b, " = ?1");
	if (both) {
		wk_buf_puts(b, " AND ");
		wk__q_ident(b, r->other_col);
		wk_buf_puts(b, " = ?2");
	}
}

/* Link id to other (both exist): a no-op when the link is there. */
static int
m2m_link(wk_arena *a, const struct wk__rel *r, long long id, long long other)
{
	wk_buf b;

	wk_buf_init(&b, a);
	wk_buf_puts(&b, "INSERT INTO ");
	wk__q_ident(&b, r->table);
	wk_buf_puts(&b, " (");
	wk__q_ident(&b, r->self_col);
	wk_buf_puts(&b, ", ");
	wk__q_ident(&b, r->other_col);
	wk_buf_puts(&b, ") SELECT ?1, ?2 WHERE NOT EXISTS (SELECT 1 FROM ");
	wk__q_ident(&b, r->table);
	m2m_where(&b, r, 1);
	wk_buf_putc(&b, ')');
	return m2m_run(&b, 2, id, other, NULL);
}

/* Unlink id from other (both = 1), or from everything (both = 0). */
static int
m2m_unlink(wk_arena *a, const struct wk__rel *r, long long id,
    long long other, int both)
{
	wk_buf b;

	wk_buf_init(&b, a);
	wk_buf_puts(&b, "DELETE FROM ");
	wk__q_ident(&b, r->table);
	m2m_where(&b, r, both);
	return m2m_run(&b, both ? 2 : 1, id, other, NULL);
}

/* Check every id of ids exists in r's far model, then link each. */
static int
m2m_add_all(wk_arena *a, const struct wk__rel *r, long long id,
    const long long *ids, size_t n)
{
	size_t i;
	int s;

	for (i = 0; i < n; i++)
		if ((s = m2m_exists(a, r->other, ids[i])) != WK_DB_OK)
			return s;
	for (i = 0; i < n; i++)
		if ((s = m2m_link(a, r, id, ids[i])) != WK_DB_OK)
			return s;
	return WK_DB_OK;
}

/* The ids currently linked to id, into an arena array. */
static int
m2m_current(wk_arena *a, const struct wk__rel *r, long long id,
    long long **out, size_t *n)
{
	sqlite3_stmt *st;
	long long *v = NULL;
	size_t cap = 0;
	wk_buf b;
	int cached, s;

	*out = NULL;
	*n = 0;
	wk_buf_init(&b, a);
	wk_buf_puts(&b, "SELECT ");
	wk__q_ident(&b, r->other_col);
	wk_buf_puts(&b, " FROM ");
	wk__q_ident(&b, r->table);
	m2m_where(&b, r, 0);
	if (b.failed)
		return WK_DB_NOMEM;
	if ((s = wk__db_prepare(b.data, b.len, &st, &cached)) != WK_DB_OK)
		return s;
	if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK) {
		wk__db_release(st, cached);
		return WK_DB_ERROR;
	}
	while ((s = wk__db_step(st, *n == 0)) == WK_DB_ROW) {
		if (*n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			void *p = wk_arena_realloc(a, v, cap * sizeof(*v),
			    nc * sizeof(*v));
			if (p == NULL) {
				s = WK_DB_NOMEM;
				break;
			}
			v = p;
			cap = nc;
		}
		v[(*n)++] = sqlite3_column_int64(st, 0);
	}
	wk__db_release(st, cached);
	if (s != WK_DB_DONE)
		return s;
	*out = v;
	return WK_DB_OK;
}

enum m2m_op { M2M_ADD, M2M_REMOVE, M2M_SET, M2M_CLEAR };

/* The four writes: find the relation, check the row, then the op, all in
 * one atomic block. */
static int
m2m_write(enum m2m_op op, wk_arena *a, const struct wk_model *m,
    long long id, const char *name, const long long *ids, size_t n)
{
	struct wk__rel r;
	long long *cur;
	size_t i, k, ncur;
	int s, own;

	if ((s = m2m_find(m, name, &r)) != WK_DB_OK)
		return s;
	if (n > 0 && ids == NULL)
		return wk__db_fail_msg(WK_DB_INVALID, "invalid: no ids");
	if ((s = wk__q_write_begin(&own)) != WK_DB_OK)
		return s;
	if ((s = m2m_exists(a, m, id)) != WK_DB_OK)
		return wk__q_write_end(own, s);
	switch (op) {
	case M2M_ADD:
		s = m2m_add_all(a, &r, id, ids, n);
		break;
	case M2M_REMOVE:
		for (i = 0; i < n && s == WK_DB_OK; i++)
			s = m2m_unlink(a, &r, id, ids[i], 1);
		break;
	case M2M_SET:
		if ((s = m2m_current(a, &r, id, &cur, &ncur)) != WK_DB_OK)
			break;
		for (i = 0; i < ncur && s == WK_DB_OK; i++) {
			for (k = 0; k < n && ids[k] != cur[i]; k++)
				;
			if (k == n)
				s = m2m_unlink(a, &r, id, cur[i], 1);
		}
		if (s == WK_DB_OK)
			s = m2m_add_all(a, &r, id, ids, n);
		break;
	case M2M_CLEAR:
		s = m2m_unlink(a, &r, id, 0, 0);
		break;
	}
	return wk__q_write_end(own, s);
}

/* see relations.h */
int
wk_m2m_add(wk_arena *a, const struct wk_model *m, long long id,
    const char *name, const long long *ids, size_t n)
{
	return m2m_write(M2M_ADD, a, m, id, name, ids, n);
}

/* see relations.h */
int
wk_m2m_remove(wk_arena *a, const struct wk_model *m, long long id,
    const char *name, const long long *ids, size_t n)
{
	return m2m_write(M2M_REMOVE, a, m, id, name, ids, n);
}

/* see relations.h */
int
wk_m2m_set(wk_arena *a, const struct wk_model *m, long long id,
    const char *name, const long long *ids, size_t n)
{
	return m2m_write(M2M_SET, a, m, id, name, ids, n);
}

/* see relations.h */
int
wk_m2m_clear(wk_arena *a, const struct wk_model *m, long long id,
    const char *name)
{
	return m2m_write(M2M_CLEAR, a, m, id, name, NULL, 0);
}

/* see relations.h */
int
wk_q_related(struct wk_query *q, wk_arena *a, const struct wk_model *m,
    long long id, const char *name)
{
	struct wk__rel r, back;
	size_t len;

	len = name != NULL ? strnlen(name, WK__Q_MAX_NAME + 1) : 0;
	if (len == 0 || len > WK__Q_MAX_NAME ||
	    wk__rel_find(m, name, len, &r) != 0) {
		wk_q_init(q, a, m);
		return wk__q_fail(q, WK_DB_INVALID, "no such relation", name);
	}
	wk_q_init(q, a, r.other);
	if (r.fk != NULL)  /* post.comments: the comments whose post is id */
		return wk_q_filter(q, r.fk->name, wk_val_int(id));
	/* post.tags: the tags with a link to post id - the relation seen
	 * from the far end, with the key compared. */
	back = r;
	back.self = r.other;
	back.other = r.self;
	memcpy(back.self_col, r.other_col, sizeof(back.self_col));
	memcpy(back.other_col, r.self_col, sizeof(back.other_col));
	return wk__q_filter_rel(q, &back, r.self->fields[0].name,
	    wk_val_int(id));
}

/* ---- prefetch_related ----------------------------------------------------------------- */

/* The most relations one query prefetches, and the ids one of its
 * queries names (bound values; well under SQLite's limit and orm.h's
 * WK_Q_MAX_BINDS). */
#define PF_MAX 8
#define PF_CHUNK 150

struct pf_list {
	struct wk__rel rel[PF_MAX];
	const char *name[PF_MAX];
	size_t n;
};

/* A row's key and its place in the result, sorted by key. */
struct pf_key {
	long long id;
	size_t idx;
};

/* A related row found for result row idx. */
struct pf_pair {
	size_t idx;
	void *row;
};

struct pf_run {
	wk_arena *a;
	struct pf_key *keys;            /* by id */
	size_t nkeys;
	struct pf_pair *pairs;
	size_t npairs, cap;
};

static int
pf_key_cmp(const void *x, const void *y)
{
	const struct pf_key *a = x, *b = y;

	return a->id < b->id ? -1 : a->id > b->id;
}

/* Record row for every result row whose key is id. */
static int
pf_pair_add(struct pf_run *run, long long id, void *row)
{
	struct pf_key k = { id, 0 }, *hit;
	size_t lo, hi;

	hit = bsearch(&k, run->keys, run->nkeys, sizeof(k), pf_key_cmp);
	if (hit == NULL)
		return WK_DB_OK;
	/* equal keys (a row listed twice) are neighbours */
	lo = hi = (size_t)(hit - run->keys);
	while (lo > 0 && run->keys[lo - 1].id == id)
		lo--;
	while (hi + 1 < run->nkeys && run->keys[hi + 1].id == id)
		hi++;
	for (; lo <= hi; lo++) {
		if (run->npairs == run->cap) {
			size_t nc = run->cap ? run->cap * 2 : 32;
			void *p = wk_arena_realloc(run->a, run->pairs,
			    run->cap * sizeof(*run->pairs),
			    nc * sizeof(*run->pairs));
			if (p == NULL)
				return WK_DB_NOMEM;
			run->pairs = p;
			run->cap = nc;
		}
		run->pairs[run->npairs].idx = run->keys[lo].idx;
		run->pairs[run->npairs++].row = row;
	}
	return WK_DB_OK;
}

/* ids[from .. from+n) of the distinct keys as a list value. */
static struct wk_value
pf_ids(wk_arena *a, const long long *ids, size_t n)
{
	struct wk_list *l = wk_list_new(a);
	size_t i;

	if (l == NULL)
		return wk_val_null();
	for (i = 0; i < n; i++)
		if (wk_list_push(a, l, wk_val_int(ids[i])) != 0)
			return wk_val_null();
	return wk_val_list(l);
}

/* A reverse FK: the far rows whose key column is in ids, in key order. */
static int
pf_fetch_fk(struct pf_run *run, const struct wk__rel *r, const long long *ids,
    size_t n)
{
	struct wk_query q;
	char name[WK__REL_COL + 8];
	struct wk_value list = pf_ids(run->a, ids, n);
	void *row;
	long long parent;
	int s;

	if (list.kind == WK_VAL_NULL)
		return WK_DB_NOMEM;
	snprintf(name, sizeof(name), "%s__in", r->fk->name);
	wk_q_init(&q, run->a, r->other);
	wk_q_filter(&q, name, list);
	wk_q_order_by(&q, r->other->fields[0].name);
	while ((s = wk_q_next(&q, &row)) == WK_DB_ROW) {
		memcpy(&parent, (char *)row + r->fk->offset, sizeof(parent));
		if (wk_model_is_null(r->other, r->fk, row))
			continue;
		if ((s = pf_pair_add(run, parent, row)) != WK_DB_OK) {
			wk_q_close(&q);
			return s;
		}
	}
	return s == WK_DB_DONE ? WK_DB_OK : s;
}

/*
 * A many-to-many: two queries per chunk of ids - the far rows linked to
 * any of them (the ORM's SELECT of the far model, restricted by the
 * relation seen from its end), then the links themselves (our key, far
 * key), which say which row each far row belongs to.
 */
static int
pf_fetch_m2m(struct pf_run *run, const struct wk__rel *r,
    const long long *ids, size_t n)
{
	struct wk__rel back = *r;
	struct wk_query q;
	struct pf_key *far = NULL;
	size_t nfar = 0, cap = 0, i;
	sqlite3_stmt *st;
	void *row;
	wk_buf b;
	int s, cached;
	struct wk_value list = pf_ids(run->a, ids, n);

	if (list.kind == WK_VAL_NULL)
		return WK_DB_NOMEM;
	/* the far rows: those with a link to one of ids */
	back.self = r->other;
	back.other = r->self;
	memcpy(back.self_col, r->other_col, sizeof(back.self_col));
	memcpy(back.other_col, r->self_col, sizeof(back.other_col));
	wk_q_init(&q, run->a, r->other);
	{
		char rest[WK__REL_COL + 8];
		snprintf(rest, sizeof(rest), "%s__in", r->self->fields[0].name);
		wk__q_filter_rel(&q, &back, rest, list);
	}
	wk_q_order_by(&q, r->other->fields[0].name);
	while ((s = wk_q_next(&q, &row)) == WK_DB_ROW) {
		if (nfar == cap) {
			size_t nc = cap ? cap * 2 : 32;
			void *p = wk_arena_realloc(run->a, far, cap * sizeof(*far),
			    nc * sizeof(*far));
			if (p == NULL) {
				wk_q_close(&q);
				return WK_DB_NOMEM;
			}
			far = p;
			cap = nc;
		}
		far[nfar].id = wk_model_id(r->other, row);
		far[nfar].idx = (size_t)(uintptr_t)row;  /* the row itself */
		nfar++;
	}
	if (s != WK_DB_DONE)
		return s;
	if (nfar == 0)
		return WK_DB_OK;
	/* the links: (our key, far key), in the far key's order */
	wk_buf_init(&b, run->a);
	wk_buf_puts(&b, "SELECT ");
	wk__q_ident(&b, r->self_col);
	wk_buf_puts(&b, ", ");
	wk__q_ident(&b, r->other_col);
	wk_buf_puts(&b, " FROM ");
	wk__q_ident(&b, r->table);
	wk_buf_puts(&b, " WHERE ");
	wk__q_ident(&b, r->self_col);
	wk_buf_puts(&b, " IN (");
	for (i = 0; i < n; i++) {
		if (i > 0)
			wk_buf_puts(&b, ", ");
		wk__q_param(&b, (int)i + 1);
	}
	wk_buf_puts(&b, ") ORDER BY ");
	wk__q_ident(&b, r->other_col);
	if (b.failed)
		return WK_DB_NOMEM;
	if ((s = wk__db_prepare(b.data, b.len, &st, &cached)) != WK_DB_OK)
		return s;
	for (i = 0; i < n; i++)
		if (sqlite3_bind_int64(st, (int)i + 1, ids[i]) != SQLITE_OK) {
			wk__db_release(st, cached);
			return WK_DB_ERROR;
		}
	for (i = 0; (s = wk__db_step(st, i == 0)) == WK_DB_ROW; i++) {
		struct pf_key k = { sqlite3_column_int64(st, 1), 0 }, *hit;
		hit = bsearch(&k, far, nfar, sizeof(k), pf_key_cmp);
		if (hit != NULL && (s = pf_pair_add(run, sqlite3_column_int64(st,
		    0), (void *)(uintptr_t)hit->idx)) != WK_DB_OK)
			break;
	}
	wk__db_release(st, cached);
	return s == WK_DB_DONE ? WK_DB_OK : s;
}

/* Hang the pairs' rows on their result rows as one wk_prefetched each. */
static int
pf_attach(struct pf_run *run, const struct wk_model *m, const char *name,
    const struct wk_model *far, void **rows, size_t nrows)
{
	struct wk_prefetched **sets;
	size_t i;

	if ((sets = wk_arena_alloc(run->a, nrows * sizeof(*sets))) == NULL)
		return WK_DB_NOMEM;
	for (i = 0; i < nrows; i++) {
		struct wk_prefetched *p = wk_arena_alloc(run->a, sizeof(*p));
		if (p == NULL)
			return WK_DB_NOMEM;
		memset(p, 0, sizeof(*p));
		p->name = name;
		p->model = far;
		memcpy(&p->next, (char *)rows[i] + m->prefetch_offset,
		    sizeof(p->next));
		memcpy((char *)rows[i] + m->prefetch_offset, &p, sizeof(p));
		sets[i] = p;
	}
	/* count, then fill in the order the pairs came (the far key's) */
	for (i = 0; i < run->npairs; i++)
		sets[run->pairs[i].idx]->n++;
	for (i = 0; i < nrows; i++) {
		if (sets[i]->n > 0 && (sets[i]->rows = wk_arena_alloc(run->a,
		    sets[i]->n * sizeof(void *))) == NULL)
			return WK_DB_NOMEM;
		sets[i]->n = 0;
	}
	for (i = 0; i < run->npairs; i++) {
		struct wk_prefetched *p = sets[run->pairs[i].idx];
		p->rows[p->n++] = run->pairs[i].row;
	}
	return WK_DB_OK;
}

/* q->after_list: each relation asked for, over all of rows. */
static int
pf_run_all(struct wk_query *q, void **rows, size_t nrows)
{
	const struct pf_list *pl = q->after_data;
	const struct wk_model *m = q->model;
	struct pf_run run;
	long long *ids;
	size_t i, k, nids;
	int s;

	memset(&run, 0, sizeof(run));
	run.a = q->arena;
	run.keys = wk_arena_alloc(q->arena, nrows * sizeof(*run.keys));
	ids = wk_arena_alloc(q->arena, nrows * sizeof(*ids));
	if (run.keys == NULL || ids == NULL)
		return WK_DB_NOMEM;
	for (i = 0; i < nrows; i++) {
		run.keys[i].id = wk_model_id(m, rows[i]);
		run.keys[i].idx = i;
	}
	run.nkeys = nrows;
	qsort(run.keys, nrows, sizeof(*run.keys), pf_key_cmp);
	for (i = nids = 0; i < nrows; i++)
		if (i == 0 || run.keys[i].id != run.keys[i - 1].id)
			ids[nids++] = run.keys[i].id;
	for (k = 0; k < pl->n; k++) {
		run.npairs = 0;
		for (i = 0; i < nids; i += PF_CHUNK) {
			size_t n = nids - i < PF_CHUNK ? nids - i : PF_CHUNK;
			s = pl->rel[k].fk != NULL ? pf_fetch_fk(&run,
			    &pl->rel[k], ids + i, n) : pf_fetch_m2m(&run,
			    &pl->rel[k], ids + i, n);
			if (s != WK_DB_OK)
				return s;
		}
		if ((s = pf_attach(&run, m, pl->name[k], pl->rel[k].other, rows,
		    nrows)) != WK_DB_OK)
			return s;
	}
	return WK_DB_OK;
}

/* see relations.h */
int
wk_q_prefetch_related(struct wk_query *q, const char *name)
{
	struct pf_list *pl = q->after_data;
	size_t len;

	if (q->status != WK_DB_OK)
		return q->status;
	len = name != NULL ? strnlen(name, WK__Q_MAX_NAME + 1) : 0;
	if (pl == NULL) {
		if ((pl = wk_arena_alloc(q->arena, sizeof(*pl))) == NULL)
			return wk__q_fail(q, WK_DB_NOMEM, "out of memory", NULL);
		memset(pl, 0, sizeof(*pl));
	}
	if (pl->n == PF_MAX)
		return wk__q_fail(q, WK_DB_INVALID, "too many prefetched "
		    "relations", name);
	if (len == 0 || len > WK__Q_MAX_NAME || q->model->prefetch_offset ==
	    0 || wk_model_text_pk(q->model) ||
	    wk__rel_find(q->model, name, len, &pl->rel[pl->n]) != 0)
		return wk__q_fail(q, WK_DB_INVALID, "not a many-to-many or "
		    "reverse relation", name);
	pl->name[pl->n++] = name;
	q->after_data = pl;
	q->after_list = pf_run_all;
	return q->status;
}

/* see relations.h */
int
wk_prefetched(const struct wk_model *m, const void *obj, const char *name,
    void ***rows, size_t *n)
{
	const struct wk_prefetched *p = NULL;

	*rows = NULL;
	*n = 0;
	if (m->prefetch_offset != 0 && obj != NULL && name != NULL)
		memcpy(&p, (const char *)obj + m->prefetch_offset, sizeof(p));
	for (; p != NULL; p = p->next)
		if (p->model != NULL && strcmp(p->name, name) == 0) {
			*rows = p->rows;
			*n = p->n;
			return 0;
		}
	return -1;
}

/* see relations.h */
struct wk_value
wk_annotation(const struct wk_model *m, const void *obj, const char *alias)
{
	const struct wk_prefetched *p = NULL;

	if (m->prefetch_offset != 0 && obj != NULL && alias != NULL)
		memcpy(&p, (const char *)obj + m->prefetch_offset, sizeof(p));
	for (; p != NULL; p = p->next)
		if (p->model == NULL && strcmp(p->name, alias) == 0)
			return p->value;
	return wk_val_null();
}
