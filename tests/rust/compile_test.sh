#!/usr/bin/env bash
# One compile-time test of the Rust SDK: compiles SNIPPET (a binary crate)
# for wasm32-wasi against the crate lvm and serde as the build made them
# (their rlibs in TARGET_DIR), and checks the outcome its comments declare:
#   // expect: compiles       it compiles, without a warning
#   // expect-error: TEXT     it does not compile, and the diagnostics
#                             contain TEXT (one such line per TEXT)
# A refusal must be one of the SDK's: every error is an unsatisfied bound
# (E0277, E0599) or the closure-to-fn coercion (E0308), no other error.
# Usage: compile_test.sh SNIPPET RUSTC TARGET_DIR
set -uo pipefail
[[ $# -eq 3 ]] || { echo "usage: $0 SNIPPET RUSTC TARGET_DIR" >&2; exit 2; }
snippet=$1 rustc=$2 target=$3
deps=$target/wasm32-wasi/release/deps
# The newest rlib of a crate (one build configuration writes one).
rlib() { ls -t "$deps"/lib"$1"-*.rlib 2>/dev/null | head -1; }
lvm=$(rlib lvm) serde=$(rlib serde)
[[ -n $lvm && -n $serde ]] || { echo "no liblvm/libserde rlib under $deps: build the Rust guests first" >&2; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lvm-rust-compile.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
out=$("$rustc" --edition 2021 --target wasm32-wasi --crate-type bin --emit=metadata -o "$tmp/out" \
  -L "dependency=$deps" -L "dependency=$target/release/deps" --extern "lvm=$lvm" --extern "serde=$serde" \
  "$snippet" 2>&1)
rc=$?
name=$(basename "$snippet")
fail() {
  echo "FAIL: $name: $*" >&2
  printf '%s\n' "$out" | sed 's/^/    /' >&2
  exit 1
}

if grep -q '^// expect: compiles$' "$snippet"; then
  [[ $rc -eq 0 ]] || fail "it should compile"
  [[ -z $out ]] || fail "it should compile without diagnostics"
  echo "$name: compiles"
  exit 0
fi

mapfile -t expected < <(sed -n 's|^// expect-error: ||p' "$snippet")
[[ ${#expected[@]} -gt 0 ]] || { echo "$snippet declares no expectation" >&2; exit 2; }
[[ $rc -ne 0 ]] || fail "it should not compile"
for text in "${expected[@]}"; do
  grep -qF -- "$text" <<<"$out" || fail "the diagnostics lack: $text"
done
others=$(grep -E '^error' <<<"$out" | grep -vE '^error\[E0(277|308|599)\]|^error: aborting due to')
[[ -z $others ]] || fail "errors other than the SDK's refusals: $others"
echo "$name: refused as expected"
