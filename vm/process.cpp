#include "vm/process.h"

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

Message* Message::make(Pid sender, int64_t tag, std::span<const uint8_t> data) {
  void* mem = std::malloc(sizeof(Message) + data.size());
  if (!mem) throw std::bad_alloc();  // as a std::vector would: the VM is out of memory
  auto* m = new (mem) Message();
  m->sender = sender;
  m->tag = tag;
  m->size = uint32_t(data.size());
  if (!data.empty()) std::memcpy(m->bytes(), data.data(), data.size());
  return m;
}

void Message::free(Message* m) { std::free(m); }

void Process::begin_wait(uint64_t deadline_ns, bool on_mail) {
  wait_active_ = true;
  wait_deadline_ = deadline_ns;
  wait_on_mail_pending_ = on_mail;
}

const Message* Process::take_message(std::span<const int64_t> tags) {
  std::unique_lock lock(mu_);
  Message* prev = nullptr;
  for (Message* m = mail_head_; m; prev = m, m = m->next) {
    if (!tags.empty() && std::find(tags.begin(), tags.end(), m->tag) == tags.end()) continue;
    (prev ? prev->next : mail_head_) = m->next;
    if (mail_tail_ == m) mail_tail_ = prev;
    m->next = nullptr;
    lock.unlock();
    if (current_) Message::free(current_);
    current_ = m;
    return m;
  }
  seen_seq_ = mail_seq_;
  return nullptr;
}

}  // namespace lvm
