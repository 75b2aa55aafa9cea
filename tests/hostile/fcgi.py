#!/usr/bin/env python3
"""A FastCGI client for requests a web server would never forward:
parameter values with NUL bytes, a megabyte Authorization, a body with
no Content-Length.  Writes the worker's answer (its stdout stream) to
stdout; exits 1 if the worker closed the connection without one.

usage: fcgi.py SOCKET BODYFILE NAME=VALUE...
A VALUE may hold \\0, \\r and \\n escapes; @FILE takes a file's bytes."""
import socket
import struct
import sys

BEGIN, END, PARAMS, STDIN, STDOUT = 1, 3, 4, 5, 6


def record(kind, body):
    out = b""
    for i in range(0, max(len(body), 1), 65535):
        chunk = body[i:i + 65535]
        out += struct.pack(">BBHHBx", 1, kind, 1, len(chunk), 0) + chunk
    return out


def length(n):
    return bytes([n]) if n < 128 else struct.pack(">I", n | 0x80000000)


def value(v):
    if v.startswith("@"):
        with open(v[1:], "rb") as f:
            return f.read()
    return (v.encode().replace(b"\\0", b"\0").replace(b"\\r", b"\r")
            .replace(b"\\n", b"\n"))


def main(argv):
    path, bodyfile = argv[0], argv[1]
    params = b""
    for a in argv[2:]:
        name, _, v = a.partition("=")
        v = value(v)
        params += length(len(name)) + length(len(v)) + name.encode() + v
    with open(bodyfile, "rb") as f:
        body = f.read()
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(120)
    s.connect(path)
    msg = record(BEGIN, struct.pack(">HB5x", 1, 0))
    msg += record(PARAMS, params) + record(PARAMS, b"")
    if body:
        msg += record(STDIN, body)
    msg += record(STDIN, b"")
    try:
        s.sendall(msg)
    except (BrokenPipeError, ConnectionResetError):
        pass	# the worker may answer before reading the whole body
    out, buf = b"", b""
    while True:
        try:
            data = s.recv(65536)
        except ConnectionResetError:
            data = b""
        if not data:
            break
        buf += data
        while len(buf) >= 8:
            _, kind, _, clen, plen = struct.unpack(">BBHHBx", buf[:8])
            if len(buf) < 8 + clen + plen:
                break
            content, buf = buf[8:8 + clen], buf[8 + clen + plen:]
            if kind == STDOUT:
                out += content
            elif kind == END:
                sys.stdout.buffer.write(out)
                return 0
    sys.stdout.buffer.write(out)
    return 1


sys.exit(main(sys.argv[1:]))
