// The scheduler (brief section 4): worker threads (one per core by
// default), each with a run queue, stealing from the others when idle and
// parking when there is no work anywhere; timers for receive timeouts and
// sleep, kept in one heap that idle workers sleep on; the process table.
//
// A process runs for a time slice (`slice_us`, checked at function entries
// and loop back-edges) or until its host calls spend `slice_reductions`,
// and then goes to the back of its worker's queue, so a guest spinning
// forever cannot starve the others.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <queue>
#include <span>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "vm/populate.h"
#include "vm/process.h"
#include "vm/remote.h"

namespace lvm {

struct SchedulerConfig {
  unsigned threads = 0;                 // worker threads; 0: one per core
  int64_t slice_reductions = 4000;      // reductions (calls, host calls) per time slice
  uint32_t slice_us = 1000;             // and at most this long, checked at loop back-edges
  uint64_t max_memory_pages = kMaxMemoryPages;  // per-process memory limit
  uint32_t max_processes = 1u << 24;    // processes alive at once (table size)
  size_t stack_bytes = size_t(2) << 20; // execution stack per process (virtual)
  size_t root_stack_bytes = size_t(40) << 20;  // the root's (deep C recursion)
  // Where a process's stack starts: a piece of a slab shared by processes
  // (so a waiting process's few hundred bytes of stack share pages and
  // page tables with others); the stack moves to its stack_bytes region
  // when a call outgrows it (interp::ExecStack). 0: start in the region.
  size_t small_stack_bytes = 1024;
  // The tier processes run in; null: the default tier (vm/tier.h).
  class ExecTier* tier = nullptr;
  // Every process ends here (on the worker that ran it) before its
  // resources are released: report traps, for example.
  std::function<void(Process&)> on_exit;
  // Messages may come from outside the workers (a distribution node), so
  // every process waiting is no deadlock.
  bool external_wakers = false;
};

// Outcome of a spawn.
enum class SpawnStatus { Ok, NoEntry, BadEntryType, Limit };

// How a process spawns another (lvm_spawn_opt): linked or monitored from
// the start (atomically: the child cannot end unobserved), and its limits.
struct SpawnOptions {
  Process* parent = nullptr;  // the spawning process (required for link/monitor)
  bool link = false;
  bool monitor = false;
  uint64_t* monitor_ref = nullptr;  // receives the monitor's reference
  ProcessLimits limits;             // already narrowed to the parent's
  // A spawn asked by another node (docs/distribution.md): the remote
  // process the child is linked to, and the one that monitors it (under
  // `remote_watch_ref`), from the start.
  Pid remote_link = 0;
  Pid remote_watcher = 0;
  uint64_t remote_watch_ref = 0;
};

// Tags of the messages the VM sends (docs/abi.md): guests may not send them.
inline constexpr int64_t kTagExit = INT64_MIN + 1;  // a linked process ended (with trap_exit)
inline constexpr int64_t kTagDown = INT64_MIN + 2;  // a monitored process ended
inline constexpr int64_t kTagTerm = INT64_MIN + 3;  // an Erlang term that is not {Tag, Binary} (docs/distribution.md)
inline constexpr int64_t kTagNodeUp = INT64_MIN + 4;    // a monitored node connected (lvm_monitor_node)
inline constexpr int64_t kTagNodeDown = INT64_MIN + 5;  // a monitored node's connection was lost
inline constexpr int64_t kTagReservedMax = INT64_MIN + 255;
inline bool reserved_tag(int64_t tag) { return tag <= kTagReservedMax; }

// The payload of an EXIT or DOWN message: {u64 ref (0 for EXIT), u64 pid,
// i32 kind, i32 code} then the reason's text.
enum class ExitKind : int32_t { Normal = 0, Code = 1, Trap = 2, Killed = 3, NoProc = 4, NoConnection = 5 };
ExitKind exit_kind(const ExitReason& r);
std::vector<uint8_t> exit_payload(uint64_t ref, Pid pid, const ExitReason* r);  // r null: NoProc

class Scheduler {
 public:
  explicit Scheduler(SchedulerConfig config);
  ~Scheduler();  // stops and joins the workers; frees every process
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Creates a process running function `func` (type [] -> []) of a fresh
  // instance of `image`, with a copy of `args`, and makes it runnable.
  // `error` (optional) gets the reason when it fails.
  SpawnStatus spawn(const std::shared_ptr<const ModuleImage>& image, uint32_t func, std::span<const uint8_t> args,
                    Pid* pid, std::string* error = nullptr, bool root = false);

