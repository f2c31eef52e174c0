#!/usr/bin/env bash
# Runs the scenarios of tests/guests/processes.c under lvm and checks their
# exit codes and what they print (see that file for what each proves).
# Usage: test_processes.sh LVM_BINARY BUILD_DIR
GUEST_NAME=processes
source "$(dirname "$0")/common.sh"

for threads in 1 2; do
  t="--threads $threads"
  run "isolation ($t)" --threads $threads -- isolation
  expect_out isolation "child filled its whole memory (sent back 0xab...); parent's 1 MiB and statics unchanged"
  expect_out isolation "the child's heap has 0 non-zero bytes"
  run "statics ($t)" --threads $threads -- statics
  expect_out statics "child 1 sees static_value = 7 (parent has 42)"
  run "selective ($t)" --threads $threads -- selective
  expect_out selective "received in order !beacd"
  run "manysenders ($t)" --threads $threads -- manysenders
  expect_out manysenders "80000 messages from 4 senders, none lost, each sender's in order"
  run "timeout ($t)" --threads $threads -- timeout
  expect_out timeout "sleep(20 ms) slept at least 20 ms"
  run "preempt ($t)" --threads $threads -- preempt
  expect_out preempt "while two processes spin forever and one recurses; killed all four"
  run "trapchild ($t)" --threads $threads -- trapchild
  expect_out trapchild "the child died; the parent is still running"
  expect_err trapchild "trapped: unreachable"
  expect_err trapchild "0: divider"
  [[ $(grep -c "trapped" <<<"$ERR") -eq 1 ]] || fail "trapchild: exactly one trap report expected (exit(3) is not a trap)"
done

run bomb --max-processes 1000 -- bomb
expect_out bomb "bomb: 999 processes, then LVM_ELIMIT; after killing them, spawn works again"

run exports --dir "$BUILD/examples" -- exports "$BUILD/examples/hello.wasm"
expect_out exports "spawn_export, module_compile and spawn_module work"
expect_out exports "Hello from lvm!"

# Every ABI function with a pointer parameter, called with a wild pointer
# by a child: the child traps with a message naming the function and the
# range; the parent carries on. (self, sleep, yield, exit, kill, link,
# unlink, demonitor, trap_exit and cancel_timer take no pointers; the
# scenarios here and in test_signals.sh call them with out-of-range values.)
for fn in spawn spawn_export module_compile spawn_module args send receive message_read receive_info spawn_pid \
    spawn_opt monitor register unregister whereis whereis_pid send_after send_after_ref; do
  run "badptr $fn" -- badptr $fn
  expect_out "badptr $fn" "the child calling $fn with a wild pointer died; the parent carries on"
  api=$fn
  case $fn in
    receive_info) api=receive ;; spawn_pid) api=spawn_export ;; whereis_pid) api=whereis ;;
    send_after_ref) api=send_after ;;
  esac
  expect_err "badptr $fn" "trapped: lvm.$api: "
  expect_err "badptr $fn" "is outside the caller's memory"
done

finish
