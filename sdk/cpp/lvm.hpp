// lvm.hpp: the C++ guest SDK of lvm. Header-only C++20 for wasm32-wasi
// (clang++ --target=wasm32-wasi -std=c++20 -fno-exceptions), over the C ABI
// of sdk/c/lvm.h (docs/abi.md). docs/sdk-cpp.md is the guide.
//
// Every process is a fresh instance of the module with its own memory, so
// whatever goes from one process to another is copied as bytes: spawn
// arguments and messages must be Serializable (values, not pointers), and an
// entry cannot be a capturing lambda. Both are checked at compile time, with
// a message that names the offending type. Errors are values (Status,
// Result<T>, std::optional); nothing throws.
//
// Contents: errors; time and tags; process handles; serialization; sending
// and receiving; exit signals; request/reply; links, monitors, names and
// timers; spawning. The supervisor is in lvm/supervisor.hpp.
#pragma once

#include <algorithm>
#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "../c/lvm.h"

static_assert(sizeof(void*) == 4 && sizeof(std::size_t) == 4,
              "lvm.hpp is for wasm32 guests: build with clang++ --target=wasm32-wasi");

namespace lvm {

// ============================================================================
// Errors
// ============================================================================

// What a call that can fail reports: the ABI's status codes (docs/abi.md),
// and bad_message for bytes that do not decode as the expected type.
enum class Status : std::int32_t {
  ok = LVM_OK,
  no_process = LVM_ENOPROC,     // no such process, or it has ended
  timed_out = LVM_ETIMEDOUT,    // nothing matched before the timeout
  no_entry = LVM_ENOENTRY,      // spawn: not a void() function of this module
  limit = LVM_ELIMIT,           // spawn: a process, memory or address-space limit
  bad_module = LVM_EBADMODULE,  // (module_compile; not used by this SDK)
  no_message = LVM_ENOMSG,      // nothing received yet
  invalid = LVM_EINVAL,         // an argument out of range (a reserved tag, an empty name, ...)
  exists = LVM_EEXIST,          // register_name: the name is taken, or the caller has one
  not_found = LVM_ENOTFOUND,    // no such name, timer or active monitor
  not_permitted = LVM_EPERM,    // spawn: this process was spawned without the right to spawn; or the node refuses remote spawns
  no_node = LVM_ENONODE,        // not a distributed node, a malformed node name, or unreachable
  too_big = LVM_ETOOBIG,        // remote spawn: the module is beyond the node's --max-remote-module
  bad_message = 1000,           // a reply or spawn argument did not decode as the expected type
};

// The status's name, for messages: "timed_out".
constexpr std::string_view to_string(Status s) {
  switch (s) {
    case Status::ok: return "ok";
    case Status::no_process: return "no_process";
    case Status::timed_out: return "timed_out";
    case Status::no_entry: return "no_entry";
    case Status::limit: return "limit";
    case Status::bad_module: return "bad_module";
    case Status::no_message: return "no_message";
    case Status::invalid: return "invalid";
    case Status::exists: return "exists";
    case Status::not_found: return "not_found";
    case Status::not_permitted: return "not_permitted";
    case Status::no_node: return "no_node";
    case Status::too_big: return "too_big";
    case Status::bad_message: return "bad_message";
  }
  return "unknown status";
}

namespace detail {
// Ends the calling process with a trap after saying why on stderr. Only for
// misuse (value() of an error) and spawn arguments that cannot be decoded.
[[noreturn]] inline void panic(std::string_view what, std::string_view more = {}) {
  std::fprintf(stderr, "lvm: %.*s%.*s\n", int(what.size()), what.data(), int(more.size()), more.data());
  __builtin_trap();
}
}  // namespace detail

// A value, or the Status that prevented it (an expected<T, Status>).
template <class T>
class [[nodiscard]] Result {
 public:
  // A value.
  Result(T value) : value_(std::move(value)) {}
  // An error; Status::ok is not one (it becomes Status::invalid).
  Result(Status error) : status_(error == Status::ok ? Status::invalid : error) {}

  bool ok() const { return value_.has_value(); }
  explicit operator bool() const { return ok(); }
  // Status::ok when there is a value.
  Status status() const { return status_; }

  // The value; on an error the process traps (after printing the status).
  // The operators are value() too.
  T& value() & { return check(), *value_; }
  const T& value() const& { return check(), *value_; }
  T&& value() && { return check(), std::move(*value_); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  // The value, or fallback on an error.
  template <class U>
  T value_or(U&& fallback) const& {
    return ok() ? *value_ : T(std::forward<U>(fallback));
  }

 private:
  void check() const {
    if (!ok()) detail::panic("Result::value() of an error: ", to_string(status_));
  }
  std::optional<T> value_;
  Status status_ = Status::ok;
};

// ============================================================================
// Time and tags
// ============================================================================

// Timeouts and delays; any std::chrono duration converts (10ms, 2s).
using Duration = std::chrono::nanoseconds;

// A timeout that never expires (so does any negative one).
inline constexpr Duration infinity{-1};

// A message's tag: receivers select messages by it. The VM reserves tags up
// to LVM_TAG_RESERVED_MAX (sending one gives Status::invalid); this SDK uses
// [2^62, 2^63) for typed messages (tag_of) and [-2^62, 0) for replies
// (unique_tag). Tags in [0, 2^62) are the application's.
using Tag = std::int64_t;

// The tags of the messages the VM sends: EXIT (a linked process ended, with
// trap_exit on) and DOWN (a monitored process ended).
inline constexpr Tag exit_tag = LVM_TAG_EXIT;
inline constexpr Tag down_tag = LVM_TAG_DOWN;

namespace detail {
// T's name as the compiler spells it: "std::vector<int>".
template <class T>
constexpr std::string_view type_name() {
  constexpr std::string_view f = __PRETTY_FUNCTION__;  // "... type_name() [T = std::vector<int>]"
  constexpr std::size_t start = f.find("[T = ") + 5;
  return f.substr(start, f.rfind(']') - start);
}

constexpr std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325u;
  for (char c : s) h = (h ^ std::uint8_t(c)) * 0x100000001b3u;
  return h;
}
}  // namespace detail

// The tag of messages of type M (Process<M>::send, receive<M>): a hash of
// M's name in [2^62, 2^63). So a receive<M> takes only M's and leaves other
// messages queued, and two types share a tag only if their names collide in
// 62 bits.
template <class M>
inline constexpr Tag tag_of = Tag((std::uint64_t(1) << 62) | (detail::fnv1a(detail::type_name<M>()) >> 2));

// A tag that no other call of unique_tag in this process returns, in
// [-2^62, 0): the reply tag of a request. Only the caller's mailbox is
// searched for it, so a counter per process is enough (a process's statics
// start fresh, but so does its mailbox).
inline Tag unique_tag() {
  static std::uint64_t next = 0;
  return Tag((std::uint64_t(3) << 62) | (++next & ((std::uint64_t(1) << 62) - 1)));
}

// ============================================================================
// Process handles
// ============================================================================

// A monitor, from monitor() or spawn_monitor(); its DOWN carries it.
enum class MonitorRef : std::uint64_t {};
// A timer of send_after(), for cancel_timer().
enum class TimerRef : std::uint64_t {};

template <class M = void>
class Process;

// An untyped process handle: a process id. Every Process<M> converts to it.
// Serializable, so a handle can travel in a message or a spawn argument.
template <>
class Process<void> {
 public:
  // No process (pid 0; sending to it gives Status::no_process).
  constexpr Process() = default;
  // The process with this id (the C ABI's lvm_pid_t).
  constexpr explicit Process(lvm_pid_t pid) : pid_(pid) {}

