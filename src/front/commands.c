/*
 * commands.c - the app binary as its own management tool.
 *
 * Run from a shell (no GATEWAY_INTERFACE), `blog.cgi COMMAND ...` looks the
 * command up in the built-in table below, then in the app's tables (the ORM
 * adds migrate, the auth module createsuperuser, ...).  Commands print to
 * stdout/stderr and return an exit status; they never serve HTTP except
 * runserver, which hands each request to a fresh CGI child.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wick/http/app.h"
#include "wick/front/devserver.h"
#include "wick/http/router.h"
#include "wick/core/settings.h"
#include "internal.h"

static int cmd_help(const struct wk_app *, const struct wk_settings *, int,
    char **);
static int cmd_routes(const struct wk_app *, const struct wk_settings *, int,
    char **);
static int cmd_check(const struct wk_app *, const struct wk_settings *, int,
    char **);
static int cmd_runserver(const struct wk_app *, const struct wk_settings *,
    int, char **);
static int cmd_fastcgi(const struct wk_app *, const struct wk_settings *,
    int, char **);

/* see app.h */
const struct wk_command wk_builtin_commands[] = {
	{ "help", "help", "list the commands", cmd_help },
	{ "routes", "routes", "list the URL patterns and their names",
	    cmd_routes },
	{ "check", "check", "report configuration problems", cmd_check },
	{ "runserver", "runserver [ADDR:PORT]",
	    "development server (default 127.0.0.1:8000)", cmd_runserver },
	{ "fastcgi", "fastcgi --listen ADDR",
	    "serve FastCGI on a socket path or 127.0.0.1:PORT (nginx)",
	    cmd_fastcgi },
	WK_COMMANDS_END
};

