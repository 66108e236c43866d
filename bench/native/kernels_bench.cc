// Micro-benchmark of the classification kernels per ISA, float32 (or float64 with --f64), against the memory-read bound:
// the time to read the same bytes once with a vectorised sum (best ISA of this CPU). Prints
// G elements/s and the kernel's speed as a percentage of that bound. Single thread.
//
//   kernels_bench [--quick] [--f64] [--isa=name] [--shape=NxK ...]
//
// Every kernel reads its input once or twice (max pass, exp pass; a row of 32000 floats stays in
// L2 between the two). softmax also writes n*k floats, which the read bound does not count.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define LOSSKIT_BENCH_X86 1
#endif

#include "kernels.h"

using namespace losskit;

namespace {

// --- the read bound ---------------------------------------------------------------------------
float read_sum_plain(const float* x, size_t n) {
  float a[8] = {};
  size_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; ++j) a[j] += x[i + j];
  float s = 0;
  for (; i < n; ++i) s += x[i];
  for (float v : a) s += v;
  return s;
}

#ifdef LOSSKIT_BENCH_X86
__attribute__((target("avx512f"))) float read_sum_avx512(const float* x, size_t n) {
  __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
  size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    a0 = _mm512_add_ps(a0, _mm512_loadu_ps(x + i));
    a1 = _mm512_add_ps(a1, _mm512_loadu_ps(x + i + 16));
    a2 = _mm512_add_ps(a2, _mm512_loadu_ps(x + i + 32));
    a3 = _mm512_add_ps(a3, _mm512_loadu_ps(x + i + 48));
  }
  float s = _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)));
  for (; i < n; ++i) s += x[i];
  return s;
}

__attribute__((target("avx2"))) float read_sum_avx2(const float* x, size_t n) {
  __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    a0 = _mm256_add_ps(a0, _mm256_loadu_ps(x + i));
    a1 = _mm256_add_ps(a1, _mm256_loadu_ps(x + i + 8));
    a2 = _mm256_add_ps(a2, _mm256_loadu_ps(x + i + 16));
    a3 = _mm256_add_ps(a3, _mm256_loadu_ps(x + i + 24));
  }
  alignas(32) float t[8];
  _mm256_store_ps(t, _mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));
  float s = 0;
  for (float v : t) s += v;
  for (; i < n; ++i) s += x[i];
  return s;
}
#endif

using ReadSum = float (*)(const float*, size_t);

ReadSum best_read_sum(const char** name) {
#ifdef LOSSKIT_BENCH_X86
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) {
    *name = "avx512";
    return read_sum_avx512;
  }
  if (__builtin_cpu_supports("avx2")) {
    *name = "avx2";
    return read_sum_avx2;
  }
#endif
  *name = "plain";
  return read_sum_plain;
}

// --- timing -----------------------------------------------------------------------------------
volatile double g_sink;

// Best time of several runs (after one warm-up), in seconds.
double best_time(const std::function<void()>& f, double budget_s) {
  using clock = std::chrono::steady_clock;
  f();
  double best = 1e30, spent = 0;
  int runs = 0;
  while (runs < 3 || (spent < budget_s && runs < 200)) {
    const auto t0 = clock::now();
    f();
    const double dt = std::chrono::duration<double>(clock::now() - t0).count();
    best = std::min(best, dt);
    spent += dt;
    ++runs;
  }
  return best;
}

struct Shape {
  size_t n, k;
};


template <class T>
void run_shapes(const std::vector<Shape>& shapes, const std::string& only, double budget, ReadSum read_sum,
                const char* rs_name) {
  std::mt19937 rng(7);
  std::normal_distribution<T> nd(T(0), T(2));
  for (const Shape& sh : shapes) {
    const size_t len = sh.n * sh.k;
    std::vector<T> x(len), out(len), rows(sh.n);
    for (T& v : x) v = nd(rng);
    std::vector<int32_t> labels(sh.n);
    for (auto& y : labels) y = static_cast<int32_t>(rng() % sh.k);

    // The read bound reads the same bytes (as floats).
    const size_t floats = len * sizeof(T) / sizeof(float);
    const float* xf = reinterpret_cast<const float*>(x.data());
    const double t_read = best_time([&] { g_sink = read_sum(xf, floats); }, budget);
    char shape[32];
    std::snprintf(shape, sizeof shape, "%zux%zu", sh.n, sh.k);
    std::printf("%-12s %-7s %-14s %10.3f %9.2f %8s\n", shape, rs_name, "read bound", t_read * 1e3, len / t_read * 1e-9,
                "100");
    for (const char* isa : {"scalar", "sse2", "avx2", "avx512", "neon"}) {
      if (!only.empty() && only != isa) continue;
      const KernelTable* t = kernels_for(isa);
      if (!t) continue;
      const auto& o = cls_of<T>(*t);
      CrossEntropyArgs<T> ce{};
      ce.x = x.data();
      ce.n = sh.n;
      ce.k = sh.k;
      ce.s = 1;
      ce.inputs = Inputs::kLogits;
      ce.labels = {labels.data(), IntType::kInt32};
      ce.ignore_index = -100;
      ce.clip_eps = 1e-7;
      ce.out_scale = 1;
      const std::pair<const char*, std::function<void()>> kernels[] = {
          {"lse_rows", [&] { o.lse_rows(x.data(), sh.n, sh.k, rows.data()); }},
          {"cross_entropy", [&] { g_sink = o.cross_entropy(ce).loss; }},
          {"softmax", [&] { o.softmax_rows(x.data(), sh.n, sh.k, T(1), false, out.data()); }},
      };
      // The scalar reference is slow: one run is enough to place it.
      for (const auto& [name, fn] : kernels) {
        const double tk = best_time(fn, std::strcmp(isa, "scalar") == 0 ? 0 : budget);
        std::printf("%-12s %-7s %-14s %10.3f %9.2f %8.0f\n", shape, isa, name, tk * 1e3, len / tk * 1e-9,
                    100 * t_read / tk);
      }
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = false, f64 = false;
  std::string only;
  std::vector<Shape> custom;  // --shape=NxK (repeatable) replaces the default shapes
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quick") == 0) quick = true;
    else if (std::strcmp(argv[i], "--f64") == 0) f64 = true;
    else if (std::strncmp(argv[i], "--isa=", 6) == 0) only = argv[i] + 6;
    else if (std::strncmp(argv[i], "--shape=", 8) == 0) {
      Shape s{};
      if (std::sscanf(argv[i] + 8, "%zux%zu", &s.n, &s.k) == 2 && s.n > 0 && s.k > 0) custom.push_back(s);
    }
  }
  const double budget = quick ? 0.05 : 0.5;
  std::vector<Shape> shapes = {{4096, 1000}, {65536, 128}, {256, 32000}};
  if (!custom.empty()) shapes = custom;
  const char* rs_name = "";
  const ReadSum read_sum = best_read_sum(&rs_name);

  std::printf("losskit kernels_bench: %s, one thread, best of runs; bound = %s read-sum of the input\n",
              f64 ? "float64" : "float32", rs_name);
  std::printf("%-12s %-7s %-14s %10s %9s %8s\n", "shape", "isa", "kernel", "ms", "G elem/s", "% bound");
  if (f64) run_shapes<double>(shapes, only, budget, read_sum, rs_name);
  else run_shapes<float>(shapes, only, budget, read_sum, rs_name);
  return 0;
}