  // Its id.
  constexpr lvm_pid_t pid() const { return pid_; }
  // Whether it names a process at all (not pid 0).
  constexpr explicit operator bool() const { return pid_ != 0; }
  // Same pid (whatever the handles' message types).
  friend constexpr bool operator==(const Process&, const Process&) = default;

  // Sends a copy of value with an explicit tag: selective receive by tag,
  // replies, or messages to C guests. Status::ok, no_process (it has ended;
  // the message is dropped, as in Erlang) or invalid (a reserved tag).
  template <class T>
  Status send(Tag tag, const T& value) const;

 private:
  lvm_pid_t pid_ = 0;
};

// A handle to a process that takes messages of type M (its "mailbox
// type"): send(m) sends with tag_of<M>, and the process gets them with
// receive<M>(). The SDK cannot check M against the process's code; M
// documents and types the protocol.
template <class M>
class Process : public Process<void> {
 public:
  using message_type = M;
  using Process<void>::Process;  // Process<M>(pid)
  using Process<void>::send;     // send(tag, value)

  // Sends a copy of message. Status::ok, or no_process if the process has
  // ended (the message is dropped, as in Erlang).
  Status send(const M& message) const;
};

// ============================================================================
// Serialization
// ============================================================================
//
// The wire format is the values in order, little-endian: arithmetic types
// and enums as their bytes (bool as one byte, 0 or 1), std::string and
// std::vector as a u32 count then the elements, std::array and C arrays as
// their elements, std::optional as a byte (0 or 1) then the value,
// std::pair and std::tuple as their elements, std::variant as a u32 index
// then the alternative, a Process as its u64 pid (on a
// distributed VM its portable form: write_pid), and a struct as what its
// serialize visits. Nothing else: the type is the tag's business (tag_of).
//
// The customization point: a struct is Serializable if it is
// default-constructible and has a member template
//     template <class A> void serialize(A& a) { a(field1, field2, ...); }
// naming its fields (each Serializable). The SDK calls it with a Writer to
// send, with a Reader to receive (into a default-constructed object), and to
// size it, so it must be a template over A.

class Writer;
class Reader;

namespace detail {
class SizeCounter;

template <class T, template <class...> class Template>
inline constexpr bool is_specialization = false;
template <template <class...> class Template, class... Args>
inline constexpr bool is_specialization<Template<Args...>, Template> = true;

template <class T>
inline constexpr bool is_std_array = false;
template <class T, std::size_t N>
inline constexpr bool is_std_array<std::array<T, N>> = true;

template <class T>
inline constexpr bool is_span = false;
template <class T, std::size_t N>
inline constexpr bool is_span<std::span<T, N>> = true;

template <class T>
inline constexpr bool is_process = false;
template <class M>
inline constexpr bool is_process<Process<M>> = true;

template <class T>
concept has_serialize_member = requires(T& t, Writer& w, Reader& r, SizeCounter& s) {
  t.serialize(w);
  t.serialize(r);
  t.serialize(s);
};

template <class T>
constexpr bool serializable();

// The type arguments of a tuple or variant, checked one by one.
template <class T>
struct each_type;
template <template <class...> class Template, class... Ts>
struct each_type<Template<Ts...>> {
  static constexpr bool serializable = (detail::serializable<Ts>() && ...);
  static constexpr bool require();
};

template <class T>
constexpr bool serializable() {
  if constexpr (std::is_const_v<T>) return serializable<std::remove_const_t<T>>();
  else if constexpr (std::is_volatile_v<T>) return false;
  else if constexpr (std::is_arithmetic_v<T> || std::is_enum_v<T>) return true;
  else if constexpr (std::is_bounded_array_v<T>) return serializable<std::remove_extent_t<T>>();
  else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, std::monostate> || is_process<T>)
    return true;
  else if constexpr (is_specialization<T, std::vector> || is_std_array<T> || is_specialization<T, std::optional>)
    return serializable<typename T::value_type>();
  else if constexpr (is_specialization<T, std::pair>)
    return serializable<typename T::first_type>() && serializable<typename T::second_type>();
  else if constexpr (is_specialization<T, std::tuple> || is_specialization<T, std::variant>)
    return each_type<T>::serializable;
  else if constexpr (std::is_class_v<T> && !is_span<T> && !std::is_same_v<T, std::string_view>)
    return has_serialize_member<T> && std::default_initializable<T>;
  else return false;  // pointers, references, functions, void, unions
}
}  // namespace detail

// A type whose values can be copied to another process: arithmetic types,
// enums, std::string, std::vector / std::array / C arrays / std::optional /
// std::pair / std::tuple / std::variant of Serializable types, std::monostate,
// Process<M> handles, and structs with a serialize member (above). Not
// pointers, references or views: they name the sender's memory, which no
// other process can see.
template <class T>
concept Serializable = detail::serializable<T>();

