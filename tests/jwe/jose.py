#!/usr/bin/python3
"""Independent JOSE side of the encrypted-token tests (python3-jwcrypto).

nest: a nested token made by jwcrypto: a JWS signed with nv-token's
      Ed25519 .key, encrypted to nv-token's X25519 .jwks, or, for the
      refusal tests, with another alg, enc, key or header.
open: decrypts and verifies an nv-token nested token with jwcrypto,
      prints the claims as JSON.
"""
import argparse
import json
import sys
import time

from jwcrypto import jwe, jwk, jws, jwt  # noqa: F401 (jws: EdDSA support)
from jwcrypto.common import json_encode


def load(path):
    with open(path, encoding="ascii") as f:
        return json.load(f)


def recipient(args):
    """The key jwcrypto encrypts to, and the kid the header names."""
    kid = None
    if args.enc_jwks:
        keys = [k for k in load(args.enc_jwks)["keys"] if k.get("crv") == "X25519"]
        key = jwk.JWK(**keys[0])
        kid = keys[0].get("kid")
    if args.alg == "RSA-OAEP":
        key = jwk.JWK.generate(kty="RSA", size=2048)
    elif args.alg == "dir":
        key = jwk.JWK.generate(kty="oct", size=256)
    elif args.curve:
        kty = "OKP" if args.curve.startswith("X") else "EC"
        key = jwk.JWK.generate(kty=kty, crv=args.curve)
    return key, kid


def nest(args):
    sig = jwk.JWK(**load(args.sign_key))
    now = int(time.time())
    claims = {
        "iss": args.iss, "aud": args.aud, "sub": "jwcrypto",
        "iat": now, "exp": now + args.ttl, "jti": "jwcrypto-%d" % now,
        "scope": args.scope, "amr": ["nba"],
    }
    if args.phone:
        claims["phone_number"] = args.phone
    inner = jwt.JWT(header={"alg": "EdDSA", "typ": "at+jwt",
                            "kid": load(args.sign_key)["kid"]},
                    claims=claims)
    inner.make_signed_token(sig)
    signed = inner.serialize()
    if args.bad_signature:
        # The signed token with the last signature byte changed.
        h, p, s = signed.split(".")
        signed = ".".join((h, p, s[:-2] + ("AA" if s[-2:] != "AA" else "BA")))
    key, kid = recipient(args)
    header = {"alg": args.alg, "enc": args.enc}
    if args.cty:
        header["cty"] = args.cty
    if args.kid is not None:
        kid = args.kid
    if kid:
        header["kid"] = kid
    if args.zip:
        header["zip"] = "DEF"
    if args.apu:
        header["apu"] = args.apu
        header["apv"] = args.apv
    token = jwe.JWE(signed.encode("ascii"), json_encode(header))
    token.add_recipient(key)
    print(token.serialize(compact=True))


def open_(args):
    enc = jwk.JWK(**load(args.enc_key))
    sigs = jwk.JWKSet.from_json(open(args.sig_jwks, encoding="ascii").read())
    outer = jwe.JWE()
    outer.deserialize(args.token, key=enc)
    hdr = outer.jose_header
    if hdr.get("cty", "").upper() != "JWT":
        sys.exit("not a nested JWT: cty is %r" % hdr.get("cty"))
    inner = jwt.JWT(jwt=outer.payload.decode("ascii"), key=sigs,
                    algs=["EdDSA"])
    out = {"jwe": hdr, "jws": json.loads(inner.header),
           "claims": json.loads(inner.claims)}
    print(json.dumps(out, sort_keys=True))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    n = sub.add_parser("nest")
    n.add_argument("--sign-key", required=True)
    n.add_argument("--enc-jwks")
    n.add_argument("--iss", required=True)
    n.add_argument("--aud", required=True)
    n.add_argument("--phone")
    n.add_argument("--scope", default="number-verification:verify "
                   "number-verification:device-phone-number:read")
    n.add_argument("--ttl", type=int, default=300)
    n.add_argument("--alg", default="ECDH-ES")
    n.add_argument("--enc", default="A256GCM")
    n.add_argument("--cty", default="JWT")
    n.add_argument("--kid")
    n.add_argument("--zip", action="store_true")
    n.add_argument("--curve", help="encrypt to a fresh key of this curve")
    n.add_argument("--apu")
    n.add_argument("--apv")
    n.add_argument("--bad-signature", action="store_true")
    o = sub.add_parser("open")
    o.add_argument("--enc-key", required=True)
    o.add_argument("--sig-jwks", required=True)
    o.add_argument("token")
    args = ap.parse_args()
    if args.cmd == "nest":
        nest(args)
    else:
        open_(args)


if __name__ == "__main__":
    main()
