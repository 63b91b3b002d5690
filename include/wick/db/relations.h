/*
 * relations.h - many-to-many fields and the relations seen from their far
 * end: Django's ManyToManyField, related managers (post.tags.add(...),
 * tag.posts.all(), post.comment_set.all()) and lookups across them.
 *
 * A many-to-many field is declared in the model's X-macro with kind M2M
 * (model.h); it has no column and no struct member, only a join table:
 *
 *   #define BLOG_TAG(F, M) F(M, name, TEXT, .max_length = 50)
 *   #define BLOG_POST(F, M) \
 *       F(M, title, TEXT, .max_length = 200) \
 *       F(M, tags, M2M, .to = &blog_tag_model, .related_name = "posts")
 *   #define BLOG_COMMENT(F, M) \
 *       F(M, post, FK, .to = &blog_post_model, .related_name = "comments") \
 *       F(M, body, TEXT)
 *
 * The join table is "blog_post_tags" (id, blog_post_id, blog_tag_id,
 * unique as a pair, both ON DELETE CASCADE: deleting a post or a tag
 * removes its links), made by WK_CREATE_TABLE(blog_post_model) and, for a
 * field added to an existing model, by a WK_ADD_M2M(blog_post_model,
 * "tags") step, which `diffmodels` proposes (migrate.h).  A model linked
 * to itself gets columns from_<model>_id and to_<model>_id (the relation
 * is not symmetrical).  With .through = &blog_tagging_model the app's own
 * model is the join table: its first FK to each side are the two ends
 * (to itself: its first and second FK), and the app migrates it.
 *
 * Both ends must have integer `id` keys: wk_model_check refuses an M2M
 * to or from a model with a text or UUID key ("many-to-many needs
 * integer primary keys on both models"), and migrate refuses to run it.
 *
 * Names.  From the declaring model a relation is called by its field
 * name ("tags"); from the far end by its .related_name ("posts"), else by
 * the declaring model's name ("blog_post").  A foreign key's reverse side
 * is named the same way: its .related_name ("comments"), else the model
 * with the key ("blog_comment").  Field names come first: a relation
 * name that is also a field of the model is never reached.
 *
 * Lookups (orm.h) follow a relation one step, forward or reverse:
 *
 *   wk_q_filter(&q, "tags__name", wk_val_str("c"));        posts tagged c
 *   wk_q_filter(&q, "tags", wk_val_int(3));                 tag id 3
 *   wk_q_filter(&q, "tags__isnull", wk_val_bool(1));        no tags
 *   wk_q_filter(&tq, "posts__title__icontains", wk_val_str("wick"));
 *   wk_q_filter(&pq, "comments__body__contains", wk_val_str("hi"));
 *   wk_q_exclude(&q, "tags__name", wk_val_str("c"));        not tagged c
 *
 * Each such condition is an EXISTS subquery, so a row is returned once
 * however many related rows match (no DISTINCT needed), and, as with
 * Django's separate filter() calls, two conditions may be met by two
 * different related rows.  An exclude is NOT EXISTS.  A foreign key
 * followed from the far model ("tags__owner__name") is WK_DB_INVALID.
 *
 * The functions below run in an atomic block (the caller's, or their
 * own), take names from code or input alike (unknown ones are
 * WK_DB_INVALID, never SQL), bind every id, and use a only for the SQL
 * text and scratch lists.
 */
#ifndef WICK_DB_RELATIONS_H
#define WICK_DB_RELATIONS_H

#include <stddef.h>

#include "wick/core/arena.h"
#include "wick/db/model.h"
#include "wick/db/orm.h"

/*
 * wk_m2m_add - link row id of m to the rows ids[0..n-1] of the far model
 * through the many-to-many relation name (m's field, or a reverse name:
 * wk_m2m_add(a, &blog_tag_model, tag_id, "posts", ids, n)).  Links that
 * exist already are left alone; a repeated id is added once.  Returns
 * WK_DB_OK; WK_DB_INVALID when name is no many-to-many relation of m;
 * WK_DB_NOT_FOUND when row id or one of ids does not exist (nothing is
 * added then: wk_db_last_error names the row); WK_DB_CONSTRAINT when a
 * .through model's other columns refuse the row; or a database error.
 */
int wk_m2m_add(wk_arena *a, const struct wk_model *m, long long id,
    const char *name, const long long *ids, size_t n);

/*
 * wk_m2m_remove - unlink row id of m from the rows ids[0..n-1]; ids that
 * are not linked are ignored (as Django's remove).  WK_DB_OK,
 * WK_DB_INVALID (name), WK_DB_NOT_FOUND (row id does not exist) or a
 * database error.
 */
