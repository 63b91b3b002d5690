/*
 * shell.c - `APP shell`, a small SQLite shell on the app's database (see
 * shell.h).
 *
 * It runs on the one connection db.c keeps, so it sees the database with
 * the pragmas and busy handler every request has.  Statements typed here
 * are the operator's own SQL, run as typed: this is the one place where
 * SQL text comes from outside the program, and it comes from a shell
 * user who could open the file anyway.  They are prepared directly
 * rather than through the statement cache, which is for the program's
 * few statements run many times.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "wick/core/arena.h"
#include "wick/core/buf.h"
#include "wick/core/settings.h"
#include "wick/db/db.h"
#include "wick/db/shell.h"
#include "internal.h"

/* The longest statement (all its lines) the shell accumulates. */
#define SH_MAX_SQL ((size_t)1 << 20)

struct sh {
	sqlite3 *h;
	FILE *out, *err;
	int headers;        /* .headers on */
	int failed;         /* a statement or command failed */
	int quit;           /* .quit */
};

static int sh_help(struct sh *sh, int argc, char **argv);
static int sh_tables(struct sh *sh, int argc, char **argv);
static int sh_schema(struct sh *sh, int argc, char **argv);
static int sh_headers(struct sh *sh, int argc, char **argv);
static int sh_quit(struct sh *sh, int argc, char **argv);

/* The dot commands: name, the most arguments, usage and help. */
static const struct sh_cmd {
	const char *name;
	int max_args;
	const char *usage;
	const char *help;
	int (*run)(struct sh *sh, int argc, char **argv);
} sh_cmds[] = {
	{ "tables", 0, ".tables", "list the tables", sh_tables },
	{ "schema", 1, ".schema [TABLE]", "the CREATE statements (of TABLE)",
	    sh_schema },
	{ "headers", 1, ".headers on|off", "column names above the rows",
	    sh_headers },
	{ "help", 0, ".help", "this list", sh_help },
	{ "quit", 0, ".quit", "leave the shell", sh_quit },
	{ "exit", 0, ".exit", "leave the shell", sh_quit },
};

#define SH_NCMDS (sizeof(sh_cmds) / sizeof(sh_cmds[0]))

/* ---- printing rows ------------------------------------------------------------- */

/* One column of the current row, in list mode. */
static void
sh_print_col(struct sh *sh, sqlite3_stmt *st, int i)
{
	const unsigned char *p;
	int n, k;

	switch (sqlite3_column_type(st, i)) {
	case SQLITE_NULL:
		break;
	case SQLITE_BLOB:
		p = sqlite3_column_blob(st, i);
		n = sqlite3_column_bytes(st, i);
		fputs("X'", sh->out);
		for (k = 0; k < n && p != NULL; k++)
			fprintf(sh->out, "%02x", p[k]);
		fputc('\'', sh->out);
		break;
	default:
		p = sqlite3_column_text(st, i);
		n = sqlite3_column_bytes(st, i);
		if (p != NULL)
			(void)fwrite(p, 1, (size_t)n, sh->out);
		break;
	}
}

/* Step st to the end, printing its rows; 0, or -1 after a message. */
static int
sh_run_stmt(struct sh *sh, sqlite3_stmt *st)
{
	int rc, i, ncol = sqlite3_column_count(st), first = 1;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (first && sh->headers) {
			for (i = 0; i < ncol; i++)
				fprintf(sh->out, "%s%s", i > 0 ? "|" : "",
				    sqlite3_column_name(st, i));
			fputc('\n', sh->out);
		}
		first = 0;
		for (i = 0; i < ncol; i++) {
			if (i > 0)
				fputc('|', sh->out);
			sh_print_col(sh, st, i);
		}
		fputc('\n', sh->out);
	}
	if (rc != SQLITE_DONE) {
		fprintf(sh->err, "Error: %s\n", sqlite3_errmsg(sh->h));
		return -1;
	}
	return 0;
}

