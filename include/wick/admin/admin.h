/*
 * admin.h - Django's admin site, generated from model metadata.
 *
 * An app declares one site, registers its models in the site's setup
 * function (one line a model, with or without a configuration) and
 * mounts the site in its route table with one macro:
 *
 *   static const char *const post_list[] = { "title", "status",
 *       "author", NULL };
 *   static const char *const post_filter[] = { "status", "published",
 *       "author", NULL };
 *   static const char *const post_search[] = { "^title", "=slug",
 *       "body", NULL };
 *   static const struct wk_model_admin post_admin = {
 *       .list_display = post_list, .list_filter = post_filter,
 *       .search_fields = post_search, .ordering = "-id",
 *       .list_per_page = 50 };
 *
 *   static int admin_setup(struct wk_admin_site *site) {
 *       if (wk_admin_register(site, &blog_post_model, &post_admin) != 0 ||
 *           wk_admin_register(site, &blog_comment_model, NULL) != 0)
 *           return -1;
 *       return 0;
 *   }
 *   static struct wk_admin_site blog_admin = {
 *       .title = "Blog administration", .setup = admin_setup };
 *
 *   static const struct wk_route routes[] = {
 *       ...
 *       WK_ADMIN_ROUTES("admin/", &blog_admin),
 *       WK_ROUTES_END
 *   };
 *
 * Nothing runs at start-up: the setup function runs on the first request
 * to an admin URL of the process (a FastCGI process keeps its
 * registrations; they are read-only afterwards), so pages outside the
 * admin never pay for it.
 *
 * The pages, at Django's URLs under the mount point (a model app_model,
 * e.g. blog_post, is "blog/post/": app label and model name split at the
 * first '_', as the generic views name templates):
 *   ""                        index of the models the user may see
 *   login/                    the login form (GET, POST)
 *   logout/                   POST only; redirects to login/
 *   APP/                      the index of one app
 *   APP/MODEL/                the change list; POST: run an action on
 *                             the ticked rows (struct wk_admin_action)
 *   APP/MODEL/add/            the add form
 *   APP/MODEL/ID/change/      the change form (read-only for view only)
 *   APP/MODEL/ID/delete/      the confirmation page, naming the rows
 *                             that go with it (CASCADE, one step) or
 *                             that forbid it (PROTECT); POST deletes
 *   APP/MODEL/ID/             redirects to ID/change/
 *
 * Who gets in: only an active staff user (is_active and is_staff); anyone
 * else is sent to login/?next=.  The login form authenticates with
 * wk_auth_authenticate (throttled as the site's login: 429 after too many
 * failures) and refuses a valid user who is not staff with Django's
 * message, without logging them in.  Every page and every POST checks the
 * model permission on the server ("blog_post.view", ".add", ".change",
 * ".delete"; auth.h): a user with view (or change) sees the model; with
 * view only, the change page is read-only and a POST to it is 403; add
 * and delete need their own.  The app's CSRF middleware checks every POST
 * (each form carries {% csrf_token %}); every admin page says
 * X-Frame-Options: DENY and Cache-Control: private, no-store.  An unknown
 * app, model or id is 404.
 *
 * The change list reads ?q= (search), ?o= (sort), ?p= (page, 1-based) and
 * one parameter per list_filter field (its name, the value to match:
 * a choice's value, 0 or 1, a row's id).  A sort or filter naming anything
 * but a declared field is ignored (Django shows the list unfiltered); a
 * filter value that is not one of the field's values (a choice, 0/1, a
 * whole number) is 400; a page out of range is 404.  All of it reaches
 * SQL as bound parameters and metadata identifiers only (orm.h).
 *
 * Templates: admin/base.html, admin/login.html, admin/index.html,
 * admin/change_list.html, admin/change_form.html,
 * admin/delete_confirmation.html, admin/delete_selected_confirmation.html
 * in the library's set (template.h); the
 * site's .templates (the app's set) is searched first, so an app
 * restyles the admin by shipping templates under the same names.  The
 * stylesheet is inside admin/base.html: one file, no request for it.
 */
