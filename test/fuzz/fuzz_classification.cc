// Fuzzes the classification kernels (log-sum-exp, softmax / log-softmax, cross-entropy with hard
// and soft targets): every SIMD table against the scalar reference, see fuzz.h.
#include "fuzz.h"

using namespace losskit;
using fuzz::Buf;
using fuzz::Check;
using fuzz::Input;
using fuzz::pick_len;

namespace {



template <class T>
Buf<T> values(Input& in, size_t n, double spread) {
  Buf<T> b(n, in.range(0, 7));
  for (size_t i = 0; i < n; ++i) b[i] = in.value<T>(spread);
  return b;
}

template <class T>
double max_abs_finite(const T* x, size_t n) {
  double m = 0;
  for (size_t i = 0; i < n; ++i)
    if (std::isfinite(static_cast<double>(x[i]))) m = std::max(m, std::fabs(static_cast<double>(x[i])));
  return m;
}

// The magnitude of a log-sum-exp result: |max| + |log sum| + the row's largest finite |x| + 1.
double lse_magnitude(double result, double maxabs) { return maxabs + std::fabs(result) + 1; }

template <class T>
void fuzz_lse_rows(Input& in) {
  const size_t k = 1 + pick_len(in, 40, 600);
  const size_t n = in.range(0, k > 64 ? 4 : 12);
  Buf<T> x = values<T>(in, n * k, in.coin(4) ? 1e4 : 20);
  Buf<T> ref(n, 0);
  cls_of<T>(fuzz::scalar()).lse_rows(x.data(), n, k, ref.data());
  fuzz::for_each_simd([&](const KernelTable& t, const char* isa) {
    Check c{fuzz::shape<T>("lse_rows", isa, n, k)};
    Buf<T> out(n, in.range(0, 3)), out2(n, 5);
    cls_of<T>(t).lse_rows(x.data(), n, k, out.data());
    Buf<T> x2 = x.moved(x.offset ^ 3);
    cls_of<T>(t).lse_rows(x2.data(), n, k, out2.data());
    c.same_array("out", out, out2);
    for (size_t i = 0; i < n; ++i)
      c.element("out", i, out[i], ref[i], lse_magnitude(ref[i], max_abs_finite(x.data() + i * k, k)),
                fuzz::tol<T>() + k * 0x1p-52);
  });
}

template <class T>
void fuzz_lse_all(Input& in) {
  const size_t len = in.coin(6) ? in.range(16000, 40000) : pick_len(in, 200, 5000);
  Buf<T> x = values<T>(in, len, in.coin(4) ? 1e4 : 30);
  const double ref = len ? cls_of<T>(fuzz::scalar()).lse_all(x.data(), len) : 0;
  if (!len) return;
  const double mag = lse_magnitude(ref, max_abs_finite(x.data(), len));
  fuzz::for_each_simd([&](const KernelTable& t, const char* isa) {
    Check c{fuzz::shape<T>("lse_all", isa, 1, len)};
    const double got = cls_of<T>(t).lse_all(x.data(), len);
    Buf<T> x2 = x.moved(x.offset ^ 5);
    c.exact("lse_all at another alignment", cls_of<T>(t).lse_all(x2.data(), len), got);
    c.value("lse_all", got, ref, mag, fuzz::tol<T>() + len * 0x1p-52);
  });
}

template <class T>
void fuzz_softmax(Input& in) {
  const size_t k = 1 + pick_len(in, 40, 400);
  const size_t n = in.range(0, k > 64 ? 3 : 10);
  Buf<T> x = values<T>(in, n * k, in.coin(4) ? 200 : 20);
  const bool log = in.coin();
  T inv_temp = 1;
  if (in.coin()) inv_temp = static_cast<T>(std::ldexp(0.5 + in.unit(), static_cast<int>(in.range(0, 20)) - 10));
  Buf<T> ref(n * k, 0);
  cls_of<T>(fuzz::scalar()).softmax_rows(x.data(), n, k, inv_temp, log, ref.data());
  // float32: x * (1/temperature) must not overflow (see the compared domain in fuzz.h).
  const bool compare = sizeof(T) == 8 || max_abs_finite(x.data(), n * k) * std::max<double>(inv_temp, 1) < 1e37;
  fuzz::for_each_simd([&](const KernelTable& t, const char* isa) {
    Check c{fuzz::shape<T>(log ? "log_softmax" : "softmax", isa, n, k)};
    Buf<T> out(n * k, in.range(0, 3)), out2(n * k, 6);
    cls_of<T>(t).softmax_rows(x.data(), n, k, inv_temp, log, out.data());
    Buf<T> x2 = x.moved(x.offset ^ 2);
    cls_of<T>(t).softmax_rows(x2.data(), n, k, inv_temp, log, out2.data());
    c.same_array("out", out, out2);
    if (!compare) {
      ++fuzz::stats().skipped_domain;
      return;
    }
    for (size_t i = 0; i < n; ++i) {
      const T* row = x.data() + i * k;
      // Terms: x * s, the max and log(sum): the error of z = x*s - max grows with them.
      double ls = 0;
      const double mag = max_abs_finite(row, k) * inv_temp + 1;
      for (size_t j = 0; j < k; ++j) {
        const double r = ref[i * k + j];
        if (log && std::isfinite(r)) ls = std::max(ls, std::fabs(r));
      }
      const double t_row = (fuzz::tol<T>() + k * 0x1p-52) * (2 * mag + ls);
      for (size_t j = 0; j < k; ++j) {
        const double r = ref[i * k + j];
        // log-softmax: absolute error in the log domain; softmax: the same, relative to p.
        if (log) c.element("log_softmax", i * k + j, out[i * k + j], ref[i * k + j], 1.0, t_row);
        else c.element("softmax", i * k + j, out[i * k + j], ref[i * k + j], std::fabs(r) + 1e-300, t_row);
      }
    }
  });
}

LabelView make_labels(Input& in, size_t count, size_t k, int64_t ignore, std::vector<uint8_t>& store) {
  const IntType type = static_cast<IntType>(in.range(0, 5));
  std::vector<int64_t> vals(count);
  for (size_t i = 0; i < count; ++i) {
    int64_t v;
    const uint8_t r = in.u8();
    if (r < 220) v = static_cast<int64_t>(in.range(0, k - 1));
    else if (r < 240) v = ignore;
    else v = static_cast<int64_t>(in.u32()) - (in.coin() ? 0 : 2147483648LL);
    vals[i] = v;
  }
  return fuzz::store_labels(type, vals, store);
}

// Per-class term magnitude |log p_c| bound for the three input kinds.
template <class T>
double term(const T* x, size_t c, size_t stride, Inputs inputs, double m, double ls, double clip) {
  const double v = x[c * stride];
  switch (inputs) {
    case Inputs::kLogits: return std::fabs(v) + std::fabs(m) + std::fabs(ls) + 1;
    case Inputs::kProbabilities: {
      double p = v != v ? v : std::min(std::max(v, clip), 1 - clip);
      return std::fabs(std::log(p)) + 1;
    }
    default: return std::fabs(v) + 1;
  }
}

template <class T>
void row_norm(const T* x, size_t k, size_t stride, double* m, double* ls) {
  double mm = -INFINITY;
  for (size_t c = 0; c < k; ++c) mm = std::max(mm, static_cast<double>(x[c * stride]));
  double s = 0;
  if (std::isfinite(mm))
    for (size_t c = 0; c < k; ++c) s += std::exp(static_cast<double>(x[c * stride]) - mm);
  *m = std::isfinite(mm) ? mm : 0;
  *ls = s > 0 && std::isfinite(s) ? std::log(s) : 0;
}

struct Common {
  size_t n, k, s;
  Inputs inputs;
  std::vector<double> weight;
  double smoothing, clip, scale;
  bool want_out;
};

template <class T>
Common common(Input& in, bool spatial_ok) {
  Common c;
  c.k = 1 + pick_len(in, 24, 300);
  c.s = spatial_ok && in.coin(3) ? in.range(1, 9) : 1;
  c.n = in.range(0, c.k * c.s > 64 ? 3 : 10);
  c.inputs = static_cast<Inputs>(in.range(0, 2));
  if (in.coin(3)) {
    c.weight.resize(c.k);
    for (auto& w : c.weight) w = in.coin(10) ? in.value<double>(4) : in.unit() * 3;
  }
  c.smoothing = in.coin() ? 0 : (in.coin(4) ? 1.0 : in.unit());
  c.clip = in.coin() ? 1e-7 : in.unit() * 0.49;
  c.scale = in.coin() ? 1 : 1 / std::log(2.0);
  c.want_out = in.coin();
  return c;
}

template <class T>
void fuzz_cross_entropy(Input& in) {
  Common cm = common<T>(in, true);
  const size_t n = cm.n, k = cm.k, s = cm.s;
  const int64_t ignore = in.coin(4) ? static_cast<int64_t>(in.range(0, k)) : -100;
  Buf<T> x = values<T>(in, n * k * s, cm.inputs == Inputs::kProbabilities ? 1.2 : (in.coin(4) ? 1e3 : 10));
  if (cm.inputs == Inputs::kProbabilities)
    for (size_t i = 0; i < x.n; ++i)
      if (x[i] < 0 && in.coin(2)) x[i] = -x[i];
  std::vector<uint8_t> lab_store;
  LabelView labels = make_labels(in, n * s, k, ignore, lab_store);
  std::vector<T> wt;
  if (!cm.weight.empty() && cm.smoothing > 0) wt.assign(cm.weight.begin(), cm.weight.end());  // as the glue does
  auto args = [&](const T* xp, T* out) {
    return CrossEntropyArgs<T>{xp, n, k, s, cm.inputs, labels, ignore, cm.weight.empty() ? nullptr : cm.weight.data(),
                               wt.empty() ? nullptr : wt.data(), cm.smoothing, cm.clip, out, cm.scale};
  };
  Buf<T> ref_out(cm.want_out ? n * s : 0, 0);
  const LossSums ref = cls_of<T>(fuzz::scalar()).cross_entropy(args(x.data(), cm.want_out ? ref_out.data() : nullptr));

  // Magnitudes per position, and whether the inputs stay in the compared domain.
  std::vector<double> mag(n * s, 0);
  double total = 0, wmax = 0;
  for (double w : cm.weight) wmax = std::max(wmax, std::fabs(w));
  bool compare = sizeof(T) == 8 ? max_abs_finite(x.data(), x.n) < 1e150 && wmax < 1e150
                                : max_abs_finite(x.data(), x.n) < 1e18 && wmax < 1e18;
  // A weight below T's normal range times an infinite input: with smoothing the kernels read the
  // weights in T (where it is 0 or subnormal, and 0 * Inf is NaN, as in torch with a float32
  // weight tensor) and the reference in double (where it is not 0: +-Inf). Either is defensible.
  bool tiny_weight = false;
  for (double w : cm.weight) tiny_weight |= w != 0 && std::fabs(w) < std::numeric_limits<T>::min();
  if (tiny_weight && cm.smoothing > 0)
    for (size_t i = 0; i < x.n; ++i)
      if (!std::isfinite(static_cast<double>(x[i]))) compare = false;
  for (size_t i = 0; i < n && ref.bad_index < 0; ++i)
    for (size_t j = 0; j < s; ++j) {
      const size_t idx = i * s + j;
      const int64_t y = label_at(labels, idx);
      if (y == ignore || y < 0 || y >= static_cast<int64_t>(k)) continue;
      const T* xs = x.data() + i * k * s + j;
      double m = 0, ls = 0;
      if (cm.inputs == Inputs::kLogits) row_norm(xs, k, s, &m, &ls);
      auto w = [&](size_t c) { return cm.weight.empty() ? 1.0 : std::fabs(cm.weight[c]); };
      double a = w(static_cast<size_t>(y)) * term(xs, static_cast<size_t>(y), s, cm.inputs, m, ls, cm.clip);
      if (cm.smoothing > 0) {
        double sm = 0;
        for (size_t c = 0; c < k; ++c) sm += w(c) * term(xs, c, s, cm.inputs, m, ls, cm.clip);
        a = a + cm.smoothing / k * sm;
      }
      mag[idx] = a;
      total += a;
    }
  const double t = fuzz::tol<T>() + k * 0x1p-52;
  fuzz::for_each_simd([&](const KernelTable& tab, const char* isa) {
    Check c{fuzz::shape<T>("cross_entropy", isa, n, k, s)};
    Buf<T> out(cm.want_out ? n * s : 0, in.range(0, 3)), out2(cm.want_out ? n * s : 0, 4);
    const LossSums r = cls_of<T>(tab).cross_entropy(args(x.data(), cm.want_out ? out.data() : nullptr));
    Buf<T> x2 = x.moved(x.offset ^ 1);
    const LossSums r2 = cls_of<T>(tab).cross_entropy(args(x2.data(), cm.want_out ? out2.data() : nullptr));
    c.exact("bad_index", static_cast<double>(r.bad_index), static_cast<double>(ref.bad_index));
    c.exact("bad_value", static_cast<double>(r.bad_value), static_cast<double>(ref.bad_value));
    if (ref.bad_index >= 0) return;  // the glue throws; partial sums are not part of the contract
    c.exact("loss at another alignment", r2.loss, r.loss);
    if (cm.want_out) c.same_array("out", out, out2);
    c.exact("count", static_cast<double>(r.count), static_cast<double>(ref.count));
    if (!compare) {
      ++fuzz::stats().skipped_domain;
      return;
    }
    c.value("weight", r.weight, ref.weight, cm.weight.empty() ? 1 : static_cast<double>(n * s) * (wmax + 1), 0x1p-50);
    c.value("loss", r.loss, ref.loss, total, t, sizeof(T) == 4 ? 1e-30 * static_cast<double>(n * s * k) : 0);
    if (cm.want_out)
      for (size_t i = 0; i < n * s; ++i) c.element("out", i, out[i], ref_out[i], mag[i] * cm.scale + 1e-300, t);
  });
}

template <class T>
void fuzz_soft_cross_entropy(Input& in) {
  Common cm = common<T>(in, true);
  const size_t n = cm.n, k = cm.k, s = cm.s;
  Buf<T> x = values<T>(in, n * k * s, cm.inputs == Inputs::kProbabilities ? 1.2 : (in.coin(4) ? 1e3 : 10));
  const bool t64 = in.coin();
  Buf<double> tg64(t64 ? n * k * s : 0, in.range(0, 3));
  Buf<float> tg32(t64 ? 0 : n * k * s, in.range(0, 3));
  for (size_t i = 0; i < n * k * s; ++i) {
    const double v = in.coin(8) ? in.value<double>(2) : in.unit();
    if (t64) tg64[i] = v;
    else tg32[i] = static_cast<float>(v);
  }
  const void* tp = t64 ? static_cast<const void*>(tg64.data()) : static_cast<const void*>(tg32.data());
  std::vector<T> wt(cm.weight.begin(), cm.weight.end());  // the glue always passes both
  auto args = [&](const T* xp, T* out) {
    return SoftCrossEntropyArgs<T>{xp, n, k, s, cm.inputs, tp, t64, cm.weight.empty() ? nullptr : cm.weight.data(),
                                   wt.empty() ? nullptr : wt.data(), cm.smoothing, cm.clip, out, cm.scale};
  };
  Buf<T> ref_out(cm.want_out ? n * s : 0, 0);
  const LossSums ref = cls_of<T>(fuzz::scalar()).soft_cross_entropy(args(x.data(), cm.want_out ? ref_out.data() : nullptr));

  double wmax = 0, tmax = 0;
  for (double w : cm.weight) wmax = std::max(wmax, std::fabs(w));
  for (size_t i = 0; i < n * k * s; ++i) {
    const double v = t64 ? tg64[i] : tg32[i];
    if (std::isfinite(v)) tmax = std::max(tmax, std::fabs(v));
  }
  const double lim = sizeof(T) == 8 ? 1e100 : 1e15;
  const bool compare = max_abs_finite(x.data(), x.n) < lim && wmax < lim && tmax < lim;
  std::vector<double> mag(n * s, 0);
  double total = 0;
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < s; ++j) {
      const T* xs = x.data() + i * k * s + j;
      double m = 0, ls = 0;
      if (cm.inputs == Inputs::kLogits) row_norm(xs, k, s, &m, &ls);
      double a = 0;
      for (size_t c = 0; c < k; ++c) {
        const size_t at = i * k * s + c * s + j;
        const double tv = std::fabs(t64 ? tg64[at] : static_cast<double>(tg32[at])) + cm.smoothing / k;
        a += (cm.weight.empty() ? 1.0 : std::fabs(cm.weight[c])) * (tv + 1) * term(xs, c, s, cm.inputs, m, ls, cm.clip);
      }
      mag[i * s + j] = a;
      total += a;
    }
  const double t = fuzz::tol<T>() + k * 0x1p-52;
  fuzz::for_each_simd([&](const KernelTable& tab, const char* isa) {
    Check c{fuzz::shape<T>("soft_cross_entropy", isa, n, k, s)};
    Buf<T> out(cm.want_out ? n * s : 0, in.range(0, 3)), out2(cm.want_out ? n * s : 0, 5);
    const LossSums r = cls_of<T>(tab).soft_cross_entropy(args(x.data(), cm.want_out ? out.data() : nullptr));
    Buf<T> x2 = x.moved(x.offset ^ 3);
    const LossSums r2 = cls_of<T>(tab).soft_cross_entropy(args(x2.data(), cm.want_out ? out2.data() : nullptr));
    c.exact("loss at another alignment", r2.loss, r.loss);
    if (cm.want_out) c.same_array("out", out, out2);
    c.exact("count", static_cast<double>(r.count), static_cast<double>(ref.count));
    if (!compare) {
      ++fuzz::stats().skipped_domain;
      return;
    }
    c.value("loss", r.loss, ref.loss, total, t, sizeof(T) == 4 ? 1e-30 * static_cast<double>(n * s * k) : 0);
    if (cm.want_out)
      for (size_t i = 0; i < n * s; ++i) c.element("out", i, out[i], ref_out[i], mag[i] * cm.scale + 1e-300, t);
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Input in(data, size);
  const uint8_t op = in.u8();
  const bool f64 = op & 1;
  switch ((op >> 1) % 5) {
    case 0: f64 ? fuzz_lse_rows<double>(in) : fuzz_lse_rows<float>(in); break;
    case 1: f64 ? fuzz_lse_all<double>(in) : fuzz_lse_all<float>(in); break;
    case 2: f64 ? fuzz_softmax<double>(in) : fuzz_softmax<float>(in); break;
    case 3: f64 ? fuzz_cross_entropy<double>(in) : fuzz_cross_entropy<float>(in); break;
    default: f64 ? fuzz_soft_cross_entropy<double>(in) : fuzz_soft_cross_entropy<float>(in); break;
  }
  return 0;
}
