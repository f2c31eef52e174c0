#!/usr/bin/env bash
# examples/dist_ring.c across three lvm nodes on localhost, with an epmd this
# test starts on a free port and stops: the token goes around 200 times, and
# killing a host afterwards breaks a new ring with noconnection.
# Usage: test_dist_ring.sh LVM_BINARY BUILD_DIR
set -uo pipefail
LVM=$1
GUEST=$2/examples/dist_ring.wasm
TMP=$(mktemp -d "${TMPDIR:-/tmp}/lvm-ring.XXXXXX")
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pids=()
for k in $(seq 50); do
  PORT=$((20000 + RANDOM % 30000))
  (echo >/dev/tcp/127.0.0.1/$PORT) 2>/dev/null || break
done
export ERL_EPMD_PORT=$PORT
# Watchdogs: even if this script is killed (a ctest timeout), every node
# it started and its epmd are gone within 5 minutes.
watchdogs=()
watch_pid() { (sleep 280; kill -9 "$1") >/dev/null 2>&1 & watchdogs+=($!); }
# (epmd refuses -kill while a node is registered: it takes a moment to see
# a killed node's socket close, so stopping it is retried.)
stop_epmd() { for k in $(seq 50); do epmd -port "$PORT" -kill >/dev/null 2>&1 && return; sleep 0.1; done; }
(sleep 290; stop_epmd) >/dev/null 2>&1 &
watchdogs+=($!)
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
  stop_epmd
  for w in "${watchdogs[@]}"; do pkill -P "$w" 2>/dev/null; kill "$w" 2>/dev/null; done
  rm -rf "$TMP"
}
trap cleanup EXIT
epmd -daemon -port "$PORT" || { echo "cannot start epmd on port $PORT" >&2; exit 1; }
for k in $(seq 50); do epmd -port "$PORT" -names >/dev/null 2>&1 && break; sleep 0.1; done
H=127.0.0.1
C="--cookie ring-test"
for n in b c; do
  "$LVM" run --name "$n@$H" $C "$GUEST" serve >"$TMP/$n.out" 2>"$TMP/$n.err" </dev/null &
  pids+=($!)
  watch_pid $!
done
host_c=${pids[1]}
for k in $(seq 100); do
  epmd -port "$PORT" -names 2>/dev/null | grep -q "name c " && epmd -port "$PORT" -names | grep -q "name b " && break
  sleep 0.1
done
timeout 60 "$LVM" run --name "a@$H" $C "$GUEST" ring 200 "b@$H" "c@$H" >"$TMP/a.out" 2>"$TMP/a.err" </dev/null ||
  fail "ring: exit code $?"
grep -q "dist_ring: 200 rounds of a ring of 3 members on 3 nodes: 600 hops" "$TMP/a.out" ||
  { fail "ring: no 600 hops"; cat "$TMP/a.out" "$TMP/a.err" >&2; }
grep -q "validated and cached" "$TMP/b.err" && fail "b received the module it runs (it should be known by its hash)"
# A host dies mid-ring: the ring node hears noconnection, it does not hang.
timeout 60 "$LVM" run --name "d@$H" $C "$GUEST" ring 100000000 "b@$H" "c@$H" >"$TMP/d.out" 2>"$TMP/d.err" </dev/null &
ring=$!
sleep 1
kill -9 "$host_c"
wait $ring
grep -q "a member died (kind .*): the ring is broken" "$TMP/d.out" ||
  { fail "a dead host: the ring node did not report a broken ring"; cat "$TMP/d.out" "$TMP/d.err" >&2; }
if [[ $failures -ne 0 ]]; then
  echo "test_dist_ring.sh: $failures check(s) failed" >&2
  exit 1
fi
echo "test_dist_ring.sh: ok"
