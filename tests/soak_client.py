#!/usr/bin/env python3
"""Steady load for the soak test: THREADS keep-alive HTTP clients send a
fixed mix of valid and hostile requests to 127.0.0.1:PORT for SECONDS,
and check every answer's status, headers and exact body.

    soak_client.py PORT SECONDS THREADS TOKENS-FILE

TOKENS-FILE holds NAME=TOKEN lines (good, share_only, expired, badsig).
Prints "requests N wrong M" and the first wrong answers; exits 1 if any
answer was wrong.  Bounded: stops after SECONDS or 2,000,000 requests.
"""
import http.client
import sys
import threading
import time

V = "/number-verification/v0"
M401 = "Request not authenticated due to missing, invalid, or expired credentials"
E401 = '{"status":401,"code":"UNAUTHENTICATED","message":"%s"}' % M401
E400 = '{"status":400,"code":"INVALID_ARGUMENT","message":"%s"}'
MAX_REQUESTS = 2000000


def cases(tok):
    """(name, method, path, headers, body, status, must-have headers, exact body)"""
    auth = lambda t: {"Authorization": "Bearer " + t}
    json_h = {"Content-Type": "application/json", "Accept": "application/json"}
    good = dict(auth(tok["good"]), **json_h)
    invalid = {"WWW-Authenticate": 'Bearer error="invalid_token"'}
    return [
        ("verify-true", "POST", V + "/verify", good,
         '{"phoneNumber":"+34600000001"}', 200, {},
         '{"devicePhoneNumberVerified":true}'),
        ("verify-false", "POST", V + "/verify", good,
         '{"phoneNumber":"+34600000002"}', 200, {},
         '{"devicePhoneNumberVerified":false}'),
        ("share", "GET", V + "/device-phone-number",
         dict(auth(tok["good"]), Accept="application/json"), None, 200, {},
         '{"devicePhoneNumber":"+34600000001"}'),
        ("no-token", "POST", V + "/verify", json_h,
         '{"phoneNumber":"+34600000001"}', 401, {"WWW-Authenticate": "Bearer"}, E401),
        ("bad-signature", "POST", V + "/verify", dict(auth(tok["badsig"]), **json_h),
         '{"phoneNumber":"+34600000001"}', 401, invalid, E401),
        ("expired", "POST", V + "/verify", dict(auth(tok["expired"]), **json_h),
         '{"phoneNumber":"+34600000001"}', 401, invalid, E401),
        ("garbage-token", "POST", V + "/verify", dict(auth("a.b"), **json_h),
         '{"phoneNumber":"+34600000001"}', 401, invalid, E401),
        ("scope", "POST", V + "/verify", dict(auth(tok["share_only"]), **json_h),
         '{"phoneNumber":"+34600000001"}', 403,
         {"WWW-Authenticate": 'Bearer error="insufficient_scope", scope="number-verification:verify"'},
         '{"status":403,"code":"PERMISSION_DENIED","message":'
         '"Client does not have sufficient permissions to perform this action"}'),
        ("bad-json", "POST", V + "/verify", good, '{"phoneNumber":', 400, {}, None),
        ("big-body", "POST", V + "/verify", good, "x" * 5000, 400, {},
         E400 % "request body is larger than 4096 bytes"),
        ("media-type", "POST", V + "/verify", dict(good, **{"Content-Type": "text/plain"}),
         '{"phoneNumber":"+34600000001"}', 415, {}, None),
        ("method", "GET", V + "/verify", good, None, 405, {"Allow": "POST"}, None),
        ("not-found", "GET", V + "/nothing", good, None, 404, {}, None),
    ]


def check(c, resp, body):
    name, _, _, _, _, status, must, exact = c
    if resp.status != status:
        return "%s: status %d, want %d: %s" % (name, resp.status, status, body[:200])
    if resp.getheader("Cache-Control") != "no-store":
        return "%s: Cache-Control %r" % (name, resp.getheader("Cache-Control"))
    if not (resp.getheader("Content-Type") or "").startswith("application/json"):
        return "%s: Content-Type %r" % (name, resp.getheader("Content-Type"))
    for h, v in must.items():
        if resp.getheader(h) != v:
            return "%s: %s %r, want %r" % (name, h, resp.getheader(h), v)
    if exact is not None and body != exact:
        return "%s: body %s, want %s" % (name, body[:200], exact)
    if exact is None and ('"status":%d' % status) not in body:
        return "%s: body %s" % (name, body[:200])
    return None


def main():
    port, seconds, threads = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
    tok = dict(l.strip().split("=", 1) for l in open(sys.argv[4]) if "=" in l)
    cs = cases(tok)
    stop = time.monotonic() + seconds
    lock = threading.Lock()
    counts = {"n": 0, "wrong": 0}
    wrong = []

    def run(k):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
        i = k
        while time.monotonic() < stop:
            with lock:
                if counts["n"] >= MAX_REQUESTS:
                    return
            c = cs[i % len(cs)]
            i += 1
            try:
                conn.request(c[1], c[2], body=c[4], headers=c[3])
                resp = conn.getresponse()
                body = resp.read().decode("utf-8", "replace")
                err = check(c, resp, body)
            except (OSError, http.client.HTTPException) as e:
                err = "%s: %r" % (c[0], e)
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
            with lock:
                counts["n"] += 1
                if err:
                    counts["wrong"] += 1
                    if len(wrong) < 10:
                        wrong.append(err)
        conn.close()

    ts = [threading.Thread(target=run, args=(k,)) for k in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    print("requests %d wrong %d" % (counts["n"], counts["wrong"]))
    for w in wrong:
        print("  " + w)
    return 1 if counts["wrong"] else 0


if __name__ == "__main__":
    sys.exit(main())
