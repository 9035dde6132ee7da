#!/usr/bin/env bash
# Load on `intellisiem serve`, end to end: builds the release binary and the examples,
# writes the report's fixture store (1,000,460 indicators at SCALE=500) plus a source of
# BULK IPv6 addresses (so /edl/all/ip.txt holds over 1,000,000 values), adds a `serve:`
# user, starts `serve` on a free loopback port (plain HTTP), waits for /healthz, and runs
# examples/serve_load.rs twice:
#   1. CLIENTS (200) clients, each pulling /edl/all/ip.txt in full, then paging the TAXII
#      `all` collection for PAGES pages of 1000 (on a server without TAXII those pages
#      fail: the class is reported as failed, by status, and the EDL figures stand alone;
#      a first start writes the TAXII history of every value, so it takes a while);
#   2. EDL_CLIENTS (16) clients pulling only /edl/all/ip.txt, EDL_ROUNDS (20) times each,
#      against the 1 s p99 target.
# Then it stops the server with SIGTERM. The warninglists are off (`--no-warninglists`):
# the fixture is made of documentation addresses and `.example` names, which they hold.
#
# Usage: benches/serve_load.sh [all|edl]   (edl: step 1 without the TAXII pages)
# Env: SCALE (500), BULK (1000000; 0: none), CLIENTS (200), ROUNDS (1), PAGES (100),
#      EDL_CLIENTS (16), EDL_ROUNDS (20), SERVE_LOAD_PW (default: random),
#      SERVE_LOAD_LOCK (a file held with flock for the whole run, builds included, so
#      that nothing else builds on the machine meanwhile), KEEP=1 (keep the work folder).
set -euo pipefail
cd "$(dirname "$0")/.."
part="${1:-all}"
case "$part" in all | edl) ;; *)
  echo "usage: $0 [all|edl]" >&2
  exit 2
  ;;
esac
SCALE="${SCALE:-500}"
BULK="${BULK:-1000000}"
CLIENTS="${CLIENTS:-200}"
ROUNDS="${ROUNDS:-1}"
PAGES="${PAGES:-100}"
EDL_CLIENTS="${EDL_CLIENTS:-16}"
EDL_ROUNDS="${EDL_ROUNDS:-20}"

if [ -n "${SERVE_LOAD_LOCK:-}" ]; then
  exec 9>>"$SERVE_LOAD_LOCK"
  echo "waiting for the lock $SERVE_LOAD_LOCK"
  flock 9
fi

cargo build --release --bin intellisiem --example report_fixture --example serve_load
bin=target/release/intellisiem
ex=target/release/examples

work="$(mktemp -d "${TMPDIR:-/tmp}/serve_load.XXXXXX")"
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  if [ "${KEEP:-0}" = 1 ]; then
    echo "kept $work"
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
# Seconds since $1 (a `date +%s.%N`), to the hundredth.
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'; }
SERVE_LOAD_PW="${SERVE_LOAD_PW:-$(head -c 18 /dev/urandom | base64 | tr -d '/+=')}"
export SERVE_LOAD_PW

echo "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(free -g | awk '/^Mem:/ {print $2}') GB; $(uname -sr)"
db="$work/store.db"
config="$work/store.db.yaml"
start=$(date +%s.%N)
"$ex/report_fixture" --out "$db" --scale "$SCALE" >"$work/fixture.txt"
echo "fixture (scale $SCALE): $(grep -c indicators "$work/fixture.txt") sources, $(awk '/indicators$/ {n += $2} END {print n}' "$work/fixture.txt") sightings, in $(since "$start") s"
if [ "$BULK" -gt 0 ]; then
  start=$(date +%s.%N)
  "$ex/serve_load" bulk --store "$db" --count "$BULK" --name bulk >>"$config"
  echo "bulk source: $BULK IPv6 addresses in $(since "$start") s"
fi
cat >>"$config" <<'EOF'
log_file: none
serve:
  users:
    - { name: load, password: "env:SERVE_LOAD_PW", collections: [all] }
EOF

log="$work/serve.log"
launched=$(date +%s.%N)
"$bin" --config "$config" serve --listen 127.0.0.1:0 --no-warninglists 2>"$log" 9>&- &
pid=$!
url=""
for _ in $(seq 1 6000); do
  url="$(sed -n 's/^serve: listening on //p' "$log" | head -1)"
  [ -n "$url" ] && break
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "serve exited:" >&2
    tail -20 "$log" >&2
    exit 1
  fi
  sleep 0.1
done
if [ -z "$url" ]; then
  echo "serve did not listen within 600 s" >&2
  exit 1
fi
health=""
for _ in $(seq 1 100); do
  health="$(printf 'user = "load:%s"\n' "$SERVE_LOAD_PW" | curl -sf -K - "$url/healthz" || true)"
  case "$health" in ok*) break ;; esac
  sleep 0.1
done
case "$health" in ok*) ;; *)
  echo "/healthz never said ok: $health" >&2
  exit 1
  ;;
esac
echo "serve pid $pid on $url, healthy $(since "$launched") s after launch: $(echo "$health" | sed -n 2p)"
grep -o 'snapshot 1: .*' "$log" | head -1 || true

drive=("$ex/serve_load" drive --url "$url" --user load --server-pid "$pid")
status=0
echo
if [ "$part" = all ]; then
  "${drive[@]}" --clients "$CLIENTS" --rounds "$ROUNDS" --pages "$PAGES" || status=$?
else
  "${drive[@]}" --clients "$CLIENTS" --rounds "$ROUNDS" --edl-only || status=$?
fi
echo
"${drive[@]}" --clients "$EDL_CLIENTS" --rounds "$EDL_ROUNDS" --edl-only --p99-target-ms 1000 || status=$?

echo
stopping=$(date +%s.%N)
kill -TERM "$pid"
code=0
wait "$pid" || code=$?
pid=""
echo "serve stopped on SIGTERM in $(since "$stopping") s, exit $code; $(grep -c 'access' "$log") access log lines"
exit "$status"
