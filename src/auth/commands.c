/*
 * commands.c - createsuperuser and changepassword (see auth.h); the
 * table lists the group and grant commands of perm_commands.c too.
 *
 * Passwords are read without echo from the terminal, or one line from
 * stdin with --password-stdin (scripts); they are wiped from the stack
 * when the command ends.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "wick/auth/auth.h"
#include "wick/db/db.h"
#include "wick/auth/password.h"
#include "internal.h"

/* ---- commands ------------------------------------------------------------------------- */

/* Read one line (without the newline) into buf; 0, or -1 at EOF/error or
 * when the line does not fit. */
static int
read_line(int fd, char *buf, size_t bufsz)
{
	size_t n = 0;
	char c;
	ssize_t r;

	for (;;) {
		r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (n == 0)
				return -1;
			break;
		}
		if (c == '\n')
			break;
		if (n + 1 >= bufsz)
			return -1;
		buf[n++] = c;
	}
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	return 0;
}

/* Prompt on the terminal with echo off. */
static int
prompt_secret(const char *prompt, char *buf, size_t bufsz)
{
	struct termios old, quiet;
	ssize_t w;
	int fd, rc, have_tio;

	if ((fd = open("/dev/tty", O_RDWR | O_CLOEXEC)) < 0) {
		fprintf(stderr, "no terminal to ask for a password; use "
		    "--password-stdin\n");
		return -1;
	}
	w = write(fd, prompt, strlen(prompt));
	(void)w;
	have_tio = tcgetattr(fd, &old) == 0;
	if (have_tio) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		quiet.c_lflag |= ECHONL;
		(void)tcsetattr(fd, TCSAFLUSH, &quiet);
	}
	rc = read_line(fd, buf, bufsz);
	if (have_tio)
		(void)tcsetattr(fd, TCSAFLUSH, &old);
	close(fd);
	return rc;
}

/* A new password: from stdin (one line) or asked twice on the terminal,
 * then the validators.  0 or -1 (reported). */
static int
new_password(int from_stdin, const char *username, const char *email,
    char *pw, size_t pwsz)
{
	char again[WK_PASSWORD_MAX_BYTES + 2];
	const char *msgs[8];
	struct wk_password_user pu = { username, email, NULL, NULL };
	wk_arena a;
	size_t n, i;

	if (from_stdin) {
		if (read_line(0, pw, pwsz) != 0) {
			fprintf(stderr, "no password on standard input (or "
			    "longer than %d bytes)\n", WK_PASSWORD_MAX_BYTES);
			return -1;
		}
	} else {
		if (prompt_secret("Password: ", pw, pwsz) != 0 ||
		    prompt_secret("Password (again): ", again,
		    sizeof(again)) != 0)
			return -1;
		if (strcmp(pw, again) != 0) {
			fprintf(stderr, "Error: your passwords didn't match.\n");
			return -1;
		}
	}
	wk_arena_init(&a);
	n = wk_password_validate(&a, pw, &pu, 0, msgs, 8);
	for (i = 0; n != (size_t)-1 && i < n && i < 8; i++)
		fprintf(stderr, "This password is not accepted: %s\n", msgs[i]);
	wk_arena_free(&a);
	return n == 0 ? 0 : -1;
}

