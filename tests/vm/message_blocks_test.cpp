// Tests for vm/message_blocks.h: blocks are aligned and distinct, and blocks
// freed on one thread feed allocations on another through the depot, so a
// producer/consumer pair does not carve new memory round after round.
#include "vm/message_blocks.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <set>
#include <thread>
#include <vector>

using namespace lvm;

TEST_CASE("message blocks are aligned, distinct and writable") {
  std::vector<void*> blocks;
  std::set<void*> seen;
  for (int i = 0; i < 1000; ++i) {
    void* b = message_blocks::take();
    CHECK(reinterpret_cast<uintptr_t>(b) % message_blocks::kBlockAlign == 0);
    CHECK(seen.insert(b).second);
    std::memset(b, 0xAB, message_blocks::kBlockBytes);
    blocks.push_back(b);
  }
  for (void* b : blocks) message_blocks::give(b);
}

TEST_CASE("blocks freed by a consumer thread come back to the producer") {
  constexpr int kBatch = 20000, kRounds = 50;
  std::vector<void*> batch(kBatch);
  size_t carved_after_first = 0;
  for (int r = 0; r < kRounds; ++r) {
    std::thread producer([&] {
      for (void*& b : batch) b = message_blocks::take();
    });
    producer.join();
    std::thread consumer([&] {
      for (void* b : batch) message_blocks::give(b);
    });
    consumer.join();
    if (r == 0) carved_after_first = message_blocks::carved();
  }
  // Each round's blocks are reused by the next (at most a few magazines
  // stranded per exited thread); without the depot every round would carve
  // kBatch new ones.
  CHECK(message_blocks::carved() < carved_after_first + kBatch);
}
