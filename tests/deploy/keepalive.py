#!/usr/bin/env python3
"""Clients for tests/deploy/nginx-keepalive.sh: kept connections, through
nginx and straight to a worker's socket, every answer checked exactly.

  keepalive.py http PORT TEMPLATE KEY --clients N --requests M
      N threads, each with one kept HTTP connection to nginx, M requests
      each, every one with its own token (TEMPLATE's claims, a new jti,
      signed with KEY); then a few of those tokens again: 401, used.
  keepalive.py stall SOCKET TEMPLATE KEY --limit S
      kept FastCGI connections to one worker; one stalls half-way through
      a request: the others are answered within S + 1 s, the stalled one
      is closed after about S, and the others stay kept and fast.
  keepalive.py idle SOCKET TEMPLATE KEY --conns N --bound B
      N kept FastCGI connections to one worker, one request each; the
      N - B least recently used are closed by the worker, the B others
      answer a second request each, newest first.
  keepalive.py hold SOCKET TEMPLATE KEY --conns N --wait S
      N kept FastCGI connections, one request each, prints "ready",
      then waits up to S seconds for the worker to close every one.
  keepalive.py inodes PID...
      the socket inodes those processes hold, one a line.

Tokens are signed with python3-cryptography (Ed25519); the FastCGI
records come from tests/fcgi_client.py.
"""
import base64
import http.client
import json
import os
import socket
import struct
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                ".."))
import fcgi_client as fc  # noqa: E402

from cryptography.hazmat.primitives.asymmetric.ed25519 import \
    Ed25519PrivateKey  # noqa: E402

PHONE = "+33612345678"
OTHER = "+33698765432"
TRUE = '{"devicePhoneNumberVerified":true}'
FALSE = '{"devicePhoneNumberVerified":false}'
SHARE = '{"devicePhoneNumber":"%s"}' % PHONE
USED = ('{"status":401,"code":"UNAUTHENTICATED","message":"Request not '
        'authenticated due to missing, invalid, or expired credentials"}')
VERIFY = "/number-verification/v0/verify"
DEVICE = "/number-verification/v0/device-phone-number"
FCGI_KEEP_CONN = 1