namespace detail {
// Diagnostics. require_serializable<T>() is true for a Serializable T; for
// any other T a static_assert fails whose requirement and "in instantiation
// of" notes name T (or the part of it at fault: int * in std::vector<int *>).
template <class T>
inline constexpr bool pointer_cannot_be_sent = false;
template <class T>
inline constexpr bool reference_cannot_be_sent = false;
template <class T>
inline constexpr bool view_cannot_be_sent = false;
template <class T>
inline constexpr bool type_has_no_serializer = false;
template <class T>
inline constexpr bool serializable_struct_needs_default_constructor = false;

template <class T>
constexpr bool require_serializable() {
  if constexpr (Serializable<T>) {
    return true;
  } else if constexpr (std::is_pointer_v<T> || std::is_member_pointer_v<T>) {
    static_assert(pointer_cannot_be_sent<T>,
                  "lvm: a pointer cannot be sent to another process: it holds an address in the sender's memory, "
                  "which the receiver cannot see (each process has its own memory). Send the value it points to "
                  "(a std::string for text, a std::vector for an array).");
    return false;
  } else if constexpr (std::is_reference_v<T> || is_specialization<T, std::reference_wrapper>) {
    static_assert(reference_cannot_be_sent<T>,
                  "lvm: a reference cannot be sent to another process: it names the sender's memory, which the "
                  "receiver cannot see (each process has its own memory). Send a copy of the value.");
    return false;
  } else if constexpr (std::is_const_v<T>) {
    return require_serializable<std::remove_const_t<T>>();
  } else if constexpr (is_span<T> || std::is_same_v<T, std::string_view>) {
    static_assert(view_cannot_be_sent<T>,
                  "lvm: a view (std::string_view, std::span) cannot be sent to another process: it points into the "
                  "sender's memory. Send a std::string or a std::vector.");
    return false;
  } else if constexpr (std::is_bounded_array_v<T>) {
    return require_serializable<std::remove_extent_t<T>>();
  } else if constexpr (is_specialization<T, std::vector> || is_std_array<T> ||
                       is_specialization<T, std::optional>) {
    return require_serializable<typename T::value_type>();
  } else if constexpr (is_specialization<T, std::pair>) {
    return require_serializable<typename T::first_type>() && require_serializable<typename T::second_type>();
  } else if constexpr (is_specialization<T, std::tuple> || is_specialization<T, std::variant>) {
    return each_type<T>::require();
  } else if constexpr (std::is_class_v<T> && has_serialize_member<T>) {
    static_assert(serializable_struct_needs_default_constructor<T>,
                  "lvm: a Serializable struct must be default-constructible: a receiver constructs one, then its "
                  "serialize reads the fields into it.");
    return false;
  } else {
    static_assert(type_has_no_serializer<T>,
                  "lvm: this type is not Serializable, so it cannot be sent to another process. Give it a member "
                  "`template <class A> void serialize(A& a) { a(field1, field2); }` naming its fields "
                  "(see docs/sdk-cpp.md).");
    return false;
  }
}

template <template <class...> class Template, class... Ts>
constexpr bool each_type<Template<Ts...>>::require() {
  return (require_serializable<Ts>() && ...);
}

// Bulk-copyable elements: any bit pattern is a valid value.
template <class T>
inline constexpr bool is_bulk = (std::is_arithmetic_v<T> && !std::is_same_v<T, bool>) || std::is_enum_v<T>;

// A process handle on the wire: its u64 pid when the VM is not
// distributed; on a node (lvm run --name) the pid's portable form
// (lvm_pid_encode, which names its node) behind a u64 of bit 63 | length,
// so a handle means the same process on whichever node decodes it.
inline constexpr std::uint64_t kPortablePid = std::uint64_t(1) << 63;
inline bool distributed() {
  static const bool on = lvm_node_self(nullptr, 0) > 0;
  return on;
}
void write_pid(Writer& w, lvm_pid_t pid);
bool read_pid(Reader& r, lvm_pid_t& pid);

template <class T>
void write(Writer& w, const T& value);
template <class T>
void read(Reader& r, T& value);
template <class T>
std::size_t min_size();
}  // namespace detail

// Appends values to a byte vector in the wire format. A struct's serialize
// gets one as its archive: a(fields...) writes them.
class Writer {
 public:
  // Appends to out.
  explicit Writer(std::vector<std::byte>& out) : out_(out) {}

  // Writes each value, in order.
  template <class... Ts>
  void operator()(const Ts&... values) {
    (write_one(values), ...);
  }
  // Writes raw bytes.
  void write_bytes(const void* data, std::size_t n) {
    const auto* p = static_cast<const std::byte*>(data);
    out_.insert(out_.end(), p, p + n);
  }

 private:
  template <class T>
  void write_one(const T& value) {
    if constexpr (detail::require_serializable<T>()) detail::write(*this, value);
  }
  std::vector<std::byte>& out_;
};

// Reads values in the wire format from a byte span. A struct's serialize
// gets one as its archive: a(fields...) reads into them. Malformed input
// (too few bytes, a bool that is not 0 or 1, a count beyond the bytes left,
// a variant index out of range) fails the reader: ok() turns false and
// further reads leave their targets alone.
class Reader {
 public:
  // Reads from in, which must outlive it.
  explicit Reader(std::span<const std::byte> in) : p_(in.data()), end_(in.data() + in.size()) {}

  // Reads into each value, in order.
  template <class... Ts>
  void operator()(Ts&... values) {
    (read_one(values), ...);
  }
  // Reads n raw bytes; false (and failed) if fewer are left.
  bool read_bytes(void* out, std::size_t n) {
    if (!ok_ || n > remaining()) return fail(), false;
    if (n) std::memcpy(out, p_, n);
    p_ += n;
    return true;
  }
  // Marks the input malformed.
  void fail() { ok_ = false; }
  // No read failed so far.
  bool ok() const { return ok_; }
  // Bytes not read yet.
  std::size_t remaining() const { return std::size_t(end_ - p_); }
  // Everything read without error, and nothing left over.
  bool done() const { return ok_ && p_ == end_; }

 private:
  template <class T>
  void read_one(T& value) {
    if constexpr (detail::require_serializable<T>())
      if (ok_) detail::read(*this, value);
  }
  const std::byte* p_;
  const std::byte* end_;
  bool ok_ = true;
};

namespace detail {
inline void write_pid(Writer& w, lvm_pid_t pid) {
  if (pid == 0 || !distributed()) {
    w.write_bytes(&pid, sizeof pid);
    return;
  }
  std::byte buf[300];
  const std::int32_t n = lvm_pid_encode(pid, buf, sizeof buf);
  const std::uint64_t head = kPortablePid | std::uint64_t(n > 0 && std::size_t(n) <= sizeof buf ? n : 0);
  w.write_bytes(&head, sizeof head);
  if (head != kPortablePid) w.write_bytes(buf, std::size_t(n));
}

inline bool read_pid(Reader& r, lvm_pid_t& pid) {
  std::uint64_t head = 0;
  if (!r.read_bytes(&head, sizeof head)) return false;
  if (!(head & kPortablePid)) {
    pid = head;
    return true;
  }
  const std::uint64_t n = head & ~kPortablePid;
  std::byte buf[300];
  if (n == 0 || n > sizeof buf || !r.read_bytes(buf, std::size_t(n))) return r.fail(), false;
  if (lvm_pid_decode(buf, std::size_t(n), &pid) != LVM_OK) return r.fail(), false;
  return true;
}
}  // namespace detail