  // Copies a message into `to`'s mailbox and wakes it if it waits for mail.
  // Never blocks. False if `to` is not alive (not an error for the sender).
  bool send(Pid from, Pid to, int64_t tag, std::span<const uint8_t> data);

  // Asks `pid` to die (reason Killed) at its next scheduling point. False
  // if it is not alive.
  bool kill(Pid pid);

  // Spawn with options (links, monitors, limits); see SpawnOptions.
  SpawnStatus spawn(const std::shared_ptr<const ModuleImage>& image, uint32_t func, std::span<const uint8_t> args,
                    Pid* pid, std::string* error, const SpawnOptions& opts);

  // Links `self` and `other` both ways (Erlang's link/1). False if `other`
  // is not alive; then, if `self` traps exits, it gets an EXIT message
  // with kind NoProc.
  bool link(Process& self, Pid other);
  // Removes the link both ways; no exit signal of it arrives afterwards.
  void unlink(Process& self, Pid other);
  // Monitors `target`: exactly one DOWN message (tag kTagDown) reaches
  // `self` when it ends, at once (kind NoProc) if it is not alive. Returns
  // the reference, never 0.
  uint64_t monitor(Process& self, Pid target);
  // Stops a monitor and removes its DOWN message if already delivered.
  // False if it was not active (fired already, or unknown).
  bool demonitor(Process& self, uint64_t ref);

  // The name registry. A process has at most one name; names go with it.
  enum class NameStatus { Ok, Taken, HasName };
  NameStatus register_name(Process& self, std::string name);
  bool unregister_name(const std::string& name);  // false: not registered
  Pid whereis(const std::string& name);           // 0: not registered

  // Sends `data` from `from` to `to` after `delay_ns` (a timer of the
  // scheduler's heap, no thread). Returns the timer's reference (never 0).
  uint64_t send_after(Pid from, Pid to, int64_t tag, std::span<const uint8_t> data, uint64_t delay_ns);
  // Cancels a timer of send_after; false if it fired already or is unknown.
  bool cancel_timer(uint64_t ref);

  // Runs the processes until the root process (spawned with root = true)
  // ends, or, with wait_all, until every process has ended. The calling
  // thread serves as worker 0; the other workers and the ticker start
  // only once a second process exists.
  // Returns the root's exit reason. With
  // deadlock set, it ended because every process was waiting with nothing
  // that could wake it.
  ExitReason run_until(bool wait_all, bool* deadlock = nullptr);

  // Stops the workers and the ticker and waits for them to end, leaving
  // the processes in place (an embedder about to exit need not free them).
  // The destructor does it too; calling it twice is harmless.
  void shutdown();
  // Processes alive now.
  uint64_t live() const { return live_.load(std::memory_order_relaxed); }

  const SchedulerConfig& config() const { return config_; }

  // ---- for the distribution layer (dist/, docs/distribution.md) ----

  // Installs the node that handles remote pids (before run_until; for good).
  void set_remote(RemoteHub* hub) { remote_ = hub; }
  RemoteHub* remote() const { return remote_; }
  // Whether `pid` names a live local process.
  bool alive_local(Pid pid);
  // Remote `remote` links to local `local` (an incoming LINK). False if
  // `local` is not alive.
  bool add_remote_link(Pid local, Pid remote);
  // Removes a link to a remote process without a signal (incoming UNLINK).
  void remove_remote_link(Pid local, Pid remote);
  // Remote `watcher` monitors local `target` (an incoming MONITOR_P) under
  // `ref`; when `target` ends the hub's down() is called. False if it is
  // not alive.
  bool add_remote_watcher(Pid target, Pid watcher, uint64_t ref);
  void remove_remote_watcher(Pid target, uint64_t ref);
  // An exit signal from `from` (remote, or a lost connection) to local
  // `to`, delivered only if they are still linked.
  void exit_signal(Pid to, Pid from, const ExitReason& reason);
  // A fresh monitor reference (never 0).
  uint64_t new_ref() { return ++next_ref_; }
  // `self` monitors remote `target` under `ref`, set up by the node (a
  // monitored remote spawn): lvm_demonitor and its exit know it.
  void note_remote_monitor(Process& self, uint64_t ref, Pid target) { self.monitoring_.emplace_back(ref, target); }

