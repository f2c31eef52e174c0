// Decode-only scanning of function code (spec 5.4): the binary format of the
// instructions, without typing them. Used after a validation error, so that
// a module that is also malformed further on is reported as malformed, as
// if it had been decoded completely before validation (spec 5 precedes 3).
#include <string>
#include <vector>

#include "loader/decoder.h"
#include "loader/opcodes.h"

namespace lvm {

namespace {

bool is_valtype_byte(uint8_t b) {
  return b == 0x7F || b == 0x7E || b == 0x7D || b == 0x7C || b == 0x7B || b == 0x70 || b == 0x6F;
}

class Scanner {
 public:
  Scanner(Reader& r, const Features& features, const LoaderLimits& limits)
      : r_(r), features_(features), limits_(limits) {}

  void run() {
    std::vector<Opcode> open = {Opcode::Block};  // the body's implicit block
    while (r_.ok()) {
      if (r_.at_end()) {
        r_.malformed("END opcode expected", "the function body ends inside a block");
        return;
      }
      at_ = r_.offset();
      std::optional<Opcode> op = read_opcode();
      if (!op) return;
      switch (*op) {
        case Opcode::Block: case Opcode::Loop: case Opcode::If: case Opcode::Try:
          open.push_back(*op);
          break;
        case Opcode::Else:
          if (open.size() == 1 || open.back() != Opcode::If) {
            r_.fail(ErrorKind::Malformed, at_, "else without a matching if");
            return;
          }
          open.back() = Opcode::Else;
          break;
        case Opcode::End:
          open.pop_back();
          if (open.empty()) {
            if (!r_.at_end())
              r_.malformed("section size mismatch", "operators remain after the end of the function");
            return;
          }
          break;
        default:
          break;
      }
      if (!immediates(op_info(*op).imm)) return;
    }
  }

 private:
  // The next opcode; nullopt on a malformed encoding, or on one this scanner
  // cannot follow (a disabled proposal), where it stops without an error.
  std::optional<Opcode> read_opcode() {
    uint8_t b = r_.u8();
    uint16_t code = kNoOpcode;
    if (b < 0xFC || b == 0xFF) {
      code = kDecodeOneByte[b];
    } else {
      uint32_t sub = r_.u32();
      if (!r_.ok()) return std::nullopt;
      // Atomics (threads) and relaxed SIMD are not decoded here.
      if (b == 0xFE || is_relaxed_simd(b, sub)) return std::nullopt;
      if (b == 0xFC && sub < kDecodeFC.size()) code = kDecodeFC[sub];
      if (b == 0xFD && sub < kDecodeFD.size()) code = kDecodeFD[sub];
    }
    if (!r_.ok()) return std::nullopt;
    if (code == kNoOpcode) {
      r_.fail(ErrorKind::Malformed, at_, "illegal opcode", "0x" + to_hex(b));
      return std::nullopt;
    }
    if (!features_.has(op_info(Opcode(code)).feature)) return std::nullopt;
    return Opcode(code);
  }

  bool zero_byte() {
    uint8_t b = r_.u8();
    if (b != 0 && r_.ok() && !features_.has(Feature::MultiMemory))
      return r_.fail(ErrorKind::Malformed, at_, "zero byte expected");
    return r_.ok();
  }

  bool memarg() {
    uint32_t align = r_.u32();
    if (align & 0x40) {
      if (!features_.has(Feature::MultiMemory)) return false;
      r_.u32();
    }
    r_.u32();
    return r_.ok();
  }

  bool block_type() {
    uint8_t b = r_.peek_u8();
    if (b == 0x40 || is_valtype_byte(b)) {
      r_.u8();
      return r_.ok();
    }
    int64_t idx = r_.s33();
    if (r_.ok() && idx < 0) return r_.fail(ErrorKind::Malformed, at_, "malformed block type");
    return r_.ok();
  }

  bool immediates(ImmKind imm) {
    switch (imm) {
      case ImmKind::None: return true;
      case ImmKind::Block: return block_type();
      case ImmKind::Label: case ImmKind::Func: case ImmKind::Local: case ImmKind::Global:
      case ImmKind::Table: case ImmKind::Tag: case ImmKind::Data: case ImmKind::Elem:
        r_.u32();
        return r_.ok();
      case ImmKind::BrTable: {
        uint32_t n = r_.count("br_table target", 1);
        if (r_.ok() && n > limits_.max_br_table_size)
          return r_.fail(ErrorKind::Malformed, at_, "br_table has too many targets", std::to_string(n));
        for (uint32_t i = 0; i <= n && r_.ok(); ++i) r_.u32();
        return r_.ok();
      }
      case ImmKind::CallIndirect:
        r_.u32();
        if (features_.has(Feature::ReferenceTypes)) {
          r_.u32();
          return r_.ok();
        }
        return zero_byte();
      case ImmKind::Memory: return zero_byte();
      case ImmKind::MemoryCopy: return zero_byte() && zero_byte();
      case ImmKind::MemoryInit: r_.u32(); return zero_byte();
      case ImmKind::TableInit: case ImmKind::TableCopy:
        r_.u32();
        r_.u32();
        return r_.ok();
      case ImmKind::Mem1: case ImmKind::Mem2: case ImmKind::Mem4: case ImmKind::Mem8: case ImmKind::Mem16:
        return memarg();
      case ImmKind::MemLane1: case ImmKind::MemLane2: case ImmKind::MemLane4: case ImmKind::MemLane8:
        if (!memarg()) return false;
        r_.u8();
        return r_.ok();
      case ImmKind::Lane2: case ImmKind::Lane4: case ImmKind::Lane8: case ImmKind::Lane16:
        r_.u8();
        return r_.ok();
      case ImmKind::I32: r_.s32(); return r_.ok();
      case ImmKind::I64: r_.s64(); return r_.ok();
      case ImmKind::F32: r_.skip(4); return r_.ok();
      case ImmKind::F64: r_.skip(8); return r_.ok();
      case ImmKind::V128: case ImmKind::Shuffle: r_.skip(16); return r_.ok();
      case ImmKind::SelectT: {
        uint32_t n = r_.count("select type", 1);
        for (uint32_t i = 0; i < n && r_.ok(); ++i) {
          uint8_t b = r_.u8();
          if (r_.ok() && !is_valtype_byte(b))
            return r_.fail(ErrorKind::Malformed, at_, "malformed value type", "byte 0x" + to_hex(b));
        }
        return r_.ok();
      }
      case ImmKind::RefNull: {
        uint8_t b = r_.u8();
        if (r_.ok() && b != 0x70 && b != 0x6F)
          return r_.fail(ErrorKind::Malformed, at_, "malformed reference type", "byte 0x" + to_hex(b));
        return r_.ok();
      }
    }
    return false;
  }

  Reader& r_;
  const Features& features_;
  const LoaderLimits& limits_;
  size_t at_ = 0;
};

}  // namespace

void scan_instructions(Reader& r, const Features& features, const LoaderLimits& limits) {
  Scanner(r, features, limits).run();
}

}  // namespace lvm