namespace detail {
// Sizes a struct: the least number of bytes its encoding can take, so a
// count read from a message is checked against the bytes left before
// anything is allocated.
class SizeCounter {
 public:
  template <class... Ts>
  void operator()(const Ts&...) {
    n += (min_size<Ts>() + ... + 0);
  }
  std::size_t n = 0;
};

template <class T>
std::size_t min_size() {
  if constexpr (std::is_same_v<T, bool>) return 1;
  else if constexpr (std::is_arithmetic_v<T> || std::is_enum_v<T>) return sizeof(T);
  else if constexpr (std::is_bounded_array_v<T>) return std::extent_v<T> * min_size<std::remove_extent_t<T>>();
  else if constexpr (std::is_same_v<T, std::string> || is_specialization<T, std::vector> ||
                     is_specialization<T, std::variant>)
    return 4;
  else if constexpr (std::is_same_v<T, std::monostate>) return 0;
  else if constexpr (is_process<T>) return 8;
  else if constexpr (is_specialization<T, std::optional>) return 1;
  else if constexpr (is_std_array<T>) return std::tuple_size_v<T> * min_size<typename T::value_type>();
  else if constexpr (is_specialization<T, std::pair>)
    return min_size<typename T::first_type>() + min_size<typename T::second_type>();
  else if constexpr (is_specialization<T, std::tuple>)
    return []<class... Ts>(std::tuple<Ts...>*) { return (min_size<Ts>() + ... + 0); }(static_cast<T*>(nullptr));
  else {
    static const std::size_t n = [] {
      T t{};
      SizeCounter c;
      t.serialize(c);
      return c.n;
    }();
    return n;
  }
}

// Reads a u32 count of elements of type E, refusing one that cannot fit in
// the bytes left (elements that encode to nothing: at most 2^16).
template <class E>
bool read_count(Reader& r, std::uint32_t& n) {
  if (!r.read_bytes(&n, 4)) return false;
  const std::size_t each = min_size<E>();
  if (each ? n > r.remaining() / each : n > (1u << 16)) return r.fail(), false;
  return true;
}

inline void write_count(Writer& w, std::size_t n) {
  const auto n32 = std::uint32_t(n);
  w.write_bytes(&n32, 4);
}

template <class T>
void write(Writer& w, const T& v) {
  if constexpr (std::is_same_v<T, bool>) {
    const std::uint8_t b = v ? 1 : 0;
    w.write_bytes(&b, 1);
  } else if constexpr (is_bulk<T>) {
    w.write_bytes(&v, sizeof v);
  } else if constexpr (std::is_bounded_array_v<T>) {
    if constexpr (is_bulk<std::remove_extent_t<T>>) w.write_bytes(v, sizeof v);
    else for (const auto& e : v) w(e);
  } else if constexpr (std::is_same_v<T, std::string>) {
    write_count(w, v.size());
    w.write_bytes(v.data(), v.size());
  } else if constexpr (std::is_same_v<T, std::monostate>) {
  } else if constexpr (is_process<T>) {
    write_pid(w, v.pid());
  } else if constexpr (is_specialization<T, std::vector> || is_std_array<T>) {
    using E = typename T::value_type;
    if constexpr (is_specialization<T, std::vector>) write_count(w, v.size());
    if constexpr (is_bulk<E>) w.write_bytes(v.data(), v.size() * sizeof(E));
    else if constexpr (std::is_same_v<E, bool>) for (bool e : v) w(e);  // vector<bool>'s elements are proxies
    else for (const auto& e : v) w(e);
  } else if constexpr (is_specialization<T, std::optional>) {
    w(v.has_value());
    if (v) w(*v);
  } else if constexpr (is_specialization<T, std::pair>) {
    w(v.first, v.second);
  } else if constexpr (is_specialization<T, std::tuple>) {
    std::apply([&w](const auto&... e) { w(e...); }, v);
  } else if constexpr (is_specialization<T, std::variant>) {
    w(std::uint32_t(v.index()));
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      ((v.index() == I ? w(*std::get_if<I>(&v)) : void()), ...);
    }(std::make_index_sequence<std::variant_size_v<T>>{});
  } else {
    // The same serialize reads and writes, so it is not const.
    const_cast<T&>(v).serialize(w);
  }
}

template <class T>
void read(Reader& r, T& v) {
  if constexpr (std::is_same_v<T, bool>) {
    std::uint8_t b = 0;
    if (r.read_bytes(&b, 1)) {
      if (b > 1) r.fail();
      else v = b == 1;
    }
  } else if constexpr (is_bulk<T>) {
    r.read_bytes(&v, sizeof v);
  } else if constexpr (std::is_bounded_array_v<T>) {
    if constexpr (is_bulk<std::remove_extent_t<T>>) r.read_bytes(v, sizeof v);
    else for (auto& e : v) r(e);
  } else if constexpr (std::is_same_v<T, std::string>) {
    std::uint32_t n = 0;
    if (!read_count<char>(r, n)) return;
    v.resize(n);
    r.read_bytes(v.data(), n);
  } else if constexpr (std::is_same_v<T, std::monostate>) {
  } else if constexpr (is_process<T>) {
    lvm_pid_t pid = 0;
    if (read_pid(r, pid)) v = T(pid);
  } else if constexpr (is_specialization<T, std::vector>) {
    using E = typename T::value_type;
    std::uint32_t n = 0;
    if (!read_count<E>(r, n)) return;
    v.clear();
    v.resize(n);
    if constexpr (is_bulk<E>) {
      r.read_bytes(v.data(), n * sizeof(E));
    } else {
      for (std::size_t i = 0; i < n && r.ok(); i++) {
        if constexpr (std::is_same_v<E, bool>) {
          bool b = false;
          r(b);
          v[i] = b;
        } else {
          r(v[i]);
        }
      }
    }
  } else if constexpr (is_std_array<T>) {
    if constexpr (is_bulk<typename T::value_type>) r.read_bytes(v.data(), sizeof v);
    else for (auto& e : v) r(e);
  } else if constexpr (is_specialization<T, std::optional>) {
    bool has = false;
    r(has);
    if (!r.ok()) return;
    if (!has) {
      v.reset();
      return;
    }
    r(v.emplace());
  } else if constexpr (is_specialization<T, std::pair>) {
    r(v.first, v.second);
  } else if constexpr (is_specialization<T, std::tuple>) {
    std::apply([&r](auto&... e) { r(e...); }, v);
  } else if constexpr (is_specialization<T, std::variant>) {
    std::uint32_t index = 0;
    if (!r.read_bytes(&index, 4)) return;
    if (index >= std::variant_size_v<T>) return r.fail();
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      ((index == I ? r(v.template emplace<I>()) : void()), ...);
    }(std::make_index_sequence<std::variant_size_v<T>>{});
  } else {
    v.serialize(r);
  }
}
}  // namespace detail

// The wire-format bytes of value.
template <class T>
std::vector<std::byte> encode(const T& value) {
  std::vector<std::byte> out;
  Writer w(out);
  w(value);
  return out;
}

// Decodes bytes written by encode<T>: a T, or nullopt if they are not
// exactly one well-formed T.
template <class T>
std::optional<T> decode(std::span<const std::byte> bytes) {
  if constexpr (detail::require_serializable<T>()) {
    std::optional<T> value(std::in_place);
    Reader r(bytes);
    r(*value);
    if (r.done()) return value;
  }
  return std::nullopt;
}

