// Running one child program with captured output and a time limit, and the
// fresh copy of a test's root directory.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace lvm::wasitest {

// How a child ended and what it wrote.
struct RunResult {
  bool started = false;
  bool timed_out = false;
  int exit_code = -1;  // the exit status, or 128 + signal when killed by one
  std::string out, err;
  std::string error;  // why it could not be started
};

// Runs argv[0] with `argv` (no shell), stdin from /dev/null, stdout and
// stderr captured; kills it after `timeout_ms`.
RunResult run_captured(const std::vector<std::string>& argv, int timeout_ms);

// Copies `from` into the new directory `to` (symlinks as symlinks, `*.cleanup`
// artifacts left out) and gives the owner write permission on everything, so
// tests can change their root even when the suite itself is read-only.
bool copy_root(const std::filesystem::path& from, const std::filesystem::path& to, std::string& error);

}  // namespace lvm::wasitest
