#include "cli/run_invoke.h"

#include <cxxabi.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "cli/commands.h"
#include "vm/interpreter.h"
#include "vm/trap.h"

namespace lvm::cli {

namespace {

constexpr int kExitUsage = 2;
constexpr int kExitLoad = 1;

const char* type_name(ValType t) {
  switch (t) {
    case ValType::I32: return "i32";
    case ValType::I64: return "i64";
    case ValType::F32: return "f32";
    case ValType::F64: return "f64";
    case ValType::V128: return "v128";
    default: return "reference";
  }
}

// Reads an integer of `bits` bits: decimal or 0x hex, with an optional sign;
// negative values down to the signed minimum, positive up to the unsigned maximum.
bool parse_int(const std::string& s, unsigned bits, uint64_t& out) {
  size_t i = 0;
  bool neg = false;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
  int base = 10;
  if (s.size() - i > 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) base = 16, i += 2;
  if (i >= s.size()) return false;
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data() + i, s.data() + s.size(), v, base);
  if (ec != std::errc() || end != s.data() + s.size()) return false;
  const uint64_t umax = bits == 64 ? UINT64_MAX : (uint64_t(1) << bits) - 1;
  const uint64_t neg_max = uint64_t(1) << (bits - 1);  // |signed minimum|
  if (neg ? v > neg_max : v > umax) return false;
  out = (neg ? uint64_t(0) - v : v) & umax;
  return true;
}

}  // namespace

bool parse_invoke_arg(ValType t, const std::string& text, uint64_t& slot, std::string& error) {
  auto bad = [&] {
    error = "cannot parse '" + text + "' as " + type_name(t);
    return false;
  };
  switch (t) {
    case ValType::I32:
    case ValType::I64:
      if (!parse_int(text, t == ValType::I32 ? 32 : 64, slot)) return bad();
      return true;
    case ValType::F32:
    case ValType::F64: {
      if (text.empty() || std::isspace(static_cast<unsigned char>(text[0]))) return bad();
      char* end = nullptr;
      if (t == ValType::F32) {
        float f = std::strtof(text.c_str(), &end);
        if (*end) return bad();
        uint32_t bits;
        std::memcpy(&bits, &f, 4);
        slot = bits;
      } else {
        double d = std::strtod(text.c_str(), &end);
        if (*end) return bad();
        std::memcpy(&slot, &d, 8);
      }
      return true;  // (out-of-range decimals round to inf or 0, as in wasmtime)
    }
    default:
      error = std::string("parameters of type ") + type_name(t) + " cannot be given on the command line";
      return false;
  }
}

std::string format_invoke_result(ValType t, uint64_t slot) {
  char buf[512];
  auto fmt = [&](auto v) -> std::string {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
    return ec == std::errc() ? std::string(buf, end) : std::string("?");
  };
  switch (t) {
    case ValType::I32: return std::to_string(int32_t(uint32_t(slot)));
    case ValType::I64: return std::to_string(int64_t(slot));
    case ValType::F32: {
      float f;
      uint32_t bits = uint32_t(slot);
      std::memcpy(&f, &bits, 4);
      return fmt(f);
    }
    case ValType::F64: {
      double d;
      std::memcpy(&d, &slot, 8);
      return fmt(d);
    }
    default: return slot ? "<ref>" : "<null ref>";
  }
}

std::string frame_name(const Instance* inst, uint32_t func) {
  std::string_view raw = inst ? inst->module().function_name(func) : std::string_view();
  if (raw.empty()) return "function[" + std::to_string(func) + "]";
  std::string name(raw);
  int status = 0;
  char* demangled = abi::__cxa_demangle(name.c_str(), nullptr, nullptr, &status);
  if (status == 0 && demangled) name = demangled;
  std::free(demangled);
  return name;
}

