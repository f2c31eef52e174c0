// lvm/supervisor.hpp: a supervisor, Erlang/OTP's reduced to its core. It
// starts child processes linked to itself, restarts them when they end
// (one_for_one or one_for_all), and gives up when they end too often (the
// restart intensity: more than max_restarts restarts within period). Built
// only on the public SDK of lvm.hpp: trap_exit, Task::start linked, kill
// and EXIT messages. docs/sdk-cpp.md has an example.
#pragma once

#include <cstdarg>
#include <deque>

#include "../lvm.hpp"

namespace lvm {

// Which children a supervisor restarts when one ends and must be restarted.
enum class Strategy {
  one_for_one,  // that child only
  one_for_all,  // every child: the others are ended, then all start again in order
};

// When a child is restarted.
enum class Restart {
  permanent,  // whenever it ends
  transient,  // only when it ends abnormally (not its entry returning, not exit code 0)
  temporary,  // never (and one_for_all does not start it again either)
};

// A child: what to start, and when to restart it.
struct ChildSpec {
  std::string name;  // for reports
  Task task;         // lvm::task(fn, args...): each start is a fresh process
  Restart restart = Restart::permanent;
};

// Writes a supervisor's report line to stderr.
inline void report_to_stderr(std::string_view line) {
  std::fprintf(stderr, "%.*s\n", int(line.size()), line.data());
}

// A supervisor's configuration.
struct SupervisorSpec {
  std::string name = "supervisor";  // for reports
  Strategy strategy = Strategy::one_for_one;
  int max_restarts = 3;                       // the restart intensity: more than max_restarts
  Duration period = std::chrono::seconds(5);  // restarts within period, and it gives up
  std::vector<ChildSpec> children;            // started in this order, ended in the reverse
  void (*report)(std::string_view line) = report_to_stderr;  // restarts and endings; nullptr: silent
};

// The exit code of a supervisor that gave up: a child ended more often than
// the restart intensity allows, or could not be started.
inline constexpr int supervisor_gave_up = 70;
// The exit code of a supervisor that ended because a linked process that is
// not its child (the process that started it) ended abnormally.
inline constexpr int supervisor_linked_exit = 71;

namespace detail {
class Supervisor {
 public:
  explicit Supervisor(SupervisorSpec spec) : spec_(std::move(spec)), running_(spec_.children.size()) {}

  [[noreturn]] void run() {
    trap_exit(true);
    for (std::size_t i = 0; i < running_.size(); i++)
      if (auto s = start(i); s != Status::ok) give_up("cannot start child '%s': %s", name(i), to_string(s).data());
    for (;;) handle(next_exit());
  }

 private:
  using Clock = std::chrono::steady_clock;

  const char* name(std::size_t i) const { return spec_.children[i].name.c_str(); }

  // "supervisor NAME: " and the formatted text, to spec_.report.
  [[gnu::format(printf, 2, 3)]] void report(const char* format, ...) const {
    if (!spec_.report) return;
    char line[512];
    int n = std::snprintf(line, sizeof line, "supervisor %s: ", spec_.name.c_str());
    std::va_list args;
    va_start(args, format);
    std::vsnprintf(line + n, sizeof line - std::size_t(n), format, args);
    va_end(args);
    spec_.report(line);
  }

  Status start(std::size_t i) {
    auto s = spec_.children[i].task.start({.link = true});
    if (!s) return s.status();
    running_[i] = s->process;
    return Status::ok;
  }

  // The next EXIT to handle: one set aside while waiting for another, else
  // the mailbox's.
  ExitSignal next_exit() {
    if (!pending_.empty()) {
      ExitSignal e = std::move(pending_.front());
      pending_.pop_front();
      return e;
    }
    return *receive_exit();
  }

