#include "run_file.h"

namespace lvm::spec {

namespace {

Outcome dispatch(Mode& mode, const Command& c) {
  // Text-format modules (.wat) need a text parser lvm does not have; they
  // only appear in assert_malformed/assert_invalid in the core suite.
  if (c.text_module) return Outcome::skipped("text-format module");
  switch (c.kind) {
    case CommandKind::Module: return mode.module(c);
    case CommandKind::Register: return mode.register_module(c);
    case CommandKind::Action: return mode.action(c);
    case CommandKind::AssertReturn: return mode.assert_return(c);
    case CommandKind::AssertTrap: return mode.assert_trap(c);
    case CommandKind::AssertExhaustion: return mode.assert_exhaustion(c);
    case CommandKind::AssertException: return mode.assert_exception(c);
    case CommandKind::AssertMalformed: return mode.assert_malformed(c);
    case CommandKind::AssertInvalid: return mode.assert_invalid(c);
    case CommandKind::AssertUnlinkable: return mode.assert_unlinkable(c);
    case CommandKind::AssertUninstantiable: return mode.assert_uninstantiable(c);
  }
  return Outcome::failed("a known command", "unknown command kind");
}

}  // namespace

FileResult run_commands(const std::string& rel, const CommandFile& file, ModeFactory factory) {
  FileResult r;
  r.rel = rel;
  auto mode = factory();
  for (const auto& c : file.commands) {
    Outcome o = dispatch(*mode, c);
    switch (o.status) {
      case Outcome::Status::Passed: ++r.passed; break;
      case Outcome::Status::Failed: ++r.failed; break;
      case Outcome::Status::Skipped: ++r.skipped; break;
      case Outcome::Status::NotRun: ++r.not_run; continue;
    }
    r.checks.push_back({c.line, c.kind, c.filename, std::move(o)});
  }
  return r;
}

}  // namespace lvm::spec