def b64(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def unb64(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


class Minter:
    """TEMPLATE's header and claims with a jti of our own per token."""

    def __init__(self, template, keyfile):
        with open(template) as f:
            h, p, _ = f.read().strip().split(".")
        self.header = h
        self.claims = json.loads(unb64(p))
        with open(keyfile) as f:
            self.key = Ed25519PrivateKey.from_private_bytes(
                unb64(json.load(f)["d"]))
        self.n = 0
        self.lock = threading.Lock()
        self.tag = "%d-%d" % (os.getpid(), time.time_ns())

    def token(self):
        with self.lock:
            self.n += 1
            claims = dict(self.claims, jti="ka-%s-%d" % (self.tag, self.n))
        p = b64(json.dumps(claims, separators=(",", ":")).encode())
        sig = self.key.sign((self.header + "." + p).encode())
        return self.header + "." + p + "." + b64(sig)


def pick(i):
    """The i-th request: (method, path, body, expected body)."""
    k = i % 3
    if k == 0:
        return "POST", VERIFY, '{"phoneNumber":"%s"}' % PHONE, TRUE
    if k == 1:
        return "POST", VERIFY, '{"phoneNumber":"%s"}' % OTHER, FALSE
    return "GET", DEVICE, None, SHARE


# --- through nginx ---------------------------------------------------

def http_one(conn, token, method, path, body):
    headers = {"Authorization": "Bearer " + token,
               "Accept": "application/json"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    conn.request(method, path, body=body, headers=headers)
    r = conn.getresponse()
    data = r.read().decode()
    return (r.status, r.getheader("Content-Type"),
            r.getheader("Cache-Control"), data)


def run_http(port, minter, clients, requests):
    lock = threading.Lock()
    st = {"ok": 0, "wrong": [], "used": [], "reconnects": 0}
    barrier = threading.Barrier(clients)

    def client(c):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
        conn.connect()
        first = conn.sock
        # Every client holds its connection before any sends: all of
        # them are open at once, many more than the workers.
        barrier.wait()
        for j in range(requests):
            i = c * requests + j
            method, path, body, want = pick(i)
            tok = minter.token()
            try:
                got = http_one(conn, tok, method, path, body)
            except (OSError, http.client.HTTPException) as e:
                got = (type(e).__name__, None, None, str(e))
            right = got == (200, "application/json", "no-store", want)
            with lock:
                if right:
                    st["ok"] += 1
                    if len(st["used"]) < 8 and method == "POST":
                        st["used"].append((tok, body))
                elif len(st["wrong"]) < 5:
                    st["wrong"].append((method, path, got))
                if conn.sock is not first:
                    st["reconnects"] += 1
        conn.close()

    ts = [threading.Thread(target=client, args=(c,)) for c in range(clients)]
    t0 = time.monotonic()
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    secs = time.monotonic() - t0
    # The single-use store still works: each token a second time.
    replays = 0
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    for tok, body in st["used"]:
        got = http_one(conn, tok, "POST", VERIFY, body)
        if got == (401, "application/json", "no-store", USED):
            replays += 1
        else:
            st["wrong"].append(("replay", VERIFY, got))
    conn.close()
    total = clients * requests
    print("http: clients=%d requests=%d ok=%d replays_refused=%d/%d "
          "client_reconnects=%d seconds=%.2f" %
          (clients, total, st["ok"], replays, len(st["used"]),
           st["reconnects"], secs))
    for w in st["wrong"]:
        print("http: wrong:", w)
    return (st["ok"] == total and replays == len(st["used"]) and
            len(st["used"]) == 8 and st["reconnects"] == 0)


# --- straight to a worker --------------------------------------------

class Kept:
    """One kept FastCGI connection: requests one after another."""

    def __init__(self, path, timeout=15):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(timeout)
        self.s.connect(path)
        self.buf = b""
        self.rid = 0

    def message(self, minter, i):
        method, path, body, want = pick(i)
        self.rid += 1
        headers = [("Authorization", "Bearer " + minter.token()),
                   ("Accept", "application/json")]
        if body is not None:
            headers.append(("Content-Type", "application/json"))
        b = body.encode() if body is not None else None
        msg = fc.record(fc.FCGI_BEGIN_REQUEST,
                        struct.pack("!HB5x", fc.FCGI_RESPONDER,
                                    FCGI_KEEP_CONN), self.rid)
        msg += fc.record(fc.FCGI_PARAMS,
                         fc.params_for(method, path, headers, b), self.rid)
        msg += fc.record(fc.FCGI_PARAMS, b"", self.rid)
        if b:
            msg += fc.record(fc.FCGI_STDIN, b, self.rid)
        msg += fc.record(fc.FCGI_STDIN, b"", self.rid)
        return msg, want

    def answer(self):
        """stdout of one request, or None at EOF or a timeout."""
        out = b""
        while True:
            while len(self.buf) >= 8:
                _, rtype, _, clen, pad = struct.unpack("!BBHHBx",
                                                       self.buf[:8])
                if len(self.buf) < 8 + clen + pad:
                    break
                content = self.buf[8:8 + clen]
                self.buf = self.buf[8 + clen + pad:]
                if rtype == fc.FCGI_STDOUT:
                    out += content
                elif rtype == fc.FCGI_END_REQUEST:
                    return out.decode()
            try:
                data = self.s.recv(65536)
            except (socket.timeout, OSError):
                return None
            if not data:
                return None
            self.buf += data

    def ask(self, minter, i):
        msg, want = self.message(minter, i)
        try:
            self.s.sendall(msg)
        except OSError:
            return None, want
        return self.answer(), want

    def closed_by_peer(self, wait):
        """Whether the worker closed it within wait seconds."""
        self.s.settimeout(wait)
        try:
            return self.s.recv(1) == b""
        except socket.timeout:
            return False
        except OSError:
            return True


def right(out, want):
    return (out is not None and out.startswith("Status: 200") and
            "Content-Type: application/json\r\n" in out and
            "Cache-Control: no-store\r\n" in out and
            out.endswith("\r\n\r\n" + want))


def run_stall(path, minter, limit):
    ok = True
    kept = [Kept(path) for _ in range(3)]
    stalled = Kept(path)
    for n, k in enumerate(kept + [stalled]):
        out, want = k.ask(minter, n)
        if not right(out, want):
            print("stall: first request wrong:", repr(out))
            ok = False
    # Half of a record of the stalled connection's next request.
    msg, _ = stalled.message(minter, 0)
    stalled.s.sendall(msg[:12])
    t0 = time.monotonic()
    # A request on each other kept connection and on a new one: the
    # worker may be held by the stalled one up to request_timeout.
    others = kept + [Kept(path)]
    results = [None] * len(others)

    def go(n):
        out, want = others[n].ask(minter, 10 + n)
        results[n] = (right(out, want), time.monotonic() - t0, out)

    ts = [threading.Thread(target=go, args=(n,)) for n in range(len(others))]
    for t in ts:
        t.start()
    closed = stalled.closed_by_peer(limit + 5)
    closed_at = time.monotonic() - t0
    for t in ts:
        t.join()
    worst = max(r[1] for r in results)
    print("stall: request_timeout=%s stalled connection closed=%s after "
          "%.2f s; %d other requests answered right=%s, slowest %.2f s" %
          (limit, closed, closed_at, len(results),
           all(r[0] for r in results), worst))
    if not all(r[0] for r in results):
        print("stall: wrong:", [r[2] for r in results if not r[0]])
        ok = False
    if not closed or not limit - 0.5 <= closed_at <= limit + 1:
        print("stall: the stalled connection was not closed after about "
              "request_timeout")
        ok = False
    if worst > limit + 1:
        print("stall: a request waited %.2f s, past request_timeout" % worst)
        ok = False
    # The others are still kept, and answered at once now.
    t1 = time.monotonic()
    for n, k in enumerate(others):
        out, want = k.ask(minter, 20 + n)
        if not right(out, want):
            print("stall: kept connection %d lost after the stall: %r" %
                  (n, out))
            ok = False
    after = time.monotonic() - t1
    print("stall: afterwards %d kept connections answered in %.2f s" %
          (len(others), after))
    if after > limit - 0.5:
        print("stall: the worker is still held after the stall")
        ok = False
    return ok


def run_idle(path, minter, nconns, bound):
    ok = True
    conns = []
    for n in range(nconns):
        k = Kept(path)
        out, want = k.ask(minter, n)
        if not right(out, want):
            print("idle: first request on connection %d wrong: %r" % (n, out))
            ok = False
        conns.append(k)
    evicted = nconns - bound
    # The least recently used beyond the bound are closed, the rest not.
    for n, k in enumerate(conns[:evicted]):
        if not k.closed_by_peer(5):
            print("idle: connection %d, beyond the bound, not closed" % n)
            ok = False
    answered = 0
    for n in range(nconns - 1, evicted - 1, -1):
        out, want = conns[n].ask(minter, 100 + n)
        if right(out, want):
            answered += 1
        else:
            print("idle: kept connection %d: %r" % (n, out))
            ok = False
    print("idle: %d kept connections to one worker, bound %d: %d closed as "
          "least recently used, %d answered a second request each" %
          (nconns, bound, evicted, answered))
    return ok and answered == bound


def run_hold(path, minter, nconns, wait):
    """N kept connections, one request each, then held open until the
    worker closes them all (as at its SIGTERM) or wait seconds pass."""
    conns = []
    ok = True
    for n in range(nconns):
        k = Kept(path)
        out, want = k.ask(minter, n)
        ok = ok and right(out, want)
        conns.append(k)
    print("ready", flush=True)
    t0 = time.monotonic()
    closed = sum(1 for k in conns
                 if k.closed_by_peer(max(0.1, wait - (time.monotonic() - t0))))
    print("hold: %d kept connections, %d closed by the worker within %.2f s"
          % (nconns, closed, time.monotonic() - t0))
    return ok and closed == nconns


def inodes(pids):
    for pid in pids:
        d = "/proc/%s/fd" % pid
        for fd in os.listdir(d):
            try:
                t = os.readlink(os.path.join(d, fd))
            except OSError:
                continue
            if t.startswith("socket:["):
                print(t[8:-1])


def main():
    a = sys.argv[1:]
    if a and a[0] == "inodes":
        inodes(a[1:])
        return 0
    if len(a) < 4:
        sys.exit(__doc__)
    mode, where, template, key = a[:4]
    opts = dict(zip(a[4::2], a[5::2]))
    minter = Minter(template, key)
    if mode == "http":
        ok = run_http(int(where), minter, int(opts["--clients"]),
                      int(opts["--requests"]))
    elif mode == "stall":
        ok = run_stall(where, minter, float(opts["--limit"]))
    elif mode == "hold":
        ok = run_hold(where, minter, int(opts["--conns"]),
                      float(opts["--wait"]))
    elif mode == "idle":
        ok = run_idle(where, minter, int(opts["--conns"]),
                      int(opts["--bound"]))
    else:
        sys.exit(__doc__)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
