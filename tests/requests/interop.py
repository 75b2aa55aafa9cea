"""JOSE interoperability helper for interop.test, using jwcrypto.

  interop.py check-module
      exit 0 when jwcrypto (with Ed25519) is importable, else 77
  interop.py verify JWKS TOKEN ISS AUD PHONE
      verifies an nv-token token with the public key set; prints "ok"
      or the reason it failed
  interop.py sign KEY ISS AUD PHONE [SCOPE]
      signs an access token with the private JWK file KEY (EdDSA, kid
      of the key, typ at+jwt) and prints it
  interop.py thumbprint JWKS
      prints the RFC 7638 thumbprint of the set's first key
  interop.py newkey
      prints a fresh private Ed25519 JWK made by jwcrypto
"""
import json
import sys
import time
import uuid


def load_jwcrypto():
    from jwcrypto import jwk, jws, jwt  # noqa: F401
    jwk.JWK.generate(kty="OKP", crv="Ed25519")
    return jwk, jws, jwt


def verify(jwks_path, token, iss, aud, phone):
    jwk, jws, jwt = load_jwcrypto()
    with open(jwks_path) as f:
        keys = jwk.JWKSet.from_json(f.read())
    try:
        t = jwt.JWT(jwt=token, key=keys, algs=["EdDSA"],
                    check_claims={"iss": iss, "aud": aud, "exp": None})
    except Exception as e:  # jwcrypto raises several kinds
        return "rejected: %s: %s" % (type(e).__name__, e)
    header = json.loads(t.header)
    claims = json.loads(t.claims)
    if header.get("alg") != "EdDSA":
        return "alg is %r" % header.get("alg")
    if claims.get("phone_number") != phone:
        return "phone_number is %r" % claims.get("phone_number")
    return "ok"


def sign(key_path, iss, aud, phone, scope):
    jwk, jws, jwt = load_jwcrypto()
    with open(key_path) as f:
        key = jwk.JWK.from_json(f.read())
    now = int(time.time())
    header = {"alg": "EdDSA", "typ": "at+jwt"}
    if key.get("kid"):
        header["kid"] = key.get("kid")
    claims = {"iss": iss, "aud": aud, "sub": "interop", "iat": now,
              "exp": now + 600, "jti": str(uuid.uuid4()), "scope": scope,
              "amr": ["nba"], "phone_number": phone}
    t = jwt.JWT(header=header, claims=claims)
    t.make_signed_token(key)
    return t.serialize()


def main(argv):
    cmd = argv[1] if len(argv) > 1 else ""
    if cmd == "check-module":
        try:
            load_jwcrypto()
        except Exception as e:
            print("jwcrypto with Ed25519 is not available: %s" % e)
            return 77
        return 0
    if cmd == "verify" and len(argv) == 7:
        print(verify(*argv[2:7]))
        return 0
    if cmd == "sign" and len(argv) in (6, 7):
        scope = argv[6] if len(argv) == 7 else \
            "number-verification:verify " \
            "number-verification:device-phone-number:read"
        print(sign(argv[2], argv[3], argv[4], argv[5], scope))
        return 0
    if cmd == "thumbprint" and len(argv) == 3:
        jwk, _, _ = load_jwcrypto()
        with open(argv[2]) as f:
            keys = json.load(f)["keys"]
        print(jwk.JWK(**keys[0]).thumbprint())
        return 0
    if cmd == "newkey" and len(argv) == 2:
        jwk, _, _ = load_jwcrypto()
        k = jwk.JWK.generate(kty="OKP", crv="Ed25519", kid="k1")
        print(k.export_private())
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
