#!/usr/bin/env python3
"""bench/worker_ir.py: user-space instructions per request of a FastCGI
worker, counted by valgrind --tool=callgrind.

Worker CPU time per request, as bench/run measures it, moves by a third
from one minute to the next on a shared virtual machine; instruction
counts do not.  This runs one worker under callgrind on a Unix socket
of its own (fd 0, as spawn-fcgi hands it), sends it N1 and then, in a
second run, N2 requests (POST /verify with the tokens of a bench/run
token file, the parameters a web server passes), checks every answer,
and reports (I(N2) - I(N1)) / (N2 - N1): start-up and exit cancel out.
The kernel's share (system calls, the socket I/O) is not counted; it is
the same for every worker, since all speak FastCGI through libfcgi.

With --split, also the share of each library call the project's design
takes from a library (see SPLIT), counted from the calls made from
outside that library so that none is counted twice, and the rest:
what the worker's own code costs.

usage: worker_ir.py [--n1 N] [--n2 N] [--split] TOKENS -- WORKER ARGS...
prints: instructions_per_request=I, then with --split one line
        split NAME=I per entry of SPLIT and split own=I
usage: worker_ir.py --compare FLOOR_SIG_OUTPUT NV_OUTPUT
prints: what nv-fcgi's library calls alone put on top of floor+sig
        (over_floor()), from two --split outputs
"""

import argparse
import os
import re
import socket
import struct
import subprocess
import sys
import tempfile

# The FastCGI records come from the tests' client.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "tests"))
import fcgi_client as fc  # noqa: E402

EXPECT = b'{"devicePhoneNumberVerified":true}'

# The library work a request needs, by the calls that start it.  Under
# the fixed design these come from libsodium, json-c and libfcgi.
SPLIT = (
    ("ed25519", ("crypto_sign_verify_detached",)),
    ("base64url", ("sodium_base642bin",)),
    ("json", ("json_tokener_parse_ex", "json_object_put")),
    ("sha256_hex", ("crypto_hash_sha256", "sodium_hex2bin")),
    ("fastcgi", ("FCGX_Accept_r", "FCGX_Finish_r", "FCGX_Free",
                 "FCGX_GetStr", "FCGX_PutStr", "FCGX_GetParam",
                 "FCGX_InitRequest")),
)


def request_bytes(token, body):
    """One POST /verify as lighttpd's mod_fastcgi sends it."""
    env = [
        ("CONTENT_LENGTH", str(len(body))),
        ("CONTENT_TYPE", "application/json"),
        ("QUERY_STRING", ""),
        ("REQUEST_URI", "/nv/verify"),
        ("REDIRECT_STATUS", "200"),
        ("SCRIPT_NAME", "/nv"),
        ("PATH_INFO", "/verify"),
        ("SCRIPT_FILENAME", "/srv/www/nv"),
        ("DOCUMENT_ROOT", "/srv/www"),
        ("REQUEST_METHOD", "POST"),
        ("SERVER_PROTOCOL", "HTTP/1.1"),
        ("SERVER_SOFTWARE", "lighttpd/1.4.69"),
        ("GATEWAY_INTERFACE", "CGI/1.1"),
        ("REQUEST_SCHEME", "http"),
        ("SERVER_PORT", "8080"),
        ("SERVER_ADDR", "127.0.0.1"),
        ("SERVER_NAME", "127.0.0.1"),
        ("REMOTE_ADDR", "127.0.0.1"),
        ("REMOTE_PORT", "41234"),
        ("HTTP_HOST", "127.0.0.1:8080"),
        ("HTTP_AUTHORIZATION", "Bearer " + token),
        ("HTTP_CONTENT_TYPE", "application/json"),
        ("HTTP_ACCEPT", "application/json"),
        ("HTTP_CONTENT_LENGTH", str(len(body))),
    ]
    params = b"".join(fc.name_value(k, v) for k, v in env)
    return (fc.record(fc.FCGI_BEGIN_REQUEST,
                      struct.pack("!HB5x", fc.FCGI_RESPONDER, 0)) +
            fc.record(fc.FCGI_PARAMS, params) + fc.record(fc.FCGI_PARAMS, b"") +
            fc.record(fc.FCGI_STDIN, body.encode()) +
            fc.record(fc.FCGI_STDIN, b""))


def answer(sock_path, data):
    """The worker's stdout for one request, and whether it ended.  Reads
    on until the worker closes the connection, so that it is back in
    accept when the last answer is in (a SIGTERM sent during libfcgi's
    lingering close could leave the worker under valgrind hanging)."""
    s = fc.connect(sock_path, 30)
    try:
        s.sendall(data)
        out, complete = fc.read_response(s)
        while s.recv(65536):
            continue
        return out, complete
    finally:
        s.close()


