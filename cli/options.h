// Option parsing shared by the subcommands.
#pragma once

#include <string>
#include <vector>

#include "loader/loader.h"

namespace lvm::cli {

// Applies `--enable=a,b` or `--disable=a,b` to `features`. Prints an error
// and returns false for an unknown flag or feature name.
bool parse_feature_flag(const std::string& arg, Features& features);

// Splits a command's arguments into feature flags (applied to `opts`) and
// file names. Returns false after printing why on a bad flag.
bool parse_load_args(const std::vector<std::string>& args, LoadOptions& opts, std::vector<std::string>& files);

}  // namespace lvm::cli
