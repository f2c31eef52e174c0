// Throughput of the loader (decode + validate, `lvm::load_module`) in MB/s on
//   - the largest modules of the spec testsuite, converted with wast2json into
//     a cache under the build directory at start-up;
//   - a large generated module (bench/gen_module.h), 32 MiB by default;
//   - a real clang-built module: all of wasi-libc linked into one module with
//     clang --target=wasm32-wasi, when that toolchain is installed;
// and of the JIT (`jit-compile/...`: every function compiled, eagerly, as
// `lvm run --jit-eager` does) in MB/s of function bodies, on the clang
// module and on a generated module without SIMD (the JIT does not compile
// SIMD yet, and a function falling back would count as compiled for free).
//
// Environment:
//   LVM_SPEC_TESTSUITE   the spec testsuite checkout (default: the CMake cache)
//   LVM_BENCH_GEN_MB     size of the generated module in MiB (default 32)
//   LVM_BENCH_CLANG      the clang to build the wasi-libc module with (default clang)
// Extra flag (besides Google Benchmark's):
//   --lvm_dump_generated=PATH   write the generated module to PATH and exit
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "bench/gen_module.h"
#include "jit/jit.h"
#include "jit/module_code.h"
#include "loader/loader.h"

#ifndef LVM_BENCH_SPEC_TESTSUITE
#define LVM_BENCH_SPEC_TESTSUITE ""
#endif
#ifndef LVM_BENCH_CACHE_DIR
#define LVM_BENCH_CACHE_DIR "bench-cache"
#endif

namespace fs = std::filesystem;

namespace {

// One module to load. `error` set means it could not be prepared, and the
// benchmark reports that instead of a figure.
struct Input {
  std::string name;
  std::vector<uint8_t> bytes;
  std::string error;
  lvm::bench::GenStats gen;  // generated module only
  bool generated = false;
};

std::string env_or(const char* var, const char* fallback) {
  const char* v = std::getenv(var);
  return v && *v ? v : fallback;
}

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') q += "'\\''";
    else q += c;
  }
  return q + "'";
}

std::vector<uint8_t> read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool is_stale(const fs::path& out, const fs::path& in) {
  std::error_code ec;
  if (!fs::exists(out, ec)) return true;
  return fs::last_write_time(out, ec) < fs::last_write_time(in, ec);
}

// The spec tests whose modules are the largest (br_table.wast holds one of
// ~27 KB; the rest are a few KB). A missing file is skipped.
constexpr const char* kSpecCandidates[] = {
    "br_table", "skip-stack-guard-page", "names", "simd_boolean", "left-to-right", "simd_store8_lane",
    "memory_copy", "nop", "call", "br", "simd_f32x4_pmin_pmax", "simd_f64x2_pmin_pmax", "simd_f32x4_arith",
    "simd_f32x4_cmp", "simd_f64x2_cmp", "float_literals",
};
constexpr size_t kSpecModules = 3;

// Converts the candidate .wast files (cached) and returns the largest modules
// that load.
std::vector<Input> spec_inputs(std::string* problem) {
  const fs::path suite = env_or("LVM_SPEC_TESTSUITE", LVM_BENCH_SPEC_TESTSUITE);
  const fs::path cache = fs::path(LVM_BENCH_CACHE_DIR) / "spec";
  std::error_code ec;
  if (suite.empty() || !fs::is_directory(suite, ec)) {
    *problem = "spec testsuite not found at '" + suite.string() + "' (set LVM_SPEC_TESTSUITE)";
    return {};
  }
  std::vector<fs::path> wasms;
  for (const char* stem : kSpecCandidates) {
    fs::path wast = suite / (std::string(stem) + ".wast");
    if (!fs::exists(wast, ec)) continue;
    fs::path dir = cache / stem;
    fs::path json = dir / (std::string(stem) + ".json");
    if (is_stale(json, wast)) {
      fs::create_directories(dir, ec);
      std::string cmd = "wast2json " + shell_quote(wast.string()) + " -o " + shell_quote(json.string()) +
                        " > " + shell_quote((dir / "wast2json.log").string()) + " 2>&1";
      if (std::system(cmd.c_str()) != 0) {
        *problem = "wast2json failed on " + wast.string() + " (see " + (dir / "wast2json.log").string() + ")";
        fs::remove(json, ec);
        continue;
      }
    }
    for (const auto& e : fs::directory_iterator(dir, ec))
      if (e.path().extension() == ".wasm") wasms.push_back(e.path());
  }
  if (wasms.empty() && problem->empty()) *problem = "no spec modules converted (is wast2json installed?)";
  std::sort(wasms.begin(), wasms.end(), [](const fs::path& a, const fs::path& b) {
    std::error_code e1, e2;
    auto sa = fs::file_size(a, e1), sb = fs::file_size(b, e2);
    return sa != sb ? sa > sb : a < b;
  });
  std::vector<Input> out;
  for (const fs::path& p : wasms) {
    if (out.size() == kSpecModules) break;
    Input in;
    in.bytes = read_file(p);
    // assert_invalid modules are converted too; only valid ones count.
    if (!lvm::load_module(in.bytes)) continue;
    in.name = "spec/" + p.filename().string();
    out.push_back(std::move(in));
  }
  return out;
}

