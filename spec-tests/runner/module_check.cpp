#include "module_check.h"

namespace lvm::spec {

namespace {

std::string describe(const LoadError& e) {
  return std::string(error_kind_name(e.kind)) + ": " + e.format();
}

std::string quoted_text(const Command& c) {
  return c.text.empty() ? std::string() : " (\"" + c.text + "\")";
}

}  // namespace

Result<std::shared_ptr<const Module>> load_command_module(const Command& c) {
  LoadOptions options;
  options.features = Features::wasm2();
  return load_module_file(c.module_path.string(), options);
}

Outcome expect_loads(const Command& c, std::shared_ptr<const Module>* out) {
  auto m = load_command_module(c);
  if (!m) return Outcome::failed("a valid module", describe(m.error()));
  if (out) *out = std::move(*m);
  return Outcome::passed();
}

Outcome expect_rejected(const Command& c, ErrorKind kind) {
  auto m = load_command_module(c);
  std::string expected = error_kind_name(kind) + quoted_text(c);
  if (m) return Outcome::failed(expected, "loaded without error");
  const LoadError& e = m.error();
  if (e.kind == kind || e.kind == ErrorKind::Unsupported) return Outcome::passed();
  return Outcome::failed(expected, describe(e));
}

}  // namespace lvm::spec
