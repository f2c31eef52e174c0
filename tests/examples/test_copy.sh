#!/usr/bin/env bash
# copy: copies a file inside a directory given with --dir, byte for byte;
# fails cleanly (exit 1, message on stderr) for a missing source and for a
# path outside every preopened directory.
# Usage: test_copy.sh LVM_BINARY BUILD_DIR
source "$(dirname "$0")/common.sh"

work=$TMP/work
mkdir -p "$work/sub"
# 300 KiB of varied bytes, including NULs: several 64 KiB reads and writes.
head -c 307200 /dev/urandom >"$work/in.bin"
printf 'short text\n' >"$work/sub/small.txt"

run_lvm --dir "$work::/data" "$EXAMPLES/copy.wasm" /data/in.bin /data/out.bin
expect_eq "copy: exit code" 0 "$RC"
expect_eq "copy: stdout" "copied 307200 bytes from /data/in.bin to /data/out.bin" "$OUT"
cmp -s "$work/in.bin" "$work/out.bin" || fail "copy: out.bin differs from in.bin"

# Same host and guest path; relative-looking guest names in a subdirectory.
run_lvm --dir "$work" "$EXAMPLES/copy.wasm" "$work/sub/small.txt" "$work/sub/copy.txt"
expect_eq "copy (same path): exit code" 0 "$RC"
expect_eq "copy (same path): contents" "short text" "$(cat "$work/sub/copy.txt" 2>&1)"

# An empty file.
: >"$work/empty"
run_lvm --dir "$work::/data" "$EXAMPLES/copy.wasm" /data/empty /data/empty2
expect_eq "copy empty: exit code" 0 "$RC"
[[ -f "$work/empty2" && ! -s "$work/empty2" ]] || fail "copy empty: empty2 missing or not empty"

# Overwrites an existing destination (truncating it).
head -c 1000 /dev/zero >"$work/big-dest"
run_lvm --dir "$work::/data" "$EXAMPLES/copy.wasm" /data/sub/small.txt /data/big-dest
expect_eq "copy over existing: exit code" 0 "$RC"
cmp -s "$work/sub/small.txt" "$work/big-dest" || fail "copy over existing: destination not replaced"

# Missing source.
run_lvm --dir "$work::/data" "$EXAMPLES/copy.wasm" /data/missing /data/x
expect_eq "copy missing source: exit code" 1 "$RC"
[[ $ERR == *"cannot open /data/missing"* ]] || fail "copy missing source: stderr was: $ERR"

# Outside the preopened directory: the host file must stay unreachable.
echo secret >"$TMP/outside.txt"
run_lvm --dir "$work::/data" "$EXAMPLES/copy.wasm" "$TMP/outside.txt" /data/stolen
expect_eq "copy from outside --dir: exit code" 1 "$RC"
[[ ! -e "$work/stolen" ]] || fail "copy from outside --dir: created /data/stolen"
run_lvm --dir "$work::/data" "$EXAMPLES/copy.wasm" /data/../outside.txt /data/stolen
expect_eq "copy via ..: exit code" 1 "$RC"
[[ ! -e "$work/stolen" ]] || fail "copy via ..: created /data/stolen"

# No --dir at all.
run_lvm "$EXAMPLES/copy.wasm" "$work/in.bin" "$work/out2.bin"
expect_eq "copy without --dir: exit code" 1 "$RC"
[[ ! -e "$work/out2.bin" ]] || fail "copy without --dir: wrote out2.bin"

# Usage error from the guest.
run_lvm "$EXAMPLES/copy.wasm" only-one
expect_eq "copy usage: exit code" 2 "$RC"
finish