#ifndef WICK_ADMIN_H
#define WICK_ADMIN_H

#include <stddef.h>

#include "wick/core/arena.h"
#include "wick/core/settings.h"
#include "wick/db/model.h"
#include "wick/http/app.h"
#include "wick/http/router.h"
#include "wick/template/template.h"

struct wk_request;
struct wk_response;

/* How many models one site may register. */
#define WK_ADMIN_MAX_MODELS 64
/* How many names one list of a configuration may hold. */
#define WK_ADMIN_MAX_NAMES 16
/* The change list's page size when list_per_page is 0 (Django's). */
#define WK_ADMIN_PER_PAGE 100
/* A foreign key filter lists at most this many target rows. */
#define WK_ADMIN_FK_FILTER_MAX 50
/* An action applies to at most this many rows at a time (the ids are
 * bound values of one query; orm.h's WK_Q_MAX_BINDS). */
#define WK_ADMIN_MAX_SELECTED 150
/* How many app actions one configuration may have. */
#define WK_ADMIN_MAX_ACTIONS 16

/*
 * A computed column of the change list (Django's list_display callable):
 * list_display names it like a field.  value returns the cell's text for
 * row (a struct of the model; static, row's or req->arena's memory; NULL
 * on failure, which makes the page a 500).  The text is escaped when it
 * is shown, like every cell; a computed column is not sortable.
 *
 *   static const char *post_words(struct wk_request *req, const void *row)
 *   { const struct blog_post *p = row; return wk_arena_printf(req->arena,
 *         "%zu", count_words(p->body)); }
 *   static const struct wk_admin_column post_columns[] = {
 *       { "words", "words", post_words }, { NULL, NULL, NULL } };
 */
struct wk_admin_column {
	const char *name;                    /* what list_display names */
	const char *label;                   /* the header; NULL: name */
	const char *(*value)(struct wk_request *req, const void *row);
};

struct wk_admin_entry;

/*
 * An action of the change list (Django's admin actions): the rows ticked
 * and an action chosen in the select above the list, "Go" runs it.  run
 * gets the ids of the selected rows (n >= 1, each an existing row of e's
 * model, no repeats, at most WK_ADMIN_MAX_SELECTED) inside one atomic
 * block, and returns the flash message to show (static or req->arena
 * memory), or NULL on failure: the block is rolled back and the page is a
 * 500.  perm is the permission codename the user needs on the model
 * ("view", "add", "change", "delete"), NULL for none beyond seeing the
 * list; without it the action is not offered and a POST naming it is
 * 403.  wk_admin_filter_ids narrows a query to the ids.
 *
 *   static const char *publish(struct wk_request *req,
 *       const struct wk_admin_entry *e, const long long *ids, size_t n)
 *   {
 *       struct wk_query q;
 *       long long done;
 *       wk_q_init(&q, req->arena, e->model);
 *       wk_admin_filter_ids(&q, ids, n);
 *       wk_q_set(&q, "published", wk_val_bool(1));
 *       if (wk_q_update(&q, &done) != WK_DB_OK)
 *           return NULL;
 *       return wk_arena_printf(req->arena, "%lld posts published.", done);
 *   }
 *   static const struct wk_admin_action post_actions[] = {
 *       { "publish", "Publish selected posts", publish, "change" },
 *       { NULL, NULL, NULL, NULL } };
 */
struct wk_admin_action {
	const char *name;                    /* the value posted: "publish" */
	const char *label;                   /* the option's text; NULL:
	                                        name */
	const char *(*run)(struct wk_request *req,
	    const struct wk_admin_entry *e, const long long *ids, size_t n);
	const char *perm;                    /* codename, or NULL */
};

/*
 * The configuration of one model (Django's ModelAdmin); zero or NULL is
 * the default.  Lists are NULL-terminated arrays of field names of the
 * model, checked by wk_admin_register.
 */