/* Run every statement of sql; stops at the first error. */
static int
sh_exec(struct sh *sh, const char *sql)
{
	const char *tail = sql, *next;
	sqlite3_stmt *st;
	int rc;

	while (*tail != '\0') {
		st = NULL;
		rc = sqlite3_prepare_v2(sh->h, tail, -1, &st, &next);
		if (rc != SQLITE_OK) {
			fprintf(sh->err, "Error: %s\n", sqlite3_errmsg(sh->h));
			return -1;
		}
		tail = next;
		if (st == NULL)         /* only a comment or blanks */
			continue;
		rc = sh_run_stmt(sh, st);
		sqlite3_finalize(st);
		if (rc != 0)
			return -1;
	}
	return 0;
}

/* ---- dot commands ----------------------------------------------------------------- */

static int
sh_help(struct sh *sh, int argc, char **argv)
{
	size_t i;

	(void)argc;
	(void)argv;
	for (i = 0; i < SH_NCMDS; i++)
		fprintf(sh->out, "%-18s %s\n", sh_cmds[i].usage,
		    sh_cmds[i].help);
	fprintf(sh->out, "Anything else is SQL, run when it ends with ';'.\n");
	return 0;
}

static int
sh_tables(struct sh *sh, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return sh_exec(sh, "SELECT name FROM sqlite_master WHERE type IN "
	    "('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
	    "ORDER BY name");
}

static int
sh_schema(struct sh *sh, int argc, char **argv)
{
	static const char sql[] = "SELECT sql || ';' FROM sqlite_master "
	    "WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
	    "AND (?1 IS NULL OR tbl_name = ?1) "
	    "ORDER BY tbl_name, type DESC, name";
	sqlite3_stmt *st;
	int rc, saved = sh->headers;

	if (sqlite3_prepare_v2(sh->h, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(sh->err, "Error: %s\n", sqlite3_errmsg(sh->h));
		return -1;
	}
	rc = argc > 1 ? sqlite3_bind_text(st, 1, argv[1], -1, SQLITE_STATIC) :
	    sqlite3_bind_null(st, 1);
	if (rc != SQLITE_OK) {
		fprintf(sh->err, "Error: %s\n", sqlite3_errmsg(sh->h));
		sqlite3_finalize(st);
		return -1;
	}
	sh->headers = 0;
	rc = sh_run_stmt(sh, st);
	sh->headers = saved;
	sqlite3_finalize(st);
	return rc;
}

static int
sh_headers(struct sh *sh, int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "on") == 0)
		sh->headers = 1;
	else if (argc == 2 && strcmp(argv[1], "off") == 0)
		sh->headers = 0;
	else {
		fprintf(sh->err, "Error: usage: .headers on|off\n");
		return -1;
	}
	return 0;
}

static int
sh_quit(struct sh *sh, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	sh->quit = 1;
	return 0;
}

/* A line starting with '.': split on blanks, look the name up, run it. */
static int
sh_dot(struct sh *sh, char *line)
{
	char *argv[4], *p = line + 1, *save = NULL;
	int argc = 0;
	size_t i;

	for (p = strtok_r(p, " \t\r", &save); p != NULL;
	    p = strtok_r(NULL, " \t\r", &save)) {
		if (argc == 4)
			break;
		argv[argc++] = p;
	}
	for (i = 0; argc > 0 && i < SH_NCMDS; i++) {
		if (strcmp(argv[0], sh_cmds[i].name) != 0)
			continue;
		if (argc - 1 > sh_cmds[i].max_args || p != NULL) {
			fprintf(sh->err, "Error: usage: %s\n", sh_cmds[i].usage);
			return -1;
		}
		return sh_cmds[i].run(sh, argc, argv);
	}
	fprintf(sh->err, "Error: unknown command \"%s\"; \".help\" lists "
	    "them\n", argc > 0 ? argv[0] : "");
	return -1;
}

/* ---- the loop --------------------------------------------------------------------- */

/* Read one line (without its newline) into line; 1, 0 at the end, -1 on
 * a read error. */
static int
sh_read_line(FILE *in, wk_buf *line)
{
	char chunk[4096];
	size_t n;

	wk_buf_reset(line);
	for (;;) {
		if (fgets(chunk, sizeof(chunk), in) == NULL) {
			if (ferror(in))
				return -1;
			return line->len > 0 ? 1 : 0;
		}
		n = strlen(chunk);
		if (n > 0 && chunk[n - 1] == '\n') {
			wk_buf_append(line, chunk, n - 1);
			return line->failed ? -1 : 1;
		}
		if (wk_buf_append(line, chunk, n) != 0)
			return -1;
	}
}

