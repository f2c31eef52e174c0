// The preview1 rights rules (docs/wasi.md, "Rights"), one test case each:
// fd_fdstat_set_rights only removes rights; every fd operation needs its
// right and without it fails with ENOTCAPABLE leaving the file as it was;
// path operations need theirs on the directory; path_open needs path_open
// (+ path_create_file for O_CREAT, path_filestat_set_size for O_TRUNC) and
// derives the new descriptor's rights from the request and the directory's
// inheriting rights; a preopen can be opened again with its own rights.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <fstream>
#include <functional>
#include <string>

#include "tests/host-api/wasi_guest.h"

using namespace lvm;
using namespace lvm::wasi;
using namespace lvm::wasi::test;

namespace {

void write_file(const fs::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Base rights of `fd` as fd_fdstat_get reports them (and its inheriting ones in *inheriting).
uint64_t rights_of(Guest& g, uint32_t fd, uint64_t* inheriting = nullptr) {
  REQUIRE(g.call("fd_fdstat_get", {fd, 500}) == kSuccess);
  if (inheriting) *inheriting = g.u64(516);
  return g.u64(508);
}

// Drops `right` from fd's base rights (keeping everything else).
void drop(Guest& g, uint32_t fd, uint64_t right) {
  uint64_t inh = 0;
  uint64_t base = rights_of(g, fd, &inh);
  REQUIRE(g.call("fd_fdstat_set_rights", {fd, base & ~right, inh}) == kSuccess);
  REQUIRE((rights_of(g, fd) & right) == 0);
}

// What an operation leaves behind on the file, to show it was not touched.
struct FileState {
  std::string content;
  off_t position;
  int flags;
  struct timespec mtime;
  bool operator==(const FileState& o) const {
    return content == o.content && position == o.position && flags == o.flags &&
           mtime.tv_sec == o.mtime.tv_sec && mtime.tv_nsec == o.mtime.tv_nsec;
  }
};

}  // namespace

TEST_CASE("wasi rights: fd_fdstat_set_rights can only remove rights") {
  TempDir dir;
  write_file(dir.path / "f", "abc");
  Guest g(sandbox_config(dir));
  uint32_t fd = 0;
  REQUIRE(g.open(3, "f", 0, kRightFdRead | kRightFdSeek, &fd) == kSuccess);
  uint64_t inh = 0;
  const uint64_t base = rights_of(g, fd, &inh);
  CHECK(base == (kRightFdRead | kRightFdSeek));
  // Adding fd_write (or any right it lacks) is refused and changes nothing.
  CHECK(g.call("fd_fdstat_set_rights", {fd, base | kRightFdWrite, inh}) == kNotCapable);
  CHECK(g.call("fd_fdstat_set_rights", {fd, base, inh | kRightPathOpen | (1ull << 40)}) == kNotCapable);
  CHECK(rights_of(g, fd) == base);
  // Removing works, and a removed right cannot come back.
  REQUIRE(g.call("fd_fdstat_set_rights", {fd, kRightFdSeek, 0}) == kSuccess);
  CHECK(rights_of(g, fd, &inh) == kRightFdSeek);
  CHECK(inh == 0);
  CHECK(g.call("fd_fdstat_set_rights", {fd, kRightFdSeek | kRightFdRead, 0}) == kNotCapable);
  CHECK(rights_of(g, fd) == kRightFdSeek);
}

TEST_CASE("wasi rights: every fd operation needs its right and fails without touching the file") {
  // One row per operation: its right, and a call of it on fd 4 (a file
  // opened with every file right, whose content is "0123456789").
  struct Op {
    const char* name;
    uint64_t right;
    std::function<int32_t(Guest&)> call;
  };
  const std::vector<Op> ops = {
      {"fd_read", kRightFdRead, [](Guest& g) { g.set_u32(200, 3000), g.set_u32(204, 4); return g.call("fd_read", {4, 200, 1, 300}); }},
      {"fd_pread", kRightFdRead, [](Guest& g) { g.set_u32(200, 3000), g.set_u32(204, 4); return g.call("fd_pread", {4, 200, 1, 2, 300}); }},
      {"fd_pread (seek)", kRightFdSeek, [](Guest& g) { g.set_u32(200, 3000), g.set_u32(204, 4); return g.call("fd_pread", {4, 200, 1, 2, 300}); }},
      {"fd_write", kRightFdWrite, [](Guest& g) { return g.write(4, "XY"); }},
      {"fd_pwrite", kRightFdWrite, [](Guest& g) { g.put(2000, "XY"), g.set_u32(200, 2000), g.set_u32(204, 2); return g.call("fd_pwrite", {4, 200, 1, 1, 300}); }},
      {"fd_pwrite (seek)", kRightFdSeek, [](Guest& g) { g.put(2000, "XY"), g.set_u32(200, 2000), g.set_u32(204, 2); return g.call("fd_pwrite", {4, 200, 1, 1, 300}); }},
      {"fd_seek", kRightFdSeek, [](Guest& g) { return g.call("fd_seek", {4, 5, kWhenceSet, 308}); }},
      {"fd_tell", kRightFdTell, [](Guest& g) { return g.call("fd_tell", {4, 308}); }},
      {"fd_sync", kRightFdSync, [](Guest& g) { return g.call("fd_sync", {4}); }},
      {"fd_datasync", kRightFdDatasync, [](Guest& g) { return g.call("fd_datasync", {4}); }},
      {"fd_advise", kRightFdAdvise, [](Guest& g) { return g.call("fd_advise", {4, 0, 4, kAdviceWillNeed}); }},
      {"fd_allocate", kRightFdAllocate, [](Guest& g) { return g.call("fd_allocate", {4, 0, 100}); }},
      {"fd_fdstat_set_flags", kRightFdFdstatSetFlags, [](Guest& g) { return g.call("fd_fdstat_set_flags", {4, kFdflagAppend}); }},
      {"fd_filestat_get", kRightFdFilestatGet, [](Guest& g) { return g.call("fd_filestat_get", {4, 400}); }},
      {"fd_filestat_set_size", kRightFdFilestatSetSize, [](Guest& g) { return g.call("fd_filestat_set_size", {4, 2}); }},
      {"fd_filestat_set_times", kRightFdFilestatSetTimes, [](Guest& g) { return g.call("fd_filestat_set_times", {4, 0, 1'000'000'000, kFstAtim | kFstMtim}); }},
  };
  for (const Op& op : ops) {
    for (bool with_right : {true, false}) {
      CAPTURE(op.name);
      CAPTURE(with_right);
      TempDir dir;
      write_file(dir.path / "f", "0123456789");
      Guest g(sandbox_config(dir));
      uint32_t fd = 0;
      REQUIRE(g.open(3, "f", 0, kRightsFile, &fd) == kSuccess);
      REQUIRE(fd == 4);
      if (!with_right) drop(g, fd, op.right);
      const int host_fd = g.ctx->fds().get(fd)->host_fd;
      auto state = [&] {
        FileState s{read_file(dir.path / "f"), ::lseek(host_fd, 0, SEEK_CUR), ::fcntl(host_fd, F_GETFL), {}};
        struct stat st;
        REQUIRE(::fstat(host_fd, &st) == 0);
        s.mtime = st.st_mtim;
        return s;
      };
      const FileState before = state();
      const int32_t e = op.call(g);
      if (with_right) {
        CHECK(e == kSuccess);
      } else {
        CHECK(e == kNotCapable);
        CHECK(state() == before);
      }
    }
  }
}

TEST_CASE("wasi rights: fd_readdir and poll_oneoff need theirs") {
  TempDir dir;
  write_file(dir.path / "f", "x");
  Guest g(sandbox_config(dir));
  uint32_t d = 0, f = 0;
  REQUIRE(g.open(3, ".", kOflagDirectory, kRightsDirectory, &d) == kSuccess);
  REQUIRE(g.call("fd_readdir", {d, 10000, 512, 0, 300}) == kSuccess);
  drop(g, d, kRightFdReaddir);
  g.set_u32(300, 12345);
  CHECK(g.call("fd_readdir", {d, 10000, 512, 0, 300}) == kNotCapable);
  CHECK(g.u32(300) == 12345);  // nothing written
  // A poll subscription on an fd without poll_fd_readwrite gets an
  // ENOTCAPABLE event (readable files are otherwise ready at once).
  REQUIRE(g.open(3, "f", 0, kRightsFile, &f) == kSuccess);
  auto poll = [&](uint32_t fd) {
    std::memset(g.mem() + 1000, 0, 48);
    g.set_u64(1000, 77);
    g.mem()[1008] = kEventFdRead;
    g.set_u32(1016, fd);
    REQUIRE(g.call("poll_oneoff", {1000, 1100, 1, 1200}) == kSuccess);
    REQUIRE(g.u32(1200) == 1);
    CHECK(g.u64(1100) == 77);
    return int(uint16_t(g.u32(1108)));
  };
  CHECK(poll(f) == kSuccess);
  drop(g, f, kRightPollFdReadwrite);
  CHECK(poll(f) == kNotCapable);
}

TEST_CASE("wasi rights: path operations need their right on the directory") {
  // One row per operation on the directory fd 4 (the preopen opened again
  // with every directory right but `right`); `done` tells whether it acted.
  struct Op {
    const char* name;
    uint64_t right;
    std::function<int32_t(Guest&)> call;
    std::function<bool(const fs::path&)> done;
  };
  auto p = [](Guest& g, const char* s) { return g.path(s); };
  const std::vector<Op> ops = {
      {"path_create_directory", kRightPathCreateDirectory,
       [&](Guest& g) { auto [a, n] = p(g, "newdir"); return g.call("path_create_directory", {4, a, n}); },
       [](const fs::path& d) { return fs::exists(d / "newdir"); }},
      {"path_remove_directory", kRightPathRemoveDirectory,
       [&](Guest& g) { auto [a, n] = p(g, "sub"); return g.call("path_remove_directory", {4, a, n}); },
       [](const fs::path& d) { return !fs::exists(d / "sub"); }},
      {"path_unlink_file", kRightPathUnlinkFile,
       [&](Guest& g) { auto [a, n] = p(g, "f"); return g.call("path_unlink_file", {4, a, n}); },
       [](const fs::path& d) { return !fs::exists(d / "f"); }},
      {"path_rename (source)", kRightPathRenameSource,
       [&](Guest& g) { auto [a, n] = p(g, "f"); auto [b, m] = p(g, "g"); return g.call("path_rename", {4, a, n, 3, b, m}); },
       [](const fs::path& d) { return fs::exists(d / "g"); }},
      {"path_rename (target)", kRightPathRenameTarget,
       [&](Guest& g) { auto [a, n] = p(g, "f"); auto [b, m] = p(g, "g"); return g.call("path_rename", {3, a, n, 4, b, m}); },
       [](const fs::path& d) { return fs::exists(d / "g"); }},
      {"path_link (source)", kRightPathLinkSource,
       [&](Guest& g) { auto [a, n] = p(g, "f"); auto [b, m] = p(g, "g"); return g.call("path_link", {4, 0, a, n, 3, b, m}); },
       [](const fs::path& d) { return fs::exists(d / "g"); }},
      {"path_link (target)", kRightPathLinkTarget,
       [&](Guest& g) { auto [a, n] = p(g, "f"); auto [b, m] = p(g, "g"); return g.call("path_link", {3, 0, a, n, 4, b, m}); },
       [](const fs::path& d) { return fs::exists(d / "g"); }},
      {"path_symlink", kRightPathSymlink,
       [&](Guest& g) { auto [a, n] = p(g, "f"); auto [b, m] = p(g, "g"); return g.call("path_symlink", {a, n, 4, b, m}); },
       [](const fs::path& d) { return fs::is_symlink(d / "g"); }},
      {"path_readlink", kRightPathReadlink,
       [&](Guest& g) { auto [a, n] = p(g, "link"); g.set_u32(300, 999); return g.call("path_readlink", {4, a, n, 2000, 64, 300}); },
       [](const fs::path&) { return false; }},
      {"path_filestat_get", kRightPathFilestatGet,
       [&](Guest& g) { auto [a, n] = p(g, "f"); return g.call("path_filestat_get", {4, 0, a, n, 400}); },
       [](const fs::path&) { return false; }},
      {"path_filestat_set_times", kRightPathFilestatSetTimes,
       [&](Guest& g) { auto [a, n] = p(g, "f"); return g.call("path_filestat_set_times", {4, 0, a, n, 0, 1'000'000'000, kFstAtim | kFstMtim}); },
       [](const fs::path& d) { struct stat st; return ::stat((d / "f").c_str(), &st) == 0 && st.st_mtim.tv_sec == 1; }},
      {"path_open", kRightPathOpen,
       [&](Guest& g) { uint32_t fd = 0; return g.open(4, "f", 0, kRightFdRead, &fd); },
       [](const fs::path&) { return false; }},
      {"path_open O_CREAT", kRightPathCreateFile,
       [&](Guest& g) { uint32_t fd = 0; return g.open(4, "new", kOflagCreat, kRightFdWrite, &fd); },
       [](const fs::path& d) { return fs::exists(d / "new"); }},
      {"path_open O_TRUNC", kRightPathFilestatSetSize,
       [&](Guest& g) { uint32_t fd = 0; return g.open(4, "f", kOflagTrunc, kRightFdWrite, &fd); },
       [](const fs::path& d) { return fs::file_size(d / "f") == 0; }},
  };
  for (const Op& op : ops) {
    for (bool with_right : {true, false}) {
      CAPTURE(op.name);
      CAPTURE(with_right);
      TempDir dir;
      write_file(dir.path / "f", "content");
      fs::create_directory(dir.path / "sub");
      fs::create_symlink("f", dir.path / "link");
      Guest g(sandbox_config(dir));
      uint32_t d = 0;
      REQUIRE(g.open(3, ".", kOflagDirectory, kRightsDirectory, &d) == kSuccess);
      REQUIRE(d == 4);
      if (!with_right) drop(g, d, op.right);
      const int32_t e = op.call(g);
      if (with_right) {
        CHECK(e == kSuccess);
      } else {
        CHECK(e == kNotCapable);
        CHECK_FALSE(op.done(dir.path));
        CHECK(read_file(dir.path / "f") == "content");
        CHECK(fs::is_directory(dir.path / "sub"));
        CHECK(fs::is_symlink(dir.path / "link"));
      }
    }
  }
}

TEST_CASE("wasi rights: O_TRUNC needs path_filestat_set_size, not fd_filestat_set_size") {
  TempDir dir;
  write_file(dir.path / "f", "content");
  Guest g(sandbox_config(dir));
  uint32_t d = 0, fd = 0;
  REQUIRE(g.open(3, ".", kOflagDirectory, kRightsDirectory, &d) == kSuccess);
  // Without fd_filestat_set_size among the directory's inheriting rights,
  // truncating through path_open still works...
  REQUIRE(g.call("fd_fdstat_set_rights", {d, kRightsDirectory, kRightsAll & ~kRightFdFilestatSetSize}) == kSuccess);
  REQUIRE(g.open(d, "f", kOflagTrunc, 0, &fd) == kSuccess);
  CHECK(fs::file_size(dir.path / "f") == 0);
  REQUIRE(g.call("fd_close", {fd}) == kSuccess);
  // ...and without path_filestat_set_size it is refused, the file untouched.
  write_file(dir.path / "f", "content");
  drop(g, d, kRightPathFilestatSetSize);
  CHECK(g.open(d, "f", kOflagTrunc, 0, &fd) == kNotCapable);
  CHECK(read_file(dir.path / "f") == "content");
  // Opening it without O_TRUNC still works.
  CHECK(g.open(d, "f", 0, kRightFdRead, &fd) == kSuccess);
}

TEST_CASE("wasi rights: path_open derives the new fd's rights from the directory's inheriting rights") {
  TempDir dir;
  write_file(dir.path / "f", "content");
  Guest g(sandbox_config(dir));
  uint32_t d = 0, fd = 0;
  REQUIRE(g.open(3, ".", kOflagDirectory, kRightsDirectory, &d) == kSuccess);
  const uint64_t inheriting = kRightsAll & ~(kRightFdWrite | kRightFdTell);
  REQUIRE(g.call("fd_fdstat_set_rights", {d, kRightsDirectory, inheriting}) == kSuccess);
  // Asking for more than the directory passes on gives only what it passes on.
  auto [pp, pn] = g.path("f");
  REQUIRE(g.call("path_open", {d, 0, pp, pn, 0, kRightFdRead | kRightFdWrite | kRightFdTell,
                               kRightFdRead | kRightFdWrite, 0, 100}) == kSuccess);
  fd = g.u32(100);
  uint64_t inh = 0;
  CHECK(rights_of(g, fd, &inh) == kRightFdRead);
  CHECK(inh == kRightFdRead);
  // It cannot write (nor did the host open it for writing), and cannot win the right back.
  CHECK(g.write(fd, "XX") == kNotCapable);
  CHECK((::fcntl(g.ctx->fds().get(fd)->host_fd, F_GETFL) & O_ACCMODE) == O_RDONLY);
  CHECK(g.call("fd_fdstat_set_rights", {fd, kRightFdRead | kRightFdWrite, 0}) == kNotCapable);
  CHECK(read_file(dir.path / "f") == "content");
  // A directory opened beneath passes on no more than its parent's inheriting rights.
  uint32_t sub = 0;
  REQUIRE(g.call("path_open", {d, 0, g.path(".").first, 1, kOflagDirectory, kRightsAll, kRightsAll, 0, 100}) ==
          kSuccess);
  sub = g.u32(100);
  rights_of(g, sub, &inh);
  CHECK(inh == inheriting);
  REQUIRE(g.call("path_open", {sub, 0, pp, pn, 0, kRightFdWrite, 0, 0, 100}) == kSuccess);
  CHECK(rights_of(g, g.u32(100)) == 0);
}

TEST_CASE("wasi rights: a preopen can be opened again with its own rights") {
  TempDir dir;
  Guest g(sandbox_config(dir));
  uint64_t inh = 0;
  const uint64_t base = rights_of(g, 3, &inh);
  auto [p, n] = g.path(".");
  REQUIRE(g.call("path_open", {3, 0, p, n, 0, base, inh, 0, 100}) == kSuccess);
  const uint32_t fd = g.u32(100);
  uint64_t inh2 = 0;
  CHECK(g.call("fd_fdstat_get", {fd, 500}) == kSuccess);
  CHECK(g.mem()[500] == kFiletypeDirectory);
  CHECK(rights_of(g, fd, &inh2) == base);
  CHECK(inh2 == inh);
  // The reopened directory works like the preopen.
  auto [q, m] = g.path("made");
  CHECK(g.call("path_create_directory", {fd, q, m}) == kSuccess);
  CHECK(fs::is_directory(dir.path / "made"));
  // With no rights, or O_DIRECTORY and fd_read, it opens too; writing a directory is EISDIR.
  CHECK(g.call("path_open", {3, 0, p, n, 0, 0, 0, 0, 100}) == kSuccess);
  CHECK(g.call("path_open", {3, 0, p, n, kOflagDirectory, kRightFdRead, 0, 0, 100}) == kSuccess);
  CHECK(g.call("path_open", {3, 0, p, n, kOflagDirectory, kRightFdRead | kRightFdWrite, 0, 0, 100}) == kIsDir);
  CHECK(g.call("path_open", {3, 0, p, n, 0, kRightFdRead | kRightFdWrite, 0, 0, 100}) == kIsDir);
}
