// Each SIMD ISA's classification kernels against the scalar reference (scalar.cc), float32 and
// float64, on random and adversarial rows: widths 1..1001 around the lane counts, rows long
// enough for the one-pass log-sum-exp, +-Inf, NaN (also in the tail lanes), huge magnitudes, exp
// underflow, ignored and out-of-range labels. Tolerances are the ones CONTRIBUTING.md sets for
// results (float32 1e-6 rel + 1e-6 abs, float64 1e-12); non-finite results must match exactly.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <type_traits>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "kernels.h"

using namespace losskit;

namespace {

std::mt19937_64 rng(20240611);

int failures = 0;
long checks = 0;
std::string where;  // the case being run, for failure messages

template <class T>
struct Tol {
  static constexpr double rel = sizeof(T) == 4 ? 1e-6 : 1e-12;
  static constexpr double abs = sizeof(T) == 4 ? 1e-6 : 1e-12;
  static constexpr double eps = std::numeric_limits<T>::epsilon();
};

bool same(double got, double want, double rel, double abs) {
  if (want != want) return got != got;
  if (std::isinf(want)) return got == want;
  if (!std::isfinite(got)) return false;
  return std::fabs(got - want) <= abs + rel * std::fabs(want);
}

void expect(bool ok, const char* what, size_t i, double got, double want) {
  ++checks;
  if (ok) return;
  if (++failures <= 25)
    std::printf("FAIL %s: %s[%zu] = %.17g, reference %.17g\n", where.c_str(), what, i, got, want);
}

template <class T>
void expect_close(const char* what, size_t i, double got, double want, double extra_abs = 0) {
  expect(same(got, want, Tol<T>::rel, Tol<T>::abs + extra_abs), what, i, got, want);
}

// Row generators. Each fills len values of one row.
enum Gen {
  kNormal,       // N(0, 1)
  kWide,         // N(0, 30): many exp() underflow relative to the max
  kHuge,         // magnitudes near the type's limit / 4
  kPosInf,       // a +Inf somewhere
  kNegInfSome,   // some -Inf among finite values
  kNegInfAll,    // every value -Inf
  kNaN,          // a NaN somewhere (often in the tail lanes)
  kConstant,     // all equal
  kOneHot,       // one large value, the rest far below
  kGenCount
};
const char* const kGenName[] = {"normal", "wide", "huge", "+inf", "some -inf", "all -inf", "nan", "constant", "one-hot"};

// A quiet NaN with a random sign and payload: the table-driven exp adds exponent bits derived from
// the NaN's own bits, which must not turn it into a number.
template <class T>
T nan_with_payload() {
  using U = typename std::conditional<sizeof(T) == 4, uint32_t, uint64_t>::type;
  constexpr int kMant = sizeof(T) == 4 ? 23 : 52;
  const U quiet = (static_cast<U>(sizeof(T) == 4 ? 0xFF : 0x7FF) << kMant) | (U(1) << (kMant - 1));  // exponent all ones, quiet bit
  U b = quiet | (static_cast<U>(rng()) * 2654435761u & ((U(1) << (kMant - 1)) - 1));
  if (rng() & 1) b |= U(1) << (8 * sizeof(T) - 1);
  T v;
  std::memcpy(&v, &b, sizeof v);
  return v;
}

template <class T>
void fill_row(T* x, size_t len, Gen g) {
  std::normal_distribution<double> nd(0.0, 1.0);
  const T inf = std::numeric_limits<T>::infinity();
  const double huge = static_cast<double>(std::numeric_limits<T>::max()) / 4;
  auto pos = [&] {  // favour the last lanes, where the partial loads are
    return (rng() & 1) ? len - 1 - static_cast<size_t>(rng() % std::min<size_t>(len, 17)) : static_cast<size_t>(rng() % len);
  };
  for (size_t j = 0; j < len; ++j) {
    switch (g) {
      case kWide: x[j] = static_cast<T>(30 * nd(rng)); break;
      case kHuge: x[j] = static_cast<T>(huge * std::tanh(nd(rng))); break;
      case kNegInfAll: x[j] = -inf; break;
      case kConstant: x[j] = static_cast<T>(3.25); break;
      case kOneHot: x[j] = static_cast<T>(-200 + nd(rng)); break;
      default: x[j] = static_cast<T>(nd(rng)); break;
    }
  }
  switch (g) {
    case kPosInf: x[pos()] = inf; break;
    case kNegInfSome:
      for (size_t j = 0; j < len; ++j)
        if (rng() % 3 == 0) x[j] = -inf;
      break;
    case kNaN: x[pos()] = nan_with_payload<T>(); break;
    case kOneHot: x[pos()] = static_cast<T>(50); break;
    default: break;
  }
}

const size_t kWidths[] = {1,  2,  3,  4,  5,  7,  8,  9,  15, 16,  17,  23,  24,  31,  32,  33,  47,  48,
                          63, 64, 65, 96, 127, 128, 129, 255, 256, 257, 500, 511, 512, 513, 999, 1000, 1001};


template <class T>
void test_lse_softmax(const KernelTable& simd, const KernelTable& ref, const char* tname) {
  const auto& S = cls_of<T>(simd);
  const auto& R = cls_of<T>(ref);
  for (size_t k : kWidths) {
    for (int g = 0; g < kGenCount; ++g) {
      const size_t n = 1 + rng() % 3;
      std::vector<T> x(n * k);
      for (size_t i = 0; i < n; ++i) fill_row(x.data() + i * k, k, static_cast<Gen>(g));
      where = std::string(simd.isa) + " " + tname + " k=" + std::to_string(k) + " " + kGenName[g];

      std::vector<T> a(n), b(n);
      S.lse_rows(x.data(), n, k, a.data());
      R.lse_rows(x.data(), n, k, b.data());
      for (size_t i = 0; i < n; ++i) expect_close<T>("lse_rows", i, a[i], b[i]);
      expect_close<T>("lse_all", 0, S.lse_all(x.data(), x.size()), R.lse_all(x.data(), x.size()));

      // Temperatures: powers of two scale exactly; 0.7 rounds x * s in T, worth eps |x s| each.
      for (T inv_temp : {T(1), T(0.5), T(4), T(0.7)}) {
        if (g == kHuge && inv_temp > 1) continue;  // x * s would overflow T
        double maxabs = 0;
        for (T v : x)
          if (std::isfinite(static_cast<double>(v))) maxabs = std::max(maxabs, std::fabs(static_cast<double>(v) * inv_temp));
        const double slack = inv_temp == T(0.7) ? 4 * Tol<T>::eps * maxabs : 0;
        for (bool log : {false, true}) {
          std::vector<T> sa(n * k), sb(n * k);
          S.softmax_rows(x.data(), n, k, inv_temp, log, sa.data());
          R.softmax_rows(x.data(), n, k, inv_temp, log, sb.data());
          for (size_t j = 0; j < n * k; ++j)
            expect_close<T>(log ? "log_softmax" : "softmax", j, sa[j], sb[j],
                            log ? slack : slack * std::fabs(static_cast<double>(sb[j])));
        }
      }
    }
  }
  // Long spans: the chunked one-pass log-sum-exp (rows > 16384 values), with a NaN or +Inf in
  // one chunk and a growing max across chunks.
  for (size_t len : {16385u, 20000u, 70001u}) {
    for (int g : {kNormal, kWide, kPosInf, kNaN, kNegInfSome}) {
      std::vector<T> x(len);
      fill_row(x.data(), len, static_cast<Gen>(g));
      for (size_t j = 0; j < len; j += 997) x[j] = static_cast<T>(static_cast<double>(j) / 1000);  // rising max
      where = std::string(simd.isa) + " " + tname + " long len=" + std::to_string(len) + " " + kGenName[g];
      T a = 0, b = 0;
      S.lse_rows(x.data(), 1, len, &a);
      R.lse_rows(x.data(), 1, len, &b);
      expect_close<T>("lse_rows", 0, a, b);
      expect_close<T>("lse_all", 0, S.lse_all(x.data(), len), R.lse_all(x.data(), len));
    }
  }
}

void compare_sums(const LossSums& a, const LossSums& b, double loss_tol) {
  expect(a.bad_index == b.bad_index && a.bad_value == b.bad_value, "bad_index", 0, static_cast<double>(a.bad_index),
         static_cast<double>(b.bad_index));
  if (b.bad_index >= 0) return;
  expect(a.count == b.count, "count", 0, static_cast<double>(a.count), static_cast<double>(b.count));
  expect(same(a.weight, b.weight, 1e-12, 1e-12), "weight", 0, a.weight, b.weight);
  expect(same(a.loss, b.loss, 0, loss_tol), "loss", 0, a.loss, b.loss);
}

// Tolerance of a float64 sum of per-sample values each within Tol<T> of the reference.
template <class T>
double sum_tol(const std::vector<T>& ref_out) {
  double t = 0;
  for (T v : ref_out) t += Tol<T>::abs + Tol<T>::rel * std::fabs(static_cast<double>(v));
  return t;
}

template <class T>
void test_cross_entropy(const KernelTable& simd, const KernelTable& ref, const char* tname) {
  const auto& S = cls_of<T>(simd);
  const auto& R = cls_of<T>(ref);
  const size_t widths[] = {1, 2, 3, 5, 8, 9, 16, 17, 31, 33, 64, 65, 129, 257, 1000, 1001};
  int variant = 0;
  for (size_t k : widths) {
    for (size_t s : {size_t(1), size_t(1), size_t(3), size_t(17), size_t(33)}) {
      for (int g = 0; g < kGenCount; ++g, ++variant) {
        const size_t n = 1 + rng() % 4;
        const auto inputs = static_cast<Inputs>(variant % 3);
        std::vector<T> x(n * k * s);
        if (inputs == Inputs::kLogits) {
          for (size_t i = 0; i < n * s; ++i) {
            std::vector<T> row(k);
            fill_row(row.data(), k, static_cast<Gen>(g));
            for (size_t c = 0; c < k; ++c) x[(i / s) * k * s + c * s + i % s] = row[c];
          }
        } else {  // probabilities (or their logs) from a softmax of a normal row
          std::vector<double> p(k);
          for (size_t i = 0; i < n * s; ++i) {
            double z = 0;
            for (double& v : p) z += (v = std::exp(2 * std::normal_distribution<double>(0, 1)(rng)));
            for (size_t c = 0; c < k; ++c) {
              const double q = p[c] / z;
              x[(i / s) * k * s + c * s + i % s] = static_cast<T>(inputs == Inputs::kProbabilities ? q : std::log(q));
            }
          }
          if (g == kNaN) x[rng() % x.size()] = std::numeric_limits<T>::quiet_NaN();
        }
        std::vector<int32_t> labels(n * s);
        for (auto& y : labels) y = static_cast<int32_t>(rng() % k);
        if (variant % 4 == 1) labels[rng() % labels.size()] = -100;  // ignored
        const bool bad = variant % 23 == 5;
        if (bad) labels[rng() % labels.size()] = static_cast<int32_t>(k);
        std::vector<double> w(k);
        std::vector<T> wt(k);
        for (size_t c = 0; c < k; ++c) wt[c] = static_cast<T>(w[c] = 0.25 + (rng() % 1000) / 500.0);
        const bool weighted = variant % 2 == 0;
        const double smoothing = variant % 5 == 0 ? 0.0 : (variant % 5) * 0.05;

        CrossEntropyArgs<T> a{};
        a.x = x.data();
        a.n = n;
        a.k = k;
        a.s = s;
        a.inputs = inputs;
        a.labels = {labels.data(), IntType::kInt32};
        a.ignore_index = -100;
        a.weight = weighted ? w.data() : nullptr;
        a.weight_t = weighted ? wt.data() : nullptr;
        a.smoothing = smoothing;
        a.clip_eps = 1e-7;
        a.out_scale = 1;
        std::vector<T> oa(n * s, T(-7)), ob(n * s, T(-7));
        where = std::string(simd.isa) + " " + tname + " cross_entropy k=" + std::to_string(k) + " s=" +
                std::to_string(s) + " inputs=" + std::to_string(static_cast<int>(inputs)) + " " + kGenName[g] +
                (weighted ? " weighted" : "") + " eps=" + std::to_string(smoothing) + (bad ? " bad-label" : "");
        a.out = oa.data();
        const LossSums ra = S.cross_entropy(a);
        a.out = ob.data();
        const LossSums rb = R.cross_entropy(a);
        compare_sums(ra, rb, sum_tol(ob));
        if (rb.bad_index < 0)
          for (size_t i = 0; i < n * s; ++i) expect_close<T>("out", i, oa[i], ob[i]);

        // Soft targets (plain layout): a random distribution per row, as float32 and as float64.
        if (s != 1) continue;
        std::vector<double> t64(n * k);
        std::vector<float> t32(n * k);
        for (size_t i = 0; i < n; ++i) {
          double z = 0;
          for (size_t c = 0; c < k; ++c) z += (t64[i * k + c] = (rng() % 4 == 0) ? 0.0 : (rng() % 1000) / 999.0 + 1e-3);
          for (size_t c = 0; c < k; ++c) t32[i * k + c] = static_cast<float>(t64[i * k + c] /= z);
        }
        for (bool t_f64 : {false, true}) {
          SoftCrossEntropyArgs<T> b{};
          b.x = x.data();
          b.n = n;
          b.k = k;
          b.s = 1;
          b.inputs = inputs;
          b.targets = t_f64 ? static_cast<const void*>(t64.data()) : static_cast<const void*>(t32.data());
          b.targets_f64 = t_f64;
          b.weight = weighted ? w.data() : nullptr;
          b.weight_t = weighted ? wt.data() : nullptr;
          b.smoothing = smoothing;
          b.clip_eps = 1e-7;
          b.out_scale = 0.5;
          std::vector<T> pa(n), pb(n);
          where = std::string(simd.isa) + " " + tname + " soft_cross_entropy k=" + std::to_string(k) + " inputs=" +
                  std::to_string(static_cast<int>(inputs)) + " " + kGenName[g] + (t_f64 ? " t64" : " t32") +
                  (weighted ? " weighted" : "") + " eps=" + std::to_string(smoothing);
          b.out = pa.data();
          const LossSums sa = S.soft_cross_entropy(b);
          b.out = pb.data();
          const LossSums sb = R.soft_cross_entropy(b);
          // float32 targets enter the float64 reference exactly; float64 ones are rounded to T
          // by the SIMD path, an error of eps(T) relative per term.
          compare_sums(sa, sb, 2 * sum_tol(pb));
          for (size_t i = 0; i < n; ++i) expect_close<T>("out", i, pa[i], pb[i]);
        }
      }
    }
  }
}

// Short rows (k <= 4 vectors: the register-resident path in classification_simd.inl) at every width
// up to past the longest any ISA takes that way, one to five rows, each generator, weighted or
// not, with ignored and out-of-range labels. On that path a loss where the true class is the max
// is also held to 1e-6 relative with an absolute slack of only 1e-12, so a tiny loss (a confident
// right answer) keeps its relative accuracy. (x - max is rounded to T, an error of eps |x - max| in
// a term exp(x - max): absolute, and below 1e-12 wherever the term is small enough to matter.)
template <class T>
void test_short_rows(const KernelTable& simd, const KernelTable& ref, const char* tname) {
  const auto& S = cls_of<T>(simd);
  const auto& R = cls_of<T>(ref);
  const std::string isa = simd.isa;
  const size_t lanes = (isa == "avx512" ? 64 : isa == "avx2" ? 32 : 16) / sizeof(T);
  const size_t short_max = 4 * lanes;
  // No rows: nothing may be read (the short-row loops load a row ahead; an empty typed array's
  // data pointer can be null). A read here faults on the null pointer.
  for (size_t k = 1; k <= short_max; ++k) {
    where = std::string(simd.isa) + " " + tname + " short rows, n=0 k=" + std::to_string(k);
    S.lse_rows(nullptr, 0, k, nullptr);
    CrossEntropyArgs<T> c{};
    c.n = 0;
    c.k = k;
    c.s = 1;
    c.inputs = Inputs::kLogits;
    c.labels = {nullptr, IntType::kInt32};
    c.ignore_index = -100;
    c.clip_eps = 1e-7;
    c.out_scale = 1;
    const LossSums r = S.cross_entropy(c);
    expect(r.loss == 0 && r.count == 0 && r.bad_index < 0, "empty cross_entropy", 0, r.loss, 0);
  }
  for (size_t k = 1; k <= 70; ++k) {
    for (int g = 0; g < kGenCount; ++g) {
      for (int variant = 0; variant < 4; ++variant) {
        const size_t n = 1 + rng() % 5;
        std::vector<T> x(n * k);
        for (size_t i = 0; i < n; ++i) fill_row(x.data() + i * k, k, static_cast<Gen>(g));
        std::vector<int32_t> labels(n);
        for (size_t i = 0; i < n; ++i) {
          // Half the rows take the argmax as their label: the smallest losses.
          size_t y = rng() % k;
          if (rng() & 1) y = static_cast<size_t>(std::max_element(x.begin() + i * k, x.begin() + (i + 1) * k) - x.begin()) - i * k;
          labels[i] = static_cast<int32_t>(y);
        }
        if (variant == 1) labels[rng() % n] = -100;
        const bool bad = variant == 3 && g % 3 == 0;
        if (bad) labels[rng() % n] = (rng() & 1) ? static_cast<int32_t>(k) : -1;
        std::vector<double> w(k);
        for (size_t c = 0; c < k; ++c) w[c] = 0.25 + (rng() % 1000) / 500.0;
        const bool weighted = variant == 2;
        where = std::string(simd.isa) + " " + tname + " short rows k=" + std::to_string(k) + " n=" + std::to_string(n) +
                " " + kGenName[g] + (weighted ? " weighted" : "") + (bad ? " bad-label" : "");

        std::vector<T> a(n), b(n);
        S.lse_rows(x.data(), n, k, a.data());
        R.lse_rows(x.data(), n, k, b.data());
        for (size_t i = 0; i < n; ++i) expect_close<T>("lse_rows", i, a[i], b[i]);

        CrossEntropyArgs<T> c{};
        c.x = x.data();
        c.n = n;
        c.k = k;
        c.s = 1;
        c.inputs = Inputs::kLogits;
        c.labels = {labels.data(), IntType::kInt32};
        c.ignore_index = -100;
        c.weight = weighted ? w.data() : nullptr;
        c.clip_eps = 1e-7;
        c.out_scale = 1;
        std::vector<T> oa(n, T(-7)), ob(n, T(-7));
        c.out = oa.data();
        const LossSums ra = S.cross_entropy(c);
        c.out = ob.data();
        const LossSums rb = R.cross_entropy(c);
        compare_sums(ra, rb, sum_tol(ob));
        if (rb.bad_index >= 0) continue;
        for (size_t i = 0; i < n; ++i) {
          expect_close<T>("out", i, oa[i], ob[i]);
          c.n = 1;
          c.x = x.data() + i * k;
          c.labels = {labels.data() + i, IntType::kInt32};
          c.out = nullptr;
          const double la = S.cross_entropy(c).loss, lb = R.cross_entropy(c).loss;
          const bool is_max = labels[i] >= 0 && x[i * k + static_cast<size_t>(labels[i])] ==
                                                    *std::max_element(x.begin() + i * k, x.begin() + (i + 1) * k);
          if (k <= short_max && is_max && std::isfinite(lb)) expect(same(la, lb, Tol<T>::rel, 1e-12), "loss (relative)", i, la, lb);
        }
      }
    }
  }
}

}  // namespace

