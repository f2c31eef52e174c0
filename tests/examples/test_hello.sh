#!/usr/bin/env bash
# hello: prints a greeting and its arguments; exit code 0.
# Usage: test_hello.sh LVM_BINARY BUILD_DIR
source "$(dirname "$0")/common.sh"

run_lvm "$EXAMPLES/hello.wasm"
expect_eq "hello without args: exit code" 0 "$RC"
expect_eq "hello without args: stdout" "Hello from lvm!" "$OUT"

run_lvm "$EXAMPLES/hello.wasm" one "two words" ""
expect_eq "hello with args: exit code" 0 "$RC"
expect_eq "hello with args: stdout" "Hello from lvm!
  arg 1: one
  arg 2: two words
  arg 3: " "$OUT"
expect_eq "hello: stderr" "" "$ERR"
finish
