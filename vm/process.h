// A process (brief section 4): an Instance of a module, its own execution
// stack, a mailbox and a status. Processes share nothing; they talk only by
// messages (opaque bytes with a tag), copied on send.
//
// Execution is a continuation, not a native stack: the interpreter keeps
// wasm frames in the process's ExecStack and, when the process must stop
// (reduction budget spent, or a host call such as receive has to wait),
// returns Trap::Yield with its state saved there. The scheduler resumes it
// on any worker thread later. So a waiting process holds no native stack.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <span>
#include <string>
#include <vector>

#include "vm/instance.h"
#include "vm/interp/exec_state.h"
#include "vm/message_blocks.h"
#include "vm/module_image.h"

namespace lvm {

class Scheduler;

// A process id: unique for the life of the VM, never 0 (brief section 4).
// The low bits index the scheduler's process table; the high bits count
// how often that entry was reused, so an old pid never names a new process.
using Pid = uint64_t;

// A message in a mailbox: who sent it, its tag and its bytes (allocated
// together with the header).
struct Message {
  Message* next = nullptr;
  Pid to = 0;  // the addressee: a message that reached a reused table entry is dropped
  Pid sender = 0;
  int64_t tag = 0;
  uint32_t size = 0;
  uint8_t* bytes() { return reinterpret_cast<uint8_t*>(this + 1); }
  // A message holding a copy of `data`.
  static Message* make(Pid to, Pid sender, int64_t tag, std::span<const uint8_t> data);
  static void free(Message* m);

 private:
  // Header and payload bytes of a message of `size`: up to
  // message_blocks::kMaxBlockBytes they live in a block, beyond in malloc
  // (make_large).
  static size_t footprint(size_t size) { return sizeof(Message) + size; }
  static Message* make_large(Pid to, Pid sender, int64_t tag, std::span<const uint8_t> data);
};

// Copies n bytes; small messages (most of them) without a libc call.
inline void copy_bytes(uint8_t* dst, const uint8_t* src, size_t n) {
  // Up to 16 bytes: two copies of a power-of-two width that overlap in the
  // middle (both read before either is written).
  if (n >= 8 && n <= 16) {
    uint64_t a, b;
    std::memcpy(&a, src, 8);
    std::memcpy(&b, src + n - 8, 8);
    std::memcpy(dst, &a, 8);
    std::memcpy(dst + n - 8, &b, 8);
  } else if (n >= 4 && n < 8) {
    uint32_t a, b;
    std::memcpy(&a, src, 4);
    std::memcpy(&b, src + n - 4, 4);
    std::memcpy(dst, &a, 4);
    std::memcpy(dst + n - 4, &b, 4);
  } else if (n < 4) {
    for (size_t i = 0; i < n; ++i) dst[i] = src[i];
  } else {
    std::memcpy(dst, src, n);
  }
}

inline Message* Message::make(Pid to, Pid sender, int64_t tag, std::span<const uint8_t> data) {
  const size_t bytes = footprint(data.size());
  if (bytes > message_blocks::kMaxBlockBytes) [[unlikely]]
    return make_large(to, sender, tag, data);
  auto* m = new (message_blocks::take(message_blocks::class_of(bytes)))
      Message{nullptr, to, sender, tag, uint32_t(data.size())};
  copy_bytes(m->bytes(), data.data(), data.size());
  return m;
}

inline void Message::free(Message* m) {
  const size_t bytes = footprint(m->size);
  if (bytes <= message_blocks::kMaxBlockBytes) [[likely]]
    message_blocks::give(m, message_blocks::class_of(bytes));
  else
    std::free(m);
}

// Why a process ended.
struct ExitReason {
  Trap trap = Trap::None;  // None: returned normally; Exit: lvm_exit/proc_exit; Killed; or a real trap
  int32_t code = 0;        // the exit code when trap == Exit
  std::string message;     // the trap's text
  Pid linked_from = 0;     // not 0: it died of this linked process's exit (whose reason this is)
  // Set for reasons that come from the network (docs/distribution.md): an
  // ExitKind (NoProc, NoConnection) no local end has; -1 otherwise.
  int32_t remote_kind = -1;
  // Normal: returned, or exited with code 0. Links ignore a normal exit.
  bool normal() const { return remote_kind < 0 && (trap == Trap::None || (trap == Trap::Exit && code == 0)); }
};

// What a process may use, set at spawn and inherited by its children
// (which may only be given less).
struct ProcessLimits {
  uint64_t max_memory_pages = kMaxMemoryPages;  // memory.grow fails beyond it
  int64_t max_reductions = 0;  // fuel: function calls and loop iterations; 0: unlimited
  bool may_spawn = true;
};

class Process {
 public:
  // Its life: Runnable (in a run queue or running), waiting in receive
  // (WaitMail: a message wakes it) or sleep (WaitTime: only its deadline),
  // in no queue; Dead. A waker moves it from a Wait state to Runnable with a
  // compare-and-swap, so exactly one waker enqueues it.
  enum class State : uint8_t { Free, Runnable, WaitMail, WaitTime, Dead };

