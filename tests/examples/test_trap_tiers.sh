#!/usr/bin/env bash
# trap_tiers: every trap of trap.wasm (division by zero, a null indirect
# call, unreachable, an out-of-bounds load in both memory modes, stack
# exhaustion by recursion) prints the same reason and the same wasm
# backtrace, and exits with the same code, in compiled code as in the
# interpreter. A deep recursion's backtrace is shortened.
# Usage: test_trap_tiers.sh LVM_BINARY BUILD_DIR
source "$(dirname "$0")/common.sh"

# compare WHAT [--head N] ARGS...: with --head, only the first N lines of
# stderr (a recursion's depth limit differs between the tiers: the
# interpreter counts frames, compiled code its native stack).
compare() {
  local what=$1; shift
  local head=1000000
  if [[ $1 == --head ]]; then head=$2; shift 2; fi
  local out_i err_i rc_i out_j err_j rc_j
  out_i=$("$LVM" run --interp "$@" 2>/tmp/lvm-trap-i.$$); rc_i=$?; err_i=$(head -n "$head" /tmp/lvm-trap-i.$$)
  out_j=$("$LVM" run --jit "$@" 2>/tmp/lvm-trap-j.$$); rc_j=$?; err_j=$(head -n "$head" /tmp/lvm-trap-j.$$)
  rm -f /tmp/lvm-trap-i.$$ /tmp/lvm-trap-j.$$
  expect_eq "$what: exit code (jit vs interp)" "$rc_i" "$rc_j"
  expect_eq "$what: exit code" 134 "$rc_j"
  expect_eq "$what: stdout (jit vs interp)" "$out_i" "$out_j"
  expect_eq "$what: reason and backtrace (jit vs interp)" "$err_i" "$err_j"
  [[ $err_j == *"wasm backtrace:"* ]] || fail "$what: no backtrace: $err_j"
}

compare "divide" "$EXAMPLES/trap.wasm" divide
compare "null" "$EXAMPLES/trap.wasm" null
compare "unreachable" "$EXAMPLES/trap.wasm" unreachable
compare "oob (guarded memory)" "$EXAMPLES/trap.wasm" oob
compare "oob (small slot)" --max-memory 64MiB "$EXAMPLES/trap.wasm" oob
compare "recurse" --head 34 "$EXAMPLES/trap.wasm" recurse
# A recursion's thousands of frames are listed as the 32 innermost, a line
# counting the rest, and the 32 outermost.
for tier in --interp --jit; do
  err=$("$LVM" run $tier "$EXAMPLES/trap.wasm" recurse 2>&1 >/dev/null)
  lines=$(wc -l <<<"$err")
  [[ $err =~ \.\.\.\ [0-9]+\ frames\ omitted ]] || fail "recurse $tier: no 'frames omitted' line"
  (( lines == 2 + 32 + 1 + 32 )) || fail "recurse $tier: $lines lines of stderr, expected 67"
done
finish
