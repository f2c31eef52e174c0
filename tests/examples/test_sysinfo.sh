#!/usr/bin/env bash
# sysinfo under lvm behaves like the same C program built natively: both
# get the same arguments, environment, stdin and (empty) directory, and
# their stdout must match byte for byte, as must their exit codes. The
# program prints clock judgements (yes/no), never raw times, on stdout.
# Usage: test_sysinfo.sh LVM_BINARY BUILD_DIR
source "$(dirname "$0")/common.sh"
NATIVE=$BUILD/tests/examples/sysinfo-native
[[ -x $NATIVE ]] || { echo "missing $NATIVE" >&2; exit 1; }

printf 'first line of stdin\n\n  indented, with a tab\t!\nno newline at the end' >"$TMP/stdin.txt"
args=(alpha "two words" "" "ünïcödé" --flag=1)
envs=(SYSINFO_GREETING=hello-from-the-test "SYSINFO_SPACES=a b  c" SYSINFO_EMPTY=)

# Both runs use the same directory, one after the other (the program
# removes what it creates), so even its path is the same on both sides.
dir=$TMP/dir
mkdir "$dir"
lvm_env=()
for e in "${envs[@]}"; do lvm_env+=(--env "$e"); done

env -i "${envs[@]}" "$NATIVE" "$dir" "${args[@]}" <"$TMP/stdin.txt" >"$TMP/native.out" 2>"$TMP/native.err"
native_rc=$?
[[ -z $(ls -A "$dir") ]] || fail "the native run left files behind: $(ls -A "$dir")"
rm -rf "$dir" && mkdir "$dir"
"$LVM" run --dir "$dir::$dir" "${lvm_env[@]}" "$EXAMPLES/sysinfo.wasm" "$dir" "${args[@]}" \
  <"$TMP/stdin.txt" >"$TMP/wasm.out" 2>"$TMP/wasm.err"
wasm_rc=$?

expect_eq "native exit code" 0 "$native_rc"
expect_eq "lvm exit code" 0 "$wasm_rc"
if ! cmp -s "$TMP/native.out" "$TMP/wasm.out"; then
  fail "stdout of lvm run differs from the native build"
  diff -u --label native "$TMP/native.out" --label lvm "$TMP/wasm.out" >&2
fi
# Sanity: the run did exercise everything (a program that printed nothing
# on both sides would compare equal).
for want in "== done ==" "count: 6" "getenv(SYSINFO_GREETING) = hello-from-the-test" \
            "monotonic never goes back: yes" "read back: 38 bytes, same as written: yes" \
            "rmdir sysinfo-sub: ok" "lines: 4, bytes: 67, eof: yes"; do
  grep -qF -- "$want" "$TMP/wasm.out" || fail "lvm output lacks: $want"
done
grep -q ": no$" "$TMP/wasm.out" && fail "lvm output has a failed check: $(grep ': no$' "$TMP/wasm.out")"
grep -q "unexpected" "$TMP/wasm.out" && fail "lvm output has an unexpected result: $(grep unexpected "$TMP/wasm.out")"
[[ -z $(ls -A "$dir") ]] || fail "lvm run left files behind: $(ls -A "$dir")"
if [[ $failures -ne 0 ]]; then
  echo "--- lvm stderr:" >&2; cat "$TMP/wasm.err" >&2
  echo "--- native stderr:" >&2; cat "$TMP/native.err" >&2
fi
finish