  Pid pid() const { return pid_.load(std::memory_order_relaxed); }
  Instance& instance() { return *instance_; }
  Scheduler& scheduler() { return *sched_; }
  // True for the process `lvm run` starts (its instance is never reset for
  // another process).
  bool is_root() const { return is_root_; }
  const ExitReason& exit_reason() const { return exit_; }
  // The wasm call stack at its trap, innermost first (valid in on_exit).
  const std::vector<std::pair<const Instance*, uint32_t>>& trap_backtrace() const { return stack_.trap_backtrace; }

  // ---- for the host functions of the lvm ABI (host-api/lvm) ----

  // The image it was made from (spawn of the same module uses it).
  const std::shared_ptr<const ModuleImage>& image() const { return image_; }
  // The spawn arguments.
  std::span<const uint8_t> args() const { return args_; }
  // The message the last receive took (nullptr before the first).
  const Message* current_message() const { return current_; }

  // A blocking host call (receive, sleep) that must wait calls begin_wait()
  // and returns Trap::Yield; it runs again when the process is woken (by a
  // message when `on_mail`, by the deadline, or spuriously) and then sees
  // waiting() true and checks its condition again. finish_wait() ends it.
  // Deadlines are steady-clock nanoseconds; UINT64_MAX means none.
  // `start` is when the wait began, kept for calls whose timeouts are
  // relative to their first run (WASI poll_oneoff); others pass nothing
  // and save reading the clock.
  void begin_wait(uint64_t deadline_ns, bool on_mail, uint64_t start = 0);
  bool waiting() const { return wait_active_; }
  uint64_t wait_deadline() const { return wait_deadline_; }
  uint64_t wait_start() const { return wait_start_; }
  void finish_wait() { wait_active_ = false; }
  // For yield(): true on the first call (the caller returns Trap::Yield),
  // false when it runs again after being rescheduled.
  bool take_yield() { return yielding_ = !yielding_; }

  // The limits it was spawned with.
  const ProcessLimits& limits() const { return limits_; }

  // Exit signals from links arrive as messages (tag LVM_TAG_EXIT) instead
  // of ending the process when this is set (lvm_trap_exit).
  bool trap_exit() const { return trap_exit_.load(std::memory_order_relaxed); }
  void set_trap_exit(bool on) { trap_exit_.store(on, std::memory_order_relaxed); }

  // Removes from the mailbox every message with `tag` whose payload starts
  // with the 8 bytes of `first_word` (demonitor's flush of DOWN messages).
  void drop_messages(int64_t tag, uint64_t first_word);

  // Selective receive: removes and returns the first message whose tag is
  // in `tags` (any message if empty), making it the current message, or
  // returns nullptr. Lock-free: senders push onto the inbox (push_inbox);
  // the owner searches the messages it skipped earlier, then takes from the
  // inbox in arrival order, keeping those that do not match.
  const Message* take_message(std::span<const int64_t> tags);

  // Appends m to the inbox (any thread; wait-free: one exchange). Vyukov's
  // intrusive multi-producer queue, so messages come out in arrival order
  // without a pass to reverse them.
  void push_inbox(Message* m);
  // For park(): whether the owner's end of the inbox holds a message (read
  // before publishing the wait state: once it is published the process may
  // run elsewhere), and whether a message was pushed since the inbox was
  // last empty (read after, as senders read the state after pushing).
  bool inbox_out_pending() const { return inbox_out_ != &inbox_stub_; }
  bool inbox_in_pending() const { return inbox_in_.load() != &inbox_stub_; }

 private:
  friend class Scheduler;
  Process() = default;

  // Set at spawn, reset at exit.
  Scheduler* sched_ = nullptr;
  std::unique_ptr<Instance> instance_;
  std::shared_ptr<const ModuleImage> image_;
  interp::ExecStack stack_;
  void* stack_region_ = nullptr;   // the stack in use (the root has its own)
  void* pooled_stack_ = nullptr;   // this table entry's stack, kept across reuse
  void* small_stack_ = nullptr;    // and its small stack (where each of its processes starts)
  uint32_t entry_ = 0;         // the function the process runs
  bool start_pending_ = false; // the module's start function runs first
  bool is_root_ = false;
  std::vector<uint8_t> args_;
  ExitReason exit_;

