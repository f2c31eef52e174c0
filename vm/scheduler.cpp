#include "vm/scheduler.h"
#include "vm/tier.h"

#include <sys/mman.h>

#include <algorithm>
#include <new>
#include <cstring>

#include "vm/interpreter.h"

namespace lvm {

namespace {
// The worker this thread is, for enqueue locality.
thread_local const Scheduler* t_sched = nullptr;
thread_local unsigned t_worker = 0;
thread_local bool t_polling = false;  // this thread is the worker in the hub's poll()
std::atomic<uint64_t> g_scheduler_ids{0};

constexpr size_t kStackChunk = size_t(64) << 30;  // address space per stack mapping
constexpr size_t kSmallStackChunk = size_t(1) << 30;  // address space per small-stack slab
constexpr unsigned kMaxNextStreak = 64;          // runs from Worker::next before the queue gets a turn

// The part of a stack region given to frame records: a quarter, ending
// mid-page so shallow stacks touch one page (see ExecStack).
size_t frame_bytes_for(size_t region) { return region / 4 + 2048; }
}  // namespace

Scheduler::Scheduler(SchedulerConfig config) : config_(std::move(config)), id_(++g_scheduler_ids) {
  if (config_.threads == 0) config_.threads = std::max(1u, std::thread::hardware_concurrency());
  config_.max_processes = std::clamp<uint32_t>(config_.max_processes, 1u, 1u << kIndexBits);
  config_.stack_bytes = std::max<size_t>(config_.stack_bytes, 64 << 10) & ~size_t(4095);
  if (config_.small_stack_bytes) config_.small_stack_bytes = std::clamp<size_t>(config_.small_stack_bytes, 512, 64 << 10) & ~size_t(63);
  if (!config_.tier) config_.tier = &default_tier();
  for (unsigned i = 0; i < config_.threads; ++i) workers_.push_back(std::make_unique<Worker>());
  chunk_ptrs_.reset(new std::atomic<Process*>[(size_t(config_.max_processes) >> kChunkBits) + 1]());
}

Scheduler::~Scheduler() {
  shutdown();
  const uint32_t made = constructed_.load();
  for (uint32_t i = 0; i < made; ++i) {
    Process& p = *lookup(i);
    p.free_mail();
    p.~Process();
  }
  for (auto& [ref, timer] : timer_msgs_) Message::free(timer.second);
  for (Process* chunk : chunks_) ::operator delete(chunk, std::align_val_t(alignof(Process)));
  if (root_stack_) munmap(root_stack_, config_.root_stack_bytes);
  for (auto [p, n] : stack_mappings_) munmap(p, n);
}

// ---- process table ----

Process* Scheduler::lookup(Pid pid) {
  const uint64_t index = pid & ((uint64_t(1) << kIndexBits) - 1);
  if (index >= constructed_.load(std::memory_order_acquire)) return nullptr;
  Process* chunk = chunk_ptrs_[index >> kChunkBits].load(std::memory_order_acquire);
  return chunk ? &chunk[index & ((1u << kChunkBits) - 1)] : nullptr;
}

namespace {
// Each worker keeps a few free table entries of its own, so spawning and
// ending processes takes no lock in the common case.
struct LocalFree {
  uint64_t owner = 0;  // Scheduler::id_ (not its address, which a later scheduler may reuse)
  std::vector<uint32_t> indices;
};

thread_local LocalFree t_free;
constexpr size_t kLocalFreeMax = 256;
}  // namespace

Process* Scheduler::allocate() {
  if (t_free.owner == id_ && !t_free.indices.empty()) {
    Process* p = lookup(t_free.indices.back());
    t_free.indices.pop_back();
    return p;
  }
  std::lock_guard lock(table_mu_);
  uint32_t index;
  if (!free_indices_.empty()) {
    index = free_indices_.back();
    free_indices_.pop_back();
  } else {
    if (next_index_ >= config_.max_processes) return nullptr;
    index = next_index_++;
    if ((index & ((1u << kChunkBits) - 1)) == 0) {
      // Raw memory (large, so the allocator maps it untouched); entries are
      // constructed one by one as first used, so a VM with few processes
      // touches few pages.
      auto* chunk = static_cast<Process*>(
          ::operator new(sizeof(Process) << kChunkBits, std::align_val_t(alignof(Process))));
      chunks_.push_back(chunk);
      chunk_ptrs_[index >> kChunkBits].store(chunk, std::memory_order_release);
      table_ahead_.reset(chunk, chunk + (size_t(1) << kChunkBits));
    }
    Process* chunk = chunk_ptrs_[index >> kChunkBits].load(std::memory_order_relaxed);
    // Entries are handed out in order: their pages are populated a few at a
    // time rather than faulted in one by one (vm/populate.h).
    table_ahead_.cover(&chunk[index & ((1u << kChunkBits) - 1)], sizeof(Process));
    new (&chunk[index & ((1u << kChunkBits) - 1)]) Process();
    constructed_.store(index + 1, std::memory_order_release);  // lookup() sees it from now on
  }
  Process* p = lookup(index);
  p->index_ = index;
  return p;
}

void Scheduler::release(Process* p) {
  // Near the process limit, entries go back to the shared list, where any
  // worker finds them (a worker's own list is invisible to the others).
  const bool near_limit =
      live_.load(std::memory_order_relaxed) + kLocalFreeMax * workers_.size() >= config_.max_processes;
  if (t_sched == this && !near_limit) {
    if (t_free.owner != id_) {
      t_free.owner = id_;
      t_free.indices.clear();
    }
    if (t_free.indices.size() < kLocalFreeMax) {
      t_free.indices.push_back(p->index_);
      return;
    }
  }
  std::lock_guard lock(table_mu_);
  free_indices_.push_back(p->index_);
}

// ---- stacks ----

void* Scheduler::take_stack(bool root) {
  if (root) {
    void* p = mmap(nullptr, config_.root_stack_bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    return p == MAP_FAILED ? nullptr : (root_stack_ = p);
  }
  // A table entry keeps the region for its next processes (Process::
  // pooled_stack_), reused as is: the interpreter writes every slot and
  // record before reading it, so there is nothing to reset.
  std::lock_guard lock(stack_mu_);
  if (stack_next_ + config_.stack_bytes > stack_end_) {
    const size_t bytes = std::max(kStackChunk, config_.stack_bytes);
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) return nullptr;
    stack_mappings_.emplace_back(p, bytes);
    stack_next_ = static_cast<uint8_t*>(p);
    stack_end_ = stack_next_ + bytes;
  }
  void* p = stack_next_;
  stack_next_ += config_.stack_bytes;
  return p;
}

void* Scheduler::take_small_stack() {
  std::lock_guard lock(stack_mu_);
  if (small_next_ + config_.small_stack_bytes > small_end_) {
    void* p = mmap(nullptr, kSmallStackChunk, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) return nullptr;
    stack_mappings_.emplace_back(p, kSmallStackChunk);
    small_next_ = static_cast<uint8_t*>(p);
    small_end_ = small_next_ + kSmallStackChunk;
    small_ahead_.reset(small_next_, small_end_);
  }
  void* p = small_next_;
  small_ahead_.cover(p, config_.small_stack_bytes);  // (vm/populate.h)
  small_next_ += config_.small_stack_bytes;
  return p;
}

// ---- spawn, send, kill ----

SpawnStatus Scheduler::spawn(const std::shared_ptr<const ModuleImage>& image, uint32_t func,
                             std::span<const uint8_t> args, Pid* pid, std::string* error, bool root) {
  return spawn_impl(image, func, args, pid, error, root, nullptr);
}

SpawnStatus Scheduler::spawn(const std::shared_ptr<const ModuleImage>& image, uint32_t func,
                             std::span<const uint8_t> args, Pid* pid, std::string* error, const SpawnOptions& opts) {
  return spawn_impl(image, func, args, pid, error, false, &opts);
}

SpawnStatus Scheduler::spawn_impl(const std::shared_ptr<const ModuleImage>& image, uint32_t func,
                                  std::span<const uint8_t> args, Pid* pid, std::string* error, bool root,
                                  const SpawnOptions* opts) {
  auto fail = [&](SpawnStatus s, std::string why) {
    if (error) *error = std::move(why);
    return s;
  };
  const Module& m = image->module();
  if (func >= m.functions.size() || func < m.num_imported_functions)
    return fail(SpawnStatus::NoEntry, "no function " + std::to_string(func) + " defined in the module");
  const FuncType& type = m.func_type(func);
  if (!type.params().empty() || !type.results().empty())
    return fail(SpawnStatus::BadEntryType,
                "function " + std::to_string(func) + " has type " + type.to_string() + "; an entry takes and returns nothing");
  ProcessLimits limits;
  if (opts) limits = opts->limits;
  limits.max_memory_pages = std::min(limits.max_memory_pages, config_.max_memory_pages);
  InstanceConfig ic;
  ic.max_memory_pages = limits.max_memory_pages;
  auto made = image->instantiate(ic);
  if (auto* err = std::get_if<InstantiateError>(&made)) return fail(SpawnStatus::Limit, err->message);
  Process* p = allocate();
  if (!p) {
    image->recycle(std::move(std::get<std::unique_ptr<Instance>>(made)));
    return fail(SpawnStatus::Limit, "too many processes (the limit is " + std::to_string(config_.max_processes) + ")");
  }
  // A table entry keeps its pooled stacks from one process to the next.
  void* region = root ? take_stack(true) : p->pooled_stack_ ? p->pooled_stack_ : (p->pooled_stack_ = take_stack(false));
  void* small = root || !config_.small_stack_bytes ? nullptr
                : p->small_stack_                  ? p->small_stack_
                                                   : (p->small_stack_ = take_small_stack());
  if (!region || (!root && config_.small_stack_bytes && !small)) {
    image->recycle(std::move(std::get<std::unique_ptr<Instance>>(made)));
    release(p);
    return fail(SpawnStatus::Limit, "no address space left for another process stack");
  }
  const size_t bytes = root ? config_.root_stack_bytes : config_.stack_bytes;
  p->sched_ = this;
  p->instance_ = std::move(std::get<std::unique_ptr<Instance>>(made));
  p->instance_->process = p;
  p->image_ = image;
  const interp::StackLayout large{static_cast<uint8_t*>(region), bytes, frame_bytes_for(bytes),
                                  config_.tier->native_stack_bytes(bytes)};
  if (small) {
    // The small stack: for a tier with a native stack (the JIT) nearly all
    // of it is that stack, a few records and slots left for interpreted
    // fallbacks; for the interpreter, a quarter records and the rest slots.
    const size_t n = config_.small_stack_bytes;
    const bool native = large.jit_bytes != 0;
    p->stack_.reset(interp::StackLayout{static_cast<uint8_t*>(small), n,
                                        native ? 2 * sizeof(interp::Frame) : n / 4, native ? n - 128 : 0});
    p->stack_.set_large(large);
  } else {
    p->stack_.reset(large);
  }
  p->stack_region_ = region;
  p->is_root_ = root;
  p->entry_ = func;
  p->start_pending_ = m.start.has_value();
  p->args_.assign(args.begin(), args.end());
  p->exit_ = {};
  p->current_ = nullptr;
  p->wait_active_ = p->yielding_ = p->wait_on_mail_pending_ = false;
  p->wait_deadline_ = UINT64_MAX;
  p->free_mail();  // strays sent to the entry's previous process
  p->kill_requested_.store(false);
  p->limits_ = limits;
  p->stack_.fuel_limited = limits.max_reductions > 0;
  p->stack_.fuel = limits.max_reductions;
  p->trap_exit_.store(false, std::memory_order_relaxed);
  p->monitoring_.clear();
  const Pid new_pid = (uint64_t(++p->generation_) << kIndexBits) | p->index_;
  {
    // Links and monitors made at spawn are in place before anyone can see
    // the pid, so the child cannot end unobserved.
    std::lock_guard lock(p->sig_mu_);
    p->sig_closed_ = false;
    p->links_.clear();
    p->watchers_.clear();
    p->pending_exit_.reset();
    if (opts && opts->parent && opts->link) p->links_.push_back(opts->parent->pid());
    if (opts && opts->remote_link) [[unlikely]] p->links_.push_back(opts->remote_link);
    if (opts && opts->remote_watcher) [[unlikely]] p->watchers_.emplace_back(opts->remote_watch_ref, opts->remote_watcher);
    if (opts && opts->parent && opts->monitor) {
      const uint64_t ref = ++next_ref_;
      p->watchers_.emplace_back(ref, opts->parent->pid());
      opts->parent->monitoring_.emplace_back(ref, new_pid);
      if (opts->monitor_ref) *opts->monitor_ref = ref;
    }
  }
  if (opts && opts->parent && opts->link) {
    std::lock_guard lock(opts->parent->sig_mu_);
    opts->parent->links_.push_back(new_pid);
  }
  p->pid_.store(new_pid, std::memory_order_release);
  p->state_.store(Process::State::Runnable, std::memory_order_release);
  // A second process: time to start the other workers and the ticker.
  if (live_.fetch_add(1, std::memory_order_relaxed) >= 1 && !all_started_.load(std::memory_order_relaxed) &&
      threads_started_.load(std::memory_order_relaxed) != 0) [[unlikely]]
    start_other_threads();
  if (pid) *pid = new_pid;
  enqueue(p);
  return SpawnStatus::Ok;
}

namespace {
bool alive(Process::State s) { return s != Process::State::Free && s != Process::State::Dead; }
}  // namespace

bool Scheduler::wake(Process* p, bool mail, bool urgent) {
  Process::State s = p->state_.load();
  while (s == Process::State::WaitMail || (!mail && s == Process::State::WaitTime)) {
    if (p->state_.compare_exchange_weak(s, Process::State::Runnable)) {
      enqueue(p, true, urgent);
      return true;
    }
  }
  return false;
}

bool Scheduler::send(Pid from, Pid to, int64_t tag, std::span<const uint8_t> data) {
  // A sender that goes on sending after waking a receiver is not about to
  // wait for it: let an idle worker run that receiver now, in parallel.
  if (t_sched == this && workers_.size() > 1) [[likely]]
    if (workers_[t_worker]->next.load(std::memory_order_relaxed)) spill_next(*workers_[t_worker]);
  Process* p = lookup(to);
  if (!p || p->pid_.load(std::memory_order_acquire) != to || !alive(p->state_.load())) [[unlikely]] {
    if (is_remote_pid(to) && remote_) return remote_->send(from, to, tag, data);
    return false;
  }
  return deliver(p, to, Message::make(to, from, tag, data));
}

bool Scheduler::alive_local(Pid pid) {
  if (is_remote_pid(pid)) return false;
  Process* p = lookup(pid);
  return p && p->pid_.load(std::memory_order_acquire) == pid && alive(p->state_.load());
}

bool Scheduler::deliver(Process* p, Pid to, Message* msg, bool urgent) {
  p->push_inbox(msg);
  // If the addressee ended meanwhile its entry drops the message (Message::to).
  if (p->pid_.load() != to) return false;
  wake(p, true, urgent);
  return true;
}

bool Scheduler::kill(Pid pid) {
  if (is_remote_pid(pid)) return remote_ && remote_->kill(0, pid);
  Process* p = lookup(pid);
  if (!p || p->pid_.load(std::memory_order_acquire) != pid || !alive(p->state_.load())) return false;
  p->kill_requested_.store(true);
  if (p->pid_.load() != pid) return false;
  wake(p, false);
  return true;
}

// ---- run queues and workers ----

void Scheduler::enqueue(Process* p, bool fresh, bool urgent) {
  const bool on_worker = t_sched == this;
  const unsigned w = on_worker ? t_worker : 0;
  Worker& me = *workers_[w];
  if (fresh && on_worker && !me.next.load(std::memory_order_relaxed)) {
    // A worker runs the one process it just made runnable itself, next:
    // the sender of a message usually waits for the answer right after,
    // and handing the receiver to another core would cost a wake-up and
    // the caches. (The ticker wakes an idle worker if work waits a tick.)
    me.next.store(p, std::memory_order_release);
    // What already waits in a queue (a process that yielded into this
    // worker's queue, say) now waits behind p too: an idle worker may take
    // it.
    if (queued_.load(std::memory_order_relaxed)) signal_work();
    return;
  }
  size_t len;
  {
    std::lock_guard lock(me.mu);
    if (urgent) me.queue.push_front(p);
    else me.queue.push_back(p);
    len = me.queue.size();
  }
  queued_.fetch_add(1);
  // Surplus work (or work from outside the workers) wakes an idle worker.
  // A process that yielded into an otherwise empty queue is no surplus:
  // this worker takes it back next, and handing it to another core would
  // only cost a wake-up and the caches.
  const bool surplus = !on_worker || fresh || len >= 2 || me.next.load(std::memory_order_relaxed);
  if (surplus) signal_work();
}

void Scheduler::signal_work() {
  // (An idle worker raises idle_ and then looks at the queues; whoever made
  // the work queued it and then reads idle_: one of us sees the other. The
  // same between work_seq_ and parked_.) Only a read while every worker is
  // busy: two workers bumping a shared counter on every yield would cost
  // both the cache line.
  if (idle_.load() == 0) return;
  work_seq_.fetch_add(1);
  if (parked_.load() > 0) wake_idle();
}

void Scheduler::wake_idle() {
  // (Whoever made work first raised queued_ or a run-next slot; a worker
  // about to wait raises polling_ or takes park_mu_ and then looks again.)
  const bool poller = polling_.load();
  if (parked_.load() > (poller ? 1u : 0u)) {
    { std::lock_guard lock(park_mu_); }  // a worker between its look and its wait is waiting now
    park_cv_.notify_one();
  } else if (poller && !t_polling) {
    remote_->wake_poll();
  }
}

void Scheduler::spill_next(Worker& me) {
  Process* p = me.next.exchange(nullptr, std::memory_order_acquire);
  if (!p) return;
  {
    std::lock_guard lock(me.mu);
    me.queue.push_back(p);
  }
  queued_.fetch_add(1);
  signal_work();
}

Process* Scheduler::next_process(unsigned self) {
  Worker& me = *workers_[self];
  if (me.next.load(std::memory_order_relaxed)) {
    Process* p = me.next.exchange(nullptr, std::memory_order_acquire);
    // Bounded, so two processes bouncing messages cannot starve the queue.
    if (p && (me.next_streak < kMaxNextStreak || queued_.load(std::memory_order_relaxed) == 0)) {
      ++me.next_streak;
      return p;
    }
    if (p) {
      {
        std::lock_guard lock(me.mu);
        me.queue.push_back(p);
      }
      queued_.fetch_add(1);
      signal_work();  // (it waits behind the queue's front: an idle worker may take it)
    }
  }
  me.next_streak = 0;
  const unsigned n = unsigned(workers_.size());
  for (unsigned k = 0; k < n; ++k) {
    Worker& w = *workers_[(self + k) % n];
    std::unique_lock lock(w.mu);
    if (w.queue.empty()) {
      lock.unlock();
      // A run-next process that has waited a whole tick behind a busy
      // owner (the ticker says so) is taken; a fresh one is left to its
      // owner, whose caches hold it.
      if (k && w.next_stale.load(std::memory_order_relaxed) && w.next_stale.exchange(false))
        if (Process* p = w.next.exchange(nullptr, std::memory_order_acquire)) return p;
      continue;
    }
    Process* p;
    if (k == 0) {
      p = w.queue.front();
      w.queue.pop_front();
    } else {  // steal the one its owner would run last
      p = w.queue.back();
      w.queue.pop_back();
    }
    queued_.fetch_sub(1);
    return p;
  }
  return nullptr;
}

bool Scheduler::spin_for_work(uint64_t seen) {
  const uint64_t start = now_ns();
  for (unsigned i = 1;; ++i) {
    if (work_seq_.load(std::memory_order_acquire) != seen || stop_.load(std::memory_order_relaxed)) return true;
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
    if (i % 64 == 0) {
      const uint64_t now = now_ns();
      if (next_deadline_.load(std::memory_order_relaxed) <= now) return true;  // a timer is due
      if (now - start >= kIdleSpinNs) return false;
    }
  }
}

void Scheduler::worker_main(unsigned self) {
  t_sched = this;
  t_worker = self;
  while (!stop_.load(std::memory_order_relaxed)) {
    if (next_deadline_.load(std::memory_order_relaxed) != UINT64_MAX) fire_timers(now_ns());
    if (Process* p = next_process(self)) {
      run_slice(p);
      continue;
    }
    // Idle. Work signalled from here on (signal_work) is looked for until
    // this worker parks; work queued without a signal (a process that
    // yielded into its worker's empty queue) is left to its worker.
    idle_.fetch_add(1);
    const uint64_t seen = work_seq_.load();
    Process* found = next_process(self);  // (what came before idle_ was raised)
    if (!found && threads_started_.load(std::memory_order_relaxed) > 1 && spin_for_work(seen))
      found = next_process(self);
    if (found || stop_.load(std::memory_order_relaxed)) {
      idle_.fetch_sub(1);
      if (found) run_slice(found);
      continue;
    }
    std::unique_lock lock(park_mu_);
    parked_.fetch_add(1);
    if ((queued_.load() == 0 || work_seq_.load() == seen) && !stop_.load()) {
      const uint64_t deadline = next_deadline_.load();
      // In this order: a timer being fired has cleared next_deadline_ after
      // raising firing_, which it lowers only once what it woke is queued.
      if (deadline == UINT64_MAX && !config_.external_wakers && firing_.load() == 0 && queued_.load() == 0 &&
          parked_.load() == threads_started_.load() && live_.load() > 0) {
        // Every worker idle, nothing queued, no timer: no process can ever
        // be woken again.
        parked_.fetch_sub(1);
        idle_.fetch_sub(1);
        lock.unlock();
        {
          std::lock_guard done(done_mu_);
          deadlock_ = true;
        }
        done_cv_.notify_all();
        stop_all();
        return;
      }
      if (remote_ && remote_->polls() && !polling_.exchange(true)) {
        // The idle worker that waits for the network (RemoteHub::poll);
        // it looks at the queues again after raising polling_ (wake_idle
        // reads it after raising queued_).
        lock.unlock();
        t_polling = true;
        if (queued_.load() == 0 && !stop_.load()) remote_->poll(deadline);
        t_polling = false;
        polling_.store(false);
        parked_.fetch_sub(1);
        idle_.fetch_sub(1);
        continue;
      }
      if (deadline == UINT64_MAX) park_cv_.wait(lock);
      else {
        const uint64_t now = now_ns();
        if (deadline > now) park_cv_.wait_for(lock, std::chrono::nanoseconds(deadline - now));
      }
    }
    parked_.fetch_sub(1);
    idle_.fetch_sub(1);
  }
}

void Scheduler::run_slice(Process* p) {
  // (Runnable and Running are the same to senders and kill: only Waiting
  // needs a wake-up. So no lock here.)
  if (p->kill_requested_.load(std::memory_order_acquire)) [[unlikely]] {
    std::unique_ptr<ExitReason> linked;
    {
      std::lock_guard lock(p->sig_mu_);
      linked = std::move(p->pending_exit_);
    }
    finish(p, linked ? std::move(*linked) : ExitReason{Trap::Killed, 0, trap_message(Trap::Killed)});
    return;
  }
  interp::ExecStack& st = p->stack_;
  st.budget = config_.slice_reductions;
  st.slice_over.store(false, std::memory_order_relaxed);
  st.set_preempt(st.fuel_limited);  // (fuel: always the slow path)
  Worker& self = *workers_[t_worker];
  self.running.store(&st);
  if (stop_.load()) [[unlikely]] {
    st.slice_over.store(true);
    st.set_preempt(true, std::memory_order_seq_cst);
  }
  Instance& inst = *p->instance_;
  Trap t;
  ExecTier& tier = *config_.tier;
  if (tier.suspended(st)) {
    t = tier.resume(st);
  } else if (p->start_pending_) {
    t = tier.invoke_on(st, inst, *inst.module().start, nullptr, nullptr);
  } else {
    t = tier.invoke_on(st, inst, p->entry_, nullptr, nullptr);
  }
  if (t == Trap::None && p->start_pending_) {  // the start function returned: on to the entry
    p->start_pending_ = false;
    t = tier.invoke_on(st, inst, p->entry_, nullptr, nullptr);
  }
  self.running.store(nullptr, std::memory_order_relaxed);
  if (t == Trap::Yield) {
    if (p->wait_active_) {
      park(p);
      return;
    }
    enqueue(p, /*fresh=*/false);  // still Runnable: behind what waits
    return;
  }
  ExitReason r;
  r.trap = t;
  if (t == Trap::Exit) r.code = inst.exit_code;
  else if (t != Trap::None) r.message = inst.trap_message.empty() ? trap_message(t) : inst.trap_message;
  finish(p, std::move(r));
}

void Scheduler::park(Process* p) {
  const uint64_t deadline = p->wait_deadline_;
  const bool on_mail = p->wait_on_mail_pending_;
  const uint64_t seq = p->wait_seq_.load(std::memory_order_relaxed) + 1;
  const bool mail_waiting = on_mail && p->inbox_out_pending();  // (owner state: read before publishing)
  p->wait_seq_.store(seq, std::memory_order_relaxed);
  p->state_.store(on_mail ? Process::State::WaitMail : Process::State::WaitTime);  // seq_cst
  // A message pushed before the store above found it Runnable and woke
  // nobody: look again now. (Senders push, then read the state; we store
  // the state, then read the inbox: one of us sees the other.)
  if (mail_waiting || (on_mail && p->inbox_in_pending()) || p->kill_requested_.load() ||
      (deadline != UINT64_MAX && deadline <= now_ns())) {
    wake(p, false);
    return;
  }
  if (deadline == UINT64_MAX) return;
  std::lock_guard lock(timer_mu_);
  push_timer({deadline, p, p->pid_.load(), seq});
}

void Scheduler::push_timer(const Timer& t) {
  timers_.push_back(t);
  std::push_heap(timers_.begin(), timers_.end(), std::greater<Timer>());
  next_deadline_.store(timers_.front().deadline);
}

uint64_t Scheduler::send_after(Pid from, Pid to, int64_t tag, std::span<const uint8_t> data, uint64_t delay_ns) {
  const uint64_t ref = ++next_ref_;
  Message* msg = Message::make(to, from, tag, data);
  const uint64_t now = now_ns();
  const uint64_t deadline = delay_ns > UINT64_MAX - now ? UINT64_MAX - 1 : now + delay_ns;
  std::lock_guard lock(timer_mu_);
  timer_msgs_.emplace(ref, std::make_pair(to, msg));
  push_timer({deadline, nullptr, to, 0, ref});
  return ref;
}

bool Scheduler::cancel_timer(uint64_t ref) {
  Message* msg = nullptr;
  {
    std::lock_guard lock(timer_mu_);
    auto it = timer_msgs_.find(ref);
    if (it == timer_msgs_.end()) return false;
    msg = it->second.second;
    timer_msgs_.erase(it);
    // The heap entry stays until its deadline; when cancelled ones are
    // most of the heap, drop them all at once.
    if (++cancelled_timers_ > 1024 && cancelled_timers_ > timers_.size() / 2) {
      std::erase_if(timers_, [&](const Timer& t) { return t.ref && !timer_msgs_.count(t.ref); });
      std::make_heap(timers_.begin(), timers_.end(), std::greater<Timer>());
      cancelled_timers_ = 0;
      next_deadline_.store(timers_.empty() ? UINT64_MAX : timers_.front().deadline);
    }
  }
  Message::free(msg);
  return true;
}

void Scheduler::fire_timers(uint64_t now) {
  std::vector<Timer> due;
  std::vector<std::pair<Pid, Message*>> mail;
  {
    std::lock_guard lock(timer_mu_);
    if (timers_.empty() || timers_.front().deadline > now) return;
    firing_.fetch_add(1);  // before next_deadline_ may read "no timer" (see worker_main)
    while (!timers_.empty() && timers_.front().deadline <= now) {
      std::pop_heap(timers_.begin(), timers_.end(), std::greater<Timer>());
      const Timer t = timers_.back();
      timers_.pop_back();
      if (!t.ref) {
        due.push_back(t);
      } else if (auto it = timer_msgs_.find(t.ref); it != timer_msgs_.end()) {
        mail.push_back(it->second);
        timer_msgs_.erase(it);
      } else if (cancelled_timers_) {
        --cancelled_timers_;
      }
    }
    next_deadline_.store(timers_.empty() ? UINT64_MAX : timers_.front().deadline);
  }
  for (const Timer& t : due)
    if (t.proc->pid_.load() == t.pid && t.proc->wait_seq_.load() == t.wait_seq) wake(t.proc, false, true);
  for (auto [to, msg] : mail) {
    if (is_remote_pid(to)) {
      if (remote_) remote_->send(msg->sender, to, msg->tag, {msg->bytes(), msg->size});
      Message::free(msg);
      continue;
    }
    Process* p = lookup(to);
    if (p && p->pid_.load(std::memory_order_acquire) == to && alive(p->state_.load()))
      deliver(p, to, msg, true);
    else
      Message::free(msg);
  }
  firing_.fetch_sub(1);
  // A worker that parked while these timers were being fired skipped the
  // deadlock check. If every worker is parked now, one must make it again:
  // whatever the timers woke may already have run and waited again (a
  // process woken here can finish its slice before this line), and a worker
  // still running will make the check itself when it parks. (A worker raises
  // parked_ and then reads firing_; we lower firing_ and then read parked_:
  // one of us sees the other.)
  if (parked_.load() == threads_started_.load()) wake_idle();
}

void Scheduler::finish(Process* p, ExitReason reason) {
  p->exit_ = std::move(reason);
  if (config_.on_exit) config_.on_exit(*p);
  signal_exit(p);
  p->state_.store(Process::State::Dead);
  p->free_mail();
  const bool root = p->is_root_;
  const ExitReason exit = p->exit_;
  p->image_->recycle(std::move(p->instance_));  // reset for the next process of its module
  p->image_.reset();
  // (The stack stays with the table entry; the root's is unmapped with the scheduler.)
  if (p->args_.capacity() > 4096) std::vector<uint8_t>().swap(p->args_);
  else p->args_.clear();
  release(p);
  const uint64_t left = live_.fetch_sub(1) - 1;
  bool done = false;
  if (root || (left == 0 && wait_all_flag_.load(std::memory_order_relaxed))) {
    std::lock_guard lock(done_mu_);
    if (root) {
      root_done_ = true;
      root_exit_ = exit;
    }
    done = root_done_ && (!wait_all_ || left == 0);
  }
  if (done) {
    done_cv_.notify_all();
    stop_all();
  }
}

void Scheduler::stop_all() {
  stop_.store(true);
  // Running processes stop at their next back-edge (the ticker, which
  // would end their slices, is stopping too). run_slice looks at stop_
  // after publishing its stack, so a slice starting now stops as well.
  for (auto& w : workers_)
    if (interp::ExecStack* st = w->running.load()) {
      st->slice_over.store(true);
      st->set_preempt(true, std::memory_order_seq_cst);
    }
  {
    std::lock_guard lock(ticker_mu_);
    ticker_cv_.notify_all();
  }
  {
    std::lock_guard lock(park_mu_);
    park_cv_.notify_all();
  }
  if (remote_ && remote_->polls()) remote_->wake_poll();
}

void Scheduler::ticker_main() {
  // A process that ran a whole tick yields at its next back-edge. (One
  // that started just before a tick yields early once: harmless.) While
  // every worker is idle it ticks ten times slower.
  // It also wakes up for the next timer, so timers are not late by more
  // than the slice of the process ahead of them (woken by a timer, a
  // process goes to the front of a queue).
  uint64_t last_tick = now_ns();
  while (!stop_.load()) {
    const bool idle = parked_.load() == workers_.size();
    const uint64_t tick_ns = uint64_t(config_.slice_us) * 1000 * (idle ? 10 : 1);
    uint64_t wait_ns = tick_ns - std::min(tick_ns, now_ns() - last_tick);
    const uint64_t deadline = next_deadline_.load(std::memory_order_relaxed), now = now_ns();
    if (deadline != UINT64_MAX) wait_ns = std::min(wait_ns, deadline > now ? deadline - now : 0);
    std::unique_lock lock(ticker_mu_);
    ticker_cv_.wait_for(lock, std::chrono::nanoseconds(std::max<uint64_t>(wait_ns, 20000)),
                        [&] { return stop_.load(); });
    lock.unlock();
    if (next_deadline_.load(std::memory_order_relaxed) <= now_ns()) fire_timers(now_ns());
    if (now_ns() - last_tick < tick_ns) continue;
    last_tick = now_ns();
    for (auto& w : workers_)
      // (acquire: pairs with run_slice's store, after the process, and so
      // its stack, was set up by whichever thread spawned it)
      if (interp::ExecStack* st = w->running.load(std::memory_order_acquire)) {
        st->slice_over.store(true, std::memory_order_relaxed);
        st->set_preempt(true);
      }
    bool waiting_work = queued_.load() > 0;
    for (auto& w : workers_) {
      Process* next = w->next.load(std::memory_order_relaxed);
      const bool stale = next && next == w->next_seen && w->running.load(std::memory_order_relaxed);
      w->next_seen = next;
      if (stale) w->next_stale.store(true, std::memory_order_relaxed);
      waiting_work |= stale;
    }
    if (waiting_work) signal_work();
  }
}

ExitReason Scheduler::run_until(bool wait_all, bool* deadlock) {
  {
    std::lock_guard lock(done_mu_);
    wait_all_ = wait_all;
    wait_all_flag_.store(wait_all);
  }
  if (!started_) {
    started_ = true;
    // The calling thread is worker 0 (no thread to start while one process
    // exists); the others and the ticker start with a second process.
    if (live_.load() >= 2) start_other_threads();
    run_worker0_here();
  }
  std::unique_lock lock(done_mu_);
  done_cv_.wait(lock, [&] { return deadlock_ || (root_done_ && (!wait_all_ || live_.load() == 0)); });
  if (deadlock) *deadlock = deadlock_;
  lock.unlock();
  stop_all();
  return root_exit_;
}

void Scheduler::run_worker0_here() {
  {
    std::lock_guard lock(start_mu_);
    if (stop_.load()) return;
    if (threads_started_.load() == 0) threads_started_.store(1);
  }
  worker_main(0);  // until the run ends (stop_all)
  t_sched = nullptr;
}

void Scheduler::start_other_threads() {
  std::lock_guard lock(start_mu_);
  if (all_started_.load() || stop_.load()) return;
  // Counted before they start, so parked_ < threads_started_ until each
  // has run and parked: no deadlock is seen meanwhile.
  threads_started_.store(unsigned(workers_.size()));
  for (unsigned i = 1; i < workers_.size(); ++i) workers_[i]->thread = std::thread([this, i] { worker_main(i); });
  ticker_ = std::thread([this] { ticker_main(); });
  all_started_.store(true);
}

void Scheduler::shutdown() {
  stop_all();
  {
    std::lock_guard lock(start_mu_);  // no thread starts after this
    all_started_.store(true);
  }
  for (auto& w : workers_)
    if (w->thread.joinable()) w->thread.join();
  if (ticker_.joinable()) ticker_.join();
}

}  // namespace lvm
