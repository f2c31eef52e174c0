// Tests for the module decoder (loader/decode_module.cpp and the section
// decoders): structure errors, hostile counts, feature gating, names.
#include <doctest/doctest.h>

#include <chrono>

#include "loader/loader.h"
#include "tests/support/wasm_builder.h"

using namespace lvm;
using namespace lvm::test;

namespace {
LoadError error_of(const Bytes& b, const LoadOptions& opts = {}) {
  auto r = load_module(b, opts);
  REQUIRE_FALSE(r.has_value());
  return r.error();
}
}  // namespace

TEST_CASE("the preamble: magic and version") {
  LoadError e = error_of({});
  CHECK(e.kind == ErrorKind::Malformed);
  CHECK(e.message == "magic header not detected");
  CHECK(e.offset == 0);
  e = error_of({0x00, 0x61, 0x73, 0x6D, 0x02, 0x00, 0x00, 0x00});
  CHECK(e.message == "unknown binary version");
  CHECK(e.offset == 4);
  auto empty = load_module(module({}));
  REQUIRE(empty.has_value());
  CHECK((*empty)->functions.empty());
}

TEST_CASE("a section claiming four billion entries fails fast without allocating") {
  auto start = std::chrono::steady_clock::now();
  for (uint8_t id : {1, 2, 3, 4, 5, 6, 7, 9, 10, 11}) {
    Bytes m = module({section(id, leb(0xFFFFFFFFu))});
    LoadError e = error_of(m);
    CAPTURE(int(id));
    CHECK(e.kind == ErrorKind::Malformed);
  }
  // Not a timing assertion: a guard that a regression to allocating 4G
  // entries would show up as bad_alloc or an OOM kill long before this.
  (void)start;
}

TEST_CASE("a section longer than the module is rejected with its offset") {
  Bytes m = module({{0x01, 0x10, 0x00}});
  LoadError e = error_of(m);
  CHECK(e.message == "length out of bounds");
  CHECK(e.offset == 8);
}

TEST_CASE("sections must appear in order and at most once") {
  Bytes t = section(1, vec({functype({}, {})}));
  LoadError e = error_of(module({t, t}));
  CHECK(e.kind == ErrorKind::Malformed);
  e = error_of(module({section(3, vec({})), t}));
  CHECK(e.kind == ErrorKind::Malformed);
  // The data count section goes between element and code.
  auto ok = load_module(module({section(9, vec({})), section(12, leb(0)), section(10, vec({}))}));
  CHECK(ok.has_value());
}

TEST_CASE("function and code sections must agree") {
  Bytes m = module({section(1, vec({functype({}, {})})), section(3, vec({leb(0)}))});
  LoadError e = error_of(m);
  CHECK(e.message == "function and code section have inconsistent lengths");
}

TEST_CASE("duplicate export names are invalid") {
  Bytes m = module({section(1, vec({functype({}, {})})), section(3, vec({leb(0)})),
                    section(7, vec({cat({name("f"), {0x00}, leb(0)}), cat({name("f"), {0x00}, leb(0)})})),
                    section(10, vec({body({0x0B})}))});
  LoadError e = error_of(m);
  CHECK(e.kind == ErrorKind::Invalid);
  CHECK(e.message == "duplicate export name");
  CHECK(e.where == "export 1");
}

TEST_CASE("the start function must take and return nothing") {
  Bytes m = module({section(1, vec({functype({I32}, {})})), section(3, vec({leb(0)})), section(8, leb(0)),
                    section(10, vec({body({0x0B})}))});
  LoadError e = error_of(m);
  CHECK(e.kind == ErrorKind::Invalid);
  CHECK(e.detail.find("(i32) -> ()") != std::string::npos);
}

