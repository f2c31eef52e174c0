// Tests for function-body validation (loader/validate_*.cpp): messages and
// positions, the polymorphic stack, and the side table the tiers rely on.
#include <doctest/doctest.h>

#include "loader/loader.h"
#include "tests/support/wasm_builder.h"

using namespace lvm;
using namespace lvm::test;

namespace {
LoadError error_of(const Bytes& b) {
  auto r = load_module(b);
  REQUIRE_FALSE(r.has_value());
  return r.error();
}
}  // namespace

TEST_CASE("a type mismatch names the instruction, offset, function and types") {
  // (func (result i32) f64.const 0 i32.const 1 i32.add)
  Bytes code = cat({{0x44}, Bytes(8, 0), {0x41, 0x01, 0x6A, 0x0B}});
  Bytes m = one_function(functype({}, {I32}), code);
  LoadError e = error_of(m);
  CHECK(e.kind == ErrorKind::Invalid);
  // The add is the 12th byte of the code, which starts after the 2-byte
  // body header (size, local count) at the code section's contents.
  size_t add_at = m.size() - 2;
  CHECK(e.offset == add_at);
  CHECK(e.format() == "type mismatch in i32.add at offset 0x" + [&] {
          char b[16];
          snprintf(b, sizeof b, "%zx", add_at);
          return std::string(b);
        }() + " (function 0): expected i32, found f64");
}

TEST_CASE("values left over or missing at the end of a function are invalid") {
  CHECK(error_of(one_function(functype({}, {}), {0x41, 0x01, 0x0B})).message == "type mismatch in end");
  CHECK(error_of(one_function(functype({}, {I32}), {0x0B})).kind == ErrorKind::Invalid);
  CHECK(error_of(one_function(functype({}, {}), {0x41, 0x01})).message == "END opcode expected");
}

TEST_CASE("code after unreachable is typed against a polymorphic stack") {
  // (func (result i32) unreachable i32.add) is valid; so is br_table over
  // labels of different types but equal arity after unreachable.
  CHECK(load_module(one_function(functype({}, {I32}), {0x00, 0x6A, 0x0B})).has_value());
  // (func unreachable select) is valid; (func unreachable ref.is_null drop) too.
  CHECK(load_module(one_function(functype({}, {}), {0x00, 0x1B, 0x1A, 0x0B})).has_value());
  // but a concrete wrong type after unreachable is still an error
  LoadError e = error_of(one_function(functype({}, {I32}), {0x00, 0x42, 0x00, 0x6A, 0x0B}));
  CHECK(e.message == "type mismatch in i32.add");
}

TEST_CASE("variables: unknown locals, immutable globals") {
  LoadError e = error_of(one_function(functype({I32}, {}), {0x20, 0x01, 0x1A, 0x0B}));
  CHECK(e.message == "unknown local 1 in local.get");
  Bytes global = section(6, vec({{I32, 0x00, 0x41, 0x00, 0x0B}}));
  e = error_of(one_function(functype({}, {}), {0x41, 0x00, 0x24, 0x00, 0x0B}, {global}));
  CHECK(e.message == "global is immutable in global.set");
}

TEST_CASE("memory instructions need a memory and a natural alignment") {
  LoadError e = error_of(one_function(functype({}, {}), {0x41, 0x00, 0x28, 0x02, 0x00, 0x1A, 0x0B}));
  CHECK(e.message == "unknown memory 0 in i32.load");
  Bytes mem = section(5, vec({{0x00, 0x01}}));
  e = error_of(one_function(functype({}, {}), {0x41, 0x00, 0x28, 0x03, 0x00, 0x1A, 0x0B}, {mem}));
  CHECK(e.message == "alignment must not be larger than natural in i32.load");
}

TEST_CASE("ref.func needs a declared function") {
  LoadError e = error_of(one_function(functype({}, {}), {0xD2, 0x00, 0x1A, 0x0B}));
  CHECK(e.message == "undeclared function reference in ref.func");
  // Declared by a declarative element segment: valid.
  Bytes elem = section(9, vec({{0x03, 0x00, 0x01, 0x00}}));
  Bytes m = module({section(1, vec({functype({}, {})})), section(3, vec({leb(0)})), elem,
                    section(10, vec({body({0xD2, 0x00, 0x1A, 0x0B})}))});
  CHECK(load_module(m).has_value());
}

TEST_CASE("untyped select refuses references") {
  Bytes code = {0xD0, 0x70, 0xD0, 0x70, 0x41, 0x01, 0x1B, 0x1A, 0x0B};
  CHECK(error_of(one_function(functype({}, {}), code)).message == "type mismatch in select");
  // typed select accepts them
  Bytes typed = {0xD0, 0x70, 0xD0, 0x70, 0x41, 0x01, 0x1C, 0x01, 0x70, 0x1A, 0x0B};
  CHECK(load_module(one_function(functype({}, {}), typed)).has_value());
}

TEST_CASE("br_table targets must agree in arity") {
  // (func (result i32) (block (result i32) (block i32.const 0 i32.const 0 br_table 0 1)))
  Bytes code = {0x02, I32, 0x02, 0x40, 0x41, 0x00, 0x41, 0x00, 0x0E, 0x01, 0x00, 0x01, 0x0B, 0x0B, 0x0B};
  LoadError e = error_of(one_function(functype({}, {I32}), code));
  CHECK(e.message == "type mismatch in br_table");
  CHECK(error_of(one_function(functype({}, {}), {0x0C, 0x01, 0x0B})).message == "unknown label in br");
}

