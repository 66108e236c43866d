// Scalar reference of the dense family (binary cross-entropy, sigmoid / softmax / heatmap focal
// losses, MSE), computed in float64 whatever T is, plus the Gaussian target renderer, which has a
// single implementation for every ISA (it is bound by std::exp per visible pixel, not by memory, and
// this way every path paints the same bits). Included by scalar.cc, by the ISA files and by the
// glue, so it has no non-inline definitions.
#pragma once
#include <cmath>
#include <cstdint>
#include <limits>

#include "classification_ref.h"
#include "kernels.h"

namespace losskit {
namespace ref {

constexpr double kDenseNaN = std::numeric_limits<double>::quiet_NaN();

inline double fv_at(FloatView v, size_t i) noexcept {
  return v.f64 ? static_cast<const double*>(v.data)[i] : static_cast<double>(static_cast<const float*>(v.data)[i]);
}

// log(1 + exp(-|x|)): the part of softplus that never overflows.
inline double softplus_tail(double x) noexcept { return std::log1p(std::exp(-std::fabs(x))); }

// Binary cross-entropy with logits, torch.binary_cross_entropy_with_logits with pos_weight pw:
//   l = (1 - t) x + (1 + (pw - 1) t) softplus(-x).
// Writing x = max(x, 0) - max(-x, 0) turns it into a sum of non-negative terms for t in [0, 1]:
//   l = (1 - t) max(x, 0) + pw t max(-x, 0) + (1 + (pw - 1) t) log1p(exp(-|x|)),
// exact for any finite x (no cancellation: x = +-1e4 gives 0 or 1e4 exactly). torch's own form gives
// NaN for x = -Inf (-Inf + Inf); the select below keeps that, so infinities match torch too.
inline double bce_logits(double x, double t, double pw) noexcept {
  const double l = (1 - t) * std::fmax(x, 0.0) + pw * t * std::fmax(-x, 0.0) + (1 + (pw - 1) * t) * softplus_tail(x);
  return x == -std::numeric_limits<double>::infinity() ? kDenseNaN : l;
}

// torch.binary_cross_entropy: each log clamped at -100, so p exactly 0 or 1 gives finite 100 * ...
inline double bce_probs(double p, double t) noexcept {
  double lp = std::log(p), lq = std::log(1 - p);
  lp = lp != lp ? lp : std::fmax(lp, -100.0);
  lq = lq != lq ? lq : std::fmax(lq, -100.0);
  return -(t * lp + (1 - t) * lq);
}

template <class T>
inline LossSums bce(const BinaryArgs<T>& a) noexcept {
  LossSums r;
  for (size_t i = 0; i < a.n; ++i) {
    const double x = a.x[i], t = fv_at(a.targets, i);
    double l = a.probabilities ? bce_probs(x, t) : bce_logits(x, t, a.pos_weight.data ? fv_at(a.pos_weight, i % a.c) : 1.0);
    if (a.weight.data) l *= fv_at(a.weight, i);
    r.loss += l;
    if (a.out) a.out[i] = static_cast<T>(l * a.out_scale);
  }
  r.count = static_cast<int64_t>(a.n);
  r.weight = static_cast<double>(a.n);
  return r;
}

// sigmoid(x) and sigmoid(-x) from e = exp(-|x|), each with full relative accuracy in its tail.
inline void sigmoid_pair(double x, double* s_pos, double* s_neg) noexcept {
  const double e = std::exp(-std::fabs(x)), r = 1 / (1 + e);
  *s_pos = x >= 0 ? r : e * r;
  *s_neg = x >= 0 ? e * r : r;
}

// torchvision.ops.sigmoid_focal_loss (Lin et al., RetinaNet): alpha_t (1 - p_t)^gamma ce with
// ce = BCE with logits and 1 - p_t = t sigmoid(-x) + (1 - t) sigmoid(x); both sigmoids come from
// exp(-|x|), so no term overflows or cancels for large |x|.
inline double sigmoid_focal(double x, double t, double alpha, double gamma) noexcept {
  double sp, sn;
  sigmoid_pair(x, &sp, &sn);
  const double m = t * sn + (1 - t) * sp;
  const double mod = gamma == 0 ? 1.0 : (gamma == 2 ? m * m : std::pow(m, gamma));
  double l = mod * bce_logits(x, t, 1.0);
  if (alpha >= 0) l *= alpha * t + (1 - alpha) * (1 - t);
  return l;
}

template <class T>
inline LossSums sigmoid_focal(const BinaryArgs<T>& a) noexcept {
  LossSums r;
  for (size_t i = 0; i < a.n; ++i) {
    const double l = sigmoid_focal(a.x[i], fv_at(a.targets, i), a.alpha, a.gamma);
    r.loss += l;
    if (a.out) a.out[i] = static_cast<T>(l * a.out_scale);
  }
  r.count = static_cast<int64_t>(a.n);
  r.weight = static_cast<double>(a.n);
  return r;
}

// -alpha_y (1 - p_y)^gamma log p_y, with 1 - p_y = -expm1(log p_y) (exact as p_y -> 1). log p_y
// from log_softmax (logits), the clipped log (probabilities, as crossEntropy) or as given.
inline double softmax_focal_term(double logp, double alpha, double gamma) noexcept {
  const double om = -std::expm1(logp);
  const double mod = gamma == 0 ? 1.0 : std::pow(om, gamma);
  return -alpha * mod * logp;
}

template <class T>
inline LossSums softmax_focal(const SoftmaxFocalArgs<T>& a) noexcept {
  LossSums r;
  for (size_t i = 0; i < a.n; ++i) {
    const int64_t y = label_at(a.labels, i);
    if (y == a.ignore_index) {
      if (a.out) a.out[i] = 0;
      continue;
    }
    if (y < 0 || y >= static_cast<int64_t>(a.k)) {
      r.bad_index = static_cast<int64_t>(i);
      r.bad_value = y;
      return r;
    }
    const T* row = a.x + i * a.k;
    LogNorm ln{0, 0, true};
    if (a.inputs == Inputs::kLogits) ln = lognorm_strided(row, a.k, 1, 1.0);
    const double lp = log_prob(row, static_cast<size_t>(y), 1, a.inputs, ln, a.clip_eps);
    const double l = softmax_focal_term(lp, a.alpha ? a.alpha[y] : a.alpha_scalar, a.gamma);
    r.loss += l;
    r.weight += 1;
    r.count += 1;
    if (a.out) a.out[i] = static_cast<T>(l);
  }
  return r;
}

// CornerNet (Law & Deng 2018, eq. 1) per pixel. Positives (gt == 1): -(1 - p)^alpha log p; the
// rest: -(1 - gt)^beta p^alpha log(1 - p). Probabilities are clamped to [1e-4, 1 - 1e-4] as
// CornerNet clamps its sigmoid (1 - p is clamped on its own, so a prediction of exactly 1 gives
// log(1e-4) to full precision); logits use log p = -softplus(-x), log(1 - p) = -softplus(x).
constexpr double kHeatmapClip = 1e-4;

inline double heatmap_term(double x, double g, bool logits, double alpha, double beta, bool* pos) noexcept {
  *pos = g == 1;
  if (x != x || g != g) return kDenseNaN;
  double p, q, lp, lq;
  if (logits) {
    sigmoid_pair(x, &p, &q);
    const double tail = softplus_tail(x);
    lp = -(std::fmax(-x, 0.0) + tail);
    lq = -(std::fmax(x, 0.0) + tail);
  } else {
    p = x != x ? x : std::fmin(std::fmax(x, kHeatmapClip), 1 - kHeatmapClip);
    q = x != x ? x : std::fmin(std::fmax(1 - x, kHeatmapClip), 1 - kHeatmapClip);
    lp = std::log(p);
    lq = std::log(q);
  }
  if (*pos) return -std::pow(q, alpha) * lp;
  return -std::pow(1 - g, beta) * std::pow(p, alpha) * lq;
}

inline bool heatmap_gt_ok(double g) noexcept { return !(g < 0 || g > 1); }  // NaN passes (propagates)

template <class T>
inline HeatmapSums heatmap_focal(const HeatmapArgs<T>& a) noexcept {
  HeatmapSums r;
  for (size_t i = 0; i < a.n; ++i) {
    const double g = fv_at(a.gt, i);
    if (!heatmap_gt_ok(g)) {
      r.bad_index = static_cast<int64_t>(i);
      r.bad_value = g;
      return r;
    }
    bool pos;
    const double l = heatmap_term(a.pred[i], g, a.logits, a.alpha, a.beta, &pos);
    r.loss += l;
    if (pos) {
      r.pos_loss += l;
      r.pos += 1;
    }
    if (a.out) a.out[i] = static_cast<T>(l);
  }
  return r;
}

template <class T>
inline LossSums mse(const MseArgs<T>& a) noexcept {
  LossSums r;
  const size_t block = a.weight.data ? a.n / a.weight_len : 1;
  for (size_t i = 0; i < a.n; ++i) {
    const double d = static_cast<double>(a.pred[i]) - fv_at(a.target, i);
    double l = d * d;
    if (a.weight.data) l *= fv_at(a.weight, i / block);
    r.loss += l;
    if (a.out) a.out[i] = static_cast<T>(l);
  }
  r.count = static_cast<int64_t>(a.n);
  r.weight = static_cast<double>(a.n);
  return r;
}

// ---- Gaussian targets (CenterNet's draw_umich_gaussian) ----

// Max-combines k * exp(-(dx^2 + dy^2) / (2 sigma^2)), sigma = (2r + 1) / 6, into the h x w map at
// integer centre (cx, cy); kernel values below DBL_EPSILON times its maximum (1, at the centre) are
// zeroed, as CenterNet's gaussian2D. Only the part of the (2r + 1)^2 window inside the map is
// touched, so a centre on or beyond a border paints what reaches inside. NaN in the map stays NaN.
template <class T>
inline void draw_gaussian(T* map, int64_t h, int64_t w, int64_t cx, int64_t cy, int64_t r, double k) noexcept {
  if (r < 0 || h <= 0 || w <= 0) return;
  const int64_t y0 = cy - r < 0 ? 0 : cy - r, y1 = cy + r >= h ? h - 1 : cy + r;
  const int64_t x0 = cx - r < 0 ? 0 : cx - r, x1 = cx + r >= w ? w - 1 : cx + r;
  if (y0 > y1 || x0 > x1) return;
  const double sigma = static_cast<double>(2 * r + 1) / 6.0;
  const double den = 2 * sigma * sigma;
  const double eps = std::numeric_limits<double>::epsilon();
  for (int64_t y = y0; y <= y1; ++y) {
    const double dy = static_cast<double>(y - cy);
    T* row = map + y * w;
    for (int64_t x = x0; x <= x1; ++x) {
      const double dx = static_cast<double>(x - cx);
      double g = std::exp(-(dx * dx + dy * dy) / den);
      if (g < eps) g = 0;
      const double v = g * k;
      const double cur = row[x];
      if (cur < v) row[x] = static_cast<T>(v);
    }
  }
}

}  // namespace ref
}  // namespace losskit
