# Guest programs, built to wasm32-wasi with clang (Debian's clang, wasi-libc,
# libclang-rt-14-dev-wasm32 and, for C++, libc++-14-dev-wasm32 and
# libc++abi-14-dev-wasm32, installed by scripts/bootstrap). Compiled with -O2
# -c and linked without -O: with -O on the link line clang runs binaryen's
# wasm-opt when it is installed, which makes builds depend on it.
#
# Included by every directory that builds guests (examples/, tests/guests/,
# tests/sdk/), so the order of add_subdirectory calls does not matter.
include_guard(GLOBAL)

find_program(LVM_GUEST_CLANG NAMES clang-14 clang REQUIRED)
find_program(LVM_GUEST_CLANGXX NAMES clang++-14 clang++ REQUIRED)

# How C++ guests are compiled: C++20 without exceptions (there are none for
# wasm32 in clang 14) or RTTI, with the C++ SDK (sdk/cpp/lvm.hpp) on the
# include path. tests/sdk/ compiles its snippets with the same flags. (A
# cache variable: this file is read once, in whichever directory is first.)
set(LVM_GUEST_CXXFLAGS -std=c++20 -fno-exceptions -fno-rtti -I${PROJECT_SOURCE_DIR}/sdk/cpp
    CACHE INTERNAL "compile flags of C++ guests")

# lvm_add_guest(NAME SOURCES... [CFLAGS flags...] [LDFLAGS flags...]):
# builds ${CMAKE_CURRENT_BINARY_DIR}/NAME.wasm and a target guest-NAME (in
# ALL). Sources ending in .cpp are C++ (LVM_GUEST_CXXFLAGS), and a guest with
# any is linked by clang++, against libc++. CFLAGS are extra compile flags
# for this guest's sources, LDFLAGS extra link flags. The C SDK
# (sdk/c/lvm.h) is on the include path.
function(lvm_add_guest name)
  cmake_parse_arguments(PARSE_ARGV 1 G "" "" "CFLAGS;LDFLAGS")
  set(objects)
  set(linker ${LVM_GUEST_CLANG})
  foreach(src ${G_UNPARSED_ARGUMENTS})
    get_filename_component(base ${src} NAME_WE)
    get_filename_component(ext ${src} LAST_EXT)
    set(obj ${CMAKE_CURRENT_BINARY_DIR}/${name}.${base}.o)
    if(ext STREQUAL ".cpp")
      set(compiler ${LVM_GUEST_CLANGXX} ${LVM_GUEST_CXXFLAGS})
      set(linker ${LVM_GUEST_CLANGXX})
    else()
      set(compiler ${LVM_GUEST_CLANG})
    endif()
    add_custom_command(
      OUTPUT ${obj}
      COMMAND ${compiler} --target=wasm32-wasi -O2 -Wall -Wextra -I${PROJECT_SOURCE_DIR}/sdk/c ${G_CFLAGS}
              -MD -MF ${obj}.d -c ${CMAKE_CURRENT_SOURCE_DIR}/${src} -o ${obj}
      DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${src} ${PROJECT_SOURCE_DIR}/sdk/c/lvm.h
      DEPFILE ${obj}.d  # the headers it includes (lvm.h, lvm.hpp, a test's shared header)
      COMMENT "guest ${src} -> wasm32-wasi"
      VERBATIM)
    list(APPEND objects ${obj})
  endforeach()
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${name}.wasm)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${linker} --target=wasm32-wasi ${G_LDFLAGS} ${objects} -o ${out}
    DEPENDS ${objects}
    COMMENT "guest link ${name}.wasm"
    VERBATIM)
  add_custom_target(guest-${name} ALL DEPENDS ${out})
endfunction()
