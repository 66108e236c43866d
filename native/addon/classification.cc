// Glue for log-sum-exp, softmax and cross-entropy: re-check, call the active kernel, wrap.
#include <vector>

#include "glue.h"
#include "state.h"

namespace losskit {
namespace {

enum Reduction { kMean = 0, kSum = 1, kNone = 2 };

template <class T>
const ClassificationOps<T>& cls_ops();
template <>
const ClassificationOps<float>& cls_ops<float>() { return active_kernels().cls_f32; }
template <>
const ClassificationOps<double>& cls_ops<double>() { return active_kernels().cls_f64; }

// lseRows(x, k, out) -> out
Napi::Value LseRows(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  const char* fn = "logSumExp";
  Array x = float_array(env, info[0], fn, "x");
  size_t k = count(env, info[1], fn, "classes");
  Array out = float_array(env, info[2], fn, "out");
  if (k == 0 || x.length % k != 0) throw_range(env, "logSumExp: x.length must be a multiple of classes");
  const size_t n = x.length / k;
  if (out.type != x.type || out.length != n) throw_range(env, "logSumExp: out must have the type of x and one value per row");
  if (n > 0) {
    if (x.is_f32()) cls_ops<float>().lse_rows(static_cast<const float*>(x.data), n, k, static_cast<float*>(out.data));
    else cls_ops<double>().lse_rows(static_cast<const double*>(x.data), n, k, static_cast<double*>(out.data));
  }
  return info[2];
}

// lseAll(x) -> number
Napi::Value LseAll(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  Array x = float_array(env, info[0], "logSumExp", "x");
  double r = -INFINITY;
  if (x.length > 0)
    r = x.is_f32() ? cls_ops<float>().lse_all(static_cast<const float*>(x.data), x.length)
                   : cls_ops<double>().lse_all(static_cast<const double*>(x.data), x.length);
  return Napi::Number::New(env, r);
}

// softmaxRows(x, k, invTemp, log, out) -> out
Napi::Value SoftmaxRows(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  const bool log = info[3].ToBoolean();
  const char* fn = log ? "logSoftmax" : "softmax";
  Array x = float_array(env, info[0], fn, "x");
  size_t k = count(env, info[1], fn, "classes");
  double inv_t = number(env, info[2], fn, "temperature");
  Array out = float_array(env, info[4], fn, "out");
  if (k == 0 || x.length % k != 0) throw_range(env, std::string(fn) + ": x.length must be a multiple of classes");
  if (!(inv_t > 0) || !std::isfinite(inv_t)) throw_range(env, std::string(fn) + ": temperature must be a finite number > 0");
  if (out.type != x.type || out.length != x.length) throw_range(env, std::string(fn) + ": out must have the type and length of x");
  const size_t n = x.length / k;
  if (n > 0) {
    if (x.is_f32())
      cls_ops<float>().softmax_rows(static_cast<const float*>(x.data), n, k, static_cast<float>(inv_t), log,
                                    static_cast<float*>(out.data));
    else
      cls_ops<double>().softmax_rows(static_cast<const double*>(x.data), n, k, inv_t, log, static_cast<double*>(out.data));
  }
  return info[4];
}

Napi::Value Finish(const Napi::CallbackInfo& info, const LossSums& r, int reduction, double scale, napi_value out,
                   const char* fn, size_t k) {
  napi_env env = info.Env();
  if (r.bad_index >= 0)
    throw_range(env, std::string(fn) + ": labels[" + std::to_string(r.bad_index) + "] = " + std::to_string(r.bad_value) +
                         " is out of range [0, " + std::to_string(k) + ")");
  State& st = state(env);
  st.stats[0] = r.loss;
  st.stats[1] = r.weight;
  st.stats[2] = static_cast<double>(r.count);
  if (reduction == kNone) return Napi::Value(env, out);
  const double v = reduction == kSum ? r.loss * scale : (r.loss / r.weight) * scale;
  return Napi::Number::New(env, v);
}

struct CommonArgs {
  Array x;
  size_t n, k, s;
  int inputs;
  Array weight;
  bool has_weight;
  double smoothing, clip_eps, scale;
  int reduction;
  Array out;
  bool has_out;
};

// Arguments shared by both cross-entropies after the first two:
// (k, s, inputs, weight|null, smoothing, clipEps, reduction, scale, out|null)
CommonArgs common(const Napi::CallbackInfo& info, const char* fn, size_t first) {
  napi_env env = info.Env();
  CommonArgs c;
  c.x = float_array(env, info[0], fn, "input");
  c.k = count(env, info[first], fn, "classes");
  c.s = count(env, info[first + 1], fn, "spatial");
  c.inputs = static_cast<int>(number(env, info[first + 2], fn, "inputs"));
  c.has_weight = !is_nullish(env, info[first + 3]);
  if (c.has_weight) c.weight = typed(env, info[first + 3], fn, "weight");
  c.smoothing = number(env, info[first + 4], fn, "labelSmoothing");
  c.clip_eps = number(env, info[first + 5], fn, "epsilon");
  c.reduction = static_cast<int>(number(env, info[first + 6], fn, "reduction"));
  c.scale = number(env, info[first + 7], fn, "base");
  c.has_out = !is_nullish(env, info[first + 8]);
  if (c.has_out) c.out = float_array(env, info[first + 8], fn, "out");
  size_t ks;
  if (c.k == 0 || c.s == 0 || !mul_ok(c.k, c.s, &ks) || c.x.length % ks != 0)
    throw_range(env, std::string(fn) + ": input.length must be a multiple of classes * spatial");
  c.n = c.x.length / ks;
  if (c.inputs < 0 || c.inputs > 2) throw_range(env, std::string(fn) + ": bad inputs");
  if (c.has_weight && (!c.weight.is_f64() || c.weight.length != c.k))
    throw_range(env, std::string(fn) + ": weight must have one value per class");
  if (!(c.smoothing >= 0 && c.smoothing <= 1.5)) throw_range(env, std::string(fn) + ": labelSmoothing out of range");
  if (c.reduction < 0 || c.reduction > 2) throw_range(env, std::string(fn) + ": bad reduction");
  if (c.reduction == kNone && (!c.has_out || c.out.type != c.x.type || c.out.length != c.n * c.s))
    throw_range(env, std::string(fn) + ": out must have the type of input and one value per sample");
  return c;
}

template <class T>
LossSums run_ce(const CommonArgs& c, LabelView labels, int64_t ignore) {
  std::vector<T> wt;
  if (c.has_weight && c.smoothing > 0) {
    const double* w = static_cast<const double*>(c.weight.data);
    wt.assign(w, w + c.k);
  }
  CrossEntropyArgs<T> a{static_cast<const T*>(c.x.data),
                        c.n,
                        c.k,
                        c.s,
                        static_cast<Inputs>(c.inputs),
                        labels,
                        ignore,
                        c.has_weight ? static_cast<const double*>(c.weight.data) : nullptr,
                        wt.empty() ? nullptr : wt.data(),
                        c.smoothing,
                        c.clip_eps,
                        c.reduction == kNone ? static_cast<T*>(c.out.data) : nullptr,
                        c.scale};
  if (c.n == 0) return LossSums{};
  return cls_ops<T>().cross_entropy(a);
}

// crossEntropy(input, labels, k, s, inputs, weight, smoothing, clipEps, reduction, scale, out, ignoreIndex)
Napi::Value CrossEntropy(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  const char* fn = "crossEntropy";
  CommonArgs c = common(info, fn, 2);
  Array lab = typed(env, info[1], fn, "labels");
  IntType lt;
  if (!label_type(lab.type, &lt)) throw_type(env, "crossEntropy: labels must be an integer typed array");
  if (lab.length != c.n * c.s) throw_range(env, "crossEntropy: labels must have one value per sample");
  const double ig = number(env, info[11], fn, "ignoreIndex");
  LabelView lv{lab.data, lt};
  LossSums r = c.x.is_f32() ? run_ce<float>(c, lv, static_cast<int64_t>(ig)) : run_ce<double>(c, lv, static_cast<int64_t>(ig));
  return Finish(info, r, c.reduction, c.scale, c.has_out ? static_cast<napi_value>(info[10]) : nullptr, fn, c.k);
}

template <class T>
LossSums run_soft(const CommonArgs& c, const Array& t) {
  std::vector<T> wt;
  if (c.has_weight) {
    const double* w = static_cast<const double*>(c.weight.data);
    wt.assign(w, w + c.k);
  }
  SoftCrossEntropyArgs<T> a{static_cast<const T*>(c.x.data),
                            c.n,
                            c.k,
                            c.s,
                            static_cast<Inputs>(c.inputs),
                            t.data,
                            t.is_f64(),
                            c.has_weight ? static_cast<const double*>(c.weight.data) : nullptr,
                            wt.empty() ? nullptr : wt.data(),
                            c.smoothing,
                            c.clip_eps,
                            c.reduction == kNone ? static_cast<T*>(c.out.data) : nullptr,
                            c.scale};
  if (c.n == 0) return LossSums{};
  return cls_ops<T>().soft_cross_entropy(a);
}

// softCrossEntropy(input, targets, k, s, inputs, weight, smoothing, clipEps, reduction, scale, out)
Napi::Value SoftCrossEntropy(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  const char* fn = "softCrossEntropy";
  CommonArgs c = common(info, fn, 2);
  Array t = float_array(env, info[1], fn, "targets");
  if (t.length != c.x.length) throw_range(env, "softCrossEntropy: targets must have the length of input");
  LossSums r = c.x.is_f32() ? run_soft<float>(c, t) : run_soft<double>(c, t);
  // PyTorch divides by the number of samples (positions), whatever the weights.
  r.weight = static_cast<double>(r.count);
  return Finish(info, r, c.reduction, c.scale, c.has_out ? static_cast<napi_value>(info[10]) : nullptr, fn, c.k);
}

}  // namespace

void RegisterClassification(Napi::Env env, Napi::Object exports) {
  exports.Set("lseRows", Napi::Function::New(env, LseRows, "lseRows"));
  exports.Set("lseAll", Napi::Function::New(env, LseAll, "lseAll"));
  exports.Set("softmaxRows", Napi::Function::New(env, SoftmaxRows, "softmaxRows"));
  exports.Set("crossEntropy", Napi::Function::New(env, CrossEntropy, "crossEntropy"));
  exports.Set("softCrossEntropy", Napi::Function::New(env, SoftCrossEntropy, "softCrossEntropy"));
}

}  // namespace losskit

