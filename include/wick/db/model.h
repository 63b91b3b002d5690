/*
 * model.h - models declared once.
 *
 * A model is written ONE time, as an X-macro listing its fields.  From that
 * one list the C struct, an enum of field positions, the field metadata
 * (names, kinds, offsets, options) and - through the metadata - the table
 * schema, the migrations' columns, the ORM's checks of user-supplied field
 * names and the admin's labels are all derived.  There is no second list
 * to keep in step.
 *
 * In a header (cgi-bin/blog/models.h):
 *
 *   #define BLOG_POST(F, M) \
 *       F(M, title,   TEXT,     .max_length = 200) \
 *       F(M, slug,    TEXT,     .max_length = 200, .flags = WK_UNIQUE) \
 *       F(M, body,    TEXT,     .flags = WK_BLANK) \
 *       F(M, created, DATETIME, .flags = WK_INDEX) \
 *       F(M, published, BOOL,   .def = "0")
 *   WK_MODEL_STRUCT(blog_post, BLOG_POST)
 *
 * which declares
 *
 *   struct blog_post { long long id; const char *title; ... int published;
 *                      uint64_t wk_nulls;
 *                      struct wk_prefetched *wk_prefetched; };
 *   enum { blog_post__id, blog_post__title, ..., blog_post__nfields };
 *   extern const struct wk_model blog_post_model;
 *
 * and in exactly one .c file:
 *
 *   WK_MODEL_DEFINE(blog_post, BLOG_POST, .verbose_name = "post",
 *       .str_field = "title")
 *
 * Every model gets an auto-increment primary key `id` (long long) as its
 * first field; the table is named after the model (blog_post).
 *
 * Field kinds and their C types:
 *   INT      int          INTEGER      BIGINT   long long   INTEGER
 *   REAL     double       REAL         BOOL     int (0/1)   INTEGER
 *   TEXT     const char * TEXT         BLOB     struct wk_blob  BLOB
 *   DATE     const char * TEXT "YYYY-MM-DD" (ISO 8601)
 *   DATETIME const char * TEXT "YYYY-MM-DDTHH:MM:SSZ" (ISO 8601, UTC)
 *   FK       long long NAME (the target's id) plus const void *NAME_obj,
 *            set to the related row when the query asked for it
 *            (wk_q_select_related); needs .to = &target_model and
 *            .on_delete (CASCADE by default); .related_name names the
 *            reverse relation on the target (relations.h).
 *   M2M      no member and no column: a many-to-many relation to
 *            .to = &target_model through a join table (relations.h);
 *            kept in the model's m2m[] array, not in fields[], so code
 *            that walks the columns never meets it.
 *
 * Options (designated initializers of struct wk_field): .flags (WK_NULL,
 * WK_BLANK, WK_UNIQUE, WK_INDEX, WK_NO_INDEX, WK_RAW_ID), .max_length
 * (TEXT, in characters),
 * .def (the default, written as text: "0", "draft", "1.5"), .choices
 * (a WK_CHOICES list), .verbose_name, .help_text, .to, .on_delete,
 * .related_name (FK).  An M2M takes .to, .through, .related_name,
 * .verbose_name and .help_text (struct wk_m2m).
 *
 * NULL: for TEXT-like kinds a NULL pointer is SQL NULL; for numbers set the
 * field's bit in wk_nulls (wk_set_null).  Up to 63 fields per model.
 */
#ifndef WICK_MODEL_H
#define WICK_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "wick/core/arena.h"
#include "wick/core/kv.h"
#include "wick/core/value.h"

enum wk_field_kind {
	WK_FIELD_INT,
	WK_FIELD_BIGINT,
	WK_FIELD_REAL,
	WK_FIELD_TEXT,
	WK_FIELD_BOOL,
	WK_FIELD_DATE,
	WK_FIELD_DATETIME,
	WK_FIELD_BLOB,
	WK_FIELD_FK,
	WK_FIELD__MAX
};

