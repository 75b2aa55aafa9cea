#!/usr/bin/env python3
"""The client side of tests/metrics.test, against lighttpd on 127.0.0.1.

    metrics_client.py mix PORT TOKENS-FILE EXPECTED-JSON
        sends a known mix of requests (the table MIX below) from four
        threads, checks each answer's status, and writes the counters
        the mix must leave (nv_requests_total, nv_token_rejections_total,
        the histogram's counts) to EXPECTED-JSON.
    metrics_client.py check EXPOSITION-FILE EXPECTED-JSON [BASE-JSON]
        parses the exposition with prometheus_client's parser and
        compares: every nv_requests_total series and every rejection
        reason exactly (minus BASE, a state saved earlier with `state`),
        the histograms' counts, the label values against fixed sets.
    metrics_client.py state EXPOSITION-FILE OUT-JSON
        saves the counters of an exposition, for a later check.
    metrics_client.py get EXPOSITION-FILE NAME...
        prints the values of unlabelled series (and of
        nv_introspection_errors_total_KIND), one line, as integers.
    metrics_client.py total EXPOSITION-FILE
        prints the sum of nv_requests_total and nv_worker_starts_total.
    metrics_client.py load PORT SECONDS TOKENS-FILE
        keeps four threads sending 404s and expired-token 401s; prints
        the number of answers that came from a worker (JSON bodies, not
        the web server's own error pages).

TOKENS-FILE holds NAME=TOKEN lines.
"""
import http.client
import json
import sys
import threading
import time

from prometheus_client.parser import text_string_to_metric_families

V0 = "/number-verification/v0"
V2 = "/number-verification/v2"
PHONE = "+34600000001"
OTHER = "+34600000002"
VERSIONS = {"v0", "v1", "v2"}
OPERATIONS = {"verify", "device_phone_number", "other"}
REASONS = ["missing", "malformed", "not_encrypted", "decryption", "algorithm",
           "unknown_key", "bad_signature", "wrong_issuer", "wrong_audience",
           "expired", "not_yet_valid", "lifetime", "replayed", "store_full",
           "store_unavailable", "store_failed", "scope", "network_auth",
           "phone_number", "introspection_rejected",
           "introspection_unavailable", "introspection_failed"]
KINDS = {"RSA", "EC", "OKP"}
IERRORS = {"unavailable", "refused"}
TIMERS = ("nv_introspection_duration_seconds", "nv_redis_duration_seconds")


def mix(tok):
    """(method, path, token or None, body, extra headers, status,
    (version, operation, status, code), reason)"""
    body = lambda p: '{"phoneNumber":"%s"}' % p
    out = []
    for i in range(1, 5):
        out.append(("POST", V0 + "/verify", tok["good%d" % i], body(PHONE), {},
                    200, ("v0", "verify", "200", "OK"), None))
    for i in range(5, 7):
        out.append(("POST", V0 + "/verify", tok["good%d" % i], body(OTHER), {},
                    200, ("v0", "verify", "200", "OK"), None))
    for i in range(7, 9):
        out.append(("POST", V0 + "/verify", tok["good%d" % i],
                    '{"phoneNumber":"34600000001"}', {}, 400,
                    ("v0", "verify", "400", "INVALID_ARGUMENT"), None))
    u = ("v0", "verify", "401", "UNAUTHENTICATED")
    for _ in range(3):
        out.append(("POST", V0 + "/verify", None, body(PHONE), {}, 401, u,
                    "missing"))
    for _ in range(2):
        out.append(("POST", V0 + "/verify", tok["badsig"], body(PHONE), {},
                    401, u, "bad_signature"))
    for _ in range(2):
        out.append(("POST", V0 + "/verify", tok["expired"], body(PHONE), {},
                    401, u, "expired"))
    out.append(("POST", V0 + "/verify", tok["evilkid"], body(PHONE), {}, 401,
                u, "unknown_key"))
    for i in range(1, 3):
        out.append(("GET", V0 + "/device-phone-number", tok["verifyonly%d" % i],
                    None, {}, 403,
                    ("v0", "device_phone_number", "403", "PERMISSION_DENIED"),
                    "scope"))
    for i in range(3):
        out.append(("GET", V0 + "/EVIL_PATH_%d" % i, tok["good1"], None, {},
                    404, ("v0", "other", "404", "NOT_FOUND"), None))
    for _ in range(2):
        out.append(("GET", V0 + "/verify", tok["good1"], None, {}, 405,
                    ("v0", "verify", "405", "METHOD_NOT_ALLOWED"), None))
    for i in range(1, 3):
        out.append(("GET", V2 + "/device-phone-number", tok["share%d" % i],
                    None, {"x-correlator": "EVIL_CORRELATOR"}, 200,
                    ("v2", "device_phone_number", "200", "OK"), None))
    out.append(("POST", V2 + "/verify", tok["wrongaud"], body(PHONE), {}, 401,
                ("v2", "verify", "401", "UNAUTHENTICATED"), "wrong_audience"))
    return out


