#!/usr/bin/env bash
# Runs the scenarios of tests/guests/signals.c under lvm (one and two
# worker threads) and checks their exit codes and output (see that file).
# Usage: test_signals.sh LVM_BINARY BUILD_DIR
GUEST_NAME=signals
source "$(dirname "$0")/common.sh"

for threads in 1 2; do
  t="--threads $threads"
  run "link ($t)" $t -- link
  expect_out link "the linked middle process died with its child's reason (kind 2, \"unreachable\")"
  expect_out link "a normal exit of a linked child leaves its partner alive"
  expect_out link "after unlink the partner's death does not reach us"
  expect_err link "ended: linked process"
  run "trapexit ($t)" $t -- trapexit
  expect_out trapexit "got 3 messages then EXIT (kind 2) from the trapping child, in order; still alive"
  expect_out trapexit "normal and exit-code EXITs, and NOPROC for a dead partner"
  run "monitor ($t)" $t -- monitor
  expect_out monitor "one DOWN per monitor (kind killed)"
  expect_out monitor "a dead pid gives one DOWN of kind noproc"
  expect_out monitor "spawn_monitor reports exit code 5 and the trap \"unreachable\""
  expect_out monitor "demonitor stops it and flushes a delivered DOWN"
  run "registry ($t)" $t -- registry
  expect_out registry "registering it again: LVM_EEXIST"
  expect_out registry "the name vanished with its process and could be taken again"
  run "timers ($t)" $t -- timers
  expect_out timers "the cancelled one never came"
  expect_out timers "under load, 10 timers of 5 ms arrived"
  run "timeouts ($t)" $t -- timeouts
  expect_out timeouts "2000 receives timed out in a row, no false deadlock"
  timeout 60 "$LVM" run $t "$GUEST" deadlock >"$TMP/out" 2>"$TMP/err" </dev/null
  rc=$?
  [[ $rc -eq 3 ]] || fail "deadlock ($t): exit code $rc, expected 3"
  grep -qF "deadlock: 2 process(es) wait for messages and nothing can wake them" "$TMP/err" ||
    fail "deadlock ($t): stderr lacks the deadlock report: $(cat "$TMP/err")"
  # The root's last wait begins right after a timer woke it, while the timer
  # may still count as firing: a race that hung 1 run in 50 with 2 threads.
  for k in $(seq 30); do
    timeout 60 "$LVM" run $t "$GUEST" deadlock >/dev/null 2>&1 </dev/null
    rc=$?
    [[ $rc -eq 3 ]] || { fail "deadlock ($t), run $k of 30: exit code $rc, expected 3"; break; }
  done
  run "memlimit ($t)" $t -- memlimit
  expect_out memlimit "memory.grow gave"
  expect_out memlimit "then -1"
  expect_out memlimit "refuses the spawn (LVM_ELIMIT)"
  run "fuel ($t)" $t -- fuel
  expect_out fuel "ended: \"all fuel consumed"
  expect_out fuel "a short task within its fuel ends normally"
  expect_out fuel "the limit is inherited by children"
  run "nospawn ($t)" $t -- nospawn
  expect_out nospawn "got LVM_EPERM"
  run "bomb ($t)" $t --max-processes 300 -- bomb
  expect_out bomb "spawning stopped at the cap with status 4 (LVM_ELIMIT); the echo server answered 100 pings"
  run "badargs ($t)" $t -- badargs
  expect_out badargs "give statuses, not traps"
done

finish