/* Field flags. */
#define WK_NULL   0x01u  /* may be NULL */
#define WK_BLANK  0x02u  /* TEXT may be "" (else "" is "required") */
#define WK_UNIQUE 0x04u  /* unique index */
#define WK_INDEX  0x08u  /* plain index */
#define WK_PK     0x10u  /* the primary key (set on `id` only) */
/* A foreign key without its automatic index (Django's db_index=False):
 * for links another index already leads with, or that are never searched.
 * Every schema object costs each new connection a parse, so fewer is
 * faster. */
#define WK_NO_INDEX 0x20u
/* A foreign key that forms show as a text box of the target's id instead
 * of a <select> of every target row (Django's raw_id_fields): for big
 * target tables.  See form.h, WK_FF_MODEL. */
#define WK_RAW_ID   0x40u
/* A TEXT field holding a UUID: 36 characters, lowercase canonical form
 * ("0f8fad5b-d9cb-469f-a165-70867728950e"), checked by validation; as
 * the primary key (WK_MODEL_DEFINE_UUID_PK) a v4 UUID from the OS's
 * randomness is made on create when it is NULL or "". */
#define WK_UUID     0x80u

enum wk_on_delete {
	WK_CASCADE,   /* delete the rows that point at a deleted row */
	WK_PROTECT,   /* refuse the delete (WK_DB_CONSTRAINT) */
	WK_SET_NULL,  /* set the link to NULL (the field needs WK_NULL) */
	WK_ON_DELETE__MAX
};

/* A blob value: len bytes at data (arena memory when read). */
struct wk_blob {
	const void *data;
	size_t len;
};

/* One allowed value and its human label. */
struct wk_choice {
	const char *value;
	const char *label;
};

/* WK_CHOICES({"d", "Draft"}, {"p", "Published"}) - a terminated list. */
#define WK_CHOICES(...) \
	((const struct wk_choice[]){ __VA_ARGS__, { NULL, NULL } })

struct wk_model;

struct wk_field {
	const char *name;               /* column and member name */
	enum wk_field_kind kind;
	size_t offset;                  /* of the member in the struct */
	size_t rel_offset;              /* FK: of NAME_obj; else 0 */
	unsigned flags;                 /* WK_NULL | WK_UNIQUE ... */
	int max_length;                 /* TEXT: characters, 0 = no limit */
	const char *def;                /* default, as text; NULL = none */
	const struct wk_model *to;      /* FK: the target model */
	enum wk_on_delete on_delete;    /* FK */
	const struct wk_choice *choices;/* allowed values or NULL */
	const char *verbose_name;       /* label; NULL = name */
	const char *help_text;
	/* FK: the name of the reverse relation on the target, as lookups,
	 * prefetch and annotations name it from there ("comments"); NULL =
	 * this model's name ("blog_comment").  See relations.h. */
	const char *related_name;
};

/*
 * A many-to-many field (kind M2M in the X-macro): the rows of `from` and
 * `to` linked through a join table.  Without .through the table is
 * "<from>_<name>" (Django's naming), made by migrate, with columns id,
 * "<from>_id" and "<to>_id" ("from_<m>_id" / "to_<m>_id" when a model
 * links to itself), unique as a pair, both ON DELETE CASCADE.  With
 * .through the app's own model is the join table (it declares it, and
 * its WK_CREATE_TABLE): its first FK to `from` and its first FK to `to`
 * (the first and the second FK when they are the same model) are the
 * two sides.  See relations.h.
 */
struct wk_m2m {
	const char *name;               /* "tags": the lookup and API name */
	const struct wk_model *from;    /* the declaring model */
	const struct wk_model *to;      /* the target */
	const char *table;              /* "<from>_<name>" */
	const struct wk_model *through; /* the app's join model, or NULL */
	const char *related_name;       /* the reverse name on `to`
	                                   ("posts"); NULL = from's name */
	const char *verbose_name;       /* label; NULL = name */
	const char *help_text;
};

/*
 * What a query fetched for one row beyond its columns (relations.h): a
 * set of related rows (wk_q_prefetch_related: model and rows set) or an
 * annotation's value (wk_q_annotate: model NULL, value set).  The row's
 * member wk_prefetched heads a list of them.  Arena memory, like the row.
 */
