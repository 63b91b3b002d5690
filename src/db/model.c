/*
 * model.c - what the ORM, migrations, forms and the admin read from a
 * model's metadata (see model.h): field look-up by name, defaults,
 * validation against the declared options, and a sanity check of the
 * declaration itself.  The metadata is generated from the one X-macro list
 * per model, so nothing here knows any particular model.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wick/db/model.h"

/* see model.h */
const struct wk_field *
wk_model_fieldn(const struct wk_model *m, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < m->nfields; i++) {
		const char *fn = m->fields[i].name;
		/* The first byte first: most fields differ there. */
		if (len > 0 && fn[0] != name[0])
			continue;
		if (strncmp(fn, name, len) == 0 && fn[len] == '\0')
			return &m->fields[i];
	}
	return NULL;
}

/* see model.h */
const struct wk_field *
wk_model_field(const struct wk_model *m, const char *name)
{
	return wk_model_fieldn(m, name, strlen(name));
}

/* see model.h */
size_t
wk_model_index(const struct wk_model *m, const struct wk_field *f)
{
	return (size_t)(f - m->fields);
}

/* see model.h */
const char *
wk_field_label(const struct wk_field *f)
{
	return f->verbose_name != NULL ? f->verbose_name : f->name;
}

static uint64_t *
model_nulls(const struct wk_model *m, void *obj)
{
	return (uint64_t *)(void *)((char *)obj + m->nulls_offset);
}

/* see model.h */
int
wk_model_is_null(const struct wk_model *m, const struct wk_field *f,
    const void *obj)
{
	const char *base = obj;
	uint64_t nulls;
	size_t i = wk_model_index(m, f);

	memcpy(&nulls, base + m->nulls_offset, sizeof(nulls));
	if (nulls & ((uint64_t)1 << i))
		return 1;
	switch (f->kind) {
	case WK_FIELD_TEXT:
	case WK_FIELD_DATE:
	case WK_FIELD_DATETIME: {
		const char *s;
		memcpy(&s, base + f->offset, sizeof(s));
		return s == NULL;
	}
	default:
		return 0;
	}
}

/* see model.h */
long long
wk_model_id(const struct wk_model *m, const void *obj)
{
	long long id;

	memcpy(&id, (const char *)obj + m->fields[0].offset, sizeof(id));
	return id;
}

/* see model.h */
const char *
wk_model_pk_text(const struct wk_model *m, const void *obj)
{
	const char *s;

	if (!wk_model_text_pk(m))
		return NULL;
	memcpy(&s, (const char *)obj + m->fields[0].offset, sizeof(s));
	return s;
}

static int
model_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* see model.h */
int
wk_model_is_uuid(const char *s, size_t n)
{
	size_t i;

	if (s == NULL || n != 36)
		return 0;
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!model_hex(s[i])) {
			return 0;
		}
	}
	return 1;
}

/* A UUID key that create will fill in: NULL or "". */
static int
model_pk_to_make(const struct wk_model *m, const void *obj)
{
	const char *s = wk_model_pk_text(m, obj);

	return (m->fields[0].flags & WK_UUID) && (s == NULL || *s == '\0');
}

/* Parse a declared default for its kind into obj.  0 or -1. */
static int
model_set_default(const struct wk_field *f, void *obj)
{
	char *p = (char *)obj + f->offset;
	char *end;
	long long ll;
	double d;

	switch (f->kind) {
	case WK_FIELD_INT:
	case WK_FIELD_BIGINT:
	case WK_FIELD_FK:
	case WK_FIELD_BOOL:
		if (strcmp(f->def, "true") == 0 || strcmp(f->def, "True") == 0)
			ll = 1;
		else if (strcmp(f->def, "false") == 0 ||
		    strcmp(f->def, "False") == 0)
			ll = 0;
		else {
			errno = 0;
			ll = strtoll(f->def, &end, 10);
			if (errno != 0 || end == f->def || *end != '\0')
				return -1;
		}
		if (f->kind == WK_FIELD_INT || f->kind == WK_FIELD_BOOL) {
			int i = (int)ll;
			if (ll < -2147483647LL - 1 || ll > 2147483647LL ||
			    (f->kind == WK_FIELD_BOOL && ll != 0 && ll != 1))
				return -1;
			memcpy(p, &i, sizeof(i));
		} else {
			memcpy(p, &ll, sizeof(ll));
		}
		return 0;
	case WK_FIELD_REAL:
		errno = 0;
		d = strtod(f->def, &end);
		if (errno != 0 || end == f->def || *end != '\0' || !isfinite(d))
			return -1;
		memcpy(p, &d, sizeof(d));
		return 0;
	case WK_FIELD_TEXT:
	case WK_FIELD_DATE:
	case WK_FIELD_DATETIME:
		memcpy(p, &f->def, sizeof(f->def));
		return 0;
	case WK_FIELD_BLOB: {
		struct wk_blob b = { f->def, strlen(f->def) };
		memcpy(p, &b, sizeof(b));
		return 0;
	}
	default:
		return -1;
	}
}

