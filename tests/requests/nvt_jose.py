"""nv-token's EC and RSA keys and tokens read by other JOSE libraries,
for nv-token.test: jwcrypto and PyJWT (python3-jwcrypto, python3-jwt).

  nvt_jose.py check-module
      exit 0 when jwcrypto and PyJWT are importable, else 77
  nvt_jose.py keys ALG PREFIX
      checks PREFIX.key and PREFIX.jwks of `nv-token keygen --alg ALG`:
      the members RFC 7518 section 6 names, no private member in the
      set, both imported by jwcrypto as one pair, kid the RFC 7638
      thumbprint computed here and by jwcrypto unless --kid was given;
      prints "ok" or what is wrong
  nvt_jose.py verify ALG JWKS TOKEN
      verifies the token with the set in jwcrypto and in PyJWT, header
      alg ALG; prints "ok SIGNATURE-LENGTH" or why it failed
  nvt_jose.py newkey KTY CRV-OR-BITS PREFIX
      writes PREFIX.key, a private EC or RSA JWK made by jwcrypto
      without alg (kid py-KTY), and PREFIX.jwks, its public key set
"""
import base64
import hashlib
import json
import sys

PUBLIC = {"EC": ["crv", "x", "y"], "RSA": ["n", "e"], "OKP": ["crv", "x"]}
PRIVATE = {"EC": ["d"], "RSA": ["d", "p", "q", "dp", "dq", "qi"],
           "OKP": ["d"]}
KIND = {"ES256": ("EC", "P-256", 32), "ES384": ("EC", "P-384", 48),
        "EdDSA": ("OKP", "Ed25519", 32)}


def b64d(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def b64e(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def kind(alg):
    return KIND.get(alg, ("RSA", None, None))


def thumbprint(k):
    req = {m: k[m] for m in PUBLIC[k["kty"]] + ["kty"]}
    s = json.dumps(req, sort_keys=True, separators=(",", ":"))
    return b64e(hashlib.sha256(s.encode()).digest())


def check_keys(alg, prefix):
    from jwcrypto import jwk
    kty, crv, size = kind(alg)
    with open(prefix + ".key") as f:
        priv = json.load(f)
    with open(prefix + ".jwks") as f:
        pub = json.load(f)
    if list(pub) != ["keys"] or len(pub["keys"]) != 1:
        return "the set is not one key"
    pk = pub["keys"][0]
    want = set(PUBLIC[kty] + ["kty", "kid", "use", "alg"])
    if set(pk) != want:
        return "set members %s, want %s" % (sorted(pk), sorted(want))
    if set(priv) != want | set(PRIVATE[kty]):
        return "key members %s" % sorted(priv)
    if any(priv[m] != pk[m] for m in want):
        return "the key's public members differ from the set's"
    if (pk["kty"], pk.get("crv"), pk["use"], pk["alg"]) != (kty, crv,
                                                           "sig", alg):
        return "kty/crv/use/alg %r" % [pk["kty"], pk.get("crv"),
                                       pk["use"], pk["alg"]]
    if size is not None:
        for m in ("x", "y", "d"):
            if m in priv and len(b64d(priv[m])) != size:
                return "%s is %d octets, want %d" % (
                    m, len(b64d(priv[m])), size)
    else:
        # Base64urlUInt: no leading zero octet (RFC 7518 section 2).
        for m in PUBLIC[kty] + PRIVATE[kty]:
            if b64d(priv[m])[0] == 0:
                return "%s has a leading zero octet" % m
        if priv["e"] != "AQAB":
            return "e is %s" % priv["e"]
    jpub = jwk.JWKSet.from_json(json.dumps(pub)).get_key(pk["kid"])
    jpriv = jwk.JWK(**priv)
    if jpub is None or not jpriv.has_private or jpub.has_private:
        return "jwcrypto does not import them as a pair"
    if json.loads(jpriv.export_public()) != json.loads(jpub.export_public()):
        return "jwcrypto's public part of the key is not the set's"
    if thumbprint(pk) != jpub.thumbprint():
        return "thumbprints differ: here %s, jwcrypto %s" % (
            thumbprint(pk), jpub.thumbprint())
    if not pk["kid"].startswith("given-") and pk["kid"] != thumbprint(pk):
        return "kid %s is not the thumbprint %s" % (pk["kid"], thumbprint(pk))
    return "ok"


def verify(alg, jwks_path, token):
    from jwcrypto import jwk, jwt as jjwt
    import jwt
    with open(jwks_path) as f:
        text = f.read()
    keys = jwk.JWKSet.from_json(text)
    try:
        t = jjwt.JWT(jwt=token, key=keys, algs=[alg], check_claims=False)
    except Exception as e:  # jwcrypto raises several kinds
        return "jwcrypto rejected it: %s: %s" % (type(e).__name__, e)
    header = json.loads(t.header)
    if header.get("alg") != alg:
        return "alg is %r" % header.get("alg")
    pk = [k for k in json.loads(text)["keys"] if k["kid"] == header["kid"]]
    try:
        claims = jwt.decode(token, jwt.PyJWK(pk[0]).key, algorithms=[alg],
                            options={"verify_aud": False})
    except Exception as e:
        return "PyJWT rejected it: %s: %s" % (type(e).__name__, e)
    if claims != json.loads(t.claims):
        return "PyJWT and jwcrypto read other claims"
    return "ok %d" % len(b64d(token.split(".")[2]))


def newkey(kty, arg, prefix):
    from jwcrypto import jwk
    if kty == "RSA":
        k = jwk.JWK.generate(kty="RSA", size=int(arg))
    else:
        k = jwk.JWK.generate(kty=kty, crv=arg)
    priv = json.loads(k.export_private())
    pub = json.loads(k.export_public())
    priv["kid"] = pub["kid"] = "py-" + kty
    for d in (priv, pub):
        d.pop("alg", None)
    with open(prefix + ".key", "w") as f:
        json.dump(priv, f)
    with open(prefix + ".jwks", "w") as f:
        json.dump({"keys": [pub]}, f)


def main(argv):
    if argv[1:2] == ["check-module"]:
        try:
            import jwcrypto.jwk  # noqa: F401
            import jwt  # noqa: F401
        except ImportError:
            return 77
        return 0
    if len(argv) == 4 and argv[1] == "keys":
        print(check_keys(argv[2], argv[3]))
    elif len(argv) == 5 and argv[1] == "verify":
        print(verify(argv[2], argv[3], argv[4]))
    elif len(argv) == 5 and argv[1] == "newkey":
        newkey(argv[2], argv[3], argv[4])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
