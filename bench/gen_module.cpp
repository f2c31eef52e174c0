// Generator of large valid modules (see gen_module.h). Code is built from
// typed expression trees and statements, so it validates by construction:
// every expression leaves exactly one value of the type asked for, every
// statement leaves the stack as it found it, and branches only target labels
// whose types they satisfy.
#include "bench/gen_module.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>

namespace lvm::bench {
namespace {

// Value types, by their binary encoding.
enum VT : uint8_t { I32 = 0x7F, I64 = 0x7E, F32 = 0x7D, F64 = 0x7C, V128 = 0x7B };
constexpr VT kTypes[] = {I32, I64, F32, F64, V128};
constexpr unsigned ti(VT t) { return t == I32 ? 0 : t == I64 ? 1 : t == F32 ? 2 : t == F64 ? 3 : 4; }
constexpr unsigned natural_log2(VT t) { return t == I32 || t == F32 ? 2 : t == V128 ? 4 : 3; }

// splitmix64: small, fast and the same everywhere (the <random>
// distributions are not specified bit for bit).
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t next() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint32_t below(uint32_t n) { return uint32_t(((next() >> 32) * n) >> 32); }
  uint32_t range(uint32_t lo, uint32_t hi) { return lo + below(hi - lo + 1); }  // inclusive
  bool chance(uint32_t percent) { return below(100) < percent; }
  template <class T, size_t N>
  T pick(const T (&a)[N]) { return a[below(N)]; }

 private:
  uint64_t s_;
};

// A growing byte buffer with the binary format's encodings.
struct Buf {
  std::vector<uint8_t> b;
  size_t size() const { return b.size(); }
  void u8(uint8_t v) { b.push_back(v); }
  void u32(uint32_t v) {
    do {
      uint8_t byte = v & 0x7F;
      v >>= 7;
      b.push_back(v ? byte | 0x80 : byte);
    } while (v);
  }
  void s64(int64_t v) {
    for (;;) {
      uint8_t byte = v & 0x7F;
      v >>= 7;  // arithmetic shift
      bool done = (v == 0 && !(byte & 0x40)) || (v == -1 && (byte & 0x40));
      b.push_back(done ? byte : byte | 0x80);
      if (done) return;
    }
  }
  void raw(const void* p, size_t n) {
    auto* c = static_cast<const uint8_t*>(p);
    b.insert(b.end(), c, c + n);
  }
  void append(const Buf& o) { b.insert(b.end(), o.b.begin(), o.b.end()); }
  void name(std::string_view s) {
    u32(uint32_t(s.size()));
    raw(s.data(), s.size());
  }
  // A section: id, size, contents.
  void section(uint8_t id, const Buf& contents) {
    u8(id);
    u32(uint32_t(contents.size()));
    append(contents);
  }
};

struct Sig {
  std::vector<VT> params;
  std::vector<VT> results;
  bool operator==(const Sig&) const = default;
};

struct GlobalDef {
  VT type;
  bool mut;
};

class Generator {
 public:
  Generator(const GenOptions& opts) : opts_(opts), rng_(opts.seed) {}
  std::vector<uint8_t> run(GenStats* stats);

 private:
  // ---- module-level setup ----
  void make_types();
  uint32_t add_type(Sig s);
  VT random_valtype(bool allow_v128);
  uint32_t result_slot(const Sig& s) const { return s.results.empty() ? 0 : 1 + ti(s.results[0]); }

  // ---- one function ----
  void function(uint32_t func_index, Buf& out);
  void stmts(int depth, uint32_t n);
  void stmt(int depth);
  void expr(VT t, int depth);
  void expr_i32(int d);
  void expr_i64(int d);
  void expr_f32(int d);
  void expr_f64(int d);
  void expr_v128(int d);
  void leaf(VT t);
  void konst(VT t);
  void addr(int d);
  void memarg(unsigned natural);
  void cond(int d);
  bool call_returning(int slot, int d);       // slot: 0 none, 1 + ti(t)
  bool call_indirect_returning(int slot, int d);
  void args(const Sig& s, int d);
  bool tee(VT t, int d);
  void select(VT t, int d);
  void if_expr(VT t, int d);
  uint32_t local_of(VT t) { auto& v = locals_by_type_[ti(t)]; return v[rng_.below(uint32_t(v.size()))]; }
  bool has_local(VT t) const { return !locals_by_type_[ti(t)].empty(); }
  uint32_t depth_of(size_t label_pos) const { return uint32_t(labels_.size() - 1 - label_pos); }

  void op(uint8_t code) { ++instructions_; out_->u8(code); }
  void op_fc(uint32_t sub) { ++instructions_; out_->u8(0xFC); out_->u32(sub); }
  void op_fd(uint32_t sub) { ++instructions_; out_->u8(0xFD); out_->u32(sub); }
  void begin(uint8_t opcode, uint8_t blocktype, uint8_t label) {
    op(opcode);
    out_->u8(blocktype);
    labels_.push_back(label);
  }
  void end() {
    op(0x0B);
    labels_.pop_back();
  }

