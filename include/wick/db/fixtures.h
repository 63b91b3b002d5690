/*
 * fixtures.h - rows as JSON fixtures in Django's format: `APP dumpdata`
 * and `APP loaddata`.
 *
 * A fixture is a JSON array of objects, one per row, as Django's
 * dumpdata writes them:
 *
 *   [
 *   {"model": "blog.post", "pk": 1, "fields": {"title": "Hello",
 *       "author": 3, "published": true, "subtitle": null}}
 *   ]
 *
 * "model" is the label APP.NAME: APP is the schema's app (migrate.h) and
 * NAME the model's table name without "APP_" (blog_post in the "blog"
 * schema is "blog.post"); a table name that does not start with the
 * app's name loses its first word instead (wick_user in "auth" is
 * "auth.user").  "pk" is the primary key: an integer, or the text of a
 * text or UUID key (pk.h).  "fields" holds every other field by name: a
 * foreign key as the target's pk, NULL as null, BOOL as true/false,
 * REAL as a number, TEXT, DATE and DATETIME as strings, BLOB as base64.
 *
 * Loading is all or nothing: every object of every fixture is written in
 * one atomic block (a savepoint inside the caller's), with foreign keys
 * checked at the end rather than row by row, so objects may come in any
 * order.  Each object is checked against the model's metadata first: an
 * unknown model or field, a value of the wrong JSON type, a value the
 * model refuses (wk_model_validate) or a foreign key to no row fails the
 * whole load with a message naming the fixture, the object (counted from
 * 1) and the model or field.  An object with a pk replaces the row with
 * that pk, or is inserted with it (an upsert: the rows that point at it
 * stay); one without "pk" is inserted as new (wk_orm_create).  Fields
 * left out take their defaults.  Names never reach SQL except through
 * the model's metadata; values are bound.
 *
 * dumpdata writes what loaddata reads: loading a dump into an empty
 * database and dumping again gives the same text.
 */
#ifndef WICK_DB_FIXTURES_H
#define WICK_DB_FIXTURES_H

#include <stddef.h>

#include "wick/core/arena.h"
#include "wick/core/buf.h"
#include "wick/db/model.h"
#include "wick/http/app.h"

/* A fixture's text and the name its messages give it (a file name). */
struct wk_fixture {
	const char *name;
	const char *text;
	size_t len;
};

/*
 * wk_fixture_label - the label "APP.NAME" of m into out (outlen bytes).
 * 0, or -1 when m is in no registered schema or out is too small.
 */
int wk_fixture_label(const struct wk_model *m, char *out, size_t outlen);

/*
 * wk_fixture_model - the registered model whose label is the len bytes
 * at label ("blog.post"), or NULL.
 */
const struct wk_model *wk_fixture_model(const char *label, size_t len);

/*
 * wk_fixtures_dump - append to out the rows of the models that labels
 * name (n of them: "APP" for every model of a schema, "APP.NAME" for
 * one; n == 0: every model of every schema), in schema order and by pk
 * within a model, as a fixture: "[", one object per line, "]".  Rows and
 * the text come from a.  WK_DB_OK; WK_DB_INVALID for a label that names
 * nothing (the message in err, errlen bytes); WK_DB_NOMEM when out
 * failed; or the query's error (wk_db_last_error).
 */
int wk_fixtures_dump(wk_arena *a, const char *const *labels, size_t n,
    wk_buf *out, char *err, size_t errlen);

/*
 * wk_fixtures_load - install the objects of the n fixtures fx, all or
 * nothing (see above); *count (may be NULL) gets the number of objects
 * installed, 0 on failure.  Parsed trees and rows come from a.  WK_DB_OK;
 * WK_DB_INVALID for a bad fixture (bad JSON, not an array of objects,
 * unknown model, key or field, wrong type, a value the model refuses);
 * WK_DB_CONSTRAINT for a unique value taken or a foreign key to no row;
 * or the database's error.  On failure err (errlen bytes) names the
 * fixture, the object and the problem, e.g. "posts.json: object 3
 * (blog.post): unknown field 'titel'".
 */
int wk_fixtures_load(wk_arena *a, const struct wk_fixture *fx, size_t n,
    size_t *count, char *err, size_t errlen);

/*
 * dumpdata [APP[.NAME]...] (the fixture on stdout) and loaddata FILE...
 * ("-" reads stdin; "Installed N object(s) from M fixture(s)"), to list
 * in an app's commands (app.h).
 */
extern const struct wk_command wk_fixture_commands[];

#endif /* WICK_DB_FIXTURES_H */
