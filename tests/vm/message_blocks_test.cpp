// Tests for vm/message_blocks.h: blocks are aligned and distinct, and blocks
// freed on one thread feed allocations on another through the depot, so a
// producer/consumer pair does not carve new memory round after round.
#include "vm/message_blocks.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <set>
#include <utility>
#include <thread>
#include <vector>

using namespace lvm;

TEST_CASE("message blocks of every class are aligned, distinct and writable") {
  CHECK(message_blocks::class_of(1) == 0);
  CHECK(message_blocks::class_of(message_blocks::kClassBytes[0]) == 0);
  CHECK(message_blocks::class_of(message_blocks::kClassBytes[0] + 1) == 1);
  CHECK(message_blocks::class_of(message_blocks::kMaxBlockBytes) == 1);
  std::vector<std::pair<void*, size_t>> blocks;
  std::set<void*> seen;
  for (int i = 0; i < 2000; ++i) {
    const size_t c = i % message_blocks::kClasses;
    auto* b = static_cast<uint8_t*>(message_blocks::take(c));
    CHECK(reinterpret_cast<uintptr_t>(b) % message_blocks::kBlockAlign == 0);
    // No block overlaps another, whatever their classes.
    for (size_t k = 0; k < message_blocks::kClassBytes[c]; k += message_blocks::kBlockAlign)
      CHECK(seen.insert(b + k).second);
    std::memset(b, 0xAB, message_blocks::kClassBytes[c]);
    blocks.push_back({b, c});
  }
  for (auto [b, c] : blocks) message_blocks::give(b, c);
}

TEST_CASE("blocks freed by a consumer thread come back to the producer") {
  constexpr int kBatch = 20000, kRounds = 50;
  std::vector<void*> batch(kBatch);
  size_t carved_after_first = 0;
  for (int r = 0; r < kRounds; ++r) {
    std::thread producer([&] {
      for (size_t i = 0; i < batch.size(); ++i) batch[i] = message_blocks::take(i % 2);
    });
    producer.join();
    std::thread consumer([&] {
      for (size_t i = 0; i < batch.size(); ++i) message_blocks::give(batch[i], i % 2);
    });
    consumer.join();
    if (r == 0) carved_after_first = message_blocks::carved(0) + message_blocks::carved(1);
  }
  // Each round's blocks are reused by the next (at most a few magazines
  // stranded per exited thread); without the depot every round would carve
  // kBatch new ones.
  CHECK(message_blocks::carved(0) + message_blocks::carved(1) < carved_after_first + kBatch);
}