TEST_CASE("features beyond WebAssembly 2.0 are rejected by name") {
  // shared memory: flags 0x03 (threads)
  LoadError e = error_of(module({section(5, vec({{0x03, 0x01, 0x02}}))}));
  CHECK(e.kind == ErrorKind::Unsupported);
  CHECK(e.message.find("threads") != std::string::npos);
  // 64-bit memory: flags 0x04
  e = error_of(module({section(5, vec({{0x04, 0x01}}))}));
  CHECK(e.message.find("memory64") != std::string::npos);
  // a second memory
  e = error_of(module({section(5, vec({{0x00, 0x01}, {0x00, 0x01}}))}));
  CHECK(e.message.find("multi-memory") != std::string::npos);
  // a tag section (exceptions)
  e = error_of(module({section(13, vec({}))}));
  CHECK(e.message.find("exceptions") != std::string::npos);
  // return_call (tail calls) names the instruction and the proposal
  e = error_of(one_function(functype({}, {}), {0x12, 0x00, 0x0B}));
  CHECK(e.kind == ErrorKind::Unsupported);
  CHECK(e.message == "return_call requires the tail-call proposal, which is not enabled");
  // atomics (threads)
  e = error_of(one_function(functype({}, {}), {0xFE, 0x03, 0x00, 0x0B}));
  CHECK(e.message.find("threads") != std::string::npos);
}

TEST_CASE("a 2.0 feature can be switched off") {
  LoadOptions no_simd;
  no_simd.features.disable(Feature::Simd);
  Bytes m = one_function(functype({}, {V128}), cat({{0xFD}, leb(12), Bytes(16, 0), {0x0B}}));
  CHECK(load_module(m).has_value());
  LoadError e = error_of(m, no_simd);
  CHECK(e.kind == ErrorKind::Unsupported);
  CHECK(e.message.find("simd") != std::string::npos);
}

TEST_CASE("memory limits") {
  LoadError e = error_of(module({section(5, vec({{0x01, 0x02, 0x01}}))}));
  CHECK(e.message == "size minimum must not be greater than maximum");
  e = error_of(module({section(5, vec({cat({{0x00}, leb(65537)})}))}));
  CHECK(e.message == "memory size must be at most 65536 pages (4GiB)");
  CHECK(load_module(module({section(5, vec({cat({{0x01}, leb(0), leb(65536)})}))})).has_value());
}

TEST_CASE("the name section gives functions their names; a broken one is ignored") {
  Bytes names = cat({name("name"), {0x00}, leb(4), name("mod"),
                     {0x01}, leb(7), vec({cat({leb(0), name("main")})})});
  Bytes m = module({section(1, vec({functype({}, {})})), section(3, vec({leb(0)})),
                    section(10, vec({body({0x0B})})), section(0, names)});
  auto r = load_module(m);
  REQUIRE(r.has_value());
  CHECK((*r)->function_name(0) == "main");
  CHECK((*r)->names.module == "mod");
  REQUIRE((*r)->customs.size() == 1);
  CHECK((*r)->customs[0].name == "name");

  Bytes broken = cat({name("name"), {0x01, 0x7F, 0x01}});
  auto r2 = load_module(module({section(0, broken)}));
  REQUIRE(r2.has_value());
  CHECK((*r2)->names.functions.empty());
}

TEST_CASE("structurally equal types share a canonical index") {
  Bytes m = module({section(1, vec({functype({I32}, {I64}), functype({}, {}), functype({I32}, {I64})}))});
  auto r = load_module(m);
  REQUIRE(r.has_value());
  CHECK((*r)->canonical_type == std::vector<uint32_t>{0, 1, 0});
}

TEST_CASE("imports fill the index spaces first") {
  Bytes imports = vec({cat({name("env"), name("f"), {0x00}, leb(0)}),
                       cat({name("env"), name("g"), {0x03, I32, 0x01}}),
                       cat({name("env"), name("mem"), {0x02, 0x00, 0x01}})});
  Bytes m = module({section(1, vec({functype({}, {})})), section(2, imports), section(3, vec({leb(0)})),
                    section(10, vec({body({0x0B})}))});
  auto r = load_module(m);
  REQUIRE(r.has_value());
  const Module& mod = **r;
  CHECK(mod.num_imported_functions == 1);
  CHECK(mod.functions.size() == 2);
  CHECK(mod.functions[0].import == 0u);
  CHECK_FALSE(mod.functions[1].import.has_value());
  CHECK(mod.globals[0].type.mutable_);
  CHECK(mod.imports[2].kind == ExternKind::Memory);
}

TEST_CASE("a missing file is an I/O error naming the path") {
  auto r = load_module_file("/nonexistent/x.wasm");
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().kind == ErrorKind::Io);
  CHECK(r.error().format().find("/nonexistent/x.wasm") != std::string::npos);
}