/* see model.h */
int
wk_model_init(const struct wk_model *m, void *obj)
{
	size_t i;
	int rc = 0;

	memset(obj, 0, m->size);
	for (i = 1; i < m->nfields; i++) {
		const struct wk_field *f = &m->fields[i];
		if (f->def == NULL) {
			if (f->flags & WK_NULL)
				*model_nulls(m, obj) |= (uint64_t)1 << i;
			continue;
		}
		if (model_set_default(f, obj) != 0)
			rc = -1;
	}
	return rc;
}

/* UTF-8 check that also counts characters; -1 if invalid. */
static long
model_utf8_chars(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	long n = 0;

	while (*p) {
		unsigned c = *p;
		int len;
		unsigned cp;
		if (c < 0x80) {
			p++;
			n++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			len = 2;
			cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			len = 3;
			cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			len = 4;
			cp = c & 0x07;
		} else {
			return -1;
		}
		for (int k = 1; k < len; k++) {
			if ((p[k] & 0xc0) != 0x80)
				return -1;
			cp = (cp << 6) | (p[k] & 0x3f);
		}
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
		    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return -1;
		p += len;
		n++;
	}
	return n;
}

static int
model_digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* "YYYY-MM-DD" naming a day of the Gregorian calendar. */
static int
model_is_date(const char *s)
{
	static const unsigned char mdays[12] = { 31, 29, 31, 30, 31, 30, 31,
	    31, 30, 31, 30, 31 };
	int y, mo, d;

	if (!model_digits(s, 4) || s[4] != '-' || !model_digits(s + 5, 2) ||
	    s[7] != '-' || !model_digits(s + 8, 2))
		return 0;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	mo = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1])
		return 0;
	/* February 29th only in leap years (the Gregorian rule). */
	return !(mo == 2 && d == 29 &&
	    (y % 4 != 0 || (y % 100 == 0 && y % 400 != 0)));
}

/* A DATE value: the date and nothing after it. */
static int
model_is_date_only(const char *s)
{
	return model_is_date(s) && s[10] == '\0';
}

/* "YYYY-MM-DDTHH:MM:SS[.ffffff]Z" (UTC). */
static int
model_is_datetime(const char *s)
{
	size_t i;

	if (!model_is_date(s) || (s[10] != 'T' && s[10] != ' ') ||
	    !model_digits(s + 11, 2) || s[13] != ':' ||
	    !model_digits(s + 14, 2) || s[16] != ':' ||
	    !model_digits(s + 17, 2))
		return 0;
	if ((s[11] - '0') * 10 + (s[12] - '0') > 23 ||
	    (s[14] - '0') * 10 + (s[15] - '0') > 59 ||
	    (s[17] - '0') * 10 + (s[18] - '0') > 60)
		return 0;
	i = 19;
	if (s[i] == '.') {
		i++;
		if (s[i] < '0' || s[i] > '9')
			return 0;
		while (s[i] >= '0' && s[i] <= '9' && i < 27)
			i++;
	}
	return s[i] == 'Z' && s[i + 1] == '\0';
}

/* see model.h */
const char *
wk_model_validate_field(const struct wk_model *m, const struct wk_field *f,
    const void *obj)
{
	const char *p = (const char *)obj + f->offset;
	const char *s;
	long n;

	if (wk_model_is_null(m, f, obj))
		return (f->flags & WK_NULL) ? NULL : "This field is required.";
	switch (f->kind) {
	case WK_FIELD_TEXT:
	case WK_FIELD_DATE:
	case WK_FIELD_DATETIME:
		memcpy(&s, p, sizeof(s));
		if ((n = model_utf8_chars(s)) < 0)
			return "Enter valid UTF-8 text.";
		if (n == 0 && !(f->flags & WK_BLANK))
			return "This field is required.";
		if (f->kind == WK_FIELD_DATE && n > 0 &&
		    !model_is_date_only(s))
			return "Enter a valid date (YYYY-MM-DD).";
		if (f->kind == WK_FIELD_DATETIME && n > 0 &&
		    !model_is_datetime(s))
			return "Enter a valid date/time "
			    "(YYYY-MM-DDTHH:MM:SSZ).";
		if ((f->flags & WK_UUID) && n > 0 &&
		    !wk_model_is_uuid(s, strlen(s)))
			return "Enter a valid UUID.";
		if (f->max_length > 0 && n > f->max_length)
			return "Ensure this value is not longer than the "
			    "maximum length.";
		if (f->choices != NULL) {
			const struct wk_choice *c;
			for (c = f->choices; c->value != NULL; c++)
				if (strcmp(c->value, s) == 0)
					break;
			if (c->value == NULL)
				return "Select a valid choice.";
		}
		return NULL;
	case WK_FIELD_BOOL: {
		int b;
		memcpy(&b, p, sizeof(b));
		return b == 0 || b == 1 ? NULL : "Must be true or false.";
	}
	case WK_FIELD_REAL: {
		double d;
		memcpy(&d, p, sizeof(d));
		return isfinite(d) ? NULL : "Enter a finite number.";
	}
	case WK_FIELD_INT:
		if (f->choices != NULL) {
			int v;
			char buf[16];
			const struct wk_choice *c;
			memcpy(&v, p, sizeof(v));
			(void)snprintf(buf, sizeof(buf), "%d", v);
			for (c = f->choices; c->value != NULL; c++)
				if (strcmp(c->value, buf) == 0)
					return NULL;
			return "Select a valid choice.";
		}
		return NULL;
	default:
		return NULL;
	}
}

