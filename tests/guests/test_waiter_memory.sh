#!/usr/bin/env bash
# The memory of a waiting process (issue 17): runs tests/guests/waiters.c
# with N processes waiting in receive, with the JIT and with --interp, reads
# VmRSS + VmPTE (resident memory plus page tables) from /proc/PID/status
# before the spawns and once all are up, and checks the growth per process
# against a bound. Usage: test_waiter_memory.sh LVM_BINARY BUILD_DIR SANITIZED
# (SANITIZED = 1 for an ASan/UBSan build, whose shadow memory and redzones
# inflate RSS: there the bound is scaled, see SANITIZED_BOUND_KIB).
GUEST_NAME=waiters
source "$(dirname "$0")/common.sh"
SANITIZED=${3:-0}
N=100000
# Measured on 2026-12-07 (2 cores, 23 GiB), main at e31d5f9: 17.2 KiB per
# waiting process at 100K with either tier (stable to 0.1 KiB over runs;
# issue 17 breaks it down: linear memory, stack, host heap, page tables;
# procbench's `live` figure in make bench is ~4 KiB, a data page, more).
# The bound is that plus 50%, so a regression of that size fails here;
# lower it when issue 17's item 2 lands.
BOUND_KIB=26
# The same under ASan/UBSan (make test-sanitize): 18.7 KiB measured, + 50%.
SANITIZED_BOUND_KIB=28
if [[ $SANITIZED == 1 ]]; then
  echo "sanitized build: bound scaled to $SANITIZED_BOUND_KIB KiB (ASan inflates RSS)"
  BOUND_KIB=$SANITIZED_BOUND_KIB
fi

status_kb() {  # status_kb PID: VmRSS + VmPTE in kB
  awk '/^(VmRSS|VmPTE):/ { s += $2 } END { print s + 0 }' "/proc/$1/status"
}

# measure NAME [lvm options]: sets PER (bytes per waiting process) or fails.
measure() {
  local name=$1
  shift
  PER=
  timeout -k 5 60 "$LVM" run --max-processes $((N + 10)) "$@" "$GUEST" $N >"$TMP/out" 2>"$TMP/err" </dev/null &
  local pid=$! base= ready= waited=0
  # timeout(1) runs lvm as its child: read that process's status.
  local vm
  for _ in $(seq 100); do vm=$(pgrep -P $pid | head -1); [[ -n $vm ]] && break; sleep 0.01; done
  while ((waited < 5000)); do  # 50 s at most
    if [[ -z $base ]] && grep -q '^BASE' "$TMP/out"; then base=$(status_kb "$vm"); fi
    if grep -q "^READY $N" "$TMP/out"; then sleep 0.3; ready=$(status_kb "$vm"); break; fi
    kill -0 $pid 2>/dev/null || break
    sleep 0.01
    waited=$((waited + 1))
  done
  kill $pid 2>/dev/null
  wait $pid 2>/dev/null
  if [[ -z $base || -z $ready ]]; then
    fail "$name: no BASE/READY $N within 50 s"
    sed 's/^/    /' "$TMP/out" "$TMP/err" >&2
    return
  fi
  PER=$(((ready - base) * 1024 / N))
  echo "$name: $N waiting processes, $(awk -v b=$PER 'BEGIN { printf "%.2f", b / 1024 }') KiB each (VmRSS + VmPTE growth)"
}

for tier in jit interp; do
  opts=()
  [[ $tier == interp ]] && opts=(--interp)
  measure "$tier" "${opts[@]}"
  [[ -n $PER ]] || continue
  # Growth must be real (the processes exist) and below the bound.
  ((PER > 512)) || fail "$tier: implausibly small growth ($PER bytes per process): measurement broken?"
  if ((PER > BOUND_KIB * 1024)); then
    fail "$tier: $PER bytes per waiting process, above the bound of $BOUND_KIB KiB"
  fi
done

finish
