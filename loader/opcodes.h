// Opcodes generated from opcodes.def: the Opcode enum, each instruction's
// text name, encoding, immediate kind, operand signature and feature.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "loader/features.h"
#include "loader/types.h"

namespace lvm {

// Every WebAssembly instruction lvm knows (spec 5.4), in table order.
enum class Opcode : uint16_t {
#define LVM_OP(name, text, prefix, code, imm, sig, feature) name,
#include "loader/opcodes.def"
#undef LVM_OP
};

// Number of entries in the opcode table.
inline constexpr size_t kOpcodeCount = 0
#define LVM_OP(name, text, prefix, code, imm, sig, feature) +1
#include "loader/opcodes.def"
#undef LVM_OP
    ;

// The shape of an instruction's immediates (spec 5.4).
enum class ImmKind : uint8_t {
  None,
  Block,         // blocktype
  Label,         // labelidx
  BrTable,       // vec(labelidx) labelidx
  Func,          // funcidx
  CallIndirect,  // typeidx tableidx
  Local,         // localidx
  Global,        // globalidx
  Table,         // tableidx
  Memory,        // memidx (a reserved 0x00 byte in 2.0)
  Tag,           // tagidx (exceptions)
  Mem1, Mem2, Mem4, Mem8, Mem16,  // memarg; natural alignment in bytes
  I32, I64, F32, F64, V128,       // constants
  SelectT,       // vec(valtype)
  RefNull,       // reftype
  MemoryInit,    // dataidx memidx
  Data,          // dataidx
  MemoryCopy,    // memidx memidx
  TableInit,     // elemidx tableidx
  Elem,          // elemidx
  TableCopy,     // tableidx tableidx
  Shuffle,       // 16 lane indices < 32
  Lane2, Lane4, Lane8, Lane16,            // laneidx < N
  MemLane1, MemLane2, MemLane4, MemLane8, // memarg laneidx; N-byte lanes
};

// A fixed operand signature [params] -> [results] from the `sig` column;
// `special` instructions are typed by hand in the validator.
struct OpSignature {
  bool special = false;
  uint8_t nparams = 0;
  uint8_t nresults = 0;
  std::array<ValType, 3> params{};
  std::array<ValType, 1> results{};
};

// Everything the table says about one opcode.
struct OpInfo {
  std::string_view name;  // text name, e.g. "i32.add"
  uint8_t prefix;         // 0, 0xFC or 0xFD
  uint32_t code;          // byte after the prefix (or the only byte)
  ImmKind imm;
  OpSignature sig;
  Feature feature;
};

namespace detail {
constexpr ValType sig_letter(char c) {
  switch (c) {
    case 'i': return ValType::I32;
    case 'l': return ValType::I64;
    case 'f': return ValType::F32;
    case 'd': return ValType::F64;
    case 'v': return ValType::V128;
    default: return ValType::Bottom;
  }
}
// Parses a `sig` column ("i_ii", "x_x", "special").
constexpr OpSignature parse_sig(std::string_view s) {
  OpSignature sig;
  if (s == "special") {
    sig.special = true;
    return sig;
  }
  size_t us = s.find('_');
  std::string_view res = s.substr(0, us), par = s.substr(us + 1);
  if (res != "x")
    for (char c : res) sig.results[sig.nresults++] = sig_letter(c);
  if (par != "x")
    for (char c : par) sig.params[sig.nparams++] = sig_letter(c);
  return sig;
}
}  // namespace detail

// Table of all opcodes, indexed by Opcode.
inline constexpr std::array<OpInfo, kOpcodeCount> kOpInfo = {{
#define LVM_OP(name, text, prefix, code, imm, sig, feature) \
  {text, prefix, code, ImmKind::imm, detail::parse_sig(#sig), Feature::feature},
#include "loader/opcodes.def"
#undef LVM_OP
}};

inline constexpr const OpInfo& op_info(Opcode op) { return kOpInfo[size_t(op)]; }
inline constexpr std::string_view op_name(Opcode op) { return op_info(op).name; }

// True for the encodings of the relaxed-simd proposal (0xFD 0x100-0x113),
// which lvm recognises but does not decode.
inline constexpr bool is_relaxed_simd(uint8_t prefix, uint32_t sub) {
  return prefix == 0xFD && sub >= 0x100 && sub <= 0x113;
}

// Sentinel in the decode tables for encodings that name no instruction.
inline constexpr uint16_t kNoOpcode = 0xFFFF;

namespace detail {
template <uint8_t Prefix, size_t N>
constexpr std::array<uint16_t, N> make_decode_table() {
  std::array<uint16_t, N> t{};
  for (auto& e : t) e = kNoOpcode;
  for (size_t i = 0; i < kOpcodeCount; ++i)
    if (kOpInfo[i].prefix == Prefix && kOpInfo[i].code < N) t[kOpInfo[i].code] = uint16_t(i);
  return t;
}
}  // namespace detail

// Decode tables: instruction byte (or sub-opcode after a prefix) -> Opcode.
inline constexpr auto kDecodeOneByte = detail::make_decode_table<0, 256>();
inline constexpr auto kDecodeFC = detail::make_decode_table<0xFC, 32>();
inline constexpr auto kDecodeFD = detail::make_decode_table<0xFD, 256>();

}  // namespace lvm