 private:
  struct Worker {
    std::mutex mu;
    std::deque<Process*> queue;
    std::thread thread;
    std::atomic<interp::ExecStack*> running{nullptr};  // the stack of the process it runs now
    // The process this worker made runnable last, run next without a lock
    // or a queue (Go's runnext): the receiver of a message its sender then
    // waits on. Set by the owner; taken by the owner, or stolen by an idle
    // worker while the owner is busy with another process.
    std::atomic<Process*> next{nullptr};
    // The ticker's view of `next`: the process it saw there last tick, and
    // whether it has been waiting there a whole tick (then it may be stolen).
    Process* next_seen = nullptr;
    std::atomic<bool> next_stale{false};
    unsigned next_streak = 0;  // runs taken from `next` in a row
  };
  // A wait's deadline (proc set), or a message timer (ref set).
  struct Timer {
    uint64_t deadline;
    Process* proc;
    Pid pid;
    uint64_t wait_seq;
    uint64_t ref = 0;
    bool operator>(const Timer& o) const { return deadline > o.deadline; }
  };

  SpawnStatus spawn_impl(const std::shared_ptr<const ModuleImage>& image, uint32_t func,
                         std::span<const uint8_t> args, Pid* pid, std::string* error, bool root,
                         const SpawnOptions* opts);
  Process* lookup(Pid pid);  // the entry pid names, alive or not (type-stable)
  Process* allocate();
  void release(Process* p);
  // Makes p runnable: onto this worker's run-next slot if `fresh` (just
  // woken or spawned) and free, else onto its queue (or worker 0's). A
  // process whose slice ended is not fresh: it goes behind the others.
  // `urgent` (woken by a timer): to the front of the queue.
  void enqueue(Process* p, bool fresh = true, bool urgent = false);
  // Moves the owner's run-next process to its queue, where idle workers
  // can steal it, and wakes one of them.
  void spill_next(Worker& me);
  Process* next_process(unsigned self);
  // Counts that work was made that an idle worker should look for, and
  // wakes a parked one (enqueue's surplus, spill_next, work left queued
  // behind a new run-next process or a streak's push, the ticker's stale
  // work). Only a read while no worker is idle.
  void signal_work();
  // Before a worker parks: waits for up to kIdleSpinNs for work signalled
  // after work_seq_ was `seen` (true if some was, or a timer is due, or the
  // scheduler stops).
  bool spin_for_work(uint64_t seen);
  // How long an idle worker looks for work before it parks. Parking costs
  // whoever makes work next a futex wake (a system call) and the parked
  // worker a sleep and a wake-up, several microseconds each way; work that
  // keeps coming (a spawner, a producer, a round trip on two workers)
  // arrives within microseconds. The BEAM's schedulers busy-wait likewise.
  static constexpr uint64_t kIdleSpinNs = 20000;
  void worker_main(unsigned self);
  void run_slice(Process* p);
  void finish(Process* p, ExitReason reason);
  void park(Process* p);  // after a Yield with a wait: to a Wait state, or back in the queue
  // Moves p from a Wait state (WaitMail only, if `mail`) to Runnable and
  // enqueues it; false if it was not waiting (or another waker won).
  bool wake(Process* p, bool mail, bool urgent = false);
  void fire_timers(uint64_t now);
  // Puts a made message in `to`'s mailbox and wakes it (send's second half).
  bool deliver(Process* p, Pid to, Message* msg, bool urgent = false);
  // The signals of an ending process: exit signals to its links, DOWN
  // messages to its monitors, its name and its own monitors released.
  void signal_exit(Process* p);
  std::atomic<uint64_t> next_ref_{0};
  RemoteHub* remote_ = nullptr;
  void stop_all();
  void ticker_main();  // ends time slices: raises `preempt` of running processes

  SchedulerConfig config_;
  const uint64_t id_;  // unique per scheduler in this OS process
  std::vector<std::unique_ptr<Worker>> workers_;

