#include "host-api/wasi/path_resolve.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#if __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
#define LVM_HAVE_OPENAT2 1
#endif

namespace lvm::wasi {

namespace {

#if defined(LVM_HAVE_OPENAT2) && defined(SYS_openat2)
int sys_openat2(int dirfd, const char* path, uint64_t flags) {
  struct open_how how = {};
  how.flags = flags;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  for (int attempt = 0;; ++attempt) {
    int fd = int(::syscall(SYS_openat2, dirfd, path, &how, sizeof how));
    // EAGAIN: a concurrent rename raced with `..` resolution; retry.
    if (fd < 0 && (errno == EAGAIN || errno == EINTR) && attempt < 16) continue;
    return fd;
  }
}
#endif

// Reads the target of symlink `name` in `dir`; -1 with errno if it is not one.
ssize_t read_link(int dir, const char* name, std::string& target) {
  char buf[PATH_MAX];
  ssize_t n = ::readlinkat(dir, name, buf, sizeof buf);
  if (n >= 0) target.assign(buf, size_t(n));
  return n;
}

// Pushes the components of `path` onto `todo` so that the first component
// is at the back.
void push_components(std::string_view path, std::vector<std::string>& todo) {
  size_t end = path.size();
  while (end > 0) {
    size_t start = path.rfind('/', end - 1);
    start = start == std::string_view::npos ? 0 : start + 1;
    if (end > start) todo.emplace_back(path.substr(start, end - start));
    end = start == 0 ? 0 : start - 1;
  }
}

// The portable walker: one openat(O_NOFOLLOW) per component, symlinks
// expanded by hand, `..` popping our own stack of directories.
Errno walk_beneath(int base_fd, std::string_view rel, UniqueFd& out) {
  std::vector<UniqueFd> stack;  // directories below base; base itself is implicit
  std::vector<std::string> todo;
  push_components(rel, todo);
  int expansions = 0;
  auto top = [&] { return stack.empty() ? base_fd : stack.back().get(); };
  while (!todo.empty()) {
    std::string c = std::move(todo.back());
    todo.pop_back();
    if (c.empty() || c == ".") continue;
    if (c == "..") {
      if (stack.empty()) return kNotCapable;
      stack.pop_back();
      continue;
    }
    int fd = ::openat(top(), c.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0) {
      stack.emplace_back(fd);
      continue;
    }
    int err = errno;
    if (err == ENOTDIR || err == ELOOP) {
      std::string target;
      if (read_link(top(), c.c_str(), target) >= 0) {
        if (++expansions > kMaxSymlinkExpansions) return kLoop;
        if (target.empty()) return kNoEnt;
        if (target[0] == '/') return kNotCapable;
        push_components(target, todo);
        continue;
      }
    }
    return errno_from_host(err);
  }
  if (stack.empty()) {
    int fd = ::openat(base_fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return last_error();
    out = UniqueFd(fd);
  } else {
    out = std::move(stack.back());
  }
  return kSuccess;
}

}  // namespace

bool openat2_available() {
#if defined(LVM_HAVE_OPENAT2) && defined(SYS_openat2)
  static const bool available = [] {
    int fd = sys_openat2(AT_FDCWD, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return false;  // ENOSYS (old kernel) or refused by a seccomp filter
    ::close(fd);
    return true;
  }();
  return available;
#else
  return false;
#endif
}

Errno open_dir_beneath(int base_fd, std::string_view rel, bool use_openat2, UniqueFd& out) {
  if (!rel.empty() && rel[0] == '/') return kNotCapable;
#if defined(LVM_HAVE_OPENAT2) && defined(SYS_openat2)
  if (use_openat2 && openat2_available()) {
    std::string p = rel.empty() ? std::string(".") : std::string(rel);
    int fd = sys_openat2(base_fd, p.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
      out = UniqueFd(fd);
      return kSuccess;
    }
    if (errno == EXDEV) return kNotCapable;  // would have left the directory
    if (errno != ENOSYS && errno != EPERM && errno != EAGAIN) return last_error();
    // Otherwise fall through to the portable walker.
  }
#else
  (void)use_openat2;
#endif
  return walk_beneath(base_fd, rel, out);
}

Errno resolve_path(int base_fd, std::string_view path, bool follow_final, bool use_openat2, ResolvedPath& out) {
  if (path.empty()) return kNoEnt;
  if (path[0] == '/') return kNotCapable;
  std::string p(path);
  bool trailing = false;
  for (int expansions = 0;;) {
    while (p.size() > 1 && p.back() == '/') {
      p.pop_back();
      trailing = true;
    }
    size_t slash = p.rfind('/');
    std::string parent = slash == std::string::npos ? std::string() : p.substr(0, slash);
    std::string last = slash == std::string::npos ? p : p.substr(slash + 1);
    out.trailing_slash = trailing;
    if (last == "." || last == "..") {
      // The target is a directory reached through the whole path.
      out.name = ".";
      return open_dir_beneath(base_fd, p, use_openat2, out.dir);
    }
    if (Errno e = open_dir_beneath(base_fd, parent, use_openat2, out.dir)) return e;
    out.name = last;
    if (!follow_final && !trailing) return kSuccess;
    std::string target;
    if (read_link(out.dir.get(), last.c_str(), target) < 0) return kSuccess;  // not a symlink (or absent)
    if (++expansions > kMaxSymlinkExpansions) return kLoop;
    if (target.empty()) return kNoEnt;
    if (target[0] == '/') return kNotCapable;
    p = parent.empty() ? target : parent + "/" + target;
  }
}

}  // namespace lvm::wasi
