#!/usr/bin/env bash
# Distribution on localhost (docs/distribution.md): lvm nodes and an Erlang
# node, with an epmd this test starts on a free port and stops.
# Usage: test_dist.sh LVM_BINARY BUILD_DIR
set -uo pipefail
LVM=$1
BUILD=$2
GUEST=$BUILD/tests/dist/dist.wasm
HOST_GUEST=$BUILD/tests/dist/dist_host.wasm
PEER=$BUILD/lvm-dist-peer
HERE=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/lvm-dist.XXXXXX")
source "$HERE/epmd.sh"
C="--cookie dist-test-cookie"
H=127.0.0.1

# node NAME ARGS...: starts a node in the background (output in $TMP/NAME.*).
node() {
  local name=$1
  shift
  # (No `timeout` wrapper: its pid must be the node's, to kill -9 it; a
  # hung node fails by ctest's timeout and is killed at exit.)
  "$LVM" run --name "$name@$H" $C "$GUEST" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" </dev/null &
  pids+=($!)
  LAST=$!
  watch_pid $!
}
# host_node NAME [OPTIONS...]: a node running dist_host.wasm (another module).
host_node() {
  local name=$1
  shift
  "$LVM" run --name "$name@$H" $C "$@" "$HOST_GUEST" host >"$TMP/$name.out" 2>"$TMP/$name.err" </dev/null &
  pids+=($!)
  LAST=$!
  watch_pid $!
}
expect() { grep -qF -- "$3" "$TMP/$2" || { fail "$1: $2 lacks: $3"; sed 's/^/    /' "$TMP/$2" >&2; }; }
wait_for() {  # FILE TEXT: up to 20 s
  for k in $(seq 200); do grep -qF -- "$2" "$TMP/$1" 2>/dev/null && return 0; sleep 0.1; done
  return 1
}

# Two and three nodes, 100,000 messages each way per pair, in order.
node m1 mesh 100000 "m2@$H"; a=$LAST
node m2 mesh 100000 "m1@$H"; b=$LAST
wait $a; ra=$?; wait $b; rb=$?
[[ $ra -eq 0 && $rb -eq 0 ]] || fail "mesh of 2: exit codes $ra $rb"
expect "mesh of 2" m1.out "mesh ok: 100000 messages from each of 1 peers, in order"
expect "mesh of 2" m2.out "mesh ok: 100000 messages from each of 1 peers, in order"
node t1 mesh 100000 "t2@$H" "t3@$H"; a=$LAST
node t2 mesh 100000 "t1@$H" "t3@$H"; b=$LAST
node t3 mesh 100000 "t1@$H" "t2@$H"; c=$LAST
wait $a; ra=$?; wait $b; rb=$?; wait $c; rc=$?
[[ $ra -eq 0 && $rb -eq 0 && $rc -eq 0 ]] || fail "mesh of 3: exit codes $ra $rb $rc"
for n in t1 t2 t3; do expect "mesh of 3" $n.out "mesh ok: 100000 messages from each of 2 peers, in order"; done

# A node whose root sends a burst and returns at once: its node flushes
# what it sent before the OS process exits, so nothing is lost.
node c1 collect 200000; collect_node=$LAST
wait_for c1.out "collect up" || fail "the collect node did not come up"
node b1 burst "c1@$H" 200000; wait $LAST || fail "burst: exit code $?"
wait $collect_node || fail "collect: exit code $?"
expect "burst then exit" c1.out "collect ok: 200000 messages"

# Round trips, a remote link that kills its partner, and noconnection.
node e1 echo echo; echo_node=$LAST
wait_for e1.out "echo echo on e1@$H" || fail "the echo node did not come up"
node p1 ping "e1@$H" 1000; wait $LAST || fail "ping: exit code $?"
expect ping p1.out "ping ok: 1000 round trips"
node l1 linktrap "e1@$H"; wait $LAST || fail "linktrap: exit code $?"
expect linktrap l1.out "linktrap: the child died of its remote partner's exit (kind 2, \"unreachable\")"
expect linktrap e1.err "trapped: unreachable"

# Remote spawn: on a node running another module (the module travels,
# once) and on one running the same (it need not travel).
host_node h1; h1=$LAST
wait_for h1.out "host host on h1@$H" || fail "the host node did not come up"
timeout 60 "$LVM" run --name "r1@$H" $C "$GUEST" rspawn "h1@$H" host >"$TMP/r1.out" 2>"$TMP/r1.err" </dev/null ||
  fail "rspawn on h1: exit code $?"
