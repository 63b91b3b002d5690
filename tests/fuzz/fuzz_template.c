/*
 * fuzz_template.c - libFuzzer harness for the template parser and
 * renderer.
 *
 * The input is a template.  It is parsed; when it parses, it is rendered
 * with a small context (strings holding markup, numbers, a list, a map,
 * None) against a set in which "self.html" is the input itself and
 * "base.html" a layout with blocks, so extends, include and block.super
 * chains are reached too.  Rendering is bounded in steps and memory, as a
 * real render is.  Anything but a clean result or an error code (a crash,
 * a sanitizer report, a leak) is a bug.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wick/core/arena.h"
#include "wick/core/buf.h"
#include "wick/template/template.h"
#include "wick/core/value.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char base[] = "<t>{% block title %}B{% endblock %}</t>"
    "{% block content %}{% block inner %}i{% endblock %}{% endblock %}";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wk_template_file files[2];
	struct wk_template_set set;
	struct wk_render_env env;
	struct wk_template_error err;
	struct wk_template *t;
	struct wk_map *ctx, *m;
	struct wk_list *l;
	char *text;
	wk_arena a;
	wk_buf out;

	if (size > 65536)
		return 0;
	wk_arena_init(&a);
	a.limit = (size_t)16 << 20;
	if ((text = wk_arena_strndup(&a, (const char *)data, size)) == NULL)
		goto done;
	memset(files, 0, sizeof(files));  /* .tree NULL: parse the text */
	files[0].name = "base.html";
	files[0].text = base;
	files[0].len = sizeof(base) - 1;
	files[1].name = "self.html";
	files[1].text = text;
	files[1].len = size;
	memset(&set, 0, sizeof(set));
	set.app = "fuzz";
	set.files = files;
	set.n_files = 2;
	if (wk_template_parse(&a, "self.html", text, size, 0, &t, &err) != 0) {
		/* An error always says where. */
		if (err.message[0] == '\0')
			abort();
		goto done;
	}
	if ((ctx = wk_map_new(&a)) == NULL || (m = wk_map_new(&a)) == NULL ||
	    (l = wk_list_new(&a)) == NULL)
		goto done;
	wk_list_push(&a, l, wk_val_str("<a>"));
	wk_list_push(&a, l, wk_val_int(2));
	wk_map_set(&a, m, "k", wk_val_str("v\"'&"));
	wk_map_set(&a, m, "l", wk_val_list(l));
	wk_map_set(&a, ctx, "s", wk_val_str("<script>x</script> www.a.com"));
	wk_map_set(&a, ctx, "n", wk_val_int(-7));
	wk_map_set(&a, ctx, "r", wk_val_real(2.5));
	wk_map_set(&a, ctx, "l", wk_val_list(l));
	wk_map_set(&a, ctx, "m", wk_val_map(m));
	wk_map_set(&a, ctx, "none", wk_val_null());
	wk_map_set(&a, ctx, "date", wk_val_str("2024-03-05T14:07:09Z"));
	env.set = &set;
	env.req = NULL;
	env.arena = &a;
	env.reload = 0;
	env.max_steps = 20000;
	wk_buf_init(&out, &a);
	if (wk_template_render(t, &env, ctx, &out, &err) != 0 &&
	    err.message[0] == '\0')
		abort();
done:
	wk_template_cache_clear();  /* set lives on this stack frame */
	wk_arena_free(&a);
	return 0;
}
