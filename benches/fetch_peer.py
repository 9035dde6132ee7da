#!/usr/bin/env python3
# Copyright 2026 The IntelliSIEM Authors
# SPDX-License-Identifier: Apache-2.0
"""The seed-style peer of `intellisiem fetch`, for side-by-side runs (BENCHMARKS.md).

What a Python threat-intel script of the kind IntelliSIEM replaces does: download each
feed of a config written by `examples/loadgen.rs` one after another (urllib), parse it
with the standard library (json, csv), lower-case the values, merge them into one dict
keyed by (type, value) with their sources and first/last seen, and write the merged set
as JSON lines.

    python3 benches/fetch_peer.py /tmp/lg1m.yaml /dev/null

Reads only the `sources:` entries of the loadgen config (name, kind, url); prints the
number of merged indicators and the time taken on stderr.
"""

import csv
import io
import json
import re
import sys
import time
import urllib.request


def sources_of(config_path):
    """(name, kind, url) of each `- { name: x, kind: y, url: "z" }` line."""
    out = []
    with open(config_path, encoding="utf-8") as f:
        for line in f:
            m = re.search(r'name:\s*([^,}]+),\s*kind:\s*([^,}]+),\s*url:\s*"?([^",}]+)', line)
            if m:
                out.append(tuple(g.strip() for g in m.groups()))
    return out


def get(url):
    with urllib.request.urlopen(url, timeout=120) as r:
        return r.read()


def feodo(body):
    for e in json.loads(body):
        yield "ipv4", e["ip_address"], e.get("first_seen"), e.get("last_online"), e.get("malware")


def threatfox(body):
    types = {"ip:port": "ipv4", "domain": "domain", "url": "url", "md5_hash": "md5",
             "sha1_hash": "sha1", "sha256_hash": "sha256"}
    for entries in json.loads(body).values():
        for e in entries:
            kind = types.get(e.get("ioc_type"))
            if kind is None:
                continue
            value = e["ioc_value"]
            if kind == "ipv4":
                value = value.rsplit(":", 1)[0]
            yield kind, value, e.get("first_seen_utc"), e.get("last_seen_utc"), e.get("malware_printable")


def urlhaus(body):
    text = body.decode("utf-8", "replace")
    rows = csv.reader(io.StringIO(text))
    for row in rows:
        if not row or row[0].startswith("#") or len(row) < 6:
            continue
        yield "url", row[2], row[1], row[4], row[5]


def plain_list(body):
    for line in body.decode("utf-8", "replace").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            yield "domain", line, None, None, None


def spamhaus_drop(body):
    for line in body.decode("utf-8", "replace").splitlines():
        if not line.strip():
            continue
        e = json.loads(line)
        if "cidr" in e:
            yield "cidr", e["cidr"], None, None, e.get("sblid")


def cisa_kev(body):
    for v in json.loads(body)["vulnerabilities"]:
        yield "cve", v["cveID"], v.get("dateAdded"), None, v.get("vulnerabilityName")


PARSERS = {"feodo": feodo, "threatfox": threatfox, "urlhaus": urlhaus,
           "plain_list": plain_list, "spamhaus_drop": spamhaus_drop, "cisa_kev": cisa_kev}


def main():
    config, out_path = sys.argv[1], sys.argv[2]
    started = time.monotonic()
    merged = {}
    for name, kind, url in sources_of(config):
        parse = PARSERS.get(kind)
        if parse is None:
            continue
        for ty, value, first, last, threat in parse(get(url)):
            value = value.strip()
            if ty != "cve":
                value = value.lower()
            key = (ty, value)
            rec = merged.get(key)
            if rec is None:
                merged[key] = {"type": ty, "value": value, "sources": [name],
                               "first_seen": first, "last_seen": last, "threat": threat}
                continue
            if name not in rec["sources"]:
                rec["sources"].append(name)
            if first and (rec["first_seen"] is None or first < rec["first_seen"]):
                rec["first_seen"] = first
            if last and (rec["last_seen"] is None or last > rec["last_seen"]):
                rec["last_seen"] = last
            if rec["threat"] is None:
                rec["threat"] = threat
    with open(out_path, "w", encoding="utf-8") as out:
        for rec in merged.values():
            out.write(json.dumps(rec))
            out.write("\n")
    print(f"{len(merged)} indicators in {time.monotonic() - started:.2f}s", file=sys.stderr)


if __name__ == "__main__":
    main()
