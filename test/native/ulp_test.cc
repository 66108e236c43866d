// Max ULP error of vexp / vexp_le0 / vlog / vlog1p (simd_math.h) for every ISA compiled in and run
// by this CPU: exhaustive over every float32 of each routine's documented range (double std::
// functions as the reference) and a dense log-uniform + uniform sample for float64 (x87 long double
// expl / logl / log1pl as the reference), plus exact checks of special values. Fails when a
// measured error exceeds the bound documented in simd_math.h (kMathUlpBound in math_probe.h).
//
// Float32: every float of the range through the best ISA the CPU has, every 16th through the
// others (the reference dominates the run time; a result bit-identical to the best ISA's shares
// its error). Environment: LOSSKIT_ULP_STRIDE=k measures every k-th float instead (quick runs),
// LOSSKIT_ULP_SUBSAMPLE=s every (k*s)-th for the other ISAs (default 16; 1: all ISAs exhaustive),
// LOSSKIT_ULP_SAMPLES=n float64 points per routine (default 2^24), LOSSKIT_TEST_THREADS=t.
#include <algorithm>
#include <atomic>
#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "kernels.h"
#include "math_probe.h"

using namespace losskit;

namespace {

using Eval32 = void (*)(int, const float*, float*, size_t) noexcept;
using Eval64 = void (*)(int, const double*, double*, size_t) noexcept;

struct Isa {
  const char* name;
  Eval32 f32;
  Eval64 f64;
};

std::vector<Isa> isas_to_test() {
  std::vector<Isa> all = {
#if defined(__x86_64__) || defined(_M_X64)
      {"sse2", math_eval_sse2, math_eval_sse2},
      {"avx2", math_eval_avx2, math_eval_avx2},
      {"avx512", math_eval_avx512, math_eval_avx512},
#endif
#if defined(LOSSKIT_HAVE_NEON)
      {"neon", math_eval_neon, math_eval_neon},
#endif
  };
  std::vector<Isa> run;
  for (const Isa& i : all) {
    if (kernels_for(i.name)) run.push_back(i);
    else std::printf("skip %s: not supported by this CPU\n", i.name);
  }
  return run;
}

const char* const kFnName[kMathFnCount] = {"vexp", "vexp_le0", "vlog", "vlog1p", "vlog_pos", "vexp_sum"};

float f32_of(uint32_t b) {
  float f;
  std::memcpy(&f, &b, 4);
  return f;
}
uint32_t bits_of(float f) {
  uint32_t b;
  std::memcpy(&b, &f, 4);
  return b;
}
double f64_of(uint64_t b) {
  double f;
  std::memcpy(&f, &b, 8);
  return f;
}

constexpr double kInf = std::numeric_limits<double>::infinity();

// |y - ref| in units of the float32 ulp at ref (2^-149 below the normal range). A result that
// differs from the correctly rounded one in being infinite or NaN counts as an infinite error.
inline double ulp_err32(float y, double ref) {
  if (ref != ref) return y != y ? 0 : kInf;
  if (y != y) return kInf;
  const float rf = static_cast<float>(ref);
  if (std::isinf(rf) || std::isinf(y)) return y == rf ? 0 : kInf;
  const double a = std::fabs(ref);
  double ulp = 0x1p-149;
  if (a >= 0x1p-126) {
    uint64_t b;
    std::memcpy(&b, &a, 8);
    b &= 0x7ff0000000000000ull;
    std::memcpy(&ulp, &b, 8);
    ulp *= 0x1p-23;
  }
  return std::fabs(static_cast<double>(y) - ref) / ulp;
}

inline double ulp_err64(double y, long double ref) {
  if (ref != ref) return y != y ? 0 : kInf;
  if (y != y) return kInf;
  const double rf = static_cast<double>(ref);
  if (std::isinf(rf) || std::isinf(y)) return y == rf ? 0 : kInf;
  const long double a = std::fabs(ref);
  long double ulp = 0x1p-1074L;
  if (a >= 0x1p-1022L) ulp = std::ldexp(1.0L, std::ilogb(a) - 52);
  return static_cast<double>(std::fabs(static_cast<long double>(y) - ref) / ulp);
}

double ref32(int fn, float x) {
  const double d = x;
  switch (fn) {
    case kMathExp:
    case kMathExpLe0:
    case kMathExpSum: return std::exp(d);
    case kMathLog:
    case kMathLogPos: return std::log(d);
    default: return std::log1p(d);
  }
}

long double ref64(int fn, double x) {
  const long double d = x;
  switch (fn) {
    case kMathExp:
    case kMathExpLe0:
    case kMathExpSum: return std::exp(d);
    case kMathLog:
    case kMathLogPos: return std::log(d);
    default: return std::log1p(d);
  }
}

// The measured range of each routine (where it documents its ULP bound).
struct Range {
  double lo, hi;
};
Range range_of(int fn, bool f64) {
  switch (fn) {
    case kMathExp: return f64 ? Range{-746.0, 710.0} : Range{-104.0, 89.0};
    case kMathExpLe0:
    case kMathExpSum: return f64 ? Range{-707.0, 0.0} : Range{-86.0, 0.0};  // kExpLe0Lo
    case kMathLog: return f64 ? Range{0x1p-1074, 0x1.fffffffffffffp+1023} : Range{0x1p-149, 0x1.fffffep+127};
    case kMathLogPos: return f64 ? Range{0x1p-1022, 0x1.fffffffffffffp+1023} : Range{0x1p-126, 0x1.fffffep+127};
    default: return f64 ? Range{-1.0, 0x1.fffffffffffffp+1023} : Range{-1.0, 0x1.fffffep+127};
  }
}

struct Worst {
  double err = 0;
  double at = 0;
  uint64_t points = 0;
  void merge(const Worst& o) {
    if (o.err > err || (o.err == err && err == 0 && points == 0)) {
      err = o.err;
      at = o.at;
    }
    points += o.points;
  }
};

int threads_to_use() {
  if (const char* t = std::getenv("LOSSKIT_TEST_THREADS")) return std::max(1, std::atoi(t));
  const unsigned h = std::thread::hardware_concurrency();
  return h ? static_cast<int>(h) : 2;
}

// Runs body(chunk_index) for chunk_index < chunks over the worker threads.
template <class F>
void parallel_chunks(uint64_t chunks, F body) {
  std::atomic<uint64_t> next{0};
  std::vector<std::thread> pool;
  const int nt = threads_to_use();
  for (int t = 0; t < nt; ++t)
    pool.emplace_back([&] {
      for (uint64_t c; (c = next.fetch_add(1)) < chunks;) body(c);
    });
  for (auto& th : pool) th.join();
}

// Every float32 (or every stride-th) in [lo, hi] as runs of bit patterns: the non-negative part
// counts up from the bits of +0 (or lo), the negative part up from the bits of -0 (or -hi).
std::vector<std::pair<uint32_t, uint32_t>> bit_runs(float lo, float hi) {
  std::vector<std::pair<uint32_t, uint32_t>> r;
  if (lo < 0 || (lo == 0 && std::signbit(lo)))
    r.push_back({hi < 0 ? bits_of(hi) : 0x80000000u, bits_of(lo)});
  if (hi >= 0) r.push_back({lo > 0 ? bits_of(lo) : 0u, bits_of(hi)});
  return r;
}

// 1 / (float32 ulp at |ref|), 2^149 below the normal range. Branch-free so the loop vectorises.
inline double inv_ulp32(double ref) {
  const double a = std::fabs(ref);
  uint64_t b;
  std::memcpy(&b, &a, 8);
  b = (0x7feull << 52) - (b & 0x7ff0000000000000ull);  // 2^-e for a = 2^e * m, 1 <= m < 2
  double r;
  std::memcpy(&r, &b, 8);
  return a >= 0x1p-126 ? r * 0x1p+23 : 0x1p149;  // 2^(23 - e)
}

// Float32 measurement of fn: every stride-th float of the range (stride 1: all of them) for the
// primary ISA (isas[primary]), every (stride * sub)-th for the others. The reference is computed
// once per input and shared; another ISA's result bit-identical to the primary's reuses its error.
std::vector<Worst> measure32(int fn, const std::vector<Isa>& isas, size_t primary, uint32_t stride, uint32_t sub) {
  const Range rg = range_of(fn, false);
  const auto runs = bit_runs(static_cast<float>(rg.lo), static_cast<float>(rg.hi));
  constexpr uint64_t kChunk = 1 << 14;
  struct Job {
    uint32_t first;
    uint64_t count, index;  // index: position of the first point in its run
  };
  std::vector<Job> jobs;
  for (auto [a, b] : runs) {
    const uint64_t n = (static_cast<uint64_t>(b) - a) / stride + 1;
    for (uint64_t s = 0; s < n; s += kChunk)
      jobs.push_back({static_cast<uint32_t>(a + s * stride), std::min<uint64_t>(kChunk, n - s), s});
  }
  std::vector<Worst> total(isas.size());
  std::mutex mu;
  parallel_chunks(jobs.size(), [&](uint64_t j) {
    const Job job = jobs[j];
    float in[kChunk], out0[kChunk], sin[kChunk], sout0[kChunk], out[kChunk];
    double ref[kChunk], err0[kChunk], sref[kChunk], serr0[kChunk];
    for (uint64_t i = 0; i < job.count; ++i) in[i] = f32_of(static_cast<uint32_t>(job.first + i * stride));
    switch (fn) {
      case kMathExp:
      case kMathExpLe0:
      case kMathExpSum:
        for (uint64_t i = 0; i < job.count; ++i) ref[i] = std::exp(static_cast<double>(in[i]));
        break;
      case kMathLog:
      case kMathLogPos:
        for (uint64_t i = 0; i < job.count; ++i) ref[i] = std::log(static_cast<double>(in[i]));
        break;
      default:
        for (uint64_t i = 0; i < job.count; ++i) ref[i] = std::log1p(static_cast<double>(in[i]));
    }
    std::vector<Worst> local(isas.size());
    Worst& w0 = local[primary];
    isas[primary].f32(fn, in, out0, job.count);
    for (uint64_t i = 0; i < job.count; ++i)
      err0[i] = std::fabs(static_cast<double>(out0[i]) - ref[i]) * inv_ulp32(ref[i]);
    for (uint64_t i = 0; i < job.count; ++i) {
      double e = err0[i];
      if (!(e < 1e30)) err0[i] = e = ulp_err32(out0[i], ref[i]);  // Inf / NaN in the result or reference
      if (e > w0.err) {
        w0.err = e;
        w0.at = in[i];
      }
    }
    w0.points = job.count;
    // The subsample for the other ISAs.
    uint64_t m = 0;
    for (uint64_t i = (sub - (job.index % sub)) % sub; i < job.count; i += sub, ++m) {
      sin[m] = in[i];
      sref[m] = ref[i];
      sout0[m] = out0[i];
      serr0[m] = err0[i];
    }
    for (size_t k = 0; k < isas.size(); ++k) {
      if (k == primary || m == 0) continue;
      isas[k].f32(fn, sin, out, m);
      Worst w;
      for (uint64_t i = 0; i < m; ++i) {
        const double e = bits_of(out[i]) == bits_of(sout0[i]) ? serr0[i] : ulp_err32(out[i], sref[i]);
        if (e > w.err) {
          w.err = e;
          w.at = sin[i];
        }
      }
      w.points = m;
      local[k] = w;
    }
    std::lock_guard<std::mutex> lock(mu);
    for (size_t k = 0; k < isas.size(); ++k) total[k].merge(local[k]);
  });
  return total;
}

// Dense float64 sample of fn's range: a quarter uniform over the range, the rest log-uniform in
// magnitude (random exponent and mantissa bits) so tiny arguments, the region near 1 (log) and
// the subnormal results (exp) are all visited; plus the range ends.
std::vector<double> sample64(int fn, uint64_t n, uint64_t seed) {
  const Range rg = range_of(fn, true);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> uni(0.0, 1.0);
  std::vector<double> xs;
  xs.reserve(n + 8);
  xs.push_back(rg.lo);
  xs.push_back(rg.hi);
  auto in_range = [&](double x) { return x >= rg.lo && x <= rg.hi; };
  // |x| = 2^e * (1 + f) with e uniform over the exponents the range reaches.
  auto log_uniform = [&](double maxabs) {
    const int emax = std::ilogb(maxabs);
    const int e = -1074 + static_cast<int>(rng() % static_cast<uint64_t>(emax + 1075));
    const double m = 1.0 + static_cast<double>(rng() >> 12) * 0x1p-52;
    return e < -1022 ? std::ldexp(static_cast<double>(rng() >> 12), -1074) : std::ldexp(m, e);
  };
  while (xs.size() < n) {
    const uint64_t kind = rng() % 8;
    double x;
    if (kind < 2) {
      x = rg.lo == -1.0 && rg.hi > 1e300 ? -1.0 + 3.0 * uni(rng) : rg.lo + (rg.hi - rg.lo) * uni(rng);
    } else if (fn == kMathLog || fn == kMathLog1p || fn == kMathLogPos) {
      if (kind == 2) {
        x = 1.0 + (rng() & 1 ? 1 : -1) * log_uniform(0.5);  // near 1 (near 0 for log1p)
        if (fn == kMathLog1p) x -= 1.0;
      } else if (kind == 3 && fn == kMathLog1p) {
        x = -1.0 + log_uniform(0.5);  // near -1
      } else {
        x = log_uniform(rg.hi);
        if (fn == kMathLog1p && (rng() & 1)) x = -std::ldexp(1.0 + static_cast<double>(rng() >> 12) * 0x1p-52, -1 - static_cast<int>(rng() % 1074));
      }
    } else {
      const double amax = std::max(std::fabs(rg.lo), std::fabs(rg.hi));
      x = log_uniform(amax);
      if (fn == kMathExpLe0 || fn == kMathExpSum || (rng() & 1)) x = -x;
      if (kind == 7 && fn == kMathExp) x = -708.0 - 38.0 * uni(rng);  // subnormal results
    }
    if (in_range(x)) xs.push_back(x);
  }
  return xs;
}

std::vector<Worst> measure64(int fn, const std::vector<Isa>& isas, uint64_t samples) {
  const std::vector<double> xs = sample64(fn, samples, 0x5eed0000u + static_cast<uint64_t>(fn));
  constexpr uint64_t kChunk = 1 << 14;
  const uint64_t chunks = (xs.size() + kChunk - 1) / kChunk;
  std::vector<Worst> total(isas.size());
  std::mutex mu;
  parallel_chunks(chunks, [&](uint64_t c) {
    const uint64_t first = c * kChunk, count = std::min<uint64_t>(kChunk, xs.size() - first);
    std::vector<long double> ref(count);
    std::vector<double> out(count);
    for (uint64_t i = 0; i < count; ++i) ref[i] = ref64(fn, xs[first + i]);
    std::vector<Worst> local(isas.size());
    for (size_t k = 0; k < isas.size(); ++k) {
      isas[k].f64(fn, xs.data() + first, out.data(), count);
      Worst w;
      for (uint64_t i = 0; i < count; ++i) {
        double e = ulp_err64(out[i], ref[i]);
        // vexp_le0_sum: the part of the bound that grows with |x| is taken off, so what is printed
        // and checked is the error beyond it (against the same 1.5 as vexp_le0).
        if (fn == kMathExpSum) e -= kMathExpSumUlpPerUnit64 * std::fabs(xs[first + i]);
        if (e > w.err) {
          w.err = e;
          w.at = xs[first + i];
        }
      }
      w.points = count;
      local[k] = w;
    }
    std::lock_guard<std::mutex> lock(mu);
    for (size_t k = 0; k < isas.size(); ++k) total[k].merge(local[k]);
  });
  return total;
}

// Exact expectations at special inputs and outside the measured ranges. For T = float or double.
template <class T>
struct Special {
  int fn;
  T x;
  T want;  // NaN: any NaN; zeros compare by value (log1p(-0) may give +0)
};

template <class T>
std::vector<Special<T>> specials() {
  using L = std::numeric_limits<T>;
  const T inf = L::infinity(), nan = L::quiet_NaN(), mx = L::max(), dmin = L::denorm_min(), mn = L::min();
  const bool f = sizeof(T) == 4;
  const T exp_over = f ? T(88.7229) : T(709.79), exp_under = f ? T(-103.98) : T(-745.2);
  const T le0_flush = f ? T(-86.01) : T(-707.01);
  std::vector<Special<T>> s = {
      {kMathExp, 0, 1}, {kMathExp, -T(0), 1}, {kMathExp, inf, inf}, {kMathExp, -inf, 0},
      {kMathExp, nan, nan}, {kMathExp, mx, inf}, {kMathExp, -mx, 0}, {kMathExp, exp_over, inf},
      {kMathExp, exp_under, 0}, {kMathExp, dmin, 1}, {kMathExp, -dmin, 1},
      {kMathExpLe0, 0, 1}, {kMathExpLe0, -T(0), 1}, {kMathExpLe0, -inf, 0}, {kMathExpLe0, nan, nan},
      {kMathExpLe0, -mx, 0}, {kMathExpLe0, le0_flush, 0}, {kMathExpLe0, -dmin, 1},
      {kMathLog, 0, -inf}, {kMathLog, -T(0), -inf}, {kMathLog, inf, inf}, {kMathLog, -inf, nan},
      {kMathLog, nan, nan}, {kMathLog, -1, nan}, {kMathLog, -dmin, nan}, {kMathLog, 1, 0},
      {kMathLog1p, -1, -inf}, {kMathLog1p, -2, nan}, {kMathLog1p, -inf, nan}, {kMathLog1p, inf, inf},
      {kMathLog1p, nan, nan}, {kMathLog1p, 0, 0}, {kMathLog1p, -T(0), 0}, {kMathLog1p, dmin, dmin},
      {kMathLog1p, -dmin, -dmin}, {kMathLog1p, mn, mn},
      {kMathLogPos, 1, 0},
      {kMathExpSum, 0, 1}, {kMathExpSum, -T(0), 1}, {kMathExpSum, nan, nan}, {kMathExpSum, -dmin, 1},
  };
  return s;
}

template <class T>
int check_specials(const Isa& isa) {
  int fails = 0;
  for (const auto& sp : specials<T>()) {
    // Each value in a full vector and as a one-lane tail, so both load paths are exercised.
    T in[17], out[17];
    for (T& v : in) v = sp.x;
    if constexpr (sizeof(T) == 4) {
      isa.f32(sp.fn, in, out, 17);
    } else {
      isa.f64(sp.fn, in, out, 17);
    }
    for (T y : out) {
      const bool ok = sp.want != sp.want ? y != y : y == sp.want;
      if (!ok) {
        std::printf("FAIL special %s %s(%s %.9g) = %.17g, want %.17g\n", isa.name, kFnName[sp.fn],
                    sizeof(T) == 4 ? "f32" : "f64", static_cast<double>(sp.x), static_cast<double>(y),
                    static_cast<double>(sp.want));
        ++fails;
        break;
      }
    }
  }
  return fails;
}

// vexp_le0_sum below its range (and at -Inf) gives exp(kExpLe0Lo): the same positive normal value
// (4.5e-38 / 9e-308) for every such input, never a subnormal or NaN.
template <class T>
int check_sum_floor(const Isa& isa) {
  const bool f = sizeof(T) == 4;
  const T lo = f ? T(-86) : T(-707), inf = std::numeric_limits<T>::infinity();
  const T in[] = {lo, -inf, -std::numeric_limits<T>::max(), T(lo - 1), T(lo * 2), lo, lo, lo, lo};
  constexpr size_t n = sizeof(in) / sizeof(in[0]);
  T out[n];
  if constexpr (sizeof(T) == 4) isa.f32(kMathExpSum, in, out, n);
  else isa.f64(kMathExpSum, in, out, n);
  const double floor = f ? 4.5e-38 : 9.0e-308;
  bool ok = out[0] >= std::numeric_limits<T>::min() && std::fabs(static_cast<double>(out[0]) / floor - 1) < 0.1;
  for (size_t i = 1; i < n; ++i) ok = ok && out[i] == out[0];
  if (!ok) std::printf("FAIL floor %s vexp_sum(%s): %.9g at kExpLe0Lo, %.9g at -Inf\n", isa.name, f ? "f32" : "f64",
                       static_cast<double>(out[0]), static_cast<double>(out[1]));
  return ok ? 0 : 1;
}

// Outside the measured ranges the results saturate: exp to +0 / +Inf, exp_le0 to +0 (flush).
int check_saturation32(const Isa& isa, uint32_t stride) {
  int fails = 0;
  struct Sat {
    int fn;
    float lo, hi, want;
  };
  const Sat sats[] = {
      {kMathExp, 89.0f, 0x1.fffffep+127f, std::numeric_limits<float>::infinity()},
      {kMathExp, -0x1.fffffep+127f, -104.0f, 0.0f},
      {kMathExpLe0, -0x1.fffffep+127f, -86.00001f, 0.0f},  // below kExpLe0Lo: flushed, never subnormal
  };
  std::vector<float> in, out;
  for (const Sat& s : sats) {
    in.clear();
    for (auto [a, b] : bit_runs(s.lo, s.hi))
      for (uint64_t u = a; u <= b; u += stride * 64ull) in.push_back(f32_of(static_cast<uint32_t>(u)));
    out.resize(in.size());
    isa.f32(s.fn, in.data(), out.data(), in.size());
    for (size_t i = 0; i < in.size(); ++i)
      if (out[i] != s.want) {
        std::printf("FAIL saturation %s %s(f32 %.9g) = %.9g, want %.9g\n", isa.name, kFnName[s.fn], in[i], out[i], s.want);
        ++fails;
        break;
      }
  }
  return fails;
}

uint64_t env_u64(const char* name, uint64_t dflt) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoull(v, nullptr, 10) : dflt;
}

