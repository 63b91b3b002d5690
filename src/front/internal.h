/*
 * internal.h - what the front ends share beyond the public API: the CGI
 * front end (cgi.c) hands a command line to the management tool
 * (commands.c).
 */
#ifndef WICK_FRONT_INTERNAL_H
#define WICK_FRONT_INTERNAL_H

#include "wick/http/app.h"

/*
 * wk_commands_run - the management tool: run argv[1] (help when absent)
 * from the built-in and the app's command tables.  settings_error is a
 * configuration problem found at start (commands other than help refuse
 * to run with it).  Returns the process exit status.
 */
int wk_commands_run(const struct wk_app *app, const struct wk_settings *s,
    const char *settings_error, int argc, char **argv);

#endif /* WICK_FRONT_INTERNAL_H */
