// sysinfo DIR [ARGS...]: a tour of what a WASI program can use, written so
// that the same source built natively prints the same thing (tests compare
// the two byte for byte). It covers:
//   - args:    prints ARGS (not argv[0], which differs between hosts)
//   - environ: prints every environment variable, in order
//   - clocks:  clock_gettime (realtime, monotonic), clock_getres, time(),
//              nanosleep; only yes/no judgements reach stdout, the raw
//              values go to stderr (they are the one non-deterministic part)
//   - files:   under DIR (a directory given with --dir): create, write,
//              read back, seek, stat/fstat, mkdir, readdir, rename, unlink,
//              rmdir, and the errors for missing and existing names
//   - stdin:   reads it to the end, prints each line and the byte count
// DIR is an absolute path, e.g.
//   lvm run --dir /tmp/x::/tmp/x sysinfo.wasm /tmp/x a b < input.txt
//   sysinfo-native /tmp/x a b < input.txt
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

extern char** environ;

// errno values differ between wasi-libc and glibc: print names instead.
static const char* errname(int e) {
  switch (e) {
    case 0: return "ok";
    case ENOENT: return "ENOENT";
    case EEXIST: return "EEXIST";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case ENOTEMPTY: return "ENOTEMPTY";
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case EBADF: return "EBADF";
    case EINVAL: return "EINVAL";
    case ENAMETOOLONG: return "ENAMETOOLONG";
#ifdef ENOTCAPABLE
    case ENOTCAPABLE: return "ENOTCAPABLE";
#endif
    default: {
      static char buf[32];
      snprintf(buf, sizeof buf, "errno %d", e);
      return buf;
    }
  }
}

// Prints "STEP: ok" or "STEP: ENAME" for a call that returns 0 / -1.
static int step(const char* what, int rc) {
  printf("%s: %s\n", what, rc == 0 ? "ok" : errname(errno));
  return rc;
}

static char path_buf[4][4096];
static const char* path_in(int slot, const char* dir, const char* name) {
  snprintf(path_buf[slot], sizeof path_buf[slot], "%s/%s", dir, name);
  return path_buf[slot];
}

static const char* yes(int b) { return b ? "yes" : "no"; }

static long long ts_ns(struct timespec t) { return (long long)t.tv_sec * 1000000000LL + t.tv_nsec; }

static int cmp_str(const void* a, const void* b) { return strcmp(*(char* const*)a, *(char* const*)b); }

// Lists DIR: the names other than "." and ".." sorted (their order is the
// file system's), each with its type, plus whether "." and ".." appeared.
static void list_dir(const char* dir) {
  DIR* d = opendir(dir);
  if (!d) {
    printf("  opendir: %s\n", errname(errno));
    return;
  }
  char* names[64];
  int n = 0, dot = 0, dotdot = 0;
  struct dirent* de;
  while ((de = readdir(d)) != NULL) {
    if (strcmp(de->d_name, ".") == 0) { dot = 1; continue; }
    if (strcmp(de->d_name, "..") == 0) { dotdot = 1; continue; }
    if (n < 64) {
      size_t len = strlen(de->d_name);
      names[n] = malloc(len + 3);
      memcpy(names[n], de->d_name, len + 1);
      // d_type is a hint; fall back to stat when the host leaves it unknown.
      char kind = de->d_type == DT_DIR ? '/' : de->d_type == DT_REG ? ' ' : '?';
      names[n][len] = kind;
      names[n][len + 1] = 0;
      ++n;
    }
  }
  closedir(d);
  qsort(names, n, sizeof names[0], cmp_str);
  printf("  . and .. listed: %s %s\n", yes(dot), yes(dotdot));
  for (int i = 0; i < n; ++i) {
    size_t len = strlen(names[i]);
    char kind = names[i][len - 1];
    names[i][len - 1] = 0;
    printf("  %s%s\n", names[i], kind == '/' ? "/" : kind == ' ' ? "" : " (unknown type)");
    free(names[i]);
  }
}