// Rows longer than 16384 take the chunked one-pass log-sum-exp inside cross-entropy.
template <class T>
void test_cross_entropy_long(const KernelTable& simd, const KernelTable& ref, const char* tname) {
  const auto& S = cls_of<T>(simd);
  const auto& R = cls_of<T>(ref);
  for (size_t k : {16385u, 20000u, 70001u}) {
    for (int g : {kNormal, kWide, kHuge, kPosInf, kNaN, kNegInfSome, kNegInfAll}) {
      for (double smoothing : {0.0, 0.1}) {
        const size_t n = 3;
        std::vector<T> x(n * k);
        for (size_t i = 0; i < n; ++i) {
          fill_row(x.data() + i * k, k, static_cast<Gen>(g));
          if (g != kNegInfAll)
            for (size_t j = 0; j < k; j += 997) x[i * k + j] = static_cast<T>(static_cast<double>(j) / 1000);  // rising max
        }
        std::vector<int32_t> labels(n);
        for (auto& y : labels) y = static_cast<int32_t>(rng() % k);
        CrossEntropyArgs<T> a{};
        a.x = x.data();
        a.n = n;
        a.k = k;
        a.s = 1;
        a.inputs = Inputs::kLogits;
        a.labels = {labels.data(), IntType::kInt32};
        a.ignore_index = -100;
        a.smoothing = smoothing;
        a.clip_eps = 1e-7;
        a.out_scale = 1;
        std::vector<T> oa(n, T(-7)), ob(n, T(-7));
        where = std::string(simd.isa) + " " + tname + " cross_entropy long k=" + std::to_string(k) + " " + kGenName[g] +
                " eps=" + std::to_string(smoothing);
        a.out = oa.data();
        const LossSums ra = S.cross_entropy(a);
        a.out = ob.data();
        const LossSums rb = R.cross_entropy(a);
        compare_sums(ra, rb, sum_tol(ob));
        for (size_t i = 0; i < n; ++i) expect_close<T>("out", i, oa[i], ob[i]);
      }
    }
  }
}

