/*
 * testclient_db.c - a fresh database for each test (see testclient.h).
 *
 * Django runs each TestCase test in a transaction it rolls back, on a
 * test database made once.  A Wick test is a process of its own with one
 * connection (db.h), so the cheaper and simpler isolation is a database
 * made anew: SQLite's ":memory:" is dropped when the connection closes,
 * and a file lives in a folder of its own that wk_test_client_free
 * removes.  Either way every schema the program registers is migrated,
 * post-migrate hooks included, exactly as `APP migrate` would.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wick/db/db.h"
#include "wick/db/migrate.h"
#include "wick/front/testclient.h"

/* Make c's folder (once) and name its file; delete an old file. */
static int
tcdb_file(struct wk_test_client *c)
{
	static const char *const suffixes[] = { "", "-wal", "-shm",
	    "-journal" };
	const char *tmp = getenv("TMPDIR");
	char old[sizeof(c->db_path) + 16];
	size_t i;
	int n;

	if (c->db_dir[0] == '\0') {
		if (tmp == NULL || tmp[0] != '/')
			tmp = "/tmp";
		n = snprintf(c->db_dir, sizeof(c->db_dir),
		    "%s/wick-test-XXXXXX", tmp);
		if (n < 0 || (size_t)n >= sizeof(c->db_dir) ||
		    mkdtemp(c->db_dir) == NULL) {
			c->db_dir[0] = '\0';
			return -1;
		}
		n = snprintf(c->db_path, sizeof(c->db_path), "%s/db.sqlite3",
		    c->db_dir);
		if (n < 0 || (size_t)n >= sizeof(c->db_path)) {
			(void)rmdir(c->db_dir);
			c->db_dir[0] = '\0';
			return -1;
		}
		return 0;
	}
	for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		n = snprintf(old, sizeof(old), "%s%s", c->db_path,
		    suffixes[i]);
		if (n > 0 && (size_t)n < sizeof(old))
			(void)unlink(old);
	}
	return 0;
}

/* see testclient.h */
int
wk_test_client_fresh_db(struct wk_test_client *c, enum wk_test_db kind)
{
	const char *path;
	int st;

	wk_db_close();
	if (kind == WK_TEST_DB_FILE) {
		if (tcdb_file(c) != 0)
			return -1;
		path = c->db_path;
	} else if (kind == WK_TEST_DB_MEMORY) {
		path = ":memory:";
	} else {
		return -1;
	}
	if (wk_db_set_path(path) != 0)
		return -1;
	c->settings.database = path;   /* static, or in c */
	c->owns_db = 1;
	wk_db_allow_create(1);
	st = wk_migrate_run(NULL);
	wk_db_allow_create(0);
	return st == WK_DB_OK ? 0 : -1;
}
