/* coremark_like: a small mixed workload in the spirit of EEMBC's CoreMark
 * (not CoreMark itself, and not comparable with its scores). Each iteration
 * runs four parts whose results feed a CRC-16:
 *   - list: a linked list of 256 nodes: searches, reversal, merge sorts by
 *     two keys (pointer chasing, unpredictable branches);
 *   - matrix: 32x32 int16 matrices (size known at run time only):
 *     add/multiply by a constant, matrix-vector and matrix-matrix products,
 *     bit-field extraction (int16/int32 math);
 *   - state: a state machine classifying the numbers of a text buffer
 *     (integer, decimal, scientific, invalid) (byte loads, switch dispatch);
 *   - crc: CRC-16/CCITT computed bit by bit (shifts and branches).
 * SIZE: the number of iterations (default 2000). */
#include "kernel.h"
#include <string.h>

/* ---- CRC-16 (polynomial 0x1021, bit by bit) ---- */
KERNEL_NOINLINE uint16_t crc8(uint8_t data, uint16_t crc) {
  crc ^= (uint16_t)data << 8;
  for (int i = 0; i < 8; i++) crc = (crc & 0x8000) ? (uint16_t)((crc << 1) ^ 0x1021) : (uint16_t)(crc << 1);
  return crc;
}
static uint16_t crc16(uint16_t v, uint16_t crc) { return crc8((uint8_t)(v >> 8), crc8((uint8_t)v, crc)); }
static uint16_t crc32v(uint32_t v, uint16_t crc) { return crc16((uint16_t)(v >> 16), crc16((uint16_t)v, crc)); }

KERNEL_NOINLINE uint16_t crc_buffer(const uint8_t *p, size_t n, uint16_t crc) {
  for (size_t i = 0; i < n; i++) crc = crc8(p[i], crc);
  return crc;
}

/* ---- list ---- */
#define LIST_N 256
struct node {
  struct node *next;
  int16_t data, idx;
};
static struct node nodes[LIST_N];

KERNEL_NOINLINE struct node *list_init(uint32_t seed) {
  for (int i = 0; i < LIST_N; i++) {
    nodes[i].next = i + 1 < LIST_N ? &nodes[i + 1] : NULL;
    nodes[i].idx = (int16_t)i;
    nodes[i].data = (int16_t)(kernel_rand(&seed) & 0x7fff);
  }
  return &nodes[0];
}

KERNEL_NOINLINE struct node *list_find(struct node *l, int16_t data, int16_t idx) {
  if (idx >= 0) {
    while (l && l->idx != idx) l = l->next;
  } else {
    while (l && (l->data & 0xff) != data) l = l->next;
  }
  return l;
}

KERNEL_NOINLINE struct node *list_reverse(struct node *l) {
  struct node *prev = NULL;
  while (l) {
    struct node *next = l->next;
    l->next = prev;
    prev = l;
    l = next;
  }
  return prev;
}

/* The key of the data sort depends on the iteration, so the order changes. */
static int cmp_data(const struct node *a, const struct node *b, int16_t salt) {
  int16_t x = (int16_t)((a->data ^ salt) & 0x7fff), y = (int16_t)((b->data ^ salt) & 0x7fff);
  return x - y;
}
static int cmp_idx(const struct node *a, const struct node *b, int16_t salt) {
  (void)salt;
  return a->idx - b->idx;
}

/* Bottom-up merge sort of a singly linked list (stable, O(n log n)). */
KERNEL_NOINLINE struct node *list_sort(struct node *l, int by_idx, int16_t salt) {
  int (*cmp)(const struct node *, const struct node *, int16_t) = by_idx ? cmp_idx : cmp_data;
  for (int width = 1;; width *= 2) {
    struct node *p = l, *head = NULL, *tail = NULL;
    int merges = 0;
    while (p) {
      merges++;
      struct node *q = p;
      int psize = 0;
      for (int i = 0; i < width && q; i++) psize++, q = q->next;
      int qsize = width;
      while (psize > 0 || (qsize > 0 && q)) {
        struct node *e;
        if (psize == 0) e = q, q = q->next, qsize--;
        else if (qsize == 0 || !q) e = p, p = p->next, psize--;
        else if (cmp(p, q, salt) <= 0) e = p, p = p->next, psize--;
        else e = q, q = q->next, qsize--;
        if (tail) tail->next = e;
        else head = e;
        tail = e;
      }
      p = q;
    }
    tail->next = NULL;
    l = head;
    if (merges <= 1) return l;
  }
}

