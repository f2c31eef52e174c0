// Printing results: one line per script, an indented line per failure (every
// check with -v), and the totals line `N passed, N failed, N skipped`.
#pragma once

#include <cstdio>

#include "run_file.h"

namespace lvm::spec {

class Reporter {
 public:
  Reporter(std::FILE* out, bool verbose) : out_(out), verbose_(verbose) {}

  // Prints a script's line (and its failures) and adds it to the totals. A
  // script that could not be run counts as one failure.
  void file(const FileResult& r);
  // Prints the totals line.
  void summary();
  bool any_failed() const { return failed_ > 0; }

 private:
  void check(const CheckRecord& c);

  std::FILE* out_;
  bool verbose_;
  long passed_ = 0, failed_ = 0, skipped_ = 0;
};

}  // namespace lvm::spec