struct wk_prefetched {
	const char *name;               /* "tags", "comments", "n_comments" */
	const struct wk_model *model;   /* the model of rows[]; NULL for an
	                                   annotation */
	void **rows;                    /* in the far model's key order */
	size_t n;
	struct wk_value value;          /* an annotation's value */
	struct wk_prefetched *next;
};

struct wk_model {
	const char *name;               /* table name: "blog_post" */
	const char *verbose_name;       /* "post"; NULL = name */
	const char *verbose_name_plural;
	size_t size;                    /* sizeof the struct */
	size_t nulls_offset;            /* of wk_nulls */
	size_t prefetch_offset;         /* of wk_prefetched; 0 = none */
	const struct wk_field *fields;  /* fields[0] is id */
	size_t nfields;
	/*
	 * How a row is named where it is shown whole, e.g. in a foreign
	 * key's <select> (Django's __str__); see wk_model_str.  Either str,
	 * returning the label (static, obj's or a's memory; NULL on
	 * allocation failure), or str_field, the name of the field whose
	 * value is the label.  Neither: "<Verbose name> object (<id>)".
	 */
	const char *(*str)(const void *obj, wk_arena *a);
	const char *str_field;
	/* Django's Meta.unique_together: a NULL-terminated list of field
	 * lists ("author,slug"), each unique as a whole (a unique index made
	 * by migrate, checked by wk_orm_validate_unique); NULL = none.  Set
	 * with WK_UNIQUE_TOGETHER in WK_MODEL_DEFINE. */
	const char *const *unique_together;
	/* The many-to-many fields (kind M2M in the X-macro), in declaration
	 * order; set by WK_MODEL_DEFINE. */
	const struct wk_m2m *m2m;
	size_t nm2m;
};

/* WK_UNIQUE_TOGETHER("author,slug", "author,title") - the value of
 * .unique_together: comma-separated field names, no spaces. */
#define WK_UNIQUE_TOGETHER(...) \
	((const char *const[]){ __VA_ARGS__, NULL })

/* ---- declaring models ---------------------------------------------------------- */

#define WK__CTYPE_INT int
#define WK__CTYPE_BIGINT long long
#define WK__CTYPE_REAL double
#define WK__CTYPE_TEXT const char *
#define WK__CTYPE_BOOL int
#define WK__CTYPE_DATE const char *
#define WK__CTYPE_DATETIME const char *
#define WK__CTYPE_BLOB struct wk_blob

#define WK__MEMBER_INT(n) WK__CTYPE_INT n;
#define WK__MEMBER_BIGINT(n) WK__CTYPE_BIGINT n;
#define WK__MEMBER_REAL(n) WK__CTYPE_REAL n;
#define WK__MEMBER_TEXT(n) WK__CTYPE_TEXT n;
#define WK__MEMBER_BOOL(n) WK__CTYPE_BOOL n;
#define WK__MEMBER_DATE(n) WK__CTYPE_DATE n;
#define WK__MEMBER_DATETIME(n) WK__CTYPE_DATETIME n;
#define WK__MEMBER_BLOB(n) WK__CTYPE_BLOB n;
#define WK__MEMBER_FK(n) long long n; const void *n##_obj;
#define WK__MEMBER_M2M(n)

#define WK__RELOFF_INT(M, n) 0
#define WK__RELOFF_BIGINT(M, n) 0
#define WK__RELOFF_REAL(M, n) 0
#define WK__RELOFF_TEXT(M, n) 0
#define WK__RELOFF_BOOL(M, n) 0
#define WK__RELOFF_DATE(M, n) 0
#define WK__RELOFF_DATETIME(M, n) 0
#define WK__RELOFF_BLOB(M, n) 0
#define WK__RELOFF_FK(M, n) offsetof(struct M, n##_obj)

/* Columns and M2M fields part here: a column kind has an enum position
 * and a struct wk_field; an M2M has neither, and a struct wk_m2m. */
