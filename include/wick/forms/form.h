/*
 * form.h - declared forms: validation of submitted fields, cleaned values,
 * errors, and escaped HTML for templates; model forms over the ORM.
 *
 * A form is a const table of fields (Django's Form class):
 *
 *   static const struct wk_form_field comment_fields[] = {
 *       { .name = "name", .kind = WK_FF_TEXT, .max_length = 100,
 *         .flags = WK_FF_OPTIONAL },
 *       { .name = "body", .kind = WK_FF_TEXTAREA, .max_length = 5000 },
 *   };
 *   static const struct wk_form_def comment_form =
 *       WK_FORM_DEF(comment_fields, NULL);
 *
 *   struct wk_form f;
 *   wk_form_init(&f, &comment_form, req->arena);
 *   if (req->method == WK_METHOD_POST) {
 *       wk_form_bind(&f, req);
 *       if (wk_form_is_valid(&f) == 1) ... wk_form_text(&f, "body") ...
 *   }
 *   wk_map_set(req->arena, ctx, "form", wk_form_value(&f));
 *
 * Cleaning, per field kind: text-like values are stripped of surrounding
 * whitespace (not passwords; WK_FF_NO_STRIP keeps it); an empty value is
 * "This field is required." unless WK_FF_OPTIONAL; then the kind's rules
 * (lengths in characters, number syntax and range, e-mail / URL / slug
 * syntax, choices, ISO dates); then the field's own validator; then the
 * form-wide clean function.  Messages are Django's.
 *
 * In templates (the form as a value, see wk_form_value):
 *   {{ form.title.label_tag }}  <label for="id_title">Title:</label>
 *   {{ form.title.widget }}     the <input>/<textarea>/<select>
 *   {{ form.title.errors }}     <ul class="errorlist">...</ul> or ""
 *   {{ form.title.label }}, .help_text, .value, .name, .id_for_label
 *   {{ form.non_field_errors }}, {{ form.as_p }}, {% for field in form %}
 * The widget is reached as `.widget` (Django writes {{ form.title }}):
 * Wick's templates escape whatever an object prints, so HTML only comes
 * out of the attributes that return safe strings.  Every submitted or
 * initial value inside that HTML is escaped.
 */
#ifndef WICK_FORM_H
#define WICK_FORM_H

#include <stddef.h>

#include "wick/core/arena.h"
#include "wick/core/buf.h"
#include "wick/core/kv.h"
#include "wick/db/model.h"
#include "wick/core/value.h"

struct wk_request;
struct wk_multipart;
struct wk_multipart_part;
struct wk_form;
struct wk_form_field;

enum wk_form_kind {
	WK_FF_TEXT,        /* <input type="text"> */
	WK_FF_TEXTAREA,    /* text in a <textarea> */
	WK_FF_INT,         /* whole number (long long) */
	WK_FF_DECIMAL,     /* number with an optional fraction (double) */
	WK_FF_EMAIL,
	WK_FF_URL,         /* http:// or https:// only */
	WK_FF_SLUG,        /* [-a-zA-Z0-9_]+ */
	WK_FF_BOOL,        /* checkbox: never "required" unless flagged */
	WK_FF_CHOICE,      /* one of .choices */
	WK_FF_MULTI,       /* any number of .choices */
	WK_FF_DATE,        /* YYYY-MM-DD */
	WK_FF_DATETIME,    /* YYYY-MM-DD[T ]HH:MM[:SS] -> ...THH:MM:SSZ */
	WK_FF_PASSWORD,    /* never stripped, never rendered back */
	WK_FF_HIDDEN,      /* text in <input type="hidden"> */
	WK_FF_FILE,        /* an upload (multipart.h); max_length = bytes */
	WK_FF_MODEL,       /* one row of .model, by id (ModelChoiceField) */
	WK_FF__MAX
};

