#!/usr/bin/env bash
# examples/dist_ring.c across three lvm nodes on localhost, with an epmd this
# test starts on a free port and stops: the token goes around 200 times, and
# killing a host afterwards breaks a new ring with noconnection.
# Usage: test_dist_ring.sh LVM_BINARY BUILD_DIR
set -uo pipefail
LVM=$1
GUEST=$2/examples/dist_ring.wasm
TMP=$(mktemp -d "${TMPDIR:-/tmp}/lvm-ring.XXXXXX")
source "$(cd "$(dirname "$0")/../dist" && pwd)/epmd.sh"
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