// All of wasi-libc linked into one module by clang + wasm-ld: real compiler
// output (clang -O2 code, as Debian built wasi-libc), about 0.5 MB.
Input clang_input() {
  Input in;
  in.name = "clang/wasi-libc";
  const fs::path dir = fs::path(LVM_BENCH_CACHE_DIR) / "clang";
  const fs::path wasm = dir / "wasi-libc.wasm";
  std::error_code ec;
  if (!fs::exists(wasm, ec)) {
    fs::create_directories(dir, ec);
    const fs::path src = dir / "main.c";
    std::ofstream(src) << "int main(void) { return 0; }\n";
    const fs::path log = dir / "clang.log";
    std::string cmd = env_or("LVM_BENCH_CLANG", "clang") + " --target=wasm32-wasi -O2 " + shell_quote(src.string()) +
                      " -o " + shell_quote(wasm.string()) +
                      " -Wl,--whole-archive -lc -Wl,--no-whole-archive -Wl,--export-all -Wl,--strip-debug > " +
                      shell_quote(log.string()) + " 2>&1";
    if (std::system(cmd.c_str()) != 0) {
      fs::remove(wasm, ec);
      in.error = "could not build a wasm32-wasi module with clang (needs clang, lld, wasi-libc); see " +
                 log.string();
      return in;
    }
  }
  in.bytes = read_file(wasm);
  return in;
}

Input generated_input(bool simd = true) {
  Input in;
  in.generated = true;
  lvm::bench::GenOptions opts;
  opts.simd = simd;
  opts.target_bytes = size_t(std::max(1, std::atoi(env_or("LVM_BENCH_GEN_MB", "32").c_str()))) << 20;
  in.name = std::string(simd ? "generated/" : "generated-nosimd/") + std::to_string(opts.target_bytes >> 20) + "MiB";
  in.bytes = lvm::bench::generate_module(opts, &in.gen);
  return in;
}

void BM_Load(benchmark::State& state, const Input* in) {
  if (!in->error.empty()) {
    state.SkipWithError(in->error.c_str());
    return;
  }
  {
    auto check = lvm::load_module(in->bytes);
    if (!check) {
      std::string msg = "module does not load: " + check.error().format();
      state.SkipWithError(msg.c_str());
      return;
    }
    if (in->generated && check.value()->bodies.size() != in->gen.functions) {
      state.SkipWithError("generated module: function count differs from the generator's");
      return;
    }
  }
  // Each iteration loads and then frees the module: the allocations the
  // loader makes are part of its cost.
  for (auto _ : state) {
    auto m = lvm::load_module(in->bytes);
    benchmark::DoNotOptimize(m);
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(in->bytes.size()));
  state.counters["module_bytes"] = double(in->bytes.size());
  if (in->generated) {
    state.counters["functions"] = in->gen.functions;
    state.counters["code_bytes"] = double(in->gen.code_bytes);
    state.counters["instructions/s"] =
        benchmark::Counter(double(in->gen.instructions), benchmark::Counter::kIsIterationInvariantRate);
  }
}

