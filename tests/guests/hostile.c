// hostile: calls every wasi_snapshot_preview1 function with out-of-bounds
// pointers and lengths (pointers near 4 GiB, lengths of 0xFFFFFFFF, ranges
// that straddle the end of memory or wrap around 32 bits, iovec arrays in
// bounds whose buffers are not, sizes whose products overflow 32 bits) and
// prints what each call returned:
//   CHECK <function> <case> -> <errno>
// Every CHECK must be an error (non-zero). Functions that take no pointer
// get hostile descriptors, offsets and flags instead. A few functions are
// also called legitimately first (SETUP lines) so the bad pointer, not a bad
// descriptor, is what a call trips over. Ends with "hostile: N checks, M
// returned 0" and proc_exit(0). Run with a preopened directory as fd 3 and
// at least one environment variable (so environ_get has bytes to write):
//   lvm run --dir /tmp/scratch --env K=V hostile.wasm
// The raw imports are declared here; wasi-libc is used only for printf.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define WASI(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))
typedef uint32_t ptr;  // a guest address, passed as i32

int32_t w_args_get(ptr argv, ptr buf) WASI(args_get);
int32_t w_args_sizes_get(ptr argc, ptr size) WASI(args_sizes_get);
int32_t w_environ_get(ptr env, ptr buf) WASI(environ_get);
int32_t w_environ_sizes_get(ptr count, ptr size) WASI(environ_sizes_get);
int32_t w_clock_res_get(uint32_t id, ptr res) WASI(clock_res_get);
int32_t w_clock_time_get(uint32_t id, uint64_t precision, ptr time) WASI(clock_time_get);
int32_t w_fd_advise(uint32_t fd, uint64_t offset, uint64_t len, uint32_t advice) WASI(fd_advise);
int32_t w_fd_allocate(uint32_t fd, uint64_t offset, uint64_t len) WASI(fd_allocate);
int32_t w_fd_close(uint32_t fd) WASI(fd_close);
int32_t w_fd_datasync(uint32_t fd) WASI(fd_datasync);
int32_t w_fd_fdstat_get(uint32_t fd, ptr stat) WASI(fd_fdstat_get);
int32_t w_fd_fdstat_set_flags(uint32_t fd, uint32_t flags) WASI(fd_fdstat_set_flags);
int32_t w_fd_fdstat_set_rights(uint32_t fd, uint64_t base, uint64_t inheriting) WASI(fd_fdstat_set_rights);
int32_t w_fd_filestat_get(uint32_t fd, ptr buf) WASI(fd_filestat_get);
int32_t w_fd_filestat_set_size(uint32_t fd, uint64_t size) WASI(fd_filestat_set_size);
int32_t w_fd_filestat_set_times(uint32_t fd, uint64_t atim, uint64_t mtim, uint32_t fst) WASI(fd_filestat_set_times);
int32_t w_fd_pread(uint32_t fd, ptr iovs, uint32_t n, uint64_t offset, ptr nread) WASI(fd_pread);
int32_t w_fd_prestat_get(uint32_t fd, ptr buf) WASI(fd_prestat_get);
int32_t w_fd_prestat_dir_name(uint32_t fd, ptr path, uint32_t len) WASI(fd_prestat_dir_name);
int32_t w_fd_pwrite(uint32_t fd, ptr iovs, uint32_t n, uint64_t offset, ptr nwritten) WASI(fd_pwrite);
int32_t w_fd_read(uint32_t fd, ptr iovs, uint32_t n, ptr nread) WASI(fd_read);
int32_t w_fd_readdir(uint32_t fd, ptr buf, uint32_t len, uint64_t cookie, ptr used) WASI(fd_readdir);
int32_t w_fd_renumber(uint32_t fd, uint32_t to) WASI(fd_renumber);
int32_t w_fd_seek(uint32_t fd, int64_t offset, uint32_t whence, ptr newoffset) WASI(fd_seek);
int32_t w_fd_sync(uint32_t fd) WASI(fd_sync);
int32_t w_fd_tell(uint32_t fd, ptr offset) WASI(fd_tell);
int32_t w_fd_write(uint32_t fd, ptr iovs, uint32_t n, ptr nwritten) WASI(fd_write);
int32_t w_path_create_directory(uint32_t fd, ptr path, uint32_t len) WASI(path_create_directory);
int32_t w_path_filestat_get(uint32_t fd, uint32_t flags, ptr path, uint32_t len, ptr buf) WASI(path_filestat_get);
int32_t w_path_filestat_set_times(uint32_t fd, uint32_t flags, ptr path, uint32_t len, uint64_t atim, uint64_t mtim,
                                  uint32_t fst) WASI(path_filestat_set_times);
