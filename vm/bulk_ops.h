// Bulk memory and table instructions (spec 4.4.6 table instructions, 4.4.7
// memory instructions), defined once: the interpreter's handlers and the
// JIT's runtime helpers both call these, so bounds, the order of checks and
// the dirty marking (vm/memory.h) cannot drift apart. Operands are the
// instruction's i32 values; each returns the trap it raises, or None.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "vm/instance.h"
#include "vm/memory.h"
#include "vm/trap.h"

namespace lvm::bulk {

// The reference an element-segment item evaluates to (spec 4.4.10).
inline void* element_ref(const Instance& inst, const ConstExpr& e) {
  switch (e.kind) {
    case ConstExpr::Kind::RefFunc: return const_cast<FuncInst*>(inst.funcs[e.index]);
    case ConstExpr::Kind::GlobalGet: return reinterpret_cast<void*>(uintptr_t(inst.globals[e.index]->value[0]));
    default: return nullptr;
  }
}

// memory.init of data segment `seg` into memory `m`.
inline Trap memory_init(Instance& inst, LinearMemory& m, uint32_t seg, uint64_t d, uint64_t s, uint64_t n) {
  const DataSegment& data = inst.module().data[seg];
  const uint64_t size = inst.dropped_data[seg] ? 0 : data.bytes.size;
  if (s + n > size || d + n > m.size()) return Trap::MemoryOutOfBounds;
  if (n) {
    m.mark_dirty(d, n);
    std::memcpy(m.base() + d, inst.module().data_ptr(data.bytes) + s, n);
  }
  return Trap::None;
}

inline Trap memory_copy(LinearMemory& m, uint64_t d, uint64_t s, uint64_t n) {
  if (s + n > m.size() || d + n > m.size()) return Trap::MemoryOutOfBounds;
  if (n) {
    m.mark_dirty(d, n);
    std::memmove(m.base() + d, m.base() + s, n);
  }
  return Trap::None;
}

inline Trap memory_fill(LinearMemory& m, uint64_t d, uint8_t v, uint64_t n) {
  if (d + n > m.size()) return Trap::MemoryOutOfBounds;
  if (n) {
    m.mark_dirty(d, n);
    std::memset(m.base() + d, v, n);
  }
  return Trap::None;
}

inline Trap table_fill(TableInst& t, uint64_t i, void* ref, uint64_t n) {
  if (i + n > t.size()) return Trap::TableOutOfBounds;
  std::fill_n(t.elems.begin() + i, n, ref);
  return Trap::None;
}

inline Trap table_copy(TableInst& dst, const TableInst& src, uint64_t d, uint64_t s, uint64_t n) {
  if (s + n > src.size() || d + n > dst.size()) return Trap::TableOutOfBounds;
  if (n) std::memmove(dst.elems.data() + d, src.elems.data() + s, n * sizeof(void*));
  return Trap::None;
}

// table.init of element segment `seg` of `inst` into table `t`.
inline Trap table_init(Instance& inst, TableInst& t, uint32_t seg, uint64_t d, uint64_t s, uint64_t n) {
  const ElementSegment& elems = inst.module().elements[seg];
  const uint64_t size = inst.dropped_elems[seg] ? 0 : elems.items.size();
  if (s + n > size || d + n > t.size()) return Trap::TableOutOfBounds;
  for (uint64_t k = 0; k < n; ++k) t.elems[d + k] = element_ref(inst, elems.items[s + k]);
  return Trap::None;
}

}  // namespace lvm::bulk
