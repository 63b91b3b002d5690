/*
 * shell.h - `APP shell`: an SQLite shell on the app's database.
 *
 * SQLite's own shell (shell.c) is not part of the amalgamation the
 * production build compiles, and a static binary on a host without the
 * sqlite3 package still deserves one.  This is a small one: it reads SQL
 * statements, which may span lines (a statement is complete when
 * sqlite3_complete says so), runs them on the connection the ORM uses
 * (db.h) and prints each result row as its columns separated by "|"
 * (NULL as an empty column, a blob as X'..' hex), as `sqlite3` does in
 * its default list mode.  An error is printed ("Error: ...") and the
 * shell goes on with the next statement.  Dot commands, at the start of a
 * line:
 *
 *   .tables            the tables, one per line
 *   .schema [TABLE]    the CREATE statements (of TABLE and its indexes)
 *   .headers on|off    a first line of column names (default off)
 *   .help              this list
 *   .quit, .exit       leave (so does the end of the input)
 *
 * With a terminal on stdin it prompts ("sqlite> ", "   ...> ");
 * otherwise it reads a script silently and exits 1 if any statement
 * failed, so `echo "SELECT count(*) FROM blog_post;" | APP shell` works
 * in scripts:
 *
 *   $ blog.cgi shell
 *   sqlite> SELECT id, title FROM blog_post
 *      ...> WHERE published = 1 LIMIT 2;
 *   1|Hello
 *   2|Second post
 *   sqlite> .quit
 *
 * The command opens the configured database as it is (never creating
 * it, not checking that it is migrated): a shell is how one looks at a
 * database that is not right.
 */
#ifndef WICK_DB_SHELL_H
#define WICK_DB_SHELL_H

#include <stdio.h>

#include "wick/http/app.h"

/*
 * wk_shell_run - run the shell on the open (or openable) database,
 * reading from in, rows to out, errors to err; interactive: print
 * prompts (and a greeting) on out.  Returns 0 when every statement and
 * dot command succeeded, 1 when one failed, 2 when the database could not
 * be opened or reading in failed.
 */
int wk_shell_run(FILE *in, FILE *out, FILE *err, int interactive);

/* shell, to list in an app's commands (app.h). */
extern const struct wk_command wk_shell_commands[];

#endif /* WICK_DB_SHELL_H */