expect "remote spawn" r1.out "rspawn: 20+22=42 and 100+23=123, computed on h1@$H"
expect "remote spawn, linked" r1.out "rspawn: a linked partner died of its remote child's trap (kind 2, \"unreachable\")"
expect "remote spawn, linked" r1.out "rspawn: a linked partner trapping exits got the EXIT (exit code 0)"
expect "remote spawn, monitored" r1.out "rspawn: monitored: DOWN matches, kind 1, code 7"
expect "whereis_remote" r1.out "rspawn: whereis_remote {host, h1@$H} on h1@$H answers; nosuch: 9"
expect "remote spawn, unreachable" r1.out "rspawn: an unreachable node: 11"
n=$(grep -c "validated and cached" "$TMP/h1.err")
[[ $n -eq 1 ]] || fail "remote spawn: the module was received $n times by h1, not once"
# The C++ SDK's node functions (handles travel with their node).
timeout 60 "$LVM" run --name "c1@$H" $C "$BUILD/tests/dist/dist_sdk.wasm" cpp "h1@$H" host >"$TMP/c1.out" 2>"$TMP/c1.err" </dev/null ||
  fail "C++ SDK on h1: exit code $?"
expect "C++ SDK spawn_remote" c1.out "cpp: spawn_remote: 42 on h1@$H"
expect "C++ SDK monitored remote spawn" c1.out "cpp: a monitored remote child exited with code 7"
expect "C++ SDK whereis, send_named, monitor_node" c1.out "cpp: whereis on h1@$H, send_named and monitor_node work; node_self c1@$H"
# The Rust SDK's.
RUST_GUEST=$BUILD/rust/wasm32-wasi/release/sdk_test.wasm
timeout 60 "$LVM" run --name "u1@$H" $C "$RUST_GUEST" dist "h1@$H" host >"$TMP/u1.out" 2>"$TMP/u1.err" </dev/null ||
  fail "Rust SDK on h1: exit code $?"
expect "Rust SDK spawn_remote" u1.out "dist: spawn_remote: 42 on h1@$H"
expect "Rust SDK monitored remote spawn" u1.out "dist: a monitored remote child exited with code 7"
expect "Rust SDK whereis_on, send_named, monitor_node" u1.out "dist: whereis_on h1@$H, send_named and monitor_node work; node_self u1@$H"
timeout 60 "$LVM" run --name "r2@$H" $C "$GUEST" rspawn "e1@$H" echo >"$TMP/r2.out" 2>"$TMP/r2.err" </dev/null ||
  fail "rspawn on e1: exit code $?"
expect "remote spawn, same module" r2.out "rspawn: 20+22=42 and 100+23=123, computed on e1@$H"
grep -q "validated and cached" "$TMP/e1.err" && fail "remote spawn: e1 received the module it runs"
kill "$h1" 2>/dev/null
# Refused: --no-remote-spawn (LVM_EPERM), a module beyond the limit (LVM_ETOOBIG).
host_node n1 --no-remote-spawn; n1=$LAST
host_node s1 --max-remote-module 1KiB; s1=$LAST
wait_for n1.out "host host on n1@$H" && wait_for s1.out "host host on s1@$H" || fail "the refusing nodes did not come up"
timeout 60 "$LVM" run --name "r3@$H" $C "$GUEST" rspawn-status "n1@$H" >"$TMP/r3.out" 2>&1 </dev/null
expect "--no-remote-spawn" r3.out "rspawn-status: 10"
expect "--no-remote-spawn" n1.err "refused a remote spawn from r3@$H: this node runs with --no-remote-spawn"
timeout 60 "$LVM" run --name "r4@$H" $C "$GUEST" rspawn-status "s1@$H" >"$TMP/r4.out" 2>&1 </dev/null
expect "--max-remote-module" r4.out "rspawn-status: 12"
expect "--max-remote-module" s1.err "is beyond --max-remote-module (1024 bytes)"
kill "$n1" "$s1" 2>/dev/null

