#include "vm/module_image.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstring>

#include "vm/memory_pool.h"
#include "vm/populate.h"

namespace lvm {

std::variant<std::shared_ptr<const ModuleImage>, InstantiateError> ModuleImage::build(
    std::shared_ptr<const Module> module, const ImportResolver& imports) {
  for (const Import& imp : module->imports) {
    if (imp.kind == ExternKind::Func) continue;
    return InstantiateError{InstantiateError::Kind::Link, Trap::None,
                            "import \"" + imp.module + "\" \"" + imp.field + "\" is a " + extern_kind_name(imp.kind) +
                                ": a process module may import functions only (processes share nothing)",
                            nullptr};
  }
  if (module->memories.size() > 1)
    return InstantiateError{InstantiateError::Kind::Link, Trap::None,
                            "a process module may define one memory at most", nullptr};
  InstanceConfig config;
  config.run_start = false;
  config.contextual_functions = true;
  auto made = Instance::instantiate(module, imports, config);
  if (auto* err = std::get_if<InstantiateError>(&made)) {
    err->partial.reset();
    return std::move(*err);
  }
  std::shared_ptr<ModuleImage> image(new ModuleImage());
  image->template_ = std::move(std::get<std::unique_ptr<Instance>>(made));
  Instance& t = *image->template_;
  if (LinearMemory* mem = t.memory0()) {
    image->has_memory_ = true;
    image->initial_pages_ = module->memories[0].type.limits.min;
    // The span the active data segments wrote; everything else starts zero.
    uint64_t lo = UINT64_MAX, hi = 0;
    for (const DataSegment& seg : module->data) {
      if (seg.mode != DataSegment::Mode::Active || !seg.bytes.size) continue;
      const uint64_t start = uint32_t(seg.offset.kind == ConstExpr::Kind::GlobalGet
                                          ? t.globals[seg.offset.index]->value[0]
                                          : seg.offset.bits[0]);
      lo = std::min(lo, start);
      hi = std::max(hi, start + seg.bytes.size);
    }
    if (lo < hi) {
      image->data_offset_ = lo;
      image->data_.assign(mem->base() + lo, mem->base() + hi);
      if (image->data_.size() >= kCopyOnWriteBytes) image->make_copy_on_write(mem->base());
      // Unless the data is mapped from a file (which wants page-aligned
      // addresses), a memory's base may sit so that the data's first byte
      // starts a page (to 64 bytes), when that makes the span the copy
      // touches one page shorter: clang puts data at 1,024, so a span of
      // 3.2 KiB from there touches one page, not two.
      constexpr uint64_t kPage = 4096;
      const uint64_t off = ((kPage - lo % kPage) % kPage + 63) / 64 * 64 % kPage;
      auto pages = [&](uint64_t o) { return (o + hi - 1) / kPage - (o + lo) / kPage + 1; };
      if (image->cow_fd_ < 0 && pages(off) < pages(0)) image->data_placement_ = off;
    }
    t.memories.clear();  // the template keeps no memory of its own
  }
  return std::shared_ptr<const ModuleImage>(std::move(image));
}

ModuleImage::~ModuleImage() {
  if (cow_fd_ >= 0) close(cow_fd_);  // (memories mapping it keep the file alive)
}

void ModuleImage::make_copy_on_write(const uint8_t* memory) {
  const uint64_t page = uint64_t(sysconf(_SC_PAGESIZE));
  const uint64_t at = data_offset_ / page * page;
  const uint64_t end = (data_offset_ + data_.size() + page - 1) / page * page;  // inside the initial memory
  const int fd = memfd_create("lvm-image", MFD_CLOEXEC);
  if (fd < 0) return;  // copies instead
  bool ok = ftruncate(fd, off_t(end - at)) == 0;
  for (uint64_t done = 0; ok && done < end - at;) {
    const ssize_t n = pwrite(fd, memory + at + done, end - at - done, off_t(done));
    ok = n > 0;
    done += ok ? uint64_t(n) : 0;
  }
  if (!ok) {
    close(fd);
    return;
  }
  cow_fd_ = fd;
  cow_at_ = at;
  cow_len_ = end - at;
}

void ModuleImage::recycle(std::unique_ptr<Instance> in) const {
  const Instance& t = *template_;
  if (has_memory_) {
    LinearMemory* m = in->memory0();
    if (!m || !m->restore(data_.data(), data_offset_, data_.size(), initial_pages_)) return;
  }
  for (size_t i = 0; i < t.tables.size(); ++i) {
    TableInst& table = *in->tables[i];
    table.elems.assign(t.tables[i]->elems.begin(), t.tables[i]->elems.end());
  }
  for (size_t i = 0; i < t.globals.size(); ++i) {
    in->globals[i]->value[0] = t.globals[i]->value[0];
    in->globals[i]->value[1] = t.globals[i]->value[1];
  }
  in->dropped_elems = t.dropped_elems;
  in->dropped_data = t.dropped_data;
  in->trap_message.clear();
  in->exit_code = 0;
  in->process = nullptr;
  in->image_.reset();  // a cached instance must not keep its image alive
  std::lock_guard lock(cache_mu_);
  if (cache_.size() < kMaxCached) cache_.push_back(std::move(in));
}

std::variant<std::unique_ptr<Instance>, InstantiateError> ModuleImage::instantiate(const InstanceConfig& config) const {
  const Instance& t = *template_;
  {
    std::unique_lock lock(cache_mu_);
    if (!cache_.empty()) {
      std::unique_ptr<Instance> in = std::move(cache_.back());
      cache_.pop_back();
      lock.unlock();
      LinearMemory* m = in->memory0();
      if (!m || m->configured_limit_pages() == config.max_memory_pages) {
        in->image_ = shared_from_this();
        return in;
      }
    }
  }
  std::unique_ptr<Instance> in(new Instance());
  in->module_ = t.module_;
  in->funcs.share(t.funcs);
  in->tables.reserve(t.tables.size());
  for (const auto& table : t.tables) in->tables.push_back(std::make_shared<TableInst>(*table));
  in->globals.reserve(t.globals.size());
  for (const auto& g : t.globals) in->globals.push_back(std::make_shared<GlobalInst>(*g));
  if (has_memory_) {
    const Limits& l = module().memories[0].type.limits;
    auto mem = MemoryPool::global().acquire(l.min, l.max, config.max_memory_pages, data_placement_);
    if (!mem)
      return InstantiateError{InstantiateError::Kind::Link, Trap::None,
                              l.min > config.max_memory_pages
                                  ? "memory needs " + std::to_string(l.min) + " pages, more than the limit of " +
                                        std::to_string(config.max_memory_pages)
                                  : std::string("no address space left for another memory"),
                              nullptr};
    if (!data_.empty() && !(cow_fd_ >= 0 && mem->map_copy_on_write(cow_fd_, 0, cow_at_, cow_len_))) {
      // One system call for the pages the copy writes, not a fault each
      // (vm/populate.h).
      populate_write(mem->base() + data_offset_, data_.size());
      std::memcpy(mem->base() + data_offset_, data_.data(), data_.size());
    }
    in->memories.push_back(std::move(mem));
  }
  in->dropped_elems = t.dropped_elems;
  in->dropped_data = t.dropped_data;
  in->code_owner_ = t.code_owner_;
  in->code = t.code;
  in->image_ = shared_from_this();
  return in;
}

}  // namespace lvm
