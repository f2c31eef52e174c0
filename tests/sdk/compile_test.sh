#!/usr/bin/env bash
# One compile-time test of the C++ SDK: compiles SNIPPET for wasm32-wasi
# with the guests' C++ flags (-fsyntax-only) and checks the outcome that its
# comments declare:
#   // expect: compiles       it compiles, without a warning
#   // expect-error: TEXT     it does not compile, and the diagnostics
#                             contain TEXT (one such line per TEXT)
# A rejection must be clean: every error is one of the SDK's static_asserts,
# none a cascade of others.
# Usage: compile_test.sh SNIPPET CLANGXX CXXFLAGS...
set -uo pipefail
[[ $# -ge 2 ]] || { echo "usage: $0 SNIPPET CLANGXX CXXFLAGS..." >&2; exit 2; }
snippet=$1
shift
out=$("$@" --target=wasm32-wasi -fsyntax-only -Wall -Wextra "$snippet" 2>&1)
rc=$?
fail() {
  echo "FAIL: $(basename "$snippet"): $*" >&2
  printf '%s\n' "$out" | sed 's/^/    /' >&2
  exit 1
}

if grep -q '^// expect: compiles$' "$snippet"; then
  [[ $rc -eq 0 ]] || fail "it should compile"
  [[ -z $out ]] || fail "it should compile without diagnostics"
  echo "$(basename "$snippet"): compiles"
  exit 0
fi

mapfile -t expected < <(sed -n 's|^// expect-error: ||p' "$snippet")
[[ ${#expected[@]} -gt 0 ]] || { echo "$snippet declares no expectation" >&2; exit 2; }
[[ $rc -ne 0 ]] || fail "it should not compile"
for text in "${expected[@]}"; do
  grep -qF -- "$text" <<<"$out" || fail "the diagnostics lack: $text"
done
others=$(grep ' error: ' <<<"$out" | grep -v 'error: static_assert failed due to requirement .*"lvm')
[[ -z $others ]] || fail "errors other than the SDK's static_asserts: $others"
echo "$(basename "$snippet"): refused as expected"
