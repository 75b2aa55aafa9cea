#!/usr/bin/env python3
"""Bounded load through a web server, loopback only: COUNT requests from
CONCURRENCY clients, each answer checked (status and exact body).
Optionally kills one process once KILL_AT answers have arrived.
Prints one summary line: key=value pairs; exits 0 when all were right."""
import argparse
import http.client
import os
import signal
import sys
import threading
import time

ap = argparse.ArgumentParser()
ap.add_argument("--port", type=int, required=True)
ap.add_argument("--path", required=True)
ap.add_argument("--token", required=True, help="file holding the token")
ap.add_argument("--body", default=None)
ap.add_argument("--status", type=int, default=200)
ap.add_argument("--expect", required=True, help="exact body expected")
ap.add_argument("--count", type=int, default=2000)
ap.add_argument("--concurrency", type=int, default=16)
ap.add_argument("--max-seconds", type=float, default=120)
ap.add_argument("--duration", type=float, default=0,
                help="stop after this many seconds (COUNT still bounds)")
ap.add_argument("--rate", type=float, default=0,
                help="requests per second at most, all clients together")
ap.add_argument("--kill-pid", type=int, default=0)
ap.add_argument("--kill-at", type=int, default=0)
ap.add_argument("--tag", default="load")
a = ap.parse_args()

if a.count > 100000 or a.concurrency > 64:
    sys.exit("load.py: bounded to 100000 requests and 64 clients")

token = open(a.token).read().strip()
headers = {"Authorization": "Bearer " + token, "Accept": "application/json"}
if a.body is not None:
    headers["Content-Type"] = "application/json"
method = "POST" if a.body is not None else "GET"

lock = threading.Lock()
state = {"next": 0, "done": 0, "ok": 0, "wrong": 0, "errors": 0,
         "killed_at": None}
samples = []
t0 = time.monotonic()
deadline = t0 + (a.duration or a.max_seconds)
failures = {}


def take():
    with lock:
        if state["next"] >= a.count or time.monotonic() > deadline:
            return False
        i = state["next"]
        state["next"] += 1
    if a.rate > 0:
        # Request i is due at i / rate: a steady load over the duration.
        wait = t0 + i / a.rate - time.monotonic()
        if wait > 0:
            time.sleep(wait)
    return True


def record(kind, what=None, why=None):
    kill = False
    with lock:
        state[kind] += 1
        state["done"] += 1
        if why is not None:
            failures[why] = failures.get(why, 0) + 1
        if what is not None and len(samples) < 5:
            samples.append(what)
        if (a.kill_pid and state["killed_at"] is None and
                state["done"] >= a.kill_at):
            state["killed_at"] = state["done"]
            kill = True
    if kill:
        os.kill(a.kill_pid, signal.SIGKILL)


def client():
    conn = None
    while take():
        try:
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", a.port,
                                                  timeout=30)
            conn.request(method, a.path, body=a.body, headers=headers)
            r = conn.getresponse()
            body = r.read().decode(errors="replace")
            if r.status == a.status and body == a.expect:
                record("ok")
            else:
                record("wrong", "%d %s" % (r.status, body[:120]),
                       str(r.status))
            if r.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = None
        except (OSError, http.client.HTTPException) as e:
            record("errors", "%s: %s" % (type(e).__name__, e),
                   type(e).__name__)
            if conn is not None:
                conn.close()
            conn = None
    if conn is not None:
        conn.close()


threads = [threading.Thread(target=client) for _ in range(a.concurrency)]
for t in threads:
    t.start()
for t in threads:
    t.join()
dt = time.monotonic() - t0
print("%s: requests=%d ok=%d wrong=%d errors=%d seconds=%.2f rps=%.0f%s%s"
      % (a.tag, state["done"], state["ok"], state["wrong"], state["errors"],
         dt, state["done"] / dt if dt > 0 else 0,
         " killed_at=%d" % state["killed_at"] if state["killed_at"] else "",
         " failures=" + ",".join("%s:%d" % kv for kv in sorted(failures.items()))
         if failures else ""))
for s in samples:
    print("%s: sample failure: %s" % (a.tag, s))
complete = state["done"] == a.count or (a.duration and state["done"] > 0)
sys.exit(0 if complete and state["ok"] == state["done"] else 1)
