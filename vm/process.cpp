#include "vm/process.h"

#include "vm/message_blocks.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <new>

namespace lvm {

uint64_t now_ns() {
  return uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(
                      std::chrono::steady_clock::now().time_since_epoch())
                      .count());
}

// The promise message_blocks.h makes: a 24-byte payload fills one line.
static_assert(sizeof(Message) + 24 <= message_blocks::kClassBytes[0]);

Message* Message::make_large(Pid to, Pid sender, int64_t tag, std::span<const uint8_t> data) {
  void* mem = std::malloc(footprint(data.size()));
  if (!mem) throw std::bad_alloc();  // as a std::vector would: the VM is out of memory
  auto* m = new (mem) Message{nullptr, to, sender, tag, uint32_t(data.size())};
  std::memcpy(m->bytes(), data.data(), data.size());
  return m;
}

void Process::begin_wait(uint64_t deadline_ns, bool on_mail, uint64_t start) {
  wait_active_ = true;
  wait_start_ = start;
  wait_deadline_ = deadline_ns;
  wait_on_mail_pending_ = on_mail;
}

Message* Process::pop_inbox_slow() {
  const Pid self = pid();
  for (;;) {
    Message* out = inbox_out_;
    Message* next = std::atomic_ref(out->next).load(std::memory_order_acquire);
    if (out == &inbox_stub_) {
      if (!next) return nullptr;
      inbox_out_ = out = next;
      next = std::atomic_ref(next->next).load(std::memory_order_acquire);
    }
    if (!next) {
      // `out` is the last message: put the stub behind it, so that it has
      // a successor and can leave (a message leaves only once linked, so no
      // sender writes to it afterwards).
      if (out != inbox_in_.load(std::memory_order_acquire)) return nullptr;  // a push is under way
      push_inbox(&inbox_stub_);
      next = std::atomic_ref(out->next).load(std::memory_order_acquire);
      if (!next) return nullptr;  // another sender got in first; its link is coming
    }
    inbox_out_ = next;
    out->next = nullptr;
    if (out->to == self) [[likely]]
      return out;
    Message::free(out);  // for an earlier process of this table entry
  }
}

void Process::keep_skipped(Message* m) {
  (mail_tail_ ? mail_tail_->next : mail_head_) = m;
  mail_tail_ = m;
}

void Process::drain_inbox() {
  while (Message* m = pop_inbox()) keep_skipped(m);
}

Message* Process::take_matching(std::span<const int64_t> tags) {
  auto matches = [&](const Message* m) {
    return tags.empty() || std::find(tags.begin(), tags.end(), m->tag) != tags.end();
  };
  // First what an earlier selective receive skipped...
  for (Message *prev = nullptr, *m = mail_head_; m; prev = m, m = m->next) {
    if (!matches(m)) continue;
    (prev ? prev->next : mail_head_) = m->next;
    if (mail_tail_ == m) mail_tail_ = prev;
    m->next = nullptr;
    return m;
  }
  // ...then the inbox, in arrival order, keeping what does not match.
  while (Message* m = pop_inbox()) {
    if (matches(m)) return m;
    keep_skipped(m);
  }
  return nullptr;
}

void Process::drop_messages(int64_t tag, uint64_t first_word) {
  drain_inbox();
  Message* prev = nullptr;
  for (Message* m = mail_head_; m;) {
    Message* next = m->next;
    uint64_t w = 0;
    const bool candidate = m->tag == tag && m->size >= 8;
    if (candidate) std::memcpy(&w, m->bytes(), 8);
    if (candidate && w == first_word) {
      (prev ? prev->next : mail_head_) = next;
      if (mail_tail_ == m) mail_tail_ = prev;
      Message::free(m);
    } else {
      prev = m;
    }
    m = next;
  }
}

void Process::free_mail() {
  drain_inbox();
  for (Message* m = mail_head_; m;) {
    Message* next = m->next;
    Message::free(m);
    m = next;
  }
  mail_head_ = mail_tail_ = nullptr;
  // (A message still being pushed stays in the inbox; the next process of
  // this table entry drops it.)
  if (current_) Message::free(current_);
  current_ = nullptr;
}

}  // namespace lvm
