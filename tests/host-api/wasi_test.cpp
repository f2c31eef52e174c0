// Tests for host-api/wasi: the preview1 functions called directly with a
// HostCall over an instance that has one page of memory (no guest code
// runs). Covers the signatures, args/environ, fd I/O through pipes and
// files, path operations in a temporary preopened directory, the sandbox
// (escapes by `..`, absolute paths and symlinks, with and without openat2),
// bad guest pointers, clocks, poll_oneoff and proc_exit.
#include "host-api/wasi/wasi.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "host-api/wasi/abi.h"
#include "host-api/wasi/errno.h"
#include "host-api/wasi/path_resolve.h"
#include "tests/host-api/wasi_guest.h"
#include "loader/loader.h"
#include "tests/support/wasm_builder.h"
#include "vm/instance.h"

using namespace lvm;
using namespace lvm::wasi;
namespace fs = std::filesystem;

using namespace lvm::wasi::test;

TEST_CASE("wasi: every preview1 function is present with its witx signature") {
  // Parameters per function: 'i' = i32, 'I' = i64; every result is one i32
  // errno except proc_exit, which has none.
  const std::map<std::string, std::string> witx = {
      {"args_get", "ii"}, {"args_sizes_get", "ii"}, {"environ_get", "ii"}, {"environ_sizes_get", "ii"},
      {"clock_res_get", "ii"}, {"clock_time_get", "iIi"}, {"fd_advise", "iIIi"}, {"fd_allocate", "iII"},
      {"fd_close", "i"}, {"fd_datasync", "i"}, {"fd_fdstat_get", "ii"}, {"fd_fdstat_set_flags", "ii"},
      {"fd_fdstat_set_rights", "iII"}, {"fd_filestat_get", "ii"}, {"fd_filestat_set_size", "iI"},
      {"fd_filestat_set_times", "iIIi"}, {"fd_pread", "iiiIi"}, {"fd_prestat_get", "ii"},
      {"fd_prestat_dir_name", "iii"}, {"fd_pwrite", "iiiIi"}, {"fd_read", "iiii"}, {"fd_readdir", "iiiIi"},
      {"fd_renumber", "ii"}, {"fd_seek", "iIii"}, {"fd_sync", "i"}, {"fd_tell", "ii"}, {"fd_write", "iiii"},
      {"path_create_directory", "iii"}, {"path_filestat_get", "iiiii"}, {"path_filestat_set_times", "iiiiIIi"},
      {"path_link", "iiiiiii"}, {"path_open", "iiiiiIIii"}, {"path_readlink", "iiiiii"},
      {"path_remove_directory", "iii"}, {"path_rename", "iiiiii"}, {"path_symlink", "iiiii"},
      {"path_unlink_file", "iii"}, {"poll_oneoff", "iiii"}, {"proc_exit", "i"}, {"proc_raise", "i"},
      {"sched_yield", ""}, {"random_get", "ii"}, {"sock_accept", "iii"}, {"sock_recv", "iiiiii"},
      {"sock_send", "iiiii"}, {"sock_shutdown", "ii"},
  };
  auto ctx = WasiContext::create(WasiConfig{});
  REQUIRE(ctx);
  auto fns = wasi_functions(ctx);
  CHECK(fns.size() == witx.size());
  for (const HostFunction& f : fns) {
    CAPTURE(f.name);
    CHECK(f.module == "wasi_snapshot_preview1");
    auto it = witx.find(f.name);
    REQUIRE(it != witx.end());
    std::string params;
    for (ValType t : f.type.params()) params += t == ValType::I64 ? 'I' : t == ValType::I32 ? 'i' : '?';
    CHECK(params == it->second);
    if (f.name == "proc_exit") {
      CHECK(f.type.results().empty());
    } else {
      REQUIRE(f.type.results().size() == 1);
      CHECK(f.type.results()[0] == ValType::I32);
    }
  }
}