/* Field flags. */
#define WK_FF_OPTIONAL 0x01u   /* empty is allowed (value then NULL) */
#define WK_FF_NO_STRIP 0x02u   /* keep surrounding whitespace */
#define WK_FF_HAS_MIN  0x04u   /* min_value applies */
#define WK_FF_HAS_MAX  0x08u   /* max_value applies */
#define WK_FF_REQUIRED_TRUE 0x10u /* BOOL: must be checked */
#define WK_FF_RAW_ID   0x20u   /* MODEL: a text box of the id, never a
                                  <select> (Django's raw_id_fields) */

/*
 * A WK_FF_MODEL field (Django's ModelChoiceField; what a model form makes
 * of a foreign key) renders as a <select> of the rows of .model, ordered
 * by id, each labelled with wk_model_str (model.h: the model's str or
 * str_field, else "Post object (3)"), the current value selected.  The
 * empty choice "---------" comes first when the field is optional or has
 * no value yet.  With WK_FF_RAW_ID, or when the table has more than
 * WK_FORM_SELECT_MAX rows (a page of every row would be too big to send
 * and to build), it renders as a text box of the id followed by the
 * current row's label.  Cleaning looks the id up: a value that is not a
 * whole number or names no row is the field error "Select a valid
 * choice. That choice is not one of the available choices." (never a
 * 400 page); the cleaned value is the id (wk_form_int) and the row
 * (value->row).  Both the lookup and the list are bound queries.
 */
#define WK_FORM_SELECT_MAX 1000

/*
 * A custom validator: look at the cleaned value of field fd and return
 * NULL when it is fine, or the error message (static or in f->arena).
 */
typedef const char *(*wk_form_validator)(struct wk_form *f,
    const struct wk_form_field *fd, const char *value);

struct wk_form_field {
	const char *name;             /* the input's name; an identifier */
	enum wk_form_kind kind;
	const char *label;            /* NULL: from the name ("pub_date" ->
	                                 "Pub date") */
	unsigned flags;               /* WK_FF_* */
	size_t min_length;            /* text: characters */
	size_t max_length;            /* text: characters; 0 = no limit */
	double min_value, max_value;  /* with WK_FF_HAS_MIN / HAS_MAX */
	const struct wk_choice *choices; /* CHOICE, MULTI (model.h) */
	const char *initial;          /* shown by an unbound form */
	const char *help_text;
	wk_form_validator validate;   /* may be NULL */
	const struct wk_model *model; /* MODEL: the rows to choose from */
};

/* A form: its fields, and an optional form-wide clean (Django's clean()):
 * it may read cleaned values and call wk_form_add_error; return 0, or -1
 * on an internal failure. */
struct wk_form_def {
	const struct wk_form_field *fields;
	size_t nfields;
	int (*clean)(struct wk_form *f);
};

#define WK_FORM_DEF(fields, clean) \
	{ (fields), sizeof(fields) / sizeof((fields)[0]), (clean) }

/* The key of form-wide errors in wk_form.errors (Django's __all__). */
#define WK_FORM_ALL "__all__"

/* One field's state. */
struct wk_form_value {
	const char *raw;          /* submitted text, or the initial value */
	const char *text;         /* cleaned text; NULL when empty */
	long long i;              /* INT; BOOL 0/1 */
	double r;                 /* DECIMAL (also INT) */
	const char **items;       /* MULTI: cleaned values */
	size_t nitems;
	const char **raw_items;   /* MULTI: submitted values */
	size_t nraw_items;
	const struct wk_multipart_part *file; /* FILE: the stored upload */
	int has_error;
	const void *row;          /* MODEL: the chosen row (f->arena) */
};

struct wk_form {
	const struct wk_form_def *def;
	wk_arena *arena;
	struct wk_kvlist data;          /* submitted fields */
	struct wk_form_value *values;   /* one per field */
	struct wk_kvlist errors;        /* (field name or WK_FORM_ALL, msg) */
	int bound;
	int validated;
	int failed;                     /* allocation failure: sticky */
};

/* wk_form_init - an unbound form showing the fields' initial values.
 * 0, or -1 on allocation failure. */
int wk_form_init(struct wk_form *f, const struct wk_form_def *def,
    wk_arena *a);

/* wk_form_bind - bind to the request's POST fields (urlencoded body).
 * 0 or -1. */
int wk_form_bind(struct wk_form *f, const struct wk_request *req);

/*
 * wk_form_bind_files - after wk_form_bind on a multipart/form-data
 * request (wk_multipart_parse_request put its plain fields in req->post),
 * attach each FILE field's upload from mp (the last part of that name
 * with a non-empty filename and a stored file).  Cleaning then checks
 * presence, emptiness and the size limit (max_length bytes); the cleaned
 * text is the sanitized client filename, and value->file the part (move
 * it with wk_multipart_move before wk_multipart_cleanup).  0 or -1.
 */
int wk_form_bind_files(struct wk_form *f, const struct wk_multipart *mp);

/* wk_form_bind_data - bind to data (not copied; must outlive f).  0/-1. */
int wk_form_bind_data(struct wk_form *f, const struct wk_kvlist *data);

/* wk_form_set_initial - replace a field's initial value (copied) of an
 * unbound form.  0, or -1 for an unknown field. */
int wk_form_set_initial(struct wk_form *f, const char *name,
    const char *value);

/*
 * wk_form_is_valid - clean every field once (later calls return the same
 * answer).  1 valid, 0 invalid (errors set), -1 on allocation failure or
 * an unbound form.
 */
int wk_form_is_valid(struct wk_form *f);

/* wk_form_add_error - add message (copied) to field name, or to the form
 * when name is NULL.  0 or -1. */
int wk_form_add_error(struct wk_form *f, const char *name,
    const char *message);

/* wk_form_field - the declaration of name, or NULL. */
const struct wk_form_field *wk_form_field(const struct wk_form *f,
    const char *name);

/* wk_form_get - the state of name, or NULL. */
const struct wk_form_value *wk_form_get(const struct wk_form *f,
    const char *name);

/* Cleaned values (after wk_form_is_valid() == 1).  text: NULL when empty
 * or unknown; int/real/bool: 0 then. */
const char *wk_form_text(const struct wk_form *f, const char *name);
long long wk_form_int(const struct wk_form *f, const char *name);
double wk_form_real(const struct wk_form *f, const char *name);
int wk_form_bool(const struct wk_form *f, const char *name);

/* wk_form_label - the field's label (declared or derived; arena). */
const char *wk_form_label(struct wk_form *f, const struct wk_form_field *fd);

/* ---- HTML (every value escaped; append to out; 0 or -1) ------------------------ */

/*
 * wk_form_render_label, wk_form_render_widget, wk_form_render_errors -
 * the pieces of field name, as Django's {{ field.label_tag }}, {{ field }}
 * and {{ field.errors }}: `<label for="id_NAME">Label:</label>` (nothing
 * for a hidden field); the <input>, <textarea> or <select> with the
 * submitted or initial value; the field's errors as
 * `<ul class="errorlist">` (nothing when it has none; name NULL: the
 * form-wide errors, class "errorlist nonfield").  -1 for a name the
 * form does not declare, or when out fails.
 */
int wk_form_render_label(struct wk_form *f, const char *name, wk_buf *out);
int wk_form_render_widget(struct wk_form *f, const char *name, wk_buf *out);
int wk_form_render_errors(struct wk_form *f, const char *name, wk_buf *out);

/* wk_form_render_p - every field as <p>label widget help errors</p>,
 * after the form-wide errors. */
int wk_form_render_p(struct wk_form *f, wk_buf *out);

/* wk_form_value - f as a template value (f must outlive the render). */
struct wk_value wk_form_value(struct wk_form *f);

/* ---- model forms ------------------------------------------------------------------ */

#define WK_MODEL_FORM_MAX 32

/*
 * A form derived from a model's metadata for a chosen subset of fields
 * (Django's ModelForm with `fields = [...]`): kinds, max_length, blank,
 * choices, labels, help texts and defaults come from the model.  A
 * foreign key becomes a WK_FF_MODEL field over its target (a <select>,
 * or a raw id box when the model field has WK_RAW_ID or after
 * wk_model_form_raw_id); an id of 0 counts as no value.
 */
struct wk_model_form {
	struct wk_form form;
	struct wk_form_def def;
	struct wk_form_field fields[WK_MODEL_FORM_MAX];
	const struct wk_field *mfields[WK_MODEL_FORM_MAX];
	const struct wk_model *model;
	void *obj;                   /* the instance being edited / made */
	int is_new;
};

/*
 * wk_model_form_init - a form for the fields named in the NULL-terminated
 * list (never "id"; at most WK_MODEL_FORM_MAX).  instance: the object to
 * edit (its values become the initial values), or NULL to create one
 * (model defaults as initial values).  0, or -1 for an unknown field, too
 * many, or allocation failure.
 */
int wk_model_form_init(struct wk_model_form *mf, wk_arena *a,
    const struct wk_model *m, const char *const *fields, void *instance);

/*
 * wk_model_form_raw_id - show foreign key name as a text box of the id
 * (Django's raw_id_fields) instead of a <select>.  Call after
 * wk_model_form_init.  0, or -1 when the form has no such foreign key.
 */
int wk_model_form_raw_id(struct wk_model_form *mf, const char *name);

/*
 * wk_model_form_is_valid - wk_form_is_valid, then the cleaned values are
 * written into mf->obj and checked with the model's rules (errors go to
 * the fields).  1, 0 or -1 as wk_form_is_valid.  After 1 the caller may
 * set the fields the form does not show (author, created...) on mf->obj.
 */
int wk_model_form_is_valid(struct wk_model_form *mf);

/*
 * wk_model_form_save - INSERT (new) or UPDATE mf->obj.  A unique field
 * already taken by another row becomes the field error "<Model> with this
 * <Label> already exists." and WK_DB_INVALID is returned (also when the
 * database reports the violation, e.g. after a race); so does a foreign
 * key whose row went away after cleaning (the choice error of
 * WK_FF_MODEL, when the database refuses the link).  A clash on the
 * model's unique_together (model.h) is the form-wide error "<Model> with
 * this <A> and <B> already exists." (unique.h), likewise.  Otherwise
 * WK_DB_OK (mf->obj's id is set) or the database error.
 */
int wk_model_form_save(struct wk_model_form *mf);

#endif /* WICK_FORM_H */
