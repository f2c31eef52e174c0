#!/usr/bin/env bash
# Runs the scenarios of tests/sdk/sdk_test.cpp (the C++ SDK) under lvm with
# one and two worker threads and checks their exit codes and output (see
# that file). Usage: test_sdk.sh LVM_BINARY BUILD_DIR
GUEST_NAME=sdk_test
GUEST_DIR=tests/sdk
source "$(dirname "$0")/../guests/common.sh"

for threads in 1 2; do
  t="--threads $threads"
  run "serialize ($t)" $t -- serialize
  expect_out serialize "a value of every supported type round-trips"
  expect_out serialize "truncations and a trailing byte are refused"
  expect_out serialize "counts beyond the bytes are refused"
  expect_out serialize "a 300000-byte vector came back from an echo process intact"
  run "spawn ($t)" $t -- spawn
  expect_out spawn "the child got every argument"
  expect_out spawn "and sees generation 1 (the parent set 2)"
  expect_out spawn "a child's printf reached stdout without fflush"
  expect_out spawn "a capture-free lambda and a noexcept function as entries"
  expect_out spawn "spawn_monitor a DOWN with its monitor (exit code 7)"
  expect_out spawn "no_spawn gives the child not_permitted"
  expect_out spawn "one Task started twice made two processes"
  expect_out spawn "undecodable spawn arguments end the child with a trap"
  expect_err spawn "lvm: spawn: the arguments do not decode as the entry's parameters"
  run "messages ($t)" $t -- messages
  expect_out messages "receive<Pong> took the Pong behind a Ping"
  expect_out messages "selective receive by explicit tag"
  expect_out messages "receive_for timed out after 30 ms"
  expect_out messages "receive_message of two types took them in arrival order"
  expect_out messages "a malformed message with Ping's tag was dropped"
  expect_err messages "bytes): it is not a well-formed Ping"
  expect_out messages "sending to an ended process gives no_process"
  run "call ($t)" $t -- call
  expect_out call "400 of 400 answers right"
  expect_out call "the next got its own reply (4), not the late one"
  expect_out call "an ended server gives no_process, a reply of the wrong type bad_message"
  run "signals ($t)" $t -- signals
  expect_out signals "EXIT from a trapping child: trapped: integer divide by zero"
  expect_out signals "EXITs of kinds code 3, normal, killed and noproc decoded"
  expect_out signals "none after demonitor"
  expect_out signals "value() of an error Result traps the process"
  expect_err signals "lvm: Result::value() of an error: timed_out"
  run "names ($t)" $t -- names
  expect_out names "register_name, exists, whereis (typed), unregister_name, invalid"
  run "timers ($t)" $t -- timers
  expect_out timers "the cancelled one never came"
  run "supervisor ($t)" $t -- supervisor
  expect_out supervisor "one_for_one restarted the crashed and the exited child only"
  expect_out supervisor "it gave up (exit code 70)"
  expect_out supervisor "one_for_all restarted both permanent children"
  expect_out supervisor "it ended its children and exited with code 71"
  expect_err supervisor "trapped: integer divide by zero; restarting it (restart 1 of at most 3 in 10000 ms)"
  expect_err supervisor "exited with code 3; too many restarts (more than 3 in 10000 ms); giving up"
  expect_err supervisor "ended normally; not restarted (transient)"
  expect_err supervisor "not restarted (temporary)"
  expect_err supervisor "restarting all children (restart 1 of at most 1 in 10000 ms)"
  expect_err supervisor "trapped: integer divide by zero; shutting down its children"
done

finish
