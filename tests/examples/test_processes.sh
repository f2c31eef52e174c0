#!/usr/bin/env bash
# The process examples: ping-pong, a ring, a spawn storm and a parallel map,
# each with one and two worker threads; exit code 0 and the lines that say
# the work was done (their timing lines vary and are only checked to exist).
# Usage: test_processes.sh LVM_BINARY BUILD_DIR
source "$(dirname "$0")/common.sh"

for threads in 1 2; do
  run_lvm --threads $threads "$EXAMPLES/pingpong.wasm" 20000
  expect_eq "pingpong ($threads): exit code" 0 "$RC"
  expect_eq "pingpong ($threads): first line" "pingpong: 20000 round trips between two processes" "$(head -1 <<<"$OUT")"
  [[ $(sed -n 2p <<<"$OUT") =~ ^pingpong:\ [0-9]+\ ns\ per\ round\ trip$ ]] || fail "pingpong ($threads): no timing line: $OUT"

  run_lvm --threads $threads "$EXAMPLES/ring.wasm" 500 20
  expect_eq "ring ($threads): exit code" 0 "$RC"
  expect_eq "ring ($threads): first line" "ring: 500 processes passed a token around 20 times (10020 hops)" "$(head -1 <<<"$OUT")"

  run_lvm --threads $threads "$EXAMPLES/spawn_storm.wasm" 20000
  expect_eq "spawn_storm ($threads): exit code" 0 "$RC"
  expect_eq "spawn_storm ($threads): first line" "spawn_storm: 20000 children spawned, replied and exited; replies all present" "$(head -1 <<<"$OUT")"

  run_lvm --threads $threads "$EXAMPLES/parallel_map.wasm" 8
  expect_eq "parallel_map ($threads): exit code" 0 "$RC"
  expect_eq "parallel_map ($threads): last line" \
    "parallel_map: 8 workers, sum of squares 160005696346435 (correct), children isolated: yes" "$(tail -1 <<<"$OUT")"
  [[ $(grep -c "sees generation 1 (root set 2), its pointer null, heap word 0x0" <<<"$OUT") -eq 8 ]] ||
    fail "parallel_map ($threads): every worker should report a fresh instance: $OUT"
done
expect_eq "process examples: stderr" "" "$ERR"
finish