/* see model.h */
int
wk_model_validate(const struct wk_model *m, const void *obj, wk_arena *a,
    struct wk_kvlist *errors)
{
	size_t i;
	int n = 0;

	/* An integer id is the database's; a text key is the program's,
	 * but for a UUID key that create makes. */
	i = wk_model_text_pk(m) && !model_pk_to_make(m, obj) ? 0 : 1;
	for (; i < m->nfields; i++) {
		const struct wk_field *f = &m->fields[i];
		const char *msg = wk_model_validate_field(m, f, obj);
		if (msg == NULL)
			continue;
		n++;
		if (errors == NULL || a == NULL)
			continue;
		if (f->max_length > 0 && strstr(msg, "maximum length") != NULL) {
			msg = wk_arena_printf(a, "Ensure this value has at "
			    "most %d characters.", f->max_length);
			if (msg == NULL)
				return -1;
		}
		if (wk_kv_add(a, errors, f->name, msg, strlen(msg)) != 0)
			return -1;
	}
	return n;
}

static int
model_ident_ok(const char *s)
{
	if (s == NULL || *s == '\0' || (*s >= '0' && *s <= '9'))
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    *s == '_'))
			return 0;
	return 1;
}

/* Append one problem line to out. */
static void
model_problem(char *out, size_t outlen, size_t *used, const char *model,
    const char *field, const char *what)
{
	int n;

	if (*used >= outlen)
		return;
	n = snprintf(out + *used, outlen - *used, "model %s%s%s: %s\n", model,
	    field ? "." : "", field ? field : "", what);
	if (n < 0)
		return;
	*used += (size_t)n < outlen - *used ? (size_t)n : outlen - *used - 1;
}

/* 1 if model t has an FK field to target (two when want2). */
static int
model_has_fks(const struct wk_model *t, const struct wk_model *target,
    int want2)
{
	size_t i;
	int n = 0;

	for (i = 1; i < t->nfields; i++)
		n += t->fields[i].kind == WK_FIELD_FK && t->fields[i].to ==
		    target;
	return n >= (want2 ? 2 : 1);
}

/* The many-to-many fields of m: a target, names that are identifiers and
 * no field's, integer keys on both ends, a .through model linking both. */
static int
model_check_m2m(const struct wk_model *m, char *out, size_t outlen,
    size_t *used)
{
	size_t i, k;
	int problems = 0;

	for (i = 0; i < m->nm2m; i++) {
		const struct wk_m2m *d = &m->m2m[i];
		const char *why = NULL;
		if (!model_ident_ok(d->name) || strstr(d->name, "__") != NULL)
			why = "many-to-many name must be [a-z0-9_] without "
			    "'__'";
		else if (wk_model_field(m, d->name) != NULL)
			why = "many-to-many name is also a field's";
		else if (d->to == NULL)
			why = "many-to-many field without .to";
		else if (wk_model_text_pk(m) || wk_model_text_pk(d->to))
			why = "many-to-many needs integer primary keys on both "
			    "models (a text or UUID key is not supported)";
		else if (d->related_name != NULL &&
		    (!model_ident_ok(d->related_name) ||
		    strstr(d->related_name, "__") != NULL))
			why = "related_name must be [a-z0-9_] without '__'";
		else if (d->through != NULL && (!model_has_fks(d->through, m,
		    d->to == m) || !model_has_fks(d->through, d->to,
		    d->to == m)))
			why = "a .through model needs a foreign key to each "
			    "side";
		else if (d->through == NULL && strlen(d->table) > 63)
			why = "join table name longer than 63 characters";
		for (k = 0; why == NULL && k < i; k++)
			if (strcmp(m->m2m[k].name, d->name) == 0)
				why = "declared twice";
		if (why != NULL) {
			model_problem(out, outlen, used, m->name, d->name ?
			    d->name : "?", why);
			problems++;
		}
	}
	return problems;
}

