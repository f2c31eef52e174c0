#include "execute.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace lvm::wasitest {

namespace fs = std::filesystem;

namespace {

long long now_ms() {
  struct timespec t;
  ::clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

}  // namespace

RunResult run_captured(const std::vector<std::string>& argv, int timeout_ms) {
  RunResult r;
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) return r.error = std::strerror(errno), r;
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    ::close(out_pipe[0]), ::close(out_pipe[1]);
    return r.error = std::strerror(errno), r;
  }
  std::vector<char*> cargv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) {
    for (int fd : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) ::close(fd);
    return r.error = std::string("fork: ") + std::strerror(errno), r;
  }
  if (pid == 0) {
    int null = ::open("/dev/null", O_RDONLY);
    if (null >= 0) ::dup2(null, 0);
    ::dup2(out_pipe[1], 1);
    ::dup2(err_pipe[1], 2);
    ::execv(cargv[0], cargv.data());
    const char* msg = "lvm-wasi-tests: cannot execute the engine\n";
    (void)!::write(2, msg, std::strlen(msg));
    ::_exit(127);
  }
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  r.started = true;
  struct pollfd pfds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* bufs[2] = {&r.out, &r.err};
  int open_count = 2;
  const long long deadline = now_ms() + timeout_ms;
  while (open_count > 0) {
    long long left = deadline - now_ms();
    if (left <= 0) {
      r.timed_out = true;
      ::kill(pid, SIGKILL);
      break;
    }
    int n = ::poll(pfds, 2, int(left));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    for (int k = 0; k < 2; ++k) {
      if (pfds[k].fd < 0 || !(pfds[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buf[65536];
      ssize_t got = ::read(pfds[k].fd, buf, sizeof buf);
      if (got > 0) {
        bufs[k]->append(buf, size_t(got));
      } else if (got == 0 || errno != EINTR) {
        ::close(pfds[k].fd);
        pfds[k].fd = -1;
        --open_count;
      }
    }
  }
  for (auto& p : pfds)
    if (p.fd >= 0) ::close(p.fd);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

bool copy_root(const fs::path& from, const fs::path& to, std::string& error) {
  std::error_code ec;
  fs::create_directories(to, ec);
  if (ec) return error = "cannot create " + to.string() + ": " + ec.message(), false;
  for (auto it = fs::recursive_directory_iterator(from, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    const fs::path rel = it->path().lexically_relative(from);
    const fs::path dst = to / rel;
    if (it->path().extension() == ".cleanup") {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (it->is_symlink()) {
      fs::copy_symlink(it->path(), dst, ec);
    } else if (it->is_directory()) {
      fs::create_directory(dst, ec);
    } else {
      fs::copy_file(it->path(), dst, ec);
    }
    if (ec) return error = "cannot copy " + it->path().string() + ": " + ec.message(), false;
    if (!it->is_symlink()) fs::permissions(dst, fs::perms::owner_write, fs::perm_options::add, ec);
    if (ec) return error = "cannot chmod " + dst.string() + ": " + ec.message(), false;
  }
  if (ec) return error = "cannot read " + from.string() + ": " + ec.message(), false;
  return true;
}

}  // namespace lvm::wasitest
