// WasiContext setup and the list of all preview1 functions.
#include "host-api/wasi/wasi.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "host-api/wasi/internal.h"
#include "host-api/wasi/path_resolve.h"

namespace lvm {

using namespace wasi;

std::shared_ptr<WasiContext> WasiContext::create(WasiConfig config, std::string* error) {
  // A write to a closed pipe or socket must fail with EPIPE for the guest,
  // not kill the VM: ignore SIGPIPE unless the embedder handles it.
  struct sigaction sa;
  if (::sigaction(SIGPIPE, nullptr, &sa) == 0 && sa.sa_handler == SIG_DFL) ::signal(SIGPIPE, SIG_IGN);

  std::shared_ptr<WasiContext> ctx(new WasiContext());
  const int stdio[3] = {config.stdin_fd, config.stdout_fd, config.stderr_fd};
  for (uint32_t i = 0; i < 3; ++i) {
    if (stdio[i] >= 0) {
      ctx->fds_.insert_at(i, FdEntry::wrap(stdio[i], /*owned=*/false));
    } else {
      int fd = ::open("/dev/null", (i == 0 ? O_RDONLY : O_WRONLY) | O_CLOEXEC);
      if (fd < 0) {
        if (error) *error = std::string("cannot open /dev/null: ") + std::strerror(errno);
        return nullptr;
      }
      ctx->fds_.insert_at(i, FdEntry::wrap(fd, /*owned=*/true));
    }
  }
  uint32_t next = 3;
  for (const WasiConfig::Preopen& p : config.preopens) {
    int fd = ::open(p.host_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
      if (error) *error = "cannot open preopened directory '" + p.host_path + "': " + std::strerror(errno);
      return nullptr;
    }
    auto e = FdEntry::wrap(fd, /*owned=*/true);
    e->preopen = p.guest_path.empty() ? p.host_path : p.guest_path;
    ctx->fds_.insert_at(next++, std::move(e));
  }
  ctx->config_ = std::move(config);
  return ctx;
}

bool WasiContext::use_openat2() const { return config_.allow_openat2 && openat2_available(); }

namespace wasi {

static FuncType signature(const char* params, const char* results) {
  auto types = [](const char* s) {
    std::vector<ValType> v;
    for (; *s; ++s) v.push_back(*s == 'I' ? ValType::I64 : ValType::I32);
    return v;
  };
  std::vector<ValType> p = types(params), r = types(results);
  return FuncType(p, r);
}

void Registry::add(const char* name, const char* params, Impl fn) {
  std::shared_ptr<WasiContext> ctx = ctx_;
  out_.push_back(HostFunction{kWasiModule, name, signature(params, "i"), [ctx, fn](HostCall& call) {
                                call.set_i32(0, int32_t(fn(*ctx, call)));
                                return Trap::None;
                              }});
}

void Registry::add_raw(const char* name, const char* params, const char* results,
                       std::function<Trap(HostCall&)> fn) {
  out_.push_back(HostFunction{kWasiModule, name, signature(params, results), std::move(fn)});
}

}  // namespace wasi

std::vector<HostFunction> wasi_functions(std::shared_ptr<WasiContext> ctx) {
  std::vector<HostFunction> out;
  Registry r(std::move(ctx), out);
  register_args_env(r);
  register_clocks_random(r);
  register_fd_io(r);
  register_fd_stat(r);
  register_fd_dir(r);
  register_paths(r);
  register_poll_sched_proc(r);
  register_sockets(r);
  return out;
}

}  // namespace lvm
