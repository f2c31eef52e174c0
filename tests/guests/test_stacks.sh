#!/usr/bin/env bash
# Runs the scenarios of tests/guests/stacks.c with the JIT and with the
# interpreter (whatever LVM_TIER the suite runs under) and checks what they
# print: recursion after and between waits is right, and unbounded
# recursion reaches the depth a process's large stack region gave before
# processes started on small stacks (measured on main at 9666e77 with this
# guest: 7,936 reported calls with the JIT, 16,384 with the interpreter,
# reports being every 256 calls), then ends in `call stack exhausted`.
# Usage: test_stacks.sh LVM_BINARY BUILD_DIR
GUEST_NAME=stacks
source "$(dirname "$0")/common.sh"

for tier in jit interp; do
  export LVM_TIER=$tier
  for threads in 1 2; do
    run "deepwait ($tier, $threads threads)" --threads $threads -- deepwait
    expect_out deepwait "16 of 16 recursions 10000 calls deep right, after and between waits; 8 woke again"
  done
  run "simd ($tier)" -- simd
  expect_out simd "simd: a SIMD function waited, then recursed 5000 calls deep: right"
  run "exhaust ($tier)" -- exhaust
  expect_out exhaust "then the trap: call stack exhausted"
  expect_err exhaust "trapped: call stack exhausted"
  depth=$(sed -nE 's/^exhaust: ([0-9]+) calls deep.*/\1/p' <<<"$OUT")
  want=$([[ $tier == jit ]] && echo 7936 || echo 16384)
  if [[ -z $depth ]] || ((depth < want)); then
    fail "exhaust ($tier): recursion ended at ${depth:-?} calls, before $want"
  else
    echo "exhaust ($tier): $depth calls deep (at least $want expected)"
  fi
done

finish
