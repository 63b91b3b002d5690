/*
 * cgi.h - the CGI front end (RFC 3875) and the binary's entry point.
 *
 * A front end turns one transport into what the pipeline takes (app.h's
 * wk_app_serve): an environ-style array of request variables, a reader
 * for the body and a writer for the answer (io.h).  This one is the
 * process Apache execs: the request is the process's own environment, the
 * body is stdin, the answer goes to stdout, and a crash still answers 500.
 * It is the only code that touches the process's stdin and stdout for a
 * request.  The dev server (devserver.h) runs this same front end, by
 * exec'ing the binary as a CGI child; the test client (testclient.h) is
 * an in-memory front end; the FastCGI front end (src/front/fastcgi.c) is
 * one more, turning its records into the same three things.
 */
#ifndef WICK_CGI_H
#define WICK_CGI_H

#include "wick/core/arena.h"
#include "wick/core/settings.h"

struct wk_app;

/*
 * wk_main - entry point: call it from main() and return its value.
 * Reads settings (WICK_CONFIG) and tells the database where it is, then
 * serves a CGI request (wk_cgi_serve) when GATEWAY_INTERFACE is set, else
 * FastCGI requests in a loop when fd 0 is a listening socket (how
 * mod_fcgid, lighttpd and spawn-fcgi start a FastCGI program; see
 * docs/deploy.md), else runs the management command in argv[1].  Returns
 * the exit status.
 */
int wk_main(const struct wk_app *app, int argc, char **argv, char **envp);

/*
 * wk_cgi_serve - serve the one CGI request of this process: envp is its
 * environment, the body is read from stdin (fd 0) and the response written
 * to stdout (fd 1) through wk_app_serve.  SIGPIPE is ignored (a client
 * that went away is logged, not fatal); a crash (SIGSEGV, SIGBUS, SIGFPE,
 * SIGABRT) or a response that cannot be built answers a prepared 500 and
 * exits 70.  Afterwards a body the app did not read is drained (bounded)
 * so that the server does not reset the connection.  s, settings_error
 * and a as for wk_app_handle.  Returns 0, the exit status.
 */
int wk_cgi_serve(const struct wk_app *app, const struct wk_settings *s,
    const char *settings_error, wk_arena *a, char *const *envp);

#endif /* WICK_CGI_H */
