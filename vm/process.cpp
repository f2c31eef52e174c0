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

namespace {
// Payloads up to this size live in a block from message_blocks.
constexpr size_t kSmallPayload = message_blocks::kBlockBytes - sizeof(Message);
}  // namespace

Message* Message::make(Pid to, Pid sender, int64_t tag, std::span<const uint8_t> data) {
  void* mem;
  if (data.size() <= kSmallPayload) {
    mem = message_blocks::take();
  } else {
    mem = std::malloc(sizeof(Message) + data.size());
    if (!mem) throw std::bad_alloc();  // as a std::vector would: the VM is out of memory
  }
  auto* m = new (mem) Message();
  m->to = to;
  m->sender = sender;
  m->tag = tag;
  m->size = uint32_t(data.size());
  copy_bytes(m->bytes(), data.data(), data.size());
  return m;
}

void Message::free(Message* m) {
  if (m->size <= kSmallPayload) message_blocks::give(m);
  else std::free(m);
}

void Process::begin_wait(uint64_t deadline_ns, bool on_mail, uint64_t start) {
  wait_active_ = true;
  wait_start_ = start;
  wait_deadline_ = deadline_ns;
  wait_on_mail_pending_ = on_mail;
}

Message* Process::drain_inbox() {
  Message* m = inbox_.exchange(nullptr, std::memory_order_acquire);
  if (!m) return nullptr;
  // Newest first: reverse into arrival order, dropping strays. The first
  // one kept (the newest) becomes the tail.
  const Pid self = pid();
  Message* ordered = nullptr;
  Message* tail = nullptr;
  while (m) {
    Message* next = m->next;
    if (m->to == self) [[likely]] {
      m->next = ordered;
      ordered = m;
      if (!tail) tail = m;
    } else {
      Message::free(m);
    }
    m = next;
  }
  if (!ordered) return nullptr;
  (mail_tail_ ? mail_tail_->next : mail_head_) = ordered;
  mail_tail_ = tail;
  return ordered;
}

const Message* Process::take_message(std::span<const int64_t> tags) {
  auto matches = [&](const Message* m) {
    return tags.empty() || std::find(tags.begin(), tags.end(), m->tag) != tags.end();
  };
  Message* prev = nullptr;
  Message* m = mail_head_;
  for (int pass = 0; pass < 2; ++pass) {
    for (; m; prev = m, m = m->next) {
      if (!matches(m)) continue;
      (prev ? prev->next : mail_head_) = m->next;
      if (mail_tail_ == m) mail_tail_ = prev;
      m->next = nullptr;
      if (current_) Message::free(current_);
      current_ = m;
      return m;
    }
    // Nothing in what we had: look at what arrived since.
    Message* old_tail = mail_tail_;
    m = drain_inbox();
    if (!m) break;
    prev = old_tail;
  }
  return nullptr;
}

void Process::drop_messages(int64_t tag, uint64_t first_word) {
  drain_inbox();
  Message* prev = nullptr;
  for (Message* m = mail_head_; m;) {
    Message* next = m->next;
    uint64_t w = 0;
    if (m->tag == tag && m->size >= 8) std::memcpy(&w, m->bytes(), 8);
    if (m->tag == tag && m->size >= 8 && w == first_word) {
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
  for (Message* m = inbox_.exchange(nullptr); m;) {  // strays that arrived meanwhile
    Message* next = m->next;
    Message::free(m);
    m = next;
  }
  if (current_) Message::free(current_);
  current_ = nullptr;
}

}  // namespace lvm
