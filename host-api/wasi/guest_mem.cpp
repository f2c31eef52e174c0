// Guest-memory helpers shared by the preview1 functions: paths, iovecs and
// the filestat structure.
#include <sys/stat.h>

#include <cstring>

#include "host-api/wasi/internal.h"

namespace lvm::wasi {

Errno read_path(const HostCall& call, uint32_t ptr, uint32_t len, std::string& out) {
  const uint8_t* p = call.ptr(ptr, len);
  if (!p) return kFault;
  if (len > kMaxPathLen) return kNameTooLong;
  if (std::memchr(p, 0, len)) return kIlseq;
  out.assign(reinterpret_cast<const char*>(p), len);
  return kSuccess;
}

Errno gather_iovecs(const HostCall& call, uint32_t iovs, uint32_t count, std::vector<iovec>& out) {
  const uint8_t* arr = call.ptr(iovs, uint64_t(count) * layout::kIovecSize);
  if (!arr) return kFault;
  out.clear();
  out.reserve(count < kMaxIovecs ? count : kMaxIovecs);
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t buf, len;
    std::memcpy(&buf, arr + i * layout::kIovecSize, 4);
    std::memcpy(&len, arr + i * layout::kIovecSize + 4, 4);
    uint8_t* b = call.ptr(buf, len);
    if (!b) return kFault;
    if (len == 0 || out.size() >= kMaxIovecs) continue;
    out.push_back(iovec{b, len});
  }
  return kSuccess;
}

static uint64_t ns(const struct timespec& t) { return uint64_t(t.tv_sec) * 1'000'000'000ull + uint64_t(t.tv_nsec); }

void write_filestat(uint8_t* p, const struct stat& st) {
  std::memset(p, 0, layout::kFilestatSize);
  uint64_t dev = st.st_dev, ino = st.st_ino, nlink = st.st_nlink, size = uint64_t(st.st_size);
  uint64_t atim = ns(st.st_atim), mtim = ns(st.st_mtim), ctim = ns(st.st_ctim);
  uint8_t type = filetype_from_mode(st.st_mode);
  std::memcpy(p + 0, &dev, 8);
  std::memcpy(p + 8, &ino, 8);
  p[16] = type;
  std::memcpy(p + 24, &nlink, 8);
  std::memcpy(p + 32, &size, 8);
  std::memcpy(p + 40, &atim, 8);
  std::memcpy(p + 48, &mtim, 8);
  std::memcpy(p + 56, &ctim, 8);
}

Errno make_timespecs(uint64_t atim, uint64_t mtim, uint16_t fst, struct timespec out[2]) {
  if (fst & ~uint16_t(kFstAtim | kFstAtimNow | kFstMtim | kFstMtimNow)) return kInval;
  if ((fst & kFstAtim) && (fst & kFstAtimNow)) return kInval;
  if ((fst & kFstMtim) && (fst & kFstMtimNow)) return kInval;
  auto set = [](struct timespec& t, uint64_t v, bool given, bool now) {
    if (now) {
      t.tv_sec = 0;
      t.tv_nsec = UTIME_NOW;
    } else if (given) {
      t.tv_sec = time_t(v / 1'000'000'000ull);
      t.tv_nsec = long(v % 1'000'000'000ull);
    } else {
      t.tv_sec = 0;
      t.tv_nsec = UTIME_OMIT;
    }
  };
  set(out[0], atim, fst & kFstAtim, fst & kFstAtimNow);
  set(out[1], mtim, fst & kFstMtim, fst & kFstMtimNow);
  return kSuccess;
}

}  // namespace lvm::wasi
