#include "report.h"

#include <string>

namespace lvm::spec {

namespace {

// Multi-line text (wast2json output) indented under a failure line.
void print_indented(std::FILE* out, const std::string& text, const char* indent) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::fprintf(out, "%s%.*s\n", indent, int(end - start), text.data() + start);
    start = end + 1;
  }
}

}  // namespace

void Reporter::file(const FileResult& r) {
  if (!r.error.empty()) {
    ++failed_;
    std::fprintf(out_, "FAIL  %s  (could not run)\n", r.rel.c_str());
    print_indented(out_, r.error, "    ");
    return;
  }
  passed_ += r.passed;
  failed_ += r.failed;
  skipped_ += r.skipped;
  std::fprintf(out_, "%s  %s  (%d passed, %d failed, %d skipped", r.failed ? "FAIL" : "PASS", r.rel.c_str(),
               r.passed, r.failed, r.skipped);
  if (r.not_run) std::fprintf(out_, ", %d execution commands not run in this mode", r.not_run);
  std::fprintf(out_, ")\n");
  for (const auto& c : r.checks)
    if (verbose_ || c.outcome.status == Outcome::Status::Failed) check(c);
  std::fflush(out_);
}

void Reporter::check(const CheckRecord& c) {
  const char* tag = "ok  ";
  if (c.outcome.status == Outcome::Status::Failed) tag = "FAIL";
  if (c.outcome.status == Outcome::Status::Skipped) tag = "skip";
  std::fprintf(out_, "    %s line %d: %s", tag, c.line, command_kind_name(c.kind));
  if (!c.module.empty()) std::fprintf(out_, " %s", c.module.c_str());
  if (c.outcome.status == Outcome::Status::Failed)
    std::fprintf(out_, ": expected %s, got %s", c.outcome.expected.c_str(), c.outcome.got.c_str());
  else if (c.outcome.status == Outcome::Status::Skipped)
    std::fprintf(out_, " (%s)", c.outcome.got.c_str());
  std::fprintf(out_, "\n");
}

void Reporter::summary() {
  std::fprintf(out_, "%ld passed, %ld failed, %ld skipped\n", passed_, failed_, skipped_);
  std::fflush(out_);
}

}  // namespace lvm::spec
