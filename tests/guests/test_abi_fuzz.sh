#!/usr/bin/env bash
# Runs tests/guests/abi_fuzz.c with two seeds and both thread counts: lvm must
# exit 0 with the parent's last line printed. Children's traps (reported on
# stderr) are expected: each is a bad pointer caught.
# Usage: test_abi_fuzz.sh LVM_BINARY BUILD_DIR
set -uo pipefail
[[ $# -ge 2 ]] || { echo "usage: $0 LVM_BINARY BUILD_DIR" >&2; exit 2; }
LVM=$1
GUEST=$2/tests/guests/abi_fuzz.wasm
failures=0
for threads in 1 2; do
  for seed in 1 2; do
    out=$(timeout 120 "$LVM" run --threads $threads "$GUEST" 1000 $seed 2>/tmp/abi_fuzz_err.$$)
    rc=$?
    traps=$(grep -c "trapped:" /tmp/abi_fuzz_err.$$)
    others=$(grep -v "trapped:\|wasm backtrace:\|^  *[0-9]*: " /tmp/abi_fuzz_err.$$ | head -3)
    rm -f /tmp/abi_fuzz_err.$$
    if [[ $rc -ne 0 || $out != "abi_fuzz: 1000 children made random ABI calls; the parent is still running" ]]; then
      echo "FAIL: threads $threads seed $seed: exit $rc, stdout: $out" >&2
      failures=$((failures + 1))
    fi
    if [[ -n $others ]]; then
      echo "FAIL: threads $threads seed $seed: unexpected stderr: $others" >&2
      failures=$((failures + 1))
    fi
    echo "threads $threads seed $seed: $traps children trapped on bad arguments"
  done
done
[[ $failures -eq 0 ]] && echo "test_abi_fuzz.sh: ok"
exit $((failures > 0))
