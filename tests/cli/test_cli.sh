#!/usr/bin/env bash
# Tests for the `lvm` command line: exit codes and messages for good,
# malformed, corrupted and missing input. Usage: test_cli.sh path/to/lvm
set -u
lvm=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
check() {  # check DESCRIPTION EXPECTED_STATUS ACTUAL_STATUS [OUTPUT PATTERN]
  if [[ $3 -ne $2 ]]; then
    echo "FAIL: $1: exit $3, expected $2"; fails=$((fails + 1)); return
  fi
  if [[ $# -ge 5 ]] && ! grep -q -- "$5" <<<"$4"; then
    echo "FAIL: $1: output lacks '$5':"; echo "$4"; fails=$((fails + 1)); return
  fi
  echo "ok: $1"
}

# A valid module: (module (func (export "f") (result i32) i32.const 7))
printf '\x00asm\x01\x00\x00\x00\x01\x05\x01\x60\x00\x01\x7f\x03\x02\x01\x00\x07\x05\x01\x01f\x00\x00\x0a\x06\x01\x04\x00\x41\x07\x0b' >"$tmp/ok.wasm"
out=$("$lvm" validate "$tmp/ok.wasm" 2>&1); check "validate accepts a valid module" 0 $? "$out" '^ok$'
out=$("$lvm" inspect "$tmp/ok.wasm" 2>&1); check "inspect lists the export" 0 $? "$out" '"f": func 0 () -> (i32)'

# Corrupt the i32.const opcode into f64.const: invalid, error names the offset.
cp "$tmp/ok.wasm" "$tmp/bad.wasm"
printf '\x44' | dd of="$tmp/bad.wasm" bs=1 seek=30 conv=notrunc status=none
out=$("$lvm" validate "$tmp/bad.wasm" 2>&1); check "validate rejects a corrupted module" 1 $? "$out" 'at offset 0x'

out=$("$lvm" validate "$tmp/missing.wasm" 2>&1); check "a missing file is a clear error" 2 $? "$out" 'cannot open'
out=$("$lvm" validate "$tmp" 2>&1); check "a directory is a clear error" 2 $? "$out" 'cannot read'
printf 'hello' >"$tmp/text.wasm"
out=$("$lvm" validate "$tmp/text.wasm" 2>&1); check "a non-wasm file is rejected" 1 $? "$out" 'magic header not detected'
out=$("$lvm" validate 2>&1); check "validate without a file is a usage error" 2 $? "$out" 'no file given'
out=$("$lvm" frobnicate 2>&1); check "an unknown command is a usage error" 2 $? "$out" 'unknown command'
out=$("$lvm" --help 2>&1); check "--help prints usage" 0 $? "$out" 'Usage:'
out=$("$lvm" version 2>&1); check "version prints the version" 0 $? "$out" '^lvm [0-9]'
out=$("$lvm" validate --enable=nonsense "$tmp/ok.wasm" 2>&1); check "an unknown feature is refused" 2 $? "$out" "unknown feature"

exit $((fails > 0))
