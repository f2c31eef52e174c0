// Tests for vm/populate.h: populate_write makes exactly the covering pages
// resident (mincore), and PopulateAhead populates a step ahead of what it
// hands out, never past its mapping, and not again for what is done.
#include "vm/populate.h"

#include <doctest/doctest.h>
#include <sys/mman.h>

#include <cstdint>
#include <vector>

using namespace lvm;

namespace {
constexpr size_t kPage = 4096;

// Which of the mapping's pages are resident.
std::vector<bool> resident(void* base, size_t pages) {
  std::vector<unsigned char> v(pages);
  REQUIRE(mincore(base, pages * kPage, v.data()) == 0);
  std::vector<bool> out(pages);
  for (size_t i = 0; i < pages; ++i) out[i] = v[i] & 1;
  return out;
}

struct Mapping {
  size_t bytes;
  char* p;
  explicit Mapping(size_t n) : bytes(n) {
    p = static_cast<char*>(mmap(nullptr, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0));
    REQUIRE(p != MAP_FAILED);
  }
  ~Mapping() { munmap(p, bytes); }
};

// True if this kernel populates (MADV_POPULATE_WRITE, Linux 5.14); else
// populate_write is documented to do nothing, and there is nothing to test.
bool kernel_populates() {
  Mapping m(kPage);
  return madvise(m.p, kPage, 23 /* MADV_POPULATE_WRITE */) == 0;
}
}  // namespace

TEST_CASE("populate_write makes the pages covering a range resident, and only those") {
  if (!kernel_populates()) return;
  Mapping m(16 * kPage);
  CHECK(resident(m.p, 16) == std::vector<bool>(16, false));
  populate_write(m.p + 3 * kPage + 100, 2 * kPage);  // touches pages 3, 4 and 5
  std::vector<bool> want(16, false);
  want[3] = want[4] = want[5] = true;
  CHECK(resident(m.p, 16) == want);
  CHECK(m.p[3 * kPage + 100] == 0);  // populated pages read as zero, and are writable
  m.p[5 * kPage] = 1;
  populate_write(m.p, 0);  // an empty range is nothing
  CHECK(resident(m.p, 16) == want);
}

TEST_CASE("PopulateAhead populates a step beyond what it hands out, up to the mapping's end") {
  if (!kernel_populates()) return;
  constexpr size_t kStep = PopulateAhead::kStep;
  constexpr size_t pages = 3 * kStep / kPage + 2;  // the last step is partial
  // Aligned to a step, so the steps fall on known pages.
  Mapping raw(pages * kPage + kStep);
  char* base = reinterpret_cast<char*>((reinterpret_cast<uintptr_t>(raw.p) + kStep - 1) & ~(kStep - 1));
  PopulateAhead ahead;
  ahead.reset(base, base + pages * kPage);
  auto count = [&] {
    size_t n = 0;
    for (bool r : resident(base, pages)) n += r;
    return n;
  };
  ahead.cover(base, 1024);  // the first part: the whole first step
  CHECK(count() == kStep / kPage);
  ahead.cover(base + 1024, 1024);  // inside the step: nothing new
  CHECK(count() == kStep / kPage);
  ahead.cover(base + kStep - 512, 1024);  // crosses into the second step
  CHECK(count() == 2 * kStep / kPage);
  ahead.cover(base + pages * kPage - 1024, 1024);  // the last part: up to the end, not past it
  CHECK(count() == pages);
}