TEST_CASE("wasi: args and environ") {
  WasiConfig cfg;
  cfg.args = {"prog", "a b", "\xc3\xbc"};
  cfg.env = {"A=1", "LONGER=xyz"};
  Guest g(cfg);
  REQUIRE(g.call("args_sizes_get", {100, 104}) == kSuccess);
  CHECK(g.u32(100) == 3);
  CHECK(g.u32(104) == 5 + 4 + 3);
  REQUIRE(g.call("args_get", {1000, 2000}) == kSuccess);
  CHECK(std::string(reinterpret_cast<char*>(g.mem() + g.u32(1000))) == "prog");
  CHECK(std::string(reinterpret_cast<char*>(g.mem() + g.u32(1004))) == "a b");
  CHECK(std::string(reinterpret_cast<char*>(g.mem() + g.u32(1008))) == "\xc3\xbc");
  CHECK(g.u32(1000) == 2000);

  REQUIRE(g.call("environ_sizes_get", {100, 104}) == kSuccess);
  CHECK(g.u32(100) == 2);
  CHECK(g.u32(104) == 4 + 11);
  REQUIRE(g.call("environ_get", {1000, 2000}) == kSuccess);
  CHECK(g.get(g.u32(1000), 4) == std::string("A=1\0", 4));
  CHECK(g.get(g.u32(1004), 11) == std::string("LONGER=xyz\0", 11));

  // Out of bounds: the pointer array, the string buffer, the size outputs.
  CHECK(g.call("args_get", {kMem - 8, 2000}) == kFault);
  CHECK(g.call("args_get", {1000, kMem - 5}) == kFault);
  CHECK(g.call("args_sizes_get", {kMem - 2, 104}) == kFault);
  CHECK(g.call("environ_get", {0xFFFFFFFF, 0}) == kFault);
  CHECK(g.call("environ_sizes_get", {100, kMem}) == kFault);
}

TEST_CASE("wasi: fd_write of iovecs to a pipe") {
  int p[2];
  REQUIRE(::pipe(p) == 0);
  WasiConfig cfg;
  cfg.stdin_fd = -1;
  cfg.stdout_fd = p[1];
  Guest g(cfg);
  g.put(500, "hello, ");
  g.put(600, "world\n");
  g.set_u32(200, 500), g.set_u32(204, 7);
  g.set_u32(208, 0), g.set_u32(212, 0);  // an empty iovec anywhere is fine
  g.set_u32(216, 600), g.set_u32(220, 6);
  REQUIRE(g.call("fd_write", {1, 200, 3, 300}) == kSuccess);
  CHECK(g.u32(300) == 13);
  char buf[32] = {};
  CHECK(::read(p[0], buf, sizeof buf) == 13);
  CHECK(std::string(buf) == "hello, world\n");

  // A pipe's fdstat, and that seeking it fails with ESPIPE.
  REQUIRE(g.call("fd_fdstat_get", {1, 400}) == kSuccess);
  CHECK((g.u64(408) & kRightFdWrite) != 0);
  CHECK(g.call("fd_seek", {1, 0, kWhenceCur, 300}) == kSpipe);

  // An iovec whose buffer leaves memory: EFAULT, nothing written.
  g.set_u32(216, kMem - 3);
  CHECK(g.call("fd_write", {1, 200, 3, 300}) == kFault);
  // The iovec array itself out of bounds, or the count overflowing.
  CHECK(g.call("fd_write", {1, kMem - 8, 2, 300}) == kFault);
  CHECK(g.call("fd_write", {1, 200, 0xFFFFFFFF, 300}) == kFault);
  CHECK(g.call("fd_write", {1, 200, 1, kMem}) == kFault);
  CHECK(g.call("fd_write", {9, 200, 1, 300}) == kBadf);

  // Writing after the reader is gone gives EPIPE, not SIGPIPE.
  ::close(p[0]);
  CHECK(g.write(1, "x") == kPipe);
  ::close(p[1]);
}

TEST_CASE("wasi: reading, seeking and stat of a file in a preopen") {
  TempDir dir;
  {
    FILE* f = std::fopen((dir.path / "data.txt").c_str(), "w");
    std::fputs("0123456789abcdef", f);
    std::fclose(f);
  }
  Guest g(sandbox_config(dir));
  uint32_t fd = 0;
  REQUIRE(g.open(3, "data.txt", 0, kRead | kRightFdAdvise, &fd) == kSuccess);
  CHECK(fd == 4);
  // Two iovecs.
  g.set_u32(200, 3000), g.set_u32(204, 4);
  g.set_u32(208, 3100), g.set_u32(212, 3);
  REQUIRE(g.call("fd_read", {fd, 200, 2, 300}) == kSuccess);
  CHECK(g.u32(300) == 7);
  CHECK(g.get(3000, 4) == "0123");
  CHECK(g.get(3100, 3) == "456");
  REQUIRE(g.call("fd_tell", {fd, 308}) == kSuccess);
  CHECK(g.u64(308) == 7);
  REQUIRE(g.call("fd_seek", {fd, uint64_t(-2), kWhenceEnd, 308}) == kSuccess);
  CHECK(g.u64(308) == 14);
  CHECK(g.read(fd, 100) == "ef");
  CHECK(g.read(fd, 100) == "");
  // pread leaves the position alone.
  g.set_u32(200, 3000), g.set_u32(204, 5);
  REQUIRE(g.call("fd_pread", {fd, 200, 1, 10, 300}) == kSuccess);
  CHECK(g.get(3000, g.u32(300)) == "abcde");
  CHECK(g.call("fd_pread", {fd, 200, 1, uint64_t(-1), 300}) == kInval);
  REQUIRE(g.call("fd_filestat_get", {fd, 400}) == kSuccess);
  CHECK(g.mem()[400 + 16] == kFiletypeRegularFile);
  CHECK(g.u64(400 + 32) == 16);
  REQUIRE(g.call("fd_fdstat_get", {fd, 500}) == kSuccess);
  CHECK(g.mem()[500] == kFiletypeRegularFile);
  CHECK(g.u64(508) == ((kRead | kRightFdAdvise) & kRightsFile));
  CHECK(g.call("fd_seek", {fd, 0, 7, 308}) == kInval);
  CHECK(g.call("fd_advise", {fd, 0, 0, kAdviceSequential}) == kSuccess);
  // A descriptor opened without fd_write cannot be written.
  CHECK(g.write(fd, "x") == kNotCapable);
  REQUIRE(g.call("fd_close", {fd}) == kSuccess);
  CHECK(g.call("fd_close", {fd}) == kBadf);
  CHECK(g.call("fd_read", {fd, 200, 1, 300}) == kBadf);
}

