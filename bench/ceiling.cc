// The native ceiling: N threads summing a mapped float64 file with plain 8-accumulator loops, no
// planning, no merging. The engine's sum is measured against this in the same run (bench/run.ts).
// Build: g++ -O3 -std=c++17 -pthread bench/ceiling.cc -o build/ceiling
// Run:   build/ceiling FILE THREADS REPEATS  -> one JSON line: median and best GB/s of REPEATS runs
//        after one warm-up run (which pays the page-table faults, as the engine's warm-up does).
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <thread>
#include <vector>

static double SumRange(const double* p, size_t n) {
  double r[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  size_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; ++j) r[j] += p[i + j];
  for (; i < n; ++i) r[0] += p[i];
  return ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
}

int main(int argc, char** argv) {
  if (argc < 4) { std::fprintf(stderr, "usage: ceiling FILE THREADS REPEATS\n"); return 2; }
  int fd = open(argv[1], O_RDONLY);
  if (fd < 0) { std::perror("open"); return 1; }
  struct stat st;
  fstat(fd, &st);
  size_t bytes = (size_t)st.st_size, n = bytes / 8;
  int threads = std::atoi(argv[2]), repeats = std::atoi(argv[3]);
  void* m = mmap(nullptr, bytes, PROT_READ, MAP_SHARED, fd, 0);
  if (m == MAP_FAILED) { std::perror("mmap"); return 1; }
  const double* p = static_cast<const double*>(m);
  double total = 0;
  std::vector<double> rates;
  for (int r = 0; r <= repeats; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    std::vector<double> part(threads);
    std::vector<std::thread> ts;
    for (int t = 0; t < threads; ++t)
      ts.emplace_back([&, t] {
        size_t a = n * t / threads, b = n * (t + 1) / threads;
        part[t] = SumRange(p + a, b - a);
      });
    for (auto& t : ts) t.join();
    double s = 0;
    for (double x : part) s += x;
    double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (r > 0) rates.push_back(bytes / sec / 1e9);
    total = s;
  }
  std::sort(rates.begin(), rates.end());
  std::printf("{\"threads\":%d,\"gbps\":%.3f,\"best\":%.3f,\"sum\":%.17g}\n", threads,
              rates[rates.size() / 2], rates.back(), total);
  munmap(m, bytes);
  close(fd);
  return 0;
}