#define WK__COL_INT(x) x
#define WK__COL_BIGINT(x) x
#define WK__COL_REAL(x) x
#define WK__COL_TEXT(x) x
#define WK__COL_BOOL(x) x
#define WK__COL_DATE(x) x
#define WK__COL_DATETIME(x) x
#define WK__COL_BLOB(x) x
#define WK__COL_FK(x) x
#define WK__COL_M2M(x)
#define WK__REL_INT(x)
#define WK__REL_BIGINT(x)
#define WK__REL_REAL(x)
#define WK__REL_TEXT(x)
#define WK__REL_BOOL(x)
#define WK__REL_DATE(x)
#define WK__REL_DATETIME(x)
#define WK__REL_BLOB(x)
#define WK__REL_FK(x)
#define WK__REL_M2M(x) x

#define WK__MEMBER(M, n, k, ...) WK__MEMBER_##k(n)
#define WK__ENUM(M, n, k, ...) WK__COL_##k(WK__ENUM_(M, n))
#define WK__ENUM_(M, n) M##__##n,
#define WK__META(M, n, k, ...) WK__COL_##k(WK__META_(M, n, k, __VA_ARGS__))
#define WK__META_(M, n, k, ...) { .name = #n, .kind = WK_FIELD_##k, \
	.offset = offsetof(struct M, n), .rel_offset = WK__RELOFF_##k(M, n), \
	__VA_ARGS__ },
#define WK__M2M(M, n, k, ...) WK__REL_##k(WK__M2M_(M, n, __VA_ARGS__))
#define WK__M2M_(M, n, ...) { .name = #n, .from = &M##_model, \
	.table = #M "_" #n, __VA_ARGS__ },
/* The m2m[] array of M: its M2M fields and an empty entry after them
 * (an array may not be empty). */
#define WK__M2M_ARRAY(M, FIELDS) \
	static const struct wk_m2m M##__m2m[] = { FIELDS(WK__M2M, M) \
		{ .name = NULL } };