// ============================================================================
// Sending and receiving
// ============================================================================

namespace detail {
inline std::int64_t timeout_ns(Duration d) { return d.count() < 0 ? LVM_INFINITY : d.count(); }

// Sends through one reused buffer (each process has its own statics).
template <class T>
Status send(lvm_pid_t to, Tag tag, const T& value) {
  static std::vector<std::byte> buffer;
  buffer.clear();
  Writer w(buffer);
  w(value);
  const auto status = Status(lvm_send(to, tag, buffer.data(), buffer.size()));
  if (buffer.capacity() > (std::size_t(1) << 16)) std::vector<std::byte>().swap(buffer);  // keep no large buffer
  return status;
}

// The last message received, whole.
struct Inbox {
  std::vector<std::byte> buffer;
  lvm_msg_info info{};
  std::span<const std::byte> bytes() const { return {buffer.data(), info.size}; }
};
inline Inbox& inbox() {
  static Inbox in;
  return in;
}

// Takes the oldest message with one of tags (any message if there are
// none) into inbox(), waiting up to timeout; false if none came.
inline bool receive_raw(std::span<const Tag> tags, Duration timeout) {
  Inbox& in = inbox();
  if (in.buffer.capacity() > (std::size_t(1) << 16)) std::vector<std::byte>().swap(in.buffer);  // keep no large one
  if (in.buffer.size() < 256) in.buffer.resize(256);
  if (lvm_receive(tags.data(), tags.size(), timeout_ns(timeout), in.buffer.data(), in.buffer.size(), &in.info) !=
      LVM_OK)
    return false;
  if (in.info.size > in.info.copied) {
    in.buffer.resize(in.info.size);
    lvm_message_read(in.info.copied, in.buffer.data() + in.info.copied, in.info.size - in.info.copied);
  }
  return true;
}

// Receives the next message with `tag` that decodes as an M. One that does
// not is dropped, with a line on stderr: it is a sender's bug, and leaving
// it queued would only hide the messages behind it.
template <class M>
std::optional<M> receive_typed(Tag tag, Duration timeout) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point start = Clock::now();
  const bool forever = timeout.count() < 0 || timeout > Clock::time_point::max() - start;
  const Clock::time_point deadline = forever ? Clock::time_point::max() : start + timeout;
  for (;;) {
    const Duration left = forever ? infinity : std::max(Duration(0), Duration(deadline - Clock::now()));
    if (!receive_raw({&tag, 1}, left)) return std::nullopt;
    if (auto m = lvm::decode<M>(inbox().bytes())) return m;
    const std::string_view name = type_name<M>();
    std::fprintf(stderr, "lvm: dropped a message from process %llu (tag %lld, %u bytes): it is not a well-formed %.*s\n",
                 (unsigned long long)inbox().info.sender, (long long)tag, unsigned(inbox().info.size),
                 int(name.size()), name.data());
  }
}
}  // namespace detail

template <class T>
Status Process<void>::send(Tag tag, const T& value) const {
  return detail::send(pid_, tag, value);
}

template <class M>
Status Process<M>::send(const M& message) const {
  return detail::send(pid(), tag_of<M>, message);
}

// The next message of type M (tag tag_of<M>, or the tag given), waiting as
// long as it takes; other messages stay queued (selective receive).
template <class M>
M receive(Tag tag = tag_of<M>) {
  return *detail::receive_typed<M>(tag, infinity);
}

// The same, waiting at most timeout (0: only what is queued already);
// nullopt if none came.
template <class M>
std::optional<M> receive_for(Duration timeout, Tag tag = tag_of<M>) {
  return detail::receive_typed<M>(tag, timeout);
}

// Why a process ended (the `kind` of an exit signal).
enum class ExitKind : std::int32_t {
  normal = LVM_EXIT_NORMAL,  // its entry returned, or it exited with code 0
  code = LVM_EXIT_CODE,      // it exited with a non-zero code
  trap = LVM_EXIT_TRAP,      // it trapped (the reason says why)
  killed = LVM_EXIT_KILLED,  // lvm::kill
  noproc = LVM_EXIT_NOPROC,  // it was not alive when the link or monitor was made
  noconnection = LVM_EXIT_NOCONNECTION,  // its node's connection was lost (docs/distribution.md)
};

// An EXIT message (a linked process ended; with trap_exit on) or a DOWN
// message (a monitored process ended), decoded.
struct ExitSignal {
  Process<> pid;                      // the process that ended
  ExitKind kind = ExitKind::normal;   // why
  std::int32_t code = 0;              // its exit code, for ExitKind::code
  std::string reason;                 // the trap's text (ExitKind::trap, killed), else empty
  MonitorRef monitor{};               // DOWN: the monitor's reference; EXIT: 0

  bool normal() const { return kind == ExitKind::normal; }
  // "trapped: integer divide by zero", "exited with code 3", ...
  std::string describe() const {
    switch (kind) {
      case ExitKind::normal: return "ended normally";
      case ExitKind::code: return "exited with code " + std::to_string(code);
      case ExitKind::trap: return "trapped: " + reason;
      case ExitKind::killed: return "was killed";
      case ExitKind::noproc: return "was not alive";
      case ExitKind::noconnection: return "was cut off (noconnection)";
    }
    return "ended (kind " + std::to_string(int(kind)) + ")";
  }
};

// A received message as it came: its tag, sender and bytes. For waiting on
// several kinds at once: receive_message({tag_of<A>, tag_of<B>, exit_tag}).
class Message {
 public:
  // A message with a copy of bytes.
  Message(Tag tag, Process<> sender, std::span<const std::byte> bytes)
      : tag_(tag), sender_(sender), bytes_(bytes.begin(), bytes.end()) {}

  Tag tag() const { return tag_; }                            // its tag
  Process<> sender() const { return sender_; }                // who sent it (for EXIT/DOWN: who ended)
  std::span<const std::byte> bytes() const { return bytes_; }  // its payload

  // Whether it has M's tag.
  template <class M>
  bool is() const {
    return tag_ == tag_of<M>;
  }
  // Its bytes as an M; nullopt if they are not a well-formed M.
  template <class M>
  std::optional<M> as() const {
    return lvm::decode<M>(bytes_);
  }
  // An EXIT or DOWN message, decoded; nullopt for any other.
  std::optional<ExitSignal> exit_signal() const {
    lvm_exit_info h;
    if ((tag_ != exit_tag && tag_ != down_tag) || bytes_.size() < sizeof h) return std::nullopt;
    std::memcpy(&h, bytes_.data(), sizeof h);
    const auto* text = reinterpret_cast<const char*>(bytes_.data() + sizeof h);
    return ExitSignal{Process<>(h.pid), ExitKind(h.kind), h.code, std::string(text, bytes_.size() - sizeof h),
                      MonitorRef(h.ref)};
  }

