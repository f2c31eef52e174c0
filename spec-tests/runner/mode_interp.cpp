// Mode interp: instantiate and run every script with the interpreter
// (spec interpreter semantics: module, register, invoke/get, and the
// assertions about results, traps, exhaustion, linking, instantiation).
#include <bit>
#include <cmath>
#include <cstring>
#include <map>

#include "module_check.h"
#include "spectest.h"
#include "vm/instance.h"
#include "vm/interpreter.h"

namespace lvm::spec {

namespace {

// externref N of the script is the host reference N + 1 (0 is null).
uint64_t parse_value(const Value& v) {
  const std::string& s = v.lanes.empty() ? std::string() : v.lanes[0];
  if (s == "null") return 0;
  uint64_t bits = std::stoull(s);
  if (v.type == "externref") return bits + 1;
  return bits;
}

// A v128 argument or result: its lanes (lane_type i8 ... f64; float lanes
// given as bit patterns, as wast2json writes them) in two 64-bit slots.
size_t lane_bytes(const std::string& lane_type) {
  if (lane_type == "i8") return 1;
  if (lane_type == "i16") return 2;
  if (lane_type == "i32" || lane_type == "f32") return 4;
  return 8;
}
void parse_v128(const Value& v, uint64_t out[2]) {
  uint8_t bytes[16] = {};
  const size_t w = lane_bytes(v.lane_type);
  for (size_t i = 0; i < v.lanes.size() && (i + 1) * w <= 16; ++i) {
    const uint64_t bits = std::stoull(v.lanes[i]);
    std::memcpy(bytes + i * w, &bits, w);  // (little-endian: the low bytes)
  }
  std::memcpy(out, bytes, 16);
}
// The slots a value of type `type` takes.
size_t slots_of(const std::string& type) { return type == "v128" ? 2 : 1; }

std::string show_v128(const uint64_t got[2]) {
  char b[64];
  std::snprintf(b, sizeof b, "v128:0x%016llx%016llx", (unsigned long long)got[1], (unsigned long long)got[0]);
  return b;
}

std::string show(const std::string& type, uint64_t bits) {
  if (type == "i32") return "i32:" + std::to_string(uint32_t(bits));
  if (type == "i64") return "i64:" + std::to_string(bits);
  if (type == "f32") {
    char b[64];
    std::snprintf(b, sizeof b, "f32:%g (0x%08x)", double(std::bit_cast<float>(uint32_t(bits))), uint32_t(bits));
    return b;
  }
  if (type == "f64") {
    char b[64];
    std::snprintf(b, sizeof b, "f64:%g (0x%016llx)", std::bit_cast<double>(bits), (unsigned long long)bits);
    return b;
  }
  return type + ":" + (bits ? std::to_string(bits) : std::string("null"));
}

bool matches_scalar(const std::string& type, const std::string& s, uint64_t got);

// Compares a result (one slot, two for v128) with an expected value, NaN
// patterns included (per lane for v128).
bool matches(const Value& want, const uint64_t* got) {
  if (!want.alternatives.empty()) {
    for (const Value& alt : want.alternatives)
      if (matches(alt, got)) return true;
    return false;
  }
  if (want.type == "v128") {
    uint8_t bytes[16];
    std::memcpy(bytes, got, 16);
    const size_t w = lane_bytes(want.lane_type);
    const std::string scalar = want.lane_type == "f32" ? "f32" : want.lane_type == "f64" ? "f64" : "i64";
    for (size_t i = 0; i < want.lanes.size() && (i + 1) * w <= 16; ++i) {
      uint64_t lane = 0;
      std::memcpy(&lane, bytes + i * w, w);
      const std::string& s = want.lanes[i];
      if (scalar == "i64") {
        const uint64_t mask = w == 8 ? ~uint64_t(0) : (uint64_t(1) << (8 * w)) - 1;
        if ((std::stoull(s) & mask) != lane) return false;
      } else if (!matches_scalar(scalar, s, lane)) {
        return false;
      }
    }
    return true;
  }
  return matches_scalar(want.type, want.lanes.empty() ? std::string() : want.lanes[0], got[0]);
}

bool matches_scalar(const std::string& type, const std::string& s, uint64_t got) {
  Value want;
  want.type = type;
  want.lanes = {s};
  if (want.type == "f32") {
    uint32_t g = uint32_t(got);
    if (s == "nan:canonical") return (g & 0x7FFFFFFFu) == 0x7FC00000u;
    if (s == "nan:arithmetic") return (g & 0x7FC00000u) == 0x7FC00000u;
    return g == uint32_t(std::stoull(s));
  }
  if (want.type == "f64") {
    if (s == "nan:canonical") return (got & 0x7FFFFFFFFFFFFFFFull) == 0x7FF8000000000000ull;
    if (s == "nan:arithmetic") return (got & 0x7FF8000000000000ull) == 0x7FF8000000000000ull;
    return got == std::stoull(s);
  }
  if (want.type == "i32") return uint32_t(got) == uint32_t(std::stoull(s));
  if (want.type == "funcref" || want.type == "externref") {
    if (s.empty()) return got != 0;  // (ref.func) / (ref.extern): any non-null
    return got == parse_value(want);
  }
  return got == std::stoull(s);
}

class InterpMode final : public Mode {
 public:
  explicit InterpMode(const InstanceConfig& config) : config_(config) {}