std::string format_backtrace(size_t n, const std::function<std::pair<const Instance*, uint32_t>(size_t)>& frame) {
  constexpr size_t kEnds = 32;
  std::string text;
  for (size_t k = 0; k < n; ++k) {
    if (n > 2 * kEnds && k == kEnds) {
      text += "  ... " + std::to_string(n - 2 * kEnds) + " frames omitted ...\n";
      k = n - kEnds - 1;
      continue;
    }
    char line[32];
    std::snprintf(line, sizeof line, "  %2zu: ", k);
    const auto [inst, func] = frame(k);
    text += line + frame_name(inst, func) + "\n";
  }
  return text;
}

int run_invoke(const std::shared_ptr<const ModuleImage>& image, const InstanceConfig& config, const std::string& path,
               const std::string& name, const std::vector<std::string>& args) {
  const Module& m = image->module();
  const Export* ex = m.find_export(name, ExternKind::Func);
  if (!ex) {
    std::fprintf(stderr, "lvm: error: %s: no exported function `%s` to invoke\n", path.c_str(), name.c_str());
    return kExitLoad;
  }
  const FuncType& type = m.func_type(ex->index);
  if (args.size() != type.params().size()) {
    std::fprintf(stderr, "lvm: error: %s: `%s` takes %zu argument(s), %zu given\n", path.c_str(), name.c_str(),
                 type.params().size(), args.size());
    return kExitUsage;
  }
  std::vector<uint64_t> slots(type.params().size());
  for (size_t k = 0; k < args.size(); ++k) {
    std::string why;
    if (!parse_invoke_arg(type.params()[k], args[k], slots[k], why)) {
      std::fprintf(stderr, "lvm: error: %s: argument %zu of `%s`: %s\n", path.c_str(), k + 1, name.c_str(), why.c_str());
      return kExitUsage;
    }
  }
  for (ValType r : type.results())
    if (r == ValType::V128) {
      std::fprintf(stderr, "lvm: error: %s: `%s` returns a v128, which --invoke cannot print\n", path.c_str(), name.c_str());
      return kExitLoad;
    }

  auto made = image->instantiate(config);
  if (auto* err = std::get_if<InstantiateError>(&made)) {
    std::fprintf(stderr, "lvm: error: %s: %s\n", path.c_str(), err->message.c_str());
    return kTrapExitCode;
  }
  Instance& inst = *std::get<std::unique_ptr<Instance>>(made);
  // A trap or proc_exit of the start function, _initialize or the call ends the run.
  auto run = [&](uint32_t func, const uint64_t* in, uint64_t* out) -> std::optional<int> {
    const Trap t = invoke(inst, func, in, out);
    if (t == Trap::None) return std::nullopt;
    if (t == Trap::Exit) return inst.exit_code;
    std::string text = "lvm: error: " + path + ": wasm trap: " +
                       (inst.trap_message.empty() ? std::string(trap_message(t)) : inst.trap_message) +
                       "\nwasm backtrace:\n";
    const auto frames = last_trap_backtrace();
    text += format_backtrace(frames.size(), [&](size_t k) {
      return std::pair<const Instance*, uint32_t>(frames[k].instance, frames[k].func_index);
    });
    std::fflush(stdout);
    std::fputs(text.c_str(), stderr);
    return kTrapExitCode;
  };
  if (m.start)
    if (auto code = run(*m.start, nullptr, nullptr)) return *code;
  if (const Export* init = m.find_export("_initialize", ExternKind::Func); init && init->index != ex->index) {
    const FuncType& it = m.func_type(init->index);
    if (it.params().empty() && it.results().empty())
      if (auto code = run(init->index, nullptr, nullptr)) return *code;
  }
  // (v128 results were refused above, so one slot per result.)
  std::vector<uint64_t> results(type.results().size() + 1);
  if (auto code = run(ex->index, slots.data(), results.data())) return *code;
  std::string out;
  for (size_t k = 0; k < type.results().size(); ++k) out += format_invoke_result(type.results()[k], results[k]) + "\n";
  std::fputs(out.c_str(), stdout);
  return 0;
}

}  // namespace lvm::cli