struct wk_model_admin {
	/* The change list's columns: fields ("id" allowed) or names of
	 * .columns.  NULL: one column, the row's label (wk_model_str).  The
	 * first column links to the change page. */
	const char *const *list_display;
	/* Computed columns list_display may name, ended by { NULL }; NULL:
	 * none. */
	const struct wk_admin_column *columns;
	/* The filter sidebar: BOOL fields, fields with choices, FKs. */
	const char *const *list_filter;
	/* The search box: TEXT fields, each prefixed "^" (starts with),
	 * "=" (exact, case-insensitive) or nothing (contains,
	 * case-insensitive).  Each word of the search must match one of
	 * the fields; the words are ANDed (Django's). */
	const char *const *search_fields;
	/* The default order (wk_q_order_by syntax); NULL: "-id". */
	const char *ordering;
	/* Rows a page; 0: WK_ADMIN_PER_PAGE. */
	long long list_per_page;
	/* The form's fields, in order; NULL: every field but the key. */
	const char *const *fields;
	/* Fields shown but never edited (they must not be required to
	 * create a row, or add fails validation). */
	const char *const *readonly_fields;
	/* App actions of the change list, ended by { NULL }; NULL: only
	 * "delete selected" (offered to users with the delete
	 * permission). */
	const struct wk_admin_action *actions;
};

/* One registered model (filled by wk_admin_register). */
struct wk_admin_entry {
	const struct wk_model *model;
	const struct wk_model_admin *opts;  /* never NULL */
	char app_label[64];                  /* "blog" */
	char model_name[64];                 /* "post" */
};

/*
 * A site: what the app writes (.title, .setup, .templates), and the
 * registrations that .setup makes.  Static storage in the app; one
 * process may serve several sites under different prefixes.
 */
struct wk_admin_site {
	const char *title;                   /* NULL: "Wick administration" */
	/* Register the models: called once, on the first admin request of
	 * the process.  0, or -1 (the admin then answers 500 and logs
	 * which registration failed, on every request). */
	int (*setup)(struct wk_admin_site *site);
	/* The app's templates, searched before the library's (admin/...
	 * overrides); NULL: the library's only. */
	const struct wk_template_set *templates;
	/* Filled by wk_admin_register; the app leaves them zero. */
	struct wk_admin_entry entries[WK_ADMIN_MAX_MODELS];
	size_t n;
	int ready;                           /* 0 not set up, 1 done, -1
	                                        setup failed */
};

/*
 * wk_admin_register - add model m to site with configuration opts (NULL:
 * the defaults; not copied, keep it static).  Checks opts against the
 * metadata: every name a field of m (in list_display, or a name of
 * opts->columns, each with a value function); list_filter fields BOOL, with
 * choices, or FKs; search_fields TEXT; fields and readonly_fields never
 * the key; ordering accepted by wk_q_order_by; list_per_page >= 0; at
 * most WK_ADMIN_MAX_NAMES names a list; actions each with a name (not
 * "delete_selected", none twice), a run function and a perm of "view",
 * "add", "change", "delete" or NULL, at most WK_ADMIN_MAX_ACTIONS.  Returns 0, or -1 (logged with
 * the reason) for a problem, a model already registered, a name too long
 * for its app label or model name, or a full site.
 */
int wk_admin_register(struct wk_admin_site *site, const struct wk_model *m,
    const struct wk_model_admin *opts);

/*
 * wk_admin_register_auth - register the library's users and groups
 * (wick_user, wick_group; auth.h) on site, at Django's URLs auth/user/
 * and auth/group/, with Django's UserAdmin and GroupAdmin pages:
 *   auth/user/               username, email, staff status, active;
 *                            filters staff, superuser, active; search
 *                            username and email
 *   auth/user/add/           username and the password twice (they must
 *                            match and pass the validators, password.h);
 *                            needs the user add AND change permissions
 *   auth/user/ID/change/     the user's fields, groups and permissions
 *                            as multi-selects; never the password hash,
 *                            only a link to:
 *   auth/user/ID/password/   a new password, twice (change permission)
 *   auth/group/...           the name and the permissions
 * Registering wick_user or wick_group with wk_admin_register (options
 * NULL for these defaults, or the app's own list options) gets the same
 * pages.  As in Django, whoever may change users may make any user a
 * superuser: grant "wick_user.change" only to people you would make
 * superusers.  0, or -1 as wk_admin_register.
 */