std::string fmt_range(int fn, bool f64) {
  const Range r = range_of(fn, f64);
  char b[64];
  std::snprintf(b, sizeof b, "[%.6g, %.6g]", r.lo, r.hi);
  return b;
}

}  // namespace

int main() {
  const std::vector<Isa> isas = isas_to_test();
  if (isas.empty()) {
    std::printf("no SIMD ISA compiled in and runnable; nothing to measure\n");
    return 0;
  }
  const uint32_t stride = static_cast<uint32_t>(std::max<uint64_t>(1, env_u64("LOSSKIT_ULP_STRIDE", 1)));
  const uint32_t sub = static_cast<uint32_t>(std::max<uint64_t>(1, env_u64("LOSSKIT_ULP_SUBSAMPLE", 16)));
  const size_t primary = isas.size() - 1;  // the best ISA: what this CPU runs by default
  const uint64_t samples = env_u64("LOSSKIT_ULP_SAMPLES", 1ull << 24);
  int fails = 0;
  for (const Isa& i : isas) {
    fails += check_specials<float>(i) + check_specials<double>(i);
    fails += check_sum_floor<float>(i) + check_sum_floor<double>(i);
    fails += check_saturation32(i, stride);
  }

  std::printf("\n%-9s %-4s %-7s %9s  %-16s %-28s %s\n", "routine", "prec", "isa", "max ulp", "worst at", "range",
              "points");
  for (int prec = 0; prec < 2; ++prec) {
    for (int fn = 0; fn < kMathFnCount; ++fn) {
      const bool f64 = prec == 1;
      const auto worst = f64 ? measure64(fn, isas, samples) : measure32(fn, isas, primary, stride, sub);
      const double bound = f64 ? kMathUlpBound64[fn] : kMathUlpBound32[fn];
      for (size_t k = 0; k < isas.size(); ++k) {
        const Worst& w = worst[k];
        char pts[48];
        if (f64) std::snprintf(pts, sizeof pts, "%.3g sampled", static_cast<double>(w.points));
        else {
          const uint64_t every = k == primary ? stride : static_cast<uint64_t>(stride) * sub;
          std::snprintf(pts, sizeof pts, "%.3g %s", static_cast<double>(w.points),
                        every == 1 ? "all" : ("1 in " + std::to_string(every)).c_str());
        }
        const bool bad = !(w.err <= bound);
        std::printf("%-9s %-4s %-7s %9.3f  %-16.9g %-28s %s", kFnName[fn], f64 ? "f64" : "f32", isas[k].name, w.err,
                    w.at, fmt_range(fn, f64).c_str(), pts);
        if (f64 && fn == kMathExpSum) std::printf("  (ulp beyond %.2f|x|)", kMathExpSumUlpPerUnit64);
        if (bad) std::printf("  FAIL: documented bound %.2f", bound);
        std::printf("\n");
        fails += bad;
      }
      std::fflush(stdout);
    }
  }
  std::printf("\n%s: %d failure(s)\n", fails ? "FAIL" : "ok", fails);
  return fails ? 1 : 0;
}
