#!/usr/bin/env bash
# Real-world module check for `lvm validate` (see README.md beside this file).
#
# Builds large real modules with whichever of these toolchains are installed
#   clang  (Debian clang 14 + wasi-libc, --target=wasm32-wasi)
#   rustc  (Debian rustc 1.63 + libstd-rust-dev-wasm32, /usr/bin/rustc)
#   emcc   (Debian emscripten 3.1.6)
# then checks that `lvm validate` accepts every module (and that wasm-validate
# from wabt agrees, when installed), and that corrupted copies are rejected
# with exit code 1 and an error naming a byte offset, never a crash.
#
# Environment:
#   LVM=path      lvm binary (default: build/lvm, built if missing)
#   OUT=dir       where modules and corrupted copies go (default: build/realworld)
#   QUICK=1       skip the two ~180 MB C++ debug builds (2-3 min each to build)
#   FLIPS=N       random byte flips per module (default 8)
#   RUSTC=path    rustc with the wasm32-wasi std (default: /usr/bin/rustc)
# Exit 0 iff no check failed; the last line is "N passed, N failed, N skipped".
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SRC=$HERE/src
OUT=${OUT:-$ROOT/build/realworld}
LVM=${LVM:-$ROOT/build/lvm}
FLIPS=${FLIPS:-8}
RUSTC=${RUSTC:-/usr/bin/rustc}
NICE="nice -n 10"
mkdir -p "$OUT/corrupt"
RESULTS=$OUT/results.md
CORRUPT_LOG=$OUT/corrupt.md

pass=0 fail=0 skip=0
ok()   { pass=$((pass + 1)); echo "PASS: $*"; }
bad()  { fail=$((fail + 1)); echo "FAIL: $*"; }
skipped() { skip=$((skip + 1)); echo "SKIP: $*"; }

if [ ! -x "$LVM" ]; then
  echo "building lvm ($LVM missing)"
  (cd "$ROOT" && $NICE cmake --build build -j1 --target lvm) || { echo "cannot build lvm"; exit 1; }
fi
HAVE_WV=0; command -v wasm-validate >/dev/null && HAVE_WV=1
[ $HAVE_WV = 1 ] || echo "note: wasm-validate (wabt) not installed; no cross-check"

# newer SRC... than OUT?  (make-like: rebuild only when a source changed)
stale() { local out=$1; shift; [ -f "$out" ] || return 0; local s; for s in "$@"; do [ "$s" -nt "$out" ] && return 0; done; return 1; }

MODULES=()   # "name|producer"
build() {   # build NAME PRODUCER OUTPUT SOURCES... -- COMMAND...
  local name=$1 producer=$2 out=$3; shift 3
  local srcs=(); while [ "$1" != "--" ]; do srcs+=("$1"); shift; done; shift
  if stale "$out" "${srcs[@]}"; then
    echo "building $name: $*"
    local t0=$(date +%s)
    if ! $NICE "$@" >"$OUT/$name.build.log" 2>&1; then
      bad "$name: build failed (see $OUT/$name.build.log)"; tail -5 "$OUT/$name.build.log"; return
    fi
    echo "  built in $(( $(date +%s) - t0 )) s"
  fi
  [ -n "$producer" ] && MODULES+=("$name|$producer")   # "" = intermediate file
}

have_pkg_file() { [ -e "$1" ] || { echo "  (missing $1: apt-get install $2)"; return 1; }; }

# ---------------------------------------------------------------- clang ----
CLANG_OK=0
if command -v clang >/dev/null && echo 'int main(void){return 0;}' > "$OUT/probe.c" \
   && clang --target=wasm32-wasi "$OUT/probe.c" -o "$OUT/probe.wasm" >/dev/null 2>&1; then
  CLANG_OK=1
  CV=$(clang --version | head -1)
else
  skipped "clang: clang with a wasm32-wasi sysroot not installed (apt-get install clang lld wasi-libc libclang-rt-14-dev-wasm32)"
