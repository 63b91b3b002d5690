/*
 * skeleton.h - the files `wick startproject` and `wick startapp` write.
 *
 * The skeletons are real files in the source tree (share/project_template
 * and share/app_template); tools/wick/embed.c turns them into C arrays at
 * build time (build/gen/wick_skeleton.c), so the installed `wick` command
 * carries them and needs no data folder.  Names and contents hold
 * placeholders (@PROJECT@, @APP@, their upper-case forms @PROJECT_UPPER@
 * and @APP_UPPER@, and @WICK_VERSION@) that wick.c substitutes.
 */
#ifndef WICK_TOOL_SKELETON_H
#define WICK_TOOL_SKELETON_H

#include <stddef.h>

/* One file of a skeleton: its path relative to the skeleton's root. */
struct wick_skel_file {
	const char *path;           /* "templates/base.html" */
	const char *data;           /* NUL-terminated too */
	size_t len;
};

/* A skeleton: its files sorted by path. */
struct wick_skel {
	const struct wick_skel_file *files;
	size_t n_files;
};

extern const struct wick_skel wick_project_skel;  /* share/project_template */
extern const struct wick_skel wick_app_skel;      /* share/app_template */

#endif /* WICK_TOOL_SKELETON_H */
