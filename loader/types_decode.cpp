// Decoding of types shared by several sections (spec 5.3).
#include <string>

#include "loader/decoder.h"

namespace lvm {

bool ModuleDecoder::feature_check(Reader& r, Feature f, const char* what) {
  if (m_->features.has(f)) return true;
  return r.fail(ErrorKind::Unsupported, std::string(what) + " requires the " + std::string(feature_name(f)) +
                                            " proposal, which is not enabled");
}

ValType ModuleDecoder::read_valtype(Reader& r) {
  size_t at = r.offset();
  uint8_t b = r.u8();
  switch (b) {
    case 0x7F: case 0x7E: case 0x7D: case 0x7C:
      return ValType(b);
    case 0x7B:
      if (!feature_check(r, Feature::Simd, "type v128")) return ValType::I32;
      return ValType::V128;
    case 0x70: case 0x6F:
      return ValType(b);
    case 0x64: case 0x63:  // (ref ht), (ref null ht)
      feature_check(r, Feature::FunctionReferences, "typed references");
      return ValType::I32;
    default:
      if (r.ok()) r.fail(ErrorKind::Malformed, at, "malformed value type", "byte 0x" + to_hex(b));
      return ValType::I32;
  }
}

ValType ModuleDecoder::read_reftype(Reader& r) {
  size_t at = r.offset();
  uint8_t b = r.u8();
  if (b == 0x70 || b == 0x6F) return ValType(b);
  if (r.ok()) r.fail(ErrorKind::Malformed, at, "malformed reference type", "byte 0x" + to_hex(b));
  return ValType::FuncRef;
}

Limits ModuleDecoder::read_limits(Reader& r, uint64_t max_allowed, const char* what, bool is_memory) {
  Limits l;
  size_t at = r.offset();
  uint8_t flags = r.u8();
  if (flags & 0x02) {
    if (!is_memory) {
      r.fail(ErrorKind::Malformed, at, "malformed limits flags", "shared tables do not exist");
      return l;
    }
    if (!feature_check(r, Feature::Threads, "a shared memory")) return l;
    l.shared = true;
  }
  if (flags & 0x04) {
    if (!is_memory) {
      r.fail(ErrorKind::Malformed, at, "malformed limits flags");
      return l;
    }
    feature_check(r, Feature::Memory64, "a 64-bit memory");
    return l;
  }
  if (flags > 0x07) {
    r.fail(ErrorKind::Malformed, at, "malformed limits flags", "byte 0x" + to_hex(flags));
    return l;
  }
  l.min = r.u32();
  if (flags & 0x01) l.max = r.u32();
  if (!r.ok()) return l;
  if (l.shared && !l.max) {
    r.fail(ErrorKind::Invalid, at, "shared memory must have maximum");
    return l;
  }
  std::string unit = is_memory ? " pages" : " elements";
  if (l.min > max_allowed || (l.max && *l.max > max_allowed)) {
    if (is_memory)
      r.fail(ErrorKind::Invalid, at, "memory size must be at most 65536 pages (4GiB)");
    else
      r.fail(ErrorKind::Invalid, at, std::string(what) + " size exceeds the limit",
             "at most " + std::to_string(max_allowed) + unit);
    return l;
  }
  if (l.max && l.min > *l.max)
    r.fail(ErrorKind::Invalid, at, "size minimum must not be greater than maximum",
           std::to_string(l.min) + " > " + std::to_string(*l.max) + unit);
  return l;
}

TableType ModuleDecoder::read_table_type(Reader& r) {
  TableType t;
  t.elem = read_reftype(r);
  // The spec allows any u32 table size in a type; growth beyond the engine's
  // limit fails at run time instead.
  t.limits = read_limits(r, 0xFFFFFFFFu, "table", false);
  return t;
}

MemoryType ModuleDecoder::read_memory_type(Reader& r) {
  MemoryType t;
  t.limits = read_limits(r, kMaxMemoryPages, "memory", true);
  return t;
}

GlobalType ModuleDecoder::read_global_type(Reader& r) {
  GlobalType g;
  g.type = read_valtype(r);
  size_t at = r.offset();
  uint8_t mut = r.u8();
  if (mut > 1 && r.ok()) r.fail(ErrorKind::Malformed, at, "malformed mutability", "byte 0x" + to_hex(mut));
  g.mutable_ = mut == 1;
  return g;
}

uint32_t ModuleDecoder::read_type_index(Reader& r) {
  size_t at = r.offset();
  uint32_t idx = r.u32();
  if (r.ok() && idx >= m_->types.size())
    r.fail(ErrorKind::Invalid, at, "unknown type " + std::to_string(idx),
           std::to_string(m_->types.size()) + " types are defined");
  return idx;
}

}  // namespace lvm
