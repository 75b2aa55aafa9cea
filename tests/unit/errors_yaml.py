#!/usr/bin/env python3
# Checks the CAMARA error table of src/errors.c (as printed by
# tests/unit/errors-dump on stdin) against the spec's YAML files in the
# folder given as argument: each (status, code, message) must be the
# Number Verification YAML's of that version when it has the code, or
# else its Commonalities YAML's; and every NUMBER_VERIFICATION code of
# the version's YAML must be in the table.
import sys

import yaml

SPEC = {
    "v0": ("number_verification-0.4.0-wip.yaml",
           "CAMARA_common-commonalities-v0.3.0.yaml"),
    "v1": ("number_verification-1.0.0.yaml",
           "CAMARA_common-commonalities-r3.3-v0.6.0.yaml"),
    "v2": ("number_verification-2.1.0.yaml",
           "CAMARA_common-commonalities-r3.3-v0.6.0.yaml"),
}


def triples(node, out):
    """Every mapping with scalar status, code and message: the examples."""
    if isinstance(node, dict):
        vals = [node.get(k) for k in ("status", "code", "message")]
        if isinstance(vals[0], int) and all(isinstance(v, str)
                                            for v in vals[1:]):
            out.add((vals[0], vals[1], vals[2]))
        for v in node.values():
            triples(v, out)
    elif isinstance(node, list):
        for v in node:
            triples(v, out)
    return out


class Loader(yaml.SafeLoader):
    """SafeLoader that takes the Commonalities' template placeholders
    ({ { SPECIFIC_CODE_MESSAGE } }, a mapping used as a key) as text."""


def _mapping(loader, node):
    loader.flatten_mapping(node)
    out = {}
    for knode, vnode in node.value:
        key = loader.construct_object(knode, deep=True)
        try:
            hash(key)
        except TypeError:
            key = repr(key)
        out[key] = loader.construct_object(vnode, deep=True)
    return out


Loader.add_constructor("tag:yaml.org,2002:map", _mapping)


def load(folder, name):
    with open(f"{folder}/{name}", encoding="utf-8") as f:
        return triples(yaml.load(f, Loader=Loader), set())


def main():
    folder = sys.argv[1]
    docs = {v: (load(folder, nv), load(folder, com))
            for v, (nv, com) in SPEC.items()}
    rows = [line.rstrip("\n").split("\t") for line in sys.stdin if line.strip()]
    failures = 0
    seen = {v: set() for v in SPEC}
    if len(rows) != 3 * 11:
        print(f"expected 33 rows from errors-dump, got {len(rows)}")
        failures += 1
    for version, status, code, message in rows:
        status = int(status)
        nv, com = docs[version]
        seen[version].add(code)
        nv_codes = {(s, c) for s, c, _ in nv}
        if (status, code) in nv_codes:
            where, ok = SPEC[version][0], (status, code, message) in nv
        else:
            where, ok = SPEC[version][1], (status, code, message) in com
        if not ok:
            want = sorted(m for s, c, m in (nv if where == SPEC[version][0]
                                            else com)
                          if (s, c) == (status, code))
            print(f"{version} {status} {code}: {message!r} not in {where}"
                  f" (it has {want})")
            failures += 1
        else:
            print(f"ok {version} {status} {code} ({where})")
    for version, (nv, _) in docs.items():
        for s, c, m in sorted(nv):
            if "NUMBER_VERIFICATION" in c or c == "INVALID_TOKEN_CONTEXT":
                if c not in seen[version]:
                    print(f"{version}: {s} {c} of {SPEC[version][0]}"
                          " is missing from the table")
                    failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
