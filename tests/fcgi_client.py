#!/usr/bin/env python3
"""A small FastCGI client for the tests: one request per connection,
as a web server sends it, with a way to stop sending the body half-way.

    fcgi_client.py SOCKET METHOD PATH [--header NAME=VALUE]... [--body FILE]
                   [--param NAME=VALUE]... [--stall-after N] [--timeout S]

prints the response (status line, headers, body) as the worker wrote it,
and on stderr the seconds it took.  --param appends one FastCGI parameter
as given, after the others: a name already sent is sent again, as a web
server may.  SOCKET is a Unix socket path or
host:port.
"""
import argparse
import socket
import struct
import sys
import time

FCGI_BEGIN_REQUEST = 1
FCGI_END_REQUEST = 3
FCGI_PARAMS = 4
FCGI_STDIN = 5
FCGI_STDOUT = 6
FCGI_STDERR = 7
FCGI_RESPONDER = 1


def record(rtype, content, req_id=1):
    out = b""
    # A record holds at most 65535 bytes; empty content ends a stream.
    chunks = [content[i:i + 65535] for i in range(0, len(content), 65535)]
    for c in chunks or [b""]:
        pad = (8 - len(c) % 8) % 8
        out += struct.pack("!BBHHBx", 1, rtype, req_id, len(c), pad) + c
        out += b"\0" * pad
    return out


def name_value(name, value):
    def length(n):
        return struct.pack("!B", n) if n < 128 else struct.pack("!I", n | 0x80000000)
    n, v = name.encode(), value.encode()
    return length(len(n)) + length(len(v)) + n + v


def connect(addr, timeout):
    if ":" in addr and not addr.startswith("/"):
        host, port = addr.rsplit(":", 1)
        s = socket.create_connection((host, int(port)), timeout=timeout)
    else:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout)
        s.connect(addr)
    return s


def params_for(method, path, headers, body, extra=()):
    env = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": path,
        "REQUEST_URI": path,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "GATEWAY_INTERFACE": "CGI/1.1",
    }
    if body is not None:
        env["CONTENT_LENGTH"] = str(len(body))
    for name, value in headers:
        key = name.upper().replace("-", "_")
        if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            key = "HTTP_" + key
        env[key] = value
    return b"".join(name_value(k, v) for k, v in list(env.items()) + list(extra))


def read_response(s):
    """Returns (stdout bytes, complete) once END_REQUEST or EOF arrives."""
    buf, out = b"", b""
    while True:
        try:
            data = s.recv(65536)
        except socket.timeout:
            return out, False
        if not data:
            return out, False
        buf += data
        while len(buf) >= 8:
            _, rtype, _, clen, pad = struct.unpack("!BBHHBx", buf[:8])
            if len(buf) < 8 + clen + pad:
                break
            content = buf[8:8 + clen]
            buf = buf[8 + clen + pad:]
            if rtype == FCGI_STDOUT:
                out += content
            elif rtype == FCGI_END_REQUEST:
                return out, True


def request(addr, method, path, headers=(), body=None, stall_after=None,
            timeout=30.0, stall_params=False, params=()):
    """Sends one request; with stall_after, only that many body bytes
    are sent and the stream is left open; with stall_params, only half
    of the parameters.  Returns (stdout, complete, seconds)."""
    t0 = time.monotonic()
    s = connect(addr, timeout)
    try:
        msg = record(FCGI_BEGIN_REQUEST, struct.pack("!HB5x", FCGI_RESPONDER, 0))
        p = params_for(method, path, headers, body, params)
        if stall_params:
            msg += record(FCGI_PARAMS, p)
            msg = msg[:len(msg) - len(p) // 2]
        else:
            msg += record(FCGI_PARAMS, p) + record(FCGI_PARAMS, b"")
        if stall_params:
            pass
        elif body is not None:
            if stall_after is not None:
                # Part of the body, and no empty record to end stdin.
                if stall_after > 0:
                    msg += record(FCGI_STDIN, body[:stall_after])
            else:
                if body:
                    msg += record(FCGI_STDIN, body)
                msg += record(FCGI_STDIN, b"")
        else:
            msg += record(FCGI_STDIN, b"")
        s.sendall(msg)
        out, complete = read_response(s)
    finally:
        s.close()
    return out, complete, time.monotonic() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("addr")
    ap.add_argument("method")
    ap.add_argument("path")
    ap.add_argument("--header", action="append", default=[])
    ap.add_argument("--body")
    ap.add_argument("--param", action="append", default=[])
    ap.add_argument("--stall-after", type=int)
    ap.add_argument("--stall-params", action="store_true")
    ap.add_argument("--timeout", type=float, default=30.0)
    a = ap.parse_args()
    headers = [tuple(h.split("=", 1)) for h in a.header]
    body = open(a.body, "rb").read() if a.body is not None else None
    params = [tuple(p.split("=", 1)) for p in a.param]
    out, complete, secs = request(a.addr, a.method, a.path, headers, body,
                                  a.stall_after, a.timeout, a.stall_params,
                                  params)
    sys.stdout.write(out.decode("utf-8", "replace"))
    sys.stderr.write("%.3f %s\n" % (secs, "complete" if complete else "incomplete"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
