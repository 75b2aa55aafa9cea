#!/usr/bin/env python3
"""Writes the seed corpora in fuzz/corpus/<target>/ from the cases of
the hostile-input and request tests.  Tokens are signed with the fuzz
targets' fixed key (seed 0x42 * 32, kid "fuzz"; see fuzz/common.c), so
the seeds of fuzz_token_raw pass the signature.  Run from the source
tree's top folder; the output is committed."""
import base64, hashlib, json, os, shutil
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

KEY = Ed25519PrivateKey.from_private_bytes(b"\x42" * 32)
NOW = 1700000000
ISS, AUD = "https://issuer.example", "https://nv.example"
HDR = b'{"alg":"EdDSA","typ":"at+jwt","kid":"fuzz"}'


def b64(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=")


def sign(header, payload):
    si = b64(header) + b"." + b64(payload)
    return si + b"." + b64(KEY.sign(si))


def claims(**kw):
    c = {"iss": ISS, "aud": AUD, "exp": NOW + 300, "iat": NOW,
         "scope": "number-verification:verify "
                  "number-verification:device-phone-number:read",
         "amr": ["nba"], "phone_number": "+34600000000"}
    for k, v in kw.items():
        if v is None:
            c.pop(k, None)
        else:
            c[k] = v
    return json.dumps(c, separators=(",", ":")).encode()


CLAIMS = [
    claims(), claims(exp=NOW - 1000), claims(exp="soon"), claims(exp=None),
    claims(exp=NOW + 300.5), claims(aud=[AUD, "x"]), claims(aud=[]),
    claims(aud={}), claims(scope=["number-verification:verify"]),
    claims(amr="nba"), claims(amr=["pwd"]), claims(phone_number="+1"),
    claims(phone_number=None), claims(nbf=NOW + 1000), claims(iss="x"),
    b'{"iss":"https://issuer.example","exp":1e309}',
    b'{"exp":18446744073709551616,"aud":"https://nv.example",'
    b'"iss":"https://issuer.example"}',
    b'{"a":1,"a":2}', b"[]", b"{}", b"",
]

BODIES = [
    b'{"phoneNumber":"+34600000000"}', b'{"phoneNumber":"+34600000001"}',
    b'{"hashedPhoneNumber":"'
    + hashlib.sha256(b"+34600000000").hexdigest().encode() + b'"}',
    b'{"phoneNumber":"+34600000000","hashedPhoneNumber":"00"}',
    b'{"phoneNumber":1e999}', b'{"phoneNumber":"+34\xff"}',
    b'{"phoneNumber":"+34600000000\\u0000"}', b'{"phoneNumber":null}',
    b'{"x":' + b"[" * 20 + b"]" * 20 + b"}", b'{"phoneNumber":"+3"}\x00',
    b'{"phoneNumber":"+34600000000"} x', b"[1]", b"   ", b"",
    b'{"phoneNumber":"+34600000000","phoneNumber":"+34600000001"}',
]


def write(target, items):
    d = os.path.join("fuzz", "corpus", target)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for i, data in enumerate(items):
        with open(os.path.join(d, "seed-%02d" % i), "wb") as f:
            f.write(data)


def request(ctl, env, body=b""):
    return bytes([ctl]) + b"".join(e + b"\n" for e in env) + b"\n" + body


def main():
    write("fuzz_verify_parse", BODIES)
    # fuzz_token_claims: a header selector byte, then the claim set.
    write("fuzz_token_claims", [b"\x00" + c for c in CLAIMS]
          + [b"\x01" + CLAIMS[0], b"\x02" + CLAIMS[0], b"\x03" + CLAIMS[0]])
    raw = [sign(HDR, c) for c in CLAIMS]
    good = raw[0]
    h, p, s = good.split(b".")
    raw += [h, h + b"." + p, good + b".x", h + b".." + s, b"..",
            good.replace(b"-", b"+"), good + b"=",
            sign(b'{"alg":"eddsa","kid":"fuzz"}', CLAIMS[0]),
            sign(b'{"alg":"EdDSA","kid":"../../etc/passwd"}', CLAIMS[0]),
            sign(b'{"alg":"none"}', CLAIMS[0]),
            sign(b'{"alg":"EdDSA","kid":"fuzz","crit":["b64"]}', CLAIMS[0])]
    write("fuzz_token_raw", raw)
    pk = b64(KEY.public_key().public_bytes(Encoding.Raw,
                                           PublicFormat.Raw)).decode()
    okp = {"kty": "OKP", "crv": "Ed25519", "x": pk}
    write("fuzz_jwks", [json.dumps(x).encode() for x in [
        {"keys": [dict(okp, kid="fuzz", use="sig")]},
        {"keys": [okp]},
        {"keys": [dict(okp, kid="a"), dict(okp, kid="a")]},
        {"keys": [dict(okp, x=b64(b"\x01" + b"\x00" * 31).decode())]},
        {"keys": [{"kty": "RSA", "n": "AQAB", "e": "AQAB"},
                  dict(okp, crv="X25519"), dict(okp, use="enc")]},
        {"keys": []}, {"keys": {}}, {"keys": [1]}, {}]])
    write("fuzz_config", [
        b"jwks_file = keys.jwks\nissuer = https://issuer.example\n"
        b"audience = https://nv.example\n",
        b"# full\njwks_file = /etc/nv/keys.jwks\nissuer = i\naudience = a\n"
        b"leeway = 0\nphone_claim = phone_number\nnetwork_amr = nba mnba\n"
        b"api_version = v2\n",
        b"jwks_file = a\njwks_file = b\n", b"leeway = 3601\n",
        b"unknown = 1\n", b"no equals sign\n", b"api_version = v9\n",
        b"network_amr = a b c d e f g h i\n", b"\r\n\t  # c\n",
    ])
    v2 = [b"REQUEST_METHOD=POST", b"SCRIPT_NAME=/number-verification/v2",
          b"PATH_INFO=/verify", b"HTTP_ACCEPT=application/json",
          b"CONTENT_TYPE=application/json",
          b"HTTP_AUTHORIZATION=Bearer SIGN:" + CLAIMS[0],
          b"HTTP_X_CORRELATOR=abc-123"]
    reqs = []
    for i, body in enumerate(BODIES[:8]):
        reqs.append(request((0x04 | (i & 1) | (i << 3)) & 0xff,
                            v2 + [b"CONTENT_LENGTH=%d" % len(body)], body))
    reqs += [
        request(0x04, v2[:5] + [b"HTTP_AUTHORIZATION=Bearer SIGN:" + c,
                                b"CONTENT_LENGTH=30"], BODIES[0])
        for c in CLAIMS[1:12]]
    reqs += [
        request(0x00, [b"REQUEST_METHOD=GET",
                       b"REQUEST_URI=/device-phone-number",
                       b"HTTP_AUTHORIZATION=Bearer SIGN:" + CLAIMS[0]]),
        request(0x02, [b"REQUEST_METHOD=GET",
                       b"SCRIPT_NAME=/number-verification/v1",
                       b"PATH_INFO=/device-phone-number",
                       b"HTTP_AUTHORIZATION=bearer  " + good,
                       b"HTTP_X_CORRELATOR=a\rb"]),
        request(0x05, v2[:5] + [b"HTTP_AUTHORIZATION=Bearer x.y.z"],
                BODIES[0]),
        request(0x04, [b"REQUEST_METHOD=DELETE", b"PATH_INFO=/verify"]),
        request(0x04, [b"REQUEST_METHOD=POST", b"PATH_INFO=/nope"]),
        request(0x04, v2 + [b"HTTP_ACCEPT=text/html"]),
    ]
    write("fuzz_request", reqs)


main()
