#include "spectest.h"

#include <bit>

namespace lvm::spec {

namespace {
std::shared_ptr<GlobalInst> make_global(ValType t, uint64_t bits) {
  auto g = std::make_shared<GlobalInst>();
  g->type = {t, false};
  g->value[0] = bits;
  return g;
}
}  // namespace

Spectest::Spectest() {
  using V = ValType;
  const std::pair<const char*, std::vector<ValType>> prints[] = {
      {"print", {}}, {"print_i32", {V::I32}}, {"print_i64", {V::I64}}, {"print_f32", {V::F32}},
      {"print_f64", {V::F64}}, {"print_i32_f32", {V::I32, V::F32}}, {"print_f64_f64", {V::F64, V::F64}},
  };
  for (const auto& [name, params] : prints) {
    HostFunction& h = hosts_.emplace_back();
    h.module = "spectest";
    h.name = name;
    h.type = FuncType(params, {});
    h.fn = [](HostCall&) { return Trap::None; };
    FuncInst& f = funcs_.emplace_back();
    f.set_host(h);
  }
  table_ = std::make_shared<TableInst>();
  table_->elem = ValType::FuncRef;
  table_->elems.assign(10, nullptr);
  table_->max = 20;
  memory_ = LinearMemory::create(1, 2);
  global_i32_ = make_global(V::I32, 666);
  global_i64_ = make_global(V::I64, 666);
  global_f32_ = make_global(V::F32, std::bit_cast<uint32_t>(666.6f));
  global_f64_ = make_global(V::F64, std::bit_cast<uint64_t>(666.6));
}

std::optional<Extern> Spectest::get(const std::string& field) const {
  Extern e;
  for (const FuncInst& f : funcs_)
    if (f.host->name == field) {
      e.kind = ExternKind::Func;
      e.func = &f;
      return e;
    }
  auto global = [&](const std::shared_ptr<GlobalInst>& g) {
    e.kind = ExternKind::Global;
    e.global = g;
    return e;
  };
  if (field == "global_i32") return global(global_i32_);
  if (field == "global_i64") return global(global_i64_);
  if (field == "global_f32") return global(global_f32_);
  if (field == "global_f64") return global(global_f64_);
  if (field == "table") {
    e.kind = ExternKind::Table;
    e.table = table_;
    return e;
  }
  if (field == "memory") {
    e.kind = ExternKind::Memory;
    e.memory = memory_;
    return e;
  }
  return std::nullopt;
}

}  // namespace lvm::spec