fi
DUK=/usr/share/duktape/duktape.c
if [ $CLANG_OK = 1 ]; then
  if have_pkg_file $DUK duktape-dev && have_pkg_file /usr/include/stb/stb_image.h libstb-dev; then
    build clang_c_libs "$CV, -g -O0" "$OUT/clang_c_libs.wasm" $DUK "$SRC/c_libs.c" "$HERE/shim/setjmp.h" -- \
      clang --target=wasm32-wasi -g -O0 -w -I"$HERE/shim" -I/usr/share/duktape $DUK "$SRC/c_libs.c" -lm -o "$OUT/clang_c_libs.wasm"
    build clang_c_libs_O2_simd "$CV, -O2 -msimd128 -mbulk-memory -msign-ext -mnontrapping-fptoint" "$OUT/clang_c_libs_O2_simd.wasm" $DUK "$SRC/c_libs.c" "$HERE/shim/setjmp.h" -- \
      clang --target=wasm32-wasi -O2 -w -msimd128 -mbulk-memory -msign-ext -mnontrapping-fptoint -I"$HERE/shim" -I/usr/share/duktape $DUK "$SRC/c_libs.c" -lm -o "$OUT/clang_c_libs_O2_simd.wasm"
  else
    skipped "clang_c_libs: duktape-dev / libstb-dev not installed"
  fi
  if [ "${QUICK:-0}" = 1 ]; then
    skipped "clang_cxx_stack: QUICK=1"
  elif [ -e /usr/lib/wasm32-wasi/libc++.a ] && have_pkg_file /usr/include/nlohmann/json.hpp nlohmann-json3-dev \
       && have_pkg_file /usr/include/fmt/format.h libfmt-dev && have_pkg_file /usr/include/eigen3/Eigen/Dense libeigen3-dev \
       && have_pkg_file /usr/include/glm/glm.hpp libglm-dev && have_pkg_file /usr/include/rapidjson/document.h rapidjson-dev \
       && have_pkg_file /usr/include/toml++/toml.h libtomlplusplus-dev && have_pkg_file /usr/include/xxhash.h libxxhash-dev; then
    build clang_cxx_stack_o "" "$OUT/cxx_stack.o" "$SRC/cxx_stack.cpp" -- \
      clang++ --target=wasm32-wasi -std=c++20 -g -O0 -w -fno-exceptions -I/usr/include/eigen3 -c "$SRC/cxx_stack.cpp" -o "$OUT/cxx_stack.o"
    build clang_cxx_stack "$CV, C++20 libc++, -g -O0" "$OUT/clang_cxx_stack.wasm" "$OUT/cxx_stack.o" "$SRC/stack_chk.c" -- \
      clang++ --target=wasm32-wasi "$OUT/cxx_stack.o" -x c "$SRC/stack_chk.c" -o "$OUT/clang_cxx_stack.wasm"
  else
    skipped "clang_cxx_stack: needs libc++-14-dev-wasm32 libc++abi-14-dev-wasm32 nlohmann-json3-dev libfmt-dev libeigen3-dev libglm-dev rapidjson-dev libtomlplusplus-dev libxxhash-dev"
  fi
fi

# ---------------------------------------------------------------- rustc ----
if [ -x "$RUSTC" ] && [ -d "$("$RUSTC" --print sysroot 2>/dev/null)/lib/rustlib/wasm32-wasi/lib" ]; then
  RV=$("$RUSTC" --version)
  build rustc_std "$RV, std, -C debuginfo=2 -C opt-level=0" "$OUT/rustc_std.wasm" "$SRC/rust_std.rs" -- \
    "$RUSTC" --edition 2021 --target wasm32-wasi -C debuginfo=2 -C opt-level=0 "$SRC/rust_std.rs" -o "$OUT/rustc_std.wasm"
  build rustc_std_O3 "$RV, std, -C opt-level=3" "$OUT/rustc_std_O3.wasm" "$SRC/rust_std.rs" -- \
    "$RUSTC" --edition 2021 --target wasm32-wasi -C opt-level=3 "$SRC/rust_std.rs" -o "$OUT/rustc_std_O3.wasm"
