// Tests for vm/memory.h: growth within the declared maximum and the engine
// limit, bounds checks at the edges, and the guard region.
#include "vm/memory.h"

#include <doctest/doctest.h>

using namespace lvm;

TEST_CASE("memory.grow returns the old size, or -1 beyond the maximum or the limit") {
  auto m = LinearMemory::create(1, 3);
  REQUIRE(m);
  CHECK(m->pages() == 1);
  CHECK(m->grow(0) == 1);
  CHECK(m->grow(2) == 1);
  CHECK(m->pages() == 3);
  CHECK(m->grow(1) == -1);  // declared maximum
  CHECK(m->pages() == 3);
  // The engine limit (--max-memory) caps a memory with no maximum.
  auto capped = LinearMemory::create(1, std::nullopt, 4);
  REQUIRE(capped);
  CHECK(capped->grow(3) == 1);
  CHECK(capped->grow(1) == -1);
  CHECK(LinearMemory::create(5, std::nullopt, 4) == nullptr);  // cannot even start
  // Huge deltas do not overflow the check.
  CHECK(m->grow(0xFFFFFFFFu) == -1);
}

TEST_CASE("in_bounds is exact at the end of memory and never overflows") {
  auto m = LinearMemory::create(1, std::nullopt);
  REQUIRE(m);
  CHECK(m->in_bounds(0, kPageSize));
  CHECK(m->in_bounds(kPageSize - 4, 4));
  CHECK_FALSE(m->in_bounds(kPageSize - 3, 4));
  CHECK(m->in_bounds(kPageSize, 0));
  CHECK_FALSE(m->in_bounds(kPageSize + 1, 0));
  CHECK_FALSE(m->in_bounds(4, UINT64_MAX));
  CHECK_FALSE(m->in_bounds(UINT64_MAX, 2));
}

TEST_CASE("grown pages are zeroed and writable; the base never moves") {
  auto m = LinearMemory::create(0, std::nullopt);
  REQUIRE(m);
  uint8_t* base = m->base();
  CHECK(m->size() == 0);
  REQUIRE(m->grow(2) == 0);
  CHECK(m->base() == base);
  CHECK(m->base()[2 * kPageSize - 1] == 0);
  m->base()[2 * kPageSize - 1] = 42;
  CHECK(m->base()[2 * kPageSize - 1] == 42);
}
