// Option parsing shared by the subcommands.
#pragma once

#include <string>

#include "loader/features.h"

namespace lvm::cli {

// Applies `--enable=a,b` or `--disable=a,b` to `features`. Prints an error
// and returns false for an unknown flag or feature name.
bool parse_feature_flag(const std::string& arg, Features& features);

}  // namespace lvm::cli
