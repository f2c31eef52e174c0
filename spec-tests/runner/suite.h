// Finding the .wast files to run: the suite directory and how FILE arguments
// resolve against it.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace lvm::spec {

// One .wast script to run.
struct SpecFile {
  std::filesystem::path wast;  // the script
  std::string rel;             // its name for reports and the cache, e.g.
                               // "proposals/tail-call/return_call.wast"
};

// The suite directory: `flag` (--suite) if given, else the LVM_SPEC_TESTSUITE
// environment variable, else the directory compiled in from CMake.
std::filesystem::path resolve_suite_dir(const std::string& flag);

// The files to run. No arguments: every *.wast at the top level of the suite
// (the core tests), sorted. Otherwise each argument is a path, or a name
// relative to the suite (e.g. "i32.wast"); a directory stands for its *.wast
// files. Returns false and sets `error` for an argument that names nothing.
bool collect_files(const std::filesystem::path& suite, const std::vector<std::string>& args,
                   std::vector<SpecFile>& out, std::string& error);

}  // namespace lvm::spec