  // Shared with senders, killers and timers (atomics; no lock). Three cache
  // lines, so that senders pushing to `inbox_` and the owner reading its
  // FIFO do not steal each other's lines: read mostly by others, then
  // written by senders, then the owner's.
  alignas(64) std::atomic<Pid> pid_{0};
  std::atomic<State> state_{State::Free};
  std::atomic<uint64_t> wait_seq_{0};         // counts waits, so a stale timer wakes nothing
  std::atomic<bool> kill_requested_{false};
  // The inbox's producer end: the newest message (or the stub), exchanged
  // by senders, and the stub, which senders link to when the inbox is
  // empty (on this line, not the owner's next one, which the owner writes
  // at every receive).
  alignas(64) std::atomic<Message*> inbox_in_{&inbox_stub_};
  Message inbox_stub_;

  // Owner only: the inbox's consumer end (the next message out, or the
  // stub), and the messages a selective receive skipped, in arrival order.
  // The inbox lives as long as the table entry: a sender holding an old pid
  // may push into it at any time, and that message is dropped on the way
  // out (Message::to).
  alignas(64) Message* inbox_out_ = &inbox_stub_;
  Message* mail_head_ = nullptr;
  Message* mail_tail_ = nullptr;
  // The next message out of the inbox, in arrival order, or null (empty, or
  // a push not finished). Messages for an earlier process of this table
  // entry are dropped.
  Message* pop_inbox();
  // pop_inbox() when the first message is not simply there to take.
  Message* pop_inbox_slow();
  // The first message whose tag is in `tags` (any if empty), from the
  // skipped list and then the inbox, unlinked; nullptr if none.
  Message* take_matching(std::span<const int64_t> tags);
  // Appends m to the skipped messages.
  void keep_skipped(Message* m);
  // Moves everything in the inbox to the end of the skipped messages.
  void drain_inbox();
  // Frees every message (at exit).
  void free_mail();

  // Links and monitors (Scheduler::link, monitor; exit in finish()),
  // guarded by sig_mu_. Once `sig_closed_` (the process is ending) no new
  // link or monitor attaches; the ending process signals what it found.
  std::mutex sig_mu_;
  bool sig_closed_ = false;
  std::vector<Pid> links_;
  std::vector<std::pair<uint64_t, Pid>> watchers_;  // monitors of this process: (ref, watcher)
  std::unique_ptr<ExitReason> pending_exit_;        // a linked process's exit that ends this one
  std::atomic<bool> trap_exit_{false};
  // Registered name (guarded by the scheduler's registry lock); has_name_
  // lets an ending process skip that lock.
  std::string name_;
  std::atomic<bool> has_name_{false};

  // Touched only by the worker running the process.
  std::vector<std::pair<uint64_t, Pid>> monitoring_;  // monitors it holds: (ref, target)
  ProcessLimits limits_;
  Message* current_ = nullptr;
  bool wait_active_ = false;
  bool yielding_ = false;
  bool wait_on_mail_pending_ = false;  // the wait ends on a message (receive), not only its deadline
  uint64_t wait_deadline_ = UINT64_MAX;
  uint64_t wait_start_ = 0;
  uint32_t index_ = 0;  // in the process table
  uint32_t generation_ = 0;
};

// The message paths, inline: a send and a receive are a few dozen
// instructions each, and calls would be a good part of them.

inline void Process::push_inbox(Message* m) {
  std::atomic_ref(m->next).store(nullptr, std::memory_order_relaxed);
  // seq_cst: park() stores the wait state, then reads inbox_in_; senders
  // exchange here, then read the state. One of the two sees the other.
  Message* prev = inbox_in_.exchange(m, std::memory_order_seq_cst);
  std::atomic_ref(prev->next).store(m, std::memory_order_release);
}

inline Message* Process::pop_inbox() {
  // The common case: a message for this process with a successor.
  Message* out = inbox_out_;
  if (out != &inbox_stub_) [[likely]] {
    Message* next = std::atomic_ref(out->next).load(std::memory_order_acquire);
    if (next && out->to == pid()) [[likely]] {
      inbox_out_ = next;
      out->next = nullptr;
      return out;
    }
  }
  return pop_inbox_slow();
}

inline const Message* Process::take_message(std::span<const int64_t> tags) {
  // Any message, with nothing skipped earlier: the inbox's first.
  Message* m = tags.empty() && !mail_head_ ? pop_inbox() : take_matching(tags);
  if (!m) return nullptr;
  if (current_) Message::free(current_);
  current_ = m;
  return m;
}

// Steady-clock time in nanoseconds (the timebase of deadlines).
uint64_t now_ns();

}  // namespace lvm
