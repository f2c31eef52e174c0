#!/usr/bin/env bash
# The Rust SDK's examples (sdk/rust/examples), each with one and two worker
# threads: the seed's two cases (a captured Vec reaches the child as [42];
# a static pointing at leaked memory is the child's own initial 10), a
# ping-pong, a key-value store with request/reply clients, a supervision
# tree restarting a panicking worker and, past its intensity, giving up,
# and a parallel map. Timing lines vary and are only checked to exist.
# Usage: test_rust_examples.sh LVM_BINARY BUILD_DIR
source "$(dirname "$0")/common.sh"
EXAMPLES=$BUILD/rust/wasm32-wasi/release

# count WHAT TEXT EXPECTED: TEXT occurs EXPECTED times in $OUT and $ERR.
count() {
  local n
  n=$(grep -cF -- "$2" <<<"$OUT"$'\n'"$ERR")
  expect_eq "$1: lines with \"$2\"" "$3" "$n"
}

for threads in 1 2; do
  run_lvm --threads $threads "$EXAMPLES/captured_vec.wasm"
  expect_eq "captured_vec ($threads): exit code" 0 "$RC"
  expect_eq "captured_vec ($threads): output" "child: the captured Vec is [42]
parent: the child printed its own copy of the Vec and ended normally" "$OUT"
  expect_eq "captured_vec ($threads): stderr" "" "$ERR"

  run_lvm --threads $threads "$EXAMPLES/static_leak.wasm"
  expect_eq "static_leak ($threads): exit code" 0 "$RC"
  expect_eq "static_leak ($threads): output" "parent: THING = 20
child: THING = 10 (the static's initial value: this process is a fresh instance)
parent: the child saw 10, not the parent's leaked 20: statics and heap are per process" "$OUT"

  run_lvm --threads $threads "$EXAMPLES/pingpong.wasm" 5000
  expect_eq "pingpong ($threads): exit code" 0 "$RC"
  expect_eq "pingpong ($threads): first line" "pingpong: 5000 round trips, the counter is 5000" "$(head -1 <<<"$OUT")"
  [[ $(sed -n 2p <<<"$OUT") =~ ^pingpong:\ [0-9]+\ ns\ per\ round\ trip$ ]] || fail "pingpong ($threads): no timing line: $OUT"

  run_lvm --threads $threads "$EXAMPLES/kv_store.wasm" 4 100
  expect_eq "kv_store ($threads): exit code" 0 "$RC"
  expect_eq "kv_store ($threads): first line" \
    "kv_store: 4 clients made 1200 calls, 1200 answers right; the store holds 400 keys (correct)" "$(head -1 <<<"$OUT")"
  [[ $(sed -n 2p <<<"$OUT") =~ ^kv_store:\ [0-9]+\ ns\ per\ call$ ]] || fail "kv_store ($threads): no timing line: $OUT"
  expect_eq "kv_store ($threads): stderr" "" "$ERR"

  # Two panics: the pool restarts the worker twice; the counter counts on.
  run_lvm --threads $threads "$EXAMPLES/supervision_tree.wasm" 2
  what="supervision_tree 2 ($threads)"
  expect_eq "$what: exit code" 0 "$RC"
  expect_eq "$what: last line" \
    "supervision_tree: the worker was restarted after 2 panics; the counter counted 3 good jobs" "$(tail -1 <<<"$OUT")"
  count "$what" "worker: started as process" 3
  count "$what" "supervisor pool: child 'worker'" 2
  count "$what" "lvm: process" 2
  grep -qF "trapped: panicked at 'job 0 is a bad job'" <<<"$ERR" || fail "$what: the panic is not reported: $ERR"
  grep -qF "restarting it (restart 2 of at most 2 in 10000 ms)" <<<"$ERR" || fail "$what: no second restart: $ERR"

  # Six: the pool gives up twice; top restarts it once, then gives up too.
  run_lvm --threads $threads "$EXAMPLES/supervision_tree.wasm" 6
  what="supervision_tree 6 ($threads)"
  expect_eq "$what: exit code (the supervisor's)" 70 "$RC"
  expect_eq "$what: last line" "root: the tree gave up: top exited with code 70" "$(tail -1 <<<"$OUT")"
  count "$what" "worker: started as process" 6
  count "$what" "too many restarts (more than 2 in 10000 ms); giving up: shutting down its children, exit code 70" 2
  grep -qF "exited with code 70; restarting it (restart 1 of at most 1 in 10000 ms)" <<<"$ERR" ||
    fail "$what: top did not restart the pool: $ERR"
  grep -qF "exited with code 70; too many restarts (more than 1 in 10000 ms); giving up" <<<"$ERR" ||
    fail "$what: top did not give up: $ERR"

  run_lvm --threads $threads "$EXAMPLES/parallel_map.wasm"
  expect_eq "parallel_map ($threads): exit code" 0 "$RC"
  expect_eq "parallel_map ($threads): output" "parallel_map: 15 words in 15 processes: PROCESSES(3) SHARE(2) NOTHING(2) AND(1) TALK(1) ONLY(1) BY(0) MESSAGES(3) SO(1) A(1) CRASH(1) STAYS(1) WHERE(2) IT(1) HAPPENED(3)
parallel_map: same as the sequential map: yes" "$OUT"
  expect_eq "parallel_map ($threads): stderr" "" "$ERR"
done
finish
