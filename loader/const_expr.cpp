// Constant expressions (spec 3.3.10 validation, 5.4.9 encoding): the
// initializers of globals and the offsets and items of segments.
#include <cstring>
#include <string>

#include "loader/decoder.h"
#include "loader/opcodes.h"

namespace lvm {

ConstExpr ModuleDecoder::read_const_expr(Reader& r, ValType expected, uint32_t num_globals) {
  ConstExpr e;
  const size_t start = r.offset();
  e.range.offset = uint32_t(start);
  // WebAssembly 2.0 allows exactly one constant instruction before `end`;
  // count what is produced so `(i32.const 0) (i32.const 0)` and an empty
  // expression are both type mismatches, as the spec says.
  unsigned produced = 0;
  ValType produced_type = ValType::Bottom;
  for (;;) {
    size_t at = r.offset();
    uint8_t b = r.u8();
    if (!r.ok()) return e;
    if (b == 0x0B) break;  // end
    ++produced;
    switch (b) {
      case 0x41: e.kind = ConstExpr::Kind::I32; e.type = ValType::I32; e.bits[0] = uint32_t(r.s32()); break;
      case 0x42: e.kind = ConstExpr::Kind::I64; e.type = ValType::I64; e.bits[0] = uint64_t(r.s64()); break;
      case 0x43: e.kind = ConstExpr::Kind::F32; e.type = ValType::F32; e.bits[0] = r.fixed32(); break;
      case 0x44: e.kind = ConstExpr::Kind::F64; e.type = ValType::F64; e.bits[0] = r.fixed64(); break;
      case 0xD0:
        e.kind = ConstExpr::Kind::RefNull;
        e.type = read_reftype(r);
        break;
      case 0xD2: {
        e.kind = ConstExpr::Kind::RefFunc;
        e.type = ValType::FuncRef;
        size_t iat = r.offset();
        e.index = r.u32();
        if (r.ok() && e.index >= m_->functions.size()) {
          r.fail(ErrorKind::Invalid, iat, "unknown function " + std::to_string(e.index));
          return e;
        }
        declare_ref(e.index);
        break;
      }
      case 0x23: {
        e.kind = ConstExpr::Kind::GlobalGet;
        size_t iat = r.offset();
        e.index = r.u32();
        if (!r.ok()) return e;
        if (e.index >= num_globals) {
          r.fail(ErrorKind::Invalid, iat, "unknown global " + std::to_string(e.index),
                 "a constant expression may only read imported globals");
          return e;
        }
        const GlobalType& g = m_->globals[e.index].type;
        if (g.mutable_) {
          r.fail(ErrorKind::Invalid, at, "constant expression required",
                 "global.get of mutable global " + std::to_string(e.index));
          return e;
        }
        e.type = g.type;
        break;
      }
      case 0xFD: {
        uint32_t sub = r.u32();
        if (!r.ok()) return e;
        if (sub != 0x0C) {  // any other SIMD instruction is not constant
          bool known = sub < kDecodeFD.size() && kDecodeFD[sub] != kNoOpcode;
          if (known)
            r.fail(ErrorKind::Invalid, at, "constant expression required",
                   std::string(op_name(Opcode(kDecodeFD[sub]))) + " is not constant");
          else
            r.fail(ErrorKind::Malformed, at, "illegal opcode", "0xfd " + hex(sub));
          return e;
        }
        if (!feature_check(r, Feature::Simd, "v128.const")) return e;
        e.kind = ConstExpr::Kind::V128;
        e.type = ValType::V128;
        auto bytes = r.bytes(16);
        if (r.ok()) std::memcpy(e.bits, bytes.data(), 16);
        break;
      }
      case 0x6A: case 0x6B: case 0x6C:  // i32.add i32.sub i32.mul
      case 0x7C: case 0x7D: case 0x7E:  // i64.add i64.sub i64.mul
        // Constant in the extended-const proposal only.
        r.fail(ErrorKind::Unsupported, at,
               std::string(op_name(Opcode(kDecodeOneByte[b]))) +
                   (m_->features.has(Feature::ExtendedConst)
                        ? " in a constant expression is not supported by lvm yet"
                        : " in a constant expression requires the extended-const proposal, which is not enabled"));
        return e;
      default: {
        // A known instruction that is not constant is invalid; an unknown
        // byte is malformed.
        bool known = kDecodeOneByte[b] != kNoOpcode || b == 0xFC;
        if (known)
          r.fail(ErrorKind::Invalid, at, "constant expression required",
                 b == 0xFC ? std::string("prefixed instruction")
                           : std::string(op_name(Opcode(kDecodeOneByte[b]))) + " is not constant");
        else
          r.fail(ErrorKind::Malformed, at, "illegal opcode", "0x" + to_hex(b));
        return e;
      }
    }
    if (!r.ok()) return e;
    produced_type = e.type;
  }
  e.range.size = uint32_t(r.offset() - 1 - start);
  if (produced != 1 || produced_type != expected) {
    std::string found = produced == 0 ? "nothing" : produced == 1 ? valtype_name(produced_type)
                                                                  : std::to_string(produced) + " values";
    r.fail(ErrorKind::Invalid, start, "type mismatch in constant expression",
           std::string("expected ") + valtype_name(expected) + ", found " + found);
  }
  return e;
}

}  // namespace lvm
