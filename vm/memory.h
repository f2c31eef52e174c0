// Linear memory (spec 4.2.8) allocated by the engine itself: one virtual
// reservation large enough that every 32-bit address plus a 32-bit static
// offset lands either in accessible pages or in an inaccessible guard region
// (brief section 2). Pages are committed as the memory grows; the base
// address never moves, so compiled code may keep it in a register.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

#include "loader/types.h"

namespace lvm {

class LinearMemory {
 public:
  // Reserves address space and commits `initial_pages`. Returns nullptr if
  // the reservation fails (address space exhausted).
  static std::unique_ptr<LinearMemory> create(uint64_t initial_pages, std::optional<uint64_t> max_pages,
                                              uint64_t limit_pages = kMaxMemoryPages);
  ~LinearMemory();
  LinearMemory(const LinearMemory&) = delete;
  LinearMemory& operator=(const LinearMemory&) = delete;

  uint8_t* base() const { return base_; }
  uint64_t size() const { return size_; }  // in bytes
  uint64_t pages() const { return size_ / kPageSize; }
  std::optional<uint64_t> max_pages() const { return max_pages_; }

  // memory.grow (spec 4.4.7.12): returns the old size in pages, or -1 if the
  // result would exceed the maximum, the engine limit or available memory.
  int64_t grow(uint64_t delta_pages);

  // True if [addr, addr + len) is inside the memory.
  bool in_bounds(uint64_t addr, uint64_t len) const { return addr <= size_ && len <= size_ - addr; }

  // Size of the virtual reservation (accessible pages plus guard).
  static constexpr uint64_t kReservation = uint64_t(8) << 30;  // 4 GiB + 4 GiB of guard

 private:
  LinearMemory() = default;
  uint8_t* base_ = nullptr;
  uint64_t size_ = 0;
  uint64_t reserved_ = 0;
  std::optional<uint64_t> max_pages_;
  uint64_t limit_pages_ = kMaxMemoryPages;
};

}  // namespace lvm
