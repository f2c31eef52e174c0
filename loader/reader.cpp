#include "loader/reader.h"

namespace lvm {

bool Reader::fail(ErrorKind kind, size_t at, std::string message, std::string detail) {
  if (!error_) {
    LoadError e;
    e.kind = kind;
    e.offset = at;
    e.message = std::move(message);
    e.detail = std::move(detail);
    if (ctx_what_) {
      e.where = ctx_what_;
      if (ctx_index_ >= 0) {
        e.where += ' ';
        e.where += std::to_string(ctx_index_);
      }
    }
    error_ = std::move(e);
  }
  pos_ = end_;
  return false;
}

uint8_t Reader::fail_eof() {
  fail(ErrorKind::Malformed, offset(), "unexpected end");
  return 0;
}

int64_t Reader::leb_slow(unsigned bits, bool is_signed) {
  const size_t start = offset();
  const unsigned max_bytes = (bits + 6) / 7;
  uint64_t result = 0;
  unsigned shift = 0;
  for (unsigned i = 0;; ++i) {
    if (pos_ >= end_) {
      fail(ErrorKind::Malformed, start, "unexpected end", "inside an integer");
      return 0;
    }
    uint8_t b = *pos_++;
    if (i == max_bytes - 1) {
      // Last byte: no continuation, and the bits beyond `bits` must be
      // zero (unsigned) or a sign extension (signed) (spec 5.2.2).
      if (b & 0x80) {
        fail(ErrorKind::Malformed, start, "integer representation too long");
        return 0;
      }
      unsigned used = bits - shift;  // payload bits this byte may carry
      if (is_signed) {
        uint8_t hi = uint8_t(b >> (used - 1));  // the sign bit and above
        if (hi != 0 && hi != (0x7F >> (used - 1))) {
          fail(ErrorKind::Malformed, start, "integer too large");
          return 0;
        }
      } else if (used < 7 && (b >> used) != 0) {
        fail(ErrorKind::Malformed, start, "integer too large");
        return 0;
      }
      result |= uint64_t(b & 0x7F) << shift;
      shift += 7;
      break;
    }
    result |= uint64_t(b & 0x7F) << shift;
    shift += 7;
    if (!(b & 0x80)) break;
  }
  if (is_signed && shift < 64 && (result >> (shift - 1)) & 1) result |= ~uint64_t(0) << shift;
  if (bits < 64) {
    // Keep only the `bits` low bits, sign-extended for signed values.
    if (is_signed) {
      int64_t v = int64_t(result << (64 - bits)) >> (64 - bits);
      return v;
    }
    result &= (uint64_t(1) << bits) - 1;
  }
  return int64_t(result);
}

std::string_view Reader::name() {
  uint32_t len = u32();
  size_t at = offset();
  if (!ok()) return {};
  if (len > remaining()) {
    fail(ErrorKind::Malformed, at, "length out of bounds", "name of " + std::to_string(len) + " bytes");
    return {};
  }
  auto b = bytes(len);
  if (!is_valid_utf8(b)) {
    fail(ErrorKind::Malformed, at, "malformed UTF-8 encoding");
    return {};
  }
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

uint32_t Reader::count(const char* what, size_t min_element_bytes) {
  size_t at = offset();
  uint32_t n = u32();
  if (ok() && min_element_bytes && n > remaining() / min_element_bytes) {
    fail(ErrorKind::Malformed, at, "unexpected end",
         std::string(what) + " count " + std::to_string(n) + " exceeds the remaining " +
             std::to_string(remaining()) + " bytes");
    return 0;
  }
  return n;
}

bool Reader::expect_end(const char* what) {
  if (!ok()) return false;
  if (pos_ != end_) return malformed("section size mismatch", std::string(what) + " has trailing bytes");
  return true;
}

bool is_valid_utf8(std::span<const uint8_t> s) {
  size_t i = 0, n = s.size();
  while (i < n) {
    uint8_t c = s[i];
    if (c < 0x80) { ++i; continue; }
    uint32_t cp;
    size_t len;
    if ((c & 0xE0) == 0xC0) { cp = c & 0x1F; len = 2; }
    else if ((c & 0xF0) == 0xE0) { cp = c & 0x0F; len = 3; }
    else if ((c & 0xF8) == 0xF0) { cp = c & 0x07; len = 4; }
    else return false;
    if (i + len > n) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)) return false;
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

}  // namespace lvm