/* Call fn for every command: built-in first, then the app's tables. */
static const struct wk_command *
commands_find(const struct wk_app *app, const char *name)
{
	const struct wk_command *c;
	size_t t;

	for (c = wk_builtin_commands; c->name != NULL; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	for (t = 0; app->commands != NULL && app->commands[t] != NULL; t++)
		for (c = app->commands[t]; c->name != NULL; c++)
			if (strcmp(c->name, name) == 0)
				return c;
	return NULL;
}

static void
commands_print(const struct wk_command *c)
{
	for (; c->name != NULL; c++)
		printf("  %-28s %s\n", c->usage ? c->usage : c->name,
		    c->help ? c->help : "");
}

static int
cmd_help(const struct wk_app *app, const struct wk_settings *s, int argc,
    char **argv)
{
	size_t t;

	(void)s;
	(void)argc;
	printf("usage: %s COMMAND [ARGS]\n\n"
	    "Without GATEWAY_INTERFACE in the environment this binary is the "
	    "management tool\nof the '%s' app; under a web server it serves one "
	    "CGI request.\n\nCommands:\n", argv[0], app->name);
	commands_print(wk_builtin_commands);
	for (t = 0; app->commands != NULL && app->commands[t] != NULL; t++)
		commands_print(app->commands[t]);
	printf("\nConfiguration: the file named by WICK_CONFIG (key = value "
	    "lines).\n");
	return 0;
}

static void
routes_print(void *ctx, const char *pattern, const struct wk_route *r)
{
	(void)ctx;
	printf("/%-40s %s\n", pattern, r->name ? r->name : "-");
}

static int
cmd_routes(const struct wk_app *app, const struct wk_settings *s, int argc,
    char **argv)
{
	(void)s;
	(void)argc;
	(void)argv;
	printf("%-41s %s\n", "PATTERN", "NAME");
	wk_router_each(app->routes, routes_print, NULL);
	return 0;
}

/* One registered key for `check`: "  name = value  (where)  help". */
static void
check_print_key(void *ctx, const struct wk_setting_def *d,
    const struct wk_setting_value *v)
{
	const struct wk_settings *s = *(const struct wk_settings **)ctx;
	const char *const *items;
	size_t i, n;

	printf("  %s = ", d->name);
	switch (d->type) {
	case WK_SETTING_INT:
		printf("%ld", wk_settings_int(s, d->name));
		break;
	case WK_SETTING_BOOL:
		printf("%s", wk_settings_int(s, d->name) ? "true" : "false");
		break;
	case WK_SETTING_LIST:
		n = wk_settings_list(s, d->name, &items);
		for (i = 0; i < n; i++)
			printf("%s%s", i > 0 ? " " : "", items[i]);
		break;
	default:
		printf("%s", wk_settings_str(s, d->name) != NULL ?
		    wk_settings_str(s, d->name) : "(unset)");
		break;
	}
	if (v != NULL && v->line != 0 && s->source != NULL)
		printf("  (%s:%u)", s->source, v->line);
	else
		printf("  (default)");
	if (d->help != NULL)
		printf("  %s", d->help);
	printf("\n");
}

static int
cmd_check(const struct wk_app *app, const struct wk_settings *s, int argc,
    char **argv)
{
	char out[4096];
	int n, total = 0;

	(void)argc;
	(void)argv;
	n = wk_router_check(app->routes, out, sizeof(out));
	if (n > 0)
		printf("routes:\n%s", out);
	total += n;
	n = wk_settings_check(s, out, sizeof(out));
	if (n > 0)
		printf("settings (%s):\n%s", s->source ? s->source :
		    "compiled-in defaults", out);
	total += n;
	if (wk_settings_each(s, NULL, NULL) > 0) {
		printf("app settings:\n");
		(void)wk_settings_each(s, check_print_key, &s);
	}
	if (total == 0)
		printf("check: no problems found\n");
	else
		printf("check: %d problem(s)\n", total);
	return total == 0 ? 0 : 1;
}

static int
cmd_runserver(const struct wk_app *app, const struct wk_settings *s,
    int argc, char **argv)
{
	char exe[PATH_MAX];
	ssize_t n;

	(void)app;
	(void)s;
	if (argc > 3) {
		fprintf(stderr, "usage: %s runserver [ADDR:PORT]\n", argv[0]);
		return 2;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0 || (size_t)n >= sizeof(exe) - 1) {
		perror("runserver: cannot find this binary (/proc/self/exe)");
		return 1;
	}
	exe[n] = '\0';
	return wk_devserver_run(argc == 3 ? argv[2] : NULL, exe, 0);
}

static int
cmd_fastcgi(const struct wk_app *app, const struct wk_settings *s,
    int argc, char **argv)
{
	char err[256];
	int fd, rc;

	if (argc != 4 || strcmp(argv[2], "--listen") != 0) {
		fprintf(stderr, "usage: %s fastcgi --listen ADDR "
		    "(a socket path or 127.0.0.1:PORT)\n", argv[0]);
		return 2;
	}
	if ((fd = wk_fastcgi_listen(argv[3], err, sizeof(err))) < 0) {
		fprintf(stderr, "fastcgi: %s\n", err);
		return 1;
	}
	rc = wk_fastcgi_serve(app, s, NULL, fd);
	close(fd);
	if (argv[3][0] == '/' || argv[3][0] == '.')
		(void)unlink(argv[3]);
	return rc;
}

/* see internal.h */
int
wk_commands_run(const struct wk_app *app, const struct wk_settings *s,
    const char *settings_error, int argc, char **argv)
{
	const struct wk_command *c;
	char *help_argv[] = { argv[0], NULL };

	if (argc < 2)
		return cmd_help(app, s, 1, help_argv);
	c = commands_find(app, argv[1]);
	if (c == NULL) {
		fprintf(stderr, "%s: unknown command '%s' (try '%s help')\n",
		    argv[0], argv[1], argv[0]);
		return 2;
	}
	if (settings_error != NULL && c->run != cmd_help) {
		fprintf(stderr, "%s: configuration error: %s\n", argv[0],
		    settings_error);
		return 2;
	}
	return c->run(app, s, argc, argv);
}
