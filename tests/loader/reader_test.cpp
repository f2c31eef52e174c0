// Tests for loader/reader.h: LEB128 limits, UTF-8 names, vector counts and
// the sticky error.
#include "loader/reader.h"

#include <doctest/doctest.h>

#include <vector>

using namespace lvm;

namespace {
struct R {
  std::vector<uint8_t> bytes;
  Reader r;
  explicit R(std::vector<uint8_t> b) : bytes(std::move(b)), r(bytes.data(), bytes.data() + bytes.size(), bytes.data()) {}
};
}  // namespace

TEST_CASE("u32 LEB128 decodes one to five bytes") {
  R a({0x00});
  CHECK(a.r.u32() == 0);
  R b({0xE5, 0x8E, 0x26});
  CHECK(b.r.u32() == 624485);
  R c({0xFF, 0xFF, 0xFF, 0xFF, 0x0F});
  CHECK(c.r.u32() == 0xFFFFFFFFu);
  CHECK(c.r.ok());
  CHECK(c.r.at_end());
  R padded({0x80, 0x80, 0x80, 0x80, 0x00});  // redundant zero padding is allowed
  CHECK(padded.r.u32() == 0);
  CHECK(padded.r.ok());
}

TEST_CASE("u32 LEB128 rejects a sixth byte and unused bits") {
  R too_long({0x80, 0x80, 0x80, 0x80, 0x80, 0x00});
  too_long.r.u32();
  REQUIRE_FALSE(too_long.r.ok());
  CHECK(too_long.r.error()->message == "integer representation too long");
  CHECK(too_long.r.error()->kind == ErrorKind::Malformed);

  R too_large({0xFF, 0xFF, 0xFF, 0xFF, 0x1F});
  too_large.r.u32();
  REQUIRE_FALSE(too_large.r.ok());
  CHECK(too_large.r.error()->message == "integer too large");
}

TEST_CASE("signed LEB128: sign extension and the last byte's bits") {
  R m1({0x7F});
  CHECK(m1.r.s32() == -1);
  R min({0x80, 0x80, 0x80, 0x80, 0x78});
  CHECK(min.r.s32() == INT32_MIN);
  CHECK(min.r.ok());
  R bad({0x80, 0x80, 0x80, 0x80, 0x70});  // bits above the sign disagree
  bad.r.s32();
  CHECK_FALSE(bad.r.ok());
  R s64min({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7F});
  CHECK(s64min.r.s64() == INT64_MIN);
  CHECK(s64min.r.ok());
  R s33({0x7F});
  CHECK(s33.r.s33() == -1);
  R s33max({0xFF, 0xFF, 0xFF, 0xFF, 0x0F});
  CHECK(s33max.r.s33() == 0xFFFFFFFFll);
}

TEST_CASE("reads past the end fail with 'unexpected end' and stay failed") {
  R r({0x80});
  CHECK(r.r.u32() == 0);
  REQUIRE_FALSE(r.r.ok());
  CHECK(r.r.error()->message == "unexpected end");
  CHECK(r.r.u8() == 0);  // sticky: later reads return 0
  CHECK(r.r.error()->offset == 0);
}

TEST_CASE("names must be valid UTF-8 within bounds") {
  R ok({0x03, 'a', 'b', 'c'});
  CHECK(ok.r.name() == "abc");
  R overlong({0x02, 0xC0, 0x80});
  overlong.r.name();
  CHECK(overlong.r.error()->message == "malformed UTF-8 encoding");
  R surrogate({0x03, 0xED, 0xA0, 0x80});
  surrogate.r.name();
  CHECK_FALSE(surrogate.r.ok());
  R beyond({0x05, 'a'});
  beyond.r.name();
  CHECK(beyond.r.error()->message == "length out of bounds");
  CHECK(is_valid_utf8(std::vector<uint8_t>{0xF0, 0x9F, 0x98, 0x80}));  // U+1F600
  CHECK_FALSE(is_valid_utf8(std::vector<uint8_t>{0xF4, 0x90, 0x80, 0x80}));  // > U+10FFFF
}

TEST_CASE("a vector count larger than the remaining bytes fails before allocation") {
  R r({0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x00});
  CHECK(r.r.count("type", 3) == 0);
  REQUIRE_FALSE(r.r.ok());
  CHECK(r.r.error()->detail.find("4294967295") != std::string::npos);
}

TEST_CASE("LoadError::format names message, offset, place and detail") {
  LoadError e{ErrorKind::Invalid, 0x1a3, "type mismatch in i32.add", "function 4", "expected i32, found f64"};
  CHECK(e.format() == "type mismatch in i32.add at offset 0x1a3 (function 4): expected i32, found f64");
}
