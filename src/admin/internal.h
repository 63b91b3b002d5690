/*
 * internal.h - what the admin's files share: site.c parses the URL and
 * dispatches to the change list (changelist.c, which asks actions.c for
 * the actions it offers), to the actions the list posts (actions.c) and
 * to add, change and delete (edit.c); all of them use the helpers of
 * page.c, which calls none of them back.
 */
#ifndef WICK_ADMIN_INTERNAL_H
#define WICK_ADMIN_INTERNAL_H

#include "wick/admin/admin.h"
#include "wick/auth/auth.h"
#include "wick/core/buf.h"
#include "wick/core/value.h"
#include "wick/http/request.h"
#include "wick/http/response.h"

struct wk_model_form;

/* One admin request: the site, where it is mounted, who asks, and what
 * for (the entry and id, when the URL names them). */
struct wk__admin {
	struct wk_admin_site *site;
	const struct wk_admin_entry *entry;   /* NULL on site pages */
	const char *base;                     /* "/cgi-bin/x.cgi/admin/" */
	const struct wick_user *user;
	long long id;                         /* 0: none in the URL */
};

/* wk__admin_perm - 1 if the user may do codename ("view", "add",
 * "change", "delete") on e's model. */
int wk__admin_perm(struct wk_request *req, const struct wk__admin *ad,
    const struct wk_admin_entry *e, const char *codename);

/* wk__admin_can_see - 1 if the user may view or change e's model. */
int wk__admin_can_see(struct wk_request *req, const struct wk__admin *ad,
    const struct wk_admin_entry *e);

/* wk__admin_url - base + "APP/MODEL/" + tail (tail may be ""), in the
 * arena; NULL on allocation failure. */
const char *wk__admin_url(struct wk_request *req, const struct wk__admin *ad,
    const struct wk_admin_entry *e, const char *tail);

/* wk__admin_context - a new context with what every admin page shows
 * (site_title, admin_url, user, messages, logout_url); NULL on failure. */
struct wk_map *wk__admin_context(struct wk_request *req,
    const struct wk__admin *ad, const char *title);

/* wk__admin_render - render template name (admin/...) with ctx at
 * status.  0, or -1. */
int wk__admin_render(struct wk_request *req, struct wk_response *resp,
    const struct wk__admin *ad, const char *name, struct wk_map *ctx,
    int status);

/* wk__admin_forbidden - the 403 page.  0, or -1. */
int wk__admin_forbidden(struct wk_request *req, struct wk_response *resp);

/* wk__admin_encode - append s percent-encoded for a query string. */
void wk__admin_encode(wk_buf *b, const char *s);

/* wk__admin_cell - the text field f of obj of m shows in a list or a
 * read-only form: a choice's label, "Yes"/"No", the related row's label
 * (fetched when the row did not bring it), "-" for null.  Arena memory;
 * NULL on failure. */
const char *wk__admin_cell(struct wk_request *req, const struct wk_model *m,
    const struct wk_field *f, const void *obj);

/* wk__admin_column - the computed column of o named name, or NULL. */
const struct wk_admin_column *wk__admin_column(const struct wk_model_admin *o,
    const char *name);

/* wk__admin_action_choices - the actions the user may run on ad's
 * model, as {name, label} maps ("delete selected" first, with the delete
 * permission); an empty list for none; NULL on failure.  (actions.c) */
struct wk_list *wk__admin_action_choices(struct wk_request *req,
    const struct wk__admin *ad);

/* wk__admin_related - what deleting the rows ids (n of them) of m does
 * to the rows that point at them, one step deep: "3 comments" pushed on
 * gone (CASCADE) or kept (PROTECT: the delete will be refused).  A model
 * whose table this database lacks is skipped.  0, or -1 on allocation
 * failure.  (actions.c) */
int wk__admin_related(struct wk_request *req, const struct wk_model *m,
    const long long *ids, size_t n, struct wk_list *gone,
    struct wk_list *kept);

/* The pages (each returns 0 with resp filled, or -1). */
int wk__admin_changelist(struct wk_request *req, struct wk_response *resp,
    struct wk__admin *ad);
int wk__admin_add(struct wk_request *req, struct wk_response *resp,
    struct wk__admin *ad);
int wk__admin_change(struct wk_request *req, struct wk_response *resp,
    struct wk__admin *ad);
int wk__admin_delete(struct wk_request *req, struct wk_response *resp,
    struct wk__admin *ad);
/* A POST to the change list: run the action it names (actions.c). */
int wk__admin_actions(struct wk_request *req, struct wk_response *resp,
    struct wk__admin *ad);

/* ---- users and groups: users.c (edit.c and site.c send their pages) ---- */

/* The library's configurations of wick_user and wick_group. */
extern const struct wk_model_admin wk__admin_user_opts;
extern const struct wk_model_admin wk__admin_group_opts;

/* wk__admin_auth_kind - 1 if e is wick_user, 2 if wick_group, else 0. */
int wk__admin_auth_kind(const struct wk_admin_entry *e);

/* The add and change pages of a user or a group, the user's password
 * form (auth/user/ID/password/), and the logged-in user's own
 * password_change/ and password_change/done/. */
int wk__admin_auth_add(struct wk_request *req, struct wk_response *resp,
    struct wk__admin *ad);
int wk__admin_auth_change(struct wk_request *req, struct wk_response *resp,
    struct wk__admin *ad);
int wk__admin_user_password(struct wk_request *req, struct wk_response *resp,
    struct wk__admin *ad);
int wk__admin_password_change(struct wk_request *req,
    struct wk_response *resp, struct wk__admin *ad);
int wk__admin_password_change_done(struct wk_request *req,
    struct wk_response *resp, struct wk__admin *ad);

/* ---- history.c --------------------------------------------------------------- */

/* wk__admin_change_message - what changed between before and after (two
 * rows of m, the same object): "Changed title: “a” → “b”; status:
 * “Draft” → “Published”." over every field but the key (labels, choice
 * labels, Yes/No, a foreign key's row label), or "No fields changed.".
 * Arena memory; NULL on failure. */
const char *wk__admin_change_message(struct wk_request *req,
    const struct wk_model *m, const void *before, const void *after);

/* wk__admin_snapshot - a copy of row obj of m (the struct; its strings
 * are shared), to compare with after a save.  NULL on failure. */
void *wk__admin_snapshot(struct wk_request *req, const struct wk_model *m,
    const void *obj);

/* wk__admin_save_logged - save mf (wk_model_form_save) and write its log
 * entry ("Added." or the change message against before, the snapshot
 * taken before the form was bound; NULL for an add) in one transaction:
 * both or neither.  Returns what the save returns (WK_DB_INVALID: the
 * form has the errors), or the log's or the commit's error. */
int wk__admin_save_logged(struct wk_request *req, const struct wk__admin *ad,
    struct wk_model_form *mf, const void *before);

/* wk__admin_delete_logged - delete the object ad names and write its
 * entry ("Deleted.", label as its repr) in one transaction.  Returns what
 * wk_orm_delete returns (WK_DB_CONSTRAINT: protected), or the log's or
 * the commit's error. */
int wk__admin_delete_logged(struct wk_request *req,
    const struct wk__admin *ad, const char *label);

/* wk__admin_history - the history page of the object (0 with resp
 * filled, or -1). */
int wk__admin_history(struct wk_request *req, struct wk_response *resp,
    struct wk__admin *ad);

#endif /* WICK_ADMIN_INTERNAL_H */
