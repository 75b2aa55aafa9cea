"""Every signature algorithm through nv-fcgi run as CGI (algs.test).

Keys are made by jwcrypto; tokens are signed by jwcrypto and by PyJWT
(Debian's python3-jwcrypto and python3-jwt); each answer is checked
whole: status line, the headers that matter, the exact body, and the
log line's reason for a 401.  Prints TAP.

  algs.py NV_FCGI TMPDIR
"""
import base64
import json
import os
import subprocess
import sys
import time

from jwcrypto import jwk, jws
import jwt as pyjwt

NV, TMP = sys.argv[1], sys.argv[2]
ISS, AUD, PHONE = "https://operator.example", "number-verification", "+34600000001"
SCOPE = "number-verification:verify number-verification:device-phone-number:read"
ALGS = ["EdDSA", "ES256", "ES384", "RS256", "RS384", "RS512",
        "PS256", "PS384", "PS512"]
# The P-256 group order, for the twin (R, n - S) of an ES256 signature.
P256_N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551

OK_SHARE = ("Status: 200 OK\r\nContent-Type: application/json\r\n"
            "Cache-Control: no-store\r\nContent-Length: 36\r\n\r\n"
            '{"devicePhoneNumber":"+34600000001"}')
OK_VERIFY = ("Status: 200 OK\r\nContent-Type: application/json\r\n"
             "Cache-Control: no-store\r\nContent-Length: 34\r\n\r\n"
             '{"devicePhoneNumberVerified":true}')
E401 = ("Status: 401 Unauthorized\r\nContent-Type: application/json\r\n"
        "Cache-Control: no-store\r\n"
        'WWW-Authenticate: Bearer error="invalid_token"\r\n'
        "Content-Length: 125\r\n\r\n"
        '{"status":401,"code":"UNAUTHENTICATED","message":"Request not '
        'authenticated due to missing, invalid, or expired credentials"}')
E403_CONTEXT = ("Status: 403 Forbidden\r\nContent-Type: application/json\r\n"
                "Cache-Control: no-store\r\nContent-Length: 135\r\n\r\n"
                '{"status":403,"code":"NUMBER_VERIFICATION.INVALID_TOKEN_'
                'CONTEXT","message":"Phone number cannot be deducted from '
                'access token context"}')

n = 0
failed = 0


