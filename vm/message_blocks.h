// Blocks for small messages: fixed-size, cache-line aligned, recycled
// through per-thread magazines and a shared depot (Bonwick's magazine
// allocator).
//
// A message is usually made on one worker (the sender's) and freed on
// another (the receiver's). With malloc that is a cross-thread free on
// every message; here the receiver's freed blocks go back, 64 at a time,
// through the depot to whichever thread allocates next. One lock per 64
// messages; none on the common path.
#pragma once

#include <cstddef>
#include <iterator>

namespace lvm::message_blocks {

// The block sizes, smallest first, and their alignment: a message with a
// payload of up to 24 bytes (a pid, a few integers: most of them) fills one
// cache line, so a burst of them stays in the L1 cache; up to 216 bytes,
// four lines. Larger payloads go to malloc.
inline constexpr size_t kClassBytes[] = {64, 256};
inline constexpr size_t kClasses = std::size(kClassBytes), kBlockAlign = 64;
inline constexpr size_t kMaxBlockBytes = kClassBytes[kClasses - 1];

// The size class that holds `bytes` (at most kMaxBlockBytes).
constexpr size_t class_of(size_t bytes) {
  static_assert(kClasses == 2);
  return bytes <= kClassBytes[0] ? 0 : 1;
}

// A block of kClassBytes[c] (never null: out of memory throws std::bad_alloc).
void* take(size_t c);
// Returns a block of class `c` from take(), on any thread.
void give(void* block, size_t c);

// Blocks of class `c` carved so far (for tests): they stay with the
// allocator for the life of the program, so its footprint is the peak of
// small messages alive at once.
size_t carved(size_t c);

}  // namespace lvm::message_blocks