static uint16_t list_bench(struct node **list, int16_t salt, uint16_t crc) {
  struct node *l = *list;
  int16_t found = 0, missed = 0;
  for (int i = 0; i < 16; i++) {
    struct node *n = list_find(l, (int16_t)((salt + i) & 0xff), (int16_t)(i & 1 ? -1 : (salt * 7 + i) % (LIST_N + 8)));
    if (n) found = (int16_t)(found + n->data), crc = crc16((uint16_t)n->idx, crc);
    else missed++;
    if (i % 4 == 0) l = list_reverse(l);
  }
  l = list_sort(l, 0, salt);
  for (struct node *n = l; n; n = n->next ? n->next->next : NULL) crc = crc16((uint16_t)n->data, crc);
  l = list_sort(l, 1, salt);
  crc = crc16((uint16_t)found, crc16((uint16_t)missed, crc));
  *list = l;
  return crc;
}

/* ---- matrix ---- */
/* The matrices are MAT_N x MAT_N, but the functions take the size as a
 * run-time value (read through a volatile), as CoreMark's derive it from the
 * size of the memory block: with a compile-time 32 gcc -O2 vectorizes these
 * loops with SSE2 while the wasm32 build (no simd128) stays scalar, and the
 * part would measure that (about 65x) rather than the engine. */
#define MAT_N 32
static volatile int mat_n_volatile = MAT_N;
static int16_t ma[MAT_N * MAT_N], mb[MAT_N * MAT_N];
static int32_t mc[MAT_N * MAT_N];

KERNEL_NOINLINE void mat_init(int n, uint32_t seed) {
  for (int i = 0; i < n * n; i++) {
    ma[i] = (int16_t)(kernel_rand(&seed) % 2048) - 1024;
    mb[i] = (int16_t)(kernel_rand(&seed) % 2048) - 1024;
  }
}

KERNEL_NOINLINE void mat_add_const(int n, int16_t *a, int16_t v) {
  for (int i = 0; i < n * n; i++) a[i] = (int16_t)(a[i] + v);
}

KERNEL_NOINLINE void mat_mul_const(int n, int32_t *c, const int16_t *a, int16_t v) {
  for (int i = 0; i < n * n; i++) c[i] = (int32_t)a[i] * v;
}

KERNEL_NOINLINE void mat_mul_vec(int n, int32_t *c, const int16_t *a, const int16_t *b) {
  for (int i = 0; i < n; i++) {
    int32_t s = 0;
    for (int j = 0; j < n; j++) s += (int32_t)a[i * n + j] * b[j];
    c[i] = s;
  }
}

KERNEL_NOINLINE void mat_mul_mat(int n, int32_t *c, const int16_t *a, const int16_t *b) {
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      int32_t s = 0;
      for (int k = 0; k < n; k++) s += (int32_t)a[i * n + k] * b[k * n + j];
      c[i * n + j] = s;
    }
}

KERNEL_NOINLINE void mat_mul_bits(int n, int32_t *c, const int16_t *a, const int16_t *b) {
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      uint32_t s = 0; /* unsigned: wraps instead of overflowing */
      for (int k = 0; k < n; k++) {
        int32_t t = (int32_t)a[i * n + k] * b[k * n + j];
        s += (uint32_t)(t >> 2) & 0xf;
        s *= (uint32_t)(t >> 5) & 0x7f;
      }
      c[i * n + j] = (int32_t)(s >> 1);
    }
}

/* Folds a result matrix into a 16-bit summary the way CoreMark does: count
 * the times the running sum passes a limit. */
KERNEL_NOINLINE int16_t mat_sum(const int32_t *c, int count, int32_t limit) {
  int64_t sum = 0;
  int32_t prev = 0;
  int16_t r = 0;
  for (int i = 0; i < count; i++) {
    int32_t v = c[i];
    sum += v;
    if (sum > limit) r += 10, sum = 0;
    else r = (int16_t)(r + (v > prev));
    prev = v;
  }
  return r;
}

static uint16_t matrix_bench(int n, int16_t salt, uint16_t crc) {
  int16_t v = (int16_t)(salt | 0x1000);
  mat_add_const(n, ma, v);
  mat_mul_const(n, mc, ma, v);
  crc = crc16((uint16_t)mat_sum(mc, n * n, 0x10000), crc);
  mat_mul_vec(n, mc, ma, mb);
  crc = crc16((uint16_t)mat_sum(mc, n, 0x100000), crc);
  mat_mul_mat(n, mc, ma, mb);
  crc = crc16((uint16_t)mat_sum(mc, n * n, 0x1000000), crc);
  mat_mul_bits(n, mc, ma, mb);
  crc = crc16((uint16_t)mat_sum(mc, n * n, 0x100000), crc);
  mat_add_const(n, ma, (int16_t)-v);
  return crc;
}

