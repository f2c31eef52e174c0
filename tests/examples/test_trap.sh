#!/usr/bin/env bash
# trap: a guest trap prints "wasm trap: REASON" and a wasm backtrace naming
# the trapping function on stderr, and lvm exits 134; what the guest wrote
# to stdout before the trap is still there.
# Usage: test_trap.sh LVM_BINARY BUILD_DIR
source "$(dirname "$0")/common.sh"

# check_trap MODE FUNCTION: runs `trap.wasm MODE`; FUNCTION must be the
# first function named in the backtrace, and main must appear below it.
check_trap() {
  local mode=$1 func=$2
  run_lvm "$EXAMPLES/trap.wasm" "$mode"
  expect_eq "trap $mode: exit code" 134 "$RC"
  expect_eq "trap $mode: stdout" "trap: about to trap ($mode)" "$OUT"
  [[ $ERR == *"lvm: error: "*"trap.wasm: wasm trap: "* ]] || fail "trap $mode: no 'wasm trap' line in stderr"
  [[ $ERR == *"wasm backtrace:"* ]] || fail "trap $mode: no 'wasm backtrace:' in stderr"
  local bt first
  bt=$(sed -n '/wasm backtrace:/,$p' <<<"$ERR" | tail -n +2)
  first=$(head -n 1 <<<"$bt")
  [[ $first =~ (^|[^A-Za-z0-9_])$func([^A-Za-z0-9_]|$) ]] || fail "trap $mode: first backtrace frame is not $func: '$first'"
  grep -Eq '(^|[^A-Za-z0-9_])(__original_)?main([^A-Za-z0-9_]|$)' <<<"$bt" || fail "trap $mode: backtrace does not name main"
  if [[ $failures -ne 0 ]]; then echo "--- stderr of trap $mode:" >&2; printf '%s\n' "$ERR" >&2; fi
}

check_trap divide divide
[[ $ERR == *"divi"*"zero"* ]] || fail "trap divide: reason does not mention division by zero: $ERR"
check_trap null call_through
check_trap unreachable give_up
[[ $ERR == *"unreachable"* ]] || fail "trap unreachable: reason does not mention unreachable: $ERR"
finish
