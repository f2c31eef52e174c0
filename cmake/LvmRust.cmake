# Rust guests, built to wasm32-wasi with Debian's rustc and cargo
# (libstd-rust-dev-wasm32) from Debian's packaged crates, offline:
# sdk/rust/.cargo/config.toml replaces crates-io with the directory source
# /usr/share/cargo/registry (scripts/bootstrap installs all of it).
#
# The machine image may put a rustup `rustc` without wasm32 targets ahead
# of Debian's on PATH, so both are looked up in /usr/bin only.
include_guard(GLOBAL)

find_program(LVM_CARGO cargo PATHS /usr/bin NO_DEFAULT_PATH REQUIRED)
find_program(LVM_RUSTC rustc PATHS /usr/bin NO_DEFAULT_PATH REQUIRED)

# The one cargo target directory of the workspace (the SDK, its examples
# and tests share it, so serde and bincode are compiled once), under the
# build directory; the guests land in LVM_RUST_GUEST_DIR/NAME.wasm.
set(LVM_RUST_TARGET_DIR ${PROJECT_BINARY_DIR}/rust CACHE INTERNAL "cargo target directory of the Rust guests")
set(LVM_RUST_GUEST_DIR ${LVM_RUST_TARGET_DIR}/wasm32-wasi/release CACHE INTERNAL "where the Rust guests are")

# lvm_add_rust_workspace(DIR GUESTS...): builds the cargo workspace in DIR
# (release, --offline --locked) into LVM_RUST_TARGET_DIR with one cargo
# call; GUESTS are the binaries it makes (NAME.wasm). Target rust-guests
# (in ALL). With LVM_WERROR, warnings are errors.
function(lvm_add_rust_workspace dir)
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${dir}/*.rs ${dir}/*.toml ${dir}/Cargo.lock)
  list(FILTER sources EXCLUDE REGEX "/tests/compile/")  # snippets for compile tests, not built
  set(outputs)
  foreach(g ${ARGN})
    list(APPEND outputs ${LVM_RUST_GUEST_DIR}/${g}.wasm)
  endforeach()
  set(rustflags "")
  if(LVM_WERROR)
    set(rustflags "-Dwarnings")
  endif()
  set(stamp ${LVM_RUST_TARGET_DIR}/build.stamp)
  add_custom_command(
    OUTPUT ${stamp}
    BYPRODUCTS ${outputs}
    COMMAND ${CMAKE_COMMAND} -E env RUSTC=${LVM_RUSTC} CARGO_HOME=${LVM_RUST_TARGET_DIR}/cargo-home
            RUSTFLAGS=${rustflags}
            ${LVM_CARGO} build --release --offline --locked --target wasm32-wasi
            --target-dir ${LVM_RUST_TARGET_DIR} --manifest-path ${dir}/Cargo.toml
    COMMAND ${CMAKE_COMMAND} -E touch ${stamp}
    WORKING_DIRECTORY ${dir}  # so that ${dir}/.cargo/config.toml applies
    DEPENDS ${sources}
    COMMENT "Rust guests (cargo, wasm32-wasi)"
    VERBATIM)
  add_custom_target(rust-guests ALL DEPENDS ${stamp})
endfunction()
