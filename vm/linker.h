// Resolves a module's imports by (module, field) name against host
// functions and the exports of other instances; the ImportResolver that
// Instance::instantiate takes.
#pragma once

#include <deque>
#include <map>
#include <string>
#include <vector>

#include "vm/instance.h"

namespace lvm {

class Linker {
 public:
  // Makes host functions importable under their module and name. The
  // Linker owns them and must outlive the instances linked against them.
  void add_host_functions(std::vector<HostFunction> fns);
  // Makes an instance's exports importable under `name`.
  void add_instance(const std::string& name, const Instance& inst);
  // With this set, a function import that nothing provides links to a stub
  // that traps when called, instead of failing instantiation.
  void set_trap_unknown_imports(bool on) { trap_unknown_ = on; }

  // The resolver for Instance::instantiate.
  ImportResolver resolver();

 private:
  std::optional<Extern> resolve(const Import& imp, const Module& m);
  std::deque<HostFunction> hosts_;
  std::deque<FuncInst> funcs_;
  std::map<std::pair<std::string, std::string>, const FuncInst*> by_name_;
  std::map<std::string, const Instance*> instances_;
  bool trap_unknown_ = false;
};

}  // namespace lvm