namespace losskit {
namespace {

// The hot path for small batches: crossEntropy(logits, labels) with default options (ignoreIndex
// -100) and reduction 'mean' (k > 0) or 'sum' (k passed negated). Raw N-API, three arguments, no
// heap allocation, the State pointer passed as the function's data, and the result returned through
// the stats array (JS divides): the per-call cost here is what a 1×10 call pays.
napi_value CrossEntropyFast(napi_env env, napi_callback_info cbinfo) {
  size_t argc = 3;
  napi_value argv[3];
  void* data = nullptr;
  napi_get_cb_info(env, cbinfo, &argc, argv, nullptr, &data);
  napi_typedarray_type xt, lt;
  size_t xn = 0, ln = 0;
  void* xd = nullptr;
  void* ld = nullptr;
  double kd = 0;
  if (argc < 3 || napi_get_typedarray_info(env, argv[0], &xt, &xn, &xd, nullptr, nullptr) != napi_ok ||
      napi_get_typedarray_info(env, argv[1], &lt, &ln, &ld, nullptr, nullptr) != napi_ok ||
      napi_get_value_double(env, argv[2], &kd) != napi_ok) {
    napi_throw_type_error(env, nullptr, "crossEntropy: bad arguments to the native fast path");
    return nullptr;
  }
  const double k = kd < 0 ? -kd : kd;
  const size_t kk = static_cast<size_t>(k);
  IntType it;
  if ((xt != napi_float32_array && xt != napi_float64_array) || !label_type(lt, &it) || !(k >= 1 && k <= 9007199254740991.0) ||
      static_cast<double>(kk) != k || ln == 0 || xd == nullptr || ld == nullptr || xn / kk != ln || xn % kk != 0) {
    napi_throw_range_error(env, nullptr, "crossEntropy: input.length must equal labels.length × classes");
    return nullptr;
  }
  const LabelView lv{ld, it};
  LossSums r;
  if (xt == napi_float32_array) {
    CrossEntropyArgs<float> a{static_cast<const float*>(xd), ln, kk, 1, Inputs::kLogits, lv, -100, nullptr, nullptr, 0, 1e-7, nullptr, 1};
    r = cls_ops<float>().cross_entropy(a);
  } else {
    CrossEntropyArgs<double> a{static_cast<const double*>(xd), ln, kk, 1, Inputs::kLogits, lv, -100, nullptr, nullptr, 0, 1e-7, nullptr, 1};
    r = cls_ops<double>().cross_entropy(a);
  }
  if (r.bad_index >= 0) {
    std::string msg = "crossEntropy: labels[" + std::to_string(r.bad_index) + "] = " + std::to_string(r.bad_value) +
                      " is out of range [0, " + std::to_string(kk) + ")";
    napi_throw_range_error(env, nullptr, msg.c_str());
    return nullptr;
  }
  double* stats = static_cast<State*>(data)->stats;
  stats[0] = r.loss;
  stats[1] = r.weight;
  stats[2] = static_cast<double>(r.count);
  return nullptr;  // undefined; the caller reads stats
}

}  // namespace

void RegisterClassificationFast(napi_env env, napi_value exports) {
  napi_value f;
  napi_create_function(env, "crossEntropyFast", NAPI_AUTO_LENGTH, CrossEntropyFast, &state(env), &f);
  napi_set_named_property(env, exports, "crossEntropyFast", f);
}

}  // namespace losskit
