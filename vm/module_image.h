// What every process of a module starts from (brief section 1): the module
// linked once against its (host) function imports, the initial values of its
// globals, its tables after the active element segments, and its memory's
// bytes after the active data segments. Spawning copies this into a fresh
// instance whose memory comes from the MemoryPool (or, for an image of at
// least kCopyOnWriteBytes, maps it copy-on-write from a memfd holding it, so
// a process pays only for the pages it writes); the code, the function
// instances and the interpreter's translations are shared. Nothing of a
// running process reaches the image, so a child never sees its parent's
// heap or mutated statics.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

#include "vm/instance.h"

namespace lvm {

class ModuleImage : public std::enable_shared_from_this<ModuleImage> {
 public:
  // Links `module` (it may import functions only: processes share no
  // memory, table or global) and evaluates its segments. The start
  // function does not run here: each instance runs it (run_start()).
  static std::variant<std::shared_ptr<const ModuleImage>, InstantiateError> build(
      std::shared_ptr<const Module> module, const ImportResolver& imports);

  // A fresh instance in the image's initial state, its memory capped at
  // config.max_memory_pages. Fails (Link kind) only when no memory slot is
  // available.
  std::variant<std::unique_ptr<Instance>, InstantiateError> instantiate(const InstanceConfig& config) const;

  // Takes back an instance made by instantiate() (its process ended) and
  // keeps it, reset to the initial state, for the next instantiate(): the
  // pages its memory wrote are restored from the image (no system call, no
  // allocation). An instance whose memory grew is freed instead.
  void recycle(std::unique_ptr<Instance> inst) const;

  const Module& module() const { return template_->module(); }
  const std::shared_ptr<const Module>& module_ptr() const { return template_->module_ptr(); }
  // Bytes of initial memory each instance starts with (the span the active
  // data segments cover).
  size_t data_bytes() const { return data_.size(); }
  // True if instances map those bytes copy-on-write instead of copying them.
  bool copy_on_write() const { return cow_fd_ >= 0; }

  // Images at least this large are mapped copy-on-write: below it, copying
  // is cheaper than the mapping and a page fault per page touched.
  static constexpr size_t kCopyOnWriteBytes = size_t(1) << 20;

  ~ModuleImage();

 private:
  ModuleImage() = default;
  std::unique_ptr<Instance> template_;  // initial globals and tables, shared FuncInsts; no memory
  bool has_memory_ = false;
  uint64_t data_offset_ = 0;
  std::vector<uint8_t> data_;
  uint64_t initial_pages_ = 0;
  // Where a memory's base sits in its small slot (MemoryPool::acquire):
  // 0, or what makes the data's span touch one page fewer.
  uint64_t data_placement_ = 0;
  // The image's pages ([cow_at_, cow_at_ + cow_len_) of memory, host-page
  // aligned) in a memfd, when copy_on_write().
  int cow_fd_ = -1;
  uint64_t cow_at_ = 0, cow_len_ = 0;
  void make_copy_on_write(const uint8_t* memory);
  static constexpr size_t kMaxCached = 4096;
  mutable std::mutex cache_mu_;
  mutable std::vector<std::unique_ptr<Instance>> cache_;  // reset instances, ready to reuse
};

}  // namespace lvm
