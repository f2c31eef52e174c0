// Bounds-checked reading of the WebAssembly binary format (spec 5.1-5.2):
// bytes, LEB128 integers, floats, names. Errors are sticky, in the manner of
// V8's Decoder: the first failure is recorded, every later read returns 0 and
// the reader jumps to its end, so decoding loops stay short and linear and
// callers check ok() where it matters.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "loader/error.h"

namespace lvm {

class Reader {
 public:
  // Reads [begin, end); offsets are reported relative to `origin` (the start
  // of the module), so errors name positions in the file.
  Reader(const uint8_t* begin, const uint8_t* end, const uint8_t* origin)
      : pos_(begin), end_(end), origin_(origin) {}

  bool ok() const { return !error_; }
  bool at_end() const { return pos_ >= end_; }
  size_t remaining() const { return size_t(end_ - pos_); }
  // Offset of the next byte from the start of the module.
  size_t offset() const { return size_t(pos_ - origin_); }
  const uint8_t* pos() const { return pos_; }
  const uint8_t* end() const { return end_; }
  const uint8_t* origin() const { return origin_; }

  // Names the entity being decoded, for error messages ("function", 4) ->
  // "(function 4)". `what` must outlive the reader (a literal).
  void set_context(const char* what, int64_t index = -1) {
    ctx_what_ = what;
    ctx_index_ = index;
  }

  uint8_t u8() {
    if (pos_ < end_) [[likely]] return *pos_++;
    return fail_eof();
  }
  uint8_t peek_u8() const { return pos_ < end_ ? *pos_ : 0; }

  uint32_t u32() {  // unsigned LEB128, at most 5 bytes (spec 5.2.2)
    if (end_ - pos_ >= 3) [[likely]] {
      uint32_t b0 = pos_[0];
      if (b0 < 0x80) { pos_ += 1; return b0; }
      uint32_t b1 = pos_[1];
      if (b1 < 0x80) { pos_ += 2; return (b0 & 0x7F) | (b1 << 7); }
      uint32_t b2 = pos_[2];
      if (b2 < 0x80) { pos_ += 3; return (b0 & 0x7F) | ((b1 & 0x7F) << 7) | (b2 << 14); }
    } else if (pos_ < end_ && *pos_ < 0x80) {
      return *pos_++;
    }
    return uint32_t(leb_slow(32, false));
  }
  int32_t s32() {
    if (end_ - pos_ >= 2) [[likely]] {
      uint32_t b0 = pos_[0];
      if (b0 < 0x80) { pos_ += 1; return int32_t(b0 << 25) >> 25; }
      uint32_t b1 = pos_[1];
      if (b1 < 0x80) { pos_ += 2; return int32_t(((b0 & 0x7F) | (b1 << 7)) << 18) >> 18; }
    } else if (pos_ < end_ && *pos_ < 0x40) {
      return *pos_++;
    }
    return int32_t(leb_slow(32, true));
  }
  int64_t s33() { return leb_slow(33, true); }
  uint64_t u64() { return uint64_t(leb_slow(64, false)); }
  int64_t s64() {
    if (end_ - pos_ >= 2) [[likely]] {
      uint32_t b0 = pos_[0];
      if (b0 < 0x80) { pos_ += 1; return int32_t(b0 << 25) >> 25; }
      uint32_t b1 = pos_[1];
      if (b1 < 0x80) { pos_ += 2; return int32_t(((b0 & 0x7F) | (b1 << 7)) << 18) >> 18; }
    } else if (pos_ < end_ && *pos_ < 0x40) {
      return *pos_++;
    }
    return leb_slow(64, true);
  }
  uint32_t fixed32() {
    uint32_t v = 0;
    if (need(4)) { std::memcpy(&v, pos_, 4); pos_ += 4; }
    return v;
  }
  uint64_t fixed64() {
    uint64_t v = 0;
    if (need(8)) { std::memcpy(&v, pos_, 8); pos_ += 8; }
    return v;
  }
  // The next n bytes (empty after an error).
  std::span<const uint8_t> bytes(size_t n) {
    if (!need(n)) return {};
    std::span<const uint8_t> s(pos_, n);
    pos_ += n;
    return s;
  }
  void skip(size_t n) { if (need(n)) pos_ += n; }

  // A name: u32 length then UTF-8 bytes, validated (spec 5.2.4).
  std::string_view name();

  // A vector count (spec 5.1.3). Each element needs at least
  // `min_element_bytes` bytes, so a count the rest of the input cannot hold
  // fails here, before anything is allocated for it.
  uint32_t count(const char* what, size_t min_element_bytes = 1);

  // Records the first error; later reads return 0. Returns false so callers
  // can `return r.fail(...)`.
  bool fail(ErrorKind kind, size_t at, std::string message, std::string detail = {});
  bool fail(ErrorKind kind, std::string message, std::string detail = {}) {
    return fail(kind, offset(), std::move(message), std::move(detail));
  }
  bool malformed(std::string message, std::string detail = {}) {
    return fail(ErrorKind::Malformed, offset(), std::move(message), std::move(detail));
  }

  // The first error, if any.
  const std::optional<LoadError>& error() const { return error_; }
  std::optional<LoadError> take_error() { return std::move(error_); }

  // Checks that exactly everything up to the end was consumed.
  bool expect_end(const char* what);

 private:
  bool need(size_t n) {
    if (remaining() >= n) [[likely]] return true;
    fail_eof();
    return false;
  }
  uint8_t fail_eof();
  int64_t leb_slow(unsigned bits, bool is_signed);

  const uint8_t* pos_;
  const uint8_t* end_;
  const uint8_t* origin_;
  const char* ctx_what_ = nullptr;
  int64_t ctx_index_ = -1;
  std::optional<LoadError> error_;
};

// True if `s` is well-formed UTF-8 (spec 5.2.4: no overlongs, no surrogates,
// at most U+10FFFF).
bool is_valid_utf8(std::span<const uint8_t> s);

}  // namespace lvm

namespace lvm {
// Two lower-case hex digits of a byte ("0a").
inline std::string to_hex(uint8_t b) {
  const char* d = "0123456789abcdef";
  return {d[b >> 4], d[b & 15]};
}
// "0x1f": a value in hex, as opcodes are written.
inline std::string hex(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%x", v);
  return buf;
}
}  // namespace lvm