def b64(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def unb64(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def claims(**more):
    now = int(time.time())
    c = {"iss": ISS, "aud": AUD, "iat": now, "exp": now + 300,
         "scope": SCOPE, "amr": ["nba"], "phone_number": PHONE}
    c.update(more)
    return {k: v for k, v in c.items() if v is not None}


def newkey(alg, **kw):
    if alg == "EdDSA":
        return jwk.JWK.generate(kty="OKP", crv="Ed25519", **kw)
    if alg.startswith("ES"):
        return jwk.JWK.generate(kty="EC", crv={"ES256": "P-256",
                                "ES384": "P-384"}[alg], **kw)
    return jwk.JWK.generate(kty="RSA", size=kw.pop("size", 2048), **kw)


def jwcrypto_sign(key, header, payload):
    s = jws.JWS(json.dumps(payload))
    s.add_signature(key, None, json.dumps(header))
    return s.serialize(compact=True)


def pyjwt_sign(key, alg, kid, payload):
    pem = key.export_to_pem(private_key=True, password=None)
    return pyjwt.encode(payload, pem, algorithm=alg,
                        headers={"kid": kid, "typ": "at+jwt"})


def write_set(name, keys, extra=()):
    pub = [json.loads(k.export_public()) for k in keys]
    pub.extend(extra)
    with open(os.path.join(TMP, name), "w") as f:
        json.dump({"keys": pub}, f)


def write_conf(name, jwks, *lines):
    with open(os.path.join(TMP, name), "w") as f:
        f.write("jwks_file = %s\nissuer = %s\naudience = %s\n"
                % (jwks, ISS, AUD))
        for l in lines:
            f.write(l + "\n")


def run(conf, token, verify=False):
    env = {"NV_CONFIG": os.path.join(TMP, conf), "REQUEST_METHOD": "GET",
           "SCRIPT_NAME": "/number-verification/v0",
           "PATH_INFO": "/device-phone-number",
           "HTTP_AUTHORIZATION": "Bearer " + token}
    body = b""
    if verify:
        body = json.dumps({"phoneNumber": PHONE}).encode()
        env.update(REQUEST_METHOD="POST", PATH_INFO="/verify",
                   CONTENT_TYPE="application/json",
                   CONTENT_LENGTH=str(len(body)))
    for v in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
        if v in os.environ:
            env[v] = os.environ[v]
    p = subprocess.run([NV], input=body, env=env, capture_output=True,
                       timeout=60)
    return p.stdout.decode(), p.stderr.decode()


def case(name, conf, token, want, reason=None, verify=False):
    global n, failed
    n += 1
    out, err = run(conf, token, verify)
    why = None
    if out != want:
        why = "answer %r, want %r" % (out, want)
    elif reason is not None and ("(%s)" % reason) not in err:
        why = "log %r does not say (%s)" % (err, reason)
    if why is None:
        print("ok %d - %s" % (n, name))
    else:
        failed += 1
        print("not ok %d - %s\n#   %s" % (n, name, why))


def main():
    keys = {a: newkey(a, kid="k-" + a) for a in ALGS}
    write_set("all.jwks", keys.values())
    write_conf("all.conf", "all.jwks")

    # Each algorithm, signed by jwcrypto and by PyJWT, both operations.
    for a in ALGS:
        h = {"alg": a, "kid": "k-" + a, "typ": "at+jwt"}
        case("%s token from jwcrypto" % a, "all.conf",
             jwcrypto_sign(keys[a], h, claims()), OK_SHARE)
        case("%s token from PyJWT" % a, "all.conf",
             pyjwt_sign(keys[a], a, "k-" + a, claims()), OK_SHARE)
        case("%s token from jwcrypto, POST /verify" % a, "all.conf",
             jwcrypto_sign(keys[a], h, claims()), OK_VERIFY, verify=True)
        t = jwcrypto_sign(keys[a], h, claims())
        hh, pp, ss = t.split(".")
        bad = bytearray(unb64(ss))
        bad[len(bad) // 2] ^= 1
        case("%s signature with one bit flipped" % a, "all.conf",
             "%s.%s.%s" % (hh, pp, b64(bytes(bad))), E401, "bad signature")
        # Another payload under the same signature.
        other = b64(json.dumps(claims(phone_number="+34600000002")).encode())
        case("%s payload swapped" % a, "all.conf",
             "%s.%s.%s" % (hh, other, ss), E401, "bad signature")

    # Algorithm confusion: the header names an algorithm the key named
    # by its kid may not verify; each is refused before any signature.
    conf_cases = [
        ("RSA key with an ES256 header", "ES256", "k-RS256"),
        ("P-256 key with an ES384 header", "ES384", "k-ES256"),
        ("P-384 key with an ES256 header", "ES256", "k-ES384"),
        ("Ed25519 key with an RS256 header", "RS256", "k-EdDSA"),
        ("RSA key with an EdDSA header", "EdDSA", "k-PS256"),
    ]
    for name, alg, kid in conf_cases:
        signer = keys[alg]
        case(name, "all.conf", jwcrypto_sign(
            signer, {"alg": alg, "kid": kid}, claims()), E401,
            "alg not permitted for the key")
    # A JWK bound to RS256 by its alg member, and a PS256 token.
    rk = jwk.JWK.generate(kty="RSA", size=2048, kid="bound", alg="RS256")
    write_set("bound.jwks", [rk])
    write_conf("bound.conf", "bound.jwks")
    case("JWK alg RS256 verifies RS256", "bound.conf", jwcrypto_sign(
        rk, {"alg": "RS256", "kid": "bound"}, claims()), OK_SHARE)
    case("JWK alg RS256 with a PS256 token", "bound.conf", jwcrypto_sign(
        rk, {"alg": "PS256", "kid": "bound"}, claims()), E401,
        "alg not permitted for the key")
    # Never none, never HMAC (keyed with the public key's bytes).
    hs = jwk.JWK(kty="oct", k=b64(keys["RS256"].export_to_pem()))
    case("HS256 keyed with the public key", "all.conf", jwcrypto_sign(
        hs, {"alg": "HS256", "kid": "k-RS256"}, claims()), E401,
        "alg not accepted")
    t = jwcrypto_sign(keys["ES256"], {"alg": "ES256", "kid": "k-ES256"},
                      claims())
    case("alg none", "all.conf", b64(json.dumps(
        {"alg": "none", "kid": "k-ES256"}).encode()) + "." +
        t.split(".")[1] + ".", E401, "malformed token")
    # R||S of the wrong length: DER, one byte short, one byte long.
    hh, pp, ss = t.split(".")
    rs = unb64(ss)
    from cryptography.hazmat.primitives.asymmetric import utils
    der = utils.encode_dss_signature(int.from_bytes(rs[:32], "big"),
                                     int.from_bytes(rs[32:], "big"))
    for name, sig in (("DER-encoded", der), ("63-byte", rs[:63]),
                      ("65-byte", rs + b"\0")):
        case("ES256 signature %s" % name, "all.conf",
             "%s.%s.%s" % (hh, pp, b64(sig)), E401, "bad signature")
    rs384 = unb64(jwcrypto_sign(keys["ES384"], {"alg": "ES384", "kid":
                  "k-ES384"}, claims()).split(".")[2])
    case("ES256 header with a 96-byte signature", "all.conf",
         "%s.%s.%s" % (hh, pp, b64(rs384)), E401, "bad signature")

    # Unusable keys are skipped, each named in a warning; the rest serve.
    weak = newkey("RS256", kid="weak", size=1024)
    ec = json.loads(keys["ES256"].export_public())
    y = bytearray(unb64(ec["y"]))
    y[-1] ^= 1
    offcurve = dict(ec, kid="offcurve", y=b64(bytes(y)))
    write_set("mixed.jwks", [keys["ES256"], weak], [offcurve])
    write_conf("mixed.conf", "mixed.jwks")
    global n, failed
    out, err = run("mixed.conf", t)
    n += 1
    want_warn = ['key "weak" skipped: RSA modulus of 1024 bits',
                 'key "offcurve" skipped: "x" and "y" are not a point on '
                 'EC P-256']
    if out == OK_SHARE and all(w in err for w in want_warn):
        print("ok %d - 1024-bit RSA and off-curve keys skipped, named"
              % n)
    else:
        failed += 1
        print("not ok %d - unusable keys skipped\n#   %r %r" % (n, out, err))
    case("token signed by the 1024-bit key", "mixed.conf", jwcrypto_sign(
        weak, {"alg": "RS256", "kid": "weak"}, claims()), E401,
        "unknown key")

    # signing_algorithms narrows what is accepted.
    write_conf("narrow.conf", "all.jwks", "signing_algorithms = ES256 PS256")
    case("signing_algorithms = ES256 PS256: ES256", "narrow.conf", t,
         OK_SHARE)
    case("signing_algorithms = ES256 PS256: RS256", "narrow.conf",
         jwcrypto_sign(keys["RS256"], {"alg": "RS256", "kid": "k-RS256"},
                       claims()), E401, "alg not accepted")
    case("signing_algorithms = ES256 PS256: EdDSA", "narrow.conf",
         jwcrypto_sign(keys["EdDSA"], {"alg": "EdDSA", "kid": "k-EdDSA"},
                       claims()), E401, "alg not accepted")

    # Single use: a token without jti is named by what was signed, so
    # the twin signature (R, n - S) of a used ES256 token is used too.
    write_conf("once.conf", "all.jwks", "single_use = yes",
               "single_use_file = once.store")
    t = jwcrypto_sign(keys["ES256"], {"alg": "ES256", "kid": "k-ES256"},
                      claims(jti=None))
    hh, pp, ss = t.split(".")
    rs = unb64(ss)
    s = P256_N - int.from_bytes(rs[32:], "big")
    twin = "%s.%s.%s" % (hh, pp, b64(rs[:32] + s.to_bytes(32, "big")))
    case("ES256 without jti, first use", "once.conf", t, OK_SHARE)
    case("ES256 without jti, the twin signature (R, n-S)", "once.conf",
         twin, E401, "token already used")
    t2 = jwcrypto_sign(keys["ES256"], {"alg": "ES256", "kid": "k-ES256"},
                       claims(jti=None, nonce="2"))
    hh, pp, ss = t2.split(".")
    rs = unb64(ss)
    s = P256_N - int.from_bytes(rs[32:], "big")
    case("ES256 without jti, the twin used first", "once.conf",
         "%s.%s.%s" % (hh, pp, b64(rs[:32] + s.to_bytes(32, "big"))),
         OK_SHARE)
    case("ES256 without jti, then the original", "once.conf", t2, E401,
         "token already used")

    # CAMARA's tel: URI in sub.
    write_conf("sub.conf", "all.jwks", "phone_claim = sub")
    case("sub tel:+34600000001", "sub.conf", jwcrypto_sign(
        keys["PS256"], {"alg": "PS256", "kid": "k-PS256"},
        claims(sub="tel:" + PHONE, phone_number=None)), OK_SHARE)
    case("sub tel:600000001 (not E.164)", "sub.conf", jwcrypto_sign(
        keys["PS256"], {"alg": "PS256", "kid": "k-PS256"},
        claims(sub="tel:600000001", phone_number=None)), E403_CONTEXT,
        "no usable phone number claim")

    print("1..%d" % n)
    return 1 if failed else 0


sys.exit(main())
