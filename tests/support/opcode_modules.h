// Test support: a module for each table-driven instruction of the opcode
// table (loader/opcodes.def): one function `(params) -> (results)` that
// pushes its params, runs the instruction and ends, in a module with a
// memory, a passive element segment and a passive data segment.
#pragma once

#include "loader/opcodes.h"
#include "tests/support/wasm_builder.h"

namespace lvm::test {

// Immediates that make the instruction valid in a module with one memory.
inline Bytes valid_immediates(const OpInfo& info) {
  auto memarg = [](unsigned bytes) {
    unsigned log = 0;
    while ((1u << log) < bytes) ++log;
    return cat({leb(log), leb(0)});
  };
  switch (info.imm) {
    case ImmKind::None: return {};
    case ImmKind::Mem1: return memarg(1);
    case ImmKind::Mem2: return memarg(2);
    case ImmKind::Mem4: return memarg(4);
    case ImmKind::Mem8: return memarg(8);
    case ImmKind::Mem16: return memarg(16);
    case ImmKind::MemLane1: return cat({memarg(1), {15}});
    case ImmKind::MemLane2: return cat({memarg(2), {7}});
    case ImmKind::MemLane4: return cat({memarg(4), {3}});
    case ImmKind::MemLane8: return cat({memarg(8), {1}});
    case ImmKind::Lane2: return {1};
    case ImmKind::Lane4: return {3};
    case ImmKind::Lane8: return {7};
    case ImmKind::Lane16: return {15};
    case ImmKind::I32: return sleb(-7);
    case ImmKind::I64: return sleb(-7);
    case ImmKind::F32: return Bytes(4, 0);
    case ImmKind::F64: return Bytes(8, 0);
    case ImmKind::V128: return Bytes(16, 0);
    case ImmKind::Shuffle: return Bytes(16, 31);
    case ImmKind::Memory: return {0};
    case ImmKind::MemoryCopy: return {0, 0};
    case ImmKind::MemoryInit: return {0, 0};
    case ImmKind::Data: return {0};
    case ImmKind::Elem: return {0};
    default: return {};
  }
}

// The module for table-driven instruction `info` (not `special`).
inline Bytes table_driven_module(const OpInfo& info) {
  Bytes params, results;
  for (unsigned k = 0; k < info.sig.nparams; ++k) params.push_back(uint8_t(info.sig.params[k]));
  for (unsigned k = 0; k < info.sig.nresults; ++k) results.push_back(uint8_t(info.sig.results[k]));
  Bytes type = functype(params, results);
  Bytes code;
  for (size_t p = 0; p < params.size(); ++p) code = cat({code, {0x20}, leb(p)});
  Bytes op;
  if (info.prefix) op = cat({{info.prefix}, leb(info.code)});
  else op = {uint8_t(info.code)};
  code = cat({code, op, valid_immediates(info), {0x0B}});
  return module({section(1, vec({type})), section(3, vec({leb(0)})),
                 section(5, vec({{0x00, 0x01}})),         // memory 1
                 section(9, vec({{0x01, 0x00, 0x00}})),   // passive elem segment, funcref, empty
                 section(12, leb(1)),                     // data count: 1
                 section(10, vec({body(code)})),
                 section(11, vec({{0x01, 0x00}}))});      // one passive empty data segment
}

}  // namespace lvm::test
