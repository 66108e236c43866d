// Glue for KL divergence, entropy and the label tools (smoothing, seeded flipping, the empirical
// distribution): re-check, call the active kernel, wrap. lib/distributions.ts validates first.
// Each function is a block op (async.h): exported synchronous and as a Promise twin.
#include <cmath>
#include <string>

#include "async.h"
#include "glue.h"
#include "state.h"

namespace losskit {
namespace {

enum KlReduction { kBatchMean = 0, kKlSum = 1, kKlMean = 2, kKlNone = 3 };

template <class T>
const DistributionOps<T>& dist_ops();
template <>
const DistributionOps<float>& dist_ops<float>() { return active_kernels().dist_f32; }
template <>
const DistributionOps<double>& dist_ops<double>() { return active_kernels().dist_f64; }

size_t row_count(napi_env env, const Array& x, size_t k, const char* fn, const char* arg) {
  if (k == 0 || x.length % k != 0) throw_range(env, std::string(fn) + ": " + arg + ".length must be a multiple of classes");
  return x.length / k;
}

Inputs inputs_code(napi_env env, napi_value v, const char* fn) {
  const double c = number(env, v, fn, "inputs");
  if (!(c == 0 || c == 1 || c == 2)) throw_range(env, std::string(fn) + ": bad inputs");
  return static_cast<Inputs>(static_cast<int>(c));
}

double finite_scale(napi_env env, napi_value v, const char* fn) {
  const double s = number(env, v, fn, "base");
  if (!std::isfinite(s) || s == 0) throw_range(env, std::string(fn) + ": bad base");
  return s;
}

LabelView labels_of(napi_env env, const Array& a, const char* fn, const char* arg) {
  IntType t;
  if (!label_type(a.type, &t)) throw_type(env, std::string(fn) + ": " + arg + " must be an integer typed array");
  return LabelView{a.data, t};
}

[[noreturn]] void bad_label(napi_env env, const char* fn, const char* arg, int64_t i, int64_t v, size_t k) {
  throw_range(env, std::string(fn) + ": " + arg + "[" + std::to_string(i) + "] = " + std::to_string(v) +
                       " is out of range [0, " + std::to_string(k) + ")");
}

// klDivergence(p, q, k, inputs, reduction, scale, out|null)
struct KlDivergenceOp : BlockOp {
  static constexpr const char* kName = "klDivergence";
  Array p, q, out;
  size_t n = 0, k = 0;
  Inputs inputs = Inputs::kProbabilities;
  int reduction = kBatchMean;
  double scale = 1;
  explicit KlDivergenceOp(const Args& a) {
    napi_env env = a.env();
    const char* fn = "klDivergence";
    p = float_array(env, a[0], fn, "p");
    q = float_array(env, a[1], fn, "q");
    k = count(env, a[2], fn, "classes");
    inputs = inputs_code(env, a[3], fn);
    const double red = number(env, a[4], fn, "reduction");
    scale = finite_scale(env, a[5], fn);
    n = row_count(env, p, k, fn, "p");
    if (q.length != p.length) throw_range(env, "klDivergence: q must have the length of p");
    if (!(red == kBatchMean || red == kKlSum || red == kKlMean || red == kKlNone)) throw_range(env, "klDivergence: bad reduction");
    reduction = static_cast<int>(red);
    if (reduction == kKlNone) {
      out = float_array(env, a[6], fn, "out");
      if (out.type != p.type || out.length != n) throw_range(env, "klDivergence: out must have the type of p and one value per row");
    }
  }
  size_t rows() const { return n; }
  size_t row_bytes() const { return k * ((p.is_f32() ? 4 : 8) + (q.is_f64() ? 8 : 4)); }
  template <class T>
  double run_t(size_t b, size_t e) const noexcept {
    const void* qb = q.is_f64() ? static_cast<const void*>(static_cast<const double*>(q.data) + b * k)
                                : static_cast<const void*>(static_cast<const float*>(q.data) + b * k);
    KlArgs<T> c{static_cast<const T*>(p.data) + b * k, qb, q.is_f64(), e - b, k, inputs,
                reduction == kKlNone ? static_cast<T*>(out.data) + b : nullptr, scale};
    return dist_ops<T>().kl_div(c);
  }
  LossSums run(size_t b, size_t e) const noexcept {
    LossSums r;
    r.loss = p.is_f32() ? run_t<float>(b, e) : run_t<double>(b, e);
    r.count = static_cast<int64_t>(e - b);
    return r;
  }
  Napi::Value finish(const Args& a, const LossSums& r) const {
    napi_env env = a.env();
    const double total = r.loss;
    const double denom = reduction == kKlMean ? static_cast<double>(n) * static_cast<double>(k) : static_cast<double>(n);
    State& st = state(env);
    st.stats[0] = total;
    st.stats[1] = denom;
    st.stats[2] = static_cast<double>(n);
    if (reduction == kKlNone) return Napi::Value(env, a[6]);
    // Empty input: 'sum' is 0; 'batchmean' and 'mean' are 0 / 0 = NaN (torch).
    const double v = reduction == kKlSum ? total * scale : (total / denom) * scale;
    return Napi::Number::New(env, v);
  }
};

// entropy(x, k, inputs, scale, out)
struct EntropyOp : BlockOp {
  static constexpr const char* kName = "entropy";
  Array x, out;
  size_t n = 0, k = 0;
  Inputs inputs = Inputs::kProbabilities;
  double scale = 1;
  explicit EntropyOp(const Args& a) {
    napi_env env = a.env();
    const char* fn = "entropy";
    x = float_array(env, a[0], fn, "p");
    k = count(env, a[1], fn, "classes");
    inputs = inputs_code(env, a[2], fn);
    scale = finite_scale(env, a[3], fn);
    out = float_array(env, a[4], fn, "out");
    n = row_count(env, x, k, fn, "p");
    if (out.type != x.type || out.length != n) throw_range(env, "entropy: out must have the type of p and one value per row");
  }
  size_t rows() const { return n; }
  size_t row_bytes() const { return k * (x.is_f32() ? 4 : 8); }
  LossSums run(size_t b, size_t e) const noexcept {
    if (x.is_f32())
      dist_ops<float>().entropy_rows(static_cast<const float*>(x.data) + b * k, e - b, k, inputs, scale, static_cast<float*>(out.data) + b);
    else
      dist_ops<double>().entropy_rows(static_cast<const double*>(x.data) + b * k, e - b, k, inputs, scale,
                                      static_cast<double*>(out.data) + b);
    return LossSums{};
  }
  Napi::Value finish(const Args& a, const LossSums&) const { return Napi::Value(a.env(), a[4]); }
};

// smoothLabels(labels, k, on, off, out)
struct SmoothLabelsOp : BlockOp {
  static constexpr const char* kName = "smoothLabels";
  LabelView lv{nullptr, IntType::kInt32};
  size_t n = 0, k = 0;
  double on = 0, off = 0;
  Array out;
  explicit SmoothLabelsOp(const Args& a) {
    napi_env env = a.env();
    const char* fn = "smoothLabels";
    Array lab = typed(env, a[0], fn, "labels");
    lv = labels_of(env, lab, fn, "labels");
    k = count(env, a[1], fn, "classes");
    on = number(env, a[2], fn, "epsilon");
    off = number(env, a[3], fn, "epsilon");
    out = typed(env, a[4], fn, "out");
    size_t len;
    if (k == 0 || !mul_ok(lab.length, k, &len)) throw_range(env, "smoothLabels: classes must be a positive integer");
    if (out.type != napi_float32_array || out.length != len) throw_range(env, "smoothLabels: out must be a Float32Array of labels.length * classes");
    n = lab.length;
  }
  size_t rows() const { return n; }
  size_t row_bytes() const { return k * 4 + label_bytes(lv.type); }  // the output dominates
  LossSums run(size_t b, size_t e) const noexcept {
    LossSums r;
    r.bad_index = active_kernels().labels.smooth_labels(offset_labels(lv, b), e - b, k, static_cast<float>(on), static_cast<float>(off),
                                                        static_cast<float*>(out.data) + b * k, &r.bad_value);
    return offset_bad(r, b);
  }
  Napi::Value finish(const Args& a, const LossSums& r) const {
    if (r.bad_index >= 0) bad_label(a.env(), kName, "labels", r.bad_index, r.bad_value, k);
    return Napi::Value(a.env(), a[4]);
  }
};

// flipLabels(labels, k, eps, seedLo, seedHi, out). One block: label i's random bits depend on i
// counted from the start of the call, so a sub-range call would draw other bits.
struct FlipLabelsOp : BlockOp {
  static constexpr const char* kName = "flipLabels";
  LabelView lv{nullptr, IntType::kInt32};
  size_t n = 0, k = 0;
  double eps = 0;
  uint64_t seed = 0;
  Array out;
  explicit FlipLabelsOp(const Args& a) {
    napi_env env = a.env();
    const char* fn = "flipLabels";
    Array lab = typed(env, a[0], fn, "labels");
    lv = labels_of(env, lab, fn, "labels");
    k = count(env, a[1], fn, "classes");
    eps = number(env, a[2], fn, "epsilon");
    const double lo = number(env, a[3], fn, "seed"), hi = number(env, a[4], fn, "seed");
    out = typed(env, a[5], fn, "out");
    if (k == 0 || k > 0x80000000ull) throw_range(env, "flipLabels: classes must be in [1, 2^31]");
    if (!(eps >= 0 && eps <= 1)) throw_range(env, "flipLabels: epsilon must be in [0, 1]");
    if (!(lo >= 0 && lo <= 4294967295.0 && hi >= 0 && hi <= 4294967295.0 && std::floor(lo) == lo && std::floor(hi) == hi))
      throw_range(env, "flipLabels: bad seed");
    if (out.type != napi_int32_array || out.length != lab.length) throw_range(env, "flipLabels: out must be an Int32Array of labels.length");
    seed = (static_cast<uint64_t>(hi) << 32) | static_cast<uint64_t>(lo);
    n = lab.length;
  }
  size_t rows() const { return n > 0 ? 1 : 0; }
  size_t row_bytes() const { return 1; }
  LossSums run(size_t, size_t) const noexcept {
    LossSums r;
    r.bad_index = active_kernels().labels.flip_labels(lv, n, k, eps, seed, static_cast<int32_t*>(out.data), &r.bad_value);
    return r;
  }
  Napi::Value finish(const Args& a, const LossSums& r) const {
    if (r.bad_index >= 0) bad_label(a.env(), kName, "labels", r.bad_index, r.bad_value, k);
    return Napi::Value(a.env(), a[5]);
  }
};

// empiricalDistribution(samples, k, out): counts / N, NaN for every class when N = 0. One block:
// every sample adds into the same k counts.
struct EmpiricalDistributionOp : BlockOp {
  static constexpr const char* kName = "empiricalDistribution";
  LabelView lv{nullptr, IntType::kInt32};
  size_t n = 0, k = 0;
  Array out;
  explicit EmpiricalDistributionOp(const Args& a) {
    napi_env env = a.env();
    const char* fn = "empiricalDistribution";
    Array s = typed(env, a[0], fn, "samples");
    lv = labels_of(env, s, fn, "samples");
    k = count(env, a[1], fn, "classes");
    out = typed(env, a[2], fn, "out");
    if (k == 0) throw_range(env, "empiricalDistribution: classes must be a positive integer");
    if (out.type != napi_float64_array || out.length != k) throw_range(env, "empiricalDistribution: out must be a Float64Array of classes");
    n = s.length;
  }
  size_t rows() const { return 1; }  // runs even for N = 0: the NaNs are written by run()
  size_t row_bytes() const { return 1; }
  LossSums run(size_t, size_t) const noexcept {
    double* c = static_cast<double*>(out.data);
    for (size_t j = 0; j < k; ++j) c[j] = 0;
    LossSums r;
    r.bad_index = n == 0 ? -1 : active_kernels().labels.bincount(lv, n, k, c, &r.bad_value);
    const double dn = static_cast<double>(n);
    for (size_t j = 0; j < k; ++j) c[j] = c[j] / dn;  // N = 0: 0 / 0 = NaN for every class
    return r;
  }
  Napi::Value finish(const Args& a, const LossSums& r) const {
    if (r.bad_index >= 0) bad_label(a.env(), kName, "samples", r.bad_index, r.bad_value, k);
    return Napi::Value(a.env(), a[2]);
  }
};

}  // namespace

void RegisterDistributions(Napi::Env env, Napi::Object exports) {
  register_op<KlDivergenceOp>(env, exports, "klDivergence");
  register_op<EntropyOp>(env, exports, "entropy");
  register_op<SmoothLabelsOp>(env, exports, "smoothLabels");
  register_op<FlipLabelsOp>(env, exports, "flipLabels");
  register_op<EmpiricalDistributionOp>(env, exports, "empiricalDistribution");
}

}  // namespace losskit