TEST_CASE("wasi: preopens are described by fd_prestat_*") {
  TempDir dir;
  Guest g(sandbox_config(dir));
  REQUIRE(g.call("fd_prestat_get", {3, 100}) == kSuccess);
  CHECK(g.mem()[100] == kPreopentypeDir);
  CHECK(g.u32(104) == 8);
  REQUIRE(g.call("fd_prestat_dir_name", {3, 200, 8}) == kSuccess);
  CHECK(g.get(200, 8) == "/sandbox");
  CHECK(g.call("fd_prestat_dir_name", {3, 200, 4}) == kNameTooLong);
  CHECK(g.call("fd_prestat_dir_name", {3, kMem - 4, 8}) == kFault);
  CHECK(g.call("fd_prestat_get", {3, kMem - 4}) == kFault);
  CHECK(g.call("fd_prestat_get", {4, 100}) == kBadf);  // the end of the preopens
  CHECK(g.call("fd_prestat_get", {0, 100}) == kBadf);
  REQUIRE(g.call("fd_fdstat_get", {3, 100}) == kSuccess);
  CHECK(g.mem()[100] == kFiletypeDirectory);
  CHECK(g.u64(116) == kRightsAll);
}

TEST_CASE("wasi: creating, renaming, listing and removing inside a preopen") {
  TempDir dir;
  Guest g(sandbox_config(dir));
  auto [p, n] = g.path("sub");
  REQUIRE(g.call("path_create_directory", {3, p, n}) == kSuccess);
  CHECK(fs::is_directory(dir.path / "sub"));
  CHECK(g.call("path_create_directory", {3, p, n}) == kExist);

  uint32_t fd = 0;
  REQUIRE(g.open(3, "sub/f.txt", kOflagCreat | kOflagExcl, kWrite, &fd) == kSuccess);
  REQUIRE(g.write(fd, "payload") == kSuccess);
  CHECK(g.u32(300) == 7);
  REQUIRE(g.call("fd_filestat_set_size", {fd, 3}) == kSuccess);
  REQUIRE(g.call("fd_close", {fd}) == kSuccess);
  CHECK(g.open(3, "sub/f.txt", kOflagCreat | kOflagExcl, kWrite) == kExist);
  CHECK(fs::file_size(dir.path / "sub/f.txt") == 3);

  // Append mode through fdflags.
  REQUIRE(g.open(3, "sub/f.txt", 0, kWrite | kRightFdFdstatSetFlags, &fd, kLookupSymlinkFollow, kFdflagAppend) ==
          kSuccess);
  REQUIRE(g.write(fd, "++") == kSuccess);
  REQUIRE(g.call("fd_fdstat_get", {fd, 500}) == kSuccess);
  CHECK((g.u32(500) >> 16 & kFdflagAppend) != 0);
  REQUIRE(g.call("fd_fdstat_set_flags", {fd, 0}) == kSuccess);
  REQUIRE(g.call("fd_fdstat_get", {fd, 500}) == kSuccess);
  CHECK((g.u32(500) >> 16 & kFdflagAppend) == 0);
  CHECK(g.call("fd_fdstat_set_flags", {fd, kFdflagSync}) == kNotSup);
  REQUIRE(g.call("fd_close", {fd}) == kSuccess);
  CHECK(fs::file_size(dir.path / "sub/f.txt") == 5);

  // Rename across directories, then stat by path.
  g.put(41000, "sub/f.txt");
  g.put(42000, "g.txt");
  REQUIRE(g.call("path_rename", {3, 41000, 9, 3, 42000, 5}) == kSuccess);
  auto [gp, gn] = g.path("g.txt");
  REQUIRE(g.call("path_filestat_get", {3, 0, gp, gn, 400}) == kSuccess);
  CHECK(g.u64(400 + 32) == 5);
  CHECK(g.mem()[400 + 16] == kFiletypeRegularFile);
  CHECK(g.call("path_filestat_get", {3, 0, gp, gn, kMem - 63}) == kFault);
  REQUIRE(g.call("path_filestat_set_times", {3, 0, gp, gn, 0, 1'000'000'000ull * 1000, kFstMtim}) == kSuccess);
  REQUIRE(g.call("path_filestat_get", {3, 0, gp, gn, 400}) == kSuccess);
  CHECK(g.u64(400 + 48) == 1'000'000'000ull * 1000);
  CHECK(g.call("path_filestat_set_times", {3, 0, gp, gn, 0, 0, kFstMtim | kFstMtimNow}) == kInval);
  auto [fp, fn] = g.path("g.txt/");
  CHECK(g.call("path_filestat_get", {3, 0, fp, fn, 400}) == kNotDir);

  // Listing: the root, then a subdirectory through a directory fd.
  uint32_t root = 0;
  REQUIRE(g.open(3, ".", kOflagDirectory, kRead, &root) == kSuccess);
  CHECK(as_set(g.list(root)) == std::set<std::string>{".", "..", "sub", "g.txt"});
  for (int i = 0; i < 20; ++i) {
    FILE* f = std::fopen((dir.path / ("file-with-a-long-name-" + std::to_string(i))).c_str(), "w");
    std::fclose(f);
  }
  std::vector<std::string> big = g.list(root), small = g.list(root, 64);
  CHECK(big.size() == 24);
  CHECK(small == big);  // cookies resume exactly where the cut-short entry was
  uint32_t sub = 0;
  REQUIRE(g.open(3, "sub", kOflagDirectory, kRightsDirectory, &sub) == kSuccess);
  CHECK(as_set(g.list(sub)) == std::set<std::string>{".", ".."});
  CHECK(g.call("fd_readdir", {sub, kMem - 10, 100, 0, 300}) == kFault);
  CHECK(g.call("fd_readdir", {sub, 10000, 100, 0, kMem - 3}) == kFault);
  // A directory descriptor can itself be the base of a path operation.
  auto [hp, hn] = g.path("h.txt");
  REQUIRE(g.open(sub, "h.txt", kOflagCreat, kWrite) == kSuccess);
  CHECK(fs::exists(dir.path / "sub/h.txt"));
  REQUIRE(g.call("path_unlink_file", {sub, hp, hn}) == kSuccess);
  CHECK(g.call("fd_readdir", {4 + 100, 10000, 100, 0, 300}) == kBadf);

  // Symlinks inside the sandbox.
  g.put(41000, "g.txt");
  g.put(42000, "lnk");
  REQUIRE(g.call("path_symlink", {41000, 5, 3, 42000, 3}) == kSuccess);
  REQUIRE(g.call("path_readlink", {3, 42000, 3, 5000, 64, 300}) == kSuccess);
  CHECK(g.get(5000, g.u32(300)) == "g.txt");
  REQUIRE(g.call("path_readlink", {3, 42000, 3, 5000, 2, 300}) == kSuccess);  // truncated
  CHECK(g.u32(300) == 2);
  CHECK(g.call("path_readlink", {3, 42000, 3, kMem - 1, 64, 300}) == kFault);
  REQUIRE(g.open(3, "lnk", 0, kRead, &fd) == kSuccess);  // followed to g.txt
  CHECK(g.read(fd, 100) == "pay++");
  CHECK(g.open(3, "lnk", 0, kRead, nullptr, 0) == kLoop);  // not followed
  auto [lp, ln] = g.path("lnk");
  REQUIRE(g.call("path_filestat_get", {3, 0, lp, ln, 400}) == kSuccess);
  CHECK(g.mem()[400 + 16] == kFiletypeSymbolicLink);
  REQUIRE(g.call("path_filestat_get", {3, kLookupSymlinkFollow, lp, ln, 400}) == kSuccess);
  CHECK(g.mem()[400 + 16] == kFiletypeRegularFile);
  // A hard link.
  g.put(42000, "hard");
  REQUIRE(g.call("path_link", {3, 0, 41000, 5, 3, 42000, 4}) == kSuccess);
  CHECK(fs::hard_link_count(dir.path / "g.txt") == 2);

  // fd_renumber moves a descriptor onto another open one.
  uint32_t a = 0, b = 0;
  REQUIRE(g.open(3, "g.txt", 0, kRead, &a) == kSuccess);
  REQUIRE(g.open(3, "sub", kOflagDirectory, kRead, &b) == kSuccess);
  REQUIRE(g.call("fd_renumber", {a, b}) == kSuccess);
  CHECK(g.read(b, 3) == "pay");
  CHECK(g.call("fd_close", {a}) == kBadf);
  CHECK(g.call("fd_renumber", {b, 999}) == kBadf);

  // Removal.
  REQUIRE(g.call("path_unlink_file", {3, lp, ln}) == kSuccess);
  REQUIRE(g.call("path_unlink_file", {3, gp, gn}) == kSuccess);
  CHECK_FALSE(fs::exists(dir.path / "g.txt"));
  CHECK(g.call("path_filestat_get", {3, 0, gp, gn, 400}) == kNoEnt);
  auto [sp, sn] = g.path("sub");
  CHECK(g.call("path_unlink_file", {3, sp, sn}) == kIsDir);
  REQUIRE(g.call("path_remove_directory", {3, sp, sn}) == kSuccess);
  CHECK_FALSE(fs::exists(dir.path / "sub"));
  CHECK(g.call("path_remove_directory", {3, sp, sn}) == kNoEnt);
  // A file is not a directory to resolve paths from.
  auto [hp2, hn2] = g.path("x");
  CHECK(g.call("path_create_directory", {1, hp2, hn2}) == kNotDir);
}

static void check_escapes(bool openat2) {
  TempDir outer;
  fs::create_directory(outer.path / "box");
  fs::create_directory(outer.path / "box/sub");
  {
    FILE* f = std::fopen((outer.path / "secret").c_str(), "w");
    std::fputs("secret", f);
    std::fclose(f);
  }
  REQUIRE(::symlink("/", (outer.path / "box/root").c_str()) == 0);
  REQUIRE(::symlink("../secret", (outer.path / "box/up").c_str()) == 0);
  REQUIRE(::symlink("..", (outer.path / "box/sub/parent").c_str()) == 0);  // stays inside: box
  REQUIRE(::symlink("sub/parent/..", (outer.path / "box/sneaky").c_str()) == 0);
  REQUIRE(::symlink("/etc/passwd", (outer.path / "box/passwd").c_str()) == 0);
  REQUIRE(::symlink("loop", (outer.path / "box/loop").c_str()) == 0);
  WasiConfig cfg;
  cfg.preopens.push_back({(outer.path / "box").string(), "/"});
  cfg.stdin_fd = cfg.stdout_fd = cfg.stderr_fd = -1;
  cfg.allow_openat2 = openat2;
  Guest g(cfg);

  for (const char* p : {"../secret", "/etc/passwd", "sub/../../secret", "root/etc/passwd", "root", "up",
                        "sneaky/secret", "passwd", "sub/parent/../secret", "./../box/sub", ".."}) {
    CAPTURE(p);
    CHECK(g.open(3, p, 0, kRead) == kNotCapable);
  }
  // Not following a symlink at the end: it is not opened, and not escaped through.
  CHECK(g.open(3, "up", 0, kRead, nullptr, 0) == kLoop);
  CHECK(g.open(3, "loop", 0, kRead) == kLoop);
  // Allowed: `..` that stays inside, and a symlink that stays inside.
  uint32_t fd = 0;
  CHECK(g.open(3, "sub/..", kOflagDirectory, kRead, &fd) == kSuccess);
  CHECK(g.open(3, "sub/parent/sub", kOflagDirectory, kRead) == kSuccess);
  CHECK(g.open(3, "sub/parent", kOflagDirectory, kRead) == kSuccess);
  // A directory opened below the preopen is a sandbox of its own.
  uint32_t sub = 0;
  REQUIRE(g.open(3, "sub", kOflagDirectory, kRightsDirectory, &sub) == kSuccess);
  CHECK(g.open(sub, "..", kOflagDirectory, kRead) == kNotCapable);
  CHECK(g.open(sub, "parent", kOflagDirectory, kRead) == kNotCapable);

  // Every path function refuses escapes, and leaves the outside untouched.
  auto [p, n] = g.path("../evil");
  CHECK(g.call("path_create_directory", {3, p, n}) == kNotCapable);
  CHECK_FALSE(fs::exists(outer.path / "evil"));
  auto [sp, sn] = g.path("../secret");
  CHECK(g.call("path_unlink_file", {3, sp, sn}) == kNotCapable);
  CHECK(g.call("path_filestat_get", {3, kLookupSymlinkFollow, sp, sn, 400}) == kNotCapable);
  CHECK(g.call("path_filestat_set_times", {3, 0, sp, sn, 0, 0, kFstMtimNow}) == kNotCapable);
  CHECK(g.call("path_readlink", {3, sp, sn, 5000, 64, 300}) == kNotCapable);
  auto [up, un] = g.path("up");
  CHECK(g.call("path_filestat_get", {3, kLookupSymlinkFollow, up, un, 400}) == kNotCapable);
  CHECK(g.call("path_filestat_get", {3, 0, up, un, 400}) == kSuccess);  // the link itself is inside
  auto [rp, rn] = g.path("root/tmp");
  CHECK(g.call("path_create_directory", {3, rp, rn}) == kNotCapable);
  auto [ap, an] = g.path("/tmp");
  CHECK(g.call("path_remove_directory", {3, ap, an}) == kNotCapable);
  g.put(41000, "sub");
  g.put(42000, "../moved");
  CHECK(g.call("path_rename", {3, 41000, 3, 3, 42000, 8}) == kNotCapable);
  CHECK(fs::exists(outer.path / "box/sub"));
  CHECK(g.call("path_link", {3, 0, 42000, 8, 3, 41000, 3}) == kNotCapable);
  g.put(41000, "/etc/passwd");
  g.put(42000, "newlink");
  CHECK(g.call("path_symlink", {41000, 11, 3, 42000, 7}) == kNotCapable);
  CHECK_FALSE(fs::is_symlink(outer.path / "box/newlink"));
  // Paths with a NUL byte, too long, or empty.
  g.put(41000, std::string("a\0b", 3));
  CHECK(g.call("path_create_directory", {3, 41000, 3}) == kIlseq);
  CHECK(g.call("path_create_directory", {3, 41000, 5000}) == kNameTooLong);
  CHECK(g.call("path_create_directory", {3, 41000, 0}) == kNoEnt);
}

TEST_CASE("wasi: paths cannot escape their preopen (openat2 when available)") { check_escapes(true); }

TEST_CASE("wasi: paths cannot escape their preopen (portable resolver)") { check_escapes(false); }

TEST_CASE("wasi: clocks and random") {
  Guest g(WasiConfig{});
  REQUIRE(g.call("clock_time_get", {kClockMonotonic, 0, 100}) == kSuccess);
  uint64_t t0 = g.u64(100);
  ::usleep(2000);
  REQUIRE(g.call("clock_time_get", {kClockMonotonic, 1, 100}) == kSuccess);
  CHECK(g.u64(100) >= t0 + 2'000'000);
  REQUIRE(g.call("clock_time_get", {kClockRealtime, 0, 100}) == kSuccess);
  CHECK(g.u64(100) > 1'600'000'000ull * 1'000'000'000ull);  // after 2020
  REQUIRE(g.call("clock_time_get", {kClockProcessCputime, 0, 100}) == kSuccess);
  REQUIRE(g.call("clock_time_get", {kClockThreadCputime, 0, 100}) == kSuccess);
  for (uint32_t id = 0; id < 4; ++id) {
    REQUIRE(g.call("clock_res_get", {id, 100}) == kSuccess);
    CHECK(g.u64(100) > 0);
  }
  CHECK(g.call("clock_time_get", {4, 0, 100}) == kInval);
  CHECK(g.call("clock_time_get", {kClockMonotonic, 0, kMem - 7}) == kFault);
  CHECK(g.call("clock_res_get", {kClockMonotonic, kMem}) == kFault);

  std::memset(g.mem() + 200, 0, 64);
  REQUIRE(g.call("random_get", {200, 64}) == kSuccess);
  CHECK(std::any_of(g.mem() + 200, g.mem() + 264, [](uint8_t b) { return b != 0; }));
  CHECK(g.call("random_get", {kMem - 10, 11}) == kFault);
  CHECK(g.call("random_get", {0, kMem}) == kSuccess);
  CHECK(g.call("random_get", {kMem, 0}) == kSuccess);
}

TEST_CASE("wasi: poll_oneoff") {
  int p[2];
  REQUIRE(::pipe(p) == 0);
  WasiConfig cfg;
  cfg.stdin_fd = p[0];
  cfg.stdout_fd = cfg.stderr_fd = -1;
  Guest g(cfg);
  auto clock_sub = [&](uint32_t at, uint64_t userdata, uint32_t id, uint64_t timeout, uint16_t flags) {
    std::memset(g.mem() + at, 0, layout::kSubscriptionSize);
    g.set_u64(at, userdata);
    g.mem()[at + 8] = kEventClock;
    g.set_u32(at + 16, id);
    g.set_u64(at + 24, timeout);
    std::memcpy(g.mem() + at + 40, &flags, 2);
  };
  auto fd_sub = [&](uint32_t at, uint64_t userdata, uint8_t type, uint32_t fd) {
    std::memset(g.mem() + at, 0, layout::kSubscriptionSize);
    g.set_u64(at, userdata);
    g.mem()[at + 8] = type;
    g.set_u32(at + 16, fd);
  };

  // A relative 10 ms sleep.
  clock_sub(1000, 42, kClockMonotonic, 10'000'000, 0);
  auto start = std::chrono::steady_clock::now();
  REQUIRE(g.call("poll_oneoff", {1000, 2000, 1, 300}) == kSuccess);
  CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(10));
  CHECK(g.u32(300) == 1);
  CHECK(g.u64(2000) == 42);
  CHECK(g.mem()[2000 + 10] == kEventClock);
  CHECK(g.u32(2000 + 8) == 0);

  // An absolute realtime deadline in the past fires at once.
  clock_sub(1000, 7, kClockRealtime, 1, kSubclockAbstime);
  REQUIRE(g.call("poll_oneoff", {1000, 2000, 1, 300}) == kSuccess);
  CHECK(g.u64(2000) == 7);

  // Data in a pipe wins over a long timeout.
  REQUIRE(::write(p[1], "abc", 3) == 3);
  fd_sub(1000, 1, kEventFdRead, 0);
  clock_sub(1048, 2, kClockMonotonic, 10'000'000'000ull, 0);
  start = std::chrono::steady_clock::now();
  REQUIRE(g.call("poll_oneoff", {1000, 2000, 2, 300}) == kSuccess);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
  REQUIRE(g.u32(300) == 1);
  CHECK(g.u64(2000) == 1);
  CHECK(g.mem()[2000 + 10] == kEventFdRead);
  CHECK(g.u64(2000 + 16) == 3);

  // A bad fd is answered by an EBADF event; a CPU-time clock by EINVAL.
  fd_sub(1000, 5, kEventFdWrite, 77);
  clock_sub(1048, 6, kClockProcessCputime, 1, 0);
  REQUIRE(g.call("poll_oneoff", {1000, 2000, 2, 300}) == kSuccess);
  REQUIRE(g.u32(300) == 2);
  CHECK(g.u64(2000) == 5);
  CHECK(g.u32(2000 + 8) == (kBadf | uint32_t(kEventFdWrite) << 16));
  CHECK(g.u64(2032) == 6);
  CHECK((g.u32(2032 + 8) & 0xFFFF) == kInval);

  // Input and output may overlap (the subscriptions are read first).
  clock_sub(1000, 9, kClockMonotonic, 0, 0);
  REQUIRE(g.call("poll_oneoff", {1000, 1000, 1, 300}) == kSuccess);
  CHECK(g.u64(1000) == 9);

  CHECK(g.call("poll_oneoff", {1000, 2000, 0, 300}) == kInval);
  CHECK(g.call("poll_oneoff", {kMem - 40, 2000, 1, 300}) == kFault);
  CHECK(g.call("poll_oneoff", {1000, kMem - 31, 1, 300}) == kFault);
  CHECK(g.call("poll_oneoff", {1000, 2000, 1, kMem - 1}) == kFault);
  CHECK(g.call("poll_oneoff", {1000, 2000, 0x10000000, 300}) == kFault);
  g.mem()[1008] = 9;  // not an eventtype
  CHECK(g.call("poll_oneoff", {1000, 2000, 1, 300}) == kInval);
  ::close(p[0]);
  ::close(p[1]);
}

TEST_CASE("wasi: proc_exit, proc_raise, sched_yield") {
  Guest g(WasiConfig{});
  Trap t = Trap::None;
  g.call("proc_exit", {7}, &t);
  CHECK(t == Trap::Exit);
  CHECK(g.inst->exit_code == 7);
  CHECK(g.call("proc_raise", {6}) == kNoSys);
  CHECK(g.call("sched_yield", {}) == kSuccess);
  CHECK(g.call("sock_shutdown", {0, kSdflagRd}) == kNotSock);
  CHECK(g.call("sock_accept", {0, 0, 100}) == kNotSock);
}

TEST_CASE("wasi: every function survives hostile arguments") {
  // Each function (but proc_exit, and poll_oneoff whose clock subscriptions
  // could sleep for years) is called many times with arguments drawn from
  // boundary values: pointers at and past the end of memory, huge lengths,
  // unknown fds. Each must return an errno, never crash (run under ASan).
  TempDir outer;
  fs::create_directory(outer.path / "box");
  fs::create_directory(outer.path / "box/d");
  WasiConfig cfg;
  cfg.preopens.push_back({(outer.path / "box").string(), "/"});
  cfg.stdin_fd = cfg.stdout_fd = cfg.stderr_fd = -1;
  Guest g(cfg);
  const uint64_t i32s[] = {0, 1, 3, 4, 8, 24, 64, 1000, kMem - 64, kMem - 8, kMem - 1, kMem, kMem + 1,
                           0x7FFFFFFF, 0xFFFFFFF8, 0xFFFFFFFF};
  const uint64_t i64s[] = {0, 1, uint64_t(-1), uint64_t(INT64_MAX), uint64_t(INT64_MIN), kMem};
  std::mt19937_64 rng(12345);
  // Some readable content for paths and iovecs.
  g.put(0, std::string("d/x\0", 4));
  int calls = 0;
  for (auto& [name, fn] : g.fns) {
    if (name == "proc_exit" || name == "poll_oneoff") continue;
    CAPTURE(name);
    for (int round = 0; round < 300; ++round) {
      std::vector<uint64_t> args;
      for (ValType t : fn.type.params())
        args.push_back(t == ValType::I64 ? i64s[rng() % std::size(i64s)] : i32s[rng() % std::size(i32s)]);
      int32_t e = g.call(name, args);
      CHECK(e >= 0);
      CHECK(e <= kNotCapable);
      ++calls;
    }
  }
  CHECK(calls > 10000);
  // Whatever the calls created stayed inside the preopen.
  std::vector<std::string> outside;
  for (const auto& entry : fs::directory_iterator(outer.path)) outside.push_back(entry.path().filename().string());
  CHECK(outside == std::vector<std::string>{"box"});
}

TEST_CASE("wasi: bad pointers give EFAULT") {
  TempDir dir;
  Guest g(sandbox_config(dir));
  const uint64_t bad = kMem - 2;
  auto [p, n] = g.path("f");
  uint32_t fd = 0;
  REQUIRE(g.open(3, "f", kOflagCreat, kRightsFile, &fd) == kSuccess);
  CHECK(g.call("path_open", {3, 0, p, n, 0, kRead, 0, 0, bad}) == kFault);
  CHECK(g.call("path_open", {3, 0, bad, 8, 0, kRead, 0, 0, 100}) == kFault);
  CHECK(g.call("path_open", {3, 0, 0xFFFFFFFF, 2, 0, kRead, 0, 0, 100}) == kFault);
  CHECK(g.call("path_create_directory", {3, bad, 3}) == kFault);
  CHECK(g.call("path_remove_directory", {3, bad, 3}) == kFault);
  CHECK(g.call("path_unlink_file", {3, bad, 3}) == kFault);
  CHECK(g.call("path_rename", {3, p, n, 3, bad, 3}) == kFault);
  CHECK(g.call("path_rename", {3, bad, 3, 3, p, n}) == kFault);
  CHECK(g.call("path_symlink", {bad, 3, 3, p, n}) == kFault);
  CHECK(g.call("path_link", {3, 0, p, n, 3, bad, 3}) == kFault);
  CHECK(g.call("path_readlink", {3, p, n, 100, 64, bad}) == kFault);
  CHECK(g.call("path_filestat_set_times", {3, 0, bad, 9, 0, 0, 0}) == kFault);
  CHECK(g.call("fd_read", {fd, 200, 1, bad}) == kFault);
  CHECK(g.call("fd_pread", {fd, bad, 1, 0, 300}) == kFault);
  CHECK(g.call("fd_pwrite", {fd, 200, 1, 0, bad}) == kFault);
  CHECK(g.call("fd_seek", {fd, 0, 0, bad}) == kFault);
  CHECK(g.call("fd_tell", {fd, bad}) == kFault);
  CHECK(g.call("fd_fdstat_get", {fd, bad}) == kFault);
  CHECK(g.call("fd_filestat_get", {fd, bad}) == kFault);
  CHECK(g.call("fd_readdir", {3, 100, 0xFFFFFFFF, 0, 300}) == kFault);
  CHECK(g.call("sock_recv", {fd, 200, 1, 0, bad, 310}) == kFault);
  CHECK(g.call("sock_send", {fd, 200, 1, 0, bad}) == kFault);
  CHECK(g.call("sock_accept", {fd, 0, bad}) == kFault);
}

TEST_CASE("wasi: a context with a missing preopen is refused") {
  WasiConfig cfg;
  cfg.preopens.push_back({"/nonexistent/lvm-wasi", "x"});
  std::string err;
  CHECK(WasiContext::create(cfg, &err) == nullptr);
  CHECK(err.find("/nonexistent/lvm-wasi") != std::string::npos);
}
