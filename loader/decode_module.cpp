// The module's outer structure (spec 5.5.15): preamble, sections in order,
// and the checks that span sections.
#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cstdio>
#include <cstring>
#include <algorithm>
#include <fstream>
#include <iterator>
#include <string>

#include "loader/decoder.h"

namespace lvm {

const char* section_name(uint8_t id) {
  switch (SectionId(id)) {
    case SectionId::Custom: return "custom";
    case SectionId::Type: return "type";
    case SectionId::Import: return "import";
    case SectionId::Function: return "function";
    case SectionId::Table: return "table";
    case SectionId::Memory: return "memory";
    case SectionId::Global: return "global";
    case SectionId::Export: return "export";
    case SectionId::Start: return "start";
    case SectionId::Element: return "element";
    case SectionId::Code: return "code";
    case SectionId::Data: return "data";
    case SectionId::DataCount: return "data count";
    case SectionId::Tag: return "tag";
  }
  return "unknown";
}

namespace {
// Position of each known section id in the required order (spec 5.5.15);
// the data count section sits between element and code, tag (exceptions)
// between memory and global.
int section_rank(uint8_t id) {
  static constexpr int kRank[14] = {0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 12, 13, 11, 6};
  return id < 14 ? kRank[id] : -1;
}
}  // namespace

std::optional<LoadError> ModuleDecoder::run() {
  const uint8_t* begin = m_->bytes.data();
  Reader r(begin, begin + m_->bytes.size(), begin);
  r.set_context("preamble");
  static constexpr uint8_t kMagic[4] = {0x00, 0x61, 0x73, 0x6D};
  auto magic = r.bytes(4);
  if (!r.ok() || !std::equal(magic.begin(), magic.end(), kMagic)) {
    r = Reader(begin, begin + m_->bytes.size(), begin);
    r.fail(ErrorKind::Malformed, 0, "magic header not detected", "not a WebAssembly binary");
    return r.take_error();
  }
  uint32_t version = r.fixed32();
  if (!r.ok() || version != 1) {
    if (r.ok()) r.fail(ErrorKind::Malformed, 4, "unknown binary version", "version " + std::to_string(version));
    return r.take_error();
  }
  declared_refs_.clear();

  int last_rank = 0;
  while (!r.at_end() && r.ok()) {
    size_t at = r.offset();
    r.set_context("section header");
    uint8_t id = r.u8();
    uint32_t size = r.u32();
    if (!r.ok()) break;
    if (size > r.remaining()) {
      r.fail(ErrorKind::Malformed, at, "length out of bounds",
             std::string(section_name(id)) + " section of " + std::to_string(size) + " bytes, " +
                 std::to_string(r.remaining()) + " left in the module");
      break;
    }
    int rank = section_rank(id);
    if (rank < 0) {
      r.fail(ErrorKind::Malformed, at, "malformed section id", "id " + std::to_string(id));
      break;
    }
    if (id != 0) {
      if (rank <= last_rank) {
        r.fail(ErrorKind::Malformed, at, "unexpected content after last section",
               std::string(section_name(id)) + " section out of order or repeated");
        break;
      }
      last_rank = rank;
    }
    m_->sections.push_back({id, {uint32_t(r.offset()), size}});
    Reader s(r.pos(), r.pos() + size, begin);
    r.skip(size);
    // The function index space is complete once the function section (or
    // whatever comes after it) starts: size C.refs then.
    if (rank > 3 && declared_refs_.size() != m_->functions.size()) declared_refs_.assign(m_->functions.size(), false);
    switch (SectionId(id)) {
      case SectionId::Custom: decode_custom(s); break;
      case SectionId::Type: decode_types(s); break;
      case SectionId::Import: decode_imports(s); break;
      case SectionId::Function: decode_functions(s); break;
      case SectionId::Table: decode_tables(s); break;
      case SectionId::Memory: decode_memories(s); break;
      case SectionId::Tag: feature_check(s, Feature::Exceptions, "a tag section"); break;
      case SectionId::Global: decode_globals(s); break;
      case SectionId::Export: decode_exports(s); break;
      case SectionId::Start: decode_start(s); break;
      case SectionId::Element: decode_elements(s); break;
      case SectionId::DataCount: decode_data_count(s); break;
      case SectionId::Code: decode_code(s); break;
      case SectionId::Data: decode_data(s); break;
    }
    if (s.ok() && !s.at_end())
      s.fail(ErrorKind::Malformed, "section size mismatch",
             std::string(section_name(id)) + " section has " + std::to_string(s.remaining()) + " unread bytes");
    if (!s.ok()) return pick_error(s.take_error());
  }
  if (!r.ok()) return pick_error(r.take_error());
  finish(r);
  if (r.ok() && data_without_count_) return pick_error(data_use_error());
  return pick_error(r.take_error());
}

std::optional<LoadError> ModuleDecoder::pick_error(std::optional<LoadError> e) {
  if (e && e->kind == ErrorKind::Malformed) return e;
  if (code_invalid_) return std::move(code_invalid_);
  return e;
}

void ModuleDecoder::finish(Reader& r) {
  r.set_context(nullptr);
  if (!saw_code_section_ && declared_function_count_ != 0)
    r.fail(ErrorKind::Malformed, m_->bytes.size(), "function and code section have inconsistent lengths",
           std::to_string(declared_function_count_) + " functions declared, no code section");
  else if (m_->data_count && *m_->data_count != 0 && !saw_data_section_)
    r.fail(ErrorKind::Malformed, m_->bytes.size(), "data count and data section have inconsistent lengths",
           std::to_string(*m_->data_count) + " in the data count section, no data section");
}

// Code used a data index and there is no data count section, which spec
// 5.5.16 requires then. With data segments present the module is malformed.
// With none at all, the index names no segment whatever the encoding, and
// it is reported as an unknown data segment (spec 3.3): that is what such a
// module means in the text format, whose binary encoders (e.g. wabt) emit no
// data count section when there is no data.
LoadError ModuleDecoder::data_use_error() const {
  const DataUse& u = *data_without_count_;
  LoadError e;
  e.offset = u.offset;
  e.where = "function " + std::to_string(u.func_index);
  if (m_->data.empty()) {
    e.kind = ErrorKind::Invalid;
    e.message = "unknown data segment " + std::to_string(u.data_index) + " in " + std::string(u.op);
    e.detail = "the module has no data segments";
  } else {
    e.kind = ErrorKind::Malformed;
    e.message = "data count section required";
    e.detail = std::string(u.op) + " uses data segment " + std::to_string(u.data_index);
  }
  return e;
}

Result<std::shared_ptr<const Module>> load_module(std::vector<uint8_t>&& bytes, const LoadOptions& options) {
  auto m = std::make_unique<Module>();
  m->features = options.features;
  m->bytes = std::move(bytes);
  ModuleDecoder d(std::move(m), options);
  if (auto err = d.run()) return std::move(*err);
  return std::shared_ptr<const Module>(d.take());
}

Result<std::shared_ptr<const Module>> load_module(std::span<const uint8_t> bytes, const LoadOptions& options) {
  return load_module(std::vector<uint8_t>(bytes.begin(), bytes.end()), options);
}

Result<std::shared_ptr<const Module>> load_module_file(const std::string& path, const LoadOptions& options) {
  LoadError err;
  err.kind = ErrorKind::Io;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    err.message = "cannot open " + path;
    err.detail = std::strerror(errno);
    return err;
  }
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    err.message = "cannot read " + path;
    err.detail = "not a regular file";
    return err;
  }
  // One read of the whole file into the buffer the Module will own.
  std::vector<uint8_t> bytes(size_t(st.st_size));
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      err.message = "cannot read " + path;
      err.detail = n < 0 ? std::strerror(errno) : "file shrank while reading";
      ::close(fd);
      return err;
    }
    done += size_t(n);
  }
  ::close(fd);
  return load_module(std::move(bytes), options);
}

}  // namespace lvm
