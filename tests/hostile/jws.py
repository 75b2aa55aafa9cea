#!/usr/bin/env python3
"""Crafts the tokens nv-token will not mint: a JWS over exact header
and payload bytes (numbers json-c cannot round-trip, such as 1e309 or
2^64, megabyte claim sets), a signature with a non-canonical S, the
JWS JSON serialization, and Ed25519 points of small order.

usage: jws.py sign KEY.key HEADER PAYLOAD [--s-plus-l]
       jws.py json KEY.key HEADER PAYLOAD
       jws.py batch KEY.key OUTDIR <LINES
       jws.py small-order-x
HEADER and PAYLOAD are the JSON text itself, or @FILE for a file's bytes.
batch reads lines of NAME TAB sign|json TAB HEADER TAB PAYLOAD [TAB OPTION]
and writes each token to OUTDIR/NAME: one start-up for many tokens.
Signing is Ed25519 from python3-cryptography (RFC 8032), never hand-written.
"""
import base64
import json
import sys

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

# The order of the Ed25519 base point (RFC 8032 section 5.1).
L = 2**252 + 27742317777372353535851937790883648493


def b64(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def unb64(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def arg_bytes(a):
    if a.startswith("@"):
        with open(a[1:], "rb") as f:
            return f.read()
    return a.encode()


def load_key(path):
    with open(path) as f:
        jwk = json.load(f)
    return Ed25519PrivateKey.from_private_bytes(unb64(jwk["d"]))


def make(key, kind, header, payload, opts):
    h, p = b64(header), b64(payload)
    sig = key.sign((h + "." + p).encode())
    if "--s-plus-l" in opts:
        # S + L still satisfies the verification equation, but RFC 8032
        # requires S < L: a second encoding of one signature.
        s = int.from_bytes(sig[32:], "little") + L
        sig = sig[:32] + s.to_bytes(32, "little")
    if kind == "json":
        return json.dumps({"payload": p, "protected": h,
                           "signature": b64(sig)}, separators=(",", ":"))
    return h + "." + p + "." + b64(sig)


def main(argv):
    if argv[:1] == ["small-order-x"]:
        # A point of order 8 (one of libsodium's blocklist): a key a
        # signature can be forged for, which a key set must never hold.
        print(b64(bytes.fromhex("c7176a703d4dd84fba3c0b760d10670f"
                                "2a2053fa2c39ccc64ec7fd7792ac037a")))
        return 0
    if argv[:1] == ["batch"] and len(argv) == 3:
        key = load_key(argv[1])
        for line in sys.stdin.read().split("\n"):
            if not line:
                continue
            name, kind, header, payload, *opts = line.split("\t")
            with open(argv[2] + "/" + name, "w") as f:
                f.write(make(key, kind, header.encode(), payload.encode(),
                             opts))
        return 0
    if len(argv) < 4 or argv[0] not in ("sign", "json"):
        sys.stderr.write(__doc__)
        return 2
    print(make(load_key(argv[1]), argv[0], arg_bytes(argv[2]),
               arg_bytes(argv[3]), argv[4:]))
    return 0


sys.exit(main(sys.argv[1:]))
