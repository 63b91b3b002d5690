/*
 * model_choice.c - a form field whose value is a row of another model
 * (WK_FF_MODEL, Django's ModelChoiceField; what a model form makes of a
 * foreign key): the lookup that cleans it, and the <select> or raw id
 * box that shows it.  See form.h.
 *
 * The only file of src/forms that reads rows.  Ids reach SQL as bound
 * parameters (wk_q_filter); every label and submitted value written into
 * the HTML is escaped.  The <select> lists at most WK_FORM_SELECT_MAX
 * rows: one row more and the field is shown as a raw id box instead,
 * which costs no separate count query.
 */
#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include "wick/core/log.h"
#include "wick/db/db.h"
#include "wick/db/orm.h"
#include "internal.h"

/* The id in raw (surrounding ASCII whitespace allowed): digits only, at
 * most 18 of them, not 0.  0 and *id set, or -1. */
static int
parse_id(const char *raw, long long *id)
{
	const char *e;
	long long v = 0;

	if (raw == NULL)
		return -1;
	while (*raw != '\0' && isspace((unsigned char)*raw))
		raw++;
	e = raw + strlen(raw);
	while (e > raw && isspace((unsigned char)e[-1]))
		e--;
	if (e == raw || e - raw > 18)
		return -1;
	for (; raw < e; raw++) {
		if (*raw < '0' || *raw > '9')
			return -1;
		v = v * 10 + (*raw - '0');
	}
	if (v < 1)
		return -1;
	*id = v;
	return 0;
}

/* Row id of m into *row: WK_DB_OK, WK_DB_NOT_FOUND or an error. */
static int
get_row(wk_arena *a, const struct wk_model *m, long long id, void **row)
{
	struct wk_query q;

	wk_q_init(&q, a, m);
	wk_q_filter(&q, "id", wk_val_int(id));
	return wk_q_get(&q, row);
}

/* see internal.h */
int
form_model_exists(wk_arena *a, const struct wk_model *m, long long id)
{
	void *row;
	int st = get_row(a, m, id, &row);

	if (st == WK_DB_OK)
		return 1;
	return st == WK_DB_NOT_FOUND ? 0 : -1;
}

/* see internal.h */
const char *
form_model_clean(wk_arena *a, const struct wk_form_field *fd,
    struct wk_form_value *v, const char *s, int *failed)
{
	void *row;
	long long id;
	int st;

	v->row = NULL;
	if (fd->model == NULL || parse_id(s, &id) != 0)
		return FORM_MSG_INVALID_CHOICE;
	st = get_row(a, fd->model, id, &row);
	if (st == WK_DB_NOT_FOUND)
		return FORM_MSG_INVALID_CHOICE;
	if (st != WK_DB_OK) {
		wk_log(NULL, WK_LOG_ERROR, "form field %s: looking up %s %lld: "
		    "%s", fd->name, fd->model->name, id, wk_db_last_error());
		*failed = 1;
		return FORM_MSG_INVALID_CHOICE;
	}
	v->i = id;
	v->r = (double)id;
	v->row = row;
	return NULL;
}

static void
html(wk_buf *b, const char *s)
{
	if (s != NULL)
		wk_buf_append_html(b, s, strlen(s));
}

/* `<TAG name="NAME" id="id_NAME"` */
static void
open_tag(wk_buf *out, const char *tag, const struct wk_form_field *fd)
{
	wk_buf_printf(out, "<%s name=\"", tag);
	html(out, fd->name);
	wk_buf_puts(out, "\" id=\"id_");
	html(out, fd->name);
	wk_buf_putc(out, '"');
}

/* The text box of the id, then the label of the row it names (Django's
 * ForeignKeyRawIdWidget, without the pop-up lookup). */
static int
render_raw(wk_arena *a, const struct wk_form_field *fd,
    const struct wk_form_value *v, wk_buf *out)
{
	const char *label;
	long long id;
	void *row;
	int st;

	open_tag(out, "input type=\"text\"", fd);
	if (v->raw != NULL && v->raw[0] != '\0') {
		wk_buf_puts(out, " value=\"");
		html(out, v->raw);
		wk_buf_putc(out, '"');
	}
	wk_buf_puts(out, " class=\"vForeignKeyRawIdAdminField\"");
	if (!(fd->flags & WK_FF_OPTIONAL))
		wk_buf_puts(out, " required");
	wk_buf_putc(out, '>');
	if (parse_id(v->raw, &id) != 0)
		return out->failed ? -1 : 0;
	if (v->row != NULL && wk_model_id(fd->model, v->row) == id) {
		row = (void *)(uintptr_t)v->row;
	} else {
		st = get_row(a, fd->model, id, &row);
		if (st == WK_DB_NOT_FOUND)
			return out->failed ? -1 : 0;
		if (st != WK_DB_OK)
			return -1;
	}
	if ((label = wk_model_str(fd->model, row, a)) == NULL)
		return -1;
	wk_buf_puts(out, " <strong>");
	html(out, label);
	wk_buf_puts(out, "</strong>");
	return out->failed ? -1 : 0;
}

/* see internal.h */
int
form_model_render(wk_arena *a, const struct wk_form_field *fd,
    const struct wk_form_value *v, wk_buf *out)
{
	struct wk_query q;
	wk_buf opts;
	const char *label;
	long long cur = 0, id;
	size_t n = 0;
	void *row;
	int st, has, selected = 0;

	if (fd->model == NULL)
		return -1;
	if (fd->flags & WK_FF_RAW_ID)
		return render_raw(a, fd, v, out);
	has = parse_id(v->raw, &cur) == 0;
	wk_buf_init(&opts, a);
	wk_q_init(&q, a, fd->model);
	wk_q_order_by(&q, "id");
	wk_q_limit(&q, WK_FORM_SELECT_MAX + 1, 0);
	while ((st = wk_q_next(&q, &row)) == WK_DB_ROW) {
		if (++n > WK_FORM_SELECT_MAX)
			break;
		id = wk_model_id(fd->model, row);
		if ((label = wk_model_str(fd->model, row, a)) == NULL) {
			wk_q_close(&q);
			return -1;
		}
		wk_buf_printf(&opts, "<option value=\"%lld\"", id);
		if (has && id == cur) {
			wk_buf_puts(&opts, " selected");
			selected = 1;
		}
		wk_buf_putc(&opts, '>');
		html(&opts, label);
		wk_buf_puts(&opts, "</option>");
	}
	wk_q_close(&q);
	if (n > WK_FORM_SELECT_MAX)
		return render_raw(a, fd, v, out);
	if (st != WK_DB_DONE) {
		wk_log(NULL, WK_LOG_ERROR, "form field %s: listing %s: %s",
		    fd->name, fd->model->name, wk_db_last_error());
		return -1;
	}
	open_tag(out, "select", fd);
	if (!(fd->flags & WK_FF_OPTIONAL))
		wk_buf_puts(out, " required");
	wk_buf_putc(out, '>');
	/* Django: no empty choice for a required field that has a value. */
	if ((fd->flags & WK_FF_OPTIONAL) || !selected)
		wk_buf_puts(out, selected ? "<option value=\"\">---------"
		    "</option>" : "<option value=\"\" selected>---------"
		    "</option>");
	if (opts.len > 0)
		wk_buf_append(out, opts.data, opts.len);
	wk_buf_puts(out, "</select>");
	return out->failed || opts.failed ? -1 : 0;
}
