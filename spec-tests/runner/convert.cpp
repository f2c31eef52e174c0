#include "convert.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace lvm::spec {

namespace fs = std::filesystem;

std::optional<fs::path> find_wast2json() {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    fs::path candidate = fs::path(dirs.substr(start, end - start)) / "wast2json";
    if (end > start && ::access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return std::nullopt;
}

std::vector<std::string> wast2json_flags(const std::string& rel) {
  static const struct {
    const char* folder;
    std::vector<std::string> flags;
  } kFolders[] = {
      {"proposals/annotations/", {"--enable-annotations"}},
      {"proposals/exception-handling/", {"--enable-exceptions"}},
      {"proposals/extended-const/", {"--enable-extended-const"}},
      {"proposals/function-references/", {"--enable-function-references"}},
      {"proposals/gc/", {"--enable-gc", "--enable-function-references"}},
      {"proposals/memory64/", {"--enable-memory64"}},
      {"proposals/multi-memory/", {"--enable-multi-memory"}},
      {"proposals/relaxed-simd/", {"--enable-relaxed-simd"}},
      {"proposals/tail-call/", {"--enable-tail-call"}},
      {"proposals/threads/", {"--enable-threads"}},
  };
  for (const auto& f : kFolders)
    if (rel.starts_with(f.folder)) return f.flags;
  return {};
}

namespace {

// Runs argv with stdout and stderr to `log`; returns its exit status, 128+N
// if signal N killed it, -1 if it could not be started.
int run_logged(const std::vector<std::string>& argv, const fs::path& log) {
  pid_t pid = ::fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      ::close(fd);
    }
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string read_text(const fs::path& p, size_t max_bytes) {
  std::ifstream in(p, std::ios::binary);
  std::string s(max_bytes, '\0');
  in.read(s.data(), std::streamsize(max_bytes));
  s.resize(size_t(in.gcount()));
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

bool is_fresh(const fs::path& json, const fs::path& wast) {
  std::error_code ec1, ec2;
  auto jt = fs::last_write_time(json, ec1);
  auto wt = fs::last_write_time(wast, ec2);
  return !ec1 && !ec2 && jt >= wt;
}

}  // namespace

std::optional<fs::path> Converter::json_for(const SpecFile& file, std::string& error) {
  fs::path rel = fs::path(file.rel).replace_extension();
  fs::path dir = cache_ / rel;
  fs::path json = dir / (rel.filename().string() + ".json");
  if (is_fresh(json, file.wast)) return json;
  if (!convert(file, dir, error)) return std::nullopt;
  return json;
}

bool Converter::convert(const SpecFile& file, const fs::path& dir, std::string& error) {
  // Convert into a fresh directory beside the final one, then swap it in,
  // so stale modules never mix with new ones and a concurrent run never
  // sees a half-written conversion.
  std::error_code ec;
  fs::path tmp = dir;
  tmp += ".tmp." + std::to_string(::getpid());
  fs::remove_all(tmp, ec);
  fs::create_directories(tmp, ec);
  if (ec) {
    error = "cannot create " + tmp.string() + ": " + ec.message();
    return false;
  }
  std::string stem = fs::path(file.rel).stem().string();
  std::vector<std::string> argv = {tool_.string(), fs::absolute(file.wast).string()};
  for (const auto& f : wast2json_flags(file.rel)) argv.push_back(f);
  argv.push_back("-o");
  argv.push_back((tmp / (stem + ".json")).string());
  fs::path log = tmp / "wast2json.log";
  int status = run_logged(argv, log);
  if (status != 0) {
    std::ostringstream msg;
    msg << "wast2json failed (exit " << status << ")";
    for (size_t i = 2; i + 2 < argv.size(); ++i) msg << (i == 2 ? " with " : " ") << argv[i];
    std::string out = read_text(log, 2000);
    if (!out.empty()) msg << ":\n" << out;
    error = msg.str();
    fs::remove_all(tmp, ec);
    return false;
  }
  fs::remove(log, ec);
  fs::remove_all(dir, ec);
  fs::rename(tmp, dir, ec);
  if (ec) {
    // Another run swapped in its conversion first; it is as good as ours.
    fs::remove_all(tmp, ec);
  }
  return true;
}

}  // namespace lvm::spec