 private:
  Tag tag_;
  Process<> sender_;
  std::vector<std::byte> bytes_;
};

// The oldest message with one of tags (any message if tags is empty),
// waiting up to timeout; nullopt if none came.
inline std::optional<Message> receive_message(std::span<const Tag> tags, Duration timeout = infinity) {
  if (!detail::receive_raw(tags, timeout)) return std::nullopt;
  const detail::Inbox& in = detail::inbox();
  return Message(in.info.tag, Process<>(in.info.sender), in.bytes());
}
inline std::optional<Message> receive_message(std::initializer_list<Tag> tags, Duration timeout = infinity) {
  return receive_message(std::span<const Tag>(tags.begin(), tags.size()), timeout);
}
// The oldest message of any tag.
inline std::optional<Message> receive_any(Duration timeout = infinity) {
  return receive_message(std::span<const Tag>(), timeout);
}

// The next EXIT message (from a link, with trap_exit on), waiting up to
// timeout; nullopt if none came.
inline std::optional<ExitSignal> receive_exit(Duration timeout = infinity) {
  auto m = receive_message({exit_tag}, timeout);
  return m ? m->exit_signal() : std::nullopt;
}
// The next DOWN message (from a monitor), waiting up to timeout.
inline std::optional<ExitSignal> receive_down(Duration timeout = infinity) {
  auto m = receive_message({down_tag}, timeout);
  return m ? m->exit_signal() : std::nullopt;
}

// ============================================================================
// Request/reply
// ============================================================================

// A request to a server that answers with a Rep: what call() sends. The
// server takes it with receive<Call<Req, Rep>>() and answers with reply().
// The reply goes to the caller with a tag only that call waits for, so
// replies never mix up, not even with a late one of an earlier call that
// timed out.
template <class Req, class Rep>
struct Call {
  Process<> from;     // the caller
  Tag reply_tag = 0;  // the tag the caller waits for (unique_tag)
  Req request;

  // Sends the answer to the caller. Status::ok, or no_process if the caller
  // has ended.
  Status reply(const Rep& answer) const { return from.send(reply_tag, answer); }

  template <class A>
  void serialize(A& a) {
    a(from, reply_tag, request);
  }
};

// A handle to a process serving requests of type Req with replies of type Rep.
template <class Req, class Rep>
using Server = Process<Call<Req, Rep>>;

// Sends request to server and waits up to timeout for the reply: the Rep,
// or Status::no_process (the server had ended), timed_out (also when it
// ends without answering: monitor it to tell), or bad_message (the reply
// did not decode as a Rep).
template <class Req, class Rep>
Result<Rep> call(const Server<Req, Rep>& server, std::type_identity_t<Req> request, Duration timeout = infinity) {
  const Tag tag = unique_tag();
  if (server.send(Call<Req, Rep>{Process<>(lvm_self()), tag, std::move(request)}) == Status::no_process)
    return Status::no_process;
  if (!detail::receive_raw({&tag, 1}, timeout)) return Status::timed_out;
  auto reply = decode<Rep>(detail::inbox().bytes());
  if (!reply) return Status::bad_message;
  return std::move(*reply);
}

// ============================================================================
// Links, monitors, names, timers
// ============================================================================

// The calling process, as a handle that takes M's (untyped by default).
template <class M = void>
Process<M> self() {
  return Process<M>(lvm_self());
}

// Links the caller and p both ways: when either ends abnormally, so does
// the other, or, if it traps exits, it gets an EXIT message. Status::ok, or
// no_process (then a trapping caller gets an EXIT of kind noproc).
inline Status link(Process<> p) { return Status(lvm_link(p.pid())); }
// Removes a link both ways; no exit signal of it arrives afterwards.
inline Status unlink(Process<> p) { return Status(lvm_unlink(p.pid())); }

// Monitors p: one DOWN message comes when it ends (at once, kind noproc,
// if it is not alive).
inline Result<MonitorRef> monitor(Process<> p) {
  std::uint64_t ref = 0;
  if (const auto s = Status(lvm_monitor(p.pid(), &ref)); s != Status::ok) return s;
  return MonitorRef(ref);
}
// Stops a monitor and removes its DOWN if it was delivered already.
// Status::ok, or not_found if it was not active.
inline Status demonitor(MonitorRef ref) { return Status(lvm_demonitor(std::uint64_t(ref))); }

// With on, exit signals from links arrive as EXIT messages (receive_exit)
// instead of ending the caller. Returns the previous setting.
inline bool trap_exit(bool on) { return lvm_trap_exit(on ? 1 : 0) != 0; }

// Ends p (reason: killed) at its next scheduling point. Status::ok or no_process.
inline Status kill(Process<> p) { return Status(lvm_kill(p.pid())); }

// Ends the calling process with an exit code (0: normal), after flushing
// stdio. For the root process, the VM's exit code.
[[noreturn]] inline void exit(int code) {
  std::fflush(nullptr);
  lvm_exit(code);
}

// Suspends the caller for at least d, using no worker thread.
inline void sleep(Duration d) { lvm_sleep(d.count()); }
// Lets other processes run.
inline void yield() { lvm_yield(); }

// Registers a name (1 to 255 bytes) for the caller; it goes when the
// process ends. Status::ok, exists (taken, or the caller has one) or invalid.
inline Status register_name(std::string_view name) { return Status(lvm_register(name.data(), name.size())); }
// Removes a registered name. Status::ok or not_found.
inline Status unregister_name(std::string_view name) { return Status(lvm_unregister(name.data(), name.size())); }
// The process registered under name, as a handle taking M's.
template <class M = void>
std::optional<Process<M>> whereis(std::string_view name) {
  lvm_pid_t pid = 0;
  if (lvm_whereis(name.data(), name.size(), &pid) != LVM_OK) return std::nullopt;
  return Process<M>(pid);
}

namespace detail {
template <class T>
Result<TimerRef> send_after(lvm_pid_t to, Tag tag, const T& value, Duration delay) {
  const std::vector<std::byte> bytes = encode(value);
  std::uint64_t ref = 0;
  if (const auto s = Status(lvm_send_after(to, tag, bytes.data(), bytes.size(), delay.count(), &ref)); s != Status::ok)
    return s;
  return TimerRef(ref);
}
}  // namespace detail

// Sends a copy of message (made now) to `to` after delay. Status::invalid
// for a negative delay.
template <class M>
Result<TimerRef> send_after(const Process<M>& to, const std::type_identity_t<M>& message, Duration delay) {
  return detail::send_after(to.pid(), tag_of<M>, message, delay);
}
// The same with an explicit tag.
template <class T>
Result<TimerRef> send_after(Process<> to, Tag tag, const T& value, Duration delay) {
  return detail::send_after(to.pid(), tag, value, delay);
}
// Cancels a timer: its message is never delivered. Status::ok, or not_found
// if it fired already.
inline Status cancel_timer(TimerRef ref) { return Status(lvm_cancel_timer(std::uint64_t(ref))); }

