#include "vm/linker.h"

namespace lvm {

void Linker::add_host_functions(std::vector<HostFunction> fns) {
  for (HostFunction& fn : fns) {
    HostFunction& h = hosts_.emplace_back(std::move(fn));
    FuncInst& f = funcs_.emplace_back();
    f.set_host(h);
    by_name_[{h.module, h.name}] = &f;
  }
}

void Linker::add_instance(const std::string& name, const Instance& inst) { instances_[name] = &inst; }

ImportResolver Linker::resolver() {
  return [this](const Module& m, const Import& imp) { return resolve(imp, m); };
}

std::optional<Extern> Linker::resolve(const Import& imp, const Module& m) {
  if (auto it = by_name_.find({imp.module, imp.field}); it != by_name_.end()) {
    Extern e;
    e.kind = ExternKind::Func;
    e.func = it->second;
    return e;
  }
  if (auto it = instances_.find(imp.module); it != instances_.end())
    if (auto e = it->second->get_export(imp.field)) return e;
  if (!trap_unknown_ || imp.kind != ExternKind::Func) return std::nullopt;
  // A stub of the import's own type that traps naming what is missing. The
  // type is copied: the stub may outlive the importing module.
  std::string what = "\"" + imp.module + "\" \"" + imp.field + "\"";
  add_host_functions({HostFunction{imp.module, imp.field, m.func_type(imp.index), [what](HostCall& call) {
                                     return call.trap("called the unknown import " + what);
                                   }}});
  Extern e;
  e.kind = ExternKind::Func;
  e.func = &funcs_.back();
  return e;
}

}  // namespace lvm