TEST_CASE("the side table records block targets and the stack bound") {
  // (func (param i32) (result i32)
  //   block            ;; code+0
  //     loop           ;; code+2
  //       local.get 0  ;; code+4
  //       br_if 1      ;; code+6
  //       br 0         ;; code+8
  //     end            ;; code+10
  //   end              ;; code+11
  //   local.get 0      ;; code+12
  //   if (result i32)  ;; code+14
  //     i32.const 1    ;; code+16
  //   else             ;; code+18
  //     i32.const 2 i32.const 3 i32.add ;; code+19
  //   end              ;; code+24
  // end)               ;; code+25
  Bytes code = {0x02, 0x40, 0x03, 0x40, 0x20, 0x00, 0x0D, 0x01, 0x0C, 0x00, 0x0B, 0x0B, 0x20, 0x00,
                0x04, I32, 0x41, 0x01, 0x05, 0x41, 0x02, 0x41, 0x03, 0x6A, 0x0B, 0x0B};
  auto r = load_module(one_function(functype({I32}, {I32}), code));
  REQUIRE(r.has_value());
  const FunctionBody& b = (*r)->bodies[0];
  const uint32_t c = b.code_offset;
  REQUIRE(b.blocks.size() == 3);
  CHECK(b.blocks[0].start == c + 0);
  CHECK(b.blocks[0].end_pc == c + 11);
  CHECK(b.blocks[1].start == c + 2);
  CHECK(b.blocks[1].end_pc == c + 10);
  CHECK(b.blocks[2].start == c + 14);
  CHECK(b.blocks[2].else_pc == c + 18);
  CHECK(b.blocks[2].end_pc == c + 24);
  CHECK(b.blocks[0].else_pc == 0);
  CHECK(b.max_stack == 2);
  CHECK(b.max_depth == 3);
}

TEST_CASE("the validator records what a compiler needs before its pass") {
  // (func (param i32) (local i64 i64 f64)
  //   local.get 0 drop
  //   loop
  //     local.get 1 drop  local.get 1 drop  local.get 3 drop
  //     loop local.get 2 drop end
  //   end
  //   i32.const 0 call 0
  //   i32.const 0 i32.extend8_s drop)
  Bytes locals = cat({leb(2), leb(2), {I64}, leb(1), {F64}});
  Bytes code = {0x20, 0x00, 0x1A, 0x03, 0x40, 0x20, 0x01, 0x1A, 0x20, 0x01, 0x1A, 0x20, 0x03, 0x1A, 0x03, 0x40,
                0x20, 0x02, 0x1A, 0x0B, 0x0B, 0x41, 0x00, 0x10, 0x00, 0x41, 0x00, 0xC0, 0x1A, 0x0B};
  Bytes m = module({section(1, vec({functype({I32}, {})})), section(3, vec({leb(0)})),
                    section(10, vec({body(code, locals)}))});
  auto r = load_module(m);
  REQUIRE(r.has_value());
  const FunctionBody& b = (*r)->bodies[0];
  // Uses weighted by 8 per enclosing loop, heaviest first.
  REQUIRE(b.hot_locals.size() == 4);
  CHECK(b.hot_locals[0].index == 2);
  CHECK(b.hot_locals[0].weight == 64);
  CHECK(b.hot_locals[1].index == 1);
  CHECK(b.hot_locals[1].weight == 16);
  CHECK(b.hot_locals[2].index == 3);
  CHECK(b.hot_locals[2].weight == 8);
  CHECK(b.hot_locals[3].index == 0);
  CHECK(b.hot_locals[3].weight == 1);
  CHECK(b.max_call_values == 1);
  CHECK(b.call_weight == 1);  // one call, outside any loop
  CHECK_FALSE(b.if_with_params);
  CHECK(b.op_features == (1u << unsigned(Feature::Mvp) | 1u << unsigned(Feature::SignExtension)));

  // (func (param i32) (result i32) local.get 0 local.get 0 if (type 0) end)
  // with a v128 block type elsewhere: an `if` with parameters, SIMD noted.
  Bytes code2 = {0x20, 0x00, 0x20, 0x00, 0x04, 0x00, 0x0B, 0x02, 0x7B, 0xFD, 0x0C};
  code2.insert(code2.end(), 16, 0);
  code2.insert(code2.end(), {0x0B, 0x1A, 0x0B});
  Bytes m2 = module({section(1, vec({functype({I32}, {I32})})), section(3, vec({leb(0)})),
                     section(10, vec({body(code2, {0x00})}))});
  auto r2 = load_module(m2);
  REQUIRE(r2.has_value());
  const FunctionBody& b2 = (*r2)->bodies[0];
  CHECK(b2.if_with_params);
  CHECK((b2.op_features & (1u << unsigned(Feature::Simd))) != 0);
  CHECK(b2.max_call_values == 0);
  REQUIRE(b2.hot_locals.size() == 1);
  CHECK(b2.hot_locals[0].weight == 2);
}

TEST_CASE("too many locals is malformed and does not allocate them") {
  Bytes locals = cat({leb(2), leb(0xFFFFFFF0u), {I32}, leb(0x20), {I64}});
  Bytes m = module({section(1, vec({functype({}, {})})), section(3, vec({leb(0)})),
                    section(10, vec({body({0x0B}, locals)}))});
  LoadError e = error_of(m);
  CHECK(e.message == "too many locals");
}

TEST_CASE("illegal opcodes are malformed") {
  LoadError e = error_of(one_function(functype({}, {}), {0xFF, 0x0B}));
  CHECK(e.kind == ErrorKind::Malformed);
  CHECK(e.message == "illegal opcode");
  e = error_of(one_function(functype({}, {}), {0xFC, 0x7F, 0x0B}));
  CHECK(e.message == "illegal opcode");
}
