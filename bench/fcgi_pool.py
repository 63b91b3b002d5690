"""fcgi_pool.py - N FastCGI processes of one program on one Unix socket.

bench/apache.sh runs the Wick demo as FastCGI the way mod_fcgid and
spawn-fcgi start it: a listening socket on fd 0 of each process, which
blog.cgi detects (wk_fastcgi_is_listener).  Unlike spawn-fcgi it stays up
and starts a new process when one exits, as mod_fcgid does, so the app's
fastcgi_max_requests recycling (1000 requests by default) is part of what
is measured.  SIGTERM: passed on to the processes, which finish the request
in flight and exit; then this exits.

Usage: python3 fcgi_pool.py SOCKET N PROGRAM [ARGS...]
Prints nothing; "fcgi_pool: ..." on stderr for what goes wrong, and a
count of the processes it started at exit.
"""
import os
import signal
import socket
import sys


def main():
    if len(sys.argv) < 4:
        sys.stderr.write("usage: fcgi_pool.py SOCKET N PROGRAM [ARGS...]\n")
        return 2
    path, n, argv = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    if os.path.exists(path):
        os.unlink(path)
    lsock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    lsock.bind(path)
    os.chmod(path, 0o666)
    lsock.listen(128)
    lsock.set_inheritable(True)
    stopping = False
    children = set()
    started = 0
    failures = 0

    def on_term(_sig, _frame):
        nonlocal stopping
        stopping = True
        for pid in children:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    def spawn():
        nonlocal started
        pid = os.fork()
        if pid == 0:
            try:
                os.dup2(lsock.fileno(), 0)
                os.execv(argv[0], argv)
            finally:
                os._exit(127)
        children.add(pid)
        started += 1

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    for _ in range(n):
        spawn()
    while children:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            break
        except InterruptedError:
            continue
        children.discard(pid)
        code = os.waitstatus_to_exitcode(status)
        if code != 0 and not stopping:
            sys.stderr.write("fcgi_pool: process %d ended with %d\n" % (pid, code))
            failures += 1
            if failures > 10:  # a program that cannot start: no loop
                sys.stderr.write("fcgi_pool: too many failures; stopping\n")
                on_term(signal.SIGTERM, None)
        if not stopping:
            spawn()
    os.unlink(path)
    sys.stderr.write("fcgi_pool: %d processes started in all\n" % started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
