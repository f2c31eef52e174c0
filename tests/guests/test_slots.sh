#!/usr/bin/env bash
# Runs the scenarios of tests/guests/slots.c (memories moving to larger
# small slots as they grow) with the JIT and with the interpreter, on 1
# and 2 threads. Usage: test_slots.sh LVM_BINARY BUILD_DIR
GUEST_NAME=slots
source "$(dirname "$0")/common.sh"

for tier in jit interp; do
  export LVM_TIER=$tier
  for threads in 1 2; do
    run "grow ($tier, $threads threads)" --threads $threads -- grow
    expect_out "grow ($tier, $threads threads)" "grew to 16 pages past their slots beside messaging and spinning processes: 0 bad checks; 16 new processes: 0 non-zero bytes"
  done
done

finish