int wk_admin_register_auth(struct wk_admin_site *site);

/*
 * wk_admin_find - the entry of site for app label app and model name
 * model ("blog", "post"), or NULL.
 */
const struct wk_admin_entry *wk_admin_find(const struct wk_admin_site *site,
    const char *app, const char *model);

/*
 * wk_admin_filter_ids - AND "id in ids" (n of them, n <=
 * WK_ADMIN_MAX_SELECTED) to q, for an action's run function.  Returns
 * q->status (WK_DB_INVALID for n 0 or too many, WK_DB_NOMEM).
 */
struct wk_query;
int wk_admin_filter_ids(struct wk_query *q, const long long *ids, size_t n);

/*
 * wk_admin_view - the view behind every admin URL: reads the site from
 * the route's .data (a pointer to a struct wk_admin_site *, as
 * WK_ADMIN_ROUTES writes it) and the rest of the path from the capture
 * wk_admin_path.  Returns 0 with resp filled (404, 403, 405... included),
 * or -1 for a 500 (logged).
 */
int wk_admin_view(struct wk_request *req, struct wk_response *resp);

/*
 * WK_ADMIN_ROUTES - the two route rows that mount site (a struct
 * wk_admin_site *) under PREFIX (a string literal ending in '/', e.g.
 * "admin/"): the index, named "wk_admin" ({% url 'wk_admin' %}), and
 * everything below it.
 */
#define WK_ADMIN_ROUTES(PREFIX, site) \
	{ PREFIX, wk_admin_view, "wk_admin", 0, NULL, \
	  (struct wk_admin_site *const[]){ (site) } }, \
	{ PREFIX "<path:wk_admin_path>", wk_admin_view, NULL, 0, NULL, \
	  (struct wk_admin_site *const[]){ (site) } }

/* ---- history (history.c) ----------------------------------------------------- */

/*
 * The admin log (Django's LogEntry): one row per add, change, delete and
 * action made through the admin, written in the same transaction as the
 * change itself, so that a change is never without its entry.  The
 * history page (APP/MODEL/ID/history/) shows an object's entries, oldest
 * first.  The table is the library's, made by `migrate` (app
 * "admin_log") in any program that links the admin.
 *
 * Each entry is chained to the one before: its mac is
 *
 *   HMAC-SHA256(secret key, "wick.admin.log|" || mac of the entry before
 *               (32 zero bytes for entry 1) || the entry's fields)
 *
 * over the fields id, action_time, user_id, username, model, object_id,
 * object_repr, action_flag and change_message in that order, each as an
 * 8-byte big-endian length and its bytes (numbers in decimal), so that
 * no two different entries encode alike.  Ids are consecutive (1, 2, 3,
 * ...: each writer takes the last id + 1 inside its BEGIN IMMEDIATE, so
 * two writers never chain to the same entry).  Someone who can write the
 * database but does not hold the key cannot alter, remove or insert an
 * entry without `verifylog` (wk_admin_log_verify) naming it; someone who
 * holds the key can rewrite all of it, and removing the newest entries
 * (the tail) leaves a shorter chain that is intact: compare the head
 * `verifylog` prints with one kept elsewhere.  The mac is stored as 64
 * lowercase hex digits.
 */
enum wk_admin_flag {
	WK_ADMIN_ADDITION = 1,               /* Django's ADDITION */
	WK_ADMIN_CHANGE = 2,                 /* CHANGE */
	WK_ADMIN_DELETION = 3,               /* DELETION */
	WK_ADMIN_ACTION = 4,                 /* an action (Wick's own) */
	WK_ADMIN_FLAG__MAX
};


