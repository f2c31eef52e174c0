#!/usr/bin/env bash
# Tests for `lvm run --invoke NAME [ARGS...]` (wasmtime's convention), `--jit-dump`, `--jit-threads`, `--help`, `--env
# KEY` (the host's value) and `--dir` with a missing host path: output,
# messages and exit codes. Usage: test_run_options.sh LVM_BINARY BUILD_DIR
# (wat2wasm, from wabt, builds the test modules).
set -u
lvm=$1
build=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
check() {  # check DESCRIPTION EXPECTED_STATUS ACTUAL_STATUS OUTPUT [EXACT_STDOUT | ~PATTERN]
  if [[ $3 -ne $2 ]]; then
    echo "FAIL: $1: exit $3, expected $2"; echo "$4"; fails=$((fails + 1)); return
  fi
  if [[ $# -ge 5 ]]; then
    if [[ $5 == "~"* ]]; then
      if ! grep -q -- "${5#\~}" <<<"$4"; then
        echo "FAIL: $1: output lacks '${5#\~}':"; echo "$4"; fails=$((fails + 1)); return
      fi
    elif [[ "$4" != "$5" ]]; then
      echo "FAIL: $1: output"; echo "$4"; echo "expected"; echo "$5"; fails=$((fails + 1)); return
    fi
  fi
  echo "ok: $1"
}

cat >"$tmp/m.wat" <<'WAT'
(module
  (global $g (mut i32) (i32.const 0))
  (func $add (export "add") (param i64 f64) (result f64)
    (f64.add (f64.convert_i64_s (local.get 0)) (local.get 1)))
  (func $pair (export "pair") (param i32 f32) (result i32 f32) (local.get 0) (local.get 1))
  (func $wide (export "wide") (param i64) (result i64) (local.get 0))
  (func $divide (export "divide") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func $compute (export "compute") (param i32) (result i32) (call $divide (local.get 0) (i32.const 0)))
  (func $init (export "_initialize") (global.set $g (i32.const 41)))
  (func $answer (export "answer") (result i32) (i32.add (global.get $g) (i32.const 1)))
  (func $nothing (export "nothing"))
  (memory (export "memory") 1))
WAT
wat2wasm --debug-names "$tmp/m.wat" -o "$tmp/m.wasm" || { echo "FAIL: wat2wasm"; exit 1; }
m=$tmp/m.wasm

out=$("$lvm" run --invoke add "$m" 40 2.5 2>&1); check "--invoke add (i64, f64) -> f64" 0 $? "$out" "42.5"
out=$("$lvm" run --invoke pair "$m" -7 0x1.8p3 2>&1); check "two results, one a line; hex float" 0 $? "$out" $'-7\n12'
out=$("$lvm" run --invoke pair "$m" 4294967295 nan 2>&1); check "unsigned i32 wraps; nan prints NaN" 0 $? "$out" $'-1\nNaN'
out=$("$lvm" run --invoke pair "$m" 0x10 -inf 2>&1); check "hex integer; -inf" 0 $? "$out" $'16\n-inf'
out=$("$lvm" run --invoke pair "$m" 1 -0 2>&1); check "negative zero" 0 $? "$out" $'1\n-0'
out=$("$lvm" run --invoke add "$m" 1 0.1 2>&1); check "floats print their shortest exact form" 0 $? "$out" "1.1"
out=$("$lvm" run --invoke add "$m" 0 1e21 2>&1); check "large floats print without an exponent" 0 $? "$out" "1000000000000000000000"
out=$("$lvm" run --invoke wide "$m" -9223372036854775808 2>&1); check "i64 minimum" 0 $? "$out" "-9223372036854775808"
out=$("$lvm" run --invoke answer "$m" 2>&1); check "a reactor's _initialize runs first" 0 $? "$out" "42"
out=$("$lvm" run --invoke nothing "$m" 2>&1); check "no results print nothing" 0 $? "$out" ""
out=$("$lvm" run --invoke missing "$m" 2>&1); check "a missing export" 1 $? "$out" "~no exported function \`missing\`"
out=$("$lvm" run --invoke memory "$m" 2>&1); check "an export that is not a function" 1 $? "$out" "~no exported function \`memory\`"
out=$("$lvm" run --invoke add "$m" 1 2>&1); check "too few arguments" 2 $? "$out" "~takes 2 argument(s), 1 given"
out=$("$lvm" run --invoke add "$m" 1 2 3 2>&1); check "too many arguments" 2 $? "$out" "~takes 2 argument(s), 3 given"
out=$("$lvm" run --invoke add "$m" x 2 2>&1); check "an unparsable integer" 2 $? "$out" "~argument 1 of \`add\`: cannot parse 'x' as i64"
out=$("$lvm" run --invoke add "$m" 1 2.5x 2>&1); check "an unparsable float" 2 $? "$out" "~cannot parse '2.5x' as f64"
out=$("$lvm" run --invoke wide "$m" 18446744073709551616 2>&1); check "an out-of-range integer" 2 $? "$out" "~cannot parse"
out=$("$lvm" run --invoke pair "$m" 4294967296 1 2>&1); check "an out-of-range i32" 2 $? "$out" "~cannot parse"
out=$("$lvm" run --invoke compute "$m" 7 2>&1); check "a trap: its reason" 134 $? "$out" "~wasm trap: integer divide by zero"
check "a trap: its backtrace" 0 0 "$out" $'~   0: divide'
check "a trap: its backtrace's caller" 0 0 "$out" $'~   1: compute'
out=$("$lvm" run --invoke 2>&1); check "--invoke without a name" 2 $? "$out" "~--invoke needs"
out=$("$lvm" run "$m" 2>&1); check "a reactor without --invoke says to use it" 1 $? "$out" "~use --invoke\|with --invoke NAME"

# --env KEY passes the host's value; the guest sees nothing else.
sysinfo=$build/examples/sysinfo.wasm
mkdir "$tmp/d"
sys=(--dir "$tmp/d::$tmp/d")  # sysinfo wants a directory to work in
out=$(SYSINFO_GREETING="from the host" "$lvm" run "${sys[@]}" --env SYSINFO_GREETING "$sysinfo" "$tmp/d" 2>&1)
check "--env KEY takes the host's value" 0 $? "$out" "~getenv(SYSINFO_GREETING) = from the host"
out=$(SYSINFO_GREETING="from the host" "$lvm" run "${sys[@]}" --env SYSINFO_GREETING=given "$sysinfo" "$tmp/d" 2>&1)
check "--env KEY=VALUE still sets VALUE" 0 $? "$out" "~getenv(SYSINFO_GREETING) = given"
out=$(SYSINFO_GREETING="from the host" "$lvm" run "${sys[@]}" "$sysinfo" "$tmp/d" 2>&1)
check "without --env the host's variables stay hidden" 0 $? "$out" "~getenv(SYSINFO_GREETING) = (unset)"
out=$(env -u SYSINFO_MISSING "$lvm" run "${sys[@]}" --env SYSINFO_MISSING "$sysinfo" "$tmp/d" 2>&1)
check "--env KEY that the host does not set is refused" 2 $? "$out" "~does not set it"
out=$("$lvm" run --env =x "$sysinfo" 2>&1); check "--env with an empty name is refused" 2 $? "$out" "~--env needs"

# --dir refuses a host path that does not exist, or is not a directory.
out=$("$lvm" run --dir "$tmp/nowhere::/" "$sysinfo" 2>&1)
check "--dir with a missing host path" 2 $? "$out" "~cannot open preopened directory '$tmp/nowhere': No such file or directory"
out=$("$lvm" run --dir "$m" "$sysinfo" 2>&1)
check "--dir with a file" 2 $? "$out" "~Not a directory"

# --jit-dump FILE writes each compiled function as assembly; --help prints the usage.
if "$lvm" run --jit --invoke add "$m" 1 2 >/dev/null 2>&1; then
  out=$("$lvm" run --jit --jit-dump "$tmp/dump.s" --invoke add "$m" 40 2 2>&1)
  check "--jit-dump leaves the run's output alone" 0 $? "$out" "42"
  dump=$(cat "$tmp/dump.s" 2>/dev/null)
  check "--jit-dump names the function compiled" 0 0 "$dump" "~^; function [0-9]* add (guarded memory): [0-9]* bytes of wasm"
  check "--jit-dump lists its instructions" 0 0 "$dump" "~^push rbp"
  # The root process's code does not mark its writes; a spawned process's
  # does (its memory is reset for the next process of the module).
  out=$("$lvm" run --jit --jit-dump "$tmp/procs.s" "$build/tests/guests/processes.wasm" statics 2>&1)
  check "--jit-dump of a spawning program" 0 $? "$out" "~statics: child 1 sees static_value = 7"
  dump=$(cat "$tmp/procs.s" 2>/dev/null)
  check "the root's code is compiled without write marks" 0 0 "$dump" "~^; function [0-9]* main (guarded memory): "
  check "a spawned process's code marks its writes" 0 0 "$dump" \
    "~^; function [0-9]* static_reporter (guarded memory, writes marked): "
else
  echo "skip: --jit-dump (no JIT on this machine)"
fi
out=$("$lvm" run --jit --jit-dump "$tmp/no/such/dir/dump.s" "$m" 2>&1)
check "--jit-dump to a file it cannot write" 2 $? "$out" "~--jit-dump: cannot write $tmp/no/such/dir/dump.s: No such file or directory"
out=$("$lvm" run --interp --jit-dump - "$m" 2>&1)
check "--jit-dump with --interp is refused" 2 $? "$out" "~--jit-dump needs the JIT"
# --jit-threads N bounds the threads of an eager compile; 0 or a word is refused.
out=$("$lvm" run --jit-eager --jit-threads 2 --invoke add "$m" 40 2 2>&1)
check "--jit-threads 2 runs" 0 $? "$out" "42"
out=$("$lvm" run --jit-threads 0 "$m" 2>&1)
check "--jit-threads 0 is refused" 2 $? "$out" "~--jit-threads needs a number from 1 to 64"
out=$("$lvm" run --jit-threads many "$m" 2>&1)
check "--jit-threads many is refused" 2 $? "$out" "~--jit-threads needs a number from 1 to 64"
out=$("$lvm" run --help 2>&1)
check "lvm run --help prints the usage" 0 $? "$out" "~^usage: lvm run"

exit $((fails > 0))