/* Each unique_together list names one to 16 distinct fields of m. */
static int
model_check_unique_together(const struct wk_model *m, char *out,
    size_t outlen, size_t *used)
{
	const char *const *u;
	int problems = 0;

	for (u = m->unique_together; u != NULL && *u != NULL; u++) {
		const char *p = *u, *e;
		const struct wk_field *seen[16];
		size_t n = 0, k;
		int bad = 0;
		for (;; p = e + 1) {
			const struct wk_field *f;
			for (e = p; *e != '\0' && *e != ','; e++)
				;
			f = wk_model_fieldn(m, p, (size_t)(e - p));
			for (k = 0; f != NULL && k < n; k++)
				if (seen[k] == f)
					f = NULL;
			if (f == NULL || n >= 16) {
				bad = 1;
				break;
			}
			seen[n++] = f;
			if (*e == '\0')
				break;
		}
		if (bad) {
			model_problem(out, outlen, used, m->name, NULL,
			    "unique_together lists a field the model does "
			    "not have (or twice, or more than 16)");
			problems++;
		}
	}
	return problems;
}

/* see model.h */
int
wk_model_check(const struct wk_model *m, char *out, size_t outlen)
{
	size_t used = 0, i;
	int problems = 0;
	unsigned char scratch[4096];

	if (outlen > 0)
		out[0] = '\0';
	if (!model_ident_ok(m->name) || strncmp(m->name, "sqlite_", 7) == 0) {
		model_problem(out, outlen, &used, m->name ? m->name : "?",
		    NULL, "name must be [a-z0-9_] and not start with sqlite_");
		problems++;
	}
	if (m->nfields < 1 || m->nfields > 63 || m->size > sizeof(scratch)) {
		model_problem(out, outlen, &used, m->name, NULL,
		    "bad field count or struct size");
		return problems + 1;
	}
	for (i = 0; i < m->nfields; i++) {
		const struct wk_field *f = &m->fields[i];
		if (!model_ident_ok(f->name)) {
			model_problem(out, outlen, &used, m->name, f->name,
			    "field name must be [a-z0-9_]");
			problems++;
		}
		if (wk_model_field(m, f->name) != f) {
			model_problem(out, outlen, &used, m->name, f->name,
			    "declared twice");
			problems++;
		}
		if (strstr(f->name, "__") != NULL) {
			model_problem(out, outlen, &used, m->name, f->name,
			    "'__' separates lookups; not allowed in names");
			problems++;
		}
		if (f->kind == WK_FIELD_FK && f->to == NULL) {
			model_problem(out, outlen, &used, m->name, f->name,
			    "foreign key without .to");
			problems++;
		}
		if (f->kind == WK_FIELD_FK && f->to != NULL &&
		    wk_model_text_pk(f->to)) {
			model_problem(out, outlen, &used, m->name, f->name,
			    "foreign keys to a model with a text or UUID "
			    "primary key are not supported");
			problems++;
		}
		if ((f->flags & WK_PK) != (i == 0 ? WK_PK : 0u) ||
		    (i == 0 && !(f->kind == WK_FIELD_TEXT ||
		    (f->kind == WK_FIELD_BIGINT && strcmp(f->name, "id") ==
		    0)))) {
			model_problem(out, outlen, &used, m->name, f->name,
			    "the primary key must be the first field: `id` "
			    "(BIGINT) or a text key (WK_MODEL_DEFINE_TEXT_PK, "
			    "WK_MODEL_DEFINE_UUID_PK)");
			problems++;
		}
		if ((f->flags & WK_UUID) && (f->kind != WK_FIELD_TEXT ||
		    (f->max_length != 0 && f->max_length != 36))) {
			model_problem(out, outlen, &used, m->name, f->name,
			    "WK_UUID needs a TEXT field of max_length 36");
			problems++;
		}
		if (i == 0 && f->kind == WK_FIELD_TEXT &&
		    (f->flags & (WK_NULL | WK_BLANK))) {
			model_problem(out, outlen, &used, m->name, f->name,
			    "a text primary key cannot be WK_NULL or WK_BLANK");
			problems++;
		}
		if (f->kind == WK_FIELD_FK && f->on_delete == WK_SET_NULL &&
		    !(f->flags & WK_NULL)) {
			model_problem(out, outlen, &used, m->name, f->name,
			    "on_delete SET_NULL needs WK_NULL");
			problems++;
		}
		if (f->def != NULL) {
			memset(scratch, 0, sizeof(scratch));
			if (model_set_default(f, scratch) != 0) {
				model_problem(out, outlen, &used, m->name,
				    f->name, "default does not parse for the "
				    "field's kind");
				problems++;
			}
		}
	}
	problems += model_check_unique_together(m, out, outlen, &used);
	problems += model_check_m2m(m, out, outlen, &used);
	return problems;
}