else
  skipped "rustc: $RUSTC with the wasm32-wasi std not installed (apt-get install rustc libstd-rust-dev-wasm32)"
fi

# ----------------------------------------------------------------- emcc ----
if command -v emcc >/dev/null; then
  EV="emcc $(emcc --version 2>/dev/null | head -1 | sed 's/.*) \([0-9.]*\).*/\1/')"
  # emcc's sysroot excludes /usr/include: expose only the header-only libraries.
  mkdir -p "$OUT/inc"
  for d in stb nlohmann fmt glm rapidjson toml++ xxhash.h; do ln -sfn /usr/include/$d "$OUT/inc/$d"; done
  ln -sfn /usr/include/eigen3/Eigen "$OUT/inc/Eigen"
  if [ -e $DUK ] && [ -e /usr/include/stb/stb_image.h ]; then
    build emcc_c_libs "$EV, -g -O0 (JS glue + wasm)" "$OUT/emcc_c_libs.wasm" $DUK "$SRC/c_libs.c" -- \
      emcc -g -O0 -w -I"$OUT/inc" -I/usr/share/duktape $DUK "$SRC/c_libs.c" -o "$OUT/emcc_c_libs.js"
    build emcc_c_libs_O2_standalone "$EV, -O2 -sSTANDALONE_WASM" "$OUT/emcc_c_libs_O2_standalone.wasm" $DUK "$SRC/c_libs.c" -- \
      emcc -O2 -w -sSTANDALONE_WASM -I"$OUT/inc" -I/usr/share/duktape $DUK "$SRC/c_libs.c" -o "$OUT/emcc_c_libs_O2_standalone.wasm"
  else
    skipped "emcc_c_libs: duktape-dev / libstb-dev not installed"
  fi
  if [ "${QUICK:-0}" = 1 ]; then
    skipped "emcc_cxx_stack: QUICK=1"
  elif [ -e /usr/include/nlohmann/json.hpp ] && [ -e /usr/include/eigen3/Eigen/Dense ] && [ -e /usr/include/toml++/toml.h ] \
       && [ -e /usr/include/fmt/format.h ] && [ -e /usr/include/glm/glm.hpp ] && [ -e /usr/include/rapidjson/document.h ] && [ -e /usr/include/xxhash.h ]; then
    build emcc_cxx_stack "$EV, C++20 libc++, -g -O0 (JS glue + wasm)" "$OUT/emcc_cxx_stack.wasm" "$SRC/cxx_stack.cpp" -- \
      em++ -std=c++20 -g -O0 -w -I"$OUT/inc" "$SRC/cxx_stack.cpp" -o "$OUT/emcc_cxx_stack.js"
  else
    skipped "emcc_cxx_stack: header-only library packages missing (see clang_cxx_stack)"
  fi
else
  skipped "emcc: emscripten not installed (apt-get install emscripten)"
fi

# ----------------------------------------------------------- validation ----
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", b-a}'; }
{
  echo "| module | producer | size | lvm validate | lvm time | wasm-validate | wasm-validate time | runs under node |"
  echo "|---|---|---:|---|---:|---|---:|---|"
} > "$RESULTS"
{
  echo "| module | case | expected offset | lvm exit | lvm message | wasm-validate |"
  echo "|---|---|---|---|---|---|"
} > "$CORRUPT_LOG"

