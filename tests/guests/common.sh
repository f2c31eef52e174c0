# Shared by the scenario tests of test guests: sourced with "$@" =
# LVM_BINARY BUILD_DIR after setting GUEST_NAME (the guest's .wasm name) and,
# for a guest built outside tests/guests, GUEST_DIR (its build directory
# relative to BUILD_DIR).
# Sets LVM, BUILD, GUEST and TMP (removed on exit); provides fail, run,
# expect_out, expect_err and finish.
set -uo pipefail
[[ $# -ge 2 ]] || { echo "usage: $0 LVM_BINARY BUILD_DIR" >&2; exit 2; }
LVM=$1
BUILD=$2
GUEST=$BUILD/${GUEST_DIR:-tests/guests}/$GUEST_NAME.wasm
TMP=$(mktemp -d "${TMPDIR:-/tmp}/lvm-$GUEST_NAME.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# run NAME [lvm options --] ARGS...: runs the guest, sets RC, OUT, ERR; a
# non-zero exit code is a failure (its output is shown).
run() {
  local name=$1
  shift
  local opts=()
  while [[ $# -gt 0 && $1 != -- ]]; do opts+=("$1"); shift; done
  shift
  timeout 120 "$LVM" run "${opts[@]}" "$GUEST" "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
  RC=$?
  OUT=$(cat "$TMP/out")
  ERR=$(cat "$TMP/err")
  if [[ $RC -ne 0 ]]; then
    fail "$name: exit code $RC"
    sed 's/^/    /' "$TMP/out" "$TMP/err" >&2
  fi
}
expect_out() { grep -qF -- "$2" <<<"$OUT" || fail "$1: stdout lacks: $2"; }
expect_err() { grep -qF -- "$2" <<<"$ERR" || fail "$1: stderr lacks: $2"; }

# Ends the test: exit 1 if any check failed.
finish() {
  if [[ $failures -ne 0 ]]; then
    echo "$(basename "$0"): $failures check(s) failed" >&2
    exit 1
  fi
  echo "$(basename "$0"): ok"
}
