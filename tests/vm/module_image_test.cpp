// Tests for vm/module_image.h and vm/memory_pool.h: a spawned instance starts
// from the module's initial state, a recycled one is reset to exactly that
// state (including bytes a store spilled into the next dirty granule), and
// small memory slots are reused without mapping anything new.
#include "vm/module_image.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "loader/loader.h"
#include "tests/support/wasm_builder.h"
#include "vm/interpreter.h"
#include "vm/memory_pool.h"

using namespace lvm;
using namespace lvm::test;

namespace {
// (module (memory 1 1)
//   (global (mut i32) (i32.const 7))
//   (data (i32.const 250) "abcdefgh")
//   (func (export "scribble") (param i32 i64)   ;; mem[p] = v (i64, maybe across a granule end); g = 99
//     local.get 0 local.get 1 i64.store  i32.const 99 global.set 0))
std::shared_ptr<const Module> scribbler() {
  Bytes data = cat({{0x00, 0x41}, sleb(250), {0x0B}, leb(8), {'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'}});
  Bytes m = module({section(1, vec({functype({I32, I64}, {})})), section(3, vec({leb(0)})),
                    section(5, vec({cat({{0x01}, leb(1), leb(1)})})),
                    section(6, vec({cat({{I32, 0x01, 0x41}, sleb(7), {0x0B}})})),
                    section(7, vec({cat({name("scribble"), {0x00}, leb(0)})})),
                    section(10, vec({body(cat({{0x20, 0, 0x20, 1, 0x37, 0x03, 0x00, 0x41}, sleb(99), {0x24, 0, 0x0B}}))})),
                    section(11, vec({data}))});
  auto r = load_module(m);
  REQUIRE(r.has_value());
  return *r;
}

std::shared_ptr<const ModuleImage> image() {
  auto built = ModuleImage::build(scribbler(), nullptr);
  REQUIRE(std::holds_alternative<std::shared_ptr<const ModuleImage>>(built));
  return std::get<std::shared_ptr<const ModuleImage>>(built);
}

std::unique_ptr<Instance> fresh(const ModuleImage& img) {
  auto r = img.instantiate({});
  REQUIRE(std::holds_alternative<std::unique_ptr<Instance>>(r));
  return std::move(std::get<std::unique_ptr<Instance>>(r));
}

bool initial_state(Instance& in) {
  const uint8_t* m = in.memory0()->base();
  for (uint32_t i = 0; i < kPageSize; ++i) {
    const uint8_t want = i >= 250 && i < 258 ? uint8_t('a' + (i - 250)) : 0;
    if (m[i] != want) return false;
  }
  return in.globals[0]->value[0] == 7;
}
}  // namespace

TEST_CASE("an instance from an image starts with the data segments and initial globals") {
  auto img = image();
  auto in = fresh(*img);
  CHECK(img->data_bytes() == 8);
  CHECK(initial_state(*in));
}

TEST_CASE("a recycled instance is reset to the image, also where a store spilled past its granule") {
  auto img = image();
  auto in = fresh(*img);
  Instance* first = in.get();
  // Stores at the end of granule 0 (spilling into granule 1, which holds
  // image bytes), in the middle of the page, and at the very end.
  for (uint64_t addr : {252u, 4000u, 65528u}) {
    uint64_t args[2] = {addr, 0x1122334455667788u};
    REQUIRE(invoke(*in, 0, args, nullptr) == Trap::None);
  }
  CHECK(in->globals[0]->value[0] == 99);
  CHECK(in->memory0()->base()[256] == 0x44);  // written through the spill
  CHECK_FALSE(initial_state(*in));
  img->recycle(std::move(in));
  auto again = fresh(*img);
  CHECK(again.get() == first);  // the same instance, reused
  CHECK(initial_state(*again));
}

TEST_CASE("a memory that code without write marks ran on is not restored, so not reused dirty") {
  auto img = image();
  auto in = fresh(*img);
  // A write no mark records, as compiled code for the root process makes
  // (jit::CodeVariant), which flags the memory.
  in->memory0()->base()[4000] = 0x55;
  in->memory0()->set_untracked();
  CHECK_FALSE(in->memory0()->restore(nullptr, 0, 0, 1));
  img->recycle(std::move(in));
  auto again = fresh(*img);
  CHECK(initial_state(*again));
  CHECK(again->memory0()->base()[4000] == 0);
}

TEST_CASE("a process module may import functions only") {
  // (module (import "env" "m" (memory 1)))
  Bytes m = module({section(2, vec({cat({name("env"), name("m"), {0x02, 0x00}, leb(1)})}))});
  auto r = load_module(m);
  REQUIRE(r.has_value());
  auto built = ModuleImage::build(*r, nullptr);
  REQUIRE(std::holds_alternative<InstantiateError>(built));
  CHECK(std::get<InstantiateError>(built).message.find("may import functions only") != std::string::npos);
}