# Every node function with a wild pointer traps only its caller.
timeout 60 "$LVM" run "$GUEST" badptr >"$TMP/badptr.out" 2>"$TMP/badptr.err" </dev/null || fail "badptr: exit code $?"
expect "wild pointers" badptr.out "badptr: 11 of 11 calls with a wild pointer trapped their caller only"
timeout 60 "$LVM" run "$BUILD/tests/dist/dist_sdk.wasm" badptr >"$TMP/cbadptr.out" 2>"$TMP/cbadptr.err" </dev/null ||
  fail "C++ SDK badptr: exit code $?"
expect "C++ SDK wild pointers" cbadptr.out "cpp-badptr: 5 of 5 SDK node calls with a wild pointer trapped their caller only"
timeout 60 "$LVM" run "$RUST_GUEST" dist-badptr >"$TMP/ubadptr.out" 2>"$TMP/ubadptr.err" </dev/null ||
  fail "Rust SDK badptr: exit code $?"
expect "Rust SDK wild pointers" ubadptr.out "dist-badptr: 8 of 8 node imports given a wild pointer trapped their caller only"

# A wrong cookie: refused by the handshake, nothing reaches the echo.
timeout 60 "$LVM" run --name w1@$H --cookie wrong "$GUEST" once "e1@$H" >"$TMP/w1.out" 2>"$TMP/w1.err" </dev/null
expect "wrong cookie" w1.out "once: no answer"
expect "wrong cookie" e1.err "refused a connection: the handshake failed"
grep -qF "w1@" "$TMP/e1.err" && grep -q "connected to w1" "$TMP/e1.err" && fail "wrong cookie: the node was connected"

# Bad input from the network: each closes its connection (logged), the
# node and its processes go on (the peer's good message is answered).
if [[ -x $PEER ]]; then
  for bad in truncated corrupt unknown length; do
    timeout 60 "$PEER" "e1@$H" dist-test-cookie "$bad" >"$TMP/peer-$bad.out" 2>&1 ||
      { fail "bad input $bad: the peer failed"; sed 's/^/    /' "$TMP/peer-$bad.out" >&2; }
    expect "bad input $bad" "peer-$bad.out" "$bad: the node's echo answered afterwards"
  done
  expect "truncated frame" e1.err "bad input: REG_SEND's message (control message 6): truncated term: binary bytes needs 10 bytes, 2 left"
  expect "corrupted term" e1.err "bad input: REG_SEND's message (control message 6): unknown term tag 200"
  expect "unknown control message" e1.err "bad input: unknown control message 99"
  expect "absurd length" e1.err "a frame of 4294967295 bytes, beyond the limit"
  # Corrupt module bytes for a remote spawn: a clear answer, the connection
  # and the node go on; a malformed request closes the connection.
  for bad in spawn-hash spawn-invalid; do
    timeout 60 "$PEER" "e1@$H" dist-test-cookie "$bad" >"$TMP/peer-$bad.out" 2>&1 ||
      { fail "bad module $bad: the peer failed"; sed 's/^/    /' "$TMP/peer-$bad.out" >&2; }
    expect "bad module $bad" "peer-$bad.out" "$bad: the node answered bad_module"
    expect "bad module $bad" "peer-$bad.out" "$bad: the node's echo answered afterwards"
  done
  expect "module bytes not matching their hash" e1.err "the module's bytes do not match its SHA-256"
  expect "module bytes that are no module" e1.err ": not a valid module: "
  timeout 60 "$PEER" "e1@$H" dist-test-cookie spawn-malformed >"$TMP/peer-spawn-malformed.out" 2>&1 ||
    { fail "malformed spawn request: the peer failed"; sed 's/^/    /' "$TMP/peer-spawn-malformed.out" >&2; }
  expect "malformed spawn request" peer-spawn-malformed.out "spawn-malformed: the node's echo answered afterwards"
  expect "malformed spawn request" e1.err "bad input: a malformed remote spawn request (not {spawn, ...} of 11)"
  # A simultaneous connect, made deterministic by the peer (see
  # dist_peer.cpp): the node reads the connection the peer opened until
  # the peer closes it, and hands over what came on it before what came on
  # its own.
  timeout 60 "$PEER" "s1@$H" dist-test-cookie simultaneous >"$TMP/peer-simultaneous.out" 2>&1 &
  peer_pid=$!
  wait_for peer-simultaneous.out "simultaneous: listening" || fail "simultaneous: the peer did not come up"
  node s1 settle "zsettle@$H"
  wait $LAST || fail "settle: exit code $?"
  wait $peer_pid || { fail "simultaneous: the peer failed"; sed 's/^/    /' "$TMP/peer-simultaneous.out" >&2; }
  expect "simultaneous connect" s1.out "settle: the peer's messages came: 1 then 2"
  expect "simultaneous connect" peer-simultaneous.out "simultaneous: {settle, s1@$H} answered on its own connection"