int32_t w_path_link(uint32_t old_fd, uint32_t old_flags, ptr old_path, uint32_t old_len, uint32_t new_fd, ptr new_path,
                    uint32_t new_len) WASI(path_link);
int32_t w_path_open(uint32_t fd, uint32_t dirflags, ptr path, uint32_t len, uint32_t oflags, uint64_t base,
                    uint64_t inheriting, uint32_t fdflags, ptr opened) WASI(path_open);
int32_t w_path_readlink(uint32_t fd, ptr path, uint32_t len, ptr buf, uint32_t buf_len, ptr used) WASI(path_readlink);
int32_t w_path_remove_directory(uint32_t fd, ptr path, uint32_t len) WASI(path_remove_directory);
int32_t w_path_rename(uint32_t fd, ptr old_path, uint32_t old_len, uint32_t new_fd, ptr new_path, uint32_t new_len)
    WASI(path_rename);
int32_t w_path_symlink(ptr old_path, uint32_t old_len, uint32_t fd, ptr new_path, uint32_t new_len) WASI(path_symlink);
int32_t w_path_unlink_file(uint32_t fd, ptr path, uint32_t len) WASI(path_unlink_file);
int32_t w_poll_oneoff(ptr in, ptr out, uint32_t nsubs, ptr nevents) WASI(poll_oneoff);
_Noreturn void w_proc_exit(uint32_t code) WASI(proc_exit);
int32_t w_proc_raise(uint32_t sig) WASI(proc_raise);
int32_t w_sched_yield(void) WASI(sched_yield);
int32_t w_random_get(ptr buf, uint32_t len) WASI(random_get);
int32_t w_sock_accept(uint32_t fd, uint32_t flags, ptr opened) WASI(sock_accept);
int32_t w_sock_recv(uint32_t fd, ptr iovs, uint32_t n, uint32_t flags, ptr len, ptr oflags) WASI(sock_recv);
int32_t w_sock_send(uint32_t fd, ptr iovs, uint32_t n, uint32_t flags, ptr len) WASI(sock_send);
int32_t w_sock_shutdown(uint32_t fd, uint32_t how) WASI(sock_shutdown);

// Addresses: HIGH is near 4 GiB, END is one past the last byte of memory.
#define HIGH 0xFFFFFFF0u
#define MAXLEN 0xFFFFFFFFu
static uint32_t END;        // memory size in bytes
static uint32_t EDGE4;      // END - 4: a 4-byte window, too small for 8 bytes
static const uint32_t BADFD = 0xFFFFFFFFu;
static uint32_t DIR = 3;    // the preopened directory
static uint32_t FILEFD;     // a regular file opened in it (SETUP)

static int checks, successes;

static void check(const char* fn, const char* what, int32_t rc) {
  ++checks;
  if (rc == 0) ++successes;
  printf("CHECK %s %s -> %d\n", fn, what, (int)rc);
}
#define C(fn, what, call) check(#fn, what, call)

static void setup(const char* what, int32_t rc) {
  printf("SETUP %s -> %d\n", what, (int)rc);
}

static ptr P(const void* p) { return (ptr)(uintptr_t)p; }