TEST_CASE("small memory slots are reused, zeroed, without new mappings") {
  MemoryPool& pool = MemoryPool::global();
  auto m = pool.acquire(1, 2, kMaxMemoryPages);  // a 128 KiB slot
  REQUIRE(m);
  uint8_t* base = m->base();
  std::memset(base, 0xEE, kPageSize);
  CHECK(m->grow(1) == 1);
  CHECK(m->grow(1) == -1);  // the declared maximum
  m.reset();
  const auto before = pool.stats();
  auto again = pool.acquire(1, 2, kMaxMemoryPages);
  REQUIRE(again);
  const auto after = pool.stats();
  CHECK(again->base() == base);
  CHECK(after.mappings == before.mappings);
  CHECK(after.reused == before.reused + 1);
  bool zero = true;
  for (uint32_t i = 0; i < 2 * kPageSize; ++i) zero &= base[i] == 0;
  CHECK(again->pages() == 1);
  CHECK(zero);
}

namespace {
// (module (memory 40 64) (data (i32.const 100) <2 MiB of a pattern>))
std::shared_ptr<const ModuleImage> big_image(uint32_t bytes) {
  Bytes payload(bytes);
  for (uint32_t i = 0; i < bytes; ++i) payload[i] = uint8_t(i * 7 + 1);
  Bytes m = module({section(5, vec({cat({{0x01}, leb(40), leb(64)})})),
                    section(11, vec({cat({{0x00, 0x41}, sleb(100), {0x0B}, leb(bytes), payload})}))});
  auto r = load_module(m);
  REQUIRE(r.has_value());
  auto built = ModuleImage::build(*r, nullptr);
  REQUIRE(std::holds_alternative<std::shared_ptr<const ModuleImage>>(built));
  return std::get<std::shared_ptr<const ModuleImage>>(built);
}

bool holds_pattern(const uint8_t* m, uint32_t bytes) {
  for (uint32_t i = 0; i < 100; ++i)
    if (m[i]) return false;
  for (uint32_t i = 0; i < bytes; ++i)
    if (m[100 + i] != uint8_t(i * 7 + 1)) return false;
  for (uint32_t i = 100 + bytes; i < 100 + bytes + 8192; ++i)
    if (m[i]) return false;
  return true;
}

// The /proc/self/maps line of the mapping that starts at `addr`.
std::string mapping_at(const void* addr) {
  char want[32];
  std::snprintf(want, sizeof want, "%lx-", static_cast<unsigned long>(reinterpret_cast<uintptr_t>(addr)));
  std::FILE* f = std::fopen("/proc/self/maps", "r");
  REQUIRE(f);
  char line[512];
  std::string found;
  while (std::fgets(line, sizeof line, f))
    if (std::strncmp(line, want, std::strlen(want)) == 0) found = line;
  std::fclose(f);
  return found;
}
}  // namespace

TEST_CASE("a large data image is mapped copy-on-write; a small one is copied") {
  CHECK_FALSE(image()->copy_on_write());
  const uint32_t bytes = 2u << 20;
  auto img = big_image(bytes);
  REQUIRE(img->copy_on_write());
  auto a = fresh(*img), b = fresh(*img);
  uint8_t* am = a->memory0()->base();
  CHECK(mapping_at(am).find("memfd:lvm-image") != std::string::npos);
  CHECK(holds_pattern(am, bytes));
  CHECK(holds_pattern(b->memory0()->base(), bytes));
  // Private: writes stay in the writer's memory.
  std::memset(am, 0x5A, 200);
  std::memset(am + (1u << 20), 0x5A, 4096);
  CHECK(holds_pattern(b->memory0()->base(), bytes));
  // Recycled: back to the image.
  a->memory0()->mark_dirty(0, 200);
  a->memory0()->mark_dirty(1u << 20, 4096);
  Instance* first = a.get();
  img->recycle(std::move(a));
  auto again = fresh(*img);
  REQUIRE(again.get() == first);
  CHECK(holds_pattern(again->memory0()->base(), bytes));
  // Freed: the slot goes back to the pool as plain zeroed memory (not the
  // file's bytes), and the next memory of its size gets it.
  again.reset();
  auto plain = MemoryPool::global().acquire(40, 64, kMaxMemoryPages);
  REQUIRE(plain);
  REQUIRE(plain->base() == am);
  CHECK(mapping_at(am).find("memfd:lvm-image") == std::string::npos);
  bool zero = true;
  for (uint32_t i = 0; i < bytes + 8192; ++i) zero &= am[i] == 0;
  CHECK(zero);
}
