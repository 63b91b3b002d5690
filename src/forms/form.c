/*
 * form.c - cleaning submitted fields, rendering them back, and model forms
 * (see form.h).
 *
 * One table, kind_info, says for each field kind which <input> type it
 * renders as and whether it is text-like (stripped, length-checked); the
 * cleaning code then has one branch per kind with a syntax to check.
 * Rendering goes through wk_buf_append_html for every value that came
 * from a request, an initial value or a declaration.  Fields whose value
 * is a row of another model (WK_FF_MODEL) are looked up and listed by
 * model_choice.c.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wick/db/db.h"
#include "wick/forms/form.h"
#include "wick/http/multipart.h"
#include "wick/db/orm.h"
#include "wick/db/pk.h"
#include "wick/db/unique.h"
#include "wick/forms/validate.h"
#include "wick/http/request.h"
#include "internal.h"

struct kind_info {
	const char *input_type;   /* NULL: not an <input> */
	int textlike;             /* strip, length limits */
};

static const struct kind_info kind_info[WK_FF__MAX] = {
	[WK_FF_TEXT] = { "text", 1 },
	[WK_FF_TEXTAREA] = { NULL, 1 },
	[WK_FF_INT] = { "number", 0 },
	[WK_FF_DECIMAL] = { "number", 0 },
	[WK_FF_EMAIL] = { "email", 1 },
	[WK_FF_URL] = { "url", 1 },
	[WK_FF_SLUG] = { "text", 1 },
	[WK_FF_BOOL] = { "checkbox", 0 },
	[WK_FF_CHOICE] = { NULL, 0 },
	[WK_FF_MULTI] = { NULL, 0 },
	[WK_FF_DATE] = { "date", 0 },
	[WK_FF_DATETIME] = { "datetime-local", 0 },
	[WK_FF_PASSWORD] = { "password", 1 },
	[WK_FF_HIDDEN] = { "hidden", 1 },
	[WK_FF_FILE] = { "file", 0 },
	[WK_FF_MODEL] = { "text", 0 },  /* the raw id box */
};

#define MSG_REQUIRED "This field is required."

/* ---- set-up ----------------------------------------------------------------------- */

static int
field_index(const struct wk_form *f, const char *name, size_t *i)
{
	size_t k;

	if (name == NULL)
		return -1;
	for (k = 0; k < f->def->nfields; k++)
		if (strcmp(f->def->fields[k].name, name) == 0) {
			*i = k;
			return 0;
		}
	return -1;
}

/* see form.h */
int
wk_form_init(struct wk_form *f, const struct wk_form_def *def, wk_arena *a)
{
	size_t i;

	memset(f, 0, sizeof(*f));
	f->def = def;
	f->arena = a;
	f->values = wk_arena_calloc(a, def->nfields ? def->nfields : 1,
	    sizeof(*f->values));
	if (f->values == NULL) {
		f->failed = 1;
		return -1;
	}
	for (i = 0; i < def->nfields; i++)
		f->values[i].raw = def->fields[i].initial;
	return 0;
}

/* see form.h */
int
wk_form_set_initial(struct wk_form *f, const char *name, const char *value)
{
	size_t i;

	if (f->bound || field_index(f, name, &i) != 0)
		return -1;
	if (value != NULL && (value = wk_arena_strdup(f->arena, value)) == NULL)
		return -1;
	f->values[i].raw = value;
	return 0;
}

/* see form.h */
int
wk_form_bind_data(struct wk_form *f, const struct wk_kvlist *data)
{
	size_t i;

	if (f->values == NULL)
		return -1;
	f->data = *data;
	f->bound = 1;
	f->validated = 0;
	f->errors.len = 0;
	for (i = 0; i < f->def->nfields; i++) {
		struct wk_form_value *v = &f->values[i];
		const struct wk_form_field *fd = &f->def->fields[i];
		memset(v, 0, sizeof(*v));
		v->raw = wk_kv_get(data, fd->name);
		if (fd->kind == WK_FF_MULTI) {
			size_t n = wk_kv_get_all(data, fd->name, NULL, 0);
			if (n > 0) {
				v->raw_items = wk_arena_calloc(f->arena, n,
				    sizeof(char *));
				if (v->raw_items == NULL)
					return -1;
				v->nraw_items = wk_kv_get_all(data, fd->name,
				    v->raw_items, n);
			}
		}
	}
	return 0;
}

/* see form.h */
int
wk_form_bind_files(struct wk_form *f, const struct wk_multipart *mp)
{
	size_t i, k;

	if (!f->bound || mp == NULL)
		return -1;
	for (i = 0; i < f->def->nfields; i++) {
		if (f->def->fields[i].kind != WK_FF_FILE)
			continue;
		f->values[i].file = NULL;
		for (k = 0; k < mp->n_parts; k++) {
			const struct wk_multipart_part *p = &mp->parts[k];
			if (strcmp(p->name, f->def->fields[i].name) == 0 &&
			    p->filename != NULL && p->filename[0] != '\0' &&
			    p->path != NULL)
				f->values[i].file = p;
		}
	}
	return 0;
}

/* see form.h */
int
wk_form_bind(struct wk_form *f, const struct wk_request *req)
{
	return wk_form_bind_data(f, &req->post);
}

