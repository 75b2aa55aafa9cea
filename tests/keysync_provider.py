#!/usr/bin/env python3
"""An OpenID provider for tests/keysync*.test: HTTPS on loopback, with
the certificate the test made, answering as the files in DIR say.

    keysync_provider.py serve DIR CERT KEY   (writes DIR/port, then serves)
    keysync_provider.py flood SOCKET N PATH  (N requests with made-up kids)
    keysync_provider.py until-pass SOCKET PATH TOKEN MS
                        (the token again every 100 ms until a 200)

DIR/issuer       the discovery document's issuer (else https://127.0.0.1:PORT)
DIR/jwks.json    the key set served at /jwks
DIR/jwks2.json   if there, served instead at requests 2, 3, 6, 7, 10 …
                 (so that every other fetch changes the set)
DIR/mode         how /jwks answers: ok (default), garbage, big (5 MiB),
                 empty (no keys), 500, slow (a body slower than any
                 timeout), redirect (302 to /jwks-moved), type (text/html)
DIR/ctype        /jwks's Content-Type in mode ok (application/json)
DIR/cache        /jwks's Cache-Control value, if the file exists
DIR/requests     one line per request: METHOD PATH (appended)
"""
import http.server
import os
import ssl
import sys
import time

import test_httpd

D = None


def read(name, default=None, raw=False):
    try:
        with open(os.path.join(D, name)) as f:
            return f.read() if raw else f.read().strip()
    except FileNotFoundError:
        return default


class Provider(test_httpd.Handler):
    def do_GET(self):
        with open(os.path.join(D, "requests"), "a") as f:
            f.write("GET %s\n" % self.path)
        base = "https://127.0.0.1:%d" % self.server.server_address[1]
        if self.path == "/.well-known/openid-configuration":
            doc = '{"issuer":"%s","jwks_uri":"%s/jwks",' \
                  '"response_types_supported":["code"]}' % (
                      read("issuer", base), base)
            self.send(200, doc.encode(), "application/json; charset=utf-8")
            return
        if self.path not in ("/jwks", "/jwks-moved"):
            self.send(404, b'{"error":"not found"}')
            return
        mode = read("mode", "ok")
        keys = read("jwks.json", "", raw=True).encode()
        if read("jwks2.json") is not None:
            self.server.turn = getattr(self.server, "turn", 0) + 1
            if self.server.turn % 4 in (2, 3):
                keys = read("jwks2.json", "", raw=True).encode()
        if self.path == "/jwks-moved" or mode == "ok":
            extra = []
            if read("cache") is not None:
                extra.append(("Cache-Control", read("cache")))
            self.send(200, keys, read("ctype", "application/json"), extra)
        elif mode == "garbage":
            self.send(200, b'{"keys":[{"kty":"OKP",', "application/json")
        elif mode == "big":
            self.send(200, b'{"keys":[],"x":"' + b"a" * (5 << 20) + b'"}')
        elif mode == "empty":
            self.send(200, b'{"keys":[]}', "application/jwk-set+json")
        elif mode == "500":
            self.send(500, b'{"error":"server_error"}')
        elif mode == "redirect":
            self.send(302, b"", "text/plain",
                      [("Location", base + "/jwks-moved")])
        elif mode == "type":
            self.send(200, keys, "text/html; charset=utf-8")
        elif mode == "slow":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(keys)))
            self.end_headers()
            try:
                for b in keys:
                    self.wfile.write(bytes([b]))
                    self.wfile.flush()
                    time.sleep(0.5)
            except OSError:
                pass
            self.close_connection = True


def serve(d, cert, key):
    global D
    D = d
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Provider)
    srv.daemon_threads = True
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    with open(os.path.join(d, "port.tmp"), "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(os.path.join(d, "port.tmp"), os.path.join(d, "port"))
    srv.serve_forever()


def verify(sock, path, tok):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import fcgi_client
    out, _, _ = fcgi_client.request(
        sock, "POST", path,
        [("Authorization", "Bearer " + tok),
         ("Content-Type", "application/json"),
         ("Accept", "application/json")],
        b'{"phoneNumber":"+34600000001"}', timeout=10.0)
    return out


def until_pass(sock, path, tok, limit_ms):
    """Sends TOK from its first use on, every 100 ms, until a 200 or
    LIMIT_MS: prints "passed MS after N refusals" and the last answer,
    or "refused ..." and exits 1.  Timed here, not in the shell, so that
    starting a client does not count."""
    t0 = time.monotonic()
    refused = 0
    while True:
        out = verify(sock, path, tok)
        ms = int((time.monotonic() - t0) * 1000)
        if out.startswith(b"Status: 200"):
            print("passed %d ms after %d refusals" % (ms, refused))
            sys.stdout.write(out.decode())
            return 0
        if not out.startswith(b"Status: 401"):
            print("unexpected answer: %r" % out)
            return 1
        refused += 1
        if ms >= limit_ms:
            print("refused for %d ms (%d times)" % (ms, refused))
            return 1
        time.sleep(0.1)


def flood(sock, n, path):
    """N requests, each with a token of a kid no set holds; prints the
    status lines seen, counted."""
    import base64
    import collections
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import fcgi_client

    def b64(s):
        return base64.urlsafe_b64encode(s.encode()).rstrip(b"=").decode()
    seen = collections.Counter()
    for i in range(n):
        tok = "%s.%s.%s" % (b64('{"alg":"EdDSA","kid":"made-up-%d"}' % i),
                            b64('{"iss":"x"}'), b64("not a signature"))
        out, complete, _ = fcgi_client.request(
            sock, "POST", path,
            [("Authorization", "Bearer " + tok),
             ("Content-Type", "application/json"),
             ("Accept", "application/json")],
            b'{"phoneNumber":"+34600000001"}', timeout=10.0)
        seen[out.split(b"\r\n", 1)[0].decode()] += 1
    for k, v in sorted(seen.items()):
        print("%d %s" % (v, k))


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(*sys.argv[2:5])
    elif sys.argv[1] == "until-pass":
        sys.exit(until_pass(sys.argv[2], sys.argv[3], sys.argv[4],
                            int(sys.argv[5])))
    elif sys.argv[1] == "flood":
        flood(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        sys.exit("usage: keysync_provider.py serve DIR CERT KEY | "
                 "flood SOCKET N PATH")
