#!/usr/bin/env bash
# Ingest of a 100,000-object TAXII 2.1 collection from a local medallion server (a
# scripted run for BENCHMARKS.md, not a timed test).
#
# medallion's memory backend orders a page by scanning the whole collection once per
# manifest entry (BasicFilter.sort_and_paginate and filter_by_added_after are quadratic,
# each page's headers scan the whole manifest, and every request deep-copies the whole
# collection twice to check that it exists: hours at 100,000 objects), so the server here
# runs with those four functions replaced by equivalent ones that index the manifest and
# copy only the collection's description.
# Its paging sessions expire after 30 s by default; `session_timeout` is raised to 600 s.
# Everything else (paging sessions, filters, headers) is medallion's own.
#
# Usage: benches/taxii_100k.sh            (N=100000; needs target/release/intellisiem
#                                          and the venv .ci/run creates)
set -euo pipefail
cd "$(dirname "$0")/.."
N="${N:-100000}"
venv="${INTELLISIEM_MEDALLION:-$PWD/target/medallion-venv}"
bin="${INTELLISIEM_BIN:-$PWD/target/release/intellisiem}"
work="$(mktemp -d)"
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

"$venv/bin/python" - "$work" "$N" <<'PY'
import json, sys, uuid
work, n = sys.argv[1], int(sys.argv[2])
coll = "11111111-1111-4111-8111-111111111111"
objects, manifest = [], []
kinds = [
    ("ipv4-addr:value", lambda i: "198.51.%d.%d" % ((i // 250) % 250, i % 250 + 1)),
    ("domain-name:value", lambda i: "host%d.bad.example" % i),
    ("url:value", lambda i: "http://dl%d.bad.example/p/%d.bin" % (i % 997, i)),
    ("file:hashes.'SHA-256'", lambda i: "%064x" % (i * 2654435761)),
]
for i in range(n):
    path, val = kinds[i % len(kinds)]
    oid = "indicator--%s" % uuid.UUID(int=i + 1, version=4)
    t = "2026-11-%02dT%02d:%02d:%02d.000Z" % (1 + i // 86400 % 28, i // 3600 % 24, i // 60 % 60, i % 60)
    added = t
    objects.append({"type": "indicator", "spec_version": "2.1", "id": oid, "created": t,
                    "modified": t, "name": "bench", "pattern": "[%s = '%s']" % (path, val(i)),
                    "pattern_type": "stix", "valid_from": t, "labels": ["malicious-activity"],
                    "confidence": 70})
    manifest.append({"id": oid, "date_added": added, "version": t,
                     "media_type": "application/stix+json;version=2.1"})
data = {"/discovery": {"title": "bench", "api_roots": []},
        "api1": {"information": {"title": "bench", "versions": ["application/taxii+json;version=2.1"],
                                 "max_content_length": 104857600},
                 "status": [],
                 "collections": [{"id": coll, "title": "bench", "can_read": True, "can_write": False,
                                  "media_types": ["application/stix+json;version=2.1"],
                                  "objects": objects, "manifest": manifest}]}}
json.dump(data, open(work + "/data.json", "w"))
json.dump({"backend": {"module": "medallion.backends.memory_backend", "module_class": "MemoryBackend",
                       "filename": work + "/data.json", "session_timeout": 600},
           "users": {"bench": "bench-pw"}, "taxii": {"max_page_size": 500}},
          open(work + "/config.json", "w"))
PY

cat > "$work/run.py" <<'PY'
import sys
from medallion.filters import basic_filter
from medallion.common import find_att

def sort_and_paginate(self, data, limit, manifest):
    # Same result as medallion 3.0.0's, in linear time: for each manifest entry (by
    # date_added) the first object with the same id and version.
    next_save, headers, new = {}, {}, []
    if len(data) == 0:
        return new, next_save, headers
    if manifest:
        manifest.sort(key=lambda x: x["date_added"])
        by_key = {}
        for check in data:
            by_key.setdefault((check["id"], find_att(check)), check)
        temp = None
        for man in manifest:
            check = by_key.get((man["id"], find_att(man)))
            if check is None:
                continue
            if len(headers) == 0:
                headers["X-TAXII-Date-Added-First"] = man["date_added"]
            new.append(check)
            temp = man
            if len(new) == limit:
                headers["X-TAXII-Date-Added-Last"] = man["date_added"]
        if limit and limit < len(data):
            next_save, new = new[limit:], new[:limit]
        else:
            headers["X-TAXII-Date-Added-Last"] = temp["date_added"]
        return new, next_save, headers
    data.sort(key=lambda x: x["date_added"])
    if limit and limit < len(data):
        next_save, data = data[limit:], data[:limit]
    headers["X-TAXII-Date-Added-First"] = data[0]["date_added"]
    headers["X-TAXII-Date-Added-Last"] = data[-1]["date_added"]
    return data, next_save, headers

def filter_by_added_after(data, manifest_info, added_after_date):
    # Same result as medallion 3.0.0's, with the manifest looked up by (id, version).
    from medallion.common import string_to_datetime
    after = string_to_datetime(added_after_date)
    if manifest_info is None:
        return [o for o in data if string_to_datetime(o["date_added"]) > after]
    added = {}
    for item in manifest_info:
        added.setdefault((item["id"], find_att(item)), []).append(item["date_added"])
    return [o for o in data
            if any(string_to_datetime(d) > after for d in added.get((o["id"], find_att(o)), []))]

from medallion.backends import memory_backend
_index = {}

def find_headers(headers, manifest, obj):
    # Same result as medallion 3.0.0's, with the manifest indexed once per collection
    # instead of scanned for every object of every page.
    idx = _index.get(id(manifest))
    if idx is None or idx[0] != len(manifest):
        by_key = {}
        for man in manifest:
            by_key.setdefault((man["id"], find_att(man)), []).append(man["date_added"])
        idx = _index[id(manifest)] = (len(manifest), by_key)
    for added in idx[1].get((obj["id"], find_att(obj)), []):
        if len(headers) == 0:
            headers["X-TAXII-Date-Added-First"] = added
        else:
            headers["X-TAXII-Date-Added-Last"] = added

memory_backend.find_headers = find_headers

def get_collection(self, api_root, collection_id):
    # Same result as medallion 3.0.0's, without deep-copying every object of every
    # collection (twice per request) only to drop them.
    if api_root not in self.data:
        return None
    for collection in self._get(api_root).get("collections", []):
        if collection_id == collection["id"]:
            return {k: v for k, v in collection.items() if k not in ("manifest", "responses", "objects")}

memory_backend.MemoryBackend.get_collection = get_collection
basic_filter.BasicFilter.sort_and_paginate = sort_and_paginate
basic_filter.BasicFilter.filter_by_added_after = staticmethod(filter_by_added_after)
from medallion.scripts.run import main
sys.exit(main())
PY

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$venv/bin/python" "$work/run.py" --host 127.0.0.1 --port "$port" "$work/config.json" 2>"$work/medallion.log" &
pid=$!
for _ in $(seq 1 600); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.1
done

cat > "$work/c.yaml" <<YAML
cache: { path: $work/cache.db }
http: { timeout: 600s, retries: 0, max_body: 1GiB }
sources:
  - { name: bench, kind: taxii, url: "http://127.0.0.1:$port/api1/", collection: 11111111-1111-4111-8111-111111111111, page_size: 500, auth: { user: bench, password: "env:BENCH_PW" } }
YAML

echo "objects: $N, page size 500, cache on disk"; trap 'tail -5 "$work/medallion.log" | cut -c1-300; cleanup' EXIT
export BENCH_PW=bench-pw
for run in first incremental; do
  start=$(date +%s.%N)
  /usr/bin/time -f "  intellisiem cpu: %U s user, %S s sys, max rss %M KiB" \
    "$bin" --config "$work/c.yaml" fetch --format jsonl -o "$work/out.jsonl"
  end=$(date +%s.%N)
  echo "$run fetch: $(echo "$end - $start" | bc) s wall, $(wc -l < "$work/out.jsonl") indicators"
done