// ============================================================================
// Spawning
// ============================================================================

// How to spawn. Limits narrow the parent's (0 keeps them): a child cannot
// get more than its parent has.
struct SpawnOptions {
  bool link = false;                   // linked to the caller from the start (spawn_link)
  bool monitor = false;                // monitored by the caller from the start (spawn_monitor)
  bool no_spawn = false;               // the child may not spawn (Status::not_permitted)
  std::uint32_t max_memory_pages = 0;  // 64 KiB pages its memory may grow to
  std::uint64_t max_reductions = 0;    // fuel: calls and loop iterations before it ends
  // Another node to run it on (docs/distribution.md): the module is sent
  // there if the node lacks it, and the call waits for the node's answer.
  // Empty: this node.
  std::string_view node;
};

// A started process and, with SpawnOptions::monitor, its monitor.
template <class M = void>
struct Spawned {
  Process<M> process;
  MonitorRef monitor{};
};

// An entry function with its arguments, encoded once and startable any
// number of times, each start a new process with its own copy (what a
// supervisor restarts). Made by task(fn, args...).
class Task {
 public:
  // An empty task: start() gives Status::no_entry.
  Task() = default;

  // Starts a process running the task. Status::limit, not_permitted, ...
  Result<Spawned<>> start(const SpawnOptions& options = {}) const {
    if (entry_ == 0) return Status::no_entry;
    lvm_spawn_opts o{};
    o.flags = (options.link ? LVM_SPAWN_LINK : 0u) | (options.monitor ? LVM_SPAWN_MONITOR : 0u) |
              (options.no_spawn ? LVM_SPAWN_NO_SPAWN : 0u);
    o.max_memory_pages = options.max_memory_pages;
    o.max_reductions = options.max_reductions;
    lvm_pid_t pid = 0;
    const auto s = options.node.empty()
                       ? Status(lvm_spawn_opt_raw(entry_, args_.data(), args_.size(), &o, &pid))
                       : Status(lvm_spawn_remote_raw(options.node.data(), options.node.size(), entry_, args_.data(),
                                                     args_.size(), &o, &pid));
    if (s != Status::ok) return s;
    return Spawned<>{Process<>(pid), MonitorRef(o.monitor_ref)};
  }

 private:
  template <class F, class... Args>
  friend Task task(F fn, Args&&... args);

  std::uint32_t entry_ = 0;       // the trampoline's table index
  std::vector<std::byte> args_;   // the function's table index, then the arguments
};

namespace detail {
template <class... Ts>
struct type_list {};

// An entry's signature as a function pointer type: from a function pointer,
// or from a lambda's (non-template) call operator.
template <class F>
struct call_signature {};
template <class R, class... P>
struct call_signature<R (*)(P...)> { using type = R (*)(P...); };
template <class R, class... P>
struct call_signature<R (*)(P...) noexcept> { using type = R (*)(P...); };
template <class C, class R, class... P>
struct call_signature<R (C::*)(P...)> { using type = R (*)(P...); };
template <class C, class R, class... P>
struct call_signature<R (C::*)(P...) const> { using type = R (*)(P...); };
template <class C, class R, class... P>
struct call_signature<R (C::*)(P...) noexcept> { using type = R (*)(P...); };
template <class C, class R, class... P>
struct call_signature<R (C::*)(P...) const noexcept> { using type = R (*)(P...); };

// The signature of an entry F: a function pointer, or a lambda with a
// call operator that is not a template.
template <class F>
struct entry_signature : call_signature<F> {};
template <class F>
  requires std::is_class_v<F> && requires { &F::operator(); }
struct entry_signature<F> : call_signature<decltype(&F::operator())> {};

template <class F>
inline constexpr bool entry_must_be_a_function_or_capture_free_lambda = false;
template <class F>
inline constexpr bool capturing_lambda_cannot_be_an_entry = false;
template <class R>
inline constexpr bool entry_must_return_void = false;
template <class Params, class Args>
inline constexpr bool argument_count_must_match_parameters = false;
template <class P>
inline constexpr bool entry_parameter_cannot_be_a_mutable_reference = false;
template <class A, class P>
inline constexpr bool argument_must_convert_to_parameter = false;

// An argument of type A (decayed) for a parameter of type P.
template <class P, class A>
constexpr bool check_argument() {
  using V = std::remove_cvref_t<P>;
  if constexpr (std::is_lvalue_reference_v<P> && !std::is_const_v<std::remove_reference_t<P>>) {
    static_assert(entry_parameter_cannot_be_a_mutable_reference<P>,
                  "lvm::spawn: an entry cannot take a non-const reference: the child gets its own copy of every "
                  "argument, and what it writes there never reaches the parent. Take the parameter by value (or "
                  "by const reference), and send results back in a message.");
    return false;
  } else if constexpr (!require_serializable<V>()) {
    return false;
  } else if constexpr (is_specialization<A, std::reference_wrapper>) {
    return require_serializable<A>();  // std::ref(x): a reference
  } else if constexpr (std::is_pointer_v<A> && !std::is_same_v<V, std::string>) {
    return require_serializable<A>();  // a pointer (only a C string may become a std::string)
  } else if constexpr (!std::is_convertible_v<A, V>) {
    static_assert(argument_must_convert_to_parameter<A, V>,
                  "lvm::spawn: an argument does not convert to the type of its entry parameter");
    return false;
  } else {
    return true;
  }
}

template <class R, class... P, class... A>
constexpr bool check_signature(R (*)(P...), type_list<A...>) {
  if constexpr (!std::is_void_v<R>) {
    static_assert(entry_must_return_void<R>,
                  "lvm::spawn: an entry must return void: what it returned would have nowhere to go. Send the "
                  "result to a process in a message.");
    return false;
  } else if constexpr (sizeof...(P) != sizeof...(A)) {
    static_assert(argument_count_must_match_parameters<type_list<P...>, type_list<A...>>,
                  "lvm::spawn: the number of arguments differs from the number of the entry's parameters");
    return false;
  } else {
    return (check_argument<P, A>() && ...);
  }
}

// Whether fn of type F can be spawned with arguments of types A (decayed).
template <class F, class... A>
constexpr bool check_entry() {
  if constexpr (std::is_pointer_v<F> && std::is_function_v<std::remove_pointer_t<F>>) {
    return check_signature(typename entry_signature<F>::type{}, type_list<A...>{});
  } else if constexpr (std::is_class_v<F> && requires { &F::operator(); }) {
    using Signature = typename entry_signature<F>::type;
    if constexpr (!std::is_convertible_v<F, Signature>) {
      static_assert(capturing_lambda_cannot_be_an_entry<F>,
                    "lvm::spawn: a capturing lambda cannot be a process entry: its captures live in the parent's "
                    "memory, which the child process cannot see (each process is a fresh instance with its own "
                    "memory). Pass what it needs as spawn arguments, taken as parameters.");
      return false;
    } else {
      return check_signature(Signature{}, type_list<A...>{});
    }
  } else {
    static_assert(entry_must_be_a_function_or_capture_free_lambda<F>,
                  "lvm::spawn: an entry must be a function pointer or a capture-free lambda with named parameter "
                  "types (not auto)");
    return false;
  }
}

// The process's real entry, a void() function: decodes the entry's table
// index and the arguments, then calls it. It flushes stdio when the entry
// returns (an entry is not main, whose return would).
template <class... P>
void trampoline() {
  std::vector<std::byte> bytes(std::size_t(lvm_args(nullptr, 0)));
  lvm_args(bytes.data(), bytes.size());
  Reader r(bytes);
  std::uint32_t index = 0;
  std::tuple<std::remove_cvref_t<P>...> values;
  r(index, values);
  if (!r.done()) panic("spawn: the arguments do not decode as the entry's parameters");
  const auto fn = reinterpret_cast<void (*)(P...)>(std::uintptr_t(index));
  std::apply([fn](auto&... v) { fn(std::move(v)...); }, values);
  std::fflush(nullptr);
}

// arg as a V: itself if it is one, else converted.
template <class V, class A>
decltype(auto) as_parameter(A&& arg) {
  if constexpr (std::is_same_v<std::remove_cvref_t<A>, V>) return static_cast<const V&>(arg);
  else return V(std::forward<A>(arg));
}

template <class... P, class... A>
void encode_spawn(std::vector<std::byte>& out, void (*fn)(P...), A&&... args) {
  Writer w(out);
  w(std::uint32_t(reinterpret_cast<std::uintptr_t>(fn)), as_parameter<std::remove_cvref_t<P>>(std::forward<A>(args))...);
}

template <class... P>
std::uint32_t trampoline_index(void (*)(P...)) {
  return std::uint32_t(reinterpret_cast<std::uintptr_t>(&trampoline<P...>));
}
}  // namespace detail

