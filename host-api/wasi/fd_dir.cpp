// Directory descriptors: fd_readdir (preview1 dirents and cookies) and the
// preopen queries fd_prestat_get / fd_prestat_dir_name.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "host-api/wasi/internal.h"

namespace lvm::wasi {

namespace {

Filetype filetype_from_dtype(unsigned char t) {
  switch (t) {
    case DT_BLK: return kFiletypeBlockDevice;
    case DT_CHR: return kFiletypeCharacterDevice;
    case DT_DIR: return kFiletypeDirectory;
    case DT_REG: return kFiletypeRegularFile;
    case DT_SOCK: return kFiletypeSocketStream;
    case DT_LNK: return kFiletypeSymbolicLink;
    default: return kFiletypeUnknown;
  }
}

// Reads the whole listing of directory `dir_fd` through a fresh open file
// description, so the descriptor's own offset is untouched.
Errno list_directory(int dir_fd, std::vector<CachedDirent>& out) {
  int fd = ::openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return last_error();
  DIR* d = ::fdopendir(fd);
  if (!d) {
    Errno e = last_error();
    ::close(fd);
    return e;
  }
  out.clear();
  for (;;) {
    errno = 0;
    struct dirent* de = ::readdir(d);
    if (!de) break;
    CachedDirent c;
    c.ino = de->d_ino;
    c.name = de->d_name;
    c.type = filetype_from_dtype(de->d_type);
    if (de->d_type == DT_UNKNOWN) {
      struct stat st;
      if (::fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0) c.type = filetype_from_mode(st.st_mode);
    }
    out.push_back(std::move(c));
  }
  Errno e = errno ? last_error() : kSuccess;
  ::closedir(d);
  return e;
}

// fd_readdir(fd, buf, buf_len, cookie, *bufused). Entry i has cookie i; its
// d_next is i + 1. The buffer is filled completely (the last entry cut
// short) when more entries remain, which is how the guest knows to ask again.
Errno fd_readdir(WasiContext& ctx, HostCall& call) {
  auto e = fd_arg(ctx, call, 0);
  if (!e) return kBadf;
  uint32_t buf_len = call.u32(2);
  uint8_t* buf = call.ptr(call.u32(1), buf_len);
  uint32_t used_ptr = call.u32(4);
  if (!buf || !call.check(used_ptr, 4)) return kFault;
  if (e->type != kFiletypeDirectory) return kNotDir;
  if (!e->has_rights(kRightFdReaddir)) return kNotCapable;
  uint64_t cookie = uint64_t(call.i64(3));

  std::lock_guard lock(e->dir_mu);
  if (cookie == 0 || !e->dir_cached) {
    if (Errno err = list_directory(e->host_fd, e->dir_cache)) return err;
    e->dir_cached = true;
  }
  uint32_t used = 0;
  for (uint64_t i = cookie; i < e->dir_cache.size() && used < buf_len; ++i) {
    const CachedDirent& c = e->dir_cache[i];
    uint8_t header[layout::kDirentSize] = {};
    uint64_t next = i + 1;
    uint32_t namlen = uint32_t(c.name.size());
    std::memcpy(header + 0, &next, 8);
    std::memcpy(header + 8, &c.ino, 8);
    std::memcpy(header + 16, &namlen, 4);
    header[20] = c.type;
    uint32_t n = std::min<uint32_t>(layout::kDirentSize, buf_len - used);
    std::memcpy(buf + used, header, n);
    used += n;
    n = std::min<uint32_t>(namlen, buf_len - used);
    std::memcpy(buf + used, c.name.data(), n);
    used += n;
  }
  call.store<uint32_t>(used_ptr, used);
  return kSuccess;
}

// fd_prestat_get(fd, *prestat)
Errno fd_prestat_get(WasiContext& ctx, HostCall& call) {
  auto e = fd_arg(ctx, call, 0);
  if (!e || !e->preopen) return kBadf;
  uint8_t* p = call.ptr(call.u32(1), layout::kPrestatSize);
  if (!p) return kFault;
  uint32_t len = uint32_t(e->preopen->size());
  std::memset(p, 0, layout::kPrestatSize);
  p[0] = kPreopentypeDir;
  std::memcpy(p + 4, &len, 4);
  return kSuccess;
}

// fd_prestat_dir_name(fd, path, path_len)
Errno fd_prestat_dir_name(WasiContext& ctx, HostCall& call) {
  auto e = fd_arg(ctx, call, 0);
  if (!e || !e->preopen) return kBadf;
  uint32_t len = call.u32(2);
  uint8_t* p = call.ptr(call.u32(1), len);
  if (!p) return kFault;
  if (len < e->preopen->size()) return kNameTooLong;
  std::memcpy(p, e->preopen->data(), e->preopen->size());
  return kSuccess;
}

}  // namespace

void register_fd_dir(Registry& r) {
  r.add("fd_prestat_dir_name", "iii", fd_prestat_dir_name);
  r.add("fd_prestat_get", "ii", fd_prestat_get);
  r.add("fd_readdir", "iiiIi", fd_readdir);
}

}  // namespace lvm::wasi
