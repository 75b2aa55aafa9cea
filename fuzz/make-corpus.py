#!/usr/bin/env python3
"""Writes the seed corpora in fuzz/corpus/<target>/ from the cases of
the hostile-input and request tests.  Tokens are signed with the fuzz
targets' fixed key (seed 0x42 * 32, kid "fuzz"; see fuzz/common.c), so
the seeds of fuzz_token_raw pass the signature; encrypted tokens are
sealed to the fixed X25519 decryption key (0x43 * 32, kid "fuzz-enc")
with fixed ephemeral keys and IVs, so every run writes the same bytes.
Run from the source tree's top folder; the output is committed."""
import base64, hashlib, json, os, shutil
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

KEY = Ed25519PrivateKey.from_private_bytes(b"\x42" * 32)
ENC = [X25519PrivateKey.from_private_bytes(bytes([b]) * 32)
       for b in (0x43, 0x44)]          # kids "fuzz-enc", "fuzz-enc-2"
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


def raw_pub(k):
    return k.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def concat_kdf(z, alg, apu=b"", apv=b"", bits=256):
    """RFC 7518 section 4.6.2, SHA-256, one round is enough for 256."""
    def counted(b):
        return len(b).to_bytes(4, "big") + b
    other = counted(alg.encode()) + counted(apu) + counted(apv) + \
        bits.to_bytes(4, "big")
    return hashlib.sha256(b"\x00\x00\x00\x01" + z + other).digest()


def epk_jwk(seed):
    x = b64(raw_pub(X25519PrivateKey.from_private_bytes(bytes([seed]) * 32)))
    return {"kty": "OKP", "crv": "X25519", "x": x.decode()}


def jwe_header(**kw):
    h = {"alg": "ECDH-ES", "enc": "A256GCM", "cty": "JWT", "kid": "fuzz-enc",
         "epk": epk_jwk(0x45)}
    for k, v in kw.items():
        if v is None:
            h.pop(k, None)
        else:
            h[k] = v
    return json.dumps(h, separators=(",", ":")).encode()


def seal(header, plain, esk=0x45, to=0, iv=b"\x46" * 12, apu=b"", apv=b""):
    """A compact JWE of plain under the JSON header; esk is the seed of
    the ephemeral key whose public half the header should carry."""
    z = X25519PrivateKey.from_private_bytes(bytes([esk]) * 32).exchange(
        ENC[to].public_key())
    cek = concat_kdf(z, "A256GCM", apu, apv)
    h64 = b64(header)
    ct = AESGCM(cek).encrypt(iv, plain, h64)
    return b".".join([h64, b"", b64(iv), b64(ct[:-16]), b64(ct[-16:])])


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
    jwe_targets(good, v2)


