// The WASI file-descriptor table: guest fd numbers (u32) mapped to host file
// descriptors plus what preview1 tracks about each (file type, rights,
// preopen name, directory-listing state). Thread-safe: entries are shared
// pointers, so an operation in flight keeps its descriptor alive even if
// another thread closes the guest fd meanwhile.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "host-api/wasi/abi.h"
#include "host-api/wasi/errno.h"

namespace lvm::wasi {

// Owns one host file descriptor; closes it on destruction.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept;
  ~UniqueFd();
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }
  explicit operator bool() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

// One entry of a directory listing as fd_readdir reports it.
struct CachedDirent {
  uint64_t ino = 0;
  Filetype type = kFiletypeUnknown;
  std::string name;
};

// An open guest file descriptor.
struct FdEntry {
  int host_fd = -1;
  bool owned = true;  // false for stdio descriptors borrowed from the embedder
  Filetype type = kFiletypeUnknown;
  // The preview1 rights (witx `rights`): every operation on the descriptor
  // needs its right in `rights_base` (else ENOTCAPABLE); `rights_inheriting`
  // bounds the rights of descriptors path_open makes beneath it. Only
  // fd_fdstat_set_rights changes them, and only by removing rights.
  // Atomic: the entry may be shared.
  std::atomic<uint64_t> rights_base{0};
  std::atomic<uint64_t> rights_inheriting{0};
  std::optional<std::string> preopen;  // the guest-visible name of a preopened directory

  // fd_readdir state: the listing taken when a read started at cookie 0.
  std::mutex dir_mu;
  std::vector<CachedDirent> dir_cache;
  bool dir_cached = false;

  // True when the base rights include every right in `rights`.
  bool has_rights(uint64_t rights) const { return (rights_base.load(std::memory_order_relaxed) & rights) == rights; }

  FdEntry() = default;
  FdEntry(const FdEntry&) = delete;
  FdEntry& operator=(const FdEntry&) = delete;
  ~FdEntry();

  // An entry for host_fd (taking ownership if `owned`), its type from fstat
  // and its rights the full set for that type.
  static std::shared_ptr<FdEntry> wrap(int host_fd, bool owned);
};

// The WASI file type of a host st_mode.
Filetype filetype_from_mode(unsigned mode);

// The table itself.
class FdTable {
 public:
  // Guest fd numbers above this are refused (EMFILE), as a resource limit.
  static constexpr uint32_t kMaxFds = 1u << 16;

  // The entry for `fd`, or nullptr (EBADF) if it is not open.
  std::shared_ptr<FdEntry> get(uint32_t fd) const;
  // Places an entry at the lowest free number; nullopt when the table is full.
  std::optional<uint32_t> insert(std::shared_ptr<FdEntry> entry);
  // Places an entry at exactly `fd` (used to set up stdio and preopens).
  void insert_at(uint32_t fd, std::shared_ptr<FdEntry> entry);
  // Removes `fd` and returns its entry (nullptr if it was not open).
  std::shared_ptr<FdEntry> remove(uint32_t fd);
  // fd_renumber: moves `from` onto `to`, closing what `to` held. Both must be open.
  Errno renumber(uint32_t from, uint32_t to);

 private:
  mutable std::mutex mu_;
  std::vector<std::shared_ptr<FdEntry>> slots_;
};

}  // namespace lvm::wasi
