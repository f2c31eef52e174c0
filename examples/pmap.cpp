// pmap: a parallel map over typed processes. pmap<F>(items, workers)
// splits items into chunks, spawns a worker process per chunk with its
// chunk as a spawn argument (copied: the worker has its own memory), and
// gathers the workers' typed results (Chunk<R> messages) in order. Any
// function F from a Serializable T to a Serializable R will do.
//   lvm run pmap.wasm [WORKERS]      (default 4)
// It maps the Collatz step count over 1..100000, and a word summary over
// a list of words, and checks both against a sequential map.
#include <lvm.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <type_traits>

// A worker's results for the chunk that starts at `first`.
template <class R>
struct Chunk {
  std::uint32_t first = 0;
  std::vector<R> results;
  template <class A>
  void serialize(A& a) {
    a(first, results);
  }
};

template <auto F, class T>
using MapResult = std::remove_cvref_t<std::invoke_result_t<decltype(F), const T&>>;

// A worker: maps F over its items and sends them to the parent.
template <auto F, class T>
void map_worker(lvm::Process<Chunk<MapResult<F, T>>> parent, std::uint32_t first, std::vector<T> items) {
  Chunk<MapResult<F, T>> chunk{first, {}};
  chunk.results.reserve(items.size());
  for (const T& item : items) chunk.results.push_back(F(item));
  parent.send(chunk);
}

// F over items, in `workers` processes.
template <auto F, class T>
std::vector<MapResult<F, T>> pmap(const std::vector<T>& items, std::size_t workers) {
  using R = MapResult<F, T>;
  const std::size_t per = (items.size() + workers - 1) / workers;
  std::size_t chunks = 0;
  for (std::size_t first = 0; first < items.size(); first += per, chunks++) {
    const std::size_t last = std::min(items.size(), first + per);
    std::vector<T> slice(items.begin() + std::ptrdiff_t(first), items.begin() + std::ptrdiff_t(last));
    if (!lvm::spawn(map_worker<F, T>, lvm::self<Chunk<R>>(), std::uint32_t(first), std::move(slice))) {
      std::fprintf(stderr, "pmap: cannot spawn a worker\n");
      lvm::exit(1);
    }
  }
  std::vector<R> out(items.size());
  for (std::size_t i = 0; i < chunks; i++) {
    Chunk<R> chunk = lvm::receive<Chunk<R>>();
    std::move(chunk.results.begin(), chunk.results.end(), out.begin() + std::ptrdiff_t(chunk.first));
  }
  return out;
}

// The number of Collatz steps from n down to 1.
static std::uint32_t collatz_steps(const std::uint64_t& n) {
  std::uint32_t steps = 0;
  for (std::uint64_t x = n; x != 1; steps++) x = x % 2 ? 3 * x + 1 : x / 2;
  return steps;
}

// A word, upper-cased, with its count of vowels.
struct WordInfo {
  std::string upper;
  std::uint32_t vowels = 0;
  template <class A>
  void serialize(A& a) {
    a(upper, vowels);
  }
  bool operator==(const WordInfo&) const = default;
};

static WordInfo summarize(const std::string& word) {
  WordInfo info;
  for (char c : word) {
    const char u = c >= 'a' && c <= 'z' ? char(c - 'a' + 'A') : c;
    info.upper += u;
    info.vowels += u == 'A' || u == 'E' || u == 'I' || u == 'O' || u == 'U';
  }
  return info;
}

template <auto F, class T>
static std::vector<MapResult<F, T>> sequential_map(const std::vector<T>& items) {
  std::vector<MapResult<F, T>> out;
  for (const T& item : items) out.push_back(F(item));
  return out;
}

int main(int argc, char** argv) {
  const std::size_t workers = argc > 1 ? std::size_t(std::atoi(argv[1])) : 4;
  if (workers < 1 || workers > 256) return 2;
  using Clock = std::chrono::steady_clock;

  std::vector<std::uint64_t> numbers(100000);
  for (std::size_t i = 0; i < numbers.size(); i++) numbers[i] = i + 1;
  const auto t0 = Clock::now();
  const std::vector<std::uint32_t> steps = pmap<collatz_steps>(numbers, workers);
  const auto t1 = Clock::now();
  const bool steps_match = steps == sequential_map<collatz_steps>(numbers);
  const auto t2 = Clock::now();
  std::size_t longest = 0;
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < steps.size(); i++) {
    total += steps[i];
    if (steps[i] > steps[longest]) longest = i;
  }
  std::printf("pmap: Collatz steps of 1..%zu in %zu workers: longest %u (n = %llu), total %llu; same as the "
              "sequential map: %s\n",
              numbers.size(), workers, steps[longest], (unsigned long long)numbers[longest],
              (unsigned long long)total, steps_match ? "yes" : "NO");

  const std::vector<std::string> words = {"processes", "share", "nothing", "and", "talk", "only",
                                          "by",        "messages", "each", "with", "its", "own", "memory"};
  const std::vector<WordInfo> infos = pmap<summarize>(words, workers);
  const bool words_match = infos == sequential_map<summarize>(words);
  std::uint32_t vowels = 0;
  for (const WordInfo& w : infos) vowels += w.vowels;
  std::printf("pmap: %zu words in %zu workers: %s ... %s, %u vowels; same as the sequential map: %s\n", words.size(),
              workers, infos.front().upper.c_str(), infos.back().upper.c_str(), vowels, words_match ? "yes" : "NO");

  const auto ms = [](auto d) { return (long long)std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); };
  std::printf("pmap: the Collatz map took %lld ms in %zu workers, %lld ms in one process\n", ms(t1 - t0), workers,
              ms(t2 - t1));
  return steps_match && words_match ? 0 : 1;
}
