// copy SRC DST: copies one file to another with stdio (fopen/fread/fwrite),
// then prints how many bytes it copied. Under lvm the paths must lie in a
// directory given with --dir, e.g.
//   lvm run --dir /tmp/work::/data copy.wasm /data/in.bin /data/out.bin
// Exit codes: 0 copied, 1 an I/O error (reported on stderr), 2 usage.
#include <errno.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: copy SRC DST\n");
    return 2;
  }
  FILE* in = fopen(argv[1], "rb");
  if (!in) {
    fprintf(stderr, "copy: cannot open %s: %s\n", argv[1], strerror(errno));
    return 1;
  }
  FILE* out = fopen(argv[2], "wb");
  if (!out) {
    fprintf(stderr, "copy: cannot create %s: %s\n", argv[2], strerror(errno));
    fclose(in);
    return 1;
  }
  static char buf[64 * 1024];
  unsigned long long total = 0;
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, in)) > 0) {
    if (fwrite(buf, 1, n, out) != n) {
      fprintf(stderr, "copy: write to %s failed: %s\n", argv[2], strerror(errno));
      return 1;
    }
    total += n;
  }
  if (ferror(in)) {
    fprintf(stderr, "copy: read from %s failed: %s\n", argv[1], strerror(errno));
    return 1;
  }
  fclose(in);
  if (fclose(out) != 0) {
    fprintf(stderr, "copy: closing %s failed: %s\n", argv[2], strerror(errno));
    return 1;
  }
  printf("copied %llu bytes from %s to %s\n", total, argv[1], argv[2]);
  return 0;
}
