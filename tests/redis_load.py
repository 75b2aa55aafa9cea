#!/usr/bin/env python3
"""Load for tests/redis.test: tokens minted here (Ed25519 from
python3-cryptography, the claims nv-token mint writes), sent over
FastCGI to several worker pools at once.

    redis_load.py race KEY.key ISS AUD N TARGET...
        one token sent N times at once, spread over the targets in turn
        (a FastCGI socket, or http://HOST:PORT of a web server in front
        of one); prints one status line per request.
    redis_load.py load KEY.key ISS AUD STOPFILE SOCKET...
        fresh tokens, each sent once, by 4 threads over the sockets in
        turn, until STOPFILE exists; prints STATUS TAB BODY TAB TOKEN
        for each request.
    redis_load.py fresh KEY.key ISS AUD N
        prints N fresh tokens, one a line.
    redis_load.py timed KEY.key ISS AUD N SOCKET
        N fresh tokens minted first, then sent one after the other; prints
        the 200s and the latency per request in microseconds (mean,
        median, 99th percentile).
    redis_load.py resend KEY.key ISS AUD SOCKET... <TOKENS
        sends each token of standard input once, over the sockets in
        turn; prints one status line per token.
"""
import base64
import json
import os
import sys
import threading
import time

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fcgi_client  # noqa: E402

PHONE = "+34600000001"
PATH = "/number-verification/v0/verify"
BODY = json.dumps({"phoneNumber": PHONE}).encode()


def b64(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def unb64(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


class Minter:
    def __init__(self, path, iss, aud):
        with open(path) as f:
            jwk = json.load(f)
        self.key = Ed25519PrivateKey.from_private_bytes(unb64(jwk["d"]))
        self.header = b64(json.dumps({"alg": "EdDSA", "typ": "at+jwt",
                                      "kid": jwk["kid"]}).encode())
        self.iss, self.aud = iss, aud
        self.lock = threading.Lock()

    def mint(self):
        now = int(time.time())
        claims = {"iss": self.iss, "aud": self.aud, "iat": now,
                  "exp": now + 300, "jti": b64(os.urandom(16)),
                  "scope": "number-verification:verify",
                  "amr": ["nba"], "phone_number": PHONE}
        p = b64(json.dumps(claims, separators=(",", ":")).encode())
        with self.lock:
            sig = self.key.sign((self.header + "." + p).encode())
        return self.header + "." + p + "." + b64(sig)


def send(sock, tok):
    hdr = [("Authorization", "Bearer " + tok),
           ("Content-Type", "application/json"),
           ("Accept", "application/json")]
    out, complete, _ = fcgi_client.request(sock, "POST", PATH, hdr, BODY,
                                           timeout=20)
    if not complete:
        return "incomplete", ""
    text = out.decode()
    head, _, body = text.partition("\r\n\r\n")
    return head.split("\r\n", 1)[0], body


def send_http(url, tok):
    """The same request through a web server: its status as a Status line."""
    import http.client
    host, port = url[len("http://"):].rsplit(":", 1)
    c = http.client.HTTPConnection(host, int(port), timeout=20)
    try:
        c.request("POST", PATH, BODY, {"Authorization": "Bearer " + tok,
                                       "Content-Type": "application/json",
                                       "Accept": "application/json"})
        r = c.getresponse()
        return "Status: %d %s" % (r.status, r.reason), r.read().decode()
    finally:
        c.close()


def send_to(target, tok):
    if target.startswith("http://"):
        return send_http(target, tok)
    return send(target, tok)


def race(m, n, socks):
    tok = m.mint()
    go = threading.Barrier(n)
    out = [None] * n

    def one(i):
        go.wait()
        out[i] = send_to(socks[i % len(socks)], tok)[0]
    ts = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    for o in out:
        print(o)


def load(m, stop, socks):
    lock = threading.Lock()
    rows = []

    def worker(w):
        i = w
        while not os.path.exists(stop):
            tok = m.mint()
            status, body = send(socks[i % len(socks)], tok)
            i += 1
            with lock:
                rows.append((status, body, tok))
                # The test stops Redis only once answers are flowing: a
                # slow interpreter start must not leave the load empty.
                if len(rows) == 1:
                    open(stop + ".ready", "w").close()
            time.sleep(0.01)
    ts = [threading.Thread(target=worker, args=(w,)) for w in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    for r in rows:
        print("\t".join(r))


def main():
    cmd, key, iss, aud = sys.argv[1:5]
    m = Minter(key, iss, aud)
    if cmd == "race":
        race(m, int(sys.argv[5]), sys.argv[6:])
    elif cmd == "load":
        load(m, sys.argv[5], sys.argv[6:])
    elif cmd == "timed":
        toks = [m.mint() for _ in range(int(sys.argv[5]))]
        lat, ok = [], 0
        for tok in toks:
            t0 = time.perf_counter()
            ok += send(sys.argv[6], tok)[0].startswith("Status: 200")
            lat.append((time.perf_counter() - t0) * 1e6)
        lat.sort()
        print(f"ok={ok} mean_us={sum(lat) / len(lat):.0f} "
              f"p50_us={lat[len(lat) // 2]:.0f} "
              f"p99_us={lat[len(lat) * 99 // 100]:.0f}")
    elif cmd == "resend":
        socks = sys.argv[5:]
        for i, tok in enumerate(t for t in sys.stdin.read().split() if t):
            print(send(socks[i % len(socks)], tok)[0])
    elif cmd == "fresh":
        for _ in range(int(sys.argv[5])):
            print(m.mint())
    else:
        sys.exit("usage: see the docstring")


if __name__ == "__main__":
    main()