  // Process table: entries never move and are never freed (a stale pid
  // still points at a valid Process whose pid no longer matches).
  static constexpr unsigned kIndexBits = 24, kChunkBits = 12;
  std::mutex table_mu_;
  std::vector<Process*> chunks_;                     // room for 2^kChunkBits processes each
  PopulateAhead table_ahead_;                        // of the newest chunk (guarded by table_mu_)
  std::unique_ptr<std::atomic<Process*>[]> chunk_ptrs_;  // by index >> kChunkBits
  std::vector<uint32_t> free_indices_;
  uint32_t next_index_ = 0;
  std::atomic<uint32_t> constructed_{0};  // entries [0, constructed_) exist
  std::atomic<uint64_t> live_{0};

  // Stacks: regions of stack_bytes carved from large mappings, one per table
  // entry for good; the root gets its own mapping of root_stack_bytes.
  std::mutex stack_mu_;
  uint8_t* stack_next_ = nullptr;
  uint8_t* stack_end_ = nullptr;
  std::vector<std::pair<void*, size_t>> stack_mappings_;
  void* root_stack_ = nullptr;
  void* take_stack(bool root);
  // Small stacks: small_stack_bytes pieces of slab mappings, one per table
  // entry for good (guarded by stack_mu_).
  uint8_t* small_next_ = nullptr;
  uint8_t* small_end_ = nullptr;
  PopulateAhead small_ahead_;  // of the newest small-stack chunk
  void* take_small_stack();

  // Timers: one heap (std::push_heap order) for waits and send_after;
  // a message timer's message stays in timer_msgs_ until it fires or is
  // cancelled (a cancelled one's heap entry is skipped).
  std::mutex timer_mu_;
  std::vector<Timer> timers_;
  std::unordered_map<uint64_t, std::pair<Pid, Message*>> timer_msgs_;  // ref -> (to, message)
  size_t cancelled_timers_ = 0;
  void push_timer(const Timer& t);  // with timer_mu_ held

  // The registry.
  std::mutex reg_mu_;
  std::unordered_map<std::string, Pid> names_;
  std::atomic<uint64_t> next_deadline_{UINT64_MAX};
  // fire_timers calls under way: a timer they popped may be waking a
  // process that is not queued yet, so idle workers are no deadlock.
  std::atomic<uint32_t> firing_{0};

  // Parking and stopping.
  std::mutex park_mu_;
  std::condition_variable park_cv_;
  // On a line of their own: spinning workers poll work_seq_, and queued_
  // changes with every push and pop.
  alignas(64) std::atomic<unsigned> idle_{0};  // workers looking for work or parked (a superset of parked_)
  std::atomic<uint64_t> work_seq_{0};          // signal_work() calls while a worker was idle
  alignas(64) std::atomic<unsigned> parked_{0};  // idle workers: on park_cv_, or the one polling
  // An idle worker waits in the hub's poll() instead of on park_cv_ (at
  // most one at a time; it counts as parked).
  std::atomic<bool> polling_{false};
  // Wakes one idle worker (the one polling if no other is parked).
  void wake_idle();
  std::atomic<uint64_t> queued_{0};  // processes in run queues
  std::atomic<bool> stop_{false};
  bool started_ = false;
  // Threads are started as the run needs them: run_until's own thread is
  // worker 0 (run_worker0_here), alone while one process exists; a second
  // process starts the other workers and the ticker (start_other_threads; a single
  // process has nobody to be preempted for). Idle and deadlock checks count
  // the started workers.
  std::atomic<unsigned> threads_started_{0};
  std::atomic<bool> all_started_{false};
  std::mutex start_mu_;
  void start_other_threads();
  void run_worker0_here();
  std::thread ticker_;
  std::mutex ticker_mu_;
  std::condition_variable ticker_cv_;

  // run_until's wait.
  std::mutex done_mu_;
  std::condition_variable done_cv_;
  bool wait_all_ = false;
  std::atomic<bool> wait_all_flag_{false};  // wait_all_, readable without done_mu_
  bool root_done_ = false;
  bool deadlock_ = false;
  ExitReason root_exit_;
};

}  // namespace lvm
