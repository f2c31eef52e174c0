// Sandboxed path resolution: every guest path is resolved beneath a
// directory descriptor and may never leave it. Absolute paths, `..` that
// climbs above the directory, and symlinks that are absolute or lead outside
// are refused with ENOTCAPABLE. Uses openat2(RESOLVE_BENEATH) when the kernel
// has it, else walks component by component with openat(O_NOFOLLOW), keeping
// its own stack of opened directories so `..` is never asked of the host.
#pragma once

#include <string>
#include <string_view>

#include "host-api/wasi/errno.h"
#include "host-api/wasi/fd_table.h"

namespace lvm::wasi {

// Symlinks followed in one resolution before ELOOP (Linux's limit).
inline constexpr int kMaxSymlinkExpansions = 40;

// A guest path resolved to (directory, final component). The final
// operation uses the *at system call on `dir` and `name` without following
// symlinks, so a symlink swapped in after resolution cannot lead outside.
struct ResolvedPath {
  UniqueFd dir;              // an O_PATH descriptor of the directory holding `name`
  std::string name;          // one component; never empty, never "..", no '/'; "." is `dir` itself
  bool trailing_slash = false;  // the guest path ended in '/': the target must be a directory
};

// Resolves `path` beneath the directory `base_fd`. With `follow_final`, a
// symlink in the last position is followed (within the sandbox too); a
// trailing slash implies it. Intermediate symlinks are always followed.
Errno resolve_path(int base_fd, std::string_view path, bool follow_final, bool use_openat2, ResolvedPath& out);

// Opens the directory `rel` (relative, possibly empty = base itself)
// beneath `base_fd` as O_PATH|O_DIRECTORY.
Errno open_dir_beneath(int base_fd, std::string_view rel, bool use_openat2, UniqueFd& out);

// True if openat2 with RESOLVE_BENEATH works on this kernel (checked once).
bool openat2_available();

}  // namespace lvm::wasi