  Outcome module(const Command& c) override {
    auto r = instantiate(c);
    if (auto* err = std::get_if<std::string>(&r)) return Outcome::failed("the module instantiates", *err);
    return Outcome::passed();
  }

  Outcome register_module(const Command& c) override {
    Instance* inst = c.name.empty() ? current_ : named(c.name);
    if (!inst) return Outcome::failed("a module to register", "no such module " + c.name);
    registered_[c.as] = inst;
    return Outcome::passed();
  }

  Outcome action(const Command& c) override {
    std::vector<uint64_t> results;
    std::string err;
    Trap t = perform(*c.action, results, err);
    if (!err.empty()) return Outcome::failed("the action runs", err);
    if (t != Trap::None) return Outcome::failed("no trap", trap_text(t));
    return Outcome::passed();
  }

  Outcome assert_return(const Command& c) override {
    std::vector<uint64_t> results;
    std::string err;
    Trap t = perform(*c.action, results, err);
    if (!err.empty()) return Outcome::failed("the action runs", err);
    if (t != Trap::None) return Outcome::failed("results", "trap: " + trap_text(t));
    size_t want_slots = 0;
    for (const Value& w : c.expected) want_slots += slots_of(w.type);
    if (results.size() != want_slots)
      return Outcome::failed(std::to_string(c.expected.size()) + " results", std::to_string(results.size()) + " slots");
    size_t at = 0;
    for (const Value& w : c.expected) {
      if (!matches(w, &results[at])) {
        std::string want = w.type + ":";
        for (size_t k = 0; k < w.lanes.size(); ++k) want += (k ? " " : "") + w.lanes[k];
        if (w.lanes.empty()) want += "?";
        return Outcome::failed(want, w.type == "v128" ? show_v128(&results[at]) : show(w.type, results[at]));
      }
      at += slots_of(w.type);
    }
    return Outcome::passed();
  }

  Outcome assert_trap(const Command& c) override {
    if (!c.filename.empty()) return expect_instantiation_trap(c);
    std::vector<uint64_t> results;
    std::string err;
    Trap t = perform(*c.action, results, err);
    if (!err.empty()) return Outcome::failed("the action runs", err);
    if (t == Trap::None) return Outcome::failed("trap \"" + c.text + "\"", "no trap");
    if (c.text.rfind(trap_message(t), 0) != 0 && std::string(trap_message(t)).rfind(c.text, 0) != 0)
      return Outcome::failed("trap \"" + c.text + "\"", "trap \"" + trap_text(t) + "\"");
    return Outcome::passed();
  }

  Outcome assert_exhaustion(const Command& c) override {
    std::vector<uint64_t> results;
    std::string err;
    Trap t = perform(*c.action, results, err);
    if (!err.empty()) return Outcome::failed("the action runs", err);
    if (t != Trap::CallStackExhausted) return Outcome::failed("call stack exhausted", t == Trap::None ? "no trap" : trap_text(t));
    return Outcome::passed();
  }

  Outcome assert_exception(const Command& c) override { return expect_loads(c); }
  Outcome assert_malformed(const Command& c) override { return expect_rejected(c, ErrorKind::Malformed); }
  Outcome assert_invalid(const Command& c) override { return expect_rejected(c, ErrorKind::Invalid); }

  Outcome assert_unlinkable(const Command& c) override {
    auto m = load_command_module(c);
    if (!m) return Outcome::failed("a valid module", m.error().format());
    auto r = Instance::instantiate(*m, resolver(), config_);
    if (auto* e = std::get_if<InstantiateError>(&r); e && e->kind == InstantiateError::Kind::Link)
      return Outcome::passed();
    return Outcome::failed("link error \"" + c.text + "\"", "instantiated");
  }