#define WK__M2M_INIT(M) .m2m = M##__m2m, \
	.nm2m = sizeof(M##__m2m) / sizeof(M##__m2m[0]) - 1,

/*
 * Every model WK_MODEL_DEFINE makes is listed in the "wk_models" linker
 * section, so that a relation can be followed from its target's side
 * (relations.h: reverse names) without a registry call at start-up.
 */
#define WK__MODEL_REGISTER(M) \
	static const struct wk_model *const wk__model_ptr_##M \
	__attribute__((used, section("wk_models"))) = &M##_model;

/* Declare struct M, its field enum and M_model from the list FIELDS. */
#define WK_MODEL_STRUCT(M, FIELDS) \
	struct M { \
		long long id; \
		FIELDS(WK__MEMBER, M) \
		uint64_t wk_nulls; \
		struct wk_prefetched *wk_prefetched; \
	}; \
	enum { M##__id, FIELDS(WK__ENUM, M) M##__nfields }; \
	_Static_assert(M##__nfields <= 63, #M ": more than 63 fields"); \
	extern const struct wk_model M##_model;

/* Define M_model (in one .c file); extra args set struct wk_model fields. */
#define WK_MODEL_DEFINE(M, FIELDS, ...) \
	static const struct wk_field M##__fields[] = { \
		{ .name = "id", .kind = WK_FIELD_BIGINT, \
		  .offset = offsetof(struct M, id), .flags = WK_PK, \
		  .verbose_name = "ID" }, \
		FIELDS(WK__META, M) \
	}; \
	WK__M2M_ARRAY(M, FIELDS) \
	const struct wk_model M##_model = { \
		.name = #M, \
		.size = sizeof(struct M), \
		.nulls_offset = offsetof(struct M, wk_nulls), \
		.prefetch_offset = offsetof(struct M, wk_prefetched), \
		.fields = M##__fields, \
		.nfields = sizeof(M##__fields) / sizeof(M##__fields[0]), \
		WK__M2M_INIT(M) \
		__VA_ARGS__ \
	}; \
	WK__MODEL_REGISTER(M)

/*
 * A text or UUID primary key instead of `long long id` (Django's
 * primary_key=True on a CharField or UUIDField).  The key is the first
 * member, a `const char *` named PK, and the column "PK" TEXT NOT NULL
 * PRIMARY KEY:
 *
 *   #define SHOP_COUNTRY(F, M) F(M, name, TEXT, .max_length = 100)
 *   WK_MODEL_STRUCT_PK(shop_country, SHOP_COUNTRY, code)
 *   WK_MODEL_DEFINE_TEXT_PK(shop_country, SHOP_COUNTRY, code, 2,
 *       .verbose_name = "country")
 *
 *   #define SHOP_ORDER(F, M) F(M, total, REAL)
 *   WK_MODEL_STRUCT_PK(shop_order, SHOP_ORDER, uuid)
 *   WK_MODEL_DEFINE_UUID_PK(shop_order, SHOP_ORDER, uuid)
 *
 * A text key is set by the program (required, at most MAXLEN characters;
 * 0 = no limit); a UUID key is made by wk_orm_create when NULL or "" (or
 * set by the program, then validated).  Queries name the key by its name
 * or "pk" where orm.h accepts "pk"; rows are fetched, saved and deleted
 * with wk_orm_get_pk / wk_orm_save / wk_orm_delete_pk (pk.h).  Foreign
 * keys to such a model are not supported: wk_model_check refuses them.
 */
#define WK_MODEL_STRUCT_PK(M, FIELDS, PK) \
	struct M { \
		const char *PK; \
		FIELDS(WK__MEMBER, M) \
		uint64_t wk_nulls; \
		struct wk_prefetched *wk_prefetched; \
	}; \
	enum { M##__##PK, FIELDS(WK__ENUM, M) M##__nfields }; \
	_Static_assert(M##__nfields <= 63, #M ": more than 63 fields"); \
	extern const struct wk_model M##_model;

#define WK__MODEL_DEFINE_PK(M, FIELDS, PK, FLAGS, MAXLEN, ...) \
	static const struct wk_field M##__fields[] = { \
		{ .name = #PK, .kind = WK_FIELD_TEXT, \
		  .offset = offsetof(struct M, PK), .flags = WK_PK | (FLAGS), \
		  .max_length = (MAXLEN) }, \
		FIELDS(WK__META, M) \
	}; \
	WK__M2M_ARRAY(M, FIELDS) \
	const struct wk_model M##_model = { \
		.name = #M, \
		.size = sizeof(struct M), \
		.nulls_offset = offsetof(struct M, wk_nulls), \
		.prefetch_offset = offsetof(struct M, wk_prefetched), \
		.fields = M##__fields, \
		.nfields = sizeof(M##__fields) / sizeof(M##__fields[0]), \
		WK__M2M_INIT(M) \
		__VA_ARGS__ \
	}; \
	WK__MODEL_REGISTER(M)

/* Define M_model with a TEXT key PK of at most MAXLEN characters. */
#define WK_MODEL_DEFINE_TEXT_PK(M, FIELDS, PK, MAXLEN, ...) \
	WK__MODEL_DEFINE_PK(M, FIELDS, PK, 0, MAXLEN, __VA_ARGS__)

/* Define M_model with a UUID key PK (made on create when empty). */
#define WK_MODEL_DEFINE_UUID_PK(M, FIELDS, PK, ...) \
	WK__MODEL_DEFINE_PK(M, FIELDS, PK, WK_UUID, 36, __VA_ARGS__)

/* 1 if m's primary key is text (WK_MODEL_DEFINE_TEXT_PK / _UUID_PK), 0
 * for the usual `long long id`. */
#define wk_model_text_pk(m) ((m)->fields[0].kind == WK_FIELD_TEXT)

/* The bit of field n of model M in wk_nulls. */
#define WK_FIELD_BIT(M, n) ((uint64_t)1 << M##__##n)
#define wk_is_null(obj, M, n) (((obj)->wk_nulls & WK_FIELD_BIT(M, n)) != 0)
#define wk_set_null(obj, M, n) ((void)((obj)->wk_nulls |= WK_FIELD_BIT(M, n)))
#define wk_clear_null(obj, M, n) \
	((void)((obj)->wk_nulls &= ~WK_FIELD_BIT(M, n)))

/* ---- using the metadata -------------------------------------------------------- */

/*
 * wk_model_field - the field named name (NUL-terminated) of m, or NULL.
 * This is how user input (?sort=title) becomes a field: never SQL text.
 */
const struct wk_field *wk_model_field(const struct wk_model *m,
    const char *name);

/* wk_model_fieldn - like wk_model_field for a name of len bytes. */
const struct wk_field *wk_model_fieldn(const struct wk_model *m,
    const char *name, size_t len);

/* wk_model_index - the position of f in m->fields. */
size_t wk_model_index(const struct wk_model *m, const struct wk_field *f);

/*
 * wk_model_init - zero obj (m->size bytes) and apply the fields' defaults
 * (text defaults point at the static default string).  Returns 0, or -1
 * if a default does not parse for its kind (a declaration bug).
 */
int wk_model_init(const struct wk_model *m, void *obj);

/* wk_model_is_null - 1 if field f of obj is NULL. */
int wk_model_is_null(const struct wk_model *m, const struct wk_field *f,
    const void *obj);

/* wk_model_id - the primary key of obj (an integer key; 0 for a model
 * with a text key: use wk_model_pk_text). */
long long wk_model_id(const struct wk_model *m, const void *obj);

/* wk_model_pk_text - the text key of obj (NULL when unset, or when m has
 * an integer key). */
const char *wk_model_pk_text(const struct wk_model *m, const void *obj);

/*
 * wk_model_is_uuid - 1 if s (n bytes) is a UUID in canonical lowercase
 * form: 8-4-4-4-12 hex digits.
 */
int wk_model_is_uuid(const char *s, size_t n);

/*
 * wk_model_validate - check obj against the metadata before writing: NOT
 * NULL fields present, TEXT valid UTF-8 within max_length and not blank
 * unless WK_BLANK, choices, DATE/DATETIME in ISO 8601 form, BOOL 0/1.
 * Each problem is added to errors (if not NULL) as (field name, message),
 * arena strings.  Returns the number of problems (0 = valid), -1 on
 * allocation failure.  An integer id is not checked; a text key is
 * (required, max_length, UUID form) except a UUID key left NULL or "",
 * which create fills in.
 */
int wk_model_validate(const struct wk_model *m, const void *obj,
    wk_arena *a, struct wk_kvlist *errors);

/*
 * wk_model_validate_field - the problem with field f of obj, as a static
 * message ("This field is required.", "Ensure this value has at most 200
 * characters.", ...), or NULL when it is valid.
 */
const char *wk_model_validate_field(const struct wk_model *m,
    const struct wk_field *f, const void *obj);

/*
 * wk_model_check - sanity of a declaration (used by `APP check` and
 * migrate): identifiers made of [a-z0-9_], FK targets set, SET_NULL only
 * on WK_NULL fields, defaults that parse, unique_together lists naming
 * fields of the model, many-to-many fields with a target and names
 * that are identifiers, integer primary keys on both sides of an M2M
 * (one to or from a model with a text or UUID key is refused: "many-to-
 * many needs integer primary keys on both models") and a .through model
 * with a foreign key to each side.  Writes problems into out, one
 * per line; returns their number.
 */
int wk_model_check(const struct wk_model *m, char *out, size_t outlen);

/*
 * wk_model_str - the label of row obj of m (Django's str(obj)): m->str's
 * answer, else the text of m->str_field (a null value or an unknown field
 * falls through), else "<Verbose name> object (<id>)" with the first
 * letter of the verbose name (or table name) in upper case, as Django's
 * default "Post object (3)".  Static, obj's or a's memory; NULL only on
 * allocation failure.  Returned as it is: escape it when writing HTML.
 */
const char *wk_model_str(const struct wk_model *m, const void *obj,
    wk_arena *a);

/* wk_field_label - the verbose name or the name. */
const char *wk_field_label(const struct wk_field *f);

#endif /* WICK_MODEL_H */
