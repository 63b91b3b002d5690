/*
 * devserver.h - `APP runserver`: a development HTTP server.
 *
 * For each connection the server reads one HTTP/1.x request, then forks and
 * execs the app's own binary as a CGI child with a proper RFC 3875
 * environment and the body on stdin, exactly as Apache's mod_cgid would.
 * The child's `Status:` and headers become the HTTP response.  Development
 * thus runs the production code path.  One line per request is logged to
 * stderr.  It binds 127.0.0.1:8000 by default; it is not for production.
 */
#ifndef WICK_DEVSERVER_H
#define WICK_DEVSERVER_H

/*
 * wk_devserver_run - serve until SIGINT/SIGTERM.  addr is "HOST:PORT",
 * "PORT" or NULL (127.0.0.1:8000).  exe is the path of the binary to run
 * per request (normally /proc/self/exe resolved).  max_requests > 0 stops
 * after that many requests (tests).  Returns 0 on a clean stop, else 1
 * with a message on stderr (bad address, port in use...).
 */
int wk_devserver_run(const char *addr, const char *exe, long max_requests);

#endif /* WICK_DEVSERVER_H */
