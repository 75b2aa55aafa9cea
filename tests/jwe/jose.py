#!/usr/bin/python3
"""Independent JOSE side of the encrypted-token tests (python3-jwcrypto).

nest: a nested token made by jwcrypto: a JWS signed with nv-token's
      Ed25519 .key, encrypted to nv-token's X25519 .jwks, or, for the
      refusal tests, with another alg, enc, key or header.
raw:  a nested token whose protected header is the exact text given
      (EPK_X in it replaced by the ephemeral key's "x"), encrypted here
      with ECDH-ES, the Concat KDF and A256GCM as RFC 7518 says: for
      headers jwcrypto will not write, such as values with a "\u0000".
open: decrypts and verifies an nv-token nested token with jwcrypto,
      prints the claims as JSON.
"""
import argparse
import base64
import hashlib
import json
import os
import struct
import sys
import time

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import x25519
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

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


def signed_token(args):
    """The inner JWS, signed with nv-token's Ed25519 key."""
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
    return signed


def nest(args):
    signed = signed_token(args)
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


def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode("ascii")


def b64u_decode(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def concat_kdf(z, alg_id, bits):
    """RFC 7518 section 4.6.2, one round (bits <= 256), no apu/apv."""
    counted = lambda b: struct.pack(">I", len(b)) + b
    other = counted(alg_id) + counted(b"") + counted(b"") + \
        struct.pack(">I", bits)
    return hashlib.sha256(struct.pack(">I", 1) + z + other).digest()[:bits // 8]


def raw(args):
    signed = signed_token(args)
    keys = [k for k in load(args.enc_jwks)["keys"] if k.get("crv") == "X25519"]
    pk = x25519.X25519PublicKey.from_public_bytes(b64u_decode(keys[0]["x"]))
    esk = x25519.X25519PrivateKey.generate()
    epk = esk.public_key().public_bytes(serialization.Encoding.Raw,
                                        serialization.PublicFormat.Raw)
    cek = concat_kdf(esk.exchange(pk), b"A256GCM", 256)
    h64 = b64u(args.header.replace("EPK_X", b64u(epk)).encode("utf-8"))
    iv = os.urandom(12)
    sealed = AESGCM(cek).encrypt(iv, signed.encode("ascii"),
                                 h64.encode("ascii"))
    print(".".join((h64, "", b64u(iv), b64u(sealed[:-16]),
                    b64u(sealed[-16:]))))


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
    r = sub.add_parser("raw")
    for p in (n, r):
        p.add_argument("--sign-key", required=True)
        p.add_argument("--enc-jwks")
        p.add_argument("--iss", required=True)
        p.add_argument("--aud", required=True)
        p.add_argument("--phone")
        p.add_argument("--scope", default="number-verification:verify "
                       "number-verification:device-phone-number:read")
        p.add_argument("--ttl", type=int, default=300)
        p.add_argument("--bad-signature", action="store_true")
    r.add_argument("--header", required=True)
    n.add_argument("--alg", default="ECDH-ES")
    n.add_argument("--enc", default="A256GCM")
    n.add_argument("--cty", default="JWT")
    n.add_argument("--kid")
    n.add_argument("--zip", action="store_true")
    n.add_argument("--curve", help="encrypt to a fresh key of this curve")
    n.add_argument("--apu")
    n.add_argument("--apv")
    o = sub.add_parser("open")
    o.add_argument("--enc-key", required=True)
    o.add_argument("--sig-jwks", required=True)
    o.add_argument("token")
    args = ap.parse_args()
    if args.cmd == "nest":
        nest(args)
    elif args.cmd == "raw":
        raw(args)
    else:
        open_(args)


if __name__ == "__main__":
    main()