  // Ends child i and waits for its EXIT (setting aside others). The link
  // stays, so exactly one EXIT per child comes, whether it ended before the
  // kill or of it: none is left to be mistaken for a stranger's later.
  void shutdown(std::size_t i) {
    const Process<> pid = running_[i];
    if (!pid) return;
    running_[i] = {};
    lvm::kill(pid);
    for (auto it = pending_.begin(); it != pending_.end(); ++it)
      if (it->pid == pid) return void(pending_.erase(it));
    for (;;) {
      ExitSignal e = *receive_exit();
      if (e.pid == pid) return;
      pending_.push_back(std::move(e));
    }
  }

  void shutdown_all() {
    for (std::size_t i = running_.size(); i-- > 0;) shutdown(i);
  }

  // Counts a restart; false if it exceeds the intensity.
  bool note_restart() {
    const Clock::time_point now = Clock::now();
    while (!restarts_.empty() && now - restarts_.front() > spec_.period) restarts_.pop_front();
    restarts_.push_back(now);
    return int(restarts_.size()) <= spec_.max_restarts;
  }

  template <class... Args>
  [[noreturn]] void give_up(const char* format, Args... args) {
    char why[384];
    std::snprintf(why, sizeof why, format, args...);
    report("%s; giving up: shutting down its children, exit code %d", why, supervisor_gave_up);
    shutdown_all();
    lvm::exit(supervisor_gave_up);
  }

  void handle(const ExitSignal& e) {
    std::size_t i = 0;
    while (i < running_.size() && running_[i] != e.pid) i++;
    if (i == running_.size()) {
      // Not a child: the process that linked to the supervisor (its
      // starter) ended. The tree goes with it.
      report("linked process %llu %s; shutting down its children", (unsigned long long)e.pid.pid(),
             e.describe().c_str());
      shutdown_all();
      lvm::exit(e.normal() ? 0 : supervisor_linked_exit);
    }
    running_[i] = {};
    const Restart restart = spec_.children[i].restart;
    const std::string what = e.describe();
    const auto pid = (unsigned long long)e.pid.pid();
    if (restart == Restart::temporary || (restart == Restart::transient && e.normal())) {
      report("child '%s' (process %llu) %s; not restarted (%s)", name(i), pid, what.c_str(),
             restart == Restart::temporary ? "temporary" : "transient");
      return;
    }
    const auto period_ms = (long long)std::chrono::duration_cast<std::chrono::milliseconds>(spec_.period).count();
    if (!note_restart())
      give_up("child '%s' (process %llu) %s; too many restarts (more than %d in %lld ms)", name(i), pid,
              what.c_str(), spec_.max_restarts, period_ms);
    const bool all = spec_.strategy == Strategy::one_for_all;
    report("child '%s' (process %llu) %s; restarting %s (restart %d of at most %d in %lld ms)", name(i), pid,
           what.c_str(), all ? "all children" : "it", int(restarts_.size()), spec_.max_restarts, period_ms);
    if (!all) {
      if (auto s = start(i); s != Status::ok) give_up("cannot restart child '%s': %s", name(i), to_string(s).data());
      return;
    }
    shutdown_all();
    for (std::size_t j = 0; j < running_.size(); j++) {
      if (spec_.children[j].restart == Restart::temporary) continue;  // (child i is not temporary)
      if (auto s = start(j); s != Status::ok) give_up("cannot restart child '%s': %s", name(j), to_string(s).data());
    }
  }

  SupervisorSpec spec_;
  std::vector<Process<>> running_;  // child i's process while it runs
  std::deque<ExitSignal> pending_;  // EXITs set aside by shutdown, handled next
  std::deque<Clock::time_point> restarts_;  // within the last period
};
}  // namespace detail

// Runs a supervisor in the calling process: traps exits, starts the
// children in order, linked, and restarts them per spec. It never returns:
// it ends with exit code supervisor_gave_up when a child ends more than
// spec.max_restarts times within spec.period (or cannot be started),
// after ending its children; and when a linked process that is not its
// child (the process that started it) ends, with exit code 0 or
// supervisor_linked_exit. Children must not unlink from it.
[[noreturn]] inline void supervise(SupervisorSpec spec) { detail::Supervisor(std::move(spec)).run(); }

}  // namespace lvm
