/* wordfreq: counts the words of a generated text with an open-addressing
 * hash map (FNV-1a, linear probing, string keys); measures byte scanning,
 * hashing, short string compares and unpredictable memory accesses.
 * The text draws from a 20,000-word synthetic vocabulary with a skewed
 * (Zipf-like) frequency, mixed case and punctuation.
 * SIZE: the number of words in the text (default 2000000). */
#include "kernel.h"
#include <string.h>

#define VOCAB 20000
#define MAX_WORD 16
#define TABLE_BITS 16 /* 65,536 slots: load factor about 0.3 */

struct slot {
  uint32_t hash, count;
  const char *word; /* into the text; NULL when the slot is free */
  uint32_t len;
};

static char vocab[VOCAB][MAX_WORD];
static struct slot table[1u << TABLE_BITS];

KERNEL_NOINLINE void make_vocab(uint32_t seed) {
  for (int i = 0; i < VOCAB; i++) {
    int len = 2 + (int)(kernel_rand(&seed) % 11) + (int)(kernel_rand(&seed) % 3);
    for (int k = 0; k < len; k++) vocab[i][k] = (char)('a' + kernel_rand(&seed) % 26);
    vocab[i][len] = 0;
  }
}

/* Writes `words` words into text (which must be large enough); returns the length. */
KERNEL_NOINLINE size_t make_text(char *text, long words, uint32_t seed) {
  static const char seps[] = "     ,.;:!?\n-";
  char *p = text;
  for (long w = 0; w < words; w++) {
    uint32_t r = kernel_rand(&seed);
    /* Skewed: the product of two uniform draws favours small indices. */
    uint32_t idx = (uint32_t)(((uint64_t)(r & 0xffff) * (r >> 16)) % VOCAB);
    const char *s = vocab[idx];
    int upper = (r & 0x1f) == 0;
    for (; *s; s++) *p++ = upper ? (char)(*s - 'a' + 'A') : *s;
    *p++ = seps[kernel_rand(&seed) % (sizeof seps - 1)];
  }
  *p = 0;
  return (size_t)(p - text);
}

static inline int is_letter(unsigned char c) { return (unsigned)((c | 0x20) - 'a') < 26; }

/* Lower-cases the text in place and counts its words into table; returns
 * the number of words seen. */
KERNEL_NOINLINE long count_words(char *text, size_t len) {
  const uint32_t mask = (1u << TABLE_BITS) - 1;
  long seen = 0;
  size_t i = 0;
  while (i < len) {
    while (i < len && !is_letter((unsigned char)text[i])) i++;
    if (i == len) break;
    char *w = text + i;
    uint32_t h = 2166136261u;
    while (i < len && is_letter((unsigned char)text[i])) {
      char c = (char)(text[i] | 0x20);
      text[i] = c;
      h = (h ^ (unsigned char)c) * 16777619u;
      i++;
    }
    uint32_t wlen = (uint32_t)(text + i - w);
    seen++;
    for (uint32_t s = h & mask;; s = (s + 1) & mask) {
      struct slot *e = &table[s];
      if (!e->word) {
        e->hash = h, e->count = 1, e->word = w, e->len = wlen;
        break;
      }
      if (e->hash == h && e->len == wlen) {
        uint32_t k = 0;
        while (k < wlen && e->word[k] == w[k]) k++;
        if (k == wlen) {
          e->count++;
          break;
        }
      }
    }
  }
  return seen;
}

/* Folds the distinct words, their counts (in an order independent of
 * the table's layout) and the ten most frequent into a checksum. */
KERNEL_NOINLINE uint64_t summarize(long seen) {
  uint64_t h = kernel_mix(0, (uint64_t)seen), sum = 0;
  uint32_t distinct = 0, top[10] = {0};
  for (uint32_t s = 0; s < (1u << TABLE_BITS); s++) {
    const struct slot *e = &table[s];
    if (!e->word) continue;
    distinct++;
    sum += kernel_mix(e->hash, e->count);
    uint32_t c = e->count;
    for (int k = 0; k < 10; k++)
      if (c > top[k]) {
        uint32_t t = top[k];
        top[k] = c;
        c = t;
      }
  }
  h = kernel_mix(h, distinct);
  h = kernel_mix(h, sum);
  for (int k = 0; k < 10; k++) h = kernel_mix(h, top[k]);
  return h;
}

int main(int argc, char **argv) {
  long words = kernel_size(argc, argv, 2000000);
  char *text = malloc((size_t)words * (MAX_WORD + 1) + 1);
  if (!text) {
    fprintf(stderr, "wordfreq: out of memory\n");
    return 1;
  }
  double start = kernel_now();
  make_vocab(42);
  size_t len = make_text(text, words, 7);
  long seen = count_words(text, len);
  kernel_report("wordfreq", words, summarize(seen), start);
  free(text);
  return 0;
}
