// Glue for KL divergence, entropy and the label tools (smoothing, seeded flipping, the empirical
// distribution): re-check, call the active kernel, wrap. lib/distributions.ts validates first.
#include <cmath>
#include <string>

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

template <class T>
double run_kl(const Array& p, const Array& q, size_t n, size_t k, Inputs inputs, const Array* out, double scale) {
  KlArgs<T> a{static_cast<const T*>(p.data), q.data, q.is_f64(), n, k, inputs,
              out ? static_cast<T*>(out->data) : nullptr, scale};
  if (n == 0) return 0;
  return dist_ops<T>().kl_div(a);
}

// klDivergence(p, q, k, inputs, reduction, scale, out|null)
Napi::Value KlDivergence(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  const char* fn = "klDivergence";
  Array p = float_array(env, info[0], fn, "p");
  Array q = float_array(env, info[1], fn, "q");
  const size_t k = count(env, info[2], fn, "classes");
  const Inputs inputs = inputs_code(env, info[3], fn);
  const double red = number(env, info[4], fn, "reduction");
  const double scale = finite_scale(env, info[5], fn);
  const size_t n = row_count(env, p, k, fn, "p");
  if (q.length != p.length) throw_range(env, "klDivergence: q must have the length of p");
  if (!(red == kBatchMean || red == kKlSum || red == kKlMean || red == kKlNone)) throw_range(env, "klDivergence: bad reduction");
  const int reduction = static_cast<int>(red);
  Array out;
  if (reduction == kKlNone) {
    out = float_array(env, info[6], fn, "out");
    if (out.type != p.type || out.length != n) throw_range(env, "klDivergence: out must have the type of p and one value per row");
  }
  const Array* o = reduction == kKlNone ? &out : nullptr;
  const double total = p.is_f32() ? run_kl<float>(p, q, n, k, inputs, o, scale) : run_kl<double>(p, q, n, k, inputs, o, scale);
  const double denom = reduction == kKlMean ? static_cast<double>(n) * static_cast<double>(k) : static_cast<double>(n);
  State& st = state(env);
  st.stats[0] = total;
  st.stats[1] = denom;
  st.stats[2] = static_cast<double>(n);
  if (reduction == kKlNone) return info[6];
  // Empty input: 'sum' is 0; 'batchmean' and 'mean' are 0 / 0 = NaN (torch).
  const double v = reduction == kKlSum ? total * scale : (total / denom) * scale;
  return Napi::Number::New(env, v);
}

// entropy(x, k, inputs, scale, out)
Napi::Value Entropy(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  const char* fn = "entropy";
  Array x = float_array(env, info[0], fn, "p");
  const size_t k = count(env, info[1], fn, "classes");
  const Inputs inputs = inputs_code(env, info[2], fn);
  const double scale = finite_scale(env, info[3], fn);
  Array out = float_array(env, info[4], fn, "out");
  const size_t n = row_count(env, x, k, fn, "p");
  if (out.type != x.type || out.length != n) throw_range(env, "entropy: out must have the type of p and one value per row");
  if (n > 0) {
    if (x.is_f32())
      dist_ops<float>().entropy_rows(static_cast<const float*>(x.data), n, k, inputs, scale, static_cast<float*>(out.data));
    else
      dist_ops<double>().entropy_rows(static_cast<const double*>(x.data), n, k, inputs, scale, static_cast<double*>(out.data));
  }
  return info[4];
}

// smoothLabels(labels, k, on, off, out)
Napi::Value SmoothLabels(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  const char* fn = "smoothLabels";
  Array lab = typed(env, info[0], fn, "labels");
  LabelView lv = labels_of(env, lab, fn, "labels");
  const size_t k = count(env, info[1], fn, "classes");
  const double on = number(env, info[2], fn, "epsilon");
  const double off = number(env, info[3], fn, "epsilon");
  Array out = typed(env, info[4], fn, "out");
  size_t len;
  if (k == 0 || !mul_ok(lab.length, k, &len)) throw_range(env, "smoothLabels: classes must be a positive integer");
  if (out.type != napi_float32_array || out.length != len) throw_range(env, "smoothLabels: out must be a Float32Array of labels.length * classes");
  int64_t bad_value = 0;
  const int64_t bad = lab.length == 0 ? -1
                                      : active_kernels().labels.smooth_labels(lv, lab.length, k, static_cast<float>(on),
                                                                              static_cast<float>(off),
                                                                              static_cast<float*>(out.data), &bad_value);
  if (bad >= 0) bad_label(env, fn, "labels", bad, bad_value, k);
  return info[4];
}

