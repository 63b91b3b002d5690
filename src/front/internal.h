/*
 * internal.h - what the front ends share beyond the public API: the CGI
 * front end (cgi.c) hands a command line to the management tool
 * (commands.c), or a listening socket to the FastCGI responder
 * (fastcgi.c), which `APP fastcgi --listen` also starts.
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

/*
 * wk_fastcgi_is_listener - 1 if fd is a listening socket (the FastCGI
 * convention: the server passes one as fd 0), else 0.  One getsockopt.
 */
int wk_fastcgi_is_listener(int fd);

/*
 * wk_fastcgi_listen - bind and listen on addr: a Unix socket path
 * (starting with '/' or '.'; a stale socket file there is replaced) or
 * IPv4 ADDR:PORT (e.g. 127.0.0.1:9000).  Returns the descriptor, or -1
 * with a message in err (NUL-terminated, cut to errlen).
 */
int wk_fastcgi_listen(const char *addr, char *err, size_t errlen);

/*
 * wk_fastcgi_serve - the responder loop: accept connections on the
 * listening socket lfd, one at a time, and serve their requests through
 * wk_app_serve (settings_error as there), each with a fresh arena.
 * Returns after s->fastcgi_max_requests requests or on SIGTERM/SIGINT
 * (after the request in flight): 0, or 1 when the socket failed.
 * SIGPIPE is ignored.  Not reentrant (one static connection buffer).
 */
int wk_fastcgi_serve(const struct wk_app *app, const struct wk_settings *s,
    const char *settings_error, int lfd);

#endif /* WICK_FRONT_INTERNAL_H */
