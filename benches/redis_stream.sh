#!/usr/bin/env bash
# Copyright 2026 The IntelliSIEM Authors
# SPDX-License-Identifier: Apache-2.0
#
# `match --redis` side by side, one run each: a local redis-server holds a stream of
# EVENTS Suricata eve records (XADD <key> * eve <json>, as Suricata's eve-log writes
# them), and the release binary reads it as a consumer group, matching INDICATORS:
#   1. one matcher with --record on SQLite;
#   2. one matcher without --record;
#   3. two matchers in one group (--record).
# Each rate is EVENTS / (time from the matchers' first read to the group drained:
# every entry delivered and acknowledged), so building the indicator index is not in it.
#
# usage: benches/redis_stream.sh [EVENTS] [INDICATORS]   (defaults 1,000,000 each)
# needs: redis-server, redis-cli; builds nothing (run
#   cargo build --release --bin intellisiem --example loadgen_logs --example redis_load)
set -euo pipefail
cd "$(dirname "$0")/.."
events=${1:-1000000}
indicators=${2:-1000000}
bin=target/release/intellisiem
work=$(mktemp -d)
trap 'redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

target/release/examples/loadgen_logs "$work" "$indicators" "$events" >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" \
  --daemonize yes --logfile "$work/redis.log" >/dev/null
for _ in $(seq 1 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
target/release/examples/redis_load "redis://127.0.0.1:$port/0" suricata "$work/eve.json" "$events"

now() { date +%s.%N; }

cat >"$work/config.yaml" <<YAML
cache: { path: $work/cache.db }
sources: []
YAML

# entries-read and pending of a group, as "read pending".
group_state() {
  redis-cli -p "$port" --raw XINFO GROUPS suricata | awk -v g="$1" '
    { k[NR] = $0 }
    END {
      for (i = 1; i <= NR; i++) if (k[i] == "name" && k[i+1] == g) {
        for (j = i; j <= NR && j < i + 20; j++) {
          if (k[j] == "entries-read") r = k[j+1];
          if (k[j] == "pending") p = k[j+1];
        }
      }
      print (r == "" ? 0 : r), (p == "" ? -1 : p)
    }'
}

run_case() {
  local label=$1 group=$2 matchers=$3
  shift 3
  local pids=()
  for k in $(seq 1 "$matchers"); do
    XDG_STATE_HOME="$work/state" \
      "$bin" match --config "$work/config.yaml" --no-warninglists --log-format eve --indicators "$work/set.jsonl" \
      --redis "redis://127.0.0.1:$port/0" --stream suricata --group "$group" --consumer "c$k" \
      -o "$work/out-$group-$k.jsonl" "$@" 2>"$work/err-$group-$k" &
    pids+=($!)
  done
  # The first read starts once each matcher has built its index and says so.
  for k in $(seq 1 "$matchers"); do
    until grep -q "^reading " "$work/err-$group-$k" 2>/dev/null; do
      if ! kill -0 "${pids[$((k - 1))]}" 2>/dev/null; then
        echo "matcher $k of $label stopped:" >&2
        cat "$work/err-$group-$k" >&2
        exit 1
      fi
      sleep 0.01
    done
  done
  local t0 t1
  t0=$(now)
  while :; do
    read -r done pending < <(group_state "$group")
    [ "$done" -ge "$events" ] && [ "$pending" -eq 0 ] && break
    sleep 0.02
  done
  t1=$(now)
  kill -TERM "${pids[@]}"
  wait "${pids[@]}" || true
  local alerts
  alerts=$(cat "$work"/out-"$group"-*.jsonl | wc -l)
  python3 - "$label" "$events" "$t0" "$t1" "$alerts" <<'PY'
import sys
label, n, t0, t1, alerts = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
s = t1 - t0
print(f"{label:<40} {n:>9,} events in {s:6.2f} s = {n/s:>9,.0f} events/s ({alerts} alerts)")
PY
  grep -h "sighting(s) recorded" "$work"/err-"$group"-* 2>/dev/null | sed 's/^/    /' || true
}

echo "match --redis: $events eve records vs $indicators indicators ($(nproc) cores)"
run_case "one matcher, --record on SQLite" g-record 1 --record
run_case "one matcher, no --record" g-plain 1
run_case "two matchers in one group, --record" g-two 2 --record
if command -v sqlite3 >/dev/null; then
  echo "sightings stored: $(sqlite3 "$work/cache.db" 'SELECT COUNT(*) FROM sightings')"
fi
