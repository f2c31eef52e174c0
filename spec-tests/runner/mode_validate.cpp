// Mode validate: decode and validate every module of a script with the
// loader; nothing is instantiated or executed.
#include "module_check.h"

namespace lvm::spec {

namespace {

class ValidateMode final : public Mode {
 public:
  Outcome module(const Command& c) override { return expect_loads(c); }
  Outcome assert_malformed(const Command& c) override { return expect_rejected(c, ErrorKind::Malformed); }
  Outcome assert_invalid(const Command& c) override { return expect_rejected(c, ErrorKind::Invalid); }
  // Linking and instantiation come after validation: the module must be valid.
  Outcome assert_unlinkable(const Command& c) override { return expect_loads(c); }
  Outcome assert_uninstantiable(const Command& c) override { return expect_loads(c); }
  Outcome assert_trap(const Command& c) override { return with_module_or_not_run(c); }
  Outcome assert_exhaustion(const Command& c) override { return with_module_or_not_run(c); }
  Outcome assert_exception(const Command& c) override { return with_module_or_not_run(c); }
  // Execution.
  Outcome register_module(const Command&) override { return Outcome::not_run(); }
  Outcome action(const Command&) override { return Outcome::not_run(); }
  Outcome assert_return(const Command&) override { return Outcome::not_run(); }

 private:
  static Outcome with_module_or_not_run(const Command& c) {
    return c.filename.empty() ? Outcome::not_run() : expect_loads(c);
  }
};

}  // namespace

std::unique_ptr<Mode> make_validate_mode() { return std::make_unique<ValidateMode>(); }

}  // namespace lvm::spec
