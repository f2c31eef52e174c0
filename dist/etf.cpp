#include "dist/etf.h"

#include <cstring>

namespace lvm::dist {

bool EtfReader::fail(const std::string& why) {
  if (why_.empty()) why_ = why + " at byte " + std::to_string(offset());
  p_ = end_;
  return false;
}

bool EtfReader::need(size_t n, const char* what) {
  if (!ok()) return false;
  if (left() < n) return fail(std::string("truncated term: ") + what + " needs " + std::to_string(n) + " bytes, " +
                              std::to_string(left()) + " left");
  return true;
}

uint32_t EtfReader::u32() {
  const uint32_t v = uint32_t(p_[0]) << 24 | uint32_t(p_[1]) << 16 | uint32_t(p_[2]) << 8 | p_[3];
  p_ += 4;
  return v;
}

uint16_t EtfReader::u16() {
  const uint16_t v = uint16_t(p_[0] << 8 | p_[1]);
  p_ += 2;
  return v;
}

bool EtfReader::version() {
  if (!need(1, "version")) return false;
  if (*p_ != kVersion) return fail("a term does not start with version 131 (got " + std::to_string(*p_) + ")");
  ++p_;
  return true;
}

bool EtfReader::tuple(uint32_t& arity) {
  if (!need(1, "tuple")) return false;
  if (*p_ == kSmallTuple) {
    if (!need(2, "tuple")) return false;
    arity = p_[1];
    p_ += 2;
    return true;
  }
  if (*p_ == kLargeTuple) {
    if (!need(5, "tuple")) return false;
    ++p_;
    arity = u32();
    return true;
  }
  return fail("expected a tuple, found tag " + std::to_string(*p_));
}

bool EtfReader::integer(int64_t& v) {
  if (!need(1, "integer")) return false;
  switch (*p_) {
    case kSmallInteger:
      if (!need(2, "integer")) return false;
      v = p_[1];
      p_ += 2;
      return true;
    case kInteger:
      if (!need(5, "integer")) return false;
      ++p_;
      v = int32_t(u32());
      return true;
    case kSmallBig: {
      if (!need(3, "integer")) return false;
      const uint32_t n = p_[1];
      const bool negative = p_[2] != 0;
      if (!need(3 + size_t(n), "integer")) return false;
      if (n > 8) return fail("an integer does not fit in 64 bits");
      uint64_t mag = 0;
      for (uint32_t k = 0; k < n; ++k) mag |= uint64_t(p_[3 + k]) << (8 * k);
      if (negative ? mag > uint64_t(INT64_MAX) + 1 : mag > uint64_t(INT64_MAX))
        return fail("an integer does not fit in 64 bits");
      v = negative ? int64_t(0 - mag) : int64_t(mag);
      p_ += 3 + n;
      return true;
    }
    default: return fail("expected an integer, found tag " + std::to_string(*p_));
  }
}

bool EtfReader::atom(std::string_view& name) {
  if (!need(1, "atom")) return false;
  const uint8_t tag = *p_;
  size_t len;
  if (tag == kSmallAtomUtf8 || tag == kSmallAtom) {
    if (!need(2, "atom")) return false;
    len = p_[1];
    p_ += 2;
  } else if (tag == kAtomUtf8 || tag == kAtom) {
    if (!need(3, "atom")) return false;
    ++p_;
    len = u16();
  } else {
    return fail("expected an atom, found tag " + std::to_string(tag));
  }
  if (len > 255 * 4) return fail("an atom is longer than 255 characters");
  if (!need(len, "atom text")) return false;
  name = {reinterpret_cast<const char*>(p_), len};
  p_ += len;
  return true;
}

bool EtfReader::pid(WirePid& out) {
  if (!need(1, "pid")) return false;
  const uint8_t tag = *p_;
  if (tag != kNewPid && tag != kPid) return fail("expected a pid, found tag " + std::to_string(tag));
  ++p_;
  if (!atom(out.node)) return false;
  if (!need(tag == kNewPid ? 12 : 9, "pid")) return false;
  out.id = u32();
  out.serial = u32();
  out.creation = tag == kNewPid ? u32() : *p_++;
  return true;
}

bool EtfReader::ref(WireRef& out) {
  if (!need(3, "reference")) return false;
  const uint8_t tag = *p_;
  if (tag != kNewerReference && tag != kNewReference) return fail("expected a reference, found tag " + std::to_string(tag));
  ++p_;
  out.len = u16();
  if (out.len == 0 || out.len > 5) return fail("a reference of " + std::to_string(out.len) + " words");
  if (!atom(out.node)) return false;
  if (!need(tag == kNewerReference ? 4 : 1, "reference")) return false;
  out.creation = tag == kNewerReference ? u32() : *p_++;
  if (!need(size_t(out.len) * 4, "reference")) return false;
  for (uint32_t k = 0; k < out.len; ++k) out.ids[k] = u32();
  return true;
}

bool EtfReader::binary(std::span<const uint8_t>& out) {
  if (!need(5, "binary")) return false;
  if (*p_ != kBinary) return fail("expected a binary, found tag " + std::to_string(*p_));
  ++p_;
  const uint32_t len = u32();
  if (!need(len, "binary bytes")) return false;
  out = {p_, len};
  p_ += len;
  return true;
}

bool EtfReader::list(uint32_t& length) {
  if (!need(1, "list")) return false;
  if (*p_ == kNil) {
    ++p_;
    length = 0;
    return true;
  }
  if (*p_ != kList) return fail("expected a list, found tag " + std::to_string(*p_));
  if (!need(5, "list")) return false;
  ++p_;
  length = u32();
  if (length > left()) return fail("a list of " + std::to_string(length) + " elements in " + std::to_string(left()) + " bytes");
  return true;
}

bool EtfReader::nil() {
  if (!need(1, "nil")) return false;
  if (*p_ != kNil) return fail("expected the end of a list, found tag " + std::to_string(*p_));
  ++p_;
  return true;
}

bool EtfReader::skip() {
  // Terms still to skip: a container adds its elements. Each element takes
  // at least one byte, so a count beyond the bytes left is refused early.
  uint64_t pending = 1;
  while (pending) {
    --pending;
    if (!need(1, "term")) return false;
    const uint8_t tag = *p_;
    auto more = [&](uint64_t n) {
      if (n > left()) return fail("a container of " + std::to_string(n) + " elements in " + std::to_string(left()) + " bytes");
      pending += n;
      return true;
    };
    auto bytes = [&](size_t n) {
      if (!need(n, "term")) return false;
      p_ += n;
      return true;
    };
    switch (tag) {
      case kSmallInteger: if (!bytes(2)) return false; break;
      case kInteger: if (!bytes(5)) return false; break;
      case kNewFloat: if (!bytes(9)) return false; break;
      case kFloat: if (!bytes(32)) return false; break;
      case kNil: if (!bytes(1)) return false; break;
      case kSmallAtom: case kSmallAtomUtf8: case kAtom: case kAtomUtf8: {
        std::string_view a;
        if (!atom(a)) return false;
        break;
      }
      case kNewPid: case kPid: {
        WirePid w;
        if (!pid(w)) return false;
        break;
      }
      case kNewerReference: case kNewReference: {
        WireRef r;
        if (!ref(r)) return false;
        break;
      }
      case kReference: case kPort: case kNewPort: case kV4Port: {
        ++p_;
        std::string_view a;
        if (!atom(a)) return false;
        const size_t n = tag == kReference || tag == kPort ? 5 : tag == kNewPort ? 8 : 12;
        if (!bytes(n)) return false;
        break;
      }
      case kSmallTuple: case kLargeTuple: {
        uint32_t arity;
        if (!tuple(arity) || !more(arity)) return false;
        break;
      }
      case kMap: {
        if (!need(5, "map")) return false;
        ++p_;
        if (!more(uint64_t(u32()) * 2)) return false;
        break;
      }
      case kList: {
        if (!need(5, "list")) return false;
        ++p_;
        if (!more(uint64_t(u32()) + 1)) return false;  // and the tail
        break;
      }
      case kString: {
        if (!need(3, "string")) return false;
        ++p_;
        if (!bytes(u16())) return false;
        break;
      }
      case kBinary: {
        std::span<const uint8_t> b;
        if (!binary(b)) return false;
        break;
      }
      case kBitBinary: {
        if (!need(6, "bit binary")) return false;
        ++p_;
        const uint32_t len = u32();
        if (!bytes(1 + size_t(len))) return false;
        break;
      }
      case kSmallBig: {
        if (!need(2, "big")) return false;
        const size_t n = p_[1];
        if (!bytes(3 + n)) return false;
        break;
      }
      case kLargeBig: {
        if (!need(5, "big")) return false;
        ++p_;
        const size_t n = u32();
        if (!bytes(1 + n)) return false;
        break;
      }
      case kExport: ++p_; if (!more(3)) return false; break;  // module, function, arity
      case kNewFun: {
        if (!need(5, "fun")) return false;
        const uint8_t* start = p_;
        ++p_;
        const uint32_t size = u32();  // counts itself, not the tag
        if (size < 4) return fail("a fun of size " + std::to_string(size));
        p_ = start;
        if (!bytes(1 + size_t(size))) return false;
        break;
      }
      case kFun: {
        if (!need(5, "fun")) return false;
        ++p_;
        if (!more(uint64_t(u32()) + 4)) return false;  // pid, module, index, uniq, free variables
        break;
      }
      default: return fail("unknown term tag " + std::to_string(tag));
    }
  }
  return true;
}

void EtfWriter::u32(uint32_t v) {
  const uint8_t b[4] = {uint8_t(v >> 24), uint8_t(v >> 16), uint8_t(v >> 8), uint8_t(v)};
  out_.insert(out_.end(), b, b + 4);
}

void EtfWriter::tuple(uint32_t arity) {
  if (arity < 256) {
    out_.push_back(kSmallTuple);
    out_.push_back(uint8_t(arity));
  } else {
    out_.push_back(kLargeTuple);
    u32(arity);
  }
}

void EtfWriter::integer(int64_t v) {
  if (v >= 0 && v < 256) {
    out_.push_back(kSmallInteger);
    out_.push_back(uint8_t(v));
  } else if (v >= INT32_MIN && v <= INT32_MAX) {
    out_.push_back(kInteger);
    u32(uint32_t(int32_t(v)));
  } else {
    uint64_t mag = v < 0 ? 0 - uint64_t(v) : uint64_t(v);
    uint8_t digits[8];
    uint8_t n = 0;
    while (mag) {
      digits[n++] = uint8_t(mag);
      mag >>= 8;
    }
    out_.push_back(kSmallBig);
    out_.push_back(n);
    out_.push_back(v < 0 ? 1 : 0);
    out_.insert(out_.end(), digits, digits + n);
  }
}

void EtfWriter::atom(std::string_view name) {
  const size_t n = std::min<size_t>(name.size(), 255);
  out_.push_back(kSmallAtomUtf8);
  out_.push_back(uint8_t(n));
  out_.insert(out_.end(), name.begin(), name.begin() + long(n));
}

void EtfWriter::pid(std::string_view node, uint32_t id, uint32_t serial, uint32_t creation) {
  out_.push_back(kNewPid);
  atom(node);
  u32(id);
  u32(serial);
  u32(creation);
}

void EtfWriter::ref(std::string_view node, uint32_t creation, std::span<const uint32_t> ids) {
  out_.push_back(kNewerReference);
  out_.push_back(0);
  out_.push_back(uint8_t(ids.size()));
  atom(node);
  u32(creation);
  for (uint32_t id : ids) u32(id);
}

void EtfWriter::binary(std::span<const uint8_t> bytes) {
  out_.push_back(kBinary);
  u32(uint32_t(bytes.size()));
  out_.insert(out_.end(), bytes.begin(), bytes.end());
}

void EtfWriter::list(uint32_t length) {
  out_.push_back(kList);
  u32(length);
}

namespace {
std::string print_term(std::span<const uint8_t> term, int depth) {
  EtfReader r(term);
  if (r.peek() == kVersion) r.version();
  const uint8_t tag = r.peek();
  std::string_view a;
  int64_t i;
  std::span<const uint8_t> b;
  uint32_t arity;
  if ((tag == kSmallAtomUtf8 || tag == kAtomUtf8 || tag == kSmallAtom || tag == kAtom) && r.atom(a)) return std::string(a);
  if ((tag == kSmallInteger || tag == kInteger || tag == kSmallBig) && r.integer(i)) return std::to_string(i);
  if (tag == kBinary && r.binary(b)) return "<<\"" + std::string(b.begin(), b.end()) + "\">>";
  if ((tag == kSmallTuple || tag == kLargeTuple) && r.tuple(arity)) {
    std::string out = "{";
    for (uint32_t k = 0; k < arity && r.ok(); ++k) {
      const uint8_t* start = r.position();
      if (!r.skip()) break;
      if (k) out += ",";
      out += depth > 6 ? std::string("...") : print_term({start, size_t(r.position() - start)}, depth + 1);
      if (out.size() > 512) return out + ",...}";
    }
    return out + "}";
  }
  switch (tag) {
    case kNil: return "[]";
    case kList: case kString: return "[...]";
    case kMap: return "#{...}";
    case kNewPid: case kPid: return "<pid>";
    case kNewerReference: case kNewReference: return "#Ref";
    default: return "<term>";
  }
}
}  // namespace

std::string etf_print(std::span<const uint8_t> term) {
  // Atoms, integers and binaries by value; the rest by kind. Enough for an
  // exit reason in a log line or an EXIT message's text.
  return print_term(term, 0);
}

}  // namespace lvm::dist