/* ---- state machine ---- */
enum state { S_START, S_INVALID, S_S1, S_INT, S_FLOAT, S_EXP, S_S2, S_SCI, S_COUNT };
#define TEXT_LEN 2048
static uint8_t text[TEXT_LEN];
static size_t text_used;

KERNEL_NOINLINE void state_init(uint32_t seed) {
  static const char *samples[] = {"5012", "1234", "-874", "+122", "35.54", ".1234", "-110.700", "+0.64",
                                  "5.500e+3", "-.123e-2", "-87e+832", "+0.6e-12", "T0.3e-1F", "-T.T++Tq", "1T3.4e4z",
                                  "34.0e-T^"};
  size_t p = 0;
  while (p < TEXT_LEN - 16) {
    const char *s = samples[kernel_rand(&seed) % 16];
    size_t n = strlen(s);
    memcpy(text + p, s, n);
    p += n;
    text[p++] = ',';
  }
  memset(text + p, 0, TEXT_LEN - p);
  text_used = p;
}

/* Classifies the next token starting at *pos; counts transitions. */
KERNEL_NOINLINE enum state state_next(const uint8_t *t, size_t *pos, uint32_t trans[S_COUNT]) {
  enum state s = S_START;
  size_t p = *pos;
  for (; t[p] && s != S_INVALID; p++) {
    uint8_t c = t[p];
    if (c == ',') {
      p++;
      break;
    }
    int digit = c >= '0' && c <= '9';
    enum state next = s;
    switch (s) {
    case S_START:
      next = digit ? S_INT : (c == '+' || c == '-') ? S_S1 : c == '.' ? S_FLOAT : S_INVALID;
      break;
    case S_S1:
      next = digit ? S_INT : c == '.' ? S_FLOAT : S_INVALID;
      break;
    case S_INT:
      next = digit ? S_INT : c == '.' ? S_FLOAT : S_INVALID;
      break;
    case S_FLOAT:
      next = digit ? S_FLOAT : (c == 'e' || c == 'E') ? S_S2 : S_INVALID;
      break;
    case S_S2:
      next = (c == '+' || c == '-') ? S_EXP : S_INVALID;
      break;
    case S_EXP:
      next = digit ? S_SCI : S_INVALID;
      break;
    case S_SCI:
      next = digit ? S_SCI : S_INVALID;
      break;
    default:
      break;
    }
    if (next != s) trans[next]++;
    s = next;
  }
  if (s == S_INVALID)
    while (t[p] && t[p - 1] != ',') p++;
  *pos = p;
  return s;
}

static uint16_t state_bench(int16_t salt, uint16_t crc) {
  uint32_t finals[S_COUNT] = {0}, trans[S_COUNT] = {0};
  /* Corrupt a few bytes (and restore them afterwards), as CoreMark does. */
  static const char junk[] = "0123456789+-.eE,xT";
  uint8_t saved[TEXT_LEN / 97 + 1];
  size_t stride = 97 + (size_t)(salt & 31), k = 0;
  for (size_t i = (size_t)salt % stride; i < text_used; i += stride, k++)
    saved[k] = text[i], text[i] = (uint8_t)junk[(size_t)(salt + (int16_t)k) % (sizeof junk - 1)];
  for (size_t p = 0; text[p];) finals[state_next(text, &p, trans)]++;
  k = 0;
  for (size_t i = (size_t)salt % stride; i < text_used; i += stride, k++) text[i] = saved[k];
  for (size_t p = 0; text[p];) finals[state_next(text, &p, trans)]++;
  for (int i = 0; i < S_COUNT; i++) crc = crc32v(finals[i], crc32v(trans[i], crc));
  return crc;
}

int main(int argc, char **argv) {
  long iterations = kernel_size(argc, argv, 2000);
  double start = kernel_now();
  struct node *list = list_init(1);
  int n = mat_n_volatile;
  mat_init(n, 2);
  state_init(3);
  uint16_t crc = 0;
  uint64_t h = 0;
  for (long it = 0; it < iterations; it++) {
    int16_t salt = (int16_t)(it & 0x7fff);
    crc = list_bench(&list, salt, crc);
    crc = matrix_bench(n, salt, crc);
    crc = state_bench(salt, crc);
    crc = crc_buffer(text, TEXT_LEN, crc);
    h = kernel_mix(h, crc);
  }
  kernel_report("coremark_like", iterations, h, start);
  return 0;
}
