// Waiting and the process: poll_oneoff, sched_yield, proc_exit, proc_raise.
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>

#include "host-api/wasi/internal.h"
#include "vm/process.h"

namespace lvm::wasi {

namespace {

uint64_t now_ns(clockid_t c) {
  struct timespec t;
  ::clock_gettime(c, &t);
  return uint64_t(t.tv_sec) * 1'000'000'000ull + uint64_t(t.tv_nsec);
}

struct Event {
  uint64_t userdata = 0;
  uint16_t error = 0;
  uint8_t type = 0;
  uint64_t nbytes = 0;
  uint16_t flags = 0;
};

// One subscription as read from the guest.
struct Sub {
  uint64_t userdata;
  uint8_t tag;
  uint64_t deadline = 0;  // clock: CLOCK_MONOTONIC time it fires
  int poll_index = -1;    // fd: its slot in the pollfd array
  bool done = false;      // already answered (an error)
};

// poll_oneoff(in, out, nsubscriptions, *nevents). Clock subscriptions
// (realtime or monotonic, relative or absolute) and fd_read/fd_write
// subscriptions (host poll readiness) are supported; a CPU-time clock gives
// an EINVAL event, an unknown fd an EBADF event, an unknown tag EINVAL.
// Waiting on clocks only, a process suspends (`*suspend` set: the caller
// returns Trap::Yield and the call runs again, its relative timeouts
// counted from the first call); otherwise it blocks the calling thread.
Errno poll_oneoff(WasiContext& ctx, HostCall& call, bool* suspend) {
  uint32_t in = call.u32(0), out = call.u32(1), n = call.u32(2), nevents_ptr = call.u32(3);
  if (n == 0) return kInval;
  const uint8_t* in_p = call.ptr(in, uint64_t(n) * layout::kSubscriptionSize);
  uint8_t* out_p = call.ptr(out, uint64_t(n) * layout::kEventSize);
  if (!in_p || !out_p || !call.check(nevents_ptr, 4)) return kFault;

  std::vector<Sub> subs(n);
  std::vector<Event> events;
  std::vector<struct pollfd> pfds;
  std::vector<std::shared_ptr<FdEntry>> keep;  // keeps polled descriptors open
  bool have_clock = false;
  uint64_t earliest = UINT64_MAX;
  Process* proc = call.caller().process;
  const uint64_t now_mono = now_ns(CLOCK_MONOTONIC);
  // Relative timeouts count from the first call of a suspended poll.
  const uint64_t start = proc && proc->waiting() ? proc->wait_start() : now_mono;
  for (uint32_t i = 0; i < n; ++i) {
    const uint8_t* s = in_p + uint64_t(i) * layout::kSubscriptionSize;
    Sub& sub = subs[i];
    std::memcpy(&sub.userdata, s, 8);
    sub.tag = s[8];
    auto fail = [&](Errno e) {
      events.push_back(Event{sub.userdata, e, sub.tag, 0, 0});
      sub.done = true;
    };
    if (sub.tag == kEventClock) {
      uint32_t id;
      uint64_t timeout;
      uint16_t flags;
      std::memcpy(&id, s + 16, 4);
      std::memcpy(&timeout, s + 24, 8);
      std::memcpy(&flags, s + 40, 2);
      if (id != kClockRealtime && id != kClockMonotonic) {
        fail(kInval);
        continue;
      }
      if (!(flags & kSubclockAbstime)) {
        sub.deadline = timeout > UINT64_MAX - start ? UINT64_MAX : start + timeout;
      } else if (id == kClockMonotonic) {
        sub.deadline = timeout;
      } else {  // a realtime instant, as a monotonic one
        const uint64_t now_rt = now_ns(CLOCK_REALTIME);
        const uint64_t rel = timeout > now_rt ? timeout - now_rt : 0;
        sub.deadline = rel > UINT64_MAX - now_mono ? UINT64_MAX : now_mono + rel;
      }
      earliest = std::min(earliest, sub.deadline);
      have_clock = true;
    } else if (sub.tag == kEventFdRead || sub.tag == kEventFdWrite) {
      uint32_t fd;
      std::memcpy(&fd, s + 16, 4);
      auto e = ctx.fds().get(fd);
      if (!e) {
        fail(kBadf);
        continue;
      }
      if (!e->has_rights(kRightPollFdReadwrite)) {
        fail(kNotCapable);
        continue;
      }
      sub.poll_index = int(pfds.size());
      pfds.push_back({e->host_fd, short(sub.tag == kEventFdRead ? POLLIN : POLLOUT), 0});
      keep.push_back(std::move(e));
    } else {
      return kInval;  // not an eventtype
    }
  }

  if (proc && have_clock && pfds.empty() && events.empty()) {
    if (earliest > now_ns(CLOCK_MONOTONIC)) {
      if (!proc->waiting()) proc->begin_wait(earliest, false, start);
      *suspend = true;
      return kSuccess;
    }
    proc->finish_wait();  // the earliest clock fired: answer below, without waiting
  }

  for (;;) {
    struct timespec ts, *tsp = nullptr;
    if (!events.empty()) {
      ts = {0, 0};
      tsp = &ts;
    } else if (have_clock) {
      uint64_t now = now_ns(CLOCK_MONOTONIC);
      uint64_t wait = earliest > now ? earliest - now : 0;
      ts.tv_sec = time_t(std::min<uint64_t>(wait / 1'000'000'000ull, INT32_MAX));
      ts.tv_nsec = long(wait % 1'000'000'000ull);
      tsp = &ts;
    }
    int r = ::ppoll(pfds.empty() ? nullptr : pfds.data(), pfds.size(), tsp, nullptr);
    if (r < 0) {
      if (errno == EINTR) continue;
      return last_error();
    }
    for (Sub& sub : subs) {
      if (sub.done || sub.poll_index < 0) continue;
      const struct pollfd& p = pfds[size_t(sub.poll_index)];
      if (!p.revents) continue;
      Event ev{sub.userdata, kSuccess, sub.tag, 0, 0};
      if (p.revents & POLLNVAL) ev.error = kBadf;
      else if ((p.revents & POLLERR) && !(p.revents & (POLLIN | POLLOUT))) ev.error = kIo;
      if (p.revents & POLLHUP) ev.flags = kEventFdReadwriteHangup;
      int avail = 0;
      if (sub.tag == kEventFdRead && ::ioctl(p.fd, FIONREAD, &avail) == 0 && avail > 0) ev.nbytes = uint64_t(avail);
      events.push_back(ev);
      sub.done = true;
    }
    if (have_clock) {
      uint64_t now = now_ns(CLOCK_MONOTONIC);
      for (Sub& sub : subs) {
        if (sub.done || sub.tag != kEventClock || sub.deadline > now) continue;
        events.push_back(Event{sub.userdata, kSuccess, kEventClock, 0, 0});
        sub.done = true;
      }
    }
    if (!events.empty()) break;
  }

  for (size_t i = 0; i < events.size(); ++i) {
    uint8_t* e = out_p + i * layout::kEventSize;
    std::memset(e, 0, layout::kEventSize);
    std::memcpy(e + 0, &events[i].userdata, 8);
    std::memcpy(e + 8, &events[i].error, 2);
    e[10] = events[i].type;
    std::memcpy(e + 16, &events[i].nbytes, 8);
    std::memcpy(e + 24, &events[i].flags, 2);
  }
  call.store<uint32_t>(nevents_ptr, uint32_t(events.size()));
  return kSuccess;
}

// sched_yield(): in a process, lets the other processes run (like
// lvm.yield); elsewhere, yields the host thread.
Trap sched_yield(HostCall& call) {
  if (Process* p = call.caller().process) {
    if (p->take_yield()) return Trap::Yield;  // runs again when rescheduled
  } else {
    ::sched_yield();
  }
  call.set_i32(0, int32_t(kSuccess));
  return Trap::None;
}

// proc_raise(sig): signals are not supported.
Errno proc_raise(WasiContext&, HostCall&) { return kNoSys; }

}  // namespace

void register_poll_sched_proc(Registry& r) {
  r.add_raw("poll_oneoff", "iiii", "i", [ctx = r.context()](HostCall& call) {
    bool suspend = false;
    const Errno e = poll_oneoff(*ctx, call, &suspend);
    if (suspend) return Trap::Yield;
    call.set_i32(0, int32_t(e));
    return Trap::None;
  });
  // proc_exit(rval) -> (): never returns to the guest.
  r.add_raw("proc_exit", "i", "", [](HostCall& call) { return call.exit(call.i32(0)); });
  r.add("proc_raise", "i", proc_raise);
  r.add_raw("sched_yield", "", "i", sched_yield);
}

}  // namespace lvm::wasi
