#!/bin/bash
# Copyright 2026 The IntelliSIEM Authors
# SPDX-License-Identifier: Apache-2.0
#
# `fetch` side by side with the seed-style Python peer, alternated round by round so a
# slow spell of the machine weighs on every command alike (BENCHMARKS.md, "Ingest side by
# side"). CONFIG is a config written by examples/loadgen.rs, which must be serving.
#
#   cargo build --release --bin intellisiem --example loadgen
#   target/release/examples/loadgen --count 1000000 --config /tmp/lg1m.yaml &
#   benches/fetch_side_by_side.sh /tmp/lg1m.yaml 5 target/release/intellisiem [OTHER_BINARY]
#
# Prints each run's wall time, then the sorted times and the median per command.
set -euo pipefail
config=$1
rounds=${2:-5}
shift $(( $# < 2 ? $# : 2 ))
bins=("$@")
if [ ${#bins[@]} -eq 0 ]; then bins=(target/release/intellisiem); fi
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for _ in $(seq 1 "$rounds"); do
  for i in "${!bins[@]}"; do
    s=$(date +%s.%N)
    "${bins[$i]}" fetch --config "$config" --format jsonl -o /dev/null >/dev/null 2>&1
    e=$(date +%s.%N)
    echo "bin$i $(echo "$e - $s" | bc)" | tee -a "$out"
  done
  s=$(date +%s.%N)
  python3 "$here/fetch_peer.py" "$config" /dev/null 2>/dev/null
  e=$(date +%s.%N)
  echo "python $(echo "$e - $s" | bc)" | tee -a "$out"
done
for who in $(cut -d' ' -f1 "$out" | sort -u); do
  times=$(grep "^$who " "$out" | cut -d' ' -f2 | sort -n)
  n=$(echo "$times" | wc -l)
  median=$(echo "$times" | sed -n "$(( (n + 1) / 2 ))p")
  echo "$who: $(echo "$times" | tr '\n' ' ')median $median"
done
