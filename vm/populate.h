// Populating pages ahead of their first write (madvise MADV_POPULATE_WRITE,
// Linux 5.14). A write to an untouched anonymous page takes a page fault: a
// trap into the kernel per page. Where a spawn is about to write pages it
// knows of (the data segments' pages, a process table entry, a small
// stack), one system call that populates them costs less than the faults:
// about the same on bare metal, less in a virtual machine, where each fault
// is a round trip through the hypervisor (on this project's machine: 12-13
// us a fault against 2.5 us a one-page populate plus 6 us at the page's
// first touch, which populating cannot avoid; docs/design.md, "The memory
// of a process").
#pragma once

#include <cstddef>

namespace lvm {

// Populates (allocates and maps, writable) the host pages covering
// [addr, addr + len) of a read-write mapping (private anonymous memory, or
// the shared memfd behind the JIT's writable code alias). Best effort:
// on a kernel without MADV_POPULATE_WRITE it does nothing (the pages fault
// in as before) and stops trying; a range that cannot be populated (no
// memory) is left to fault in too.
void populate_write(void* addr, size_t len);

// Hands out consecutive parts of a mapping, populating ahead of them in
// steps of kStep bytes: a slab of table entries or small stacks that
// processes which stay alive fill in order. Populated but unused bytes are
// at most one step.
class PopulateAhead {
 public:
  static constexpr size_t kStep = 16 * 1024;
  // A new mapping [start, end) that parts are handed out of from its start.
  void reset(void* start, void* end) {
    done_ = static_cast<char*>(start);
    end_ = static_cast<char*>(end);
  }
  // Called as [p, p + n) of the current mapping is handed out: populates
  // from what is done up to the step boundary beyond p + n (at most to the
  // mapping's end), unless that is populated already.
  void cover(void* p, size_t n);

 private:
  char* done_ = nullptr;  // [start, done_) is populated
  char* end_ = nullptr;
};

}  // namespace lvm