/* see form.h */
int
wk_form_add_error(struct wk_form *f, const char *name, const char *message)
{
	char *m;
	size_t i;

	if (name != NULL && field_index(f, name, &i) == 0)
		f->values[i].has_error = 1;
	else
		name = WK_FORM_ALL;
	if ((m = wk_arena_strdup(f->arena, message)) == NULL ||
	    wk_kv_add(f->arena, &f->errors, name, m, strlen(m)) != 0) {
		f->failed = 1;
		return -1;
	}
	return 0;
}

/* ---- syntax checks ---------------------------------------------------------------- */

static int
all_digits(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int
parse_int(const char *s, long long *out)
{
	const char *d = s + (s[0] == '-' || s[0] == '+');
	char *end;

	if (!all_digits(d, strlen(d)) || strlen(d) > 19)
		return -1;
	errno = 0;
	*out = strtoll(s, &end, 10);
	return errno == 0 && *end == '\0' ? 0 : -1;
}

static int
parse_decimal(const char *s, double *out)
{
	const char *p = s + (s[0] == '-' || s[0] == '+');
	const char *dot = strchr(p, '.');
	size_t n = strlen(p);
	char *end;

	if (n == 0 || n > 40)
		return -1;
	if (dot == NULL ? !all_digits(p, n) :
	    ((dot > p && !all_digits(p, (size_t)(dot - p))) ||
	    (dot[1] != '\0' && !all_digits(dot + 1, strlen(dot + 1))) ||
	    (dot == p && dot[1] == '\0')))
		return -1;
	errno = 0;
	*out = strtod(s, &end);
	return errno == 0 && *end == '\0' && isfinite(*out) ? 0 : -1;
}

static int
slug_ok(const char *s)
{
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_')
			return 0;
	return 1;
}

static int
date_ok(const char *s, int *y, int *m, int *d)
{
	static const int mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };
	int leap;

	if (strlen(s) < 10 || !all_digits(s, 4) || s[4] != '-' ||
	    !all_digits(s + 5, 2) || s[7] != '-' || !all_digits(s + 8, 2))
		return 0;
	*y = atoi(s);
	*m = (s[5] - '0') * 10 + (s[6] - '0');
	*d = (s[8] - '0') * 10 + (s[9] - '0');
	if (*y < 1 || *m < 1 || *m > 12 || *d < 1 || *d > mdays[*m - 1])
		return 0;
	leap = (*y % 4 == 0 && *y % 100 != 0) || *y % 400 == 0;
	return !(*m == 2 && *d == 29 && !leap);
}

/* "YYYY-MM-DD[T ]HH:MM[:SS][Z]" -> "YYYY-MM-DDTHH:MM:SSZ" in out[21]. */
static int
datetime_ok(const char *s, char *out)
{
	int y, mo, d, hh, mm, ss = 0;
	size_t n = strlen(s);

	if (!date_ok(s, &y, &mo, &d) || n < 16 || (s[10] != 'T' &&
	    s[10] != ' ') || !all_digits(s + 11, 2) || s[13] != ':' ||
	    !all_digits(s + 14, 2))
		return 0;
	hh = atoi(s + 11);
	mm = atoi(s + 14);
	if (n >= 19 && s[16] == ':' && all_digits(s + 17, 2)) {
		ss = atoi(s + 17);
		s += 19;
	} else {
		s += 16;
	}
	if (*s == 'Z')
		s++;
	if (*s != '\0' || hh > 23 || mm > 59 || ss > 59)
		return 0;
	return snprintf(out, 21, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, d,
	    hh, mm, ss) == 20;
}

static int
in_choices(const struct wk_choice *c, const char *v)
{
	for (; c != NULL && c->value != NULL; c++)
		if (strcmp(c->value, v) == 0)
			return 1;
	return 0;
}