def library_costs(cg_out):
    """Inclusive instructions of each SPLIT entry point, summed over its
    callers that lie outside the entry point's own library (json-c's
    tokener frees objects with json_object_put too: those are in the
    tokener's count already)."""
    text = subprocess.run(
        ["callgrind_annotate", "--tree=caller", "--inclusive=yes",
         "--threshold=100", cg_out], stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, check=True).stdout.decode()
    want = {f: g for g, fs in SPLIT for f in fs}
    costs = {g: 0 for g, _ in SPLIT}
    callers = []
    line_re = re.compile(r"^\s*([\d,]+) \([^)]*\)\s+([<*])\s+\S*?:?"
                         r"([A-Za-z_][\w.']*)(?: \(\d[\d,]*x\))? \[(.*)\]")
    for line in text.splitlines():
        m = line_re.match(line)
        if m is None:
            callers = []
            continue
        cost, kind, fn, obj = int(m.group(1).replace(",", "")), \
            m.group(2), m.group(3), m.group(4)
        if kind == "<":
            callers.append((cost, obj))
            continue
        if fn in want:
            costs[want[fn]] += sum(c for c, o in callers if o != obj)
        callers = []
    # Every worker here speaks FastCGI through libfcgi: none found
    # means the output was not read, not that nothing was spent.
    if costs["fastcgi"] == 0:
        raise SystemExit("worker_ir: no libfcgi call found in "
                         "callgrind_annotate's output")
    return costs


def parse_output(text):
    """This script's output as a dict: "total" and, after --split, each
    SPLIT name and "own"."""
    m = re.search(r"^instructions_per_request=(\d+)", text, re.M)
    if m is None:
        raise SystemExit("worker_ir: no instructions_per_request")
    out = {k: int(v) for k, v in
           re.findall(r"^split (\w+)=(-?\d+)$", text, re.M)}
    out["total"] = int(m.group(1))
    return out


def over_floor(nv, fs):
    """What nv-fcgi's library calls alone put on top of floor+sig, from
    parse_output() of each: instructions, the ratio to floor+sig they
    give with no code of nv-fcgi's own, and its own code's share.  The
    signature check counts as floor+sig's: the same call, differing
    only by which signatures are drawn."""
    libs = sum(nv[g] - fs[g] for g, _ in SPLIT if g != "ed25519")
    return libs, (fs["total"] + libs) / fs["total"], nv["own"] / fs["total"]


def count(argv, reqs, n, tmp, split=False):
    path = os.path.join(tmp, "w.sock")
    out = os.path.join(tmp, "cg.out")
    if os.path.exists(path):
        os.unlink(path)
    ls = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    ls.bind(path)
    ls.listen(64)
    p = subprocess.Popen(["valgrind", "--tool=callgrind",
                          f"--callgrind-out-file={out}"] + argv,
                         stdin=ls.fileno(), stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    ls.close()
    try:
        for i in range(n):
            got, complete = answer(path, reqs[i % len(reqs)])
            if not complete or not got.startswith(b"Status: 200") or \
                    not got.endswith(EXPECT):
                raise SystemExit(f"worker_ir: request {i}: wrong answer "
                                 f"{got[:200]!r}")
    finally:
        # libfcgi's SIGTERM handler only sets a flag that its accept()
        # loop reads; under valgrind the floor has now and then gone on
        # waiting after the first SIGTERM: send it until the worker ends.
        for _ in range(12):
            p.terminate()
            try:
                p.wait(5)
                break
            except subprocess.TimeoutExpired:
                continue
        else:
            p.kill()
            raise SystemExit("worker_ir: the worker did not end on SIGTERM")
    with open(out) as f:
        m = re.search(r"^summary: *(\d+)", f.read(), re.M)
    if m is None:
        raise SystemExit("worker_ir: callgrind wrote no summary")
    return int(m.group(1)), library_costs(out) if split else {}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--compare", nargs=2,
                    metavar=("FLOOR_SIG_OUTPUT", "NV_OUTPUT"))
    ap.add_argument("tokens", nargs="?")
    ap.add_argument("--n1", type=int, default=128)
    ap.add_argument("--n2", type=int, default=384)
    ap.add_argument("--split", action="store_true",
                    help="also the instructions of each library's share")
    ap.add_argument("worker", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    if a.compare:
        fs, nv = (parse_output(open(f).read()) for f in a.compare)
        libs, ratio, own = over_floor(nv, fs)
        print(f"libraries +{libs} ({ratio:.3f} x floor+sig with no code "
              f"of its own), own code +{nv['own']} ({own:.3f} x)")
        return
    argv = a.worker[1:] if a.worker[:1] == ["--"] else a.worker
    if a.tokens is None or not argv or a.n2 <= a.n1:
        ap.error("a token file, a worker command, and n2 > n1")
    reqs = []
    with open(a.tokens) as f:
        for line in f:
            tok, body = line.rstrip("\n").split("\t", 1)
            reqs.append(request_bytes(tok, body))
            if len(reqs) >= a.n2:
                break
    with tempfile.TemporaryDirectory() as tmp:
        i1, c1 = count(argv, reqs, a.n1, tmp, a.split)
        i2, c2 = count(argv, reqs, a.n2, tmp, a.split)
    dn = a.n2 - a.n1
    print(f"instructions_per_request={(i2 - i1) // dn} "
          f"n1={a.n1} total1={i1} n2={a.n2} total2={i2}")
    if a.split:
        libs = 0
        for g, _ in SPLIT:
            per = (c2[g] - c1[g]) // dn
            libs += per
            print(f"split {g}={per}")
        print(f"split own={(i2 - i1) // dn - libs}")


if __name__ == "__main__":
    main()
