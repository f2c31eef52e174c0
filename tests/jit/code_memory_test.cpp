// Tests for jit/code_memory.h's CodeArena: the space it hands out is
// aligned, disjoint, written through the writable alias and seen at the
// executable address, populated before it is handed out (mincore), a large
// function gets a block of its own, and the blocks go to whoever takes them.
#include "jit/code_memory.h"

#include <doctest/doctest.h>
#include <sys/mman.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

using namespace lvm::jit;

namespace {
constexpr uintptr_t kPage = 4096;

// True if every page of [p, p + n) is resident.
bool resident(const void* p, size_t n) {
  const uintptr_t lo = uintptr_t(p) & ~(kPage - 1), hi = (uintptr_t(p) + n + kPage - 1) & ~(kPage - 1);
  std::vector<unsigned char> v((hi - lo) / kPage);
  REQUIRE(mincore(reinterpret_cast<void*>(lo), hi - lo, v.data()) == 0);
  return std::all_of(v.begin(), v.end(), [](unsigned char c) { return c & 1; });
}
}  // namespace

TEST_CASE("a code arena hands out aligned, disjoint, populated space, one alias written and the other read") {
  constexpr size_t kBlock = 64 << 10, kStep = 16 << 10;
  CodeArena arena(kBlock, kStep);
  std::vector<std::pair<uint8_t*, size_t>> got;
  for (size_t i = 0; i < 200; ++i) {
    const size_t size = 1 + (i * 97) % 700;
    void *rx, *rw;
    REQUIRE(arena.alloc(size, &rx, &rw));
    CHECK(uintptr_t(rx) % CodeArena::kAlign == 0);
    CHECK(rx != rw);
    CHECK(resident(rw, size));  // (populated before anything is copied in)
    std::memset(rw, int(i & 0xFF), size);
    got.push_back({static_cast<uint8_t*>(rx), size});
  }
  std::sort(got.begin(), got.end());
  for (size_t i = 1; i < got.size(); ++i) CHECK(got[i - 1].first + got[i - 1].second <= got[i].first);
  // What was written through each writable alias is what the executable
  // address reads (every byte of it: no later allocation overlapped it).
  for (const auto& [rx, size] : got) {
    const uint8_t first = rx[0];
    CHECK(std::all_of(rx, rx + size, [&](uint8_t b) { return b == first; }));
  }
  std::vector<void*> blocks;
  arena.take_blocks(blocks);
  CHECK(blocks.size() >= 2);  // (200 functions of 350 bytes on average fill more than one 64 KiB block)
  for (void* b : blocks) code_free(b);
}

TEST_CASE("a function larger than a quarter of a block gets a block of its own, and the current block goes on") {
  CodeArena arena(64 << 10, 16 << 10);
  void *a_rx, *a_rw, *big_rx, *big_rw, *b_rx, *b_rw;
  REQUIRE(arena.alloc(100, &a_rx, &a_rw));
  REQUIRE(arena.alloc(40 << 10, &big_rx, &big_rw));
  CHECK(resident(big_rw, 40 << 10));
  REQUIRE(arena.alloc(100, &b_rx, &b_rw));
  CHECK(static_cast<uint8_t*>(b_rx) == static_cast<uint8_t*>(a_rx) + 128);  // (right after the first, aligned)
  std::vector<void*> blocks;
  arena.take_blocks(blocks);
  CHECK(blocks.size() == 2);
  CHECK(std::find(blocks.begin(), blocks.end(), big_rx) != blocks.end());
  for (void* b : blocks) code_free(b);
  std::vector<void*> none;
  arena.take_blocks(none);
  CHECK(none.empty());  // (taken once)
}
