#include "vm/runtime.h"

#include <algorithm>
#include <map>
#include <mutex>

namespace lvm {

uint32_t intern_func_type(const FuncType& t) {
  static std::mutex mu;
  static std::map<std::pair<std::vector<ValType>, std::vector<ValType>>, uint32_t> ids;
  std::vector<ValType> p(t.params().begin(), t.params().end()), r(t.results().begin(), t.results().end());
  std::lock_guard<std::mutex> lock(mu);
  auto [it, inserted] = ids.try_emplace({std::move(p), std::move(r)}, uint32_t(ids.size()));
  return it->second;
}

void FuncInst::set_host(const HostFunction& h) {
  type = &h.type;
  type_id = intern_func_type(h.type);
  host = &h;
  // In 64-bit slots (a v128 takes two), as arguments and results travel.
  auto slots = [](std::span<const ValType> ts) {
    size_t n = 0;
    for (ValType t : ts) n += t == ValType::V128 ? 2 : 1;
    return uint16_t(n);
  };
  host_params = slots(h.type.params());
  host_results = slots(h.type.results());
  host_frame_slots = uint32_t(std::max(host_params, host_results)) + 2;
  host_direct = h.direct;
}

int64_t TableInst::grow(uint32_t delta, void* init) {
  uint64_t old = elems.size();
  uint64_t limit = max ? *max : 0xFFFFFFFFu;
  limit = std::min<uint64_t>(limit, 10'000'000);  // engine limit, as LoaderLimits::max_table_size
  if (old + delta > limit) return -1;
  elems.resize(old + delta, init);
  return int64_t(old);
}

}  // namespace lvm