// Valid memory the calls may point into.
static char name_file[] = "hostile-file.txt";
static char name_link[] = "hostile-link";
static char name_dir[] = "hostile-dir";
static char name_new[] = "hostile-created";
static char name_new2[] = "hostile-renamed";
static char data[64] = "sixteen bytes!!\n";
static uint32_t iov_ok[2];        // {data, 16}
static uint32_t iov_bad_buf[2];   // {HIGH, 16}
static uint32_t iov_bad_len[2];   // {data, MAXLEN}
static uint32_t iov_wrap[2];      // {HIGH, 0x20}: wraps to 0x10 in 32 bits
static uint32_t iov_mixed[4];     // one good entry, then {END - 8, 16}
static uint32_t out32;
static uint64_t out64;
static uint8_t big_out[256];
static uint8_t sub_clock[48];     // a clock subscription with a zero timeout

static void exists(const char* name, uint32_t len) {
  uint8_t st[64];
  int32_t rc = w_path_filestat_get(DIR, 0, P(name), len, P(st));
  printf("INFO %s exists afterwards: %s\n", name, rc == 0 ? "yes" : "no");
}

int main(void) {
  END = (uint32_t)__builtin_wasm_memory_size(0) * 65536u;
  EDGE4 = END - 4;
  printf("hostile: memory is %u bytes\n", (unsigned)END);
  iov_ok[0] = P(data), iov_ok[1] = 16;
  iov_bad_buf[0] = HIGH, iov_bad_buf[1] = 16;
  iov_bad_len[0] = P(data), iov_bad_len[1] = MAXLEN;
  iov_wrap[0] = HIGH, iov_wrap[1] = 0x20;
  iov_mixed[0] = P(data), iov_mixed[1] = 16, iov_mixed[2] = END - 8, iov_mixed[3] = 16;
  memset(sub_clock, 0, sizeof sub_clock);
  sub_clock[8] = 0;                           // eventtype clock
  uint32_t monotonic = 1;
  memcpy(sub_clock + 16, &monotonic, 4);      // id; timeout 0, precision 0, flags 0

  // ---- SETUP: a regular file, a symlink and a directory in the preopen.
  uint8_t prestat[8];
  setup("fd_prestat_get(3)", w_fd_prestat_get(DIR, P(prestat)));
  setup("path_open hostile-file.txt",
        w_path_open(DIR, 0, P(name_file), sizeof name_file - 1, 1 | 8, 0x3FFFFFFFull, 0x3FFFFFFFull, 0, P(&FILEFD)));
  setup("fd_write it", w_fd_write(FILEFD, P(iov_ok), 1, P(&out32)));
  setup("path_symlink hostile-link", w_path_symlink(P(name_file), sizeof name_file - 1, DIR, P(name_link), sizeof name_link - 1));
  setup("path_create_directory hostile-dir", w_path_create_directory(DIR, P(name_dir), sizeof name_dir - 1));
  printf("hostile: file fd %u\n", (unsigned)FILEFD);

  // ---- args and environ
  C(args_sizes_get, "(argc out of bounds)", w_args_sizes_get(HIGH, P(&out32)));
  C(args_sizes_get, "(size out of bounds)", w_args_sizes_get(P(&out32), HIGH));
  C(args_sizes_get, "(argc straddles the end)", w_args_sizes_get(END - 2, P(&out32)));
  C(args_get, "(argv out of bounds)", w_args_get(HIGH, P(big_out)));
  C(args_get, "(buf out of bounds)", w_args_get(P(big_out), HIGH));
  C(args_get, "(buf at the end)", w_args_get(P(big_out), END - 1));
  C(environ_sizes_get, "(count out of bounds)", w_environ_sizes_get(HIGH, P(&out32)));
  C(environ_sizes_get, "(size out of bounds)", w_environ_sizes_get(P(&out32), END));
  C(environ_get, "(environ out of bounds)", w_environ_get(HIGH, P(big_out)));
  C(environ_get, "(buf out of bounds)", w_environ_get(P(big_out), HIGH));
  C(environ_get, "(buf at the end)", w_environ_get(P(big_out), END - 1));

  // ---- clocks and random
  C(clock_res_get, "(out of bounds)", w_clock_res_get(1, HIGH));
  C(clock_res_get, "(straddles the end)", w_clock_res_get(1, EDGE4));
  C(clock_res_get, "(bad clock id)", w_clock_res_get(0xFFFFFFFFu, P(&out64)));
  C(clock_time_get, "(out of bounds)", w_clock_time_get(0, 1, HIGH));
  C(clock_time_get, "(straddles the end)", w_clock_time_get(1, 1, EDGE4));
  C(clock_time_get, "(wraps around 4 GiB)", w_clock_time_get(1, 1, 0xFFFFFFFCu));
  C(clock_time_get, "(bad clock id)", w_clock_time_get(77, 1, P(&out64)));
  C(random_get, "(buf out of bounds)", w_random_get(HIGH, 16));
  C(random_get, "(len 0xFFFFFFFF)", w_random_get(P(big_out), MAXLEN));
  C(random_get, "(range wraps around 4 GiB)", w_random_get(HIGH, 0x20));
  C(random_get, "(one byte past the end)", w_random_get(END - 16, 17));

  // ---- fd_write / fd_read / fd_pwrite / fd_pread
  C(fd_write, "(iovs out of bounds)", w_fd_write(1, HIGH, 1, P(&out32)));
  C(fd_write, "(iovs count 0xFFFFFFFF)", w_fd_write(1, P(iov_ok), MAXLEN, P(&out32)));
  C(fd_write, "(iovs count * 8 wraps to 0)", w_fd_write(1, P(iov_ok), 0x20000000u, P(&out32)));
  C(fd_write, "(iovs straddle the end)", w_fd_write(1, END - 4, 1, P(&out32)));
  C(fd_write, "(iovec buf out of bounds)", w_fd_write(1, P(iov_bad_buf), 1, P(&out32)));
  C(fd_write, "(iovec len 0xFFFFFFFF)", w_fd_write(1, P(iov_bad_len), 1, P(&out32)));
  C(fd_write, "(iovec range wraps)", w_fd_write(1, P(iov_wrap), 1, P(&out32)));
  C(fd_write, "(second iovec past the end)", w_fd_write(FILEFD, P(iov_mixed), 2, P(&out32)));
  C(fd_write, "(nwritten out of bounds)", w_fd_write(FILEFD, P(iov_ok), 1, HIGH));
  C(fd_write, "(file: iovec buf out of bounds)", w_fd_write(FILEFD, P(iov_bad_buf), 1, P(&out32)));
  C(fd_read, "(iovs out of bounds)", w_fd_read(FILEFD, HIGH, 1, P(&out32)));
  C(fd_read, "(iovs count * 8 wraps to 0)", w_fd_read(FILEFD, P(iov_ok), 0x20000000u, P(&out32)));
  C(fd_read, "(iovec buf out of bounds)", w_fd_read(FILEFD, P(iov_bad_buf), 1, P(&out32)));
  C(fd_read, "(iovec len 0xFFFFFFFF)", w_fd_read(FILEFD, P(iov_bad_len), 1, P(&out32)));
  C(fd_read, "(iovec range wraps)", w_fd_read(FILEFD, P(iov_wrap), 1, P(&out32)));
  C(fd_read, "(second iovec past the end)", w_fd_read(FILEFD, P(iov_mixed), 2, P(&out32)));
  C(fd_read, "(nread out of bounds)", w_fd_read(FILEFD, P(iov_ok), 1, HIGH));
  C(fd_read, "(stdin: iovec buf out of bounds)", w_fd_read(0, P(iov_bad_buf), 1, P(&out32)));
  C(fd_pwrite, "(iovs out of bounds)", w_fd_pwrite(FILEFD, HIGH, 1, 0, P(&out32)));
  C(fd_pwrite, "(iovec buf out of bounds)", w_fd_pwrite(FILEFD, P(iov_bad_buf), 1, 0, P(&out32)));
  C(fd_pwrite, "(iovec len 0xFFFFFFFF)", w_fd_pwrite(FILEFD, P(iov_bad_len), 1, 0, P(&out32)));
  C(fd_pwrite, "(iovs count * 8 wraps to 0)", w_fd_pwrite(FILEFD, P(iov_ok), 0x20000000u, 0, P(&out32)));
  C(fd_pwrite, "(nwritten out of bounds)", w_fd_pwrite(FILEFD, P(iov_ok), 1, 0, EDGE4 + 2));
  C(fd_pwrite, "(offset 2^63)", w_fd_pwrite(FILEFD, P(iov_ok), 1, 0x8000000000000000ull, P(&out32)));
  C(fd_pread, "(iovs out of bounds)", w_fd_pread(FILEFD, HIGH, 1, 0, P(&out32)));
  C(fd_pread, "(iovec buf out of bounds)", w_fd_pread(FILEFD, P(iov_bad_buf), 1, 0, P(&out32)));
  C(fd_pread, "(iovec len 0xFFFFFFFF)", w_fd_pread(FILEFD, P(iov_bad_len), 1, 0, P(&out32)));
  C(fd_pread, "(iovec range wraps)", w_fd_pread(FILEFD, P(iov_wrap), 1, 0, P(&out32)));
  C(fd_pread, "(nread out of bounds)", w_fd_pread(FILEFD, P(iov_ok), 1, 0, HIGH));
  C(fd_pread, "(offset 2^63)", w_fd_pread(FILEFD, P(iov_ok), 1, 0x8000000000000000ull, P(&out32)));

  // ---- descriptors: stat, seek, tell, flags, rights, sizes, times
  C(fd_fdstat_get, "(out of bounds)", w_fd_fdstat_get(FILEFD, HIGH));
  C(fd_fdstat_get, "(straddles the end)", w_fd_fdstat_get(1, END - 8));
  C(fd_fdstat_get, "(bad fd)", w_fd_fdstat_get(BADFD, P(big_out)));
  C(fd_filestat_get, "(out of bounds)", w_fd_filestat_get(FILEFD, HIGH));
  C(fd_filestat_get, "(straddles the end)", w_fd_filestat_get(DIR, END - 32));
  C(fd_seek, "(newoffset out of bounds)", w_fd_seek(FILEFD, 0, 0, HIGH));
  C(fd_seek, "(newoffset straddles the end)", w_fd_seek(FILEFD, 0, 0, EDGE4));
  C(fd_seek, "(bad whence)", w_fd_seek(FILEFD, 0, 0xFFFFFFFFu, P(&out64)));
  C(fd_seek, "(offset -2^63)", w_fd_seek(FILEFD, (int64_t)0x8000000000000000ull, 0, P(&out64)));
  C(fd_tell, "(out of bounds)", w_fd_tell(FILEFD, HIGH));
  C(fd_tell, "(straddles the end)", w_fd_tell(FILEFD, EDGE4));
  C(fd_fdstat_set_flags, "(bad fd)", w_fd_fdstat_set_flags(BADFD, 0));
  C(fd_fdstat_set_flags, "(unknown flag bits)", w_fd_fdstat_set_flags(FILEFD, 0xFFFFu));
  C(fd_fdstat_set_rights, "(bad fd)", w_fd_fdstat_set_rights(BADFD, 0, 0));
  C(fd_fdstat_set_rights, "(rights beyond the fd's own)", w_fd_fdstat_set_rights(FILEFD, ~0ull, ~0ull));
  C(fd_filestat_set_size, "(bad fd)", w_fd_filestat_set_size(BADFD, 0));
  C(fd_filestat_set_size, "(size 2^63)", w_fd_filestat_set_size(FILEFD, 0x8000000000000000ull));
  C(fd_filestat_set_size, "(a directory)", w_fd_filestat_set_size(DIR, 0));
  C(fd_filestat_set_times, "(bad fd)", w_fd_filestat_set_times(BADFD, 0, 0, 1));
  C(fd_filestat_set_times, "(contradictory flags)", w_fd_filestat_set_times(FILEFD, 0, 0, 1 | 2));
  C(fd_filestat_set_times, "(unknown flag bits)", w_fd_filestat_set_times(FILEFD, 0, 0, 0xFFF0u));
  C(fd_advise, "(bad fd)", w_fd_advise(BADFD, 0, 0, 0));
  C(fd_advise, "(bad advice)", w_fd_advise(FILEFD, 0, 16, 0xFFu));
  C(fd_allocate, "(bad fd)", w_fd_allocate(BADFD, 0, 16));
  C(fd_allocate, "(offset + len overflows)", w_fd_allocate(FILEFD, ~0ull, ~0ull));
  C(fd_datasync, "(bad fd)", w_fd_datasync(BADFD));
  C(fd_sync, "(bad fd)", w_fd_sync(BADFD));
  C(fd_renumber, "(bad source fd)", w_fd_renumber(BADFD, FILEFD));
  C(fd_renumber, "(bad target fd)", w_fd_renumber(FILEFD, BADFD));
  C(fd_close, "(bad fd)", w_fd_close(BADFD));

  // ---- preopens and directories
  C(fd_prestat_get, "(out of bounds)", w_fd_prestat_get(DIR, HIGH));
  C(fd_prestat_get, "(straddles the end)", w_fd_prestat_get(DIR, EDGE4));
  C(fd_prestat_get, "(not a preopen)", w_fd_prestat_get(FILEFD, P(big_out)));
  C(fd_prestat_dir_name, "(out of bounds)", w_fd_prestat_dir_name(DIR, HIGH, 8));
  C(fd_prestat_dir_name, "(len 0xFFFFFFFF)", w_fd_prestat_dir_name(DIR, P(big_out), MAXLEN));
  C(fd_prestat_dir_name, "(range wraps)", w_fd_prestat_dir_name(DIR, HIGH, 0x20));
  C(fd_readdir, "(buf out of bounds)", w_fd_readdir(DIR, HIGH, 256, 0, P(&out32)));
  C(fd_readdir, "(len 0xFFFFFFFF)", w_fd_readdir(DIR, P(big_out), MAXLEN, 0, P(&out32)));
  C(fd_readdir, "(buf straddles the end)", w_fd_readdir(DIR, END - 8, 256, 0, P(&out32)));
  C(fd_readdir, "(bufused out of bounds)", w_fd_readdir(DIR, P(big_out), sizeof big_out, 0, HIGH));
  C(fd_readdir, "(huge cookie, bufused out of bounds)", w_fd_readdir(DIR, P(big_out), sizeof big_out, ~0ull, EDGE4 + 1));

  // ---- paths (on the preopened directory, so only the pointers are wrong)
  C(path_open, "(path out of bounds)", w_path_open(DIR, 0, HIGH, 8, 0, 0x3FFFFFFFull, 0x3FFFFFFFull, 0, P(&out32)));
  C(path_open, "(path len 0xFFFFFFFF)", w_path_open(DIR, 0, P(name_file), MAXLEN, 0, 0x3FFFFFFFull, 0x3FFFFFFFull, 0, P(&out32)));
  C(path_open, "(path runs past the end)", w_path_open(DIR, 0, END - 4, 8, 0, 0x3FFFFFFFull, 0x3FFFFFFFull, 0, P(&out32)));
  C(path_open, "(path range wraps)", w_path_open(DIR, 0, HIGH, 0x20, 0, 0x3FFFFFFFull, 0x3FFFFFFFull, 0, P(&out32)));
  C(path_open, "(fd out of bounds, existing file)", w_path_open(DIR, 0, P(name_file), sizeof name_file - 1, 0, 0x3FFFFFFFull, 0x3FFFFFFFull, 0, HIGH));
  C(path_open, "(fd out of bounds, O_CREAT)", w_path_open(DIR, 0, P(name_new), sizeof name_new - 1, 1, 0x3FFFFFFFull, 0x3FFFFFFFull, 0, EDGE4 + 1));
  exists(name_new, sizeof name_new - 1);
  C(path_open, "(path length past PATH_MAX)", w_path_open(DIR, 0, 0, 60000, 0, 0x3FFFFFFFull, 0x3FFFFFFFull, 0, P(&out32)));
  C(path_filestat_get, "(path out of bounds)", w_path_filestat_get(DIR, 0, HIGH, 4, P(big_out)));
  C(path_filestat_get, "(path len 0xFFFFFFFF)", w_path_filestat_get(DIR, 0, P(name_file), MAXLEN, P(big_out)));
  C(path_filestat_get, "(buf out of bounds)", w_path_filestat_get(DIR, 0, P(name_file), sizeof name_file - 1, HIGH));
  C(path_filestat_get, "(buf straddles the end)", w_path_filestat_get(DIR, 0, P(name_file), sizeof name_file - 1, END - 63));
  C(path_filestat_set_times, "(path out of bounds)", w_path_filestat_set_times(DIR, 0, HIGH, 4, 0, 0, 2 | 8));
  C(path_filestat_set_times, "(path len 0xFFFFFFFF)", w_path_filestat_set_times(DIR, 0, P(name_file), MAXLEN, 0, 0, 2 | 8));
  C(path_filestat_set_times, "(path range wraps)", w_path_filestat_set_times(DIR, 0, HIGH, 0x20, 0, 0, 2 | 8));
  C(path_create_directory, "(path out of bounds)", w_path_create_directory(DIR, HIGH, 4));
  C(path_create_directory, "(path len 0xFFFFFFFF)", w_path_create_directory(DIR, P(name_new), MAXLEN));
  C(path_create_directory, "(path runs past the end)", w_path_create_directory(DIR, END - 2, 4));
  C(path_remove_directory, "(path out of bounds)", w_path_remove_directory(DIR, HIGH, 4));
  C(path_remove_directory, "(path len 0xFFFFFFFF)", w_path_remove_directory(DIR, P(name_dir), MAXLEN));
  C(path_remove_directory, "(path range wraps)", w_path_remove_directory(DIR, HIGH, 0x20));
  C(path_unlink_file, "(path out of bounds)", w_path_unlink_file(DIR, HIGH, 4));
  C(path_unlink_file, "(path len 0xFFFFFFFF)", w_path_unlink_file(DIR, P(name_file), MAXLEN));
  C(path_unlink_file, "(path runs past the end)", w_path_unlink_file(DIR, END - 1, 2));
  C(path_readlink, "(path out of bounds)", w_path_readlink(DIR, HIGH, 4, P(big_out), sizeof big_out, P(&out32)));
  C(path_readlink, "(path len 0xFFFFFFFF)", w_path_readlink(DIR, P(name_link), MAXLEN, P(big_out), sizeof big_out, P(&out32)));
  C(path_readlink, "(buf out of bounds)", w_path_readlink(DIR, P(name_link), sizeof name_link - 1, HIGH, 64, P(&out32)));
  C(path_readlink, "(buf len 0xFFFFFFFF)", w_path_readlink(DIR, P(name_link), sizeof name_link - 1, P(big_out), MAXLEN, P(&out32)));
  C(path_readlink, "(buf range wraps)", w_path_readlink(DIR, P(name_link), sizeof name_link - 1, HIGH, 0x20, P(&out32)));
  C(path_readlink, "(bufused out of bounds)", w_path_readlink(DIR, P(name_link), sizeof name_link - 1, P(big_out), sizeof big_out, HIGH));
  C(path_symlink, "(target out of bounds)", w_path_symlink(HIGH, 4, DIR, P(name_new), sizeof name_new - 1));
  C(path_symlink, "(target len 0xFFFFFFFF)", w_path_symlink(P(name_file), MAXLEN, DIR, P(name_new), sizeof name_new - 1));
  C(path_symlink, "(link path out of bounds)", w_path_symlink(P(name_file), sizeof name_file - 1, DIR, HIGH, 4));
  C(path_symlink, "(link path len 0xFFFFFFFF)", w_path_symlink(P(name_file), sizeof name_file - 1, DIR, P(name_new), MAXLEN));
  C(path_link, "(old path out of bounds)", w_path_link(DIR, 0, HIGH, 4, DIR, P(name_new), sizeof name_new - 1));
  C(path_link, "(old path len 0xFFFFFFFF)", w_path_link(DIR, 0, P(name_file), MAXLEN, DIR, P(name_new), sizeof name_new - 1));
  C(path_link, "(new path out of bounds)", w_path_link(DIR, 0, P(name_file), sizeof name_file - 1, DIR, HIGH, 4));
  C(path_link, "(new path range wraps)", w_path_link(DIR, 0, P(name_file), sizeof name_file - 1, DIR, HIGH, 0x20));
  C(path_rename, "(old path out of bounds)", w_path_rename(DIR, HIGH, 4, DIR, P(name_new2), sizeof name_new2 - 1));
  C(path_rename, "(old path len 0xFFFFFFFF)", w_path_rename(DIR, P(name_file), MAXLEN, DIR, P(name_new2), sizeof name_new2 - 1));
  C(path_rename, "(new path out of bounds)", w_path_rename(DIR, P(name_file), sizeof name_file - 1, DIR, HIGH, 4));
  C(path_rename, "(new path runs past the end)", w_path_rename(DIR, P(name_file), sizeof name_file - 1, DIR, END - 3, 8));
  exists(name_new, sizeof name_new - 1);
  exists(name_new2, sizeof name_new2 - 1);
  exists(name_file, sizeof name_file - 1);

  // ---- poll_oneoff
  C(poll_oneoff, "(subscriptions out of bounds)", w_poll_oneoff(HIGH, P(big_out), 1, P(&out32)));
  C(poll_oneoff, "(events out of bounds)", w_poll_oneoff(P(sub_clock), HIGH, 1, P(&out32)));
  C(poll_oneoff, "(nevents out of bounds)", w_poll_oneoff(P(sub_clock), P(big_out), 1, HIGH));
  C(poll_oneoff, "(nsubscriptions 0xFFFFFFFF)", w_poll_oneoff(P(sub_clock), P(big_out), MAXLEN, P(&out32)));
  C(poll_oneoff, "(nsubscriptions * 48 wraps to 32)", w_poll_oneoff(P(sub_clock), P(big_out), 0x5555556u, P(&out32)));
  C(poll_oneoff, "(events straddle the end)", w_poll_oneoff(P(sub_clock), END - 16, 1, P(&out32)));
  C(poll_oneoff, "(no subscriptions)", w_poll_oneoff(P(sub_clock), P(big_out), 0, P(&out32)));

  // ---- sockets (none are open: the descriptors are files or bad)
  C(sock_accept, "(fd out of bounds)", w_sock_accept(DIR, 0, HIGH));
  C(sock_accept, "(bad fd)", w_sock_accept(BADFD, 0, P(&out32)));
  C(sock_recv, "(iovs out of bounds)", w_sock_recv(FILEFD, HIGH, 1, 0, P(&out32), P(&out32)));
  C(sock_recv, "(iovec len 0xFFFFFFFF)", w_sock_recv(FILEFD, P(iov_bad_len), 1, 0, P(&out32), P(&out32)));
  C(sock_recv, "(results out of bounds)", w_sock_recv(FILEFD, P(iov_ok), 1, 0, HIGH, HIGH));
  C(sock_send, "(iovs out of bounds)", w_sock_send(FILEFD, HIGH, 1, 0, P(&out32)));
  C(sock_send, "(iovec buf out of bounds)", w_sock_send(FILEFD, P(iov_bad_buf), 1, 0, P(&out32)));
  C(sock_send, "(result out of bounds)", w_sock_send(FILEFD, P(iov_ok), 1, 0, HIGH));
  C(sock_shutdown, "(bad fd)", w_sock_shutdown(BADFD, 3));
  C(sock_shutdown, "(not a socket)", w_sock_shutdown(FILEFD, 3));

  // ---- processes
  C(proc_raise, "(signal 0xFFFFFFFF)", w_proc_raise(0xFFFFFFFFu));
  printf("INFO sched_yield takes no arguments: -> %d\n", (int)w_sched_yield());

  // ---- cleanup, legitimately
  setup("fd_close file", w_fd_close(FILEFD));
  setup("path_unlink_file hostile-link", w_path_unlink_file(DIR, P(name_link), sizeof name_link - 1));
  setup("path_unlink_file hostile-file.txt", w_path_unlink_file(DIR, P(name_file), sizeof name_file - 1));
  setup("path_remove_directory hostile-dir", w_path_remove_directory(DIR, P(name_dir), sizeof name_dir - 1));
  w_path_unlink_file(DIR, P(name_new), sizeof name_new - 1);
  w_path_unlink_file(DIR, P(name_new2), sizeof name_new2 - 1);

  printf("hostile: %d checks, %d returned 0\n", checks, successes);
  fflush(stdout);
  w_proc_exit(0);
}
