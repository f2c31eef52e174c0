#!/usr/bin/env bash
# Runs tests/guests/hostile.c under lvm: every WASI preview1 function is
# called with out-of-bounds pointers and lengths. lvm must not crash, the
# guest must reach its proc_exit(0), every CHECK must return an error, every
# preview1 function must have been exercised, and nothing may be left in
# the preopened directory.
# Usage: test_hostile.sh LVM_BINARY BUILD_DIR
set -uo pipefail
[[ $# -ge 2 ]] || { echo "usage: $0 LVM_BINARY BUILD_DIR" >&2; exit 2; }
LVM=$1
BUILD=$2
TMP=$(mktemp -d "${TMPDIR:-/tmp}/lvm-hostile.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

mkdir "$TMP/scratch"
"$LVM" run --dir "$TMP/scratch" --env HOSTILE=1 "$BUILD/tests/guests/hostile.wasm" some args \
  </dev/null >"$TMP/out" 2>"$TMP/err"
rc=$?
[[ $rc -eq 0 ]] || fail "exit code $rc, expected 0"

# Every preview1 function, as named in wasi_snapshot_preview1.witx, less
# proc_exit (the guest's last call, checked by the exit code) and
# sched_yield (no arguments; reported as INFO).
functions=(args_get args_sizes_get environ_get environ_sizes_get clock_res_get clock_time_get
  fd_advise fd_allocate fd_close fd_datasync fd_fdstat_get fd_fdstat_set_flags fd_fdstat_set_rights
  fd_filestat_get fd_filestat_set_size fd_filestat_set_times fd_pread fd_prestat_get
  fd_prestat_dir_name fd_pwrite fd_read fd_readdir fd_renumber fd_seek fd_sync fd_tell fd_write
  path_create_directory path_filestat_get path_filestat_set_times path_link path_open path_readlink
  path_remove_directory path_rename path_symlink path_unlink_file poll_oneoff proc_raise
  random_get sock_accept sock_recv sock_send sock_shutdown)
for f in "${functions[@]}"; do
  grep -q "^CHECK $f " "$TMP/out" || fail "no CHECK of $f"
done
grep -q "^INFO sched_yield" "$TMP/out" || fail "sched_yield was not called"

# Every CHECK returned an error.
if grep -E '^CHECK .* -> 0$' "$TMP/out" >"$TMP/ok"; then
  fail "calls with bad arguments returned success:"
  cat "$TMP/ok" >&2
fi
# The setup calls (legitimate) succeeded, so the checks hit bad pointers
# rather than a missing file or descriptor.
if grep -E '^SETUP .* -> [1-9][0-9]*$' "$TMP/out" >"$TMP/bad"; then
  fail "legitimate setup calls failed:"
  cat "$TMP/bad" >&2
fi
checks=$(grep -c '^CHECK ' "$TMP/out")
grep -q "^hostile: $checks checks, 0 returned 0$" "$TMP/out" || fail "summary line missing or wrong"
[[ -z $(ls -A "$TMP/scratch") ]] || fail "files left in the preopened directory: $(ls -A "$TMP/scratch")"
# A bad pointer is the guest's error: never a trap, a host crash or a
# sanitizer report.
[[ ! -s "$TMP/err" ]] || { fail "unexpected stderr:"; cat "$TMP/err" >&2; }

if [[ $failures -ne 0 ]]; then
  echo "--- guest stdout:" >&2; cat "$TMP/out" >&2
  echo "test_hostile.sh: $failures check(s) failed" >&2
  exit 1
fi
echo "test_hostile.sh: ok ($checks calls with bad arguments, all returned errors)"