int wk_m2m_remove(wk_arena *a, const struct wk_model *m, long long id,
    const char *name, const long long *ids, size_t n);

/*
 * wk_m2m_set - make ids[0..n-1] exactly the rows linked to row id:
 * unlink the others, link the missing ones (links kept stay as they are,
 * with a .through model's extra columns).  Errors as wk_m2m_add; on an
 * error nothing changes.
 */
int wk_m2m_set(wk_arena *a, const struct wk_model *m, long long id,
    const char *name, const long long *ids, size_t n);

/*
 * wk_m2m_clear - unlink row id from every row of relation name.
 * WK_DB_OK, WK_DB_INVALID, WK_DB_NOT_FOUND (row id) or a database error.
 */
int wk_m2m_clear(wk_arena *a, const struct wk_model *m, long long id,
    const char *name);

/*
 * wk_q_related - start q (as wk_q_init, memory from a) over the rows
 * related to row id of m through name: an M2M field (post's "tags"), a
 * reverse M2M (tag's "posts") or a reverse foreign key (post's
 * "comments").  The caller may filter, order and run q further, as
 * Django's post.tags.filter(...).  Returns q->status: WK_DB_INVALID (q
 * failed) when name is no relation of m.  A row id that does not exist
 * simply has no related rows.
 */
int wk_q_related(struct wk_query *q, wk_arena *a, const struct wk_model *m,
    long long id, const char *name);

/*
 * wk_q_prefetch_related - when wk_q_list runs q, also fetch the rows of
 * relation name (an M2M field, a reverse M2M or a reverse FK) for every
 * row of the result at once, Django's prefetch_related: one more query
 * per relation for a reverse FK, two for an M2M (the far rows, then the
 * links), each naming the rows' keys as bound values in chunks of 150
 * (under SQLite's limit on variables), never one query per row.  Each
 * row then carries the set (wk_prefetched; in templates
 * {% for t in post.tags %}), in the far model's key order; a row with no
 * related rows has an empty set.  Up to 8 relations per query; only
 * wk_q_list fetches them (wk_q_next streams and does not).  Returns
 * q->status: WK_DB_INVALID (q failed) when name is no such relation of
 * q's model or q's model has a text key.
 *
 *   wk_q_init(&q, req->arena, &blog_post_model);
 *   wk_q_prefetch_related(&q, "tags");
 *   wk_q_prefetch_related(&q, "comments");
 *   st = wk_q_list(&q, &rows, &n);
 *   wk_prefetched(&blog_post_model, rows[0], "tags", &tags, &ntags);
 */
int wk_q_prefetch_related(struct wk_query *q, const char *name);

/*
 * wk_prefetched - the set of relation name fetched for row obj of m by
 * wk_q_prefetch_related: *rows (arena array of *n rows of the far model).
 * 0, or -1 (with *rows NULL, *n 0) when that relation was not fetched.
 */
int wk_prefetched(const struct wk_model *m, const void *obj,
    const char *name, void ***rows, size_t *n);

/*
 * wk_q_annotate - give each row of q a computed value alias: agg
 * (WK_AGG_COUNT, _SUM, _AVG, _MIN, _MAX, orm.h) over relation path, a
 * many-to-many or reverse relation ("tags", "comments") optionally
 * followed by a field of the far model ("comments__likes"); Django's
 * annotate(n=Count("comments")).  Count without a field counts the
 * related rows; the others need one.  The value is a correlated
 * subquery in the same SELECT (no extra query, no GROUP BY): an integer
 * for Count (0 when there are none), and for Sum / Min / Max the far
 * field's kind, for Avg a real, null when there are no related rows.
 * alias then names it like a field in later wk_q_filter / wk_q_exclude
 * ("n_comments__gt"), wk_q_order_by ("-n_comments") and values(); on a
 * row it is read with wk_annotation, in templates {{ post.n_comments }}.
 * Returns q->status: WK_DB_INVALID (q failed) for an alias that is not
 * [a-z0-9_] without "__" or is taken by a field or annotation, an
 * unknown relation or field, or an aggregate other than Count without a
 * field.
 *
 *   wk_q_annotate(&q, "n_comments", WK_AGG_COUNT, "comments");
 *   wk_q_filter(&q, "n_comments__gte", wk_val_int(2));
 *   wk_q_order_by(&q, "-n_comments,title");
 */
int wk_q_annotate(struct wk_query *q, const char *alias, enum wk_agg agg,
    const char *path);

/*
 * wk_annotation - the value of annotation alias on row obj of m (as read
 * by wk_q_next / wk_q_list), or a null value when obj has none.
 */
struct wk_value wk_annotation(const struct wk_model *m, const void *obj,
    const char *alias);

#endif /* WICK_DB_RELATIONS_H */
