#!/usr/bin/env python3
# Copyright 2026 The IntelliSIEM Authors
# SPDX-License-Identifier: Apache-2.0
"""The peer of `intellisiem match` in the side-by-side benchmark: reads a
`fetch --format jsonl` export into a set, then checks the same eve.json fields
with json.loads (flow addresses, DNS names and answers, HTTP host and URL,
TLS SNI, file digests). Prints the number of matching events.

usage: match_peer.py set.jsonl eve.json
"""
import json
import sys


def main():
    values = set()
    with open(sys.argv[1], encoding="utf-8") as f:
        for line in f:
            values.add(json.loads(line)["value"].lower())
    hits = 0
    with open(sys.argv[2], encoding="utf-8", errors="replace") as f:
        for line in f:
            try:
                ev = json.loads(line)
            except ValueError:
                continue
            seen = [ev.get("src_ip"), ev.get("dest_ip")]
            dns = ev.get("dns") or {}
            seen.append(dns.get("rrname"))
            seen += [q.get("rrname") for q in dns.get("queries") or []]
            seen += [a.get("rdata") for a in dns.get("answers") or []]
            http = ev.get("http") or {}
            host = http.get("hostname")
            seen.append(host)
            if host and http.get("url"):
                seen.append("http://" + host + http["url"])
            seen.append((ev.get("tls") or {}).get("sni"))
            fi = ev.get("fileinfo") or {}
            seen += [fi.get("md5"), fi.get("sha1"), fi.get("sha256")]
            if any(isinstance(v, str) and v.lower() in values for v in seen):
                hits += 1
    print(hits)


if __name__ == "__main__":
    main()