static int
cmd_createsuperuser(const struct wk_app *app, const struct wk_settings *s,
    int argc, char **argv)
{
	char pw[WK_PASSWORD_MAX_BYTES + 2], name[USERNAME_MAX * 4 + 2];
	const char *username = NULL, *email = "";
	int from_stdin = 0, i, st, rc = 1;
	long long id = 0;
	wk_arena a;

	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--username") == 0 && i + 1 < argc)
			username = argv[++i];
		else if (strcmp(argv[i], "--email") == 0 && i + 1 < argc)
			email = argv[++i];
		else if (strcmp(argv[i], "--password-stdin") == 0)
			from_stdin = 1;
		else {
			fprintf(stderr, "usage: %s createsuperuser [--username "
			    "NAME] [--email ADDR] [--password-stdin]\n",
			    argv[0]);
			return 2;
		}
	}
	if (username == NULL) {
		if (from_stdin) {
			fprintf(stderr, "--password-stdin needs --username\n");
			return 2;
		}
		printf("Username: ");
		fflush(stdout);
		if (read_line(0, name, sizeof(name)) != 0)
			return 1;
		username = name;
	}
	if (!auth_username_ok(username)) {
		fprintf(stderr, "Enter a valid username: up to 150 letters, "
		    "digits and @/./+/-/_ only.\n");
		return 1;
	}
	if (new_password(from_stdin, username, email, pw, sizeof(pw)) != 0)
		goto out;
	wk_db_configure(s, app->name);
	wk_arena_init(&a);
	st = wk_auth_create_user(&a, username, email, pw,
	    s->password_iterations, 1, &id);
	wk_arena_free(&a);
	if (st == WK_DB_CONSTRAINT)
		fprintf(stderr, "Error: that username is already taken.\n");
	else if (st != WK_DB_OK)
		fprintf(stderr, "createsuperuser: %s\n", wk_db_last_error());
	else {
		printf("Superuser created successfully.\n");
		rc = 0;
	}
	wk_db_close();
out:
	memset(pw, 0, sizeof(pw));
	return rc;
}

static int
cmd_changepassword(const struct wk_app *app, const struct wk_settings *s,
    int argc, char **argv)
{
	char pw[WK_PASSWORD_MAX_BYTES + 2];
	struct wick_user *u;
	int from_stdin = 0, st, rc = 1;
	const char *username = NULL;
	wk_arena a;
	int i;

	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--password-stdin") == 0)
			from_stdin = 1;
		else if (username == NULL && argv[i][0] != '-')
			username = argv[i];
		else
			break;   /* unknown option or a second name */
	}
	if (username == NULL || i < argc) {
		fprintf(stderr, "usage: %s changepassword USER "
		    "[--password-stdin]\n", argv[0]);
		return 2;
	}
	wk_db_configure(s, app->name);
	wk_arena_init(&a);
	st = wk_auth_get_user(&a, username, &u);
	if (st == WK_DB_NOT_FOUND) {
		fprintf(stderr, "user '%s' does not exist\n", username);
		goto out;
	}
	if (st != WK_DB_OK) {
		fprintf(stderr, "changepassword: %s\n", wk_db_last_error());
		goto out;
	}
	if (!from_stdin)
		printf("Changing password for user '%s'\n", username);
	if (new_password(from_stdin, u->username, u->email, pw,
	    sizeof(pw)) != 0)
		goto out;
	st = wk_auth_set_password(&a, u->id, pw, s->password_iterations);
	if (st != WK_DB_OK) {
		fprintf(stderr, "changepassword: %s\n", wk_db_last_error());
		goto out;
	}
	printf("Password changed successfully for user '%s'\n", username);
	rc = 0;
out:
	memset(pw, 0, sizeof(pw));
	wk_arena_free(&a);
	wk_db_close();
	return rc;
}

const struct wk_command wk_auth_commands[] = {
	{ "createsuperuser", "createsuperuser [--username NAME] [--email ADDR] "
	    "[--password-stdin]", "create a superuser (password asked without "
	    "echo, or one line on stdin)", cmd_createsuperuser },
	{ "changepassword", "changepassword USER [--password-stdin]",
	    "set a user's password", cmd_changepassword },
	/* groups and grants: perm_commands.c */
	{ "creategroup", "creategroup NAME", "create a group of users",
	    auth_cmd_creategroup },
	{ "addtogroup", "addtogroup USER GROUP", "put a user in a group",
	    auth_cmd_addtogroup },
	{ "removefromgroup", "removefromgroup USER GROUP",
	    "take a user out of a group", auth_cmd_removefromgroup },
	{ "grant", "grant USER|--group GROUP PERM...", "give permissions "
	    "(MODEL.CODENAME, e.g. blog_post.add) to a user or a group",
	    auth_cmd_grant },
	{ "revoke", "revoke USER|--group GROUP PERM...",
	    "take permissions back", auth_cmd_revoke },
	{ "permissions", "permissions [USER | --group GROUP]", "list every "
	    "permission, or what a user or group has", auth_cmd_permissions },
	WK_COMMANDS_END
};