/*
 * wk_admin_log - write one entry: the user of req (id 0 and "" when
 * anonymous) did flag (enum wk_admin_flag) to row id of e's model, whose
 * label (wk_model_str) is repr (NULL: ""), with message (NULL: ""; the
 * admin's own: "Added.", "Changed title: ...", "Deleted.").  The
 * one way entries are written: the admin's pages call it, and so may an
 * action.  Inside the caller's atomic block (db.h) when one is open - so
 * that the entry and the change commit or roll back together - else in
 * its own BEGIN IMMEDIATE.  Returns WK_DB_OK, WK_DB_INVALID for a NULL
 * req or e or a flag out of range, WK_DB_ERROR when the secret key
 * cannot be read (logged: the change should not be made without its
 * entry), or the database's error.  An action calls it once per row it
 * changed, inside the block (wk_db_begin) that changes them, and rolls
 * back when it fails.
 */
int wk_admin_log(struct wk_request *req, const struct wk_admin_entry *e,
    long long id, const char *repr, int flag, const char *message);

/* What wk_admin_log_verify found. */
enum wk_admin_fault {
	WK_ADMIN_LOG_INTACT,                 /* every entry verifies */
	WK_ADMIN_LOG_ALTERED,                /* bad_id's fields changed (the
	                                        next entry still chains to
	                                        its mac) */
	WK_ADMIN_LOG_FORGED,                 /* bad_id's mac does not verify
	                                        and nothing chains to it:
	                                        inserted, or altered with its
	                                        mac */
	WK_ADMIN_LOG_REMOVED,                /* bad_id is missing: the next
	                                        id follows a gap */
	WK_ADMIN_FAULT__MAX
};

struct wk_admin_log_check {
	enum wk_admin_fault fault;
	long long entries;                   /* entries that verified */
	long long bad_id;                    /* the first entry found wrong
	                                        (0 when intact) */
	long long head_id;                   /* the last entry verified */
	char head_mac[65];                   /* its mac ("" for none) */
	char message[200];                   /* one line saying it */
};

/*
 * wk_admin_log_verify - walk the admin log in id order, recomputing each
 * entry's mac under the key of s (wk_settings_secret_key) and comparing,
 * and fill *out with the first problem (or WK_ADMIN_LOG_INTACT).  Streams
 * the rows (any length of log).  a holds the rows while they are read.
 * Returns WK_DB_OK (out filled, intact or not), WK_DB_ERROR when the key
 * cannot be read (out->message says why), or the database's error.
 */
int wk_admin_log_verify(wk_arena *a, const struct wk_settings *s,
    struct wk_admin_log_check *out);

/* The log's rows (the model wick_admin_log_model, table wick_admin_log). */
#define WICK_ADMIN_LOG(F, M) \
	F(M, action_time, DATETIME, .verbose_name = "action time") \
	F(M, user_id, BIGINT, .verbose_name = "user id") \
	F(M, username, TEXT, .max_length = 150, .flags = WK_BLANK, \
	    .def = "", .verbose_name = "user") \
	F(M, model, TEXT, .max_length = 100, .verbose_name = "model") \
	F(M, object_id, TEXT, .max_length = 64, .verbose_name = "object id") \
	F(M, object_repr, TEXT, .flags = WK_BLANK, .def = "", \
	    .verbose_name = "object repr") \
	F(M, action_flag, INT, .verbose_name = "action flag") \
	F(M, change_message, TEXT, .flags = WK_BLANK, .def = "", \
	    .verbose_name = "change message") \
	F(M, mac, TEXT, .max_length = 64, .verbose_name = "MAC")
WK_MODEL_STRUCT(wick_admin_log, WICK_ADMIN_LOG)

/*
 * The admin's commands, to list in the app's commands:
 *   verifylog   check the admin log's chain (wk_admin_log_verify);
 *               prints "N entries, chain intact" and the head, exit 0;
 *               or names the first entry altered, removed or inserted,
 *               exit 1 (2 for a usage error or a database or key that
 *               cannot be read).
 */
extern const struct wk_command wk_admin_commands[];

#endif /* WICK_ADMIN_H */
