#include "loader/error.h"

#include <cstdio>

namespace lvm {

const char* error_kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::Malformed: return "malformed";
    case ErrorKind::Invalid: return "invalid";
    case ErrorKind::Unsupported: return "unsupported";
    case ErrorKind::Io: return "i/o error";
  }
  return "error";
}

std::string LoadError::format() const {
  std::string out = message;
  if (kind != ErrorKind::Io) {
    char buf[32];
    std::snprintf(buf, sizeof buf, " at offset 0x%zx", offset);
    out += buf;
  }
  if (!where.empty()) out += " (" + where + ")";
  if (!detail.empty()) out += ": " + detail;
  return out;
}

}  // namespace lvm
