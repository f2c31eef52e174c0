// Unchecked reading of validated function code, for the tiers that consume
// a Module after validation (interpreter translator, JIT). Validation
// guarantees every read is in bounds and well formed, so nothing here
// checks; never use it on code that has not been validated.
#pragma once

#include <cstdint>
#include <cstring>

#include "loader/opcodes.h"

namespace lvm {

struct CodeCursor {
  const uint8_t* p;

  uint8_t u8() { return *p++; }
  uint32_t u32() {
    uint32_t r = 0;
    unsigned s = 0;
    uint8_t b;
    do {
      b = *p++;
      r |= uint32_t(b & 0x7F) << s;
      s += 7;
    } while (b & 0x80);
    return r;
  }
  // A signed LEB128 of up to 64 bits (also s33 block types).
  int64_t sleb() {
    uint64_t r = 0;
    unsigned s = 0;
    uint8_t b;
    do {
      b = *p++;
      if (s < 64) r |= uint64_t(b & 0x7F) << s;
      s += 7;
    } while (b & 0x80);
    if (s < 64 && (b & 0x40)) r |= ~uint64_t(0) << s;
    return int64_t(r);
  }
  uint32_t fixed32() { uint32_t v; std::memcpy(&v, p, 4); p += 4; return v; }
  uint64_t fixed64() { uint64_t v; std::memcpy(&v, p, 8); p += 8; return v; }

  // Reads the next opcode (with its prefix, if any).
  Opcode opcode() {
    uint8_t b = u8();
    if (b == 0xFC) return Opcode(kDecodeFC[u32()]);
    if (b == 0xFD) return Opcode(kDecodeFD[u32()]);
    return Opcode(kDecodeOneByte[b]);
  }

  // Skips the immediates of an instruction of this kind.
  void skip(ImmKind k) {
    switch (k) {
      case ImmKind::None: return;
      case ImmKind::Block: sleb(); return;
      case ImmKind::Label: case ImmKind::Func: case ImmKind::Local: case ImmKind::Global:
      case ImmKind::Table: case ImmKind::Tag: case ImmKind::Data: case ImmKind::Elem:
        u32();
        return;
      case ImmKind::BrTable: {
        uint32_t n = u32();
        for (uint32_t i = 0; i <= n; ++i) u32();
        return;
      }
      case ImmKind::CallIndirect: case ImmKind::TableInit: case ImmKind::TableCopy:
        u32();
        u32();
        return;
      case ImmKind::Memory: p += 1; return;
      case ImmKind::MemoryCopy: p += 2; return;
      case ImmKind::MemoryInit: u32(); p += 1; return;
      case ImmKind::Mem1: case ImmKind::Mem2: case ImmKind::Mem4: case ImmKind::Mem8: case ImmKind::Mem16:
        u32();
        u32();
        return;
      case ImmKind::MemLane1: case ImmKind::MemLane2: case ImmKind::MemLane4: case ImmKind::MemLane8:
        u32();
        u32();
        p += 1;
        return;
      case ImmKind::I32: case ImmKind::I64: sleb(); return;
      case ImmKind::F32: p += 4; return;
      case ImmKind::F64: p += 8; return;
      case ImmKind::V128: case ImmKind::Shuffle: p += 16; return;
      case ImmKind::SelectT: { uint32_t n = u32(); p += n; return; }
      case ImmKind::RefNull: p += 1; return;
      case ImmKind::Lane2: case ImmKind::Lane4: case ImmKind::Lane8: case ImmKind::Lane16: p += 1; return;
    }
  }
};

}  // namespace lvm
