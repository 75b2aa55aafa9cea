#!/usr/bin/python3
"""An RFC 7662 introspection endpoint for tests/introspect.test.

    introspect_server.py PORTFILE CERT KEY ANSWERS CALLS CLIENT_ID
                         (--secret S | --jwk PUBLIC_JWK_FILE)

Serves HTTPS (HTTP/1.1, connections kept) on 127.0.0.1, on a free port
written to PORTFILE.  POST /introspect: the client must authenticate as
CLIENT_ID, with HTTP Basic (RFC 6749 section 2.3.1: both parts
form-encoded, then base64) and the secret S, or with a private_key_jwt
assertion (RFC 7523) signed EdDSA by the key in PUBLIC_JWK_FILE,
iss = sub = CLIENT_ID, aud = the endpoint's URL, a jti never seen
before, exp at most 5 minutes after iat.  Anything else is a 401.  The
form must hold token and token_type_hint=access_token.

ANSWERS is a JSON object read again on each call: token -> answer
object; an unknown token is {"active": false}.  Some tokens make the
endpoint fail: "fail-500", "fail-garbage" (not JSON), "fail-huge" (a
70 KB JSON answer), "fail-redirect" (302 to elsewhere), "fail-401",
"fail-slow" (3 s before answering), "fail-array" (JSON, not an object).
Each call appends one line to CALLS: the token (or "badauth"); each
connection one line to CALLS.conns.
"""
import base64
import json
import ssl
import sys
import threading
import time
import urllib.parse
from http.server import ThreadingHTTPServer

import jwt
import test_httpd
from jwt.algorithms import OKPAlgorithm

PORTFILE, CERT, KEY, ANSWERS, CALLS, CLIENT_ID = sys.argv[1:7]
MODE, CRED = sys.argv[7], sys.argv[8]
PUBKEY = None
if MODE == "--jwk":
    with open(CRED) as f:
        jwk = json.load(f)
    PUBKEY = OKPAlgorithm.from_jwk(json.dumps(jwk["keys"][0] if "keys" in jwk
                                              else jwk))
SEEN_JTI = set()
LOCK = threading.Lock()


def log_call(what):
    with LOCK, open(CALLS, "a") as f:
        f.write(what + "\n")


class Handler(test_httpd.Handler):
    disable_nagle_algorithm = True	# no 40 ms delayed-ACK stall per answer

    def setup(self):
        # One line per TLS connection: kept connections make few.
        super().setup()
        with LOCK, open(CALLS + ".conns", "a") as f:
            f.write("conn\n")

    def client_ok(self, form):
        url = "https://127.0.0.1:%d/introspect" % self.server.server_port
        if MODE == "--secret":
            h = self.headers.get("Authorization", "")
            if not h.startswith("Basic "):
                return False
            pair = base64.b64decode(h[6:], validate=True).decode()
            cid, _, sec = pair.partition(":")
            return (urllib.parse.unquote_plus(cid) == CLIENT_ID and
                    urllib.parse.unquote_plus(sec) == CRED)
        if "Authorization" in self.headers:
            return False
        if form.get("client_assertion_type") != [
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"]:
            return False
        a = form.get("client_assertion", [""])[0]
        try:
            c = jwt.decode(a, PUBKEY, algorithms=["EdDSA"], audience=url,
                           issuer=CLIENT_ID,
                           options={"require": ["exp", "iat", "jti", "sub"]})
        except jwt.PyJWTError:
            return False
        with LOCK:
            if c["jti"] in SEEN_JTI:
                return False
            SEEN_JTI.add(c["jti"])
        return c["sub"] == CLIENT_ID and c["exp"] - c["iat"] <= 300

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(n).decode()
        form = urllib.parse.parse_qs(raw, keep_blank_values=True)
        if (self.path != "/introspect" or
                self.headers.get("Content-Type") !=
                "application/x-www-form-urlencoded" or
                form.get("token_type_hint") != ["access_token"] or
                len(form.get("token", [])) != 1):
            log_call("badform")
            self.send(400, b'{"error":"invalid_request"}')
            return
        if not self.client_ok(form):
            log_call("badauth")
            self.send(401, b'{"error":"invalid_client"}',
                      extra=[("WWW-Authenticate", 'Basic realm="as"')])
            return
        tok = form["token"][0]
        log_call(tok)
        if tok == "fail-500":
            self.send(500, b'{"error":"server_error"}')
        elif tok == "fail-garbage":
            self.send(200, b"<html>not json</html>", "text/html")
        elif tok == "fail-array":
            self.send(200, b'[{"active":true}]')
        elif tok == "fail-huge":
            self.send(200, json.dumps({"active": True,
                                       "pad": "x" * 70000}).encode())
        elif tok == "fail-redirect":
            self.send(302, b"", extra=[("Location",
                                        "https://127.0.0.1:1/introspect")])
        elif tok == "fail-401":
            self.send(401, b'{"error":"invalid_client"}')
        elif tok == "fail-slow":
            time.sleep(3)
            self.send(200, b'{"active":false}')
        else:
            with open(ANSWERS) as f:
                answers = json.load(f)
            self.send(200, json.dumps(answers.get(tok, {"active": False}))
                      .encode())


def main():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(CERT, KEY)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    with open(PORTFILE + ".tmp", "w") as f:
        f.write("%d\n" % srv.server_port)
    import os
    os.rename(PORTFILE + ".tmp", PORTFILE)
    srv.serve_forever()


main()
