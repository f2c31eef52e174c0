# Shared by the example tests: sourced with "$@" = LVM_BINARY BUILD_DIR.
# Sets LVM, BUILD, EXAMPLES (where the .wasm files are) and TMP (a fresh
# directory removed on exit); provides fail, expect_eq and run_lvm.
set -uo pipefail
if [[ $# -lt 2 ]]; then
  echo "usage: $0 LVM_BINARY BUILD_DIR" >&2
  exit 2
fi
LVM=$1
BUILD=$2
EXAMPLES=$BUILD/examples
TMP=$(mktemp -d "${TMPDIR:-/tmp}/lvm-example-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
failures=0

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# expect_eq WHAT EXPECTED ACTUAL
expect_eq() {
  if [[ "$2" != "$3" ]]; then
    fail "$1"
    echo "--- expected" >&2
    printf '%s\n' "$2" >&2
    echo "--- actual" >&2
    printf '%s\n' "$3" >&2
  fi
}

# run_lvm ARGS...: runs `lvm run ARGS...` with stdin from $STDIN (default
# /dev/null); sets OUT, ERR and RC. A run that takes longer than
# $LVM_RUN_TIMEOUT seconds (default 120: minutes beyond any example's time,
# even under the sanitizers) is killed and reported as a hang, naming the
# command, instead of stalling the whole test until ctest's own timeout.
run_lvm() {
  timeout -k 5 "${LVM_RUN_TIMEOUT:-120}" "$LVM" run "$@" <"${STDIN:-/dev/null}" >"$TMP/out" 2>"$TMP/err"
  RC=$?
  OUT=$(cat "$TMP/out")
  ERR=$(cat "$TMP/err")
  if [[ $RC -eq 124 || $RC -eq 137 ]]; then
    fail "lvm run $* did not end within ${LVM_RUN_TIMEOUT:-120} s (a hang); its output so far:"$'\n'"$OUT"$'\n'"$ERR"
  fi
}

finish() {
  if [[ $failures -ne 0 ]]; then
    echo "$(basename "$0"): $failures check(s) failed" >&2
    exit 1
  fi
  echo "$(basename "$0"): ok"
  exit 0
}
