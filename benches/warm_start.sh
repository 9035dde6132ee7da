#!/usr/bin/env bash
# Warm start of the dashboard on an existing store: starts it in tmux (120x40) with the
# given config, waits until the cached indicators are on screen, and prints the times
# the dashboard logs ("first frame", "read N cached sightings", "on screen"), read from
# its log file, and the last of them by the wall clock from the session's launch.
# Usage: benches/warm_start.sh CONFIG [RUNS]
# The config should name a `log_file:` of its own; its sources should not be due, so
# the run measures the load, not a fetch.
set -euo pipefail
config="$1"
runs="${2:-5}"
bin="${INTELLISIEM_BIN:-target/release/intellisiem}"
log="$(sed -n 's/^log_file: *//p' "$config")"
if [ -z "$log" ]; then
  echo "the config needs a log_file: line" >&2
  exit 2
fi
for i in $(seq 1 "$runs"); do
  : > "$log"
  tmux kill-session -t warm 2>/dev/null || true
  launched="$(date +%s%N)"
  tmux new-session -d -s warm -x 120 -y 40 \
    "INTELLISIEM_LOG=warn,intellisiem=info $bin --config $config"
  for _ in $(seq 1 600); do
    grep -q "on screen" "$log" 2>/dev/null && break
    sleep 0.1
  done
  tmux send-keys -t warm q
  sleep 0.3
  tmux kill-session -t warm 2>/dev/null || true
  # The same moment by the wall clock, from the launch of the tmux session: process
  # start-up and the terminal's set-up included.
  shown_at="$(grep 'on screen' "$log" | head -1 | cut -d' ' -f1 || true)"
  wall=""
  if [ -n "$shown_at" ] && shown_ns="$(date -d "$shown_at" +%s%N 2>/dev/null)"; then
    wall=";$(( (shown_ns - launched) / 1000000 )) ms from launch"
  fi
  echo "run $i: $(grep -Eo 'first frame [0-9]+ ms|read [0-9]+ cached sightings in [0-9]+ ms|on screen [0-9]+ ms after start' "$log" | paste -sd ';' -)$wall"
done
