#!/usr/bin/env bash
# Copyright 2026 The IntelliSIEM Authors
# SPDX-License-Identifier: Apache-2.0
#
# A fleet on one machine: 8 `match --follow --record` processes, each following a
# growing eve.json of its own, record into one PostgreSQL store; 4 dashboards run in
# tmux on the same store. A writer appends RATE events per second to each log for
# SECONDS seconds, one in ten to a listed address (each hit's address unique), and
# notes when it wrote each. Reported:
#   - the delay from an event's write to its hit reaching each dashboard (p50, p99,
#     max; read from the dashboards' log files, `hit from the store` at trace level);
#   - hits that never reached a dashboard;
#   - the sightings table against the alerts the matchers wrote (none lost, none
#     doubled);
#   - PostgreSQL's CPU time during the run and its most connections at once.
#
# usage: benches/fleet.sh [SECONDS] [RATE]    (defaults 30 s, 200 events/s per log)
# needs: a local PostgreSQL (as .ci/run starts it), tmux, python3; the release binary.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-30}
rate=${2:-200}
bin="$PWD/target/release/intellisiem"
work=$(mktemp -d)
db="intellisiem_fleet_$$"
pghost=/var/run/postgresql
createdb -h "$pghost" "$db"
url="postgresql:///$db?host=$pghost"
matchers=()
cleanup() {
  for k in 1 2 3 4; do tmux kill-session -t "fleet$$-$k" 2>/dev/null || true; done
  [ ${#matchers[@]} -gt 0 ] && kill -TERM "${matchers[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  dropdb -h "$pghost" --if-exists "$db" || true
  rm -rf "$work"
}
trap cleanup EXIT

printf '45.1.0.0/16\n' >"$work/indicators.txt"
cat >"$work/store.yaml" <<YAML
cache: { url: "$url" }
sources: []
YAML
for k in 1 2 3 4; do
  cat >"$work/dash-$k.yaml" <<YAML
cache: { url: "$url" }
sources: []
log_file: $work/dash-$k.log
YAML
done

# The store's schema first, so no two processes race to create it.
"$bin" sources --config "$work/store.yaml" >/dev/null

pg_cpu() { # CPU seconds of every PostgreSQL process so far
  python3 - <<'PY'
import os
tick = os.sysconf("SC_CLK_TCK"); total = 0
for pid in os.listdir("/proc"):
    if not pid.isdigit(): continue
    try:
        comm = open(f"/proc/{pid}/comm").read().strip()
        if comm.startswith("postgres"):
            f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
            total += int(f[11]) + int(f[12]) + int(f[13]) + int(f[14])
    except OSError:
        pass
print(total / tick)
PY
}

for k in 1 2 3 4; do
  tmux new-session -d -s "fleet$$-$k" -x 120 -y 40 \
    "INTELLISIEM_LOG='warn,intellisiem::runtime::hunt=trace' $bin --config $work/dash-$k.yaml"
done
for i in $(seq 1 8); do
  : >"$work/eve-$i.json"
  "$bin" match --config "$work/store.yaml" --follow --record --sensor "edge-$i" \
    --no-warninglists --log-format eve --indicators "$work/indicators.txt" \
    -o "$work/alerts-$i.jsonl" "$work/eve-$i.json" 2>"$work/match-$i.err" &
  matchers+=($!)
done
sleep 5
cpu0=$(pg_cpu)
(
  while :; do
    psql -h "$pghost" -d "$db" -tAc "SELECT count(*) FROM pg_stat_activity WHERE datname = '$db'" 2>/dev/null
    sleep 1
  done
) >"$work/connections" &
poller=$!

python3 - "$work" "$secs" "$rate" <<'PY'
import sys, time
work, secs, rate = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
logs = [open(f"{work}/eve-{i}.json", "a", buffering=1) for i in range(1, 9)]
written = open(f"{work}/written.tsv", "w")
n = hit = 0
start = time.time()
tick = 0.05
while time.time() - start < secs:
    t0 = time.time()
    per_tick = max(1, int(rate * tick))
    for f in logs:
        for _ in range(per_tick):
            n += 1
            ts = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + ".000000+0000"
            if n % 10 == 0:
                hit += 1
                dest = f"45.1.{hit // 256}.{hit % 256}"
            else:
                dest = f"100.128.{(n // 256) % 256}.{n % 256}"
            f.write('{"timestamp":"%s","flow_id":%d,"event_type":"flow","src_ip":"192.0.2.10",'
                    '"src_port":40000,"dest_ip":"%s","dest_port":443,"proto":"TCP"}\n' % (ts, n, dest))
            if n % 10 == 0:
                written.write(f"{dest}\t{time.time():.6f}\n")
    written.flush()
    time.sleep(max(0.0, tick - (time.time() - t0)))
print(f"written: {n} events, {hit} hits, over {time.time() - start:.1f} s", file=sys.stderr)
PY
sleep 6
cpu1=$(pg_cpu)
kill "$poller" 2>/dev/null || true
kill -TERM "${matchers[@]}"
wait "${matchers[@]}" 2>/dev/null || true
matchers=()

rows=$(psql -h "$pghost" -d "$db" -tAc "SELECT count(*) FROM sightings")
distinct=$(psql -h "$pghost" -d "$db" -tAc \
  "SELECT count(*) FROM (SELECT DISTINCT sensor, log, line_offset, field, indicator FROM sightings) d")
alerts=$(cat "$work"/alerts-*.jsonl | wc -l)
echo "sightings: $rows rows, $distinct distinct lines; alerts written by the matchers: $alerts"
echo "PostgreSQL: $(python3 -c "print(f'{$cpu1 - $cpu0:.1f}')") s CPU over the run; most connections at once: $(sort -n "$work/connections" | tail -1)"
grep -h "sighting(s) recorded" "$work"/match-*.err | awk '{s+=$1} END {print "recorded by the matchers: " s}'

python3 - "$work" <<'PY'
import sys, re, datetime, statistics
work = sys.argv[1]
written = {}
for line in open(f"{work}/written.tsv"):
    ip, t = line.split("\t")
    written[ip] = float(t)
pat = re.compile(r"^(\S+)\s+TRACE.*hit from the store.*atomic=(\S+)")
delays, missing = [], 0
for k in range(1, 5):
    seen = {}
    try:
        for line in open(f"{work}/dash-{k}.log", errors="replace"):
            m = pat.search(line)
            if not m: continue
            ts = m.group(1).rstrip("Z")
            t = datetime.datetime.fromisoformat(ts).replace(tzinfo=datetime.timezone.utc).timestamp()
            seen.setdefault(m.group(2), t)
    except OSError:
        pass
    for ip, t in written.items():
        if ip in seen:
            delays.append(seen[ip] - t)
        else:
            missing += 1
    print(f"dashboard {k}: {sum(1 for ip in written if ip in seen)} of {len(written)} hits shown")
if delays:
    delays.sort()
    p = lambda q: delays[min(len(delays) - 1, int(q * len(delays)))]
    print(f"delay write -> every dashboard: p50 {p(0.5)*1000:.0f} ms, p99 {p(0.99)*1000:.0f} ms, "
          f"max {delays[-1]*1000:.0f} ms; over 2 s: {sum(d > 2 for d in delays)} of {len(delays)}")
print(f"hits a dashboard never showed: {missing}")
PY
