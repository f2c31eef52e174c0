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

namespace lvm::message_blocks {

// Bytes in a block (a header plus a small payload), and their alignment:
// a message with a payload of up to 24 bytes fills one cache line.
inline constexpr size_t kBlockBytes = 128, kBlockAlign = 64;

// A block of kBlockBytes (never null: out of memory throws std::bad_alloc).
void* take();
// Returns a block from take(), on any thread.
void give(void* block);

// Blocks carved so far (for tests): they stay with the allocator for the
// life of the program, so its footprint is the peak of small messages
// alive at once.
size_t carved();

}  // namespace lvm::message_blocks