static void show_args_env(int argc, char** argv) {
  printf("== args ==\n");
  printf("count: %d\n", argc - 1);
  for (int i = 1; i < argc; ++i) printf("argv[%d] = \"%s\"\n", i, argv[i]);
  printf("== environ ==\n");
  int n = 0;
  for (char** e = environ; e && *e; ++e) {
    printf("%s\n", *e);
    ++n;
  }
  printf("count: %d\n", n);
  const char* g = getenv("SYSINFO_GREETING");
  printf("getenv(SYSINFO_GREETING) = %s\n", g ? g : "(unset)");
  printf("getenv(SYSINFO_MISSING) = %s\n", getenv("SYSINFO_MISSING") ? "set" : "(unset)");
}

static void show_clocks(void) {
  printf("== clocks ==\n");
  struct timespec rt = {0, 0}, m1 = {0, 0}, m2 = {0, 0}, m3 = {0, 0}, res = {0, 0};
  int ok = clock_gettime(CLOCK_REALTIME, &rt) == 0;
  time_t now = time(NULL);
  printf("clock_gettime(CLOCK_REALTIME) works: %s\n", yes(ok));
  printf("realtime is after 2020-01-01: %s\n", yes(ok && rt.tv_sec > 1577836800));
  printf("time() agrees with realtime (within 2 s): %s\n",
         yes(ok && now - rt.tv_sec <= 2 && rt.tv_sec - now <= 2));
  printf("realtime nanoseconds in range: %s\n", yes(rt.tv_nsec >= 0 && rt.tv_nsec < 1000000000));

  ok = clock_gettime(CLOCK_MONOTONIC, &m1) == 0;
  static volatile unsigned sink;
  for (unsigned i = 0; i < 100000; ++i) sink = sink + i;
  ok = ok && clock_gettime(CLOCK_MONOTONIC, &m2) == 0;
  printf("clock_gettime(CLOCK_MONOTONIC) works: %s\n", yes(ok));
  printf("monotonic never goes back: %s\n", yes(ts_ns(m2) >= ts_ns(m1)));
  int res_ok = clock_getres(CLOCK_MONOTONIC, &res) == 0;
  printf("monotonic resolution is 1 ns..1 ms: %s\n",
         yes(res_ok && ts_ns(res) >= 1 && ts_ns(res) <= 1000000));
  struct timespec nap = {0, 5 * 1000000};  // 5 ms
  int slept = nanosleep(&nap, NULL) == 0;
  clock_gettime(CLOCK_MONOTONIC, &m3);
  printf("nanosleep(5 ms) works: %s\n", yes(slept));
  printf("monotonic advanced at least 5 ms across it: %s\n", yes(ts_ns(m3) - ts_ns(m2) >= 5000000));
  // The raw values differ from run to run: stderr only.
  fprintf(stderr, "sysinfo: realtime %lld.%09ld, time() %lld, monotonic %lld ns, res %lld ns, slept %lld ns\n",
          (long long)rt.tv_sec, (long)rt.tv_nsec, (long long)now, ts_ns(m1), ts_ns(res),
          ts_ns(m3) - ts_ns(m2));
}

