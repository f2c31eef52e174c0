// Custom sections (spec 5.5.3) and the `name` section (spec 7.4.1). A
// malformed name section is ignored, never an error (spec 7.4).
#include <string>

#include "loader/decoder.h"

namespace lvm {

namespace {

// Reads a name map (spec 7.4.1.1) into `out`. Returns false if malformed.
template <class Map>
bool read_name_map(Reader& r, Map& out) {
  uint32_t n = r.count("name", 2);
  for (uint32_t i = 0; i < n && r.ok(); ++i) {
    uint32_t idx = r.u32();
    std::string_view s = r.name();
    if (r.ok()) out[idx] = std::string(s);
  }
  return r.ok();
}

void read_names(Reader& r, Names& names) {
  int last = -1;
  while (!r.at_end() && r.ok()) {
    uint8_t id = r.u8();
    uint32_t size = r.u32();
    if (!r.ok() || size > r.remaining() || int(id) <= last) return;
    last = id;
    Reader sub(r.pos(), r.pos() + size, r.origin());
    r.skip(size);
    switch (id) {
      case 0: names.module = std::string(sub.name()); break;
      case 1: read_name_map(sub, names.functions); break;
      case 2: {
        uint32_t n = sub.count("function", 2);
        for (uint32_t i = 0; i < n && sub.ok(); ++i) {
          uint32_t f = sub.u32();
          read_name_map(sub, names.locals[f]);
        }
        break;
      }
      default: break;  // extended name subsections: not used
    }
    if (!sub.ok()) return;
  }
}

}  // namespace

void ModuleDecoder::decode_custom(Reader& r) {
  r.set_context("custom section");
  std::string_view name = r.name();
  if (!r.ok()) return;
  CustomSection c;
  c.name = std::string(name);
  c.contents = {uint32_t(r.offset()), uint32_t(r.remaining())};
  if (c.name == "name") {
    Names names;
    Reader sub(r.pos(), r.end(), r.origin());
    read_names(sub, names);
    if (sub.ok()) m_->names = std::move(names);
  }
  r.skip(r.remaining());
  m_->customs.push_back(std::move(c));
}

}  // namespace lvm
