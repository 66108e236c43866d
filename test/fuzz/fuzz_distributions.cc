// Fuzzes the distribution kernels (KL divergence with q as probabilities, log-probabilities or
// logits in float32 or float64 against p of either type, entropy) and the integer-label kernels
// (smoothLabels, flipLabels, the counts behind empiricalDistribution): every SIMD table against the
// scalar reference, see fuzz.h. Label kernels must agree bit for bit; flipLabels must also give
// the same labels for every prefix of its input (its random bits depend only on (seed, index)).
#include <algorithm>

#include "fuzz.h"

using namespace losskit;
using fuzz::Buf;
using fuzz::Check;
using fuzz::Input;
using fuzz::pick_len;

namespace {

template <class T>
const DistributionOps<T>& dist(const KernelTable& t);
template <>
const DistributionOps<float>& dist<float>(const KernelTable& t) { return t.dist_f32; }
template <>
const DistributionOps<double>& dist<double>(const KernelTable& t) { return t.dist_f64; }


template <class T>
double max_abs_finite(const T* x, size_t n) {
  double m = 0;
  for (size_t i = 0; i < n; ++i)
    if (std::isfinite(static_cast<double>(x[i]))) m = std::max(m, std::fabs(static_cast<double>(x[i])));
  return m;
}

// Probabilities: mostly in [0, 1] with exact zeros and ones, sometimes anything fuzz.h makes.
template <class T>
T prob(Input& in) {
  const uint8_t r = in.u8();
  if (r < 24) return T(0);
  if (r < 32) return T(1);
  if (r < 220) return static_cast<T>(in.unit());
  return in.value<T>(2);
}

// A q value of the given kind.
template <class U>
U q_value(Input& in, Inputs kind, double spread) {
  if (kind == Inputs::kProbabilities) return prob<U>(in);
  if (kind == Inputs::kLogProbabilities && in.coin(3)) return static_cast<U>(-in.unit() * spread);
  if (in.coin(16)) return -std::numeric_limits<U>::infinity();
  return in.value<U>(spread);
}

// The row's max and log-sum-exp in float64 (0, 0 when not finite), as a bound for the terms.
template <class U>
void row_norm(const U* x, size_t k, double* m, double* ls) {
  double mm = -INFINITY;
  for (size_t j = 0; j < k; ++j) mm = std::max(mm, static_cast<double>(x[j]));
  double s = 0;
  if (std::isfinite(mm))
    for (size_t j = 0; j < k; ++j) s += std::exp(static_cast<double>(x[j]) - mm);
  *m = std::isfinite(mm) ? mm : 0;
  *ls = s > 0 && std::isfinite(s) ? std::log(s) : 0;
}

template <class T, class U>
void fuzz_kl_t(Input& in) {
  const size_t k = 1 + pick_len(in, 40, 1300);  // past kDistChunk (512) now and then
  const size_t n = in.range(0, k > 64 ? 3 : 10);
  const Inputs kind = static_cast<Inputs>(in.range(0, 2));
  const double spread = in.coin(4) ? 1e3 : 12;
  Buf<T> p(n * k, in.range(0, 7));
  Buf<U> q(n * k, in.range(0, 7));
  for (size_t i = 0; i < n * k; ++i) p[i] = prob<T>(in);
  for (size_t i = 0; i < n * k; ++i) q[i] = q_value<U>(in, kind, spread);
  const bool want_out = in.coin();
  const double scale = in.coin() ? 1 : 1 / std::log(2.0);
  auto args = [&](const T* pp, const U* qq, T* out) {
    return KlArgs<T>{pp, qq, sizeof(U) == 8, n, k, kind, out, scale};
  };
  Buf<T> ref_out(want_out ? n : 0, 0);
  const double ref = dist<T>(fuzz::scalar()).kl_div(args(p.data(), q.data(), want_out ? ref_out.data() : nullptr));

  // Term magnitudes per row: |p| (|log p| + |log q| + 1), with |log q| bounded by |x| + |max| + |lse|
  // for logits (which also add sum p times log sum exp).
  const bool f32 = sizeof(T) == 4 || sizeof(U) == 4;
  const double lim = f32 ? 1e18 : 1e150;
  const bool compare = max_abs_finite(p.data(), p.n) < lim && max_abs_finite(q.data(), q.n) < lim;
  std::vector<double> mag(n, 0);
  double total = 0;
  for (size_t i = 0; i < n; ++i) {
    const T* pr = p.data() + i * k;
    const U* qr = q.data() + i * k;
    double m = 0, ls = 0;
    if (kind == Inputs::kLogits) row_norm(qr, k, &m, &ls);
    double a = 0;
    for (size_t j = 0; j < k; ++j) {
      const double pv = std::fabs(static_cast<double>(pr[j])), qv = qr[j];
      if (pv == 0) continue;  // 0 log 0 = 0 whatever q is
      double lq;
      if (kind == Inputs::kProbabilities) lq = std::fabs(std::log(std::fabs(qv)));
      else if (kind == Inputs::kLogits) lq = std::fabs(qv) + std::fabs(m) + std::fabs(ls);
      else lq = std::fabs(qv);
      // A float32 q below float32's normal range has a log the float64 reference sees exactly.
      a += pv * (std::fabs(std::log(pv)) + lq + 1);
    }
    mag[i] = a;
    total += a;
  }
  const double t = fuzz::tol<T>() + (f32 ? fuzz::tol<float>() : 0) + k * 0x1p-52;
  fuzz::for_each_simd([&](const KernelTable& tab, const char* isa) {
    char what[48];
    std::snprintf(what, sizeof what, "kl_div[q %s %s]", sizeof(U) == 8 ? "f64" : "f32",
                  kind == Inputs::kLogits ? "logits" : kind == Inputs::kProbabilities ? "probs" : "logprobs");
    Check c{fuzz::shape<T>(what, isa, n, k)};
    Buf<T> out(want_out ? n : 0, in.range(0, 3)), out2(want_out ? n : 0, 5);
    const double r = dist<T>(tab).kl_div(args(p.data(), q.data(), want_out ? out.data() : nullptr));
    Buf<T> p2 = p.moved(p.offset ^ 3);
    Buf<U> q2 = q.moved(q.offset ^ 1);
    const double r2 = dist<T>(tab).kl_div(args(p2.data(), q2.data(), want_out ? out2.data() : nullptr));
    c.exact("kl at another alignment", r2, r);
    if (want_out) c.same_array("out", out, out2);
    if (!compare) {
      ++fuzz::stats().skipped_domain;
      return;
    }
    // A float32 term p (log p - l) with a subnormal p (or result) keeps fewer bits: 1e-44 each.
    c.value("kl", r, ref, total, t, (f32 ? 1e-44 : 1e-322) * static_cast<double>(n * k));
    if (want_out)
      for (size_t i = 0; i < n; ++i) c.element("out", i, out[i], ref_out[i], mag[i] * scale + 1e-300, t);
  });
}

template <class T>
void fuzz_kl(Input& in) {
  if (in.coin()) fuzz_kl_t<T, float>(in);
  else fuzz_kl_t<T, double>(in);
}

template <class T>
void fuzz_entropy(Input& in) {
  const size_t k = 1 + pick_len(in, 40, 600);
  const size_t n = in.range(0, k > 64 ? 3 : 10);
  const Inputs kind = static_cast<Inputs>(in.range(0, 2));
  const double spread = in.coin(4) ? 1e3 : 12;
  Buf<T> x(n * k, in.range(0, 7));
  for (size_t i = 0; i < n * k; ++i) x[i] = q_value<T>(in, kind, spread);
  const double scale = in.coin() ? 1 : (in.coin() ? 1 / std::log(2.0) : in.value<double>(4));
  Buf<T> ref(n, 0);
  dist<T>(fuzz::scalar()).entropy_rows(x.data(), n, k, kind, scale, ref.data());
  // Domain: p log p, exp(lp) and x - max stay inside T's range.
  bool compare = std::isfinite(scale) && std::fabs(scale) < (sizeof(T) == 4 ? 1e15 : 1e100);
  const double xmax = max_abs_finite(x.data(), x.n);
  if (kind == Inputs::kProbabilities) compare = compare && xmax < (sizeof(T) == 4 ? 1e30 : 1e300);
  else if (kind == Inputs::kLogits) compare = compare && xmax < (sizeof(T) == 4 ? 1e37 : 1e300);
  else
    for (size_t i = 0; i < x.n; ++i)
      if (static_cast<double>(x[i]) > (sizeof(T) == 4 ? 80 : 700) && std::isfinite(static_cast<double>(x[i]))) compare = false;
  std::vector<double> mag(n, 0);
  for (size_t i = 0; i < n; ++i) {
    const T* r = x.data() + i * k;
    double a = 1;
    if (kind == Inputs::kProbabilities) {
      for (size_t j = 0; j < k; ++j) {
        const double v = std::fabs(static_cast<double>(r[j]));
        if (v > 0) a += v * (std::fabs(std::log(v)) + 1);
      }
    } else if (kind == Inputs::kLogProbabilities) {
      for (size_t j = 0; j < k; ++j) {
        const double v = r[j];
        if (v != -INFINITY) a += std::exp(v) * (std::fabs(v) + 1);
      }
    } else {
      // z = x - max has an absolute error of |x| + |max| units; exp(z) z / E weighs it by (1 + |z|).
      double m, ls;
      row_norm(r, k, &m, &ls);
      double wz = 0, e = 0;
      for (size_t j = 0; j < k; ++j) {
        const double z = static_cast<double>(r[j]) - m, ez = std::exp(z);
        wz += ez * std::fabs(z);
        e += ez;
      }
      a += std::fabs(ls) + (2 * max_abs_finite(r, k) + 1) * (2 + (e > 0 ? wz / e : 0));
    }
    mag[i] = a * std::fabs(scale);
  }
  const double t = fuzz::tol<T>() + k * 0x1p-52;
  fuzz::for_each_simd([&](const KernelTable& tab, const char* isa) {
    Check c{fuzz::shape<T>(kind == Inputs::kLogits ? "entropy[logits]" : kind == Inputs::kProbabilities ? "entropy[probs]" : "entropy[logprobs]", isa, n, k)};
    Buf<T> out(n, in.range(0, 3)), out2(n, 6);
    dist<T>(tab).entropy_rows(x.data(), n, k, kind, scale, out.data());
    Buf<T> x2 = x.moved(x.offset ^ 2);
    dist<T>(tab).entropy_rows(x2.data(), n, k, kind, scale, out2.data());
    c.same_array("out", out, out2);
    if (!compare) {
      ++fuzz::stats().skipped_domain;
      return;
    }
    for (size_t i = 0; i < n; ++i) c.element("entropy", i, out[i], ref[i], mag[i] + 1e-300, t);
  });
}

// Labels of any integer type: mostly in [0, k), sometimes anything (bad labels are returned).
LabelView make_labels(Input& in, size_t count, size_t k, std::vector<uint8_t>& store, unsigned bad_one_in) {
  const IntType type = static_cast<IntType>(in.range(0, 5));
  std::vector<int64_t> vals(count);
  for (size_t i = 0; i < count; ++i) {
    int64_t v;
    if (!in.coin(bad_one_in)) v = static_cast<int64_t>(in.range(0, k - 1));
    else v = in.coin() ? static_cast<int64_t>(k) : static_cast<int64_t>(in.u32()) - (in.coin() ? 0 : 2147483648LL);
    vals[i] = v;
  }
  return fuzz::store_labels(type, vals, store);
}

size_t pick_k(Input& in) {
  switch (in.u8() % 8) {
    case 0: return 1;
    case 1: return 2;
    case 2: return in.range(100, 70000);  // past int8 / uint16 labels
    case 3: return in.coin() ? 0x80000000ull : in.range(1, 0x80000000ull);  // flipLabels' limit
    default: return in.range(1, 40);
  }
}

void fuzz_smooth(Input& in) {
  const size_t k = 1 + pick_len(in, 40, 300);
  const size_t n = in.range(0, k > 64 ? 4 : 16);
  std::vector<uint8_t> store;
  const LabelView lv = make_labels(in, n, k, store, in.coin() ? 40 : 1000);
  const float on = in.value<float>(1), off = in.value<float>(1);
  const float sentinel = in.value<float>(4);
  Buf<float> ref(n * k, 0);
  ref.fill(sentinel);
  int64_t ref_bad = 0;
  const int64_t ref_idx = fuzz::scalar().labels.smooth_labels(lv, n, k, on, off, ref.data(), &ref_bad);
  fuzz::for_each_simd([&](const KernelTable& tab, const char* isa) {
    Check c{fuzz::shape<float>("smooth_labels", isa, n, k)};
    Buf<float> out(n * k, in.range(0, 7));
    out.fill(sentinel);
    int64_t bad = 0;
    const int64_t idx = tab.labels.smooth_labels(lv, n, k, on, off, out.data(), &bad);
    c.exact("bad_index", static_cast<double>(idx), static_cast<double>(ref_idx));
    if (ref_idx >= 0) c.exact("bad_value", static_cast<double>(bad), static_cast<double>(ref_bad));
    c.same_array("out vs scalar", out, ref);
  });
}

void fuzz_flip(Input& in) {
  const size_t k = pick_k(in);
  const size_t n = pick_len(in, 64, 3000);
  std::vector<uint8_t> store;
  const LabelView lv = make_labels(in, n, k, store, in.coin() ? 60 : 100000);
  double eps;
  switch (in.u8() % 6) {
    case 0: eps = 0; break;
    case 1: eps = 1; break;
    case 2: eps = std::ldexp(in.unit(), -static_cast<int>(in.range(0, 60))); break;
    default: eps = in.unit(); break;
  }
  const uint64_t seed = in.coin(4) ? in.range(0, 3) : in.u64();
  Buf<int32_t> ref(n, 0);
  int64_t ref_bad = 0;
  const int64_t ref_idx = fuzz::scalar().labels.flip_labels(lv, n, k, eps, seed, ref.data(), &ref_bad);
  char ctx[160];
  std::snprintf(ctx, sizeof ctx, "flip_labels isa=scalar n=%zu k=%zu eps=%.17g seed=%llu", n, k, eps,
                static_cast<unsigned long long>(seed));
  const Check rc{ctx};
  // Contract: labels in [0, k); a changed label only where eps > 0 and k > 1; eps = 1 changes all.
  const size_t valid = ref_idx >= 0 ? static_cast<size_t>(ref_idx) : n;
  for (size_t i = 0; i < valid; ++i) {
    const int64_t y = label_at(lv, i);
    if (ref[i] < 0 || static_cast<size_t>(ref[i]) >= k) rc.exact("out in range", ref[i], static_cast<double>(y));
    if ((eps == 0 || k == 1) && ref[i] != y) rc.exact("unflipped label", ref[i], static_cast<double>(y));
    if (eps == 1 && k > 1 && ref[i] == y) rc.exact("label flipped at eps = 1", ref[i], -1);
  }
  // Any prefix of the labels gives the prefix of the output.
  if (n > 0) {
    const size_t m = in.range(0, n);
    Buf<int32_t> pre(m, 1);
    int64_t pb = 0;
    const int64_t pidx = fuzz::scalar().labels.flip_labels(lv, m, k, eps, seed, pre.data(), &pb);
    rc.exact("prefix bad_index", static_cast<double>(pidx), ref_idx >= 0 && static_cast<size_t>(ref_idx) < m ? static_cast<double>(ref_idx) : -1);
    for (size_t i = 0; i < std::min(m, valid); ++i) rc.exact("prefix out", pre[i], ref[i]);
  }
  fuzz::for_each_simd([&](const KernelTable& tab, const char* isa) {
    Check c{std::string(ctx) + " vs isa=" + isa};
    Buf<int32_t> out(n, in.range(0, 3));
    int64_t bad = 0;
    const int64_t idx = tab.labels.flip_labels(lv, n, k, eps, seed, out.data(), &bad);
    c.exact("bad_index", static_cast<double>(idx), static_cast<double>(ref_idx));
    if (ref_idx >= 0) c.exact("bad_value", static_cast<double>(bad), static_cast<double>(ref_bad));
    for (size_t i = 0; i < valid; ++i) c.exact("out (bit-identical across ISAs)", out[i], ref[i]);
  });
}

void fuzz_bincount(Input& in) {
  const size_t k = in.coin(4) ? in.range(1, 5000) : in.range(1, 40);
  const size_t n = pick_len(in, 200, 20000);
  std::vector<uint8_t> store;
  const LabelView lv = make_labels(in, n, k, store, in.coin() ? 50 : 1000000);
  const double start = in.coin() ? 0 : static_cast<double>(in.range(0, 1000));  // counts accumulate
  Buf<double> ref(k, 0);
  ref.fill(start);
  int64_t ref_bad = 0;
  const int64_t ref_idx = fuzz::scalar().labels.bincount(lv, n, k, ref.data(), &ref_bad);
  // The counts of the labels before the first bad one, computed here.
  const size_t valid = ref_idx >= 0 ? static_cast<size_t>(ref_idx) : n;
  std::vector<double> mine(k, start);
  for (size_t i = 0; i < valid; ++i) mine[static_cast<size_t>(label_at(lv, i))] += 1;
  const Check rc{fuzz::shape<double>("bincount", "scalar", n, k)};
  for (size_t c = 0; c < k; ++c) rc.exact("counts", ref[c], mine[c]);
  if (ref_idx >= 0) rc.exact("bad_value", static_cast<double>(ref_bad), static_cast<double>(label_at(lv, valid)));
  fuzz::for_each_simd([&](const KernelTable& tab, const char* isa) {
    Check c{fuzz::shape<double>("bincount", isa, n, k)};
    Buf<double> out(k, in.range(0, 3));
    out.fill(start);
    int64_t bad = 0;
    const int64_t idx = tab.labels.bincount(lv, n, k, out.data(), &bad);
    c.exact("bad_index", static_cast<double>(idx), static_cast<double>(ref_idx));
    if (ref_idx >= 0) c.exact("bad_value", static_cast<double>(bad), static_cast<double>(ref_bad));
    c.same_array("counts vs scalar", out, ref);
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Input in(data, size);
  const uint8_t op = in.u8();
  const bool f64 = op & 1;
  switch ((op >> 1) % 5) {
    case 0: f64 ? fuzz_kl<double>(in) : fuzz_kl<float>(in); break;
    case 1: f64 ? fuzz_entropy<double>(in) : fuzz_entropy<float>(in); break;
    case 2: fuzz_smooth(in); break;
    case 3: fuzz_flip(in); break;
    default: fuzz_bincount(in); break;
  }
  return 0;
}