static void show_files(const char* dir) {
  printf("== files under DIR ==\n");
  const char* file = path_in(0, dir, "sysinfo-note.txt");
  const char* renamed = path_in(1, dir, "sysinfo-renamed.txt");
  const char* sub = path_in(2, dir, "sysinfo-sub");
  static const char text[] = "line one\nline two: written by sysinfo\n";

  FILE* f = fopen(file, "w");
  printf("create sysinfo-note.txt: %s\n", f ? "ok" : errname(errno));
  if (!f) return;
  size_t wrote = fwrite(text, 1, sizeof text - 1, f);
  printf("write: %zu bytes\n", wrote);
  printf("close: %s\n", fclose(f) == 0 ? "ok" : errname(errno));

  f = fopen(file, "r");
  printf("reopen for reading: %s\n", f ? "ok" : errname(errno));
  if (f) {
    char back[128] = {0};
    size_t got = fread(back, 1, sizeof back - 1, f);
    printf("read back: %zu bytes, same as written: %s\n", got, yes(got == sizeof text - 1 && memcmp(back, text, got) == 0));
    printf("seek to offset 5: %s\n", fseek(f, 5, SEEK_SET) == 0 ? "ok" : errname(errno));
    char word[4] = {0};
    printf("3 bytes there: \"%s\"\n", fread(word, 1, 3, f) == 3 ? word : "(short read)");
    printf("ftell after them: %ld\n", ftell(f));
    struct stat fst;
    if (fstat(fileno(f), &fst) == 0)
      printf("fstat: regular file %s, size %lld\n", yes(S_ISREG(fst.st_mode)), (long long)fst.st_size);
    else
      printf("fstat: %s\n", errname(errno));
    fclose(f);
  }

  f = fopen(file, "a");
  if (f) {
    fputs("line three: appended\n", f);
    fclose(f);
  }
  struct stat st;
  if (stat(file, &st) == 0)
    printf("stat after append: regular file %s, size %lld, links %lld\n", yes(S_ISREG(st.st_mode)),
           (long long)st.st_size, (long long)st.st_nlink);
  else
    printf("stat: %s\n", errname(errno));

  int fd = open(file, O_WRONLY | O_CREAT | O_EXCL, 0644);
  printf("open O_CREAT|O_EXCL on it: %s\n", fd >= 0 ? "ok (unexpected)" : errname(errno));
  if (fd >= 0) close(fd);
  fd = open(path_in(3, dir, "no-such-file"), O_RDONLY);
  printf("open a missing file: %s\n", fd >= 0 ? "ok (unexpected)" : errname(errno));
  if (fd >= 0) close(fd);
  errno = 0;
  printf("stat a missing file: %s\n", stat(path_in(3, dir, "no-such-file"), &st) == 0 ? "ok (unexpected)" : errname(errno));

  step("mkdir sysinfo-sub", mkdir(sub, 0755));
  printf("mkdir it again: %s\n", mkdir(sub, 0755) == 0 ? "ok (unexpected)" : errname(errno));
  if (stat(sub, &st) == 0) printf("stat sysinfo-sub: directory %s\n", yes(S_ISDIR(st.st_mode)));
  char inner[4200];
  snprintf(inner, sizeof inner, "%s/inner.txt", sub);
  f = fopen(inner, "w");
  if (f) {
    fputs("x", f);
    fclose(f);
  }
  printf("listing of DIR:\n");
  list_dir(dir);
  printf("listing of DIR/sysinfo-sub:\n");
  list_dir(sub);
  printf("rmdir non-empty sysinfo-sub: %s\n", rmdir(sub) == 0 ? "ok (unexpected)" : errname(errno));
  printf("unlink a directory: %s\n", unlink(sub) == 0 ? "ok (unexpected)" : errname(errno));

  step("rename sysinfo-note.txt -> sysinfo-renamed.txt", rename(file, renamed));
  printf("old name now: %s\n", stat(file, &st) == 0 ? "exists (unexpected)" : errname(errno));
  if (stat(renamed, &st) == 0) printf("new name: size %lld\n", (long long)st.st_size);
  f = fopen(renamed, "r");
  if (f) {
    char line[128];
    int n = 0;
    while (fgets(line, sizeof line, f)) printf("  %d: %s", ++n, line);
    fclose(f);
  }
  step("unlink sysinfo-renamed.txt", unlink(renamed));
  printf("unlink it again: %s\n", unlink(renamed) == 0 ? "ok (unexpected)" : errname(errno));
  step("unlink sysinfo-sub/inner.txt", unlink(inner));
  step("rmdir sysinfo-sub", rmdir(sub));
  printf("listing of DIR at the end:\n");
  list_dir(dir);
}

static void show_stdin(void) {
  printf("== stdin ==\n");
  char line[1024];
  int n = 0;
  unsigned long bytes = 0;
  while (fgets(line, sizeof line, stdin)) {
    size_t len = strlen(line);
    bytes += len;
    if (len && line[len - 1] == '\n') line[--len] = 0;
    printf("line %d: \"%s\"\n", ++n, line);
  }
  printf("lines: %d, bytes: %lu, eof: %s\n", n, bytes, yes(feof(stdin)));
}

int main(int argc, char** argv) {
  if (argc < 2 || argv[1][0] != '/') {
    fprintf(stderr, "usage: sysinfo /ABSOLUTE/DIR [ARGS...]\n");
    return 2;
  }
  printf("sysinfo: a tour of args, environ, clocks, files and stdin\n");
  show_args_env(argc, argv);
  show_clocks();
  show_files(argv[1]);
  show_stdin();
  printf("== done ==\n");
  return 0;
}
