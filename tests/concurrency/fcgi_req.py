#!/usr/bin/env python3
"""fcgi_req.py SOCKET METHOD PATH [BODY_FILE] - one FastCGI request.

Sends one responder request to the FastCGI server listening on the Unix
socket SOCKET, with the CGI variables a web server would pass for
/cgi-bin/blog.cgi PATH (HTTP_COOKIE from the COOKIE environment variable,
the body from BODY_FILE), and writes the response's STDOUT stream to
standard output.  Exit status 0 once END_REQUEST arrives, 1 if the server
closes the connection or stays silent for 20 s first, 2 on bad usage.
The tests' own client: it never multiplexes and never keeps a connection.
"""
import os
import socket
import struct
import sys

BEGIN, END, PARAMS, STDIN, STDOUT = 1, 3, 4, 5, 6


def record(rtype, content):
    out = b""
    while True:
        part, content = content[:65535], content[65535:]
        pad = -len(part) % 8
        out += struct.pack(">BBHHBx", 1, rtype, 1, len(part), pad)
        out += part + b"\0" * pad
        if not content:
            return out


def pair(name, value):
    def length(n):
        return bytes([n]) if n < 128 else struct.pack(">I", n | 0x80000000)
    return length(len(name)) + length(len(value)) + name + value


def main(argv):
    if len(argv) not in (4, 5):
        sys.stderr.write(__doc__.split("\n\n")[0] + "\n")
        return 2
    path, method, info = argv[1], argv[2], argv[3]
    body = open(argv[4], "rb").read() if len(argv) == 5 else b""
    env = {
        "GATEWAY_INTERFACE": "CGI/1.1", "SERVER_PROTOCOL": "HTTP/1.1",
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80",
        "REQUEST_SCHEME": "http", "REMOTE_ADDR": "127.0.0.1",
        "REQUEST_METHOD": method, "SCRIPT_NAME": "/cgi-bin/blog.cgi",
        "PATH_INFO": info, "QUERY_STRING": "",
        "REQUEST_URI": "/cgi-bin/blog.cgi" + info,
        "HTTP_HOST": "127.0.0.1",
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(body)),
    }
    if os.environ.get("COOKIE"):
        env["HTTP_COOKIE"] = os.environ["COOKIE"]
    params = b"".join(pair(k.encode(), v.encode()) for k, v in env.items())
    msg = struct.pack(">BBHHBx", 1, BEGIN, 1, 8, 0)
    msg += struct.pack(">HB5x", 1, 0)  # responder, do not keep the connection
    msg += record(PARAMS, params) + record(PARAMS, b"")
    if body:
        msg += record(STDIN, body)
    msg += record(STDIN, b"")
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(20)
    try:
        s.connect(path)
        s.sendall(msg)
        buf = b""
        while True:
            while len(buf) < 8:
                got = s.recv(65536)
                if not got:
                    return 1
                buf += got
            _, rtype, _, clen, pad = struct.unpack(">BBHHBx", buf[:8])
            while len(buf) < 8 + clen + pad:
                got = s.recv(65536)
                if not got:
                    return 1
                buf += got
            content, buf = buf[8:8 + clen], buf[8 + clen + pad:]
            if rtype == STDOUT:
                sys.stdout.buffer.write(content)
            elif rtype == END:
                sys.stdout.flush()
                return 0
    except OSError as e:
        sys.stderr.write("fcgi_req: %s: %s\n" % (path, e))
        return 1
    finally:
        s.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