// flipLabels(labels, k, eps, seedLo, seedHi, out)
Napi::Value FlipLabels(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  const char* fn = "flipLabels";
  Array lab = typed(env, info[0], fn, "labels");
  LabelView lv = labels_of(env, lab, fn, "labels");
  const size_t k = count(env, info[1], fn, "classes");
  const double eps = number(env, info[2], fn, "epsilon");
  const double lo = number(env, info[3], fn, "seed"), hi = number(env, info[4], fn, "seed");
  Array out = typed(env, info[5], fn, "out");
  if (k == 0 || k > 0x80000000ull) throw_range(env, "flipLabels: classes must be in [1, 2^31]");
  if (!(eps >= 0 && eps <= 1)) throw_range(env, "flipLabels: epsilon must be in [0, 1]");
  if (!(lo >= 0 && lo <= 4294967295.0 && hi >= 0 && hi <= 4294967295.0 && std::floor(lo) == lo && std::floor(hi) == hi))
    throw_range(env, "flipLabels: bad seed");
  if (out.type != napi_int32_array || out.length != lab.length) throw_range(env, "flipLabels: out must be an Int32Array of labels.length");
  const uint64_t seed = (static_cast<uint64_t>(hi) << 32) | static_cast<uint64_t>(lo);
  int64_t bad_value = 0;
  const int64_t bad = lab.length == 0 ? -1
                                      : active_kernels().labels.flip_labels(lv, lab.length, k, eps, seed,
                                                                            static_cast<int32_t*>(out.data), &bad_value);
  if (bad >= 0) bad_label(env, fn, "labels", bad, bad_value, k);
  return info[5];
}

// empiricalDistribution(samples, k, out): counts / N, NaN for every class when N = 0.
Napi::Value EmpiricalDistribution(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  const char* fn = "empiricalDistribution";
  Array s = typed(env, info[0], fn, "samples");
  LabelView lv = labels_of(env, s, fn, "samples");
  const size_t k = count(env, info[1], fn, "classes");
  Array out = typed(env, info[2], fn, "out");
  if (k == 0) throw_range(env, "empiricalDistribution: classes must be a positive integer");
  if (out.type != napi_float64_array || out.length != k) throw_range(env, "empiricalDistribution: out must be a Float64Array of classes");
  double* c = static_cast<double*>(out.data);
  for (size_t j = 0; j < k; ++j) c[j] = 0;
  int64_t bad_value = 0;
  const int64_t bad = s.length == 0 ? -1 : active_kernels().labels.bincount(lv, s.length, k, c, &bad_value);
  if (bad >= 0) bad_label(env, fn, "samples", bad, bad_value, k);
  const double n = static_cast<double>(s.length);
  for (size_t j = 0; j < k; ++j) c[j] = c[j] / n;  // N = 0: 0 / 0 = NaN for every class
  return info[2];
}

}  // namespace

void RegisterDistributions(Napi::Env env, Napi::Object exports) {
  exports.Set("klDivergence", Napi::Function::New(env, KlDivergence, "klDivergence"));
  exports.Set("entropy", Napi::Function::New(env, Entropy, "entropy"));
  exports.Set("smoothLabels", Napi::Function::New(env, SmoothLabels, "smoothLabels"));
  exports.Set("flipLabels", Napi::Function::New(env, FlipLabels, "flipLabels"));
  exports.Set("empiricalDistribution", Napi::Function::New(env, EmpiricalDistribution, "empiricalDistribution"));
}

}  // namespace losskit
