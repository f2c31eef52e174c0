#!/usr/bin/env bash
# Runs the scenarios of sdk/rust/tests/src/bin/sdk_test.rs (the Rust SDK)
# under lvm with one and two worker threads and checks their exit codes and
# output (each line is printed after the checks it names passed; a failed
# check panics, which ends the root with exit code 134).
# Usage: test_rust_sdk.sh LVM_BINARY BUILD_DIR
GUEST_NAME=sdk_test
GUEST_DIR=rust/wasm32-wasi/release
source "$(dirname "$0")/../guests/common.sh"

for threads in 1 2; do
  t="--threads $threads"
  run "serialize ($t)" $t -- serialize
  expect_out serialize "Vec<(String, Option<u64>)>, enums with data, maps and structs round-trip; truncations, a trailing byte and counts beyond the bytes are refused"
  expect_out serialize "tag_of gives each type its own tag"
  expect_out serialize "a Nested and a 1 MiB message came back from an echo process intact"
  run "spawn ($t)" $t -- spawn
  expect_out spawn "a plain fn got its captures and sees generation 1 (the parent set 2)"
  expect_out spawn "a child's print! without a newline reached stdout"
  expect_out spawn "spawn! moved its listed variables into the child"
  expect_out spawn "spawn_monitor! gave a Down with its monitor (exited with code 7)"
  expect_out spawn "spawn_link! child's panic came as an Exit: trapped: panicked at 'linked boom'"
  expect_out spawn "spawn_opt! with no_spawn gives the child NotPermitted"
  expect_out spawn "limits: fuel ends a looping child, max_memory_pages refuses its 8 MiB"
  expect_err spawn "all fuel consumed"
  expect_out spawn "one Task started twice made two processes"
  run "messages ($t)" $t -- messages
  expect_out messages "receive::<Pong>() took the Pong behind a Ping"
  expect_out messages "selective receive by explicit tag"
  expect_out messages "receive_timeout timed out after 30 ms"
  expect_out messages "receive_message of two types took them in arrival order"
  expect_out messages "a malformed message with Ping's tag was dropped"
  expect_err messages "(2 bytes): it is not a well-formed sdk_test::Ping"
  expect_out messages "sending to an ended process gives NoProcess, a reserved tag Invalid"
  run "call ($t)" $t -- call
  expect_out call "1000 concurrent clients made 2000 calls, 1000 of 1000 answers right"
  expect_out call "a call timed out, and the next got its own reply, not the late one"
  expect_out call "an ended server gives NoProcess, a reply of the wrong type BadMessage"
  run "signals ($t)" $t -- signals
  expect_out signals "a panic's message reached the monitor: trapped: panicked at 'index out of bounds: the len is 0 but the index is 3', tests/src/bin/sdk_test.rs"
  expect_err signals "trapped: panicked at 'index out of bounds: the len is 0 but the index is 3'"
  expect_out signals "Exits decoded: ended normally, exited with code 3, was killed"
  expect_out signals "link to an ended process gives NoProcess and a NoProc Exit; none after unlink"
  expect_out signals "none after demonitor; a monitor of an ended process gives NoProc at once"
  expect_out signals "a panic ended the process linked to it with the same reason"
  run "names ($t)" $t -- names
  expect_out names "register, Exists, whereis (typed), unregister, Invalid"
  run "timers ($t)" $t -- timers
  expect_out timers "the cancelled one never came"
  run "supervisor ($t)" $t -- supervisor
  expect_out supervisor "one_for_one restarted the crashed child only, three times"
  expect_out supervisor "at the fourth crash it gave up (exited with code 70)"
  expect_out supervisor "one_for_all restarted both children"
  expect_out supervisor "its starter's panic ended it and its children, exit code 71"
  expect_err supervisor "supervisor one: child 'temp' (process"
  expect_err supervisor "ended normally; not restarted (temporary)"
  expect_err supervisor "ended normally; not restarted (transient)"
  expect_err supervisor "trapped: panicked at 'a was told to crash'"
  expect_err supervisor "restarting it (restart 3 of at most 3 in 10000 ms)"
  expect_err supervisor "too many restarts (more than 3 in 10000 ms); giving up: shutting down its children, exit code 70"
  expect_err supervisor "restarting all children (restart 1 of at most 1 in 10000 ms)"
  expect_err supervisor "supervisor linked: linked process"
  run "abi ($t)" $t -- abi
  expect_out abi "a wild pointer to lvm.trap: trapped: lvm.trap: text [4294967280, 4294967344) is outside the caller's memory"

  # A panic of the root process: `lvm run` reports it as a trap (134).
  timeout 60 "$LVM" run $t "$GUEST" panic >"$TMP/out" 2>"$TMP/err" </dev/null
  rc=$?
  [[ $rc -eq 134 ]] || fail "panic ($t): exit code $rc, expected 134"
  grep -qF "wasm trap: panicked at 'the root panics', tests/src/bin/sdk_test.rs" "$TMP/err" ||
    fail "panic ($t): no report: $(cat "$TMP/err")"
done

finish
