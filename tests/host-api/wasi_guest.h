// The test fixture of the WASI unit tests: an instance with one page of
// memory and the preview1 functions bound to a context, called directly
// with a HostCall (no guest code runs), plus a temporary directory to
// preopen. Shared by wasi_test.cpp and wasi_rights_test.cpp.
#pragma once

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "host-api/wasi/abi.h"
#include "host-api/wasi/errno.h"
#include "host-api/wasi/wasi.h"
#include "loader/loader.h"
#include "tests/support/wasm_builder.h"
#include "vm/instance.h"

namespace lvm::wasi::test {

namespace fs = std::filesystem;

constexpr uint32_t kMem = 65536;  // one page

// A temporary directory removed at the end of the test.
struct TempDir {
  fs::path path;
  TempDir() {
    char tmpl[] = "/tmp/lvm-wasi-test-XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

// An instance with one page of memory plus the WASI functions bound to a context.
struct Guest {
  std::shared_ptr<WasiContext> ctx;
  std::map<std::string, HostFunction> fns;
  std::unique_ptr<Instance> inst;

  explicit Guest(WasiConfig cfg) {
    std::string err;
    ctx = WasiContext::create(std::move(cfg), &err);
    REQUIRE_MESSAGE(ctx, err);
    for (HostFunction& f : wasi_functions(ctx)) fns.emplace(f.name, std::move(f));
    using namespace lvm::test;
    Bytes bytes = module({section(5, vec({cat({{0x00}, leb(1)})}))});
    auto loaded = load_module(bytes);
    REQUIRE(loaded.has_value());
    auto r = Instance::instantiate(loaded.value(), [](const auto&...) -> std::optional<Extern> { return std::nullopt; });
    REQUIRE(std::holds_alternative<std::unique_ptr<Instance>>(r));
    inst = std::move(std::get<std::unique_ptr<Instance>>(r));
    REQUIRE(inst->memory0()->size() == kMem);
  }

  uint8_t* mem() { return inst->memory0()->base(); }

  // Calls `name` with `args` (one per parameter); returns its errno.
  int32_t call(const std::string& name, std::vector<uint64_t> args, Trap* trap = nullptr) {
    auto it = fns.find(name);
    REQUIRE_MESSAGE(it != fns.end(), name);
    REQUIRE_MESSAGE(args.size() == it->second.type.params().size(), name);
    uint64_t results[1] = {0xDEADBEEF};
    HostCall hc(*inst, it->second, args.data(), results);
    Trap t = it->second.call(hc);
    if (trap) *trap = t;
    else CHECK(t == Trap::None);
    return int32_t(uint32_t(results[0]));
  }

  void put(uint32_t addr, std::string_view s) { std::memcpy(mem() + addr, s.data(), s.size()); }
  std::string get(uint32_t addr, uint32_t len) { return std::string(reinterpret_cast<char*>(mem() + addr), len); }
  uint32_t u32(uint32_t addr) { uint32_t v; std::memcpy(&v, mem() + addr, 4); return v; }
  uint64_t u64(uint32_t addr) { uint64_t v; std::memcpy(&v, mem() + addr, 8); return v; }
  void set_u32(uint32_t addr, uint32_t v) { std::memcpy(mem() + addr, &v, 4); }
  void set_u64(uint32_t addr, uint64_t v) { std::memcpy(mem() + addr, &v, 8); }

  // Writes a path at a fresh scratch address (43000..60000, reused
  // round-robin) and returns {ptr, len} arguments.
  std::pair<uint64_t, uint64_t> path(std::string_view p) {
    if (next_path_ + p.size() > 60000) next_path_ = 43000;
    uint32_t at = next_path_;
    next_path_ += uint32_t(p.size());
    put(at, p);
    return {at, p.size()};
  }
  uint32_t next_path_ = 43000;

  // path_open beneath `dir`; returns errno, the new fd in *fd.
  int32_t open(uint32_t dir, std::string_view p, uint32_t oflags, uint64_t rights, uint32_t* fd = nullptr,
               uint32_t lookup = kLookupSymlinkFollow, uint32_t fdflags = 0) {
    auto [ptr, len] = path(p);
    int32_t e = call("path_open", {dir, lookup, ptr, len, oflags, rights, kRightsAll, fdflags, 100});
    if (fd) *fd = u32(100);
    return e;
  }

  // Writes `data` to fd with one iovec; returns errno.
  int32_t write(uint32_t fd, std::string_view data) {
    put(2000, data);
    set_u32(200, 2000);
    set_u32(204, uint32_t(data.size()));
    return call("fd_write", {fd, 200, 1, 300});
  }

  // Reads up to n bytes from fd.
  std::string read(uint32_t fd, uint32_t n) {
    set_u32(200, 3000);
    set_u32(204, n);
    REQUIRE(call("fd_read", {fd, 200, 1, 300}) == kSuccess);
    return get(3000, u32(300));
  }

  // The names fd_readdir reports for `fd`, reading with a buffer of buf_len
  // bytes and following cookies the way wasi-libc does.
  std::vector<std::string> list(uint32_t fd, uint32_t buf_len = 4096) {
    std::vector<std::string> names;
    uint64_t cookie = 0;
    for (int rounds = 0; rounds < 1000; ++rounds) {
      REQUIRE(call("fd_readdir", {fd, 10000, buf_len, cookie, 300}) == kSuccess);
      uint32_t used = u32(300), off = 0;
      bool progressed = false;
      while (off + layout::kDirentSize <= used) {
        uint32_t namlen = u32(10000 + off + 16);
        if (off + layout::kDirentSize + namlen > used) break;  // cut short: ask again from its cookie
        names.push_back(get(10000 + off + layout::kDirentSize, namlen));
        cookie = u64(10000 + off);
        off += layout::kDirentSize + namlen;
        progressed = true;
      }
      if (used < buf_len) break;
      REQUIRE(progressed);
    }
    return names;
  }
};

inline std::set<std::string> as_set(const std::vector<std::string>& v) { return {v.begin(), v.end()}; }

inline WasiConfig sandbox_config(const TempDir& dir, bool openat2 = true) {
  WasiConfig cfg;
  cfg.args = {"prog"};
  cfg.preopens.push_back({dir.path.string(), "/sandbox"});
  cfg.stdin_fd = cfg.stdout_fd = cfg.stderr_fd = -1;
  cfg.allow_openat2 = openat2;
  return cfg;
}

constexpr uint64_t kRead = kRightFdRead | kRightFdSeek | kRightFdTell | kRightFdFilestatGet | kRightFdReaddir;
constexpr uint64_t kWrite = kRightFdWrite | kRightFdSeek | kRightFdTell | kRightFdFilestatGet | kRightFdFilestatSetSize;

}  // namespace lvm::wasi::test
