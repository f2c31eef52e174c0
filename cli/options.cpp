#include "cli/options.h"

#include <cstdio>
#include <sstream>

namespace lvm::cli {

bool parse_feature_flag(const std::string& arg, Features& features) {
  bool enable;
  std::string list;
  if (arg.rfind("--enable=", 0) == 0) {
    enable = true;
    list = arg.substr(9);
  } else if (arg.rfind("--disable=", 0) == 0) {
    enable = false;
    list = arg.substr(10);
  } else {
    std::fprintf(stderr, "lvm: unknown option '%s'\n", arg.c_str());
    return false;
  }
  std::stringstream ss(list);
  std::string name;
  while (std::getline(ss, name, ',')) {
    auto f = feature_from_name(name);
    if (!f) {
      std::fprintf(stderr, "lvm: unknown feature '%s'\n", name.c_str());
      return false;
    }
    enable ? features.enable(*f) : features.disable(*f);
  }
  return true;
}

bool parse_load_args(const std::vector<std::string>& args, LoadOptions& opts, std::vector<std::string>& files) {
  for (const std::string& a : args) {
    if (a.rfind("--", 0) == 0) {
      if (!parse_feature_flag(a, opts.features)) return false;
    } else {
      files.push_back(a);
    }
  }
  return true;
}

}  // namespace lvm::cli
