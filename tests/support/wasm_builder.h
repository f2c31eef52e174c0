// Test support: assembles WebAssembly binaries byte by byte, so tests can
// build exactly the (valid or broken) module they need without wat2wasm.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace lvm::test {

using Bytes = std::vector<uint8_t>;

inline void put_u32(Bytes& out, uint64_t v) {
  do {
    uint8_t b = v & 0x7F;
    v >>= 7;
    out.push_back(uint8_t(b | (v ? 0x80 : 0)));
  } while (v);
}

inline void put_s64(Bytes& out, int64_t v) {
  for (;;) {
    uint8_t b = v & 0x7F;
    v >>= 7;
    bool done = (v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40));
    out.push_back(uint8_t(b | (done ? 0 : 0x80)));
    if (done) break;
  }
}

inline Bytes leb(uint64_t v) { Bytes b; put_u32(b, v); return b; }
inline Bytes sleb(int64_t v) { Bytes b; put_s64(b, v); return b; }

inline Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

inline Bytes name(const std::string& s) {
  Bytes out = leb(s.size());
  out.insert(out.end(), s.begin(), s.end());
  return out;
}

// A vector: count then the concatenated items (spec 5.1.3).
inline Bytes vec(std::initializer_list<Bytes> items) {
  Bytes out = leb(items.size());
  for (const Bytes& i : items) out.insert(out.end(), i.begin(), i.end());
  return out;
}

inline Bytes section(uint8_t id, const Bytes& contents) {
  Bytes out{id};
  put_u32(out, contents.size());
  out.insert(out.end(), contents.begin(), contents.end());
  return out;
}

// The 8-byte preamble followed by the given sections.
inline Bytes module(std::initializer_list<Bytes> sections) {
  Bytes out{0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
  for (const Bytes& s : sections) out.insert(out.end(), s.begin(), s.end());
  return out;
}

// A function type (spec 5.3.6); params and results are value-type bytes.
inline Bytes functype(const Bytes& params, const Bytes& results) {
  return cat({{0x60}, leb(params.size()), params, leb(results.size()), results});
}

// A function body with no locals: size, then `code` (which must end with
// 0x0B).
inline Bytes body(const Bytes& code, const Bytes& locals = {0x00}) {
  Bytes inner = locals;
  inner.insert(inner.end(), code.begin(), code.end());
  Bytes out = leb(inner.size());
  out.insert(out.end(), inner.begin(), inner.end());
  return out;
}

// A module with one type and one function whose body is `code`, declaring
// `locals` (the body's encoded local declarations; none by default).
inline Bytes one_function(const Bytes& type, const Bytes& code, std::initializer_list<Bytes> extra_before_code = {},
                          const Bytes& locals = {0x00}) {
  Bytes out{0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
  auto add = [&](const Bytes& b) { out.insert(out.end(), b.begin(), b.end()); };
  add(section(1, vec({type})));
  add(section(3, vec({leb(0)})));
  for (const Bytes& s : extra_before_code) add(s);
  add(section(10, vec({body(code, locals)})));
  return out;
}

inline constexpr uint8_t I32 = 0x7F, I64 = 0x7E, F32 = 0x7D, F64 = 0x7C, V128 = 0x7B;
inline constexpr uint8_t FUNCREF = 0x70, EXTERNREF = 0x6F;

}  // namespace lvm::test
