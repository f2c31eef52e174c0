#include "loader/module.h"

namespace lvm {

std::string_view Module::function_name(uint32_t func_index) const {
  auto it = names.functions.find(func_index);
  return it == names.functions.end() ? std::string_view() : std::string_view(it->second);
}

const Export* Module::find_export(std::string_view name, ExternKind kind) const {
  for (const Export& e : exports)
    if (e.kind == kind && e.name == name) return &e;
  return nullptr;
}

}  // namespace lvm
