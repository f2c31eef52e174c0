#!/usr/bin/env bash
# The C++ SDK examples, each with one and two worker threads: a supervision
# tree that restarts a trapping worker and, at its restart intensity, gives
# up; a key-value store with request/reply clients; a typed parallel map.
# Exit codes and the lines that say the work was done (timing lines vary and
# are only checked to exist).
# Usage: test_sdk_examples.sh LVM_BINARY BUILD_DIR
source "$(dirname "$0")/common.sh"

# count WHAT TEXT EXPECTED: TEXT occurs EXPECTED times in $OUT and $ERR.
count() {
  local n
  n=$(grep -cF -- "$2" <<<"$OUT"$'\n'"$ERR")
  expect_eq "$1: lines with \"$2\"" "$3" "$n"
}

for threads in 1 2; do
  # Two crashes: the pool restarts the divider twice; stats keeps its count.
  run_lvm --threads $threads "$EXAMPLES/supervisor_tree.wasm" 2
  what="supervisor_tree 2 ($threads)"
  expect_eq "$what: exit code" 0 "$RC"
  expect_eq "$what: last line" \
    "supervisor_tree: the divider was restarted after 2 crashes; stats counted 3 divisions" "$(tail -1 <<<"$OUT")"
  count "$what" "divider: started as process" 3
  count "$what" "root: 1000 / 0: no reply (timed_out); the divider trapped: integer divide by zero" 2
  count "$what" "supervisor pool: child 'divider'" 2
  grep -qF "trapped: integer divide by zero; restarting it (restart 2 of at most 2 in 10000 ms)" <<<"$ERR" ||
    fail "$what: no second restart reported: $ERR"

  # Six: the pool gives up twice; top restarts it once, then gives up too.
  run_lvm --threads $threads "$EXAMPLES/supervisor_tree.wasm" 6
  what="supervisor_tree 6 ($threads)"
  expect_eq "$what: exit code (the supervisor's)" 70 "$RC"
  expect_eq "$what: last line" "root: the tree gave up: top exited with code 70" "$(tail -1 <<<"$OUT")"
  count "$what" "divider: started as process" 6
  count "$what" "too many restarts (more than 2 in 10000 ms); giving up: shutting down its children, exit code 70" 2
  count "$what" "supervisor top: child 'pool'" 2
  grep -qF "exited with code 70; restarting it (restart 1 of at most 1 in 10000 ms)" <<<"$ERR" ||
    fail "$what: top did not restart the pool: $ERR"
  grep -qF "exited with code 70; too many restarts (more than 1 in 10000 ms); giving up" <<<"$ERR" ||
    fail "$what: top did not give up: $ERR"

  run_lvm --threads $threads "$EXAMPLES/kv_store.wasm" 4 100
  expect_eq "kv_store ($threads): exit code" 0 "$RC"
  expect_eq "kv_store ($threads): first line" \
    "kv_store: 4 clients made 1400 calls, 1400 answers right; the store holds 200 keys (correct)" "$(head -1 <<<"$OUT")"
  [[ $(sed -n 2p <<<"$OUT") =~ ^kv_store:\ [0-9]+\ ns\ per\ call$ ]] || fail "kv_store ($threads): no timing line: $OUT"
  expect_eq "kv_store ($threads): stderr" "" "$ERR"

  run_lvm --threads $threads "$EXAMPLES/pmap.wasm" 3
  expect_eq "pmap ($threads): exit code" 0 "$RC"
  expect_eq "pmap ($threads): results" \
    "pmap: Collatz steps of 1..100000 in 3 workers: longest 350 (n = 77031), total 10753840; same as the sequential map: yes
pmap: 13 words in 3 workers: PROCESSES ... MEMORY, 20 vowels; same as the sequential map: yes" "$(head -2 <<<"$OUT")"
  [[ $(sed -n 3p <<<"$OUT") =~ ^pmap:\ the\ Collatz\ map\ took\ [0-9]+\ ms ]] || fail "pmap ($threads): no timing line: $OUT"
  expect_eq "pmap ($threads): stderr" "" "$ERR"
done
finish
