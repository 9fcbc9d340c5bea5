// The native ceiling: N threads over a mapped float64 file with plain loops, no planning, no merging.
// The engine is measured against this in the same run (bench/run.mjs).
//   sum:   8-accumulator sum of the mapping, read-only (the reductions' ceiling)
//   apply: the fused in-place loop p[i] = p[i] * 2 + 1 over a shared writable mapping (apply's ceiling)
//   mul:   p[i] *= 2 in place over a shared writable mapping (the plainest write loop)
// Build: g++ -O3 -std=c++17 -pthread bench/ceiling.cc -o build/ceiling
// Run:   build/ceiling FILE THREADS REPEATS [sum|apply|mul] -> one JSON line: median and best GB/s of
//        REPEATS runs after one warm-up run (which pays the page-table faults, as the engine's warm-up
//        does). GB/s counts the file's bytes once per run, as the engine's figures do.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
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

static double ApplyRange(double* p, size_t n) {
  for (size_t i = 0; i < n; ++i) p[i] = p[i] * 2 + 1;
  return 0;
}

static double MulRange(double* p, size_t n) {
  for (size_t i = 0; i < n; ++i) p[i] *= 2;
  return 0;
}

int main(int argc, char** argv) {
  if (argc < 4) { std::fprintf(stderr, "usage: ceiling FILE THREADS REPEATS [sum|apply|mul]\n"); return 2; }
  const char* mode = argc > 4 ? argv[4] : "sum";
  bool mul = std::strcmp(mode, "mul") == 0;
  bool apply = mul || std::strcmp(mode, "apply") == 0;
  int fd = open(argv[1], apply ? O_RDWR : O_RDONLY);
  if (fd < 0) { std::perror("open"); return 1; }
  struct stat st;
  fstat(fd, &st);
  size_t bytes = (size_t)st.st_size, n = bytes / 8;
  int threads = std::atoi(argv[2]), repeats = std::atoi(argv[3]);
  void* m = mmap(nullptr, bytes, apply ? PROT_READ | PROT_WRITE : PROT_READ, MAP_SHARED, fd, 0);
  if (m == MAP_FAILED) { std::perror("mmap"); return 1; }
  double* p = static_cast<double*>(m);
  double total = 0;
  std::vector<double> rates;
  for (int r = 0; r <= repeats; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    std::vector<double> part(threads);
    std::vector<std::thread> ts;
    for (int t = 0; t < threads; ++t)
      ts.emplace_back([&, t] {
        size_t a = n * t / threads, b = n * (t + 1) / threads;
        part[t] = mul ? MulRange(p + a, b - a) : apply ? ApplyRange(p + a, b - a) : SumRange(p + a, b - a);
      });
    for (auto& t : ts) t.join();
    double s = 0;
    for (double x : part) s += x;
    double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (r > 0) rates.push_back(bytes / sec / 1e9);
    total = s;
  }
  std::sort(rates.begin(), rates.end());
  std::printf("{\"threads\":%d,\"mode\":\"%s\",\"gbps\":%.3f,\"best\":%.3f,\"sum\":%.17g}\n", threads,
              mul ? "mul" : apply ? "apply" : "sum", rates[rates.size() / 2], rates.back(), total);
  munmap(m, bytes);
  close(fd);
  return 0;
}
