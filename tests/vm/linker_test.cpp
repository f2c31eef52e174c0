// Tests for vm/linker.h: imports resolve by module and field name to host
// functions or another instance's exports; unknown imports fail to link, or
// trap when called with --trap-unknown-imports.
#include "vm/linker.h"

#include <doctest/doctest.h>

#include "loader/loader.h"
#include "tests/support/wasm_builder.h"
#include "vm/interpreter.h"

using namespace lvm;
using namespace lvm::test;

namespace {
// (module (import "env" "f" (func (param i32) (result i32)))
//         (func (export "g") (param i32) (result i32) local.get 0 call 0))
std::shared_ptr<const Module> importer() {
  Bytes m = module({section(1, vec({functype({I32}, {I32})})),
                    section(2, vec({cat({name("env"), name("f"), {0x00}, leb(0)})})),
                    section(3, vec({leb(0)})), section(7, vec({cat({name("g"), {0x00}, leb(1)})})),
                    section(10, vec({body({0x20, 0, 0x10, 0, 0x0B})}))});
  auto r = load_module(m);
  REQUIRE(r.has_value());
  return *r;
}
}  // namespace

TEST_CASE("a host function resolves by module and name and is called with its arguments") {
  Linker linker;
  linker.add_host_functions({HostFunction{"env", "f", FuncType(std::vector<ValType>{ValType::I32}, std::vector<ValType>{ValType::I32}),
                                          [](HostCall& call) {
                                            call.set_i32(0, call.i32(0) * 2);
                                            return Trap::None;
                                          }}});
  auto r = Instance::instantiate(importer(), linker.resolver());
  REQUIRE(std::holds_alternative<std::unique_ptr<Instance>>(r));
  auto& inst = *std::get<std::unique_ptr<Instance>>(r);
  uint64_t arg = 21, result = 0;
  CHECK(invoke(inst, 1, &arg, &result) == Trap::None);
  CHECK(result == 42);
}

TEST_CASE("an import of the wrong type does not link") {
  Linker linker;
  linker.add_host_functions({HostFunction{"env", "f", FuncType(), [](HostCall&) { return Trap::None; }}});
  auto r = Instance::instantiate(importer(), linker.resolver());
  REQUIRE(std::holds_alternative<InstantiateError>(r));
  CHECK(std::get<InstantiateError>(r).kind == InstantiateError::Kind::Link);
  CHECK(std::get<InstantiateError>(r).message.find("incompatible import type") != std::string::npos);
}

TEST_CASE("an unknown import fails to link, or traps when called if asked to") {
  Linker strict;
  auto r = Instance::instantiate(importer(), strict.resolver());
  REQUIRE(std::holds_alternative<InstantiateError>(r));
  CHECK(std::get<InstantiateError>(r).message.find("unknown import \"env\" \"f\"") != std::string::npos);

  Linker lenient;
  lenient.set_trap_unknown_imports(true);
  auto ok = Instance::instantiate(importer(), lenient.resolver());
  REQUIRE(std::holds_alternative<std::unique_ptr<Instance>>(ok));
  auto& inst = *std::get<std::unique_ptr<Instance>>(ok);
  uint64_t arg = 1, result = 0;
  CHECK(invoke(inst, 1, &arg, &result) == Trap::HostError);
  CHECK(inst.trap_message == "called the unknown import \"env\" \"f\"");
}

TEST_CASE("another instance's exports are importable under a name") {
  // A provider module re-exports a host function as "f"; registered under
  // the name "env", it satisfies the importer's "env" "f".
  Linker linker;
  linker.add_host_functions({HostFunction{"host", "double", FuncType(std::vector<ValType>{ValType::I32}, std::vector<ValType>{ValType::I32}),
                                          [](HostCall& call) {
                                            call.set_i32(0, call.i32(0) * 2);
                                            return Trap::None;
                                          }}});
  // (module (import "host" "double" (func (param i32) (result i32))) (export "f" (func 0)))
  Bytes reexport = module({section(1, vec({functype({I32}, {I32})})),
                           section(2, vec({cat({name("host"), name("double"), {0x00}, leb(0)})})),
                           section(7, vec({cat({name("f"), {0x00}, leb(0)})}))});
  auto provider_module = load_module(reexport);
  REQUIRE(provider_module.has_value());
  auto provider = Instance::instantiate(*provider_module, linker.resolver());
  REQUIRE(std::holds_alternative<std::unique_ptr<Instance>>(provider));
  linker.add_instance("env", *std::get<std::unique_ptr<Instance>>(provider));
  auto r = Instance::instantiate(importer(), linker.resolver());
  REQUIRE(std::holds_alternative<std::unique_ptr<Instance>>(r));
  uint64_t arg = 5, result = 0;
  CHECK(invoke(*std::get<std::unique_ptr<Instance>>(r), 1, &arg, &result) == Trap::None);
  CHECK(result == 10);
}
