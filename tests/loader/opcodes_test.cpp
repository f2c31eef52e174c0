// Tests for the opcode table (loader/opcodes.def): every entry has a name and
// a unique encoding, the decode tables invert it, and every table-driven
// instruction validates with the signature the table gives it.
#include "loader/opcodes.h"

#include <doctest/doctest.h>

#include <set>
#include <string>
#include <utility>

#include "loader/loader.h"
#include "tests/support/wasm_builder.h"

using namespace lvm;
using namespace lvm::test;

TEST_CASE("every opcode has a name and a unique encoding") {
  std::set<std::pair<unsigned, unsigned>> seen;
  for (size_t i = 0; i < kOpcodeCount; ++i) {
    const OpInfo& info = kOpInfo[i];
    CAPTURE(i);
    CHECK_FALSE(info.name.empty());
    CHECK(seen.insert({info.prefix, info.code}).second);
  }
  CHECK(kOpcodeCount > 400);  // MVP + 0xFC + 236 SIMD
}

TEST_CASE("decode tables map each encoding back to its opcode") {
  for (size_t i = 0; i < kOpcodeCount; ++i) {
    const OpInfo& info = kOpInfo[i];
    uint16_t got = info.prefix == 0      ? kDecodeOneByte[info.code]
                   : info.prefix == 0xFC ? kDecodeFC[info.code]
                                         : kDecodeFD[info.code];
    CHECK(got == i);
  }
  CHECK(kDecodeOneByte[0xFF] == kNoOpcode);
  CHECK(op_name(Opcode::I32Add) == "i32.add");
  CHECK(op_name(Opcode::I8x16Shuffle) == "i8x16.shuffle");
}

TEST_CASE("the sig column parses into params and results") {
  const OpSignature& add = op_info(Opcode::I32Add).sig;
  CHECK_FALSE(add.special);
  CHECK(add.nparams == 2);
  CHECK(add.nresults == 1);
  CHECK(add.params[0] == ValType::I32);
  const OpSignature& store = op_info(Opcode::F64Store).sig;
  CHECK(store.nresults == 0);
  CHECK(store.params[1] == ValType::F64);
  CHECK(op_info(Opcode::Block).sig.special);
}

namespace {
// Immediates that make the instruction valid in a module with one memory.
Bytes valid_immediates(const OpInfo& info) {
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
}  // namespace

TEST_CASE("every table-driven instruction validates with its signature") {
  int checked = 0;
  for (size_t i = 0; i < kOpcodeCount; ++i) {
    const OpInfo& info = kOpInfo[i];
    if (info.sig.special) continue;
    CAPTURE(info.name);
    // func (params) -> (results): local.get each param; the instruction; end.
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
    Bytes m = module({section(1, vec({type})), section(3, vec({leb(0)})),
                      section(5, vec({{0x00, 0x01}})),  // memory 1
                      section(9, vec({{0x01, 0x00, 0x00}})),  // passive elem segment, funcref, empty
                      section(12, leb(1)),  // data count: 1
                      section(10, vec({body(code)})),
                      section(11, vec({{0x01, 0x00}}))});  // one passive empty data segment
    auto r = load_module(m);
    if (!r) FAIL_CHECK(r.error().format());
    ++checked;
  }
  CHECK(checked > 350);
}