/* Strip surrounding ASCII whitespace into an arena copy. */
static const char *
strip(wk_arena *a, const char *s)
{
	const char *e;

	while (*s && isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	return wk_arena_strndup(a, s, (size_t)(e - s));
}

/* ---- cleaning ------------------------------------------------------------------- */

static const char *
fmt_msg(struct wk_form *f, int upper, double x)
{
	char num[40];
	const char *m;

	if (x == floor(x) && fabs(x) < 1e15)
		(void)snprintf(num, sizeof(num), "%.0f", x);
	else
		(void)snprintf(num, sizeof(num), "%g", x);
	m = upper ? wk_arena_printf(f->arena, "Ensure this value is less "
	    "than or equal to %s.", num) : wk_arena_printf(f->arena, "Ensure "
	    "this value is greater than or equal to %s.", num);
	return m != NULL ? m : "Invalid value.";
}

static const char *
clean_range(struct wk_form *f, const struct wk_form_field *fd, double x)
{
	if ((fd->flags & WK_FF_HAS_MIN) && x < fd->min_value)
		return fmt_msg(f, 0, fd->min_value);
	if ((fd->flags & WK_FF_HAS_MAX) && x > fd->max_value)
		return fmt_msg(f, 1, fd->max_value);
	return NULL;
}

static const char *
clean_multi(struct wk_form *f, const struct wk_form_field *fd,
    struct wk_form_value *v)
{
	size_t i;

	if (v->nraw_items == 0)
		return (fd->flags & WK_FF_OPTIONAL) ? NULL : MSG_REQUIRED;
	v->items = v->raw_items;
	v->nitems = v->nraw_items;
	for (i = 0; i < v->nraw_items; i++)
		if (!in_choices(fd->choices, v->raw_items[i])) {
			const char *m = wk_arena_printf(f->arena, "Select a "
			    "valid choice. %s is not one of the available "
			    "choices.", v->raw_items[i]);
			return m != NULL ? m : "Select a valid choice.";
		}
	return NULL;
}

static const char *
clean_file(struct wk_form *f, const struct wk_form_field *fd,
    struct wk_form_value *v)
{
	const struct wk_multipart_part *p = v->file;
	const char *m;

	v->text = NULL;
	if (p == NULL)
		return (fd->flags & WK_FF_OPTIONAL) ? NULL : MSG_REQUIRED;
	if (p->size == 0)
		return "The submitted file is empty.";
	if (fd->max_length > 0 && p->size > fd->max_length) {
		m = wk_arena_printf(f->arena, "Ensure this file has at most "
		    "%zu bytes (it has %zu).", fd->max_length, p->size);
		return m != NULL ? m : "The submitted file is too large.";
	}
	v->text = p->filename;
	return NULL;
}

/* Clean one field: the error message, or NULL. */
static const char *
clean_field(struct wk_form *f, const struct wk_form_field *fd,
    struct wk_form_value *v)
{
	const char *s = v->raw != NULL ? v->raw : "";
	char dt[21];
	int y, m, d;

	if (fd->kind == WK_FF_MULTI)
		return clean_multi(f, fd, v);
	if (fd->kind == WK_FF_FILE)
		return clean_file(f, fd, v);
	if (fd->kind == WK_FF_BOOL) {
		v->i = !(s[0] == '\0' || strcmp(s, "0") == 0 ||
		    strcmp(s, "false") == 0 || strcmp(s, "False") == 0 ||
		    strcmp(s, "off") == 0);
		v->r = (double)v->i;
		v->text = v->i ? "1" : "0";
		if (!v->i && (fd->flags & WK_FF_REQUIRED_TRUE))
			return MSG_REQUIRED;
		return NULL;
	}
	if (fd->kind != WK_FF_PASSWORD && !(fd->flags & WK_FF_NO_STRIP)) {
		if ((s = strip(f->arena, s)) == NULL) {
			f->failed = 1;
			return MSG_REQUIRED;
		}
	}
	if (s[0] == '\0') {
		v->text = NULL;
		return (fd->flags & WK_FF_OPTIONAL) ? NULL : MSG_REQUIRED;
	}
	v->text = s;
	if (kind_info[fd->kind].textlike) {
		size_t n = wk_utf8_len(s, strlen(s));
		if (fd->max_length > 0 && n > fd->max_length) {
			const char *msg = wk_arena_printf(f->arena, "Ensure "
			    "this value has at most %zu characters (it has "
			    "%zu).", fd->max_length, n);
			return msg != NULL ? msg : "Too long.";
		}
		if (n < fd->min_length) {
			const char *msg = wk_arena_printf(f->arena, "Ensure "
			    "this value has at least %zu characters (it has "
			    "%zu).", fd->min_length, n);
			return msg != NULL ? msg : "Too short.";
		}
	}
	switch (fd->kind) {
	case WK_FF_INT:
		if (parse_int(s, &v->i) != 0)
			return "Enter a whole number.";
		v->r = (double)v->i;
		return clean_range(f, fd, v->r);
	case WK_FF_DECIMAL:
		if (parse_decimal(s, &v->r) != 0)
			return "Enter a number.";
		return clean_range(f, fd, v->r);
	case WK_FF_EMAIL:
		/* Django's rules: src/forms/validate.c. */
		return wk_valid_email(s, strlen(s)) ? NULL :
		    "Enter a valid email address.";
	case WK_FF_URL:
		return wk_valid_url(s, strlen(s)) ? NULL : "Enter a valid URL.";
	case WK_FF_SLUG:
		return slug_ok(s) ? NULL : "Enter a valid \xe2\x80\x9cslug\xe2"
		    "\x80\x9d consisting of letters, numbers, underscores or "
		    "hyphens.";
	case WK_FF_CHOICE:
		if (!in_choices(fd->choices, s)) {
			const char *msg = wk_arena_printf(f->arena, "Select a "
			    "valid choice. %s is not one of the available "
			    "choices.", s);
			return msg != NULL ? msg : "Select a valid choice.";
		}
		return NULL;
	case WK_FF_DATE:
		if (strlen(s) != 10 || !date_ok(s, &y, &m, &d))
			return "Enter a valid date.";
		return NULL;
	case WK_FF_MODEL:
		return form_model_clean(f->arena, fd, v, s, &f->failed);
	case WK_FF_DATETIME:
		if (!datetime_ok(s, dt))
			return "Enter a valid date/time.";
		if ((v->text = wk_arena_strdup(f->arena, dt)) == NULL)
			f->failed = 1;
		return NULL;
	default:
		return NULL;
	}
}

/* see form.h */
int
wk_form_is_valid(struct wk_form *f)
{
	size_t i;

	if (!f->bound || f->values == NULL)
		return -1;
	if (f->validated)
		return f->failed ? -1 : f->errors.len == 0;
	f->validated = 1;
	for (i = 0; i < f->def->nfields; i++) {
		const struct wk_form_field *fd = &f->def->fields[i];
		struct wk_form_value *v = &f->values[i];
		const char *msg = clean_field(f, fd, v);
		if (msg == NULL && fd->validate != NULL &&
		    (v->text != NULL || v->nitems > 0))
			msg = fd->validate(f, fd, v->text);
		if (msg != NULL)
			(void)wk_form_add_error(f, fd->name, msg);
	}
	if (f->def->clean != NULL && f->def->clean(f) != 0)
		f->failed = 1;
	if (f->failed)
		return -1;
	return f->errors.len == 0;
}

/* ---- reading values ------------------------------------------------------------- */

/* see form.h */
const struct wk_form_field *
wk_form_field(const struct wk_form *f, const char *name)
{
	size_t i;

	return field_index(f, name, &i) == 0 ? &f->def->fields[i] : NULL;
}

/* see form.h */
const struct wk_form_value *
wk_form_get(const struct wk_form *f, const char *name)
{
	size_t i;

	return field_index(f, name, &i) == 0 ? &f->values[i] : NULL;
}

/* see form.h */
const char *
wk_form_text(const struct wk_form *f, const char *name)
{
	const struct wk_form_value *v = wk_form_get(f, name);

	return v != NULL ? v->text : NULL;
}

/* see form.h */
long long
wk_form_int(const struct wk_form *f, const char *name)
{
	const struct wk_form_value *v = wk_form_get(f, name);

	return v != NULL ? v->i : 0;
}

/* see form.h */
double
wk_form_real(const struct wk_form *f, const char *name)
{
	const struct wk_form_value *v = wk_form_get(f, name);

	return v != NULL ? v->r : 0.0;
}

/* see form.h */
int
wk_form_bool(const struct wk_form *f, const char *name)
{
	return wk_form_int(f, name) != 0;
}

/* see form.h */
const char *
wk_form_label(struct wk_form *f, const struct wk_form_field *fd)
{
	char *l;
	size_t i;

	if (fd->label != NULL)
		return fd->label;
	if ((l = wk_arena_strdup(f->arena, fd->name)) == NULL)
		return fd->name;
	for (i = 0; l[i]; i++)
		if (l[i] == '_')
			l[i] = ' ';
	l[0] = (char)toupper((unsigned char)l[0]);
	return l;
}

/* ---- HTML ------------------------------------------------------------------------- */

static void
html(wk_buf *b, const char *s)
{
	if (s != NULL)
		wk_buf_append_html(b, s, strlen(s));
}

/* see form.h */
int
wk_form_render_label(struct wk_form *f, const char *name, wk_buf *out)
{
	const struct wk_form_field *fd = wk_form_field(f, name);

	if (fd == NULL)
		return -1;
	if (fd->kind == WK_FF_HIDDEN)
		return 0;
	wk_buf_puts(out, "<label for=\"id_");
	html(out, fd->name);
	wk_buf_puts(out, "\">");
	html(out, wk_form_label(f, fd));
	wk_buf_puts(out, ":</label>");
	return out->failed ? -1 : 0;
}

static int
multi_selected(const struct wk_form_value *v, const char *value)
{
	size_t i;

	for (i = 0; i < v->nraw_items; i++)
		if (strcmp(v->raw_items[i], value) == 0)
			return 1;
	return 0;
}

static void
render_select(wk_buf *out, const struct wk_form_field *fd,
    const struct wk_form_value *v, int bound)
{
	const struct wk_choice *c;

	wk_buf_puts(out, "<select name=\"");
	html(out, fd->name);
	wk_buf_puts(out, "\" id=\"id_");
	html(out, fd->name);
	wk_buf_putc(out, '"');
	if (fd->kind == WK_FF_MULTI)
		wk_buf_puts(out, " multiple");
	if (!(fd->flags & WK_FF_OPTIONAL))
		wk_buf_puts(out, " required");
	wk_buf_puts(out, ">");
	if (fd->kind == WK_FF_CHOICE && (fd->flags & WK_FF_OPTIONAL))
		wk_buf_puts(out, "<option value=\"\">---------</option>");
	for (c = fd->choices; c != NULL && c->value != NULL; c++) {
		int sel = fd->kind == WK_FF_MULTI ? (bound &&
		    multi_selected(v, c->value)) : (v->raw != NULL &&
		    strcmp(v->raw, c->value) == 0);
		wk_buf_puts(out, "<option value=\"");
		html(out, c->value);
		wk_buf_puts(out, sel ? "\" selected>" : "\">");
		html(out, c->label != NULL ? c->label : c->value);
		wk_buf_puts(out, "</option>");
	}
	wk_buf_puts(out, "</select>");
}

static void
render_number_attrs(wk_buf *out, const struct wk_form_field *fd)
{
	if (fd->kind == WK_FF_DECIMAL)
		wk_buf_puts(out, " step=\"any\"");
	if (fd->flags & WK_FF_HAS_MIN)
		wk_buf_printf(out, " min=\"%.17g\"", fd->min_value);
	if (fd->flags & WK_FF_HAS_MAX)
		wk_buf_printf(out, " max=\"%.17g\"", fd->max_value);
}

/* see form.h */
int
wk_form_render_widget(struct wk_form *f, const char *name, wk_buf *out)
{
	const struct wk_form_field *fd;
	const struct wk_form_value *v;
	const char *type, *value;
	size_t i;

	if (field_index(f, name, &i) != 0)
		return -1;
	fd = &f->def->fields[i];
	v = &f->values[i];
	value = v->raw;
	if (fd->kind == WK_FF_CHOICE || fd->kind == WK_FF_MULTI) {
		render_select(out, fd, v, f->bound);
		return out->failed ? -1 : 0;
	}
	if (fd->kind == WK_FF_MODEL)
		return form_model_render(f->arena, fd, v, out) != 0 ||
		    out->failed ? -1 : 0;
	if (fd->kind == WK_FF_TEXTAREA) {
		wk_buf_puts(out, "<textarea name=\"");
		html(out, fd->name);
		wk_buf_puts(out, "\" id=\"id_");
		html(out, fd->name);
		wk_buf_puts(out, "\" cols=\"40\" rows=\"10\"");
		if (fd->max_length > 0)
			wk_buf_printf(out, " maxlength=\"%zu\"", fd->max_length);
		if (!(fd->flags & WK_FF_OPTIONAL))
			wk_buf_puts(out, " required");
		wk_buf_puts(out, ">\n");
		html(out, value);
		wk_buf_puts(out, "</textarea>");
		return out->failed ? -1 : 0;
	}
	type = kind_info[fd->kind].input_type;
	wk_buf_printf(out, "<input type=\"%s\" name=\"", type);
	html(out, fd->name);
	wk_buf_puts(out, "\" id=\"id_");
	html(out, fd->name);
	wk_buf_putc(out, '"');
	if (fd->kind == WK_FF_BOOL) {
		if (value != NULL && value[0] != '\0' && strcmp(value, "0") &&
		    strcmp(value, "false") && strcmp(value, "off"))
			wk_buf_puts(out, " checked");
		if (fd->flags & WK_FF_REQUIRED_TRUE)
			wk_buf_puts(out, " required");
		wk_buf_puts(out, ">");
		return out->failed ? -1 : 0;
	}
	if (fd->kind != WK_FF_PASSWORD && fd->kind != WK_FF_FILE &&
	    value != NULL && value[0] != '\0') {
		wk_buf_puts(out, " value=\"");
		if (fd->kind == WK_FF_DATETIME && strlen(value) == 20 &&
		    value[19] == 'Z')
			wk_buf_append_html(out, value, 19);
		else
			html(out, value);
		wk_buf_putc(out, '"');
	}
	if (kind_info[fd->kind].textlike && fd->max_length > 0)
		wk_buf_printf(out, " maxlength=\"%zu\"", fd->max_length);
	if (fd->kind == WK_FF_INT || fd->kind == WK_FF_DECIMAL)
		render_number_attrs(out, fd);
	if (fd->kind == WK_FF_PASSWORD)
		wk_buf_puts(out, " autocomplete=\"current-password\"");
	if (!(fd->flags & WK_FF_OPTIONAL) && fd->kind != WK_FF_HIDDEN)
		wk_buf_puts(out, " required");
	wk_buf_puts(out, ">");
	return out->failed ? -1 : 0;
}

static int
render_error_list(struct wk_form *f, const char *key, wk_buf *out,
    const char *cls)
{
	size_t i, n = 0;

	for (i = 0; i < f->errors.len; i++) {
		if (strcmp(f->errors.items[i].name, key) != 0)
			continue;
		if (n++ == 0)
			wk_buf_printf(out, "<ul class=\"%s\">", cls);
		wk_buf_puts(out, "<li>");
		html(out, f->errors.items[i].value);
		wk_buf_puts(out, "</li>");
	}
	if (n > 0)
		wk_buf_puts(out, "</ul>");
	return out->failed ? -1 : 0;
}

/* see form.h */
int
wk_form_render_errors(struct wk_form *f, const char *name, wk_buf *out)
{
	if (name == NULL)
		return render_error_list(f, WK_FORM_ALL, out,
		    "errorlist nonfield");
	return render_error_list(f, name, out, "errorlist");
}

/* see form.h */
int
wk_form_render_p(struct wk_form *f, wk_buf *out)
{
	size_t i;

	if (wk_form_render_errors(f, NULL, out) != 0)
		return -1;
	for (i = 0; i < f->def->nfields; i++) {
		const struct wk_form_field *fd = &f->def->fields[i];
		if (wk_form_render_errors(f, fd->name, out) != 0)
			return -1;
		wk_buf_puts(out, "<p>");
		if (wk_form_render_label(f, fd->name, out) != 0)
			return -1;
		wk_buf_putc(out, ' ');
		if (wk_form_render_widget(f, fd->name, out) != 0)
			return -1;
		if (fd->help_text != NULL) {
			wk_buf_puts(out, " <span class=\"helptext\">");
			html(out, fd->help_text);
			wk_buf_puts(out, "</span>");
		}
		wk_buf_puts(out, "</p>\n");
	}
	return out->failed ? -1 : 0;
}

/* ---- the form as a template value ------------------------------------------------- */

struct bound_field {
	struct wk_form *form;
	size_t i;
};

static int
name_is(const char *name, size_t len, const char *want)
{
	return strlen(want) == len && memcmp(name, want, len) == 0;
}

typedef int (*render_fn)(struct wk_form *f, const char *name, wk_buf *out);

static int
safe_render(struct wk_form *f, const char *name, render_fn fn, wk_arena *a,
    struct wk_value *out)
{
	wk_buf b;

	wk_buf_init(&b, a);
	wk_buf_append(&b, "", 0);
	if (fn(f, name, &b) != 0 || b.failed)
		return -1;
	*out = wk_val_safen(b.data, b.len);
	return 0;
}

static int
field_get(const void *self, const char *name, size_t len, wk_arena *a,
    struct wk_value *out)
{
	const struct bound_field *bf = self;
	struct wk_form *f = bf->form;
	const struct wk_form_field *fd = &f->def->fields[bf->i];
	const struct wk_form_value *v = &f->values[bf->i];

	if (name_is(name, len, "widget"))
		return safe_render(f, fd->name, wk_form_render_widget, a, out);
	if (name_is(name, len, "label_tag"))
		return safe_render(f, fd->name, wk_form_render_label, a, out);
	if (name_is(name, len, "errors"))
		return safe_render(f, fd->name, wk_form_render_errors, a, out);
	if (name_is(name, len, "label"))
		*out = wk_val_str(wk_form_label(f, fd));
	else if (name_is(name, len, "name") || name_is(name, len,
	    "html_name"))
		*out = wk_val_str(fd->name);
	else if (name_is(name, len, "id_for_label")) {
		const char *id = wk_arena_printf(a, "id_%s", fd->name);
		if (id == NULL)
			return -1;
		*out = wk_val_str(id);
	} else if (name_is(name, len, "help_text"))
		*out = wk_val_str(fd->help_text);
	else if (name_is(name, len, "value"))
		*out = fd->kind == WK_FF_PASSWORD ? wk_val_null() :
		    wk_val_str(v->raw);
	else if (name_is(name, len, "is_hidden"))
		*out = wk_val_bool(fd->kind == WK_FF_HIDDEN);
	else if (name_is(name, len, "has_errors"))
		*out = wk_val_bool(v->has_error);
	else
		return 1;
	return 0;
}

static int
field_str(const void *self, wk_buf *out)
{
	const struct bound_field *bf = self;

	return wk_form_render_widget(bf->form,
	    bf->form->def->fields[bf->i].name, out);
}

static const struct wk_object_ops field_ops = {
	"BoundField", field_get, NULL, NULL, field_str
};

static int
field_value(struct wk_form *f, size_t i, wk_arena *a, struct wk_value *out)
{
	struct bound_field *bf = wk_arena_alloc(a, sizeof(*bf));

	if (bf == NULL)
		return -1;
	bf->form = f;
	bf->i = i;
	*out = wk_val_object(&field_ops, bf);
	return 0;
}

static int
nonfield_render(struct wk_form *f, const char *name, wk_buf *out)
{
	(void)name;
	return wk_form_render_errors(f, NULL, out);
}

static int
p_render(struct wk_form *f, const char *name, wk_buf *out)
{
	(void)name;
	return wk_form_render_p(f, out);
}

static int
form_get(const void *self, const char *name, size_t len, wk_arena *a,
    struct wk_value *out)
{
	struct wk_form *f = (struct wk_form *)(uintptr_t)self;
	size_t i;

	for (i = 0; i < f->def->nfields; i++)
		if (name_is(name, len, f->def->fields[i].name))
			return field_value(f, i, a, out);
	if (name_is(name, len, "non_field_errors"))
		return safe_render(f, NULL, nonfield_render, a, out);
	if (name_is(name, len, "as_p"))
		return safe_render(f, NULL, p_render, a, out);
	if (name_is(name, len, "is_bound")) {
		*out = wk_val_bool(f->bound);
		return 0;
	}
	if (name_is(name, len, "errors")) {
		*out = wk_val_bool(f->errors.len > 0);
		return 0;
	}
	return 1;
}

static size_t
form_len(const void *self)
{
	const struct wk_form *f = self;

	return f->def->nfields;
}

static int
form_item(const void *self, size_t i, wk_arena *a, struct wk_value *out)
{
	struct wk_form *f = (struct wk_form *)(uintptr_t)self;

	if (i >= f->def->nfields)
		return 1;
	return field_value(f, i, a, out);
}

static const struct wk_object_ops form_ops = {
	"Form", form_get, form_len, form_item, NULL
};

/* see form.h */
struct wk_value
wk_form_value(struct wk_form *f)
{
	return wk_val_object(&form_ops, f);
}

/* ---- model forms -------------------------------------------------------------------- */

static enum wk_form_kind
model_kind(const struct wk_field *mf)
{
	if (mf->kind == WK_FIELD_FK)
		return WK_FF_MODEL;
	if (mf->choices != NULL)
		return WK_FF_CHOICE;
	switch (mf->kind) {
	case WK_FIELD_INT:
	case WK_FIELD_BIGINT:
		return WK_FF_INT;
	case WK_FIELD_REAL:
		return WK_FF_DECIMAL;
	case WK_FIELD_BOOL:
		return WK_FF_BOOL;
	case WK_FIELD_DATE:
		return WK_FF_DATE;
	case WK_FIELD_DATETIME:
		return WK_FF_DATETIME;
	case WK_FIELD_TEXT:
		return mf->max_length > 0 ? WK_FF_TEXT : WK_FF_TEXTAREA;
	default:
		return WK_FF__MAX;
	}
}

/* The text form of field mf of obj, for initial values; NULL if null. */
static const char *
model_text(wk_arena *a, const struct wk_model *m, const struct wk_field *mf,
    const void *obj)
{
	struct wk_value v;
	const char *p;
	size_t n;

	if (wk_model_is_null(m, mf, obj))
		return NULL;
	v = wk_orm_field_value(m, mf, obj);
	if (v.kind == WK_VAL_NULL)
		return NULL;
	if (v.kind == WK_VAL_BOOL)
		return v.u.b ? "1" : "0";
	if (wk_value_text(&v, a, &p, &n) != 0)
		return NULL;
	return wk_arena_strndup(a, p, n);
}

/* see form.h */
int
wk_model_form_init(struct wk_model_form *mf, wk_arena *a,
    const struct wk_model *m, const char *const *fields, void *instance)
{
	size_t n;

	memset(mf, 0, sizeof(*mf));
	mf->model = m;
	mf->is_new = instance == NULL;
	if (instance == NULL) {
		if ((instance = wk_arena_alloc(a, m->size)) == NULL ||
		    wk_model_init(m, instance) != 0)
			return -1;
	}
	mf->obj = instance;
	for (n = 0; fields[n] != NULL; n++) {
		const struct wk_field *f = wk_model_field(m, fields[n]);
		struct wk_form_field *ff = &mf->fields[n];
		if (n >= WK_MODEL_FORM_MAX || f == NULL || (f->flags & WK_PK) ||
		    model_kind(f) == WK_FF__MAX)
			return -1;
		mf->mfields[n] = f;
		ff->name = f->name;
		ff->kind = model_kind(f);
		ff->label = wk_field_label(f);
		if (ff->label != NULL && ff->label == f->name)
			ff->label = NULL;
		if (ff->label != NULL && ff->label[0] >= 'a' &&
		    ff->label[0] <= 'z') {
			char *l = wk_arena_strdup(a, ff->label);
			if (l == NULL)
				return -1;
			l[0] = (char)(l[0] - 'a' + 'A');
			ff->label = l;
		}
		ff->help_text = f->help_text;
		ff->choices = f->choices;
		if (f->kind == WK_FIELD_FK) {
			ff->model = f->to;
			if (f->flags & WK_RAW_ID)
				ff->flags |= WK_FF_RAW_ID;
		}
		if (f->kind == WK_FIELD_TEXT && f->max_length > 0)
			ff->max_length = (size_t)f->max_length;
		if ((f->flags & (WK_NULL | WK_BLANK)) ||
		    f->kind == WK_FIELD_BOOL)
			ff->flags |= WK_FF_OPTIONAL;
	}
	mf->def.fields = mf->fields;
	mf->def.nfields = n;
	if (wk_form_init(&mf->form, &mf->def, a) != 0)
		return -1;
	for (n = 0; n < mf->def.nfields; n++) {
		const char *t = model_text(a, m, mf->mfields[n], mf->obj);
		/* ids start at 1: a zeroed link is no link yet */
		if (mf->mfields[n]->kind == WK_FIELD_FK && t != NULL &&
		    strcmp(t, "0") == 0)
			t = NULL;
		mf->form.values[n].raw = t;
	}
	return 0;
}

/* see form.h */
int
wk_model_form_raw_id(struct wk_model_form *mf, const char *name)
{
	size_t i;

	for (i = 0; i < mf->def.nfields; i++)
		if (mf->mfields[i]->kind == WK_FIELD_FK &&
		    strcmp(mf->fields[i].name, name) == 0) {
			mf->fields[i].flags |= WK_FF_RAW_ID;
			return 0;
		}
	return -1;
}

/* Write the cleaned value of form field i into the object. */
static void
model_store(struct wk_model_form *mf, size_t i)
{
	const struct wk_field *f = mf->mfields[i];
	const struct wk_form_value *v = &mf->form.values[i];
	char *base = mf->obj;
	uint64_t *nulls = (uint64_t *)(void *)(base + mf->model->nulls_offset);
	uint64_t bit = (uint64_t)1 << wk_model_index(mf->model, f);
	int empty = v->text == NULL;

	if (empty && (f->flags & WK_NULL))
		*nulls |= bit;
	else
		*nulls &= ~bit;
	switch (f->kind) {
	case WK_FIELD_INT:
		*(int *)(void *)(base + f->offset) = (int)v->i;
		break;
	case WK_FIELD_BIGINT:
		*(long long *)(void *)(base + f->offset) = v->i;
		break;
	case WK_FIELD_FK:
		*(long long *)(void *)(base + f->offset) = empty ? 0 : v->i;
		*(const void **)(void *)(base + f->rel_offset) = empty ? NULL :
		    v->row;
		break;
	case WK_FIELD_REAL:
		*(double *)(void *)(base + f->offset) = v->r;
		break;
	case WK_FIELD_BOOL:
		*(int *)(void *)(base + f->offset) = v->i != 0;
		break;
	default:
		*(const char **)(void *)(base + f->offset) = empty ?
		    ((f->flags & WK_NULL) ? NULL : "") : v->text;
		break;
	}
}

/* see form.h */
int
wk_model_form_is_valid(struct wk_model_form *mf)
{
	size_t i;
	int ok = wk_form_is_valid(&mf->form);

	if (ok != 1)
		return ok;
	for (i = 0; i < mf->def.nfields; i++) {
		if (mf->form.values[i].has_error)
			continue;
		model_store(mf, i);
		if (mf->form.values[i].text != NULL || mf->def.fields[i].kind ==
		    WK_FF_BOOL) {
			const char *msg = wk_model_validate_field(mf->model,
			    mf->mfields[i], mf->obj);
			if (msg != NULL && wk_form_add_error(&mf->form,
			    mf->fields[i].name, msg) != 0)
				return -1;
		}
	}
	return mf->form.errors.len == 0;
}

static int
unique_error(struct wk_model_form *mf, size_t i)
{
	const char *mname = mf->model->verbose_name != NULL ?
	    mf->model->verbose_name : mf->model->name;
	const char *msg = wk_arena_printf(mf->form.arena, "%c%s with this %s "
	    "already exists.", toupper((unsigned char)mname[0]), mname + 1,
	    wk_form_label(&mf->form, &mf->fields[i]));

	if (msg == NULL || wk_form_add_error(&mf->form, mf->fields[i].name,
	    msg) != 0)
		return WK_DB_NOMEM;
	return WK_DB_INVALID;
}

/*
 * The database refused a link (its row was deleted after cleaning): the
 * foreign keys whose row is gone get the choice error, WK_DB_INVALID.
 * st when none is (the constraint was someone else's).
 */
static int
fk_gone(struct wk_model_form *mf, int st)
{
	size_t i;
	int bad = 0, yes;

	for (i = 0; i < mf->def.nfields; i++) {
		const struct wk_field *f = mf->mfields[i];
		if (f->kind != WK_FIELD_FK ||
		    wk_model_is_null(mf->model, f, mf->obj))
			continue;
		yes = form_model_exists(mf->form.arena, f->to, *(const long long *)
		    (const void *)((const char *)mf->obj + f->offset));
		if (yes < 0)
			return WK_DB_ERROR;
		if (yes == 0) {
			if (wk_form_add_error(&mf->form, mf->fields[i].name,
			    FORM_MSG_INVALID_CHOICE) != 0)
				return WK_DB_NOMEM;
			bad = 1;
		}
	}
	return bad ? WK_DB_INVALID : st;
}

/* Django's unique_together check (unique.h): each clash a form error. */
static int
unique_together_errors(struct wk_model_form *mf, int *bad)
{
	struct wk_kvlist errs = { 0 };
	size_t i;
	int st, n = 0;

	if (mf->model->unique_together == NULL)
		return WK_DB_OK;
	st = wk_orm_validate_unique(mf->form.arena, mf->model, mf->obj,
	    WK_UNIQUE_CHECK_TOGETHER, &errs, &n);
	if (st != WK_DB_OK)
		return st;
	for (i = 0; i < errs.len; i++)
		if (wk_form_add_error(&mf->form, NULL, errs.items[i].value) != 0)
			return WK_DB_NOMEM;
	if (n > 0)
		*bad = 1;
	return WK_DB_OK;
}

/* see form.h */
int
wk_model_form_save(struct wk_model_form *mf)
{
	const char *detail;
	size_t i;
	int st, bad = 0;

	/* Django's validate_unique: ask first, for a friendly message. */
	for (i = 0; i < mf->def.nfields; i++) {
		const struct wk_field *f = mf->mfields[i];
		struct wk_query q;
		int yes = 0;
		if (!(f->flags & WK_UNIQUE) ||
		    wk_model_is_null(mf->model, f, mf->obj))
			continue;
		wk_q_init(&q, mf->form.arena, mf->model);
		wk_q_filter(&q, f->name, wk_orm_field_value(mf->model, f,
		    mf->obj));
		if (!mf->is_new)  /* "id", or a text key (pk.h) */
			wk_q_exclude(&q, mf->model->fields[0].name,
			    wk_orm_pk_value(mf->model, mf->obj));
		if ((st = wk_q_exists(&q, &yes)) != WK_DB_OK)
			return st;
		if (yes) {
			if ((st = unique_error(mf, i)) != WK_DB_INVALID)
				return st;
			bad = 1;
		}
	}
	if ((st = unique_together_errors(mf, &bad)) != WK_DB_OK)
		return st;
	if (bad)
		return WK_DB_INVALID;
	st = mf->is_new ? wk_orm_create(mf->model, mf->obj) :
	    wk_orm_save(mf->model, mf->obj);
	if (st != WK_DB_CONSTRAINT)
		return st;
	if (mf->model->unique_together != NULL) {
		/* A race on a unique-together index: the other row is
		 * committed now, so asking again finds it. */
		int again = 0;
		if (unique_together_errors(mf, &again) == WK_DB_OK && again)
			return WK_DB_INVALID;
	}
	detail = wk_db_last_error();
	if (strstr(detail, "FOREIGN KEY") != NULL)
		return fk_gone(mf, st);
	/* A race: SQLite says "UNIQUE constraint failed: table.field". */
	for (i = 0; i < mf->def.nfields; i++) {
		const char *col = wk_arena_printf(mf->form.arena, "%s.%s",
		    mf->model->name, mf->mfields[i]->name);
		const char *hit = col != NULL ? strstr(detail, col) : NULL;
		if (hit != NULL && strstr(detail, "UNIQUE") != NULL) {
			char after = hit[strlen(col)];
			if (after == '\0' || after == ',' || after == ' ' ||
			    after == ')' || after == '\n')
				return unique_error(mf, i);
		}
	}
	return st;
}
