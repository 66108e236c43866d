// Shared machinery for the kernel fuzzers (libFuzzer + ASan + UBSan; built by tools/fuzz.sh from
// native/kernels/*.cc only, no N-API). A target decodes shapes, options and float bit patterns
// from the fuzz input, runs every SIMD table (kernels_for("sse2"/"avx2"/"avx512"), whichever this
// CPU has) against kernels_for("scalar"), and aborts with a report when they disagree beyond the
// tolerance below. Adding a family is one file: a LLVMFuzzerTestOneInput that picks an op, builds
// its inputs with Input and Buf, and checks results with Check.
//
// Tolerance. The SIMD exp/log are within ~1-2 ULP, float32 kernels compute x - max and products in
// float32 while the scalar reference works in float64, and sums are float64 in a different order.
// So a result may differ from the reference by tol(T) times the magnitude of the terms it is built
// from (|x|, |max|, |log-sum|, |weight * target * ...|, summed over what the result sums), not
// only times the result: a loss that cancels to ~0 from large terms can only be as exact as its
// terms. tol(float) = 2^-17 (~64 float ULP), tol(double) = 2^-40 plus len * 2^-52 for sums.
// NaN must match NaN and an infinity the same infinity; a finite result never matches a
// non-finite one.
// Compared domain: with float32 inputs, a product or difference that overflows float32 (|x| or a
// weight or target beyond ~1e18, x * (1/temperature) beyond ~1e37) is Inf in the SIMD paths,
// as in torch's float32 arithmetic, but finite in the float64 reference, so such inputs are run
// (for the sanitizers) but not compared; the fuzzer counts them.
// Determinism: each SIMD table is run twice, on copies of the input at two element offsets
// (alignments), and must give the same bits both times.
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "../../native/kernels/kernels.h"

namespace fuzz {

using losskit::KernelTable;

// Reads the fuzz input front to back; once it runs out, a generator seeded from what was read
// continues, so a short input can still describe a long array.
class Input {
 public:
  Input(const uint8_t* d, size_t n) : d_(d), n_(n) {}
  uint8_t u8() {
    if (i_ < n_) {
      const uint8_t b = d_[i_++];
      s_ = s_ * 6364136223846793005ULL + b + 1442695040888963407ULL;
      return b;
    }
    s_ ^= s_ << 13;
    s_ ^= s_ >> 7;
    s_ ^= s_ << 17;
    return static_cast<uint8_t>(s_ >> 24);
  }
  uint32_t u32() { return u8() | (u8() << 8) | (u8() << 16) | (static_cast<uint32_t>(u8()) << 24); }
  uint64_t u64() { return u32() | (static_cast<uint64_t>(u32()) << 32); }
  size_t range(size_t lo, size_t hi) { return lo + (hi > lo ? u32() % (hi - lo + 1) : 0); }
  bool coin(unsigned one_in = 2) { return u8() % one_in == 0; }
  double unit() { return u32() / 4294967296.0; }

  // A float value: mostly moderate numbers (so the arithmetic is exercised), sometimes a special
  // bit pattern (NaN payloads, +-0, +-Inf, denormals, extremes) or raw bits.
  template <class T>
  T value(double spread = 8) {
    using L = std::numeric_limits<T>;
    const uint8_t mode = u8();
    if (mode < 200) return static_cast<T>((unit() * 2 - 1) * spread);
    if (mode < 215) return static_cast<T>(std::ldexp(unit() * 2 - 1, static_cast<int>(range(0, 200)) - 100));
    if (mode < 245) {
      switch (u8() % 14) {
        case 0: return L::quiet_NaN();
        case 1: return -L::quiet_NaN();
        case 2: return nan_payload<T>();
        case 3: return T(0);
        case 4: return -T(0);
        case 5: return L::infinity();
        case 6: return -L::infinity();
        case 7: return L::denorm_min();
        case 8: return -L::denorm_min();
        case 9: return L::min();
        case 10: return L::max();
        case 11: return L::lowest();
        case 12: return L::epsilon();
        default: return T(1);
      }
    }
    T v;
    if (sizeof(T) == 4) {
      uint32_t b = u32();
      std::memcpy(&v, &b, 4);
    } else {
      uint64_t b = u64();
      std::memcpy(&v, &b, 8);
    }
    return v;
  }

