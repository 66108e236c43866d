// Scalar reference of the classification kernels: the plainest correct code, computed in float64
// whatever T is. It is the fallback for LOSSKIT_ISA=scalar, the oracle the fuzzers compare the
// SIMD paths with, and the path the SIMD files use for rare layouts. Included by scalar.cc and by
// the ISA files (inside their namespaces), so it has no non-inline definitions of its own.
#pragma once
#include <cmath>
#include <limits>

#include "kernels.h"

namespace losskit {
namespace ref {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// torch.logsumexp over x[0], x[stride], ... (len values): NaN if any is NaN; the max itself when
// the max is infinite; otherwise max + log(sum(exp(x - max))).
template <class T>
inline double lse_strided(const T* x, size_t len, size_t stride) noexcept {
  double m = -kInf;
  bool nan = false;
  for (size_t j = 0; j < len; ++j) {
    double v = x[j * stride];
    if (v != v) nan = true;
    else if (v > m) m = v;
  }
  if (nan) return kNaN;
  if (std::isinf(m)) return m;
  double s = 0;
  for (size_t j = 0; j < len; ++j) s += std::exp(static_cast<double>(x[j * stride]) - m);
  return m + std::log(s);
}

// log_softmax normaliser as torch computes it: the row's max m and log(sum(exp(x - m))); rows with
// a NaN or an infinite max give NaN for every class (torch.log_softmax does the same).
struct LogNorm {
  double m;
  double log_s;
  bool finite;
};

template <class T>
inline LogNorm lognorm_strided(const T* x, size_t len, size_t stride, double scale) noexcept {
  double m = -kInf;
  bool nan = false;
  for (size_t j = 0; j < len; ++j) {
    double v = static_cast<double>(x[j * stride]) * scale;
    if (v != v) nan = true;
    else if (v > m) m = v;
  }
  if (nan || std::isinf(m)) return {m, kNaN, false};
  double s = 0;
  for (size_t j = 0; j < len; ++j) s += std::exp(static_cast<double>(x[j * stride]) * scale - m);
  return {m, std::log(s), true};
}

inline double clip(double p, double eps) noexcept {
  if (p != p) return p;
  return p < eps ? eps : (p > 1 - eps ? 1 - eps : p);
}

// log p of class c for one sample whose scores are x[c * stride].
template <class T>
inline double log_prob(const T* x, size_t c, size_t stride, Inputs inputs, const LogNorm& ln, double eps) noexcept {
  double v = x[c * stride];
  switch (inputs) {
    case Inputs::kLogits: return ln.finite ? (v - ln.m) - ln.log_s : kNaN;
    case Inputs::kProbabilities: return std::log(clip(v, eps));
    case Inputs::kLogProbabilities: return v;
  }
  return kNaN;
}

template <class T>
inline void lse_rows(const T* x, size_t n, size_t k, T* out) noexcept {
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<T>(lse_strided(x + i * k, k, 1));
}

template <class T>
inline double lse_all(const T* x, size_t len) noexcept {
  return lse_strided(x, len, 1);
}

template <class T>
inline void softmax_rows(const T* x, size_t n, size_t k, T inv_temp, bool log, T* out) noexcept {
  for (size_t i = 0; i < n; ++i) {
    const T* row = x + i * k;
    LogNorm ln = lognorm_strided(row, k, 1, inv_temp);
    for (size_t j = 0; j < k; ++j) {
      double lp = ln.finite ? (static_cast<double>(row[j]) * inv_temp - ln.m) - ln.log_s : kNaN;
      out[i * k + j] = static_cast<T>(log ? lp : std::exp(lp));
    }
  }
}

template <class T>
inline LossSums cross_entropy(const CrossEntropyArgs<T>& a) noexcept {
  LossSums r;
  const double eps = a.smoothing;
  for (size_t i = 0; i < a.n; ++i) {
    for (size_t j = 0; j < a.s; ++j) {
      const size_t idx = i * a.s + j;
      const int64_t y = label_at(a.labels, idx);
      if (y == a.ignore_index) {
        if (a.out) a.out[idx] = 0;
        continue;
      }
      if (y < 0 || y >= static_cast<int64_t>(a.k)) {
        r.bad_index = static_cast<int64_t>(idx);
        r.bad_value = y;
        return r;
      }
      const T* x = a.x + i * a.k * a.s + j;
      LogNorm ln{0, 0, true};
      if (a.inputs == Inputs::kLogits) ln = lognorm_strided(x, a.k, a.s, 1.0);
      const double wy = a.weight ? a.weight[y] : 1.0;
      double loss = -wy * log_prob(x, static_cast<size_t>(y), a.s, a.inputs, ln, a.clip_eps);
      if (eps > 0) {
        double smooth = 0;
        for (size_t c = 0; c < a.k; ++c)
          smooth += (a.weight ? a.weight[c] : 1.0) * log_prob(x, c, a.s, a.inputs, ln, a.clip_eps);
        loss = (1 - eps) * loss - eps / static_cast<double>(a.k) * smooth;
      }
      r.loss += loss;
      r.weight += wy;
      r.count += 1;
      if (a.out) a.out[idx] = static_cast<T>(loss * a.out_scale);
    }
  }
  return r;
}

template <class T, class U>
inline LossSums soft_cross_entropy_t(const SoftCrossEntropyArgs<T>& a, const U* t) noexcept {
  LossSums r;
  const double eps = a.smoothing;
  for (size_t i = 0; i < a.n; ++i) {
    for (size_t j = 0; j < a.s; ++j) {
      const size_t base = i * a.k * a.s + j;
      const T* x = a.x + base;
      LogNorm ln{0, 0, true};
      if (a.inputs == Inputs::kLogits) ln = lognorm_strided(x, a.k, a.s, 1.0);
      double loss = 0;
      for (size_t c = 0; c < a.k; ++c) {
        double tc = static_cast<double>(t[base + c * a.s]) * (1 - eps) + eps / static_cast<double>(a.k);
        loss -= (a.weight ? a.weight[c] : 1.0) * tc * log_prob(x, c, a.s, a.inputs, ln, a.clip_eps);
      }
      r.loss += loss;
      r.weight += 1;
      r.count += 1;
      if (a.out) a.out[i * a.s + j] = static_cast<T>(loss * a.out_scale);
    }
  }
  return r;
}

template <class T>
inline LossSums soft_cross_entropy(const SoftCrossEntropyArgs<T>& a) noexcept {
  return a.targets_f64 ? soft_cross_entropy_t(a, static_cast<const double*>(a.targets))
                       : soft_cross_entropy_t(a, static_cast<const float*>(a.targets));
}

}  // namespace ref
}  // namespace losskit