// A Task of fn(args...): fn is a function pointer or a capture-free lambda
// returning void; each argument is converted to its parameter's type
// (decayed: const T& and T&& parameters take a T), which must be
// Serializable. All of it is checked at compile time.
template <class F, class... Args>
Task task(F fn, Args&&... args) {
  Task t;
  if constexpr (detail::check_entry<F, std::decay_t<Args>...>()) {
    const typename detail::entry_signature<F>::type entry = fn;
    t.entry_ = detail::trampoline_index(entry);
    detail::encode_spawn(t.args_, entry, std::forward<Args>(args)...);
  }
  return t;
}

// Spawns a process running fn(args...) (see task) with options: its handle
// (typed: messages of type M) and, with options.monitor, the monitor.
template <class M = void, class F, class... Args>
Result<Spawned<M>> spawn_opt(const SpawnOptions& options, F fn, Args&&... args) {
  auto s = task(fn, std::forward<Args>(args)...).start(options);
  if (!s) return s.status();
  return Spawned<M>{Process<M>(s->process.pid()), s->monitor};
}

// Spawns a process running fn(args...): a fresh instance of this module
// that gets copies of the arguments. Status::limit or not_permitted.
template <class M = void, class F, class... Args>
Result<Process<M>> spawn(F fn, Args&&... args) {
  auto s = spawn_opt<M>(SpawnOptions{}, fn, std::forward<Args>(args)...);
  if (!s) return s.status();
  return s->process;
}

// spawn, linked to the caller before the child runs (it cannot end
// unobserved).
template <class M = void, class F, class... Args>
Result<Process<M>> spawn_link(F fn, Args&&... args) {
  auto s = spawn_opt<M>(SpawnOptions{.link = true}, fn, std::forward<Args>(args)...);
  if (!s) return s.status();
  return s->process;
}

// spawn, monitored by the caller before the child runs: the handle and the
// monitor whose DOWN reports its end.
template <class M = void, class F, class... Args>
Result<Spawned<M>> spawn_monitor(F fn, Args&&... args) {
  return spawn_opt<M>(SpawnOptions{.monitor = true}, fn, std::forward<Args>(args)...);
}

// spawn on another node (docs/distribution.md): the child is a fresh
// instance of this module there. Status::no_node, not_permitted (the node
// runs with --no-remote-spawn), too_big, limit, timed_out, ...
template <class M = void, class F, class... Args>
Result<Process<M>> spawn_remote(std::string_view node, F fn, Args&&... args) {
  auto s = spawn_opt<M>(SpawnOptions{.node = node}, fn, std::forward<Args>(args)...);
  if (!s) return s.status();
  return s->process;
}

// ============================================================================
// Nodes (docs/distribution.md; lvm run --name NAME@HOST)
// ============================================================================

namespace detail {
// A name the ABI writes into a buffer and returns the length of.
template <class F>
std::string node_name(F get) {
  char buf[256];
  const std::int32_t n = get(buf, sizeof buf);
  if (n <= 0) return {};
  return std::string(buf, std::size_t(std::min<std::int32_t>(n, sizeof buf)));
}
}  // namespace detail

// This node's name (NAME@HOST), empty when the VM is not distributed.
inline std::string node_self() {
  return detail::node_name([](char* b, std::size_t c) { return lvm_node_self(b, c); });
}
// The name of the node p lives on ("nonode@nohost" for a local process of
// a VM that is not distributed); empty for pid 0 or an unknown pid.
inline std::string node_of(Process<> p) {
  return detail::node_name([p](char* b, std::size_t c) { return lvm_pid_node(p.pid(), b, c); });
}
// The process registered under name on node (an lvm or an Erlang node),
// as a handle taking M's; empty node: this one. Status::not_found, no_node
// or timed_out.
template <class M = void>
Result<Process<M>> whereis(std::string_view name, std::string_view node) {
  lvm_pid_t pid = 0;
  if (const auto s = Status(lvm_whereis_remote(node.data(), node.size(), name.data(), name.size(), &pid));
      s != Status::ok)
    return s;
  return Process<M>(pid);
}
// Sends value with tag to the process registered as name on node
// ({Name, Node} ! Msg; dropped if there is none there). Status::ok,
// not_found (a local name unknown), no_node or invalid.
template <class T>
Status send_named(std::string_view node, std::string_view name, Tag tag, const T& value) {
  const std::vector<std::byte> bytes = encode(value);
  return Status(lvm_send_named(node.data(), node.size(), name.data(), name.size(), tag, bytes.data(), bytes.size()));
}
// Node up/down messages (LVM_TAG_NODEUP / LVM_TAG_NODEDOWN, the node's name
// as bytes) about node, or no more (on false). Status::ok or no_node.
inline Status monitor_node(std::string_view node, bool on = true) {
  return Status(lvm_monitor_node(node.data(), node.size(), on ? 1 : 0));
}

}  // namespace lvm