 private:
  template <class T>
  T nan_payload() {
    T v;
    if (sizeof(T) == 4) {
      uint32_t b = 0x7f800000u | (u32() & 0x7fffffu) | 1u | (u8() & 1 ? 0x80000000u : 0);
      std::memcpy(&v, &b, 4);
    } else {
      uint64_t b = 0x7ff0000000000000ULL | (u64() & 0xfffffffffffffULL) | 1u | (u8() & 1 ? 0x8000000000000000ULL : 0);
      std::memcpy(&v, &b, 8);
    }
    return v;
  }
  const uint8_t* d_;
  size_t n_, i_ = 0;
  uint64_t s_ = 0x9e3779b97f4a7c15ULL;
};

// An exactly sized heap array starting `offset` elements into its allocation, so ASan sees any
// read past the end and the SIMD paths see different alignments.
template <class T>
struct Buf {
  std::vector<T> store;
  size_t offset = 0, n = 0;
  Buf() = default;
  Buf(size_t len, size_t off) { reset(len, off); }
  void reset(size_t len, size_t off) {
    offset = off;
    n = len;
    store.assign(len + off, T{});
  }
  T* data() { return store.data() + offset; }
  const T* data() const { return store.data() + offset; }
  T& operator[](size_t i) { return data()[i]; }
  const T& operator[](size_t i) const { return data()[i]; }
  // The same values at another offset (a separate allocation, so ASan still bounds it exactly).
  Buf moved(size_t off) const {
    Buf b(n, off);
    if (n) std::memcpy(b.data(), data(), n * sizeof(T));
    return b;
  }
  void fill(T v) { for (size_t i = 0; i < n; ++i) data()[i] = v; }
};

template <class T>
constexpr double tol() { return sizeof(T) == 4 ? 1.0 / 131072 : 1.0 / 1099511627776.0; }

struct Stats {
  uint64_t compared = 0, skipped_domain = 0;
};
inline Stats& stats() {
  static Stats s;
  return s;
}

[[noreturn]] inline void fail(const std::string& what) {
  std::fprintf(stderr, "\nFUZZ MISMATCH: %s\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

inline bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0 || (a != a && b != b); }

// Does `got` agree with the reference `want`, given the magnitude of the terms behind it?
// abs_floor: float32 kernels see float64 weights and targets rounded to float32, so values below
// float32's range count as 0 there; callers pass a small absolute allowance for that.
inline bool close(double got, double want, double magnitude, double t, double abs_floor = 0) {
  if (want != want || got != got) return want != want && got != got;
  if (std::isinf(want) || std::isinf(got)) return got == want;
  if (!std::isfinite(magnitude)) return true;  // built from infinite terms: only the class matters
  return std::fabs(got - want) <= t * magnitude + abs_floor + 4 * std::numeric_limits<double>::denorm_min();
}

struct Check {
  std::string ctx;  // op, isa, shape: printed with any mismatch
  void value(const char* what, double got, double want, double magnitude, double t, double abs_floor = 0) const {
    ++stats().compared;
    if (!close(got, want, magnitude, t, abs_floor)) {
      char b[512];
      std::snprintf(b, sizeof b, "%s: %s = %.17g, scalar reference %.17g (diff %.3g, allowed %.3g for term magnitude %.3g)",
                    ctx.c_str(), what, got, want, std::fabs(got - want), t * magnitude, magnitude);
      fail(b);
    }
  }
  // A float output element: besides the magnitude rule, tiny results may flush to zero (vexp_le0
  // returns +0 below exp(-86) = 4.5e-38 in float32 and exp(-707) = 9.9e-308 in float64, documented
  // in simd_math.h) and float32 kernels lose weights and targets below float32's range, so allow
  // 1e-30 absolute for float32 and 1e-307 for float64.
  template <class T>
  void element(const char* what, size_t i, T got, T want, double magnitude, double t) const {
    ++stats().compared;
    const double g = got, w = want;
    if (close(g, w, magnitude, t)) return;
    const double floor = sizeof(T) == 4 ? 1e-30 : 1e-307;
    if (std::isfinite(g) && std::isfinite(w) && std::fabs(g - w) <= floor) return;
    char b[512];
    std::snprintf(b, sizeof b, "%s: %s[%zu] = %.9g, scalar reference %.9g (magnitude %.3g)", ctx.c_str(), what, i, g, w, magnitude);
    fail(b);
  }
  void exact(const char* what, double got, double want) const {
    if (!same_bits(got, want)) {
      char b[512];
      std::snprintf(b, sizeof b, "%s: %s = %.17g, expected exactly %.17g", ctx.c_str(), what, got, want);
      fail(b);
    }
  }
  template <class T>
  void same_array(const char* what, const Buf<T>& a, const Buf<T>& b) const {
    for (size_t i = 0; i < a.n; ++i)
      if (!same_bits(static_cast<double>(a[i]), static_cast<double>(b[i])) || std::signbit(a[i]) != std::signbit(b[i])) {
        char m[512];
        std::snprintf(m, sizeof m, "%s: %s[%zu] differs between alignments: %.9g vs %.9g", ctx.c_str(), what, i,
                      static_cast<double>(a[i]), static_cast<double>(b[i]));
        fail(m);
      }
  }
};

// Every SIMD table this CPU and build can run.
template <class F>
void for_each_simd(F&& f) {
  for (const char* isa : {"sse2", "avx2", "avx512", "neon"})
    if (const KernelTable* t = losskit::kernels_for(isa)) f(*t, isa);
}

inline const KernelTable& scalar() { return *losskit::kernels_for("scalar"); }

// Lengths: small most of the time, now and then up to `big` (past the SIMD widths and chunk sizes).
inline size_t pick_len(Input& in, size_t small, size_t big) { return in.coin(8) ? in.range(0, big) : in.range(0, small); }

// Labels of a random integer type with the given values, in a buffer of exactly their size (so
// ASan sees a read past the last label).
inline losskit::LabelView store_labels(losskit::IntType type, const std::vector<int64_t>& v, std::vector<uint8_t>& store) {
  using losskit::IntType;
  const size_t w = (type == IntType::kInt8 || type == IntType::kUint8) ? 1 : (type == IntType::kInt16 || type == IntType::kUint16) ? 2 : 4;
  store.assign(v.size() * w, 0);
  uint8_t* p = store.data();
  for (size_t i = 0; i < v.size(); ++i) {
    switch (type) {
      case IntType::kInt8: { int8_t t = static_cast<int8_t>(v[i]); std::memcpy(p + i, &t, 1); break; }
      case IntType::kUint8: { uint8_t t = static_cast<uint8_t>(v[i]); std::memcpy(p + i, &t, 1); break; }
      case IntType::kInt16: { int16_t t = static_cast<int16_t>(v[i]); std::memcpy(p + 2 * i, &t, 2); break; }
      case IntType::kUint16: { uint16_t t = static_cast<uint16_t>(v[i]); std::memcpy(p + 2 * i, &t, 2); break; }
      case IntType::kInt32: { int32_t t = static_cast<int32_t>(v[i]); std::memcpy(p + 4 * i, &t, 4); break; }
      case IntType::kUint32: { uint32_t t = static_cast<uint32_t>(v[i]); std::memcpy(p + 4 * i, &t, 4); break; }
    }
  }
  return losskit::LabelView{store.data(), type};
}

template <class T>
std::string shape(const char* op, const char* isa, size_t n, size_t k, size_t s = 1) {
  char b[160];
  std::snprintf(b, sizeof b, "%s<%s> isa=%s n=%zu k=%zu s=%zu", op, sizeof(T) == 4 ? "f32" : "f64", isa, n, k, s);
  return b;
}

}  // namespace fuzz