/* Blank or only white space? */
static int
sh_blank(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
			return 0;
	return 1;
}

/* see shell.h */
int
wk_shell_run(FILE *in, FILE *out, FILE *err, int interactive)
{
	struct sh sh;
	wk_arena a;
	wk_buf line, sql;
	int r, rc = 0;

	memset(&sh, 0, sizeof(sh));
	sh.out = out;
	sh.err = err;
	if (wk__db_handle(&sh.h) != WK_DB_OK) {
		fprintf(err, "shell: %s\n", wk_db_last_error());
		return 2;
	}
	wk_arena_init(&a);
	wk_buf_init(&line, &a);
	wk_buf_init(&sql, &a);
	if (interactive)
		fprintf(out, "SQLite %s on %s\nEnter \".help\" for the dot "
		    "commands; statements end with ';'.\n", sqlite3_libversion(),
		    wk_db_path() != NULL ? wk_db_path() : "?");
	while (!sh.quit) {
		if (interactive) {
			fputs(sql.len > 0 ? "   ...> " : "sqlite> ", out);
			fflush(out);
		}
		if ((r = sh_read_line(in, &line)) <= 0) {
			if (r < 0) {
				fprintf(err, "shell: reading the input failed "
				    "(or a line is too long)\n");
				rc = 2;
			}
			break;
		}
		if (sql.len == 0 && line.len > 0 &&
		    wk_buf_cstr(&line)[strspn(wk_buf_cstr(&line), " \t")] ==
		    '.') {
			char *l = line.data + strspn(line.data, " \t");
			if (sh_dot(&sh, l) != 0)
				sh.failed = 1;
			continue;
		}
		if (sql.len == 0 && sh_blank(wk_buf_cstr(&line)))
			continue;
		if (sql.len + line.len + 1 > SH_MAX_SQL) {
			fprintf(err, "Error: statement longer than %zu bytes\n",
			    SH_MAX_SQL);
			sh.failed = 1;
			wk_buf_reset(&sql);
			continue;
		}
		wk_buf_append(&sql, wk_buf_cstr(&line), line.len);
		wk_buf_putc(&sql, '\n');
		if (sql.failed) {
			fprintf(err, "shell: out of memory\n");
			rc = 2;
			break;
		}
		if (!sqlite3_complete(sql.data))
			continue;
		if (sh_exec(&sh, sql.data) != 0)
			sh.failed = 1;
		wk_buf_reset(&sql);
	}
	/* the end of a script without the last ';' */
	if (rc == 0 && !sh.quit && sql.len > 0 && !sh_blank(sql.data) &&
	    sh_exec(&sh, sql.data) != 0)
		sh.failed = 1;
	if (interactive && !sh.quit)
		fputc('\n', out);
	fflush(out);
	wk_arena_free(&a);
	if (rc != 0)
		return rc;
	return sh.failed ? 1 : 0;
}

static int
cmd_shell(const struct wk_app *app, const struct wk_settings *s, int argc,
    char **argv)
{
	const char *path;
	int rc;

	if (argc > 2) {
		fprintf(stderr, "usage: %s shell   (SQL on stdin)\n", argv[0]);
		return 2;
	}
	wk_db_configure(s, app->name);
	path = wk_db_path();
	if (path == NULL) {
		fprintf(stderr, "shell: no database path (set `database` in "
		    "the config file)\n");
		return 1;
	}
	if (strcmp(path, ":memory:") != 0 && access(path, F_OK) != 0) {
		fprintf(stderr, "shell: database %s does not exist (run "
		    "migrate first)\n", path);
		return 1;
	}
	wk_db_allow_create(1);   /* it exists: no creation, no schema check */
	rc = wk_shell_run(stdin, stdout, stderr, isatty(0));
	wk_db_close();
	wk_db_allow_create(0);
	return rc;
}

/* see shell.h */
const struct wk_command wk_shell_commands[] = {
	{ "shell", "shell", "an SQLite shell on the database (SQL on stdin)",
	    cmd_shell },
	WK_COMMANDS_END
};
