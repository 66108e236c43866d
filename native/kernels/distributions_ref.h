// Scalar reference of the distribution kernels (KL divergence, entropy) and the integer-label
// kernels (smoothing, seeded flipping, counting), computed in float64. Included by scalar.cc and
// the ISA files; everything is inline.
//
// Conventions (API.md, test/support/README.md "Distributions"):
// - 0 log 0 = 0: a p = 0 term contributes 0 whatever q is (torch.kl_div gives NaN where also
//   log q = -Inf); p > 0 where q = 0 gives +Inf. A NaN in p or log q makes the term NaN.
// - Rows are used as given, never renormalised (torch semantics; scipy.stats.entropy would).
// - Logits go through a stable log-softmax; a row whose max is NaN or +-Inf is NaN (torch).
#pragma once
#include <cmath>
#include <cstdint>
#include <limits>

#include "kernels.h"

namespace losskit {
namespace ref {

namespace dist {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kNegInf = -std::numeric_limits<double>::infinity();

// The row's max and log(sum(exp(x - max))), or finite = false when the log-softmax is NaN.
template <class T>
inline bool log_softmax_norm(const T* x, size_t k, double* m, double* ls) noexcept {
  double mx = kNegInf;
  bool nan = false;
  for (size_t j = 0; j < k; ++j) {
    const double v = x[j];
    if (v != v) nan = true;
    else if (v > mx) mx = v;
  }
  if (nan || !std::isfinite(mx)) return false;
  double s = 0;
  for (size_t j = 0; j < k; ++j) s += std::exp(static_cast<double>(x[j]) - mx);
  *m = mx;
  *ls = std::log(s);
  return true;
}

// One KL term p (log p - log q) with the 0 log 0 rule.
inline double kl_term(double p, double lq) noexcept {
  if (lq != lq) return kNaN;
  if (p == 0) return 0;
  return p * (std::log(p) - lq);
}
}  // namespace dist

template <class T, class U>
inline double kl_row(const T* p, const U* q, size_t k, Inputs inputs) noexcept {
  double r = 0;
  if (inputs == Inputs::kLogits) {
    double m, ls;
    if (!dist::log_softmax_norm(q, k, &m, &ls)) return dist::kNaN;
    for (size_t j = 0; j < k; ++j) r += dist::kl_term(p[j], (static_cast<double>(q[j]) - m) - ls);
    return r;
  }
  for (size_t j = 0; j < k; ++j) {
    const double qj = q[j];
    r += dist::kl_term(p[j], inputs == Inputs::kProbabilities ? std::log(qj) : qj);
  }
  return r;
}

template <class T, class U>
inline double kl_div_t(const KlArgs<T>& a, const U* q) noexcept {
  double total = 0;
  for (size_t i = 0; i < a.n; ++i) {
    const double r = kl_row(a.p + i * a.k, q + i * a.k, a.k, a.inputs);
    total += r;
    if (a.out) a.out[i] = static_cast<T>(r * a.out_scale);
  }
  return total;
}

template <class T>
inline double kl_div(const KlArgs<T>& a) noexcept {
  return a.q_f64 ? kl_div_t(a, static_cast<const double*>(a.q)) : kl_div_t(a, static_cast<const float*>(a.q));
}

// H = -sum p log p (0 log 0 = 0); from log-probabilities lp, -sum exp(lp) lp with lp = -Inf giving 0.
template <class T>
inline double entropy_row(const T* x, size_t k, Inputs inputs) noexcept {
  double h = 0;
  if (inputs == Inputs::kProbabilities) {
    for (size_t j = 0; j < k; ++j) {
      const double p = x[j];
      if (p != 0) h -= p * std::log(p);
    }
    return h;
  }
  double m = 0, ls = 0;
  if (inputs == Inputs::kLogits && !dist::log_softmax_norm(x, k, &m, &ls)) return dist::kNaN;
  for (size_t j = 0; j < k; ++j) {
    const double lp = inputs == Inputs::kLogits ? (static_cast<double>(x[j]) - m) - ls : static_cast<double>(x[j]);
    if (lp != dist::kNegInf) h -= std::exp(lp) * lp;
  }
  return h;
}

template <class T>
inline void entropy_rows(const T* x, size_t n, size_t k, Inputs inputs, double scale, T* out) noexcept {
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<T>(entropy_row(x + i * k, k, inputs) * scale);
}

inline int64_t smooth_labels(LabelView labels, size_t n, size_t k, float on, float off, float* out,
                             int64_t* bad_value) noexcept {
  for (size_t i = 0; i < n; ++i) {
    const int64_t y = label_at(labels, i);
    if (y < 0 || y >= static_cast<int64_t>(k)) {
      *bad_value = y;
      return static_cast<int64_t>(i);
    }
    float* row = out + i * k;
    for (size_t j = 0; j < k; ++j) row[j] = off;
    row[y] = on;
  }
  return -1;
}

inline int64_t bincount(LabelView labels, size_t n, size_t k, double* counts, int64_t* bad_value) noexcept {
  for (size_t i = 0; i < n; ++i) {
    const int64_t y = label_at(labels, i);
    if (y < 0 || y >= static_cast<int64_t>(k)) {
      *bad_value = y;
      return static_cast<int64_t>(i);
    }
    counts[y] += 1;
  }
  return -1;
}

// Philox4x32-10 (Salmon, Moraes, Dror, Shaw, "Parallel random numbers: as easy as 1, 2, 3",
// SC 2011): a counter-based generator, so label i's random bits depend only on (seed, i). The
// output is the same on every platform (32-bit integer arithmetic only), for any split of the
// input across threads, and for any prefix of the labels. Checked against Random123's
// known-answer vectors in test/distributions.test.ts.
struct Philox4x32 {
  uint32_t v[4];
};

inline void mulhilo32(uint32_t a, uint32_t b, uint32_t* hi, uint32_t* lo) noexcept {
  const uint64_t p = static_cast<uint64_t>(a) * b;
  *hi = static_cast<uint32_t>(p >> 32);
  *lo = static_cast<uint32_t>(p);
}

inline Philox4x32 philox4x32_10(const uint32_t ctr_in[4], const uint32_t key_in[2]) noexcept {
  uint32_t c0 = ctr_in[0], c1 = ctr_in[1], c2 = ctr_in[2], c3 = ctr_in[3];
  uint32_t k0 = key_in[0], k1 = key_in[1];
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {  // the Weyl key schedule bumps the key before rounds 2..10
      k0 += 0x9E3779B9u;
      k1 += 0xBB67AE85u;
    }
    uint32_t hi0, lo0, hi1, lo1;
    mulhilo32(0xD2511F53u, c0, &hi0, &lo0);
    mulhilo32(0xCD9E8D57u, c2, &hi1, &lo1);
    const uint32_t n0 = hi1 ^ c1 ^ k0, n2 = hi0 ^ c3 ^ k1;
    c0 = n0;
    c1 = lo1;
    c2 = n2;
    c3 = lo0;
  }
  return {{c0, c1, c2, c3}};
}

// Label i: block j = 0 is Philox(counter = (lo32 i, hi32 i, 0, 0), key = (lo32 seed, hi32 seed)).
// Words 0 and 1 give u = (w0 * 2^32 + w1) >> 11 as a 53-bit fraction; the label flips iff
// u * 2^-53 < eps. A flipped label draws r uniform in [0, k - 1) from the following words by
// Lemire's multiply-shift with rejection (unbiased), taking blocks j = 1, 2, ... when a block's
// words run out, and becomes r if r < y, else r + 1.
inline int64_t flip_labels(LabelView labels, size_t n, size_t k, double eps, uint64_t seed, int32_t* out,
                           int64_t* bad_value) noexcept {
  const uint32_t key[2] = {static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32)};
  const uint32_t range = static_cast<uint32_t>(k - 1);
  // Reject the low products below 2^32 mod range (Lemire 2019, "Fast random integer generation in
  // an interval").
  const uint32_t threshold = range ? static_cast<uint32_t>((0x100000000ull - range) % range) : 0;
  for (size_t i = 0; i < n; ++i) {
    const int64_t y = label_at(labels, i);
    if (y < 0 || y >= static_cast<int64_t>(k)) {
      *bad_value = y;
      return static_cast<int64_t>(i);
    }
    out[i] = static_cast<int32_t>(y);
    if (range == 0 || !(eps > 0)) continue;
    const uint64_t idx = static_cast<uint64_t>(i);
    uint32_t ctr[4] = {static_cast<uint32_t>(idx), static_cast<uint32_t>(idx >> 32), 0, 0};
    Philox4x32 b = philox4x32_10(ctr, key);
    const uint64_t u = ((static_cast<uint64_t>(b.v[0]) << 32) | b.v[1]) >> 11;
    if (!(static_cast<double>(u) * 0x1p-53 < eps)) continue;
    int w = 2;
    for (;;) {
      if (w == 4) {
        ++ctr[2];
        b = philox4x32_10(ctr, key);
        w = 0;
      }
      const uint64_t m = static_cast<uint64_t>(b.v[w++]) * range;
      if (static_cast<uint32_t>(m) < threshold) continue;
      const int64_t r = static_cast<int64_t>(m >> 32);
      out[i] = static_cast<int32_t>(r < y ? r : r + 1);
      break;
    }
  }
  return -1;
}

}  // namespace ref
}  // namespace losskit