  GenOptions opts_;
  Rng rng_;
  std::vector<Sig> types_;
  std::vector<uint32_t> func_types_;  // by function index, imports first
  std::vector<uint32_t> funcs_by_result_[6];  // function indices by result slot
  std::vector<uint32_t> types_by_result_[6];  // type indices by result slot (call_indirect)
  std::vector<GlobalDef> globals_;
  std::vector<uint32_t> globals_by_type_[5];
  std::vector<uint32_t> mutable_globals_;
  uint32_t blk_i_i_ = 0, blk_ii_i_ = 0;  // block types [i32]->[i32], [i32 i32]->[i32]
  uint32_t num_imports_ = 0;
  uint32_t proc_exit_ = 0;  // an imported [i32]->[] that does not return
  uint64_t instructions_ = 0;

  // The function being generated.
  Buf* out_ = nullptr;
  uint32_t self_ = 0;
  const Sig* sig_ = nullptr;
  std::vector<uint32_t> locals_by_type_[5];
  std::vector<uint8_t> labels_;  // per enclosing label: 0 or the one type a branch carries
  bool simd_fn_ = false;
};

VT Generator::random_valtype(bool allow_v128) {
  uint32_t r = rng_.below(100);
  if (allow_v128 && opts_.simd && r < 3) return V128;
  if (r < 60) return I32;
  if (r < 75) return I64;
  if (r < 85) return F32;
  return F64;
}

uint32_t Generator::add_type(Sig s) {
  for (uint32_t i = 0; i < types_.size(); ++i)
    if (types_[i] == s) return i;
  types_.push_back(std::move(s));
  return uint32_t(types_.size() - 1);
}

void Generator::make_types() {
  blk_i_i_ = add_type({{I32}, {I32}});
  blk_ii_i_ = add_type({{I32, I32}, {I32}});
  add_type({{}, {}});
  add_type({{I32}, {}});
  add_type({{I32, I32, I32, I32}, {I32}});
  add_type({{I32, I64, I32}, {I32}});
  add_type({{F64}, {}});
  add_type({{I32, I32}, {}});
  add_type({{}, {I32}});
  add_type({{I32, I32, I32}, {I32}});
  add_type({{F64, F64}, {F64}});
  add_type({{F32}, {F32}});
  add_type({{I64, I64}, {I64}});
  while (types_.size() < 64) {
    Sig s;
    uint32_t np = std::min(rng_.below(5), rng_.below(8));
    for (uint32_t i = 0; i < np; ++i) s.params.push_back(random_valtype(true));
    if (rng_.chance(60)) s.results.push_back(random_valtype(true));
    add_type(std::move(s));
  }
  for (uint32_t i = 0; i < types_.size(); ++i) types_by_result_[result_slot(types_[i])].push_back(i);
}

void Generator::konst(VT t) {
  switch (t) {
    case I32: {
      op(0x41);
      uint32_t r = rng_.below(100);
      int64_t v = r < 50 ? int64_t(rng_.below(16)) : r < 70 ? -int64_t(rng_.range(1, 64))
                : r < 90 ? int64_t(rng_.range(16, 4096)) : int64_t(int32_t(uint32_t(rng_.next())));
      out_->s64(v);
      return;
    }
    case I64: {
      op(0x42);
      uint32_t r = rng_.below(100);
      int64_t v = r < 50 ? int64_t(rng_.below(16)) : r < 70 ? -int64_t(rng_.range(1, 64))
                : r < 85 ? int64_t(rng_.range(16, 1 << 20)) : int64_t(rng_.next());
      out_->s64(v);
      return;
    }
    case F32: {
      op(0x43);
      float f = rng_.chance(60) ? float(rng_.below(64)) * 0.5f : float(int32_t(rng_.next())) / 65536.0f;
      out_->raw(&f, 4);
      return;
    }
    case F64: {
      op(0x44);
      double d = rng_.chance(60) ? double(rng_.below(64)) * 0.25 : double(int64_t(rng_.next())) / 4294967296.0;
      out_->raw(&d, 8);
      return;
    }
    case V128: {
      op_fd(0x0C);
      uint64_t v[2] = {rng_.next(), rng_.chance(50) ? 0 : rng_.next()};
      out_->raw(v, 16);
      return;
    }
  }
}

void Generator::leaf(VT t) {
  uint32_t r = rng_.below(100);
  if (r < 65 && has_local(t)) {
    op(0x20);
    out_->u32(local_of(t));
  } else if (r < 72 && !globals_by_type_[ti(t)].empty()) {
    auto& g = globals_by_type_[ti(t)];
    op(0x23);
    out_->u32(g[rng_.below(uint32_t(g.size()))]);
  } else {
    konst(t);
  }
}

void Generator::memarg(unsigned natural) {
  out_->u32(rng_.chance(85) ? natural : rng_.below(natural + 1));
  uint32_t r = rng_.below(100);
  out_->u32(r < 50 ? 0 : r < 85 ? rng_.below(64) << natural : rng_.below(65536));
}

// An i32 address, the way compilers form them.
void Generator::addr(int d) {
  uint32_t r = rng_.below(100);
  if (r < 45 || d <= 0) {
    op(0x20);
    out_->u32(local_of(I32));
  } else if (r < 70) {  // base + index << 2
    op(0x20);
    out_->u32(local_of(I32));
    op(0x20);
    out_->u32(local_of(I32));
    op(0x41);
    out_->s64(rng_.range(1, 3));
    op(0x74);  // i32.shl
    op(0x6A);  // i32.add
  } else if (r < 80) {
    op(0x23);
    out_->u32(0);  // the stack pointer
  } else {
    expr(I32, d - 1);
  }
}

// An i32 condition: mostly a comparison.
void Generator::cond(int d) {
  uint32_t r = rng_.below(100);
  if (r < 55) {
    static constexpr uint8_t kCmp[] = {0x46, 0x47, 0x48, 0x49, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E, 0x4F};
    expr(I32, d - 1);
    if (rng_.chance(50)) konst(I32); else expr(I32, d - 1);
    op(rng_.pick(kCmp));
  } else if (r < 70) {
    expr(I32, d - 1);
    op(0x45);  // i32.eqz
  } else if (r < 78) {
    static constexpr uint8_t kCmp64[] = {0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5A};
    expr(I64, d - 1);
    expr(I64, d - 1);
    op(rng_.pick(kCmp64));
  } else if (r < 84) {
    static constexpr uint8_t kCmpF[] = {0x5B, 0x5C, 0x5D, 0x5E, 0x5F, 0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66};
    uint8_t c = rng_.pick(kCmpF);
    VT t = c <= 0x60 ? F32 : F64;
    expr(t, d - 1);
    expr(t, d - 1);
    op(c);
  } else {
    expr(I32, d - 1);
  }
}

void Generator::args(const Sig& s, int d) {
  for (VT p : s.params) expr(p, std::min(d - 1, 2));
}

bool Generator::call_returning(int slot, int d) {
  auto& fs = funcs_by_result_[slot];
  if (fs.empty()) return false;
  // Callers mostly call functions defined nearby.
  uint32_t n = uint32_t(fs.size());
  uint32_t f = rng_.chance(50) && n > 64 ? fs[n - 1 - rng_.below(64)] : fs[rng_.below(n)];
  args(types_[func_types_[f]], d);
  op(0x10);
  out_->u32(f);
  return true;
}

bool Generator::call_indirect_returning(int slot, int d) {
  auto& ts = types_by_result_[slot];
  if (ts.empty()) return false;
  uint32_t t = ts[rng_.below(uint32_t(ts.size()))];
  args(types_[t], d);
  addr(d - 1);  // the table index, loaded like a function pointer
  op(0x11);
  out_->u32(t);
  out_->u8(0);  // table 0
  return true;
}

bool Generator::tee(VT t, int d) {
  if (!has_local(t)) return false;
  expr(t, d - 1);
  op(0x22);
  out_->u32(local_of(t));
  return true;
}

void Generator::select(VT t, int d) {
  expr(t, d - 1);
  expr(t, d - 1);
  cond(d - 1);
  op(0x1B);
}

void Generator::if_expr(VT t, int d) {
  cond(d - 1);
  begin(0x04, t, t);
  expr(t, d - 1);
  op(0x05);
  expr(t, d - 1);
  end();
}

void Generator::expr(VT t, int d) {
  if (d <= 0) return leaf(t);
  switch (t) {
    case I32: return expr_i32(d);
    case I64: return expr_i64(d);
    case F32: return expr_f32(d);
    case F64: return expr_f64(d);
    case V128: return expr_v128(d);
  }
}

void Generator::expr_i32(int d) {
  uint32_t r = rng_.below(100);
  if (r < 28) return leaf(I32);
  if (r < 48) {
    static constexpr uint8_t kBin[] = {0x6A, 0x6A, 0x6A, 0x6A, 0x6B, 0x6B, 0x6C, 0x71, 0x71, 0x72, 0x73,
                                       0x74, 0x74, 0x75, 0x76, 0x6D, 0x6E, 0x6F, 0x70, 0x77, 0x78};
    expr(I32, d - 1);
    if (rng_.chance(50)) konst(I32); else expr(I32, d - 1);
    return op(rng_.pick(kBin));
  }
  if (r < 56) return cond(d);
  if (r < 59) {
    expr(I32, d - 1);
    return op(0x45);
  }
  if (r < 72) {
    static constexpr struct { uint8_t op, natural; } kLoad[] = {
        {0x28, 2}, {0x28, 2}, {0x28, 2}, {0x2C, 0}, {0x2D, 0}, {0x2D, 0}, {0x2E, 1}, {0x2F, 1}};
    auto l = rng_.pick(kLoad);
    addr(d - 1);
    op(l.op);
    return memarg(l.natural);
  }
  if (r < 76 && tee(I32, d)) return;
  if (r < 80 && call_returning(1 + ti(I32), d)) return;
  if (r < 81 && call_indirect_returning(1 + ti(I32), d)) return;
  if (r < 83) return select(I32, d);
  if (r < 86) {
    switch (rng_.below(5)) {
      case 0: expr(I64, d - 1); return op(0xA7);  // i32.wrap_i64
      case 1: expr(F32, d - 1); return op(0xA8);  // i32.trunc_f32_s
      case 2: expr(F64, d - 1); return op(0xAA);  // i32.trunc_f64_s
      case 3: expr(F32, d - 1); return op(0xBC);  // i32.reinterpret_f32
      default: expr(F64, d - 1); return op_fc(2);  // i32.trunc_sat_f64_s
    }
  }
  if (r < 88) return if_expr(I32, d);
  if (r < 89) {  // block (result i32) with an early exit
    begin(0x02, I32, I32);
    konst(I32);
    cond(d - 1);
    op(0x0D);
    out_->u32(0);
    op(0x1A);  // drop
    expr(I32, d - 1);
    return end();
  }
  if (r < 92) {
    static constexpr uint8_t kUn[] = {0x67, 0x68, 0x69, 0xC0, 0xC1};
    expr(I32, d - 1);
    return op(rng_.pick(kUn));
  }
  if (r < 94 && simd_fn_) {
    expr(V128, d - 1);
    switch (rng_.below(3)) {
      case 0: op_fd(0x1B); return out_->u8(uint8_t(rng_.below(4)));  // i32x4.extract_lane
      case 1: return op_fd(0x53);                                    // v128.any_true
      default: return op_fd(0xA4);                                   // i32x4.bitmask
    }
  }
  if (r < 95) {
    if (rng_.chance(70)) {
      op(0x3F);  // memory.size
    } else {
      expr(I32, d - 1);
      op(0x40);  // memory.grow
    }
    return out_->u8(0);
  }
  if (r < 97) {  // a multi-value block: [i32] -> [i32]
    expr(I32, d - 1);
    op(0x02);
    out_->s64(blk_i_i_);
    labels_.push_back(I32);
    konst(I32);
    op(0x6A);
    return end();
  }
  leaf(I32);
}

void Generator::expr_i64(int d) {
  uint32_t r = rng_.below(100);
  if (r < 30) return leaf(I64);
  if (r < 55) {
    static constexpr uint8_t kBin[] = {0x7C, 0x7C, 0x7C, 0x7D, 0x7E, 0x7E, 0x83, 0x84, 0x85,
                                       0x86, 0x87, 0x88, 0x7F, 0x80, 0x81, 0x82, 0x89, 0x8A};
    expr(I64, d - 1);
    if (rng_.chance(40)) konst(I64); else expr(I64, d - 1);
    return op(rng_.pick(kBin));
  }
  if (r < 70) {
    static constexpr struct { uint8_t op, natural; } kLoad[] = {
        {0x29, 3}, {0x29, 3}, {0x29, 3}, {0x30, 0}, {0x31, 0}, {0x32, 1}, {0x33, 1}, {0x34, 2}, {0x35, 2}};
    auto l = rng_.pick(kLoad);
    addr(d - 1);
    op(l.op);
    return memarg(l.natural);
  }
  if (r < 80) {
    expr(I32, d - 1);
    return op(rng_.chance(50) ? 0xAC : 0xAD);  // i64.extend_i32_s/u
  }
  if (r < 84) {
    switch (rng_.below(4)) {
      case 0: expr(F32, d - 1); return op(0xAE);   // i64.trunc_f32_s
      case 1: expr(F64, d - 1); return op(0xB0);   // i64.trunc_f64_s
      case 2: expr(F64, d - 1); return op(0xBD);   // i64.reinterpret_f64
      default: expr(F64, d - 1); return op_fc(6);  // i64.trunc_sat_f64_s
    }
  }
  if (r < 89 && tee(I64, d)) return;
  if (r < 93 && call_returning(1 + ti(I64), d)) return;
  if (r < 95) return select(I64, d);
  if (r < 97) return if_expr(I64, d);
  static constexpr uint8_t kUn[] = {0x79, 0x7A, 0x7B, 0xC2, 0xC3, 0xC4};
  expr(I64, d - 1);
  op(rng_.pick(kUn));
}

void Generator::expr_f32(int d) {
  uint32_t r = rng_.below(100);
  if (r < 35) return leaf(F32);
  if (r < 60) {
    static constexpr uint8_t kBin[] = {0x92, 0x92, 0x93, 0x94, 0x94, 0x95, 0x96, 0x97, 0x98};
    expr(F32, d - 1);
    expr(F32, d - 1);
    return op(rng_.pick(kBin));
  }
  if (r < 68) {
    static constexpr uint8_t kUn[] = {0x8B, 0x8C, 0x8D, 0x8E, 0x8F, 0x90, 0x91};
    expr(F32, d - 1);
    return op(rng_.pick(kUn));
  }
  if (r < 78) {
    addr(d - 1);
    op(0x2A);
    return memarg(2);
  }
  if (r < 88) {
    switch (rng_.below(5)) {
      case 0: expr(I32, d - 1); return op(0xB2);  // f32.convert_i32_s
      case 1: expr(I32, d - 1); return op(0xB3);  // f32.convert_i32_u
      case 2: expr(I64, d - 1); return op(0xB4);  // f32.convert_i64_s
      case 3: expr(F64, d - 1); return op(0xB6);  // f32.demote_f64
      default: expr(I32, d - 1); return op(0xBE);  // f32.reinterpret_i32
    }
  }
  if (r < 92 && call_returning(1 + ti(F32), d)) return;
  if (r < 95 && tee(F32, d)) return;
  if (r < 97) return select(F32, d);
  if (r < 99 && simd_fn_) {
    expr(V128, d - 1);
    op_fd(0x1F);  // f32x4.extract_lane
    return out_->u8(uint8_t(rng_.below(4)));
  }
  if_expr(F32, d);
}

void Generator::expr_f64(int d) {
  uint32_t r = rng_.below(100);
  if (r < 35) return leaf(F64);
  if (r < 60) {
    static constexpr uint8_t kBin[] = {0xA0, 0xA0, 0xA1, 0xA2, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6};
    expr(F64, d - 1);
    expr(F64, d - 1);
    return op(rng_.pick(kBin));
  }
  if (r < 68) {
    static constexpr uint8_t kUn[] = {0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9E, 0x9F};
    expr(F64, d - 1);
    return op(rng_.pick(kUn));
  }
  if (r < 78) {
    addr(d - 1);
    op(0x2B);
    return memarg(3);
  }
  if (r < 88) {
    switch (rng_.below(5)) {
      case 0: expr(I32, d - 1); return op(0xB7);  // f64.convert_i32_s
      case 1: expr(I32, d - 1); return op(0xB8);  // f64.convert_i32_u
      case 2: expr(I64, d - 1); return op(0xB9);  // f64.convert_i64_s
      case 3: expr(F32, d - 1); return op(0xBB);  // f64.promote_f32
      default: expr(I64, d - 1); return op(0xBF);  // f64.reinterpret_i64
    }
  }
  if (r < 92 && call_returning(1 + ti(F64), d)) return;
  if (r < 95 && tee(F64, d)) return;
  if (r < 97) return select(F64, d);
  if_expr(F64, d);
}

void Generator::expr_v128(int d) {
  uint32_t r = rng_.below(100);
  if (r < 25) return leaf(V128);
  if (r < 55) {
    static constexpr uint8_t kBin[] = {0x4E, 0x50, 0x51, 0x6E, 0x8E, 0xAE, 0xAE, 0xB1,
                                       0xB5, 0xE4, 0xE4, 0xE6, 0xF0, 0xF2, 0x37};
    expr(V128, d - 1);
    expr(V128, d - 1);
    return op_fd(rng_.pick(kBin));
  }
  if (r < 70) {
    addr(d - 1);
    op_fd(0x00);  // v128.load
    return memarg(4);
  }
  if (r < 80) {
    switch (rng_.below(5)) {
      case 0: expr(I32, d - 1); return op_fd(0x0F);  // i8x16.splat
      case 1: expr(I32, d - 1); return op_fd(0x10);  // i16x8.splat
      case 2: expr(I32, d - 1); return op_fd(0x11);  // i32x4.splat
      case 3: expr(F32, d - 1); return op_fd(0x13);  // f32x4.splat
      default: expr(F64, d - 1); return op_fd(0x14);  // f64x2.splat
    }
  }
  if (r < 86) {
    expr(V128, d - 1);
    expr(V128, d - 1);
    op_fd(0x0D);  // i8x16.shuffle
    for (int i = 0; i < 16; ++i) out_->u8(uint8_t(rng_.below(32)));
    return;
  }
  if (r < 91) {
    expr(V128, d - 1);
    expr(I32, d - 1);
    op_fd(0x1C);  // i32x4.replace_lane
    return out_->u8(uint8_t(rng_.below(4)));
  }
  if (r < 95) {
    expr(V128, d - 1);
    expr(V128, d - 1);
    expr(V128, d - 1);
    return op_fd(0x52);  // v128.bitselect
  }
  if (r < 98) {
    expr(V128, d - 1);
    expr(I32, d - 1);
    return op_fd(0xAB);  // i32x4.shl
  }
  expr(V128, d - 1);
  op_fd(0x4D);  // v128.not
}

void Generator::stmts(int depth, uint32_t n) {
  for (uint32_t i = 0; i < n; ++i) stmt(depth);
}

void Generator::stmt(int depth) {
  int ed = int(rng_.range(1, 3)) + (rng_.chance(10) ? 1 : 0);  // expression depth
  uint32_t r = rng_.below(100);
  if (depth <= 0 && r >= 67) r = rng_.below(67);  // no nesting left: a flat statement

  if (r < 26) {  // local.set
    VT t = simd_fn_ && rng_.chance(15) && has_local(V128) ? V128 : kTypes[std::min(rng_.below(6), 3u)];
    if (!has_local(t)) t = I32;
    expr(t, ed);
    op(0x21);
    return out_->u32(local_of(t));
  }
  if (r < 40) {  // store
    static constexpr struct { uint8_t op; VT t; uint8_t natural; } kStore[] = {
        {0x36, I32, 2}, {0x36, I32, 2}, {0x36, I32, 2}, {0x37, I64, 3}, {0x37, I64, 3}, {0x38, F32, 2},
        {0x39, F64, 3}, {0x3A, I32, 0}, {0x3B, I32, 1}, {0x3C, I64, 0}, {0x3D, I64, 1}, {0x3E, I64, 2}};
    if (simd_fn_ && rng_.chance(20)) {
      addr(ed - 1);
      expr(V128, ed);
      op_fd(0x0B);  // v128.store
      return memarg(4);
    }
    auto s = rng_.pick(kStore);
    addr(ed - 1);
    expr(s.t, ed);
    op(s.op);
    return memarg(s.natural);
  }
  if (r < 50) {  // call for effect
    int slot = rng_.chance(55) ? 0 : int(rng_.range(1, 4));
    if (!call_returning(slot, ed) && !call_returning(0, ed)) return;
    if (slot != 0 && !funcs_by_result_[slot].empty()) op(0x1A);  // drop
    return;
  }
  if (r < 52) {  // call_indirect for effect
    int slot = rng_.chance(60) ? 0 : 1;
    if (call_indirect_returning(slot, ed) && slot != 0) op(0x1A);
    return;
  }
  if (r < 55) {  // global.set, mostly the stack pointer
    uint32_t g = rng_.chance(60) ? 0 : mutable_globals_[rng_.below(uint32_t(mutable_globals_.size()))];
    VT t = globals_[g].type;
    if (g == 0) {
      op(0x23);
      out_->u32(0);
      op(0x41);
      out_->s64(int64_t(rng_.range(1, 32)) * 16);
      op(rng_.chance(50) ? 0x6B : 0x6A);
    } else {
      expr(t, ed);
    }
    op(0x24);
    return out_->u32(g);
  }
  if (r < 57) {  // drop
    expr(kTypes[rng_.below(4)], ed);
    return op(0x1A);
  }
  if (r < 58) {  // memory.fill / memory.copy
    addr(ed - 1);
    bool copy = rng_.chance(50);
    if (copy) addr(ed - 1); else konst(I32);
    konst(I32);
    if (copy) {
      op_fc(10);
      out_->u8(0);
      return out_->u8(0);
    }
    op_fc(11);
    return out_->u8(0);
  }
  if (r < 59) {  // a multi-value block: [i32 i32] -> [i32]
    expr(I32, ed);
    expr(I32, ed);
    op(0x02);
    out_->s64(blk_ii_i_);
    labels_.push_back(I32);
    op(rng_.chance(50) ? 0x6A : 0x6C);
    end();
    op(0x21);
    return out_->u32(local_of(I32));
  }
  if (r < 62) {  // br_if to an enclosing label that takes no values
    size_t pos = labels_.size();
    for (size_t tries = 0; tries < 3 && pos == labels_.size(); ++tries) {
      size_t p = labels_.size() - 1 - rng_.below(uint32_t(std::min<size_t>(labels_.size(), 4)));
      if (labels_[p] == 0) pos = p;
    }
    if (pos == labels_.size()) return;
    cond(ed);
    op(0x0D);
    return out_->u32(depth_of(pos));
  }
  if (r < 64) {  // early return (or a call that does not return) inside an if
    cond(ed);
    begin(0x04, 0x40, 0);
    if (rng_.chance(20)) {
      konst(I32);
      op(0x10);
      out_->u32(proc_exit_);
      op(0x00);  // unreachable
    } else {
      if (!sig_->results.empty()) expr(sig_->results[0], ed);
      op(0x0F);
    }
    return end();
  }
  if (r < 67) {  // another plain statement (keeps the nesting share realistic)
    VT t = kTypes[rng_.below(4)];
    if (!has_local(t)) t = I32;
    expr(t, ed);
    op(0x21);
    return out_->u32(local_of(t));
  }

  // ---- structured statements (depth > 0) ----
  uint32_t n = rng_.range(1, 3);
  if (r < 80) {  // if / if-else
    cond(ed);
    begin(0x04, 0x40, 0);
    stmts(depth - 1, n);
    if (rng_.chance(40)) {
      op(0x05);
      stmts(depth - 1, rng_.range(1, 3));
    }
    return end();
  }
  if (r < 88) {  // block with early exits
    begin(0x02, 0x40, 0);
    stmts(depth - 1, n);
    cond(ed);
    op(0x0D);
    out_->u32(0);
    stmts(depth - 1, rng_.range(1, 3));
    return end();
  }
  if (r < 97) {  // loop: block { loop { ...; br_if exit; ...; br loop } } or loop { ...; br_if 0 }
    if (rng_.chance(50)) {
      begin(0x02, 0x40, 0);
      begin(0x03, 0x40, 0);
      stmts(depth - 1, n);
      cond(ed);
      op(0x0D);
      out_->u32(1);
      stmts(depth - 1, rng_.range(1, 2));
      op(0x0C);
      out_->u32(0);
      end();
      return end();
    }
    begin(0x03, 0x40, 0);
    stmts(depth - 1, n);
    cond(ed);
    op(0x0D);
    out_->u32(0);
    return end();
  }
  // switch: block $exit { block $case_k-1 { ... block $case_0 { br_table } code_0 br $exit } ... }
  uint32_t k = rng_.range(2, 8);
  size_t exit = labels_.size();
  begin(0x02, 0x40, 0);
  for (uint32_t i = 0; i < k; ++i) begin(0x02, 0x40, 0);
  expr(I32, ed);
  uint32_t targets = k + rng_.below(k + 1);
  op(0x0E);
  out_->u32(targets);
  for (uint32_t i = 0; i < targets; ++i) out_->u32(rng_.below(k + 1));
  out_->u32(k);  // default: $exit
  for (uint32_t i = 0; i < k; ++i) {
    end();
    stmts(depth - 1, rng_.range(1, 2));
    op(0x0C);
    out_->u32(depth_of(exit));
  }
  end();
}

void Generator::function(uint32_t func_index, Buf& out) {
  out_ = &out;
  self_ = func_index;
  sig_ = &types_[func_types_[func_index]];
  simd_fn_ = opts_.simd && rng_.chance(15);
  for (auto& v : locals_by_type_) v.clear();
  uint32_t next = 0;
  for (VT p : sig_->params) locals_by_type_[ti(p)].push_back(next++);

  // Locals, grouped by type as compilers emit them. Every function has i32
  // locals (addresses come from them).
  uint32_t counts[5] = {rng_.range(1, 12), rng_.below(4), rng_.below(3), rng_.below(4),
                        simd_fn_ ? rng_.range(1, 4) : 0};
  if (rng_.chance(10)) counts[0] += rng_.range(8, 40);
  uint32_t groups = 0;
  for (uint32_t c : counts) groups += c != 0;
  out.u32(groups);
  for (unsigned i = 0; i < 5; ++i) {
    if (!counts[i]) continue;
    out.u32(counts[i]);
    out.u8(kTypes[i]);
    for (uint32_t k = 0; k < counts[i]; ++k) locals_by_type_[i].push_back(next++);
  }

  // Statement count: most functions small, a few very large.
  uint32_t r = rng_.below(100);
  uint32_t n = r < 55 ? rng_.range(1, 8) : r < 88 ? rng_.range(8, 30) : r < 99 ? rng_.range(30, 120)
                                                                                 : rng_.range(120, 600);
  labels_.assign(1, sig_->results.empty() ? 0 : uint8_t(sig_->results[0]));
  stmts(int(rng_.range(1, 4)), n);
  if (!sig_->results.empty()) expr(sig_->results[0], int(rng_.range(1, 3)));
  op(0x0B);
  labels_.clear();
}

std::vector<uint8_t> Generator::run(GenStats* stats) {
  make_types();

  // Imports: a few WASI-like functions.
  struct Imp { const char* module; const char* field; Sig sig; };
  const Imp imports[] = {
      {"wasi_snapshot_preview1", "fd_write", {{I32, I32, I32, I32}, {I32}}},
      {"wasi_snapshot_preview1", "proc_exit", {{I32}, {}}},
      {"wasi_snapshot_preview1", "clock_time_get", {{I32, I64, I32}, {I32}}},
      {"env", "log_f64", {{F64}, {}}},
  };
  Buf import_sec;
  import_sec.u32(uint32_t(std::size(imports)));
  for (const Imp& imp : imports) {
    uint32_t t = add_type(imp.sig);
    if (imp.sig == Sig{{I32}, {}}) proc_exit_ = num_imports_;
    import_sec.name(imp.module);
    import_sec.name(imp.field);
    import_sec.u8(0);
    import_sec.u32(t);
    func_types_.push_back(t);
    funcs_by_result_[result_slot(imp.sig)].push_back(num_imports_++);
  }

  // Globals: the stack pointer first, then mutable and immutable globals of
  // each type.
  globals_ = {{I32, true}, {I32, true}, {I64, true}, {F32, true}, {F64, true},
              {I32, false}, {I32, false}, {I64, false}, {F64, false}};
  if (opts_.simd) globals_.push_back({V128, true});
  Buf global_sec;
  global_sec.u32(uint32_t(globals_.size()));
  {
    Buf* saved = out_;
    out_ = &global_sec;
    for (uint32_t g = 0; g < globals_.size(); ++g) {
      global_sec.u8(globals_[g].type);
      global_sec.u8(globals_[g].mut ? 1 : 0);
      if (g == 0) {
        global_sec.u8(0x41);
        global_sec.s64(1 << 20);
      } else {
        konst(globals_[g].type);
      }
      global_sec.u8(0x0B);
      globals_by_type_[ti(globals_[g].type)].push_back(g);
      if (globals_[g].mut) mutable_globals_.push_back(g);
    }
    out_ = saved;
  }

  // Data segments: about 4% of the module, mostly text-like bytes.
  const size_t data_target = opts_.target_bytes / 25;
  Buf data_sec;
  uint32_t num_data = 0;
  {
    Buf segs;
    size_t total = 0;
    uint32_t address = 1024;
    while (total < data_target) {
      uint32_t len = std::min<uint32_t>(uint32_t(data_target - total), rng_.chance(80) ? rng_.range(8, 512)
                                                                                       : rng_.range(512, 65536));
      bool passive = rng_.chance(3);
      segs.u8(passive ? 1 : 0);
      if (!passive) {
        segs.u8(0x41);
        segs.s64(address);
        segs.u8(0x0B);
        address += (len + 15) & ~15u;
      }
      segs.u32(len);
      for (uint32_t i = 0; i < len; ++i)
        segs.u8(rng_.chance(20) ? 0 : uint8_t(0x20 + rng_.below(95)));
      total += len;
      ++num_data;
    }
    data_sec.u32(num_data);
    data_sec.append(segs);
  }

  // Function bodies until the module reaches its size.
  Buf code;
  std::vector<std::string> names;
  size_t names_bytes = 0;
  const size_t fixed = 4096 + data_sec.size();
  Buf body;
  for (uint32_t i = 0;; ++i) {
    size_t estimate = fixed + code.size() + names_bytes + size_t(i) * 3;
    if (estimate >= opts_.target_bytes && i > 0) break;
    uint32_t nt = uint32_t(types_.size());
    uint32_t t = std::min(rng_.below(nt), rng_.below(nt));  // common signatures first
    const uint32_t f = num_imports_ + i;
    func_types_.push_back(t);
    funcs_by_result_[result_slot(types_[t])].push_back(f);  // callable from here on (recursion too)
    body.b.clear();
    function(f, body);
    code.u32(uint32_t(body.size()));
    code.append(body);
    if (opts_.names) {
      names.push_back("app::module" + std::to_string(i % 97) + "::function_" + std::to_string(i) +
                      (types_[t].params.empty() ? "()" : "(int, unsigned long)"));
      names_bytes += names.back().size() + 4;
    }
  }
  const uint32_t num_defined = uint32_t(func_types_.size() - num_imports_);
  const uint32_t num_funcs = uint32_t(func_types_.size());

  Buf m;
  m.raw("\0asm\1\0\0\0", 8);
  {
    Buf s;
    s.u32(uint32_t(types_.size()));
    for (const Sig& sig : types_) {
      s.u8(0x60);
      s.u32(uint32_t(sig.params.size()));
      for (VT p : sig.params) s.u8(p);
      s.u32(uint32_t(sig.results.size()));
      for (VT r : sig.results) s.u8(r);
    }
    m.section(1, s);
  }
  m.section(2, import_sec);
  {
    Buf s;
    s.u32(num_defined);
    for (uint32_t i = num_imports_; i < num_funcs; ++i) s.u32(func_types_[i]);
    m.section(3, s);
  }
  {
    Buf s;  // table: funcref, exactly the function count
    s.u32(1);
    s.u8(0x70);
    s.u8(0x01);
    s.u32(num_funcs + 1);
    s.u32(num_funcs + 1);
    m.section(4, s);
  }
  {
    Buf s;  // memory
    s.u32(1);
    s.u8(0x01);
    s.u32(256);
    s.u32(32768);
    m.section(5, s);
  }
  m.section(6, global_sec);
  {
    Buf s;
    std::vector<std::pair<std::string, uint32_t>> exports;
    for (uint32_t f = num_imports_; f < num_funcs; ++f)
      if (rng_.chance(2)) exports.push_back({"export_" + std::to_string(f), f});
    s.u32(uint32_t(exports.size() + 2));
    s.name("memory");
    s.u8(2);
    s.u32(0);
    s.name("__indirect_function_table");
    s.u8(1);
    s.u32(0);
    for (auto& [name, f] : exports) {
      s.name(name);
      s.u8(0);
      s.u32(f);
    }
    m.section(7, s);
  }
  {
    Buf s;  // one active segment at offset 1: the address-taken functions
    std::vector<uint32_t> items;
    for (uint32_t f = num_imports_; f < num_funcs; ++f)
      if (rng_.chance(30)) items.push_back(f);
    s.u32(1);
    s.u8(0);
    s.u8(0x41);
    s.s64(1);
    s.u8(0x0B);
    s.u32(uint32_t(items.size()));
    for (uint32_t f : items) s.u32(f);
    m.section(9, s);
  }
  {
    Buf s;
    s.u32(num_data);
    m.section(12, s);
  }
  {
    Buf s;
    s.u32(num_defined);
    s.append(code);
    m.section(10, s);
  }
  m.section(11, data_sec);
  if (opts_.names) {
    Buf fn;
    fn.u32(uint32_t(names.size()));
    for (uint32_t i = 0; i < names.size(); ++i) {
      fn.u32(num_imports_ + i);
      fn.name(names[i]);
    }
    Buf s;
    s.name("name");
    s.u8(1);  // function names
    s.u32(uint32_t(fn.size()));
    s.append(fn);
    m.section(0, s);
  }

  if (stats) {
    stats->types = uint32_t(types_.size());
    stats->imported_functions = num_imports_;
    stats->functions = num_defined;
    stats->instructions = instructions_;
    stats->code_bytes = code.size();
    stats->data_bytes = data_target;
  }
  return std::move(m.b);
}

}  // namespace

std::vector<uint8_t> generate_module(const GenOptions& opts, GenStats* stats) {
  return Generator(opts).run(stats);
}

}  // namespace lvm::bench