def send(conn, method, path, token, body, extra):
    h = {"Accept": "application/json", "User-Agent": "EVIL_AGENT"}
    if token is not None:
        h["Authorization"] = "Bearer " + token
    if body is not None:
        h["Content-Type"] = "application/json"
    h.update(extra)
    conn.request(method, path, body=body, headers=h)
    r = conn.getresponse()
    data = r.read()
    return r, data


def tokens(path):
    out = {}
    with open(path) as f:
        for line in f:
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                out[k] = v
    return out


def cmd_mix(port, tokfile, expfile):
    tok = tokens(tokfile)
    cases = mix(tok)
    # The replays: good1 again, after its first use (sent first, alone).
    first, rest = cases[0], cases[1:]
    u = ("v0", "verify", "401", "UNAUTHENTICATED")
    replays = [("POST", V0 + "/verify", tok["good1"],
                '{"phoneNumber":"%s"}' % PHONE, {}, 401, u, "replayed")] * 2
    wrong = []

    def run(part):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        for c in part:
            r, data = send(conn, *c[:5])
            if r.status != c[5]:
                wrong.append("%s %s: %d, want %d: %r" %
                             (c[0], c[1], r.status, c[5], data[:200]))
        conn.close()

    run([first])
    work = rest + replays
    threads = [threading.Thread(target=run, args=(work[i::4],))
               for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if wrong:
        print("\n".join(wrong))
        sys.exit(1)
    requests, reasons, ops = {}, {r: 0 for r in REASONS}, {}
    for c in [first] + work:
        key = "|".join(c[6])
        requests[key] = requests.get(key, 0) + 1
        if c[7] is not None:
            reasons[c[7]] += 1
        ops[c[6][1]] = ops.get(c[6][1], 0) + 1
    with open(expfile, "w") as f:
        json.dump({"requests": requests, "reasons": reasons,
                   "durations": ops}, f, indent=1, sort_keys=True)
    print("mix: %d requests, every status as expected" % (1 + len(work)))


def parse(path):
    """The counters of an exposition, checking every label on the way."""
    with open(path) as f:
        text = f.read()
    state = {"requests": {}, "reasons": {}, "durations": {}, "buckets": {},
             "gauges": {}, "families": {}, "tbuckets": {}}
    for fam in text_string_to_metric_families(text):
        state["families"][fam.name] = fam.type
        for s in fam.samples:
            lab = s.labels
            if s.name == "nv_requests_total":
                assert set(lab) == {"version", "operation", "status", "code"}, lab
                assert lab["version"] in VERSIONS, lab
                assert lab["operation"] in OPERATIONS, lab
                assert lab["status"].isdigit(), lab
                key = "|".join((lab["version"], lab["operation"],
                                lab["status"], lab["code"]))
                assert key not in state["requests"], "repeated series " + key
                state["requests"][key] = int(s.value)
            elif s.name == "nv_token_rejections_total":
                assert set(lab) == {"reason"} and lab["reason"] in REASONS, lab
                state["reasons"][lab["reason"]] = int(s.value)
            elif s.name.startswith("nv_request_duration_seconds"):
                assert lab["operation"] in OPERATIONS, lab
                if s.name.endswith("_count"):
                    state["durations"][lab["operation"]] = int(s.value)
                elif s.name.endswith("_bucket"):
                    state["buckets"].setdefault(lab["operation"], []).append(
                        (float(lab["le"]), int(s.value)))
            elif s.name == "nv_introspection_errors_total":
                assert set(lab) == {"kind"} and lab["kind"] in IERRORS, lab
                state["gauges"][s.name + "_" + lab["kind"]] = int(s.value)
            elif s.name.startswith(TIMERS) and s.name.endswith("_bucket"):
                assert set(lab) == {"le"}, (s.name, lab)
                state["tbuckets"].setdefault(s.name[:-7], []).append(
                    (float(lab["le"]), int(s.value)))
            elif s.name == "nv_keyset_keys":
                assert set(lab) == {"kind"} and lab["kind"] in KINDS, lab
                state["gauges"]["keys_" + lab["kind"]] = int(s.value)
            else:
                assert lab == {}, (s.name, lab)
                state["gauges"][s.name] = s.value
    hists = [(b, state["durations"][op]) for op, b in state["buckets"].items()]
    hists += [(b, state["gauges"][t + "_count"])
              for t, b in state["tbuckets"].items()]
    assert sorted(state["tbuckets"]) == sorted(TIMERS), state["tbuckets"]
    for b, count in hists:
        assert [x[0] for x in b] == sorted(x[0] for x in b), b
        assert all(b[i][1] <= b[i + 1][1] for i in range(len(b) - 1)), b
        assert b[-1][0] == float("inf") and b[-1][1] == count, b
    return state


def minus(a, b):
    out = dict(a)
    for k, v in b.items():
        out[k] = out.get(k, 0) - v
    return {k: v for k, v in out.items() if v != 0}


def cmd_check(expo, expfile, basefile=None):
    got = parse(expo)
    with open(expfile) as f:
        want = json.load(f)
    base = {"requests": {}, "reasons": {}, "durations": {}}
    if basefile:
        with open(basefile) as f:
            base = json.load(f)
    bad = []
    if got["families"] != FAMILIES:
        bad.append("families: %s" % got["families"])
    for part in ("requests", "reasons", "durations"):
        g = minus(got[part], base[part])
        w = {k: v for k, v in want[part].items() if v != 0}
        if g != w:
            bad.append("%s: got %s, want %s" % (part, json.dumps(g, sort_keys=True),
                                               json.dumps(w, sort_keys=True)))
    if bad:
        print("\n".join(bad))
        sys.exit(1)
    print("check: %d series of nv_requests_total, %d reasons, as the mix "
          "left them" % (len(want["requests"]), len(REASONS)))


FAMILIES = {
    "nv_requests": "counter", "nv_token_rejections": "counter",
    "nv_request_duration_seconds": "histogram",
    "nv_single_use_entries": "gauge", "nv_single_use_capacity": "gauge",
    "nv_keyset_keys": "gauge", "nv_keyset_reload_timestamp_seconds": "gauge",
    "nv_worker_starts": "counter", "nv_keyset_reload_failures": "counter",
    "nv_redis_errors": "counter", "nv_redis_commands": "counter",
    "nv_introspection_requests": "counter",
    "nv_introspection_cache_hits": "counter",
    "nv_introspection_errors": "counter",
    "nv_introspection_duration_seconds": "histogram",
    "nv_redis_duration_seconds": "histogram",
}


def cmd_total(expo):
    got = parse(expo)
    assert got["families"] == FAMILIES, got["families"]
    print(sum(got["requests"].values()),
          int(got["gauges"]["nv_worker_starts_total"]))


def cmd_get(expo, names):
    got = parse(expo)
    # The single-use gauges only with a file store.
    assert set(got["families"].items()) <= set(FAMILIES.items()), \
        got["families"]
    print(" ".join(str(int(got["gauges"][n])) for n in names))


def cmd_state(expo, out):
    got = parse(expo)
    with open(out, "w") as f:
        json.dump(got, f, indent=1, sort_keys=True)


def cmd_load(port, seconds, tokfile):
    tok = tokens(tokfile)
    end = time.monotonic() + seconds
    answered = [0] * 4
    other = [0] * 4

    def run(i):
        conn = None
        n = 0
        while time.monotonic() < end:
            n += 1
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", port,
                                                      timeout=10)
                if n % 2:
                    r, data = send(conn, "GET", V0 + "/nothing", None, None, {})
                else:
                    r, data = send(conn, "POST", V0 + "/verify",
                                   tok["expired"],
                                   '{"phoneNumber":"%s"}' % PHONE, {})
            except (OSError, http.client.HTTPException):
                conn = None
                other[i] += 1
                continue
            # The worker's answers are JSON with its status; the web
            # server's own (a backend that died mid-request) are not.
            if r.getheader("Content-Type") == "application/json" and \
                    r.status in (401, 404) and \
                    json.loads(data)["status"] == r.status:
                answered[i] += 1
            else:
                other[i] += 1
        if conn is not None:
            conn.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(sum(answered), sum(other))


def main():
    cmd = sys.argv[1]
    if cmd == "mix":
        cmd_mix(int(sys.argv[2]), sys.argv[3], sys.argv[4])
    elif cmd == "check":
        cmd_check(*sys.argv[2:5])
    elif cmd == "total":
        cmd_total(sys.argv[2])
    elif cmd == "get":
        cmd_get(sys.argv[2], sys.argv[3:])
    elif cmd == "state":
        cmd_state(sys.argv[2], sys.argv[3])
    elif cmd == "load":
        cmd_load(int(sys.argv[2]), float(sys.argv[3]), sys.argv[4])
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main()
