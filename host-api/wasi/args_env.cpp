// Command-line arguments and environment: args_*, environ_*.
#include <cstring>

#include "host-api/wasi/internal.h"

namespace lvm::wasi {

namespace {

// Total bytes of the strings with their NUL terminators.
uint64_t buffer_size(const std::vector<std::string>& list) {
  uint64_t n = 0;
  for (const std::string& s : list) n += s.size() + 1;
  return n;
}

// *_sizes_get(*count, *buf_size)
Errno sizes_get(const std::vector<std::string>& list, HostCall& call) {
  uint32_t count_ptr = call.u32(0), size_ptr = call.u32(1);
  if (!call.check(count_ptr, 4) || !call.check(size_ptr, 4)) return kFault;
  call.store<uint32_t>(count_ptr, uint32_t(list.size()));
  call.store<uint32_t>(size_ptr, uint32_t(buffer_size(list)));
  return kSuccess;
}

// *_get(**ptrs, *buf): the pointer array then the NUL-terminated strings.
Errno strings_get(const std::vector<std::string>& list, HostCall& call) {
  uint32_t ptrs = call.u32(0), buf = call.u32(1);
  uint8_t* ptr_bytes = call.ptr(ptrs, uint64_t(list.size()) * 4);
  uint8_t* buf_bytes = call.ptr(buf, buffer_size(list));
  if (!ptr_bytes || !buf_bytes) return kFault;
  uint32_t off = 0;
  for (size_t i = 0; i < list.size(); ++i) {
    uint32_t addr = buf + off;
    std::memcpy(ptr_bytes + i * 4, &addr, 4);
    std::memcpy(buf_bytes + off, list[i].c_str(), list[i].size() + 1);
    off += uint32_t(list[i].size() + 1);
  }
  return kSuccess;
}

Errno args_sizes_get(WasiContext& ctx, HostCall& call) { return sizes_get(ctx.config().args, call); }
Errno args_get(WasiContext& ctx, HostCall& call) { return strings_get(ctx.config().args, call); }
Errno environ_sizes_get(WasiContext& ctx, HostCall& call) { return sizes_get(ctx.config().env, call); }
Errno environ_get(WasiContext& ctx, HostCall& call) { return strings_get(ctx.config().env, call); }

}  // namespace

void register_args_env(Registry& r) {
  r.add("args_get", "ii", args_get);
  r.add("args_sizes_get", "ii", args_sizes_get);
  r.add("environ_get", "ii", environ_get);
  r.add("environ_sizes_get", "ii", environ_sizes_get);
}

}  // namespace lvm::wasi
