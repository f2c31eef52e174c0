// Tests for the opcode table (loader/opcodes.def): every entry has a name and
// a unique encoding, the decode tables invert it, and every table-driven
// instruction validates with the signature the table gives it.
#include "loader/opcodes.h"

#include <doctest/doctest.h>

#include <set>
#include <string>
#include <utility>

#include "loader/loader.h"
#include "tests/support/opcode_modules.h"

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


TEST_CASE("every table-driven instruction validates with its signature") {
  int checked = 0;
  for (size_t i = 0; i < kOpcodeCount; ++i) {
    const OpInfo& info = kOpInfo[i];
    if (info.sig.special) continue;
    CAPTURE(info.name);
    Bytes m = table_driven_module(info);
    auto r = load_module(m);
    if (!r) FAIL_CHECK(r.error().format());
    ++checked;
  }
  CHECK(checked > 350);
}
