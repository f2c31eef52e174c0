// Erlang's external term format (the "External Term Format" chapter of the
// ERTS user's guide): a bounded reader for what arrives from the network
// and a writer for what lvm sends. The reader never reads past its end,
// never recurses (nesting is a counter) and never allocates from a length
// it has not checked against the bytes left, so a corrupted or hostile term
// costs a refusal, not the node.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lvm::dist {

// Tags of the external term format used here (ERTS "External Term Format").
enum EtfTag : uint8_t {
  kVersion = 131,
  kNewFloat = 70,
  kBitBinary = 77,
  kNewPid = 88,
  kNewPort = 89,
  kNewerReference = 90,
  kSmallInteger = 97,
  kInteger = 98,
  kFloat = 99,
  kAtom = 100,
  kReference = 101,
  kPort = 102,
  kPid = 103,
  kSmallTuple = 104,
  kLargeTuple = 105,
  kNil = 106,
  kString = 107,
  kList = 108,
  kBinary = 109,
  kSmallBig = 110,
  kLargeBig = 111,
  kNewFun = 112,
  kExport = 113,
  kNewReference = 114,
  kSmallAtom = 115,
  kMap = 116,
  kFun = 117,
  kAtomUtf8 = 118,
  kSmallAtomUtf8 = 119,
  kV4Port = 120,
};

// A pid as the wire has it (NEW_PID_EXT; PID_EXT's 8-bit creation widened).
struct WirePid {
  std::string_view node;
  uint32_t id = 0, serial = 0, creation = 0;
};

// A reference (NEWER_REFERENCE_EXT): up to 5 words.
struct WireRef {
  std::string_view node;
  uint32_t creation = 0;
  uint32_t len = 0;
  uint32_t ids[5] = {};
};

// A cursor over one term's bytes. Every read checks the bytes left and the
// tag; the first failure sticks (ok() false, why() says what and where)
// and later reads fail too.
class EtfReader {
 public:
  EtfReader(std::span<const uint8_t> bytes) : begin_(bytes.data()), p_(bytes.data()), end_(bytes.data() + bytes.size()) {}
  bool ok() const { return why_.empty(); }
  const std::string& why() const { return why_; }
  size_t offset() const { return size_t(p_ - begin_); }
  size_t left() const { return size_t(end_ - p_); }
  const uint8_t* position() const { return p_; }
  // The next tag without taking it (0 at the end).
  uint8_t peek() const { return p_ < end_ ? *p_ : 0; }

  bool version();                   // the 131 that starts a term
  bool tuple(uint32_t& arity);      // SMALL_TUPLE_EXT / LARGE_TUPLE_EXT header
  bool integer(int64_t& v);         // small, 32-bit or a big that fits in 64 bits
  bool atom(std::string_view& name);
  bool pid(WirePid& out);
  bool ref(WireRef& out);
  bool binary(std::span<const uint8_t>& out);
  // A proper list's header (LIST_EXT: its length; the elements and the
  // tail follow) or NIL_EXT (length 0, nothing follows).
  bool list(uint32_t& length);
  bool nil();
  // Skips one whole term of any kind, iteratively (a deeply nested term
  // costs a counter, not the native stack).
  bool skip();
  // Fails with `why` (used by callers for a wrong shape).
  bool fail(const std::string& why);

 private:
  bool need(size_t n, const char* what);
  uint32_t u32();
  uint16_t u16();
  const uint8_t* begin_;
  const uint8_t* p_;
  const uint8_t* end_;
  std::string why_;
};

// Appends terms to a byte vector (the version byte is the caller's).
class EtfWriter {
 public:
  explicit EtfWriter(std::vector<uint8_t>& out) : out_(out) {}
  void version() { out_.push_back(kVersion); }
  void tuple(uint32_t arity);
  void integer(int64_t v);
  void atom(std::string_view name);
  void pid(std::string_view node, uint32_t id, uint32_t serial, uint32_t creation);
  void ref(std::string_view node, uint32_t creation, std::span<const uint32_t> ids);
  void binary(std::span<const uint8_t> bytes);
  // LIST_EXT's header: `length` elements and a tail (nil()) follow.
  void list(uint32_t length);
  void nil() { out_.push_back(kNil); }
  void u32(uint32_t v);
  std::vector<uint8_t>& bytes() { return out_; }

 private:
  std::vector<uint8_t>& out_;
};

// A short printable form of a validated term (for logs and reasons).
std::string etf_print(std::span<const uint8_t> term);

}  // namespace lvm::dist
