#include "host-api/wasi/fd_table.h"

#include <sys/stat.h>
#include <unistd.h>

namespace lvm::wasi {

UniqueFd& UniqueFd::operator=(UniqueFd&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(o.fd_, -1);
  }
  return *this;
}

UniqueFd::~UniqueFd() {
  if (fd_ >= 0) ::close(fd_);
}

FdEntry::~FdEntry() {
  if (owned && host_fd >= 0) ::close(host_fd);
}

Filetype filetype_from_mode(unsigned mode) {
  switch (mode & S_IFMT) {
    case S_IFBLK: return kFiletypeBlockDevice;
    case S_IFCHR: return kFiletypeCharacterDevice;
    case S_IFDIR: return kFiletypeDirectory;
    case S_IFREG: return kFiletypeRegularFile;
    case S_IFSOCK: return kFiletypeSocketStream;
    case S_IFLNK: return kFiletypeSymbolicLink;
    default: return kFiletypeUnknown;  // FIFOs too, as wasmtime reports them
  }
}

std::shared_ptr<FdEntry> FdEntry::wrap(int host_fd, bool owned) {
  auto e = std::make_shared<FdEntry>();
  e->host_fd = host_fd;
  e->owned = owned;
  struct stat st;
  if (::fstat(host_fd, &st) == 0) e->type = filetype_from_mode(st.st_mode);
  if (e->type == kFiletypeDirectory) {
    e->rights_base = kRightsDirectory;
    e->rights_inheriting = kRightsAll;
  } else {
    e->rights_base = kRightsFile;
    e->rights_inheriting = 0;
  }
  return e;
}

std::shared_ptr<FdEntry> FdTable::get(uint32_t fd) const {
  std::lock_guard lock(mu_);
  return fd < slots_.size() ? slots_[fd] : nullptr;
}

std::optional<uint32_t> FdTable::insert(std::shared_ptr<FdEntry> entry) {
  std::lock_guard lock(mu_);
  for (uint32_t i = 0; i < slots_.size(); ++i) {
    if (!slots_[i]) {
      slots_[i] = std::move(entry);
      return i;
    }
  }
  if (slots_.size() >= kMaxFds) return std::nullopt;
  slots_.push_back(std::move(entry));
  return uint32_t(slots_.size() - 1);
}

void FdTable::insert_at(uint32_t fd, std::shared_ptr<FdEntry> entry) {
  std::lock_guard lock(mu_);
  if (slots_.size() <= fd) slots_.resize(size_t(fd) + 1);
  slots_[fd] = std::move(entry);
}

std::shared_ptr<FdEntry> FdTable::remove(uint32_t fd) {
  std::shared_ptr<FdEntry> out;
  std::lock_guard lock(mu_);
  if (fd < slots_.size()) {
    out = std::move(slots_[fd]);
    slots_[fd] = nullptr;
    while (!slots_.empty() && !slots_.back()) slots_.pop_back();
  }
  return out;
}

Errno FdTable::renumber(uint32_t from, uint32_t to) {
  std::shared_ptr<FdEntry> old;  // destroyed (closed) after the lock is released
  std::lock_guard lock(mu_);
  if (from >= slots_.size() || !slots_[from] || to >= slots_.size() || !slots_[to]) return kBadf;
  if (from == to) return kSuccess;
  old = std::move(slots_[to]);
  slots_[to] = std::move(slots_[from]);
  slots_[from] = nullptr;
  while (!slots_.empty() && !slots_.back()) slots_.pop_back();
  return kSuccess;
}

}  // namespace lvm::wasi
