// Path operations (path_*): each resolves its guest path beneath a directory
// fd (path_resolve.h), then acts with the *at system call on the resolved
// directory and final component, never following a symlink there.
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "host-api/wasi/internal.h"
#include "host-api/wasi/path_resolve.h"

namespace lvm::wasi {

namespace {

// The directory entry of fd argument `i`, which must hold the rights
// `needed`: EBADF if not open, ENOTDIR if not a directory, ENOTCAPABLE
// without one of the rights.
Errno dir_arg(WasiContext& ctx, const HostCall& call, size_t i, uint64_t needed, std::shared_ptr<FdEntry>& out) {
  out = fd_arg(ctx, call, i);
  if (!out) return kBadf;
  if (out->type != kFiletypeDirectory) return kNotDir;
  return out->has_rights(needed) ? kSuccess : kNotCapable;
}

// Reads the path at args (ptr_arg, ptr_arg + 1) and resolves it beneath `dir`.
Errno resolve_arg(WasiContext& ctx, const HostCall& call, const FdEntry& dir, size_t ptr_arg, bool follow,
                  ResolvedPath& out) {
  std::string path;
  if (Errno e = read_path(call, call.u32(ptr_arg), call.u32(ptr_arg + 1), path)) return e;
  return resolve_path(dir.host_fd, path, follow, ctx.use_openat2(), out);
}

// A trailing slash demands a directory: ENOTDIR otherwise (or the stat error).
Errno require_dir(const ResolvedPath& r) {
  if (!r.trailing_slash) return kSuccess;
  struct stat st;
  if (::fstatat(r.dir.get(), r.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return last_error();
  return S_ISDIR(st.st_mode) ? kSuccess : kNotDir;
}

// path_open(fd, dirflags, path, path_len, oflags, rights_base, rights_inheriting, fdflags, *fd).
// The directory needs path_open, plus path_create_file to create and
// path_filestat_set_size to truncate. The new descriptor gets the rights
// asked for that the directory's inheriting rights allow (both its base and
// its inheriting set), and its host access mode follows from those.
Errno path_open(WasiContext& ctx, HostCall& call) {
  uint32_t oflags = call.u32(4) & 0xFFFF;
  uint64_t needed = kRightPathOpen;
  if (oflags & kOflagCreat) needed |= kRightPathCreateFile;
  if (oflags & kOflagTrunc) needed |= kRightPathFilestatSetSize;
  std::shared_ptr<FdEntry> dir;
  if (Errno e = dir_arg(ctx, call, 0, needed, dir)) return e;
  uint32_t dirflags = call.u32(1);
  const uint64_t allowed = dir->rights_inheriting.load(std::memory_order_relaxed);
  uint64_t rights_base = uint64_t(call.i64(5)) & allowed, rights_inheriting = uint64_t(call.i64(6)) & allowed;
  uint32_t fdflags = call.u32(7) & 0xFFFF;
  uint32_t fd_out = call.u32(8);
  if (!call.check(fd_out, 4)) return kFault;
  if (oflags & ~uint32_t(kOflagCreat | kOflagDirectory | kOflagExcl | kOflagTrunc)) return kInval;

  bool excl_create = (oflags & kOflagCreat) && (oflags & kOflagExcl);
  bool follow = (dirflags & kLookupSymlinkFollow) && !excl_create;
  ResolvedPath r;
  if (Errno e = resolve_arg(ctx, call, *dir, 2, follow, r)) return e;

  bool read = rights_base & (kRightFdRead | kRightFdReaddir);
  bool write = rights_base & (kRightFdWrite | kRightFdDatasync | kRightFdAllocate | kRightFdFilestatSetSize);
  int flags = O_CLOEXEC | O_NOFOLLOW | O_NOCTTY;
  const bool want_dir = (oflags & kOflagDirectory) || r.trailing_slash;
  if (want_dir) {
    if (rights_base & kRightFdWrite) return kIsDir;  // a directory cannot be written
    flags |= O_DIRECTORY | O_RDONLY;
  } else {
    flags |= read && write ? O_RDWR : write ? O_WRONLY : O_RDONLY;
  }
  if (oflags & kOflagCreat) flags |= O_CREAT;
  if (oflags & kOflagExcl) flags |= O_EXCL;
  if (oflags & kOflagTrunc) flags |= O_TRUNC;
  if (fdflags & kFdflagAppend) flags |= O_APPEND;
  if (fdflags & kFdflagDsync) flags |= O_DSYNC;
  if (fdflags & kFdflagNonblock) flags |= O_NONBLOCK;
  if (fdflags & kFdflagRsync) flags |= O_RSYNC;
  if (fdflags & kFdflagSync) flags |= O_SYNC;

  int hfd = ::openat(r.dir.get(), r.name.c_str(), flags, 0666);
  // The rights a directory has (fd_datasync, say) may ask for write access:
  // a directory found where a file was not demanded opens read-only, unless
  // writing its contents was asked for.
  if (hfd < 0 && errno == EISDIR && !want_dir && !(rights_base & kRightFdWrite) &&
      !(oflags & (kOflagCreat | kOflagTrunc)))
    hfd = ::openat(r.dir.get(), r.name.c_str(), (flags & ~O_ACCMODE) | O_RDONLY | O_DIRECTORY, 0666);
  if (hfd < 0) return last_error();
  auto entry = FdEntry::wrap(hfd, /*owned=*/true);
  entry->rights_base = rights_base & (entry->type == kFiletypeDirectory ? kRightsDirectory : kRightsFile);
  entry->rights_inheriting = rights_inheriting & kRightsAll;
  std::optional<uint32_t> fd = ctx.fds().insert(std::move(entry));
  if (!fd) return kMfile;  // the entry was destroyed, closing hfd
  call.store<uint32_t>(fd_out, *fd);
  return kSuccess;
}

// path_create_directory(fd, path, path_len)
Errno path_create_directory(WasiContext& ctx, HostCall& call) {
  std::shared_ptr<FdEntry> dir;
  if (Errno e = dir_arg(ctx, call, 0, kRightPathCreateDirectory, dir)) return e;
  ResolvedPath r;
  if (Errno e = resolve_arg(ctx, call, *dir, 1, false, r)) return e;
  if (::mkdirat(r.dir.get(), r.name.c_str(), 0777) != 0) return last_error();
  return kSuccess;
}

// path_remove_directory(fd, path, path_len)
Errno path_remove_directory(WasiContext& ctx, HostCall& call) {
  std::shared_ptr<FdEntry> dir;
  if (Errno e = dir_arg(ctx, call, 0, kRightPathRemoveDirectory, dir)) return e;
  ResolvedPath r;
  if (Errno e = resolve_arg(ctx, call, *dir, 1, false, r)) return e;
  if (::unlinkat(r.dir.get(), r.name.c_str(), AT_REMOVEDIR) != 0) return last_error();
  return kSuccess;
}

// path_unlink_file(fd, path, path_len)
Errno path_unlink_file(WasiContext& ctx, HostCall& call) {
  std::shared_ptr<FdEntry> dir;
  if (Errno e = dir_arg(ctx, call, 0, kRightPathUnlinkFile, dir)) return e;
  ResolvedPath r;
  if (Errno e = resolve_arg(ctx, call, *dir, 1, false, r)) return e;
  if (r.trailing_slash) {
    struct stat st;
    if (::fstatat(r.dir.get(), r.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return last_error();
    return S_ISDIR(st.st_mode) ? kIsDir : kNotDir;
  }
  if (::unlinkat(r.dir.get(), r.name.c_str(), 0) != 0) return last_error();
  return kSuccess;
}

// path_rename(fd, old_path, old_path_len, new_fd, new_path, new_path_len)
Errno path_rename(WasiContext& ctx, HostCall& call) {
  std::shared_ptr<FdEntry> old_dir, new_dir;
  if (Errno e = dir_arg(ctx, call, 0, kRightPathRenameSource, old_dir)) return e;
  if (Errno e = dir_arg(ctx, call, 3, kRightPathRenameTarget, new_dir)) return e;
  ResolvedPath from, to;
  if (Errno e = resolve_arg(ctx, call, *old_dir, 1, false, from)) return e;
  if (Errno e = resolve_arg(ctx, call, *new_dir, 4, false, to)) return e;
  if (from.trailing_slash || to.trailing_slash) {
    from.trailing_slash = true;
    if (Errno e = require_dir(from)) return e;
  }
  if (::renameat(from.dir.get(), from.name.c_str(), to.dir.get(), to.name.c_str()) != 0) return last_error();
  return kSuccess;
}

// path_filestat_get(fd, flags, path, path_len, *filestat)
Errno path_filestat_get(WasiContext& ctx, HostCall& call) {
  std::shared_ptr<FdEntry> dir;
  if (Errno e = dir_arg(ctx, call, 0, kRightPathFilestatGet, dir)) return e;
  uint8_t* out = call.ptr(call.u32(4), layout::kFilestatSize);
  if (!out) return kFault;
  ResolvedPath r;
  if (Errno e = resolve_arg(ctx, call, *dir, 2, call.u32(1) & kLookupSymlinkFollow, r)) return e;
  struct stat st;
  if (::fstatat(r.dir.get(), r.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return last_error();
  if (r.trailing_slash && !S_ISDIR(st.st_mode)) return kNotDir;
  write_filestat(out, st);
  return kSuccess;
}

// path_filestat_set_times(fd, flags, path, path_len, atim, mtim, fst_flags)
Errno path_filestat_set_times(WasiContext& ctx, HostCall& call) {
  std::shared_ptr<FdEntry> dir;
  if (Errno e = dir_arg(ctx, call, 0, kRightPathFilestatSetTimes, dir)) return e;
  struct timespec ts[2];
  if (Errno e = make_timespecs(uint64_t(call.i64(4)), uint64_t(call.i64(5)), uint16_t(call.u32(6)), ts)) return e;
  ResolvedPath r;
  if (Errno e = resolve_arg(ctx, call, *dir, 2, call.u32(1) & kLookupSymlinkFollow, r)) return e;
  if (Errno e = require_dir(r)) return e;
  if (::utimensat(r.dir.get(), r.name.c_str(), ts, AT_SYMLINK_NOFOLLOW) != 0) return last_error();
  return kSuccess;
}

// path_readlink(fd, path, path_len, buf, buf_len, *bufused)
Errno path_readlink(WasiContext& ctx, HostCall& call) {
  std::shared_ptr<FdEntry> dir;
  if (Errno e = dir_arg(ctx, call, 0, kRightPathReadlink, dir)) return e;
  uint32_t buf_len = call.u32(4);
  uint8_t* buf = call.ptr(call.u32(3), buf_len);
  if (!buf || !call.check(call.u32(5), 4)) return kFault;
  ResolvedPath r;
  if (Errno e = resolve_arg(ctx, call, *dir, 1, false, r)) return e;
  char target[PATH_MAX];
  ssize_t n = ::readlinkat(r.dir.get(), r.name.c_str(), target, sizeof target);
  if (n < 0) return last_error();
  uint32_t used = uint32_t(n) < buf_len ? uint32_t(n) : buf_len;
  std::memcpy(buf, target, used);
  call.store<uint32_t>(call.u32(5), used);
  return kSuccess;
}

// Resolves a path that is about to be created (link or symlink): a trailing
// slash gives EEXIST if something is there, else ENOENT.
Errno resolve_new(WasiContext& ctx, const HostCall& call, const FdEntry& dir, size_t ptr_arg, ResolvedPath& r) {
  if (Errno e = resolve_arg(ctx, call, dir, ptr_arg, false, r)) return e;
  if (r.trailing_slash) {
    struct stat st;
    return ::fstatat(r.dir.get(), r.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 ? kExist : kNoEnt;
  }
  return kSuccess;
}

// path_symlink(old_path, old_path_len, fd, new_path, new_path_len)
Errno path_symlink(WasiContext& ctx, HostCall& call) {
  std::string target;
  if (Errno e = read_path(call, call.u32(0), call.u32(1), target)) return e;
  std::shared_ptr<FdEntry> dir;
  if (Errno e = dir_arg(ctx, call, 2, kRightPathSymlink, dir)) return e;
  // An absolute target could only ever point outside the sandbox.
  if (!target.empty() && target[0] == '/') return kNotCapable;
  ResolvedPath r;
  if (Errno e = resolve_new(ctx, call, *dir, 3, r)) return e;
  if (::symlinkat(target.c_str(), r.dir.get(), r.name.c_str()) != 0) return last_error();
  return kSuccess;
}

// path_link(old_fd, old_flags, old_path, old_path_len, new_fd, new_path, new_path_len)
Errno path_link(WasiContext& ctx, HostCall& call) {
  std::shared_ptr<FdEntry> old_dir, new_dir;
  if (Errno e = dir_arg(ctx, call, 0, kRightPathLinkSource, old_dir)) return e;
  if (Errno e = dir_arg(ctx, call, 4, kRightPathLinkTarget, new_dir)) return e;
  ResolvedPath from, to;
  if (Errno e = resolve_arg(ctx, call, *old_dir, 2, call.u32(1) & kLookupSymlinkFollow, from)) return e;
  if (Errno e = require_dir(from)) return e;
  if (Errno e = resolve_new(ctx, call, *new_dir, 5, to)) return e;
  if (::linkat(from.dir.get(), from.name.c_str(), to.dir.get(), to.name.c_str(), 0) != 0) return last_error();
  return kSuccess;
}

}  // namespace

void register_paths(Registry& r) {
  r.add("path_create_directory", "iii", path_create_directory);
  r.add("path_filestat_get", "iiiii", path_filestat_get);
  r.add("path_filestat_set_times", "iiiiIIi", path_filestat_set_times);
  r.add("path_link", "iiiiiii", path_link);
  r.add("path_open", "iiiiiIIii", path_open);
  r.add("path_readlink", "iiiiii", path_readlink);
  r.add("path_remove_directory", "iii", path_remove_directory);
  r.add("path_rename", "iiiiii", path_rename);
  r.add("path_symlink", "iiiii", path_symlink);
  r.add("path_unlink_file", "iii", path_unlink_file);
}

}  // namespace lvm::wasi