else
  fail "no $PEER"
fi

# A node that comes back (a new creation): the pids of its earlier
# incarnation are forgotten, and a handle kept of one names nothing.
node e2 echo echo; e2=$LAST
wait_for e2.out "echo echo on e2@$H" || fail "e2 did not come up"
node z1 restart "e2@$H"; z1=$LAST
wait_for z1.out "restart: ready" || fail "restart: not ready"
kill -9 "$e2"; wait "$e2" 2>/dev/null
for k in $(seq 100); do epmd -port "$PORT" -names 2>/dev/null | grep -q "name e2 " || break; sleep 0.1; done
mv "$TMP/e2.out" "$TMP/e2-first.out"
node e2 echo echo
wait $z1 || fail "restart: exit code $?"
expect restart z1.out "restart: the old incarnation's pid names nothing (send 1, pid_node -1); the new one answers"
expect restart z1.err "forgot 1 pid(s) of an earlier incarnation of e2@$H"

# A node whose workers all compute (4 spinners, no worker ever idle to
# read the network): the I/O thread reads for them, so a whereis, a
# monitor and a kill still reach it.
node b1 busy; busy_node=$LAST
wait_for b1.out "busy: 4 spinners on b1@$H" || fail "the busy node did not come up"
node b2 killbusy "b1@$H"; wait $LAST || fail "killbusy: exit code $?"
expect killbusy b2.out "killbusy: whereis_remote {spin, node}: status 0"
expect killbusy b2.out "killbusy: 3000 messages streamed, the connection stayed up"
expect killbusy b2.out "killbusy: DOWN came, kind 3"
kill -9 "$busy_node"

# Killing a node's OS process: noconnection to every link and monitor.
node k1 watch "e1@$H"; watch_node=$LAST
wait_for k1.out "watch: ready" || fail "watch: not ready: $(cat "$TMP/k1.out" "$TMP/k1.err")"
kill -9 "$echo_node"
wait $watch_node || fail "watch: exit code $?"
expect watch k1.out "watch: 3 of 3 children got EXIT and DOWN with noconnection; nodedown e1@$H"

# An Erlang node: messages both ways, by pid and by name, other terms.
if command -v erl >/dev/null && erlc -o "$TMP" "$HERE/erl_echo.erl" 2>"$TMP/erlc.err"; then
  timeout 60 erl -name "erl1@$H" -setcookie dist-test-cookie -noshell -pa "$TMP" -run erl_echo main "x1@$H" \
    >"$TMP/erl1.out" 2>&1 </dev/null &
  pids+=($!); erl_node=$!; watch_pid $!
  wait_for erl1.out "erl_echo up" || fail "erl did not come up: $(cat "$TMP/erl1.out")"
  timeout 60 "$LVM" run --name "x1@$H" $C "$GUEST" erl "erl1@$H" >"$TMP/x1.out" 2>"$TMP/x1.err" </dev/null ||
    fail "erl: exit code $?"
  wait $erl_node
  expect erl x1.out "erl: {8, <<\"hello from erlang\">>} from an Erlang process"
  expect erl x1.out "erl: {9, <<\"by name\">>} sent to {lvm_peer, node}"
  expect erl x1.out "erl: another term arrived as LVM_TAG_TERM"
  expect erl x1.out "erl: whereis_remote {erl_echo, node}: status 0, a pid on erl1@$H"
  expect erl x1.out "erl: its sender is a pid on erl1@$H"
  expect erl x1.out "erl: the sender of {8, ...} is erl_echo: yes"
  expect erl x1.out "erl: done"
  expect erl erl1.out "erl_echo: got the lvm pid"
  expect erl erl1.out "erl_echo: got {12, <<\"bye\">>} from lvm"
else
  fail "erl or erlc missing (scripts/bootstrap installs erlang-base and erlang-dev)"
fi

if [[ $failures -ne 0 ]]; then
  echo "$(basename "$0"): $failures check(s) failed" >&2
  exit 1
fi
echo "$(basename "$0"): ok"
