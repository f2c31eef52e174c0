#!/usr/bin/env bash
# cat-stdin: line, word and byte counts of piped input, like `wc`.
# Usage: test_cat_stdin.sh LVM_BINARY BUILD_DIR
source "$(dirname "$0")/common.sh"

counts() {  # counts INPUT_FILE -> the expected "%7lu %7lu %7lu" line
  local l w c
  l=$(wc -l <"$1"); w=$(wc -w <"$1"); c=$(wc -c <"$1")
  printf '%7lu %7lu %7lu' "$l" "$w" "$c"
}

printf 'one two\nthree\n' >"$TMP/small"
STDIN=$TMP/small run_lvm "$EXAMPLES/cat-stdin.wasm"
expect_eq "small input: exit code" 0 "$RC"
expect_eq "small input: stdout" "      2       3      14" "$OUT"

# Through a real pipe, with no final newline and mixed whitespace.
OUT=$(printf '  alpha\tbeta \n\ngamma  delta epsilon' | "$LVM" run "$EXAMPLES/cat-stdin.wasm")
RC=$?
expect_eq "pipe: exit code" 0 "$RC"
expect_eq "pipe: stdout" "      2       5      35" "$OUT"

# Empty input.
STDIN=/dev/null run_lvm "$EXAMPLES/cat-stdin.wasm"
expect_eq "empty input: stdout" "      0       0       0" "$OUT"

# A larger input (many reads), checked against wc.
for i in $(seq 1 20000); do echo "line $i has some words in it"; done >"$TMP/big"
STDIN=$TMP/big run_lvm "$EXAMPLES/cat-stdin.wasm"
expect_eq "large input: exit code" 0 "$RC"
expect_eq "large input: stdout" "$(counts "$TMP/big")" "$OUT"
OUT=$(cat "$TMP/big" | "$LVM" run "$EXAMPLES/cat-stdin.wasm")
expect_eq "large input through a pipe: stdout" "$(counts "$TMP/big")" "$OUT"
finish