def jwe_targets(good, v2):
    # fuzz_jwe: compact JWEs, valid ones first, then one refusal each;
    # then protected headers in JSON that the target seals itself.
    ok = seal(jwe_header(), good)
    h, k, iv, ct, tag = ok.split(b".")
    apu, apv = b"Alice", b"Bob"
    jwes = [
        ok, seal(jwe_header(kid=None), good),
        seal(jwe_header(cty="at+jwt"), good),
        seal(jwe_header(cty="Application/AT+JWT"), good),
        seal(jwe_header(apu=b64(apu).decode(), apv=b64(apv).decode()),
             good, apu=apu, apv=apv),
        seal(jwe_header(epk=epk_jwk(0x47)), b"x", esk=0x47,
             iv=b"\x00" * 12),
        seal(jwe_header(kid="fuzz-enc-2"), good, to=1),
        seal(jwe_header(alg="dir"), good),
        seal(jwe_header(alg="ECDH-ES+A256KW"), good),
        seal(jwe_header(enc="A128GCM"), good),
        seal(jwe_header(zip="DEF"), good),
        seal(jwe_header(crit=["exp"]), good),
        seal(jwe_header(cty=None), good), seal(jwe_header(cty="json"), good),
        seal(jwe_header(epk=None), good),
        seal(jwe_header(epk=dict(epk_jwk(0x45), crv="Ed25519")), good),
        seal(jwe_header(epk=dict(epk_jwk(0x45), x="AAAA")), good),
        seal(jwe_header(epk=dict(epk_jwk(0x45), x=b64(b"\x00" * 32)
                                 .decode())), good),
        seal(jwe_header(epk=dict(epk_jwk(0x45), kty="EC", y="AAAA")), good),
        seal(jwe_header(kid="nope"), good), seal(jwe_header(kid=""), good),
        seal(jwe_header(kid=7), good), seal(jwe_header(apu="!!"), good),
        seal(jwe_header(apv=b64(b"x" * 700).decode()), good),
        seal(b'{"alg":"ECDH-ES","alg":"ECDH-ES"}', good), seal(b"[]", good),
        b".".join([h, b"AAAA", iv, ct, tag]),
        b".".join([h, k, iv, ct, tag[:-2] + b"AA"]),
        b".".join([h, k, iv[:-2], ct, tag]), b".".join([h, k, iv, b"", tag]),
        b".".join([h, k, iv, ct]), ok + b".x", ok.replace(b"-", b"+"),
        b"....", b"",
    ]
    heads = [jwe_header(), jwe_header(kid=None), jwe_header(cty="at+jwt"),
             jwe_header(kid="fuzz-enc-2"), jwe_header(alg="none"),
             jwe_header(enc="A256CBC-HS512"), jwe_header(zip="DEF"),
             jwe_header(apu="QWxpY2U"), jwe_header(epk=epk_jwk(0x48)),
             jwe_header(epk="x"), b'{"alg":"ECDH-ES\\u0000x"}', b"{}"]
    jwes += [hd + b"\n" + good for hd in heads] + [heads[0] + b"\n",
                                                 heads[0]]
    write("fuzz_jwe", jwes)

    # fuzz_deckeys: sets of X25519 private keys, good and bad.
    def okp(i, **kw):
        k = {"kty": "OKP", "crv": "X25519",
             "d": b64(bytes([0x43 + i]) * 32).decode(),
             "x": b64(raw_pub(ENC[i])).decode(),
             "kid": ["fuzz-enc", "fuzz-enc-2"][i], "use": "enc"}
        for n, v in kw.items():
            if v is None:
                k.pop(n, None)
            else:
                k[n] = v
        return k
    sets = [{"keys": [okp(0)]}, {"keys": [okp(0), okp(1)]},
            {"keys": [okp(0, x=None, use=None, kid=None)]},
            okp(0), okp(0, kid=None),
            {"keys": [okp(0), okp(1, kid="fuzz-enc")]},
            {"keys": [okp(0, x=okp(1)["x"])]},
            {"keys": [okp(0, d="AAAA")]}, {"keys": [okp(0, d=None)]},
            {"keys": [okp(0, d=7)]}, {"keys": [okp(0, use="sig")]},
            {"keys": [okp(0, crv="Ed25519")]}, {"keys": [okp(0, kty="EC")]},
            {"keys": [okp(0, kid="")]}, {"keys": [okp(0, kid="k" * 300)]},
            {"keys": [okp(0, kid=["a"])]}, {"keys": [okp(0), 1]},
            {"keys": [okp(0, kid="k%d" % i) for i in range(65)]},
            {"keys": []}, {"keys": {}}, {"keys": None}, {}, []]
    write("fuzz_deckeys", [json.dumps(x, separators=(",", ":")).encode()
                           for x in sets] +
          [b'{"keys":[' + json.dumps(okp(0)).encode()[:-1] +
           b',"d\\u0000":"x"}]}', b"{", b"", b"\xff"])

    # fuzz_request_jwe: a control byte, a key byte (bit 0: two keys,
    # bit 1: require_encrypted), then as fuzz_request.
    def req2(ctl, keys, env, body=b""):
        return bytes([ctl, keys]) + b"".join(e + b"\n" for e in env) + \
            b"\n" + body
    body = BODIES[0]
    base = v2[:5] + [b"CONTENT_LENGTH=%d" % len(body),
                     b"HTTP_X_CORRELATOR=abc-123"]
    seal_of = {c: b"HTTP_AUTHORIZATION=Bearer SEAL:" + c for c in CLAIMS}
    reqs = [req2(0x04, 0, base + [seal_of[CLAIMS[0]]], body),
            req2(0x05, 1, base + [seal_of[CLAIMS[0]]], body),
            req2(0x0c, 2, base + [seal_of[CLAIMS[0]]], body),
            req2(0x04, 3, base + [seal_of[CLAIMS[0]]], BODIES[1]),
            req2(0x04, 2, base + [b"HTTP_AUTHORIZATION=Bearer SIGN:" +
                                  CLAIMS[0]], body),
            req2(0x04, 0, base + [b"HTTP_AUTHORIZATION=Bearer " + ok], body),
            req2(0x04, 1, base + [b"HTTP_AUTHORIZATION=Bearer " +
                                  jwes[1]], body),
            req2(0x04, 0, base + [b"HTTP_AUTHORIZATION=Bearer " +
                                  jwes[7]], body),
            req2(0x04, 0, base + [b"HTTP_AUTHORIZATION=Bearer " +
                                  jwes[-5]], body),
            req2(0x00, 0, [b"REQUEST_METHOD=GET",
                           b"REQUEST_URI=/device-phone-number",
                           seal_of[CLAIMS[0]]]),
            req2(0x02, 3, [b"REQUEST_METHOD=GET",
                           b"SCRIPT_NAME=/number-verification/v1",
                           b"PATH_INFO=/device-phone-number",
                           b"HTTP_AUTHORIZATION=Bearer " + ok])]
    reqs += [req2(0x04, 0, base + [seal_of[c]], body) for c in CLAIMS[1:12]]
    write("fuzz_request_jwe", reqs)


main()
