// cat-stdin: reads all of standard input and prints its line, word and byte
// counts the way `wc` does for a pipe ("%7lu %7lu %7lu"). A word is a
// maximal run of non-whitespace bytes; a line is counted per '\n'.
//   printf 'one two\nthree\n' | lvm run cat-stdin.wasm   ->   2       3      14
#include <ctype.h>
#include <stdio.h>

int main(void) {
  static unsigned char buf[16 * 1024];
  unsigned long lines = 0, words = 0, bytes = 0;
  int in_word = 0;
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) {
    bytes += n;
    for (size_t i = 0; i < n; ++i) {
      unsigned char c = buf[i];
      if (c == '\n') ++lines;
      if (isspace(c)) {
        in_word = 0;
      } else if (!in_word) {
        in_word = 1;
        ++words;
      }
    }
  }
  if (ferror(stdin)) {
    perror("cat-stdin: read");
    return 1;
  }
  printf("%7lu %7lu %7lu\n", lines, words, bytes);
  return 0;
}