int main() {
  const KernelTable* ref = kernels_for("scalar");
  if (!ref) {
    std::printf("FAIL: no scalar table\n");
    return 1;
  }
  int tested = 0;
  for (const char* isa : {"sse2", "avx2", "avx512", "neon"}) {
    const KernelTable* t = kernels_for(isa);
    if (!t) {
      std::printf("skip %s: not in this build or not supported by this CPU\n", isa);
      continue;
    }
    const long before = checks;
    const int fails_before = failures;
    test_lse_softmax<float>(*t, *ref, "f32");
    test_lse_softmax<double>(*t, *ref, "f64");
    test_cross_entropy<float>(*t, *ref, "f32");
    test_cross_entropy<double>(*t, *ref, "f64");
    test_cross_entropy_long<float>(*t, *ref, "f32");
    test_cross_entropy_long<double>(*t, *ref, "f64");
    test_short_rows<float>(*t, *ref, "f32");
    test_short_rows<double>(*t, *ref, "f64");
    std::printf("%-7s %ld checks, %d failures\n", isa, checks - before, failures - fails_before);
    ++tested;
  }
  std::printf("%s: %d ISA(s), %ld checks, %d failures\n", failures ? "FAIL" : "ok", tested, checks, failures);
  return failures ? 1 : 0;
}