// Compiles every function of the module into a fresh ModuleCode per
// iteration (its code freed after), counting the bytes of function bodies.
void BM_Compile(benchmark::State& state, const Input* in, unsigned threads) {
  if (!in->error.empty()) {
    state.SkipWithError(in->error.c_str());
    return;
  }
  if (!lvm::jit::available()) {
    state.SkipWithError("the JIT is not available on this machine");
    return;
  }
  auto m = lvm::load_module(in->bytes);
  if (!m) {
    state.SkipWithError(("module does not load: " + m.error().format()).c_str());
    return;
  }
  std::shared_ptr<const lvm::Module> mod = *m;
  uint64_t body_bytes = 0, code_bytes = 0;
  uint32_t fallbacks = 0;
  lvm::jit::ModuleCode::set_compile_threads(threads);
  for (auto _ : state) {
    lvm::jit::ModuleCode mc(mod, lvm::jit::MemoryMode::Guarded, /*eager=*/true);
    mc.compile_all();
    const auto s = mc.stats();
    body_bytes = s.wasm_bytes;
    code_bytes = s.code_bytes;
    fallbacks = s.interpreted;
  }
  if (fallbacks) {
    state.SkipWithError((std::to_string(fallbacks) + " functions fell back to the interpreter").c_str());
    return;
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(body_bytes));
  state.counters["functions"] = double(mod->bodies.size());
  state.counters["body_bytes"] = double(body_bytes);
  state.counters["code_bytes"] = double(code_bytes);
}

}  // namespace

int main(int argc, char** argv) {
  // Our own flags first; Google Benchmark rejects what it does not know.
  std::string dump;
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    constexpr std::string_view kDump = "--lvm_dump_generated=";
    if (std::string_view(argv[i]).substr(0, kDump.size()) == kDump) {
      dump = argv[i] + kDump.size();
    } else {
      argv[kept++] = argv[i];
    }
  }
  argc = kept;
  if (!dump.empty()) {
    Input in = generated_input();
    std::ofstream(dump, std::ios::binary).write(reinterpret_cast<const char*>(in.bytes.data()),
                                                std::streamsize(in.bytes.size()));
    std::printf("%s: %zu bytes, %u functions, %llu instructions, %zu code bytes\n", dump.c_str(), in.bytes.size(),
                in.gen.functions, static_cast<unsigned long long>(in.gen.instructions), in.gen.code_bytes);
    return 0;
  }

  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

  // Inputs live until the end of main; the benchmarks point at them.
  static std::vector<std::unique_ptr<Input>> inputs;
  std::string problem;
  for (Input& in : spec_inputs(&problem)) inputs.push_back(std::make_unique<Input>(std::move(in)));
  if (!problem.empty()) {
    std::fprintf(stderr, "lvm-bench-loader: %s\n", problem.c_str());
    if (inputs.empty()) {
      auto in = std::make_unique<Input>();
      in->name = "spec";
      in->error = problem;
      inputs.push_back(std::move(in));
    }
  }
  inputs.push_back(std::make_unique<Input>(clang_input()));
  const Input* clang = inputs.back().get();
  inputs.push_back(std::make_unique<Input>(generated_input()));
  auto nosimd = std::make_unique<Input>(generated_input(/*simd=*/false));

  for (const auto& in : inputs) {
    auto* b = benchmark::RegisterBenchmark(("load/" + in->name).c_str(), BM_Load, in.get());
    if (in->bytes.size() >= (1u << 20)) {
      b->Unit(benchmark::kMillisecond)->MinTime(2.0);
    } else {
      b->Unit(benchmark::kMicrosecond);
    }
  }
  // Eager compilation on one thread, and on one per CPU (the default of
  // `lvm run`); wall-clock time, since helper threads' CPU time is not the
  // calling thread's.
  const unsigned cpus = lvm::jit::ModuleCode::compile_threads();
  for (unsigned threads : {1u, cpus}) {
    const std::string suffix = "/threads:" + std::to_string(threads);
    benchmark::RegisterBenchmark(("jit-compile/" + clang->name + suffix).c_str(), BM_Compile, clang, threads)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
    benchmark::RegisterBenchmark(("jit-compile/" + nosimd->name + suffix).c_str(), BM_Compile, nosimd.get(), threads)
        ->Unit(benchmark::kMillisecond)
        ->MinTime(2.0)
        ->UseRealTime();
    if (cpus == 1) break;
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
