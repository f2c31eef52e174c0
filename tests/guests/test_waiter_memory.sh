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
# Measured on 2026-12-07 (2 cores, 23 GiB): 17.2 KiB per waiting process
# at 100K with either tier at 9666e77 (a 2 MiB stack region and a 1 MiB
# memory slot each, so a page-table page of its own per process); 7.9 KiB
# (JIT; 7.8 interpreter) since processes start on 1 KiB stacks from a
# shared slab and memory slots are sized to the initial memory
# (docs/design.md, "The memory of a process": a data page, the stack, the
# host structures, page tables). The bound is that plus about 40%, so
# giving either back (4 KiB or more) fails here.
BOUND_KIB=11
# The same under ASan/UBSan (make test-sanitize), whose redzones and
# shadow inflate the host structures: 8.47 KiB measured (JIT; 8.40
# interpreter) on the first machine; 12.53 (12.46) on 2026-12-08 on a
# Firecracker guest (Linux 6.18), the same with one worker thread and
# with the spawn's page populating switched off, while the plain build
# there measures 7.70 (7.64): the sanitizer's share depends on the
# machine. That + about 40%; the plain bound above is the tight check.
SANITIZED_BOUND_KIB=17
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