  Outcome assert_uninstantiable(const Command& c) override { return expect_instantiation_trap(c); }

 private:
  Outcome expect_instantiation_trap(const Command& c) {
    auto m = load_command_module(c);
    if (!m) return Outcome::failed("a valid module", m.error().format());
    auto r = Instance::instantiate(*m, resolver(), config_);
    if (auto* e = std::get_if<InstantiateError>(&r); e && e->kind == InstantiateError::Kind::Trap) {
      // It may have written references to its functions into imported
      // tables before trapping: keep it alive, as the spec's store does.
      if (e->partial) partial_.push_back(std::move(e->partial));
      return Outcome::passed();
    }
    if (auto* inst = std::get_if<std::unique_ptr<Instance>>(&r)) instances_.push_back(std::move(*inst));
    return Outcome::failed("trap \"" + c.text + "\"", "instantiated");
  }

  std::string trap_text(Trap t) const {
    return last_ && !last_->trap_message.empty() ? last_->trap_message : trap_message(t);
  }

  ImportResolver resolver() {
    return [this](const Module&, const Import& imp) -> std::optional<Extern> {
      if (imp.module == "spectest") return spectest_.get(imp.field);
      auto it = registered_.find(imp.module);
      if (it == registered_.end()) return std::nullopt;
      return it->second->get_export(imp.field);
    };
  }

  std::variant<Instance*, std::string> instantiate(const Command& c) {
    auto m = load_command_module(c);
    if (!m) return m.error().format();
    auto r = Instance::instantiate(*m, resolver(), config_);
    if (auto* e = std::get_if<InstantiateError>(&r)) {
      if (e->partial) partial_.push_back(std::move(e->partial));
      return e->message;
    }
    instances_.push_back(std::move(std::get<std::unique_ptr<Instance>>(r)));
    current_ = instances_.back().get();
    if (!c.name.empty()) names_[c.name] = current_;
    return current_;
  }

  Instance* named(const std::string& name) {
    auto it = names_.find(name);
    return it == names_.end() ? nullptr : it->second;
  }

  Trap perform(const Action& a, std::vector<uint64_t>& results, std::string& err) {
    Instance* inst = a.module.empty() ? current_ : named(a.module);
    last_ = inst;
    if (!inst) {
      err = "no module " + a.module;
      return Trap::None;
    }
    inst->trap_message.clear();
    auto ext = inst->get_export(a.field);
    if (!ext) {
      err = "no export \"" + a.field + "\"";
      return Trap::None;
    }
    if (a.type == Action::Type::Get) {
      if (ext->kind != ExternKind::Global) {
        err = "export \"" + a.field + "\" is not a global";
        return Trap::None;
      }
      results.push_back(ext->global->value[0]);
      if (ext->global->type.type == ValType::V128) results.push_back(ext->global->value[1]);
      return Trap::None;
    }
    if (ext->kind != ExternKind::Func) {
      err = "export \"" + a.field + "\" is not a function";
      return Trap::None;
    }
    std::vector<uint64_t> args;
    for (const Value& v : a.args) {
      if (v.type == "v128") {
        uint64_t pair[2];
        parse_v128(v, pair);
        args.push_back(pair[0]);
        args.push_back(pair[1]);
      } else {
        args.push_back(parse_value(v));
      }
    }
    const FuncInst* f = ext->func;
    size_t result_slots = 0;
    for (ValType t : f->type->results()) result_slots += t == ValType::V128 ? 2 : 1;
    results.assign(result_slots, 0);
    // Call through the owning instance (the export may be a re-exported import).
    Instance* owner = f->instance ? f->instance : inst;
    last_ = owner;
    uint32_t index = f->instance ? f->index : find_func(*inst, f);
    return invoke(*owner, index, args.data(), results.data());
  }

  static uint32_t find_func(const Instance& inst, const FuncInst* f) {
    for (uint32_t i = 0; i < inst.funcs.size(); ++i)
      if (inst.funcs[i] == f) return i;
    return 0;
  }

  const InstanceConfig config_;
  Spectest spectest_;
  std::vector<std::unique_ptr<Instance>> instances_;
  std::vector<std::shared_ptr<Instance>> partial_;
  std::map<std::string, Instance*> names_;
  std::map<std::string, Instance*> registered_;
  Instance* current_ = nullptr;
  Instance* last_ = nullptr;
};

}  // namespace

std::unique_ptr<Mode> make_interp_mode(const InstanceConfig& config) { return std::make_unique<InterpMode>(config); }

}  // namespace lvm::spec
