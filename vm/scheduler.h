// The scheduler (brief section 4): worker threads (one per core by
// default), each with a run queue, stealing from the others when idle and
// parking when there is no work anywhere; timers for receive timeouts and
// sleep, kept in one heap that idle workers sleep on; the process table.
//
// A process runs for a slice of `slice_reductions` reductions (function
// entries and loop back-edges) and then goes to the back of its worker's
// queue, so a guest spinning forever cannot starve the others.
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
#include <vector>

#include "vm/process.h"

namespace lvm {

struct SchedulerConfig {
  unsigned threads = 0;                 // worker threads; 0: one per core
  int64_t slice_reductions = 4000;      // reductions (calls, host calls) per time slice
  uint32_t slice_us = 1000;             // and at most this long, checked at loop back-edges
  uint64_t max_memory_pages = kMaxMemoryPages;  // per-process memory limit
  uint32_t max_processes = 1u << 24;    // processes alive at once (table size)
  size_t stack_bytes = size_t(2) << 20; // execution stack per process (virtual)
  size_t root_stack_bytes = size_t(40) << 20;  // the root's (deep C recursion)
  // Every process ends here (on the worker that ran it) before its
  // resources are released: report traps, for example.
  std::function<void(Process&)> on_exit;
};

// Outcome of a spawn.
enum class SpawnStatus { Ok, NoEntry, BadEntryType, Limit };

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

  // Starts the workers and waits until the root process (spawned with
  // root = true) ends, or, with wait_all, until every process has ended.
  // Returns the root's exit reason. With
  // deadlock set, it ended because every process was waiting with nothing
  // that could wake it.
  ExitReason run_until(bool wait_all, bool* deadlock = nullptr);

  // Processes alive now.
  uint64_t live() const { return live_.load(std::memory_order_relaxed); }

  const SchedulerConfig& config() const { return config_; }

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
  struct Timer {
    uint64_t deadline;
    Process* proc;
    Pid pid;
    uint64_t wait_seq;
    bool operator>(const Timer& o) const { return deadline > o.deadline; }
  };

  Process* lookup(Pid pid);  // the entry pid names, alive or not (type-stable)
  Process* allocate();
  void release(Process* p);
  void enqueue(Process* p);  // make runnable: onto this worker's queue (or worker 0's)
  // Moves the owner's run-next process to its queue, where idle workers
  // can steal it, and wakes one of them.
  void spill_next(Worker& me);
  Process* next_process(unsigned self);
  void worker_main(unsigned self);
  void run_slice(Process* p);
  void finish(Process* p, ExitReason reason);
  void park(Process* p);  // after a Yield with a wait: to a Wait state, or back in the queue
  // Moves p from a Wait state (WaitMail only, if `mail`) to Runnable and
  // enqueues it; false if it was not waiting (or another waker won).
  bool wake(Process* p, bool mail);
  void fire_timers(uint64_t now);
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

  // Timers.
  std::mutex timer_mu_;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<Timer>> timers_;
  std::atomic<uint64_t> next_deadline_{UINT64_MAX};

  // Parking and stopping.
  std::mutex park_mu_;
  std::condition_variable park_cv_;
  std::atomic<unsigned> parked_{0};
  std::atomic<uint64_t> queued_{0};  // processes in run queues
  std::atomic<bool> stop_{false};
  bool started_ = false;
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
