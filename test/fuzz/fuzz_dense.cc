// Fuzzes the dense kernels (binary cross-entropy on logits and probabilities with posWeight and
// weight, sigmoid and softmax focal losses, CornerNet's heatmap focal loss in both input modes with
// the glue's reductions, MSE with weights): every SIMD table against the scalar reference, see
// fuzz.h. Also the Gaussian target renderer (drawGaussian / renderHeatmaps), which has one
// implementation: exact-size maps so ASan sees any write outside them, and its contract checked
// (nothing outside the clipped window changes, max-combine, the peak, symmetry, float32 = float64).
//
// The SIMD dense kernels flush subnormal results to zero (FTZ, dense_simd.inl), and float32 kernels
// round float64 targets and weights to float32: a value or product below float32's normal range
// may act as 0, so magnitudes count every factor as at least 1e-32
// (float32) and sums get an absolute allowance of 1e-30 (float32) / 1e-300 (float64) per element.
#include <algorithm>

#include "fuzz.h"
#include "../../native/kernels/dense_ref.h"

using namespace losskit;
using fuzz::Buf;
using fuzz::Check;
using fuzz::Input;
using fuzz::pick_len;

namespace {

template <class T>
const DenseOps<T>& dense(const KernelTable& t);
template <>
const DenseOps<float>& dense<float>(const KernelTable& t) { return t.dense_f32; }
template <>
const DenseOps<double>& dense<double>(const KernelTable& t) { return t.dense_f64; }


template <class T>
double max_abs_finite(const T* x, size_t n) {
  double m = 0;
  for (size_t i = 0; i < n; ++i)
    if (std::isfinite(static_cast<double>(x[i]))) m = std::max(m, std::fabs(static_cast<double>(x[i])));
  return m;
}

// A float array of either type (targets, weights, gt), exactly sized.
struct Floats {
  Buf<float> f32;
  Buf<double> f64;
  bool is64 = false;
  size_t n = 0;
  double at(size_t i) const { return is64 ? f64[i] : static_cast<double>(f32[i]); }
  FloatView view() const {
    return FloatView{is64 ? static_cast<const void*>(f64.data()) : static_cast<const void*>(f32.data()), is64};
  }
  double max_abs() const { return is64 ? max_abs_finite(f64.data(), n) : max_abs_finite(f32.data(), n); }
};

template <class Gen>
Floats floats(Input& in, size_t n, Gen gen) {
  Floats f;
  f.is64 = in.coin();
  f.n = n;
  if (f.is64) f.f64.reset(n, in.range(0, 3));
  else f.f32.reset(n, in.range(0, 3));
  for (size_t i = 0; i < n; ++i) {
    const double v = gen();
    if (f.is64) f.f64[i] = v;
    else f.f32[i] = static_cast<float>(v);
  }
  return f;
}

// A target or weight: mostly in [0, 1] (0 and 1 exactly often), sometimes any value.
double unitish(Input& in) {
  const uint8_t r = in.u8();
  if (r < 40) return 0;
  if (r < 90) return 1;
  if (r < 225) return in.unit();
  return in.value<double>(3);
}

template <class T>
constexpr double small_floor() { return sizeof(T) == 4 ? 1e-32 : 0; }
template <class T>
double mg(double v) { return std::fabs(v) + small_floor<T>(); }
template <class T>
constexpr double sum_floor() { return sizeof(T) == 4 ? 1e-30 : 1e-300; }

// float32 kernels read a float64 weight below float32's normal range as 0 (or a subnormal that
// FTZ products flush): times an infinite loss term that is NaN where the float64 reference has
// +-Inf. Like fuzz.h's overflows, such inputs are run but not compared.
template <class T, class X>
bool tiny_weight_times_inf(const Floats& w, const X* x, size_t n, const Floats& t) {
  if (sizeof(T) == 8 || !w.n) return false;
  bool tiny = false, inf = false;
  for (size_t i = 0; i < w.n; ++i)
    if (w.at(i) != 0 && std::fabs(w.at(i)) < 1.2e-38) tiny = true;
  for (size_t i = 0; i < n; ++i)
    if (std::isinf(static_cast<double>(x[i])) || std::isinf(t.at(i))) inf = true;
  return tiny && inf;
}

// An infinite weight (or target, posWeight) times a term that underflows to 0 in T or is flushed
// (FTZ), but not in the float64 reference: NaN against +-Inf. Run but not compared.
inline bool has_inf(const Floats& f) {
  for (size_t i = 0; i < f.n; ++i)
    if (std::isinf(f.at(i))) return true;
  return false;
}

// ---- binaryCrossEntropy / sigmoidFocalLoss ----

template <class T>
void fuzz_binary(Input& in, bool focal) {
  const size_t n = pick_len(in, 70, 5000);
  const bool probs = !focal && in.coin();
  const double spread = probs ? 1.2 : (in.coin(4) ? 200 : 12);
  Buf<T> x(n, in.range(0, 7));
  for (size_t i = 0; i < n; ++i) x[i] = probs && !in.coin(8) ? static_cast<T>(unitish(in)) : in.value<T>(spread);
  Floats tg = floats(in, n, [&] { return unitish(in); });
  Floats w, pw;
  size_t c = 1;
  if (!focal && in.coin(3)) w = floats(in, n, [&] { return in.coin(8) ? in.value<double>(4) : in.unit() * 3; });
  if (!focal && !probs && in.coin(3) && n > 0) {
    std::vector<size_t> divs;
    for (size_t d = 1; d <= n && divs.size() < 16; ++d)
      if (n % d == 0) divs.push_back(d);
    c = in.coin(4) ? n : divs[in.range(0, divs.size() - 1)];
    pw = floats(in, c, [&] { return in.coin(8) ? in.value<double>(4) : in.unit() * 5; });
  }
  double alpha = -1, gamma = 0;
  if (focal) {
    switch (in.u8() % 5) {
      case 0: alpha = 0.25; break;
      case 1: alpha = -1; break;
      case 2: alpha = in.value<double>(2); break;
      default: alpha = in.unit(); break;
    }
    if (!std::isfinite(alpha)) alpha = 0.25;  // the glue requires a finite alpha
    switch (in.u8() % 6) {
      case 0: gamma = 0; break;
      case 1: gamma = 1; break;
      case 2: gamma = 2; break;
      case 3: gamma = static_cast<double>(in.range(3, 9)); break;
      case 4: gamma = std::fabs(in.value<double>(3)); break;
      default: gamma = in.unit() * 5; break;
    }
    if (!std::isfinite(gamma)) gamma = 2;  // finite, >= 0
  }
  const bool want_out = in.coin();
  const double scale = focal || in.coin() ? 1 : 1 / std::log(2.0);
  auto args = [&](const T* xp, T* out) {
    return BinaryArgs<T>{xp, n, tg.view(), w.n ? w.view() : FloatView{nullptr, false}, pw.n ? pw.view() : FloatView{nullptr, false},
                         c, probs, alpha, gamma, out, scale};
  };
  Buf<T> ref_out(want_out ? n : 0, 0);
  const DenseOps<T>& so = dense<T>(fuzz::scalar());
  const LossSums ref = focal ? so.sigmoid_focal(args(x.data(), want_out ? ref_out.data() : nullptr))
                             : so.bce(args(x.data(), want_out ? ref_out.data() : nullptr));

  // Domain: in float32, targets, weights, posWeight, alpha and x must keep their products finite.
  const double lim = sizeof(T) == 4 ? 1e15 : 1e100;
  bool compare = max_abs_finite(x.data(), n) < lim && tg.max_abs() < lim && w.max_abs() < lim && pw.max_abs() < lim &&
                       std::fabs(alpha) < lim && !tiny_weight_times_inf<T>(w, x.data(), n, tg) &&
                 !has_inf(tg) && !has_inf(w) && !has_inf(pw);
  std::vector<double> mag(n, 0);
  double total = 0;
  for (size_t i = 0; i < n; ++i) {
    const double xv = std::fabs(static_cast<double>(x[i])), t = tg.at(i);
    const double at = mg<T>(t), amt = mg<T>(1 - t);
    double a;
    if (probs) {
      const double p = static_cast<double>(x[i]);
      const double lp = std::min(100.0, std::fabs(std::log(std::fabs(p)))), lq = std::min(100.0, std::fabs(std::log(std::fabs(1 - p))));
      a = at * (lp + 1) + amt * (lq + 1);
    } else {
      const double pwv = pw.n ? mg<T>(pw.at(i % c)) : 1;
      a = amt * xv + pwv * at * xv + (1 + (pwv + 1) * at) * 1.0 + 1;
    }
    if (focal) {
      // (1 - p_t)^gamma: m = t sigmoid(-x) + (1 - t) sigmoid(x) has an error of tol |terms|, which
      // m^gamma amplifies by gamma / m; bounded through |terms|^gamma (1 + gamma) (2 + |log|terms||).
      double sp, sn;
      ref::sigmoid_pair(static_cast<double>(x[i]), &sp, &sn);
      const double mu = at * (sn != sn ? 1 : sn) + amt * (sp != sp ? 1 : sp);
      // A target outside [0, 1] can make 1 - p_t = t sigmoid(-x) + (1 - t) sigmoid(x) cancel to
      // about 0, where its sign is the rounding's: negative gives NaN for a non-integer gamma (as
      // pow does), positive a number. Kernel (in T) and reference (in double) may round to either.
      const double m_signed = t * sn + (1 - t) * sp;
      if (gamma != std::floor(gamma) && (t < 0 || t > 1) && std::fabs(m_signed) <= fuzz::tol<T>() * mu) compare = false;
      const double mod = gamma == 0 ? 1 : std::pow(mu, gamma) * (1 + gamma) * (2 + std::fabs(std::log(mu)));
      a *= mod;
      // 1 - alpha is formed from alpha in T: its terms are 1 and |alpha|.
      if (alpha >= 0) a *= mg<T>(alpha) * at + (1 + std::fabs(alpha)) * amt;
    }
    if (w.n) a *= mg<T>(w.at(i));
    mag[i] = a;
    total += a;
  }
  // Finite terms past T's range (|1 - p_t|^gamma with targets far outside [0, 1]) overflow in T.
  if (std::isfinite(total) && total > (sizeof(T) == 4 ? 1e30 : 1e300)) compare = false;
  // The dense kernels run with subnormals flushed (inputs and results, README "Speed of
  // heatmapFocalLoss"): a subnormal alpha is 0 there and not in the reference.
  if (alpha != 0 && std::fabs(alpha) < std::numeric_limits<T>::min()) compare = false;
  // A gamma below float32's range is 0 in a float32 kernel but not in the reference.
  if (sizeof(T) == 4 && gamma > 0 && (gamma < 1e-30 || gamma > 1e30)) compare = false;  // and past it, Inf
  const double t = fuzz::tol<T>() + n * 0x1p-52;
  fuzz::for_each_simd([&](const KernelTable& tab, const char* isa) {
    char what[64];
    std::snprintf(what, sizeof what, "%s%s gamma=%g alpha=%g", focal ? "sigmoid_focal" : probs ? "bce[probs]" : "bce[logits]",
                  w.n ? "+weight" : "", gamma, alpha);
    Check ck{fuzz::shape<T>(what, isa, n, c)};
    const DenseOps<T>& o = dense<T>(tab);
    Buf<T> out(want_out ? n : 0, in.range(0, 3)), out2(want_out ? n : 0, 4);
    const LossSums r = focal ? o.sigmoid_focal(args(x.data(), want_out ? out.data() : nullptr)) : o.bce(args(x.data(), want_out ? out.data() : nullptr));
    Buf<T> x2 = x.moved(x.offset ^ 1);
    const LossSums r2 = focal ? o.sigmoid_focal(args(x2.data(), want_out ? out2.data() : nullptr)) : o.bce(args(x2.data(), want_out ? out2.data() : nullptr));
    ck.exact("loss at another alignment", r2.loss, r.loss);
    if (want_out) ck.same_array("out", out, out2);
    ck.exact("count", static_cast<double>(r.count), static_cast<double>(ref.count));
    ck.exact("weight", r.weight, ref.weight);
    if (!compare) {
      ++fuzz::stats().skipped_domain;
      return;
    }
    ck.value("loss", r.loss, ref.loss, total, t, sum_floor<T>() * static_cast<double>(n));
    if (want_out)
      for (size_t i = 0; i < n; ++i) ck.element("out", i, out[i], ref_out[i], mag[i] * scale + 1e-300, t);
  });
}

// ---- softmaxFocalLoss ----

LabelView make_labels(Input& in, size_t count, size_t k, int64_t ignore, std::vector<uint8_t>& store) {
  const IntType type = static_cast<IntType>(in.range(0, 5));
  std::vector<int64_t> vals(count);
  for (size_t i = 0; i < count; ++i) {
    int64_t v;
    const uint8_t r = in.u8();
    if (r < 225) v = static_cast<int64_t>(in.range(0, k - 1));
    else if (r < 245) v = ignore;
    else v = static_cast<int64_t>(in.u32()) - (in.coin() ? 0 : 2147483648LL);
    vals[i] = v;
  }
  return fuzz::store_labels(type, vals, store);
}

template <class T>
void fuzz_softmax_focal(Input& in) {
  const size_t k = 1 + pick_len(in, 30, 400);
  const size_t n = in.range(0, k > 64 ? 4 : 12);
  const Inputs inputs = static_cast<Inputs>(in.range(0, 2));
  const int64_t ignore = in.coin(4) ? static_cast<int64_t>(in.range(0, k)) : -100;
  Buf<T> x(n * k, in.range(0, 7));
  for (size_t i = 0; i < x.n; ++i)
    x[i] = inputs == Inputs::kProbabilities ? static_cast<T>(unitish(in)) : inputs == Inputs::kLogProbabilities && in.coin(3) ? static_cast<T>(-in.unit() * 20)
                                                                                                                             : in.value<T>(in.coin(4) ? 1e3 : 10);
  std::vector<uint8_t> store;
  const LabelView lv = make_labels(in, n, k, ignore, store);
  std::vector<double> alpha;
  if (in.coin(3)) {
    alpha.resize(k);
    for (auto& a : alpha) a = in.coin(10) ? in.value<double>(2) : in.unit();
  }
  const double alpha_s = in.coin() ? 1 : (in.coin() ? 0.25 : in.value<double>(2));
  double gamma;
  switch (in.u8() % 5) {
    case 0: gamma = 0; break;
    case 1: gamma = 2; break;
    case 2: gamma = std::fabs(in.value<double>(3)); break;
    default: gamma = in.unit() * 5; break;
  }
  if (!std::isfinite(gamma)) gamma = 2;
  const double clip = 1e-7;
  const bool want_out = in.coin();
  auto args = [&](const T* xp, T* out) {
    return SoftmaxFocalArgs<T>{xp, n, k, inputs, lv, ignore, alpha.empty() ? nullptr : alpha.data(), alpha_s, gamma, clip, out};
  };
  Buf<T> ref_out(want_out ? n : 0, 0);
  const LossSums ref = dense<T>(fuzz::scalar()).softmax_focal(args(x.data(), want_out ? ref_out.data() : nullptr));
  const bool compare = sizeof(T) == 8 ? max_abs_finite(x.data(), x.n) < 1e150 : max_abs_finite(x.data(), x.n) < 1e18;
  // Allowed error per sample: log p_y has an absolute error d (tol times |x_y| + |max| + |lse| for
  // logits, about 0 otherwise); the loss |alpha| (1 - p)^gamma |log p| then moves by at most
  // |alpha| ((om + d)^gamma - om^gamma) (|log p| + d) + |alpha| (om + d)^gamma d, plus tol relative.
  const double t = fuzz::tol<T>() + k * 0x1p-52;
  std::vector<double> allow(n, 0);
  double total = 0;
  for (size_t i = 0; i < n && ref.bad_index < 0; ++i) {
    const int64_t y = label_at(lv, i);
    if (y == ignore) continue;
    const T* row = x.data() + i * k;
    const double al = std::fabs(alpha.empty() ? alpha_s : alpha[static_cast<size_t>(y)]);
    double lp, d = 0;
    if (inputs == Inputs::kLogits) {
      double mm = -INFINITY;
      for (size_t j = 0; j < k; ++j) mm = std::max(mm, static_cast<double>(row[j]));
      double s = 0;
      if (std::isfinite(mm))
        for (size_t j = 0; j < k; ++j) s += std::exp(static_cast<double>(row[j]) - mm);
      lp = static_cast<double>(row[y]) - mm - std::log(s);
      d = t * (std::fabs(static_cast<double>(row[y])) + std::fabs(mm) + std::fabs(std::log(s)) + 1);
    } else if (inputs == Inputs::kProbabilities) {
      const double p = row[y];
      lp = std::log(std::min(std::max(p, clip), 1 - clip));
    } else {
      lp = row[y];
    }
    const double om = std::fabs(-std::expm1(lp));
    const double A = gamma == 0 ? 1 : std::pow(om + d, gamma), B = gamma == 0 ? 1 : std::pow(om, gamma);
    const double a = al * ((A - B) * (std::fabs(lp) + d) + A * d) + t * al * A * (std::fabs(lp) + d + 1);
    allow[i] = a;
    total += a;
  }
  fuzz::for_each_simd([&](const KernelTable& tab, const char* isa) {
    Check ck{fuzz::shape<T>("softmax_focal", isa, n, k)};
    Buf<T> out(want_out ? n : 0, in.range(0, 3)), out2(want_out ? n : 0, 4);
    const LossSums r = dense<T>(tab).softmax_focal(args(x.data(), want_out ? out.data() : nullptr));
    Buf<T> x2 = x.moved(x.offset ^ 3);
    const LossSums r2 = dense<T>(tab).softmax_focal(args(x2.data(), want_out ? out2.data() : nullptr));
    ck.exact("bad_index", static_cast<double>(r.bad_index), static_cast<double>(ref.bad_index));
    ck.exact("bad_value", static_cast<double>(r.bad_value), static_cast<double>(ref.bad_value));
    if (ref.bad_index >= 0) return;
    ck.exact("loss at another alignment", r2.loss, r.loss);
    if (want_out) ck.same_array("out", out, out2);
    ck.exact("count", static_cast<double>(r.count), static_cast<double>(ref.count));
    ck.exact("weight", r.weight, ref.weight);
    if (!compare) {
      ++fuzz::stats().skipped_domain;
      return;
    }
    ck.value("loss", r.loss, ref.loss, total, 1, n * 1e-300);
    if (want_out)
      for (size_t i = 0; i < n; ++i) ck.element("out", i, out[i], ref_out[i], allow[i] + std::fabs(ref_out[i]) * 0x1p-23 + 1e-300, 1);
  });
}

// ---- heatmapFocalLoss, with the glue's reductions ----

// How a float32 kernel reads a float64 gt (dense_simd.inl gt_to_f32): rounded, except that a value
// that is not exactly 1 never becomes 1.
float gt_as_f32(double v) {
  float f = static_cast<float>(v);
  if (f == 1.0f && v != 1.0) f = v < 1 ? 0.99999994f : 1.00000012f;
  return f;
}

template <class T>
void fuzz_heatmap(Input& in) {
  const size_t batch = 1 + (in.coin(3) ? in.range(0, 5) : 0);
  const size_t per = pick_len(in, 90, 2500);
  const size_t n = batch * per;
  const bool logits = in.coin();
  // 0 'mean' / 'sum' (one call, no out), 1 'none' (one call, out), 2 'per-sample' (a call per image).
  const int mode = static_cast<int>(in.range(0, 2));
  double alpha, beta;
  switch (in.u8() % 6) {
    case 0: case 1: alpha = 2; beta = 4; break;
    case 2: alpha = static_cast<double>(in.range(0, 6)); beta = static_cast<double>(in.range(0, 6)); break;
    case 3: alpha = static_cast<double>(in.range(0, 70)); beta = in.unit() * 8; break;
    case 4: alpha = in.unit() * 6; beta = static_cast<double>(in.range(0, 6)); break;
    default: alpha = std::fabs(in.value<double>(5)); beta = std::fabs(in.value<double>(5)); break;
  }
  if (!std::isfinite(alpha)) alpha = 2;  // the glue: finite, >= 0
  if (!std::isfinite(beta)) beta = 4;
  Buf<T> x(n, in.range(0, 7));
  for (size_t i = 0; i < n; ++i) x[i] = logits || in.coin(8) ? in.value<T>(in.coin(4) ? 60 : 8) : static_cast<T>(unitish(in));
  const unsigned bad_one_in = in.coin() ? 300 : 100000;
  Floats g = floats(in, n, [&] {
    const uint8_t r = in.u8();
    if (r < 20) return 1.0;
    if (r < 60) return 0.0;
    if (in.coin(bad_one_in)) return in.value<double>(3);
    return r < 70 ? 1 - std::ldexp(in.unit(), -static_cast<int>(in.range(0, 60))) : in.unit();
  });
  const size_t gsize = g.is64 ? 8 : 4;
  const char* gbase = static_cast<const char*>(g.view().data);
  auto call = [&](const DenseOps<T>& o, const T* xp, T* out, std::vector<HeatmapSums>& res) {
    res.clear();
    const size_t parts = mode == 2 ? batch : 1, len = mode == 2 ? per : n;
    for (size_t b = 0; b < parts; ++b) {
      HeatmapArgs<T> a{xp + b * len, len, FloatView{gbase + b * len * gsize, g.is64}, logits, alpha, beta,
                       mode == 1 ? out : nullptr};
      res.push_back(len > 0 ? o.heatmap_focal(a) : HeatmapSums{});
      if (res.back().bad_index >= 0) break;
    }
  };
  std::vector<HeatmapSums> ref;
  Buf<T> ref_out(mode == 1 ? n : 0, 0);
  call(dense<T>(fuzz::scalar()), x.data(), ref_out.data(), ref);

  // Magnitude per pixel: the weight (1 - g)^beta p^alpha or (1 - p)^alpha with its relative error
  // (1 + alpha + beta + alpha |log p| + beta |log(1 - g)|) units, times |log| + 1. A float64 gt
  // rounded to float32 moves 1 - g by up to 2^-24 (never to 0: dense_simd.inl's gt_to_f32).
  const bool f32 = sizeof(T) == 4;
  // float32 lane sums (heat_span) of per-pixel losses ~|logit| overflow before float64's do.
  bool compare = !f32 || (alpha < 1e30 && beta < 1e30 && max_abs_finite(x.data(), n) < 1e33);
  const double t0 = fuzz::tol<T>();
  // A logit of +Inf on a negative pixel has log(1 - p) = -Inf: the reference's weight
  // (1 - gt)^beta may be tiny but non-zero (+Inf loss) where T's underflows to 0 (flushed: NaN).
  // Like the overflows of fuzz.h's compared domain, run but not compared.
  if (logits)
    for (size_t i = 0; i < n && compare; ++i) {
      const double gv = g.at(i);
      if (static_cast<double>(x[i]) != INFINITY || gv == 1 || gv != gv) continue;
      const double om = std::fabs(1 - (f32 && g.is64 ? static_cast<double>(gt_as_f32(gv)) : gv));
      if (std::pow(om, beta) < (f32 ? 1e-37 : 1e-300)) compare = false;
    }
  std::vector<double> mag(n, 0);
  for (size_t i = 0; i < n; ++i) {
    const double xv = x[i], gv = g.at(i);
    double p, q, lp, lq;
    if (logits) {
      ref::sigmoid_pair(xv, &p, &q);
      const double tail = ref::softplus_tail(xv);
      lp = std::fmax(-xv, 0.0) + tail + 1;
      lq = std::fmax(xv, 0.0) + tail + 1;
    } else {
      p = std::min(std::max(xv, 1e-4), 1 - 1e-4);
      q = std::min(std::max(1 - xv, 1e-4), 1 - 1e-4);
      lp = std::fabs(std::log(p)) + 1;
      lq = std::fabs(std::log(q)) + 1;
    }
    const double om = std::fabs(1 - gv) + (f32 ? 0x1p-24 : 0);
    // 0 * Inf counts as 0 here: a zero weight times an infinite log is not part of the loss.
    auto mul = [](double a, double b) { return a == 0 || b == 0 ? 0.0 : a * b; };
    const double wpos = std::pow(q + 1e-7, alpha), wneg = std::pow(om, beta) * std::pow(p + 1e-7, alpha);
    mag[i] = gv == 1 ? mul(mul(wpos, lp), 1 + alpha + mul(alpha, lq))
                     : mul(mul(wneg, lq), 1 + alpha + beta + mul(alpha, lp) + beta * std::fabs(std::log(om)));
    // A weight factor (each <= 1) below T's normal range is flushed to 0 (FTZ): up to that much
    // times the log is lost, however large the log.
    mag[i] += mul(2 * std::numeric_limits<T>::min() / t0, gv == 1 ? lp : lq);
    // A float64 gt seen by a float32 kernel: (1 - gt)^beta of the rounded gt is the kernel's
    // input, not an error of it (up to 2^-24 on 1 - gt, which matters for gt just below 1).
    if (f32 && g.is64 && gv != 1 && gv == gv) {
      const double om32 = std::fabs(1 - static_cast<double>(gt_as_f32(gv)));
      mag[i] += std::fabs(std::pow(om32, beta) - std::pow(std::fabs(1 - gv), beta)) * std::pow(p + 1e-7, alpha) * lq * 2 / t0;
    }
  }
  const double t = fuzz::tol<T>() + n * 0x1p-52;
  fuzz::for_each_simd([&](const KernelTable& tab, const char* isa) {
    char what[80];
    std::snprintf(what, sizeof what, "heatmap_focal[%s %s mode=%d alpha=%g beta=%g]", logits ? "logits" : "probs",
                  g.is64 ? "gt f64" : "gt f32", mode, alpha, beta);
    Check ck{fuzz::shape<T>(what, isa, batch, per)};
    std::vector<HeatmapSums> res, res2;
    Buf<T> out(mode == 1 ? n : 0, in.range(0, 3)), out2(mode == 1 ? n : 0, 6);
    call(dense<T>(tab), x.data(), out.data(), res);
    Buf<T> x2 = x.moved(x.offset ^ 2);
    call(dense<T>(tab), x2.data(), out2.data(), res2);
    ck.exact("parts", static_cast<double>(res.size()), static_cast<double>(ref.size()));
    for (size_t b = 0; b < res.size(); ++b) {
      ck.exact("bad_index", static_cast<double>(res[b].bad_index), static_cast<double>(ref[b].bad_index));
      if (ref[b].bad_index >= 0) {
        ck.exact("bad_value", res[b].bad_value, ref[b].bad_value);
        return;  // the glue throws
      }
      ck.exact("loss at another alignment", res2[b].loss, res[b].loss);
      ck.exact("positives", static_cast<double>(res[b].pos), static_cast<double>(ref[b].pos));
    }
    if (mode == 1) ck.same_array("out", out, out2);
    if (!compare) {
      ++fuzz::stats().skipped_domain;
      return;
    }
    const size_t len = mode == 2 ? per : n;
    for (size_t b = 0; b < res.size(); ++b) {
      double m = 0, mp = 0;
      for (size_t i = b * len; i < (b + 1) * len; ++i) {
        m += mag[i];
        if (g.at(i) == 1) mp += mag[i];
      }
      const double fl = sum_floor<T>() * static_cast<double>(len);
      ck.value("loss", res[b].loss, ref[b].loss, m, t, fl);
      ck.value("pos_loss", res[b].pos_loss, ref[b].pos_loss, mp, t, fl);
      if (mode == 2) {  // the per-sample value the glue writes: loss / positives, or the loss
        const double v = res[b].pos > 0 ? res[b].loss / static_cast<double>(res[b].pos) : res[b].loss;
        const double rv = ref[b].pos > 0 ? ref[b].loss / static_cast<double>(ref[b].pos) : ref[b].loss;
        const double d = ref[b].pos > 0 ? static_cast<double>(ref[b].pos) : 1;
        ck.value("per-sample", static_cast<double>(static_cast<T>(v)), static_cast<double>(static_cast<T>(rv)), m / d, 2 * t,
                 fl / d + (f32 ? 1e-30 : 0));
      }
    }
    if (mode == 1)
      for (size_t i = 0; i < n; ++i) ck.element("out", i, out[i], ref_out[i], mag[i] + 1e-300, t);
  });
}

// ---- mseLoss ----

template <class T>
void fuzz_mse(Input& in) {
  const size_t n = pick_len(in, 70, 5000);
  Buf<T> x(n, in.range(0, 7));
  const double spread = in.coin(4) ? 1e4 : 10;
  for (size_t i = 0; i < n; ++i) x[i] = in.value<T>(spread);
  Floats tg = floats(in, n, [&] { return in.value<double>(spread); });
  Floats w;
  size_t wl = 0;
  if (in.coin() && n > 0) {
    std::vector<size_t> divs;
    for (size_t d = 1; d <= n; ++d)
      if (n % d == 0) divs.push_back(d);
    wl = in.coin(3) ? n : divs[in.range(0, divs.size() - 1)];
    w = floats(in, wl, [&] { return in.coin(8) ? in.value<double>(4) : in.unit() * 3; });
  }
  const bool want_out = in.coin();
  auto args = [&](const T* xp, T* out) {
    return MseArgs<T>{xp, n, tg.view(), wl ? w.view() : FloatView{nullptr, false}, wl, out};
  };
  Buf<T> ref_out(want_out ? n : 0, 0);
  const LossSums ref = dense<T>(fuzz::scalar()).mse(args(x.data(), want_out ? ref_out.data() : nullptr));
  const double lim = sizeof(T) == 4 ? 1e15 : 1e100;
  const bool compare = max_abs_finite(x.data(), n) < lim && tg.max_abs() < lim && w.max_abs() < lim &&
                       !tiny_weight_times_inf<T>(w, x.data(), n, tg) && !has_inf(w);
  std::vector<double> mag(n, 0);
  double total = 0;
  const size_t block = wl ? n / wl : 1;
  for (size_t i = 0; i < n; ++i) {
    const double s = std::fabs(static_cast<double>(x[i])) + mg<T>(tg.at(i));
    mag[i] = s * s * (wl ? mg<T>(w.at(i / block)) : 1);
    total += mag[i];
  }
  const double t = fuzz::tol<T>() + n * 0x1p-52;
  fuzz::for_each_simd([&](const KernelTable& tab, const char* isa) {
    Check ck{fuzz::shape<T>(wl ? "mse+weight" : "mse", isa, n, wl)};
    Buf<T> out(want_out ? n : 0, in.range(0, 3)), out2(want_out ? n : 0, 5);
    const LossSums r = dense<T>(tab).mse(args(x.data(), want_out ? out.data() : nullptr));
    Buf<T> x2 = x.moved(x.offset ^ 1);
    const LossSums r2 = dense<T>(tab).mse(args(x2.data(), want_out ? out2.data() : nullptr));
    ck.exact("loss at another alignment", r2.loss, r.loss);
    if (want_out) ck.same_array("out", out, out2);
    ck.exact("count", static_cast<double>(r.count), static_cast<double>(ref.count));
    if (!compare) {
      ++fuzz::stats().skipped_domain;
      return;
    }
    ck.value("loss", r.loss, ref.loss, total, t, sum_floor<T>() * static_cast<double>(n));
    if (want_out)
      for (size_t i = 0; i < n; ++i) ck.element("out", i, out[i], ref_out[i], mag[i] + 1e-300, t);
  });
}

// ---- Gaussian targets ----

// lib/dense.ts gaussianRadius ('cornernet' and 'centernet'), here only to give the drawing the
// radii real callers pass: max(0, floor(r)), capped as the glue caps them.
int64_t radius_of(double h, double w, double ov, bool centernet) {
  const double q[3][3] = {{1, -(h + w), (w * h * (1 - ov)) / (1 + ov)},
                          {4, -2 * (h + w), (1 - ov) * w * h},
                          {4 * ov, 2 * ov * (h + w), -(1 - ov) * w * h}};
  double r = INFINITY;
  for (int i = 0; i < 3; ++i) {
    const double a = q[i][0], b = q[i][1], c = q[i][2], sq = std::sqrt(b * b - 4 * a * c);
    double ri;
    if (centernet) ri = (-b + sq) / 2;
    else if (i < 2) ri = c != 0 ? (2 * c) / (-b + sq) : 0;
    else ri = (-b + sq) / (2 * a);
    r = std::min(r, ri);
  }
  if (!(r >= 0)) return 0;
  return r >= 2147483647.0 ? 2147483647 : static_cast<int64_t>(std::floor(r));
}

int64_t coord(Input& in, int64_t size) {
  switch (in.u8() % 8) {
    case 0: return -static_cast<int64_t>(in.range(0, 40));
    case 1: return size + static_cast<int64_t>(in.range(0, 40));
    case 2: return in.coin() ? 9007199254740991LL : -9007199254740991LL;  // the glue's integer limit
    case 3: return static_cast<int64_t>(in.u32()) - 2147483648LL;
    default: return static_cast<int64_t>(in.range(0, size > 0 ? static_cast<size_t>(size - 1) : 0));
  }
}

template <class T>
void fuzz_gaussian(Input& in) {
  const int64_t h = static_cast<int64_t>(pick_len(in, 24, 300)), w = static_cast<int64_t>(pick_len(in, 24, 300));
  const size_t hw = static_cast<size_t>(h * w);
  Buf<T> map(hw, in.range(0, 7));
  const bool zero = in.coin();
  for (size_t i = 0; i < hw; ++i) map[i] = zero ? T(0) : in.value<T>(1);
  const int64_t cx = coord(in, w), cy = coord(in, h);
  int64_t r;
  switch (in.u8() % 5) {
    case 0: r = static_cast<int64_t>(in.range(0, 3)); break;
    case 1: r = in.coin() ? 2147483647 : static_cast<int64_t>(in.u32() & 0x7fffffff); break;
    case 2: r = radius_of(in.unit() * 600, in.unit() * 600, in.unit(), in.coin()); break;
    default: r = static_cast<int64_t>(in.range(0, 40)); break;
  }
  const double k = in.coin() ? 1 : (in.coin(4) ? std::fabs(in.value<double>(2)) : in.unit() * 3);
  if (!std::isfinite(k)) return;  // the glue refuses it
  const Buf<T> before = map.moved(0);
  ref::draw_gaussian(map.data(), h, w, cx, cy, r, k);
  char ctx[200];
  std::snprintf(ctx, sizeof ctx, "draw_gaussian<%s> h=%lld w=%lld cx=%lld cy=%lld r=%lld k=%.17g", sizeof(T) == 4 ? "f32" : "f64",
                static_cast<long long>(h), static_cast<long long>(w), static_cast<long long>(cx), static_cast<long long>(cy),
                static_cast<long long>(r), k);
  const Check ck{ctx};
  for (int64_t y = 0; y < h; ++y)
    for (int64_t x = 0; x < w; ++x) {
      const size_t i = static_cast<size_t>(y * w + x);
      const bool inside = x >= cx - r && x <= cx + r && y >= cy - r && y <= cy + r;
      const double now = map[i], was = before[i];
      if (!inside || was != was) {
        ck.exact("pixel outside the window or NaN (unchanged)", now, was);
        continue;
      }
      const double kt = static_cast<T>(k);  // k as the map stores it
      if (now < was || now > std::max(was, kt)) ck.exact("max-combined pixel within [old, k]", now, was);
      if (x == cx && y == cy && was < k && now != kt) ck.exact("peak", now, kt);
      // Symmetric about the centre where the mirror pixel is on the map too.
      const int64_t mx = 2 * cx - x, my = 2 * cy - y;
      if (zero && mx >= 0 && mx < w && my >= 0 && my < h) ck.exact("symmetry", now, map[static_cast<size_t>(my * w + mx)]);
    }
  // float32 maps get the float64 map's values rounded (from zeros): the same computation.
  if (zero && sizeof(T) == 8) {
    Buf<float> m32(hw, 1);
    ref::draw_gaussian(m32.data(), h, w, cx, cy, r, k);
    for (size_t i = 0; i < hw; ++i) ck.exact("float32 map", m32[i], static_cast<float>(map[i]));
  }
}

// renderHeatmaps: a point per call of draw_gaussian into plane (b, c) of [B, C, H, W], k = 1.
void fuzz_render(Input& in) {
  const size_t B = in.range(1, 3), C = in.range(1, 4), H = pick_len(in, 20, 200), W = pick_len(in, 20, 200);
  const size_t plane = H * W;
  Buf<float> out(B * C * plane, in.range(0, 7));
  const size_t points = in.range(0, 12);
  for (size_t i = 0; i < points; ++i) {
    const size_t b = in.range(0, B - 1), c = in.range(0, C - 1);
    const int32_t x = static_cast<int32_t>(coord(in, static_cast<int64_t>(W)) & 0xffffffff);
    const int32_t y = static_cast<int32_t>(coord(in, static_cast<int64_t>(H)) & 0xffffffff);
    int32_t r = in.coin() ? static_cast<int32_t>(radius_of(in.unit() * 300, in.unit() * 300, 0.7, in.coin()))
                          : static_cast<int32_t>(in.u32() & 0x7fffffff) >> in.range(0, 31);
    ref::draw_gaussian(out.data() + (b * C + c) * plane, static_cast<int64_t>(H), static_cast<int64_t>(W), x, y, r, 1.0);
  }
  for (size_t i = 0; i < out.n; ++i)
    if (!(out[i] >= 0 && out[i] <= 1)) Check{"render_heatmaps"}.exact("value in [0, 1]", out[i], 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Input in(data, size);
  const uint8_t op = in.u8();
  const bool f64 = op & 1;
  switch ((op >> 1) % 8) {
    case 0: f64 ? fuzz_binary<double>(in, false) : fuzz_binary<float>(in, false); break;
    case 1: f64 ? fuzz_binary<double>(in, true) : fuzz_binary<float>(in, true); break;
    case 2: f64 ? fuzz_softmax_focal<double>(in) : fuzz_softmax_focal<float>(in); break;
    case 3: case 4: f64 ? fuzz_heatmap<double>(in) : fuzz_heatmap<float>(in); break;
    case 5: f64 ? fuzz_mse<double>(in) : fuzz_mse<float>(in); break;
    case 6: f64 ? fuzz_gaussian<double>(in) : fuzz_gaussian<float>(in); break;
    default: fuzz_render(in); break;
  }
  return 0;
}
