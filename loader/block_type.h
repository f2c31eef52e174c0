// Reading a block type (spec 5.4.1) from validated code, for the tiers
// that walk it (interpreter translator, JIT).
#pragma once

#include <span>

#include "loader/code_cursor.h"
#include "loader/module.h"

namespace lvm {

// Reads the block type at `c` into its params and results.
inline void read_block_type(const Module& m, CodeCursor& c, std::span<const ValType>& params,
                            std::span<const ValType>& results) {
  const uint8_t b = *c.p;
  params = {};
  if (b == 0x40) {
    ++c.p;
    results = {};
  } else if (b >= 0x6F && b <= 0x7F) {
    ++c.p;
    results = single_type(ValType(b));
  } else {
    const FuncType& t = m.types[uint32_t(c.sleb())];
    params = t.params();
    results = t.results();
  }
}

}  // namespace lvm