for m in "${MODULES[@]}"; do
  name=${m%%|*} producer=${m#*|}
  f=$OUT/$name.wasm
  size=$(stat -c %s "$f")
  t0=$(now); msg=$(timeout 300 "$LVM" validate "$f" 2>&1); rc=$?; t1=$(now)
  lt=$(secs "$t0" "$t1")
  wv="-"; wt="-"
  if [ $HAVE_WV = 1 ]; then
    t0=$(now); wmsg=$(wasm-validate "$f" 2>&1); wrc=$?; t1=$(now); wt=$(secs "$t0" "$t1")
    [ $wrc = 0 ] && wv=ok || wv="error: $(echo "$wmsg" | head -1)"
  fi
  lres=$([ $rc = 0 ] && echo "$msg" || echo "exit $rc: $msg")
  # Not a check of lvm: shows the module is a working program (node's engine).
  run="-"
  if command -v node >/dev/null; then
    case $name in
      clang_*|rustc_*) node --no-warnings "$HERE/run_wasi.mjs" "$f" >"$OUT/$name.run.log" 2>&1; run="exit $?" ;;
      emcc_c_libs|emcc_cxx_stack) node --no-experimental-fetch "$OUT/$name.js" >"$OUT/$name.run.log" 2>&1; run="exit $?" ;;
    esac
    [ "$run" = "exit 0" ] && run=ok
  fi
  echo "| $name | $producer | $size | $lres | ${lt}s | $wv | ${wt}s | $run |" >> "$RESULTS"
  if [ $rc = 0 ] && [ "$msg" = ok ]; then ok "$name ($size bytes) valid, ${lt}s"
  else bad "$name: lvm rejected a module built by $producer: $msg"; fi
  [ $HAVE_WV = 1 ] && [ "$wv" != ok ] && echo "  note: wasm-validate also rejects $name: $wv"

  # ---- corrupted copies
  while IFS=$'\t' read -r case path expected desc; do
    cmsg=$(timeout 300 "$LVM" validate "$path" 2>&1); crc=$?
    cmsg=$(echo "$cmsg" | head -1 | sed "s|^$path: ||")
    cw="-"; cwrc=
    if [ $HAVE_WV = 1 ]; then
      cwm=$(wasm-validate "$path" 2>&1); cwrc=$?
      [ $cwrc = 0 ] && cw=ok || cw="$(echo "$cwm" | head -1 | sed "s|^$path:||")"
    fi
    echo "| $name | $case: $desc | $expected | $crc | \`$cmsg\` | \`$cw\` |" >> "$CORRUPT_LOG"
    what="$name/$case"
    if [ $crc -ge 124 ]; then bad "$what: lvm crashed or hung (exit $crc): $cmsg"; continue; fi
    if [ "${case#flip-}" != "$case" ] && [ $crc = 0 ]; then
      # A random flip can leave the module valid (e.g. a changed constant).
      if [ "$cwrc" = 0 ] || [ $HAVE_WV = 0 ]; then ok "$what: still valid, and wasm-validate agrees"
      else bad "$what: lvm accepts, wasm-validate rejects: $cw"; fi
      continue
    fi
    if [ $crc != 1 ]; then bad "$what: expected exit 1, got $crc: $cmsg"; continue; fi
    if ! echo "$cmsg" | grep -q 'at offset 0x[0-9a-f]'; then bad "$what: error names no offset: $cmsg"; continue; fi
    if [ "$expected" != - ] && ! echo "$cmsg" | grep -q "at offset $expected\b"; then
      bad "$what: expected the error at offset $expected: $cmsg"; continue
    fi
    if [ "$cwrc" = 0 ]; then bad "$what: lvm rejects but wasm-validate accepts: $cmsg"; continue; fi
    ok "$what: $cmsg"
  done < <(python3 "$HERE/corrupt.py" "$f" "$OUT/corrupt" --flips "$FLIPS")
  rm -f "$OUT/corrupt/$name".*.wasm
done

echo
cat "$RESULTS"
echo
echo "corrupted copies: $CORRUPT_LOG"
echo "$pass passed, $fail failed, $skip skipped"
[ $fail = 0 ]
