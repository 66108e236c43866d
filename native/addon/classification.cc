// Glue for log-sum-exp, softmax and cross-entropy: re-check, call the active kernel, wrap. Each
// function is a block op (async.h), so it is exported twice: synchronous, and as a Promise twin
// whose rows are cut into blocks on the libuv pool.
#include <limits>
#include <vector>

#include "async.h"
#include "state.h"

namespace losskit {
namespace {

template <class T>
const ClassificationOps<T>& cls_ops();
template <>
const ClassificationOps<float>& cls_ops<float>() { return active_kernels().cls_f32; }
template <>
const ClassificationOps<double>& cls_ops<double>() { return active_kernels().cls_f64; }

inline size_t float_bytes(const Array& a) { return a.is_f32() ? 4 : 8; }

// lseRows(x, k, out) -> out
struct LseRowsOp : BlockOp {
  static constexpr const char* kName = "logSumExp";
  Array x, out;
  size_t n = 0, k = 0;
  explicit LseRowsOp(const Args& a) {
    napi_env env = a.env();
    const char* fn = "logSumExp";
    x = float_array(env, a[0], fn, "x");
    k = count(env, a[1], fn, "classes");
    out = float_array(env, a[2], fn, "out");
    if (k == 0 || x.length % k != 0) throw_range(env, "logSumExp: x.length must be a multiple of classes");
    n = x.length / k;
    if (out.type != x.type || out.length != n) throw_range(env, "logSumExp: out must have the type of x and one value per row");
  }
  size_t rows() const { return n; }
  size_t row_bytes() const { return k * float_bytes(x); }
  LossSums run(size_t b, size_t e) const noexcept {
    if (x.is_f32()) cls_ops<float>().lse_rows(static_cast<const float*>(x.data) + b * k, e - b, k, static_cast<float*>(out.data) + b);
    else cls_ops<double>().lse_rows(static_cast<const double*>(x.data) + b * k, e - b, k, static_cast<double*>(out.data) + b);
    return LossSums{};
  }
  Napi::Value finish(const Args& a, const LossSums&) const { return Napi::Value(a.env(), a[2]); }
};

// lseAll(x) -> number. A block's log-sum-exp travels in LossSums::loss; blocks combine as
// log(exp(a) + exp(b)) with torch.logsumexp's rules for NaN and infinities.
struct LseAllOp : BlockOp {
  static constexpr const char* kName = "logSumExp";
  Array x;
  explicit LseAllOp(const Args& a) { x = float_array(a.env(), a[0], "logSumExp", "x"); }
  size_t rows() const { return x.length; }
  size_t row_bytes() const { return float_bytes(x); }
  LossSums run(size_t b, size_t e) const noexcept {
    LossSums r;
    r.loss = x.is_f32() ? cls_ops<float>().lse_all(static_cast<const float*>(x.data) + b, e - b)
                        : cls_ops<double>().lse_all(static_cast<const double*>(x.data) + b, e - b);
    r.count = static_cast<int64_t>(e - b);
    return r;
  }
  static void merge(LossSums& acc, const LossSums& b) noexcept {
    const double p = acc.loss, q = b.loss;
    acc.count += b.count;
    if (p != p || q != q) acc.loss = std::numeric_limits<double>::quiet_NaN();
    else if (p == INFINITY || q == INFINITY) acc.loss = INFINITY;
    else if (p == -INFINITY) acc.loss = q;
    else if (q != -INFINITY) acc.loss = std::max(p, q) + std::log1p(std::exp(-std::fabs(p - q)));
  }
  Napi::Value finish(const Args& a, const LossSums& r) const {
    return Napi::Number::New(a.env(), x.length > 0 ? r.loss : -INFINITY);
  }
};

// softmaxRows(x, k, invTemp, log, out) -> out
struct SoftmaxOp : BlockOp {
  static constexpr const char* kName = "softmax";
  Array x, out;
  size_t n = 0, k = 0;
  double inv_t = 1;
  bool log = false;
  explicit SoftmaxOp(const Args& a) {
    napi_env env = a.env();
    napi_value flag;
    napi_coerce_to_bool(env, a[3], &flag);
    napi_get_value_bool(env, flag, &log);
    const char* fn = log ? "logSoftmax" : "softmax";
    x = float_array(env, a[0], fn, "x");
    k = count(env, a[1], fn, "classes");
    inv_t = number(env, a[2], fn, "temperature");
    out = float_array(env, a[4], fn, "out");
    if (k == 0 || x.length % k != 0) throw_range(env, std::string(fn) + ": x.length must be a multiple of classes");
    if (!(inv_t > 0) || !std::isfinite(inv_t)) throw_range(env, std::string(fn) + ": temperature must be a finite number > 0");
    if (out.type != x.type || out.length != x.length) throw_range(env, std::string(fn) + ": out must have the type and length of x");
    n = x.length / k;
  }
  size_t rows() const { return n; }
  size_t row_bytes() const { return k * float_bytes(x); }
  LossSums run(size_t b, size_t e) const noexcept {
    if (x.is_f32())
      cls_ops<float>().softmax_rows(static_cast<const float*>(x.data) + b * k, e - b, k, static_cast<float>(inv_t), log,
                                    static_cast<float*>(out.data) + b * k);
    else
      cls_ops<double>().softmax_rows(static_cast<const double*>(x.data) + b * k, e - b, k, inv_t, log,
                                     static_cast<double*>(out.data) + b * k);
    return LossSums{};
  }
  Napi::Value finish(const Args& a, const LossSums&) const { return Napi::Value(a.env(), a[4]); }
};

// Arguments shared by both cross-entropies after the first two:
// (k, s, inputs, weight|null, smoothing, clipEps, reduction, scale, out|null)
struct LossOp : BlockOp {
  Array x;
  size_t n = 0, k = 0, s = 0;
  int inputs = 0;
  Array weight;
  bool has_weight = false;
  double smoothing = 0, clip_eps = 0, scale = 1;
  int reduction = kMean;
  Array out;
  bool has_out = false;
  std::vector<float> wt32;  // weights in the input's type, for the vector loops
  std::vector<double> wt64;

  LossOp(const Args& a, const char* fn, size_t first) {
    napi_env env = a.env();
    x = float_array(env, a[0], fn, "input");
    k = count(env, a[first], fn, "classes");
    s = count(env, a[first + 1], fn, "spatial");
    inputs = static_cast<int>(int_in(env, a[first + 2], fn, "inputs", 0, 2));
    has_weight = !is_nullish(env, a[first + 3]);
    if (has_weight) weight = typed(env, a[first + 3], fn, "weight");
    smoothing = number(env, a[first + 4], fn, "labelSmoothing");
    clip_eps = number(env, a[first + 5], fn, "epsilon");
    reduction = static_cast<int>(int_in(env, a[first + 6], fn, "reduction", 0, 2));
    scale = number(env, a[first + 7], fn, "base");
    has_out = !is_nullish(env, a[first + 8]);
    if (has_out) out = float_array(env, a[first + 8], fn, "out");
    size_t ks;
    if (k == 0 || s == 0 || !mul_ok(k, s, &ks) || x.length % ks != 0)
      throw_range(env, std::string(fn) + ": input.length must be a multiple of classes * spatial");
    n = x.length / ks;
    if (inputs < 0 || inputs > 2) throw_range(env, std::string(fn) + ": bad inputs");
    if (has_weight && (!weight.is_f64() || weight.length != k))
      throw_range(env, std::string(fn) + ": weight must have one value per class");
    if (!(smoothing >= 0 && smoothing <= 1.5)) throw_range(env, std::string(fn) + ": labelSmoothing out of range");
    if (reduction < 0 || reduction > 2) throw_range(env, std::string(fn) + ": bad reduction");
    if (reduction == kNone && (!has_out || out.type != x.type || out.length != n * s))
      throw_range(env, std::string(fn) + ": out must have the type of input and one value per sample");
  }
  const double* w64() const { return has_weight ? static_cast<const double*>(weight.data) : nullptr; }
  void convert_weights() {
    const double* w = w64();
    if (x.is_f32()) wt32.assign(w, w + k);
    else wt64.assign(w, w + k);
  }
  template <class T>
  const T* wt() const;
  template <class T>
  T* out_at(size_t first_row) const {
    return reduction == kNone ? static_cast<T*>(out.data) + first_row * s : nullptr;
  }
};
template <>
const float* LossOp::wt<float>() const { return wt32.empty() ? nullptr : wt32.data(); }
template <>
const double* LossOp::wt<double>() const { return wt64.empty() ? nullptr : wt64.data(); }

// crossEntropy(input, labels, k, s, inputs, weight, smoothing, clipEps, reduction, scale, out, ignoreIndex)
struct CrossEntropyOp : LossOp {
  static constexpr const char* kName = "crossEntropy";
  LabelView labels{nullptr, IntType::kInt32};
  int64_t ignore = -100;
  explicit CrossEntropyOp(const Args& a) : LossOp(a, "crossEntropy", 2) {
    napi_env env = a.env();
    const char* fn = "crossEntropy";
    Array lab = typed(env, a[1], fn, "labels");
    IntType lt;
    if (!label_type(lab.type, &lt)) throw_type(env, "crossEntropy: labels must be an integer typed array");
    if (lab.length != n * s) throw_range(env, "crossEntropy: labels must have one value per sample");
    ignore = int_in(env, a[11], fn, "ignoreIndex", -9007199254740991.0, 9007199254740991.0);
    labels = LabelView{lab.data, lt};
    if (has_weight && smoothing > 0) convert_weights();
  }
  size_t rows() const { return n; }
  size_t row_bytes() const { return k * s * float_bytes(x) + s * label_bytes(labels.type); }
  template <class T>
  LossSums run_t(size_t b, size_t e) const noexcept {
    CrossEntropyArgs<T> c{static_cast<const T*>(x.data) + b * k * s,
                          e - b,
                          k,
                          s,
                          static_cast<Inputs>(inputs),
                          offset_labels(labels, b * s),
                          ignore,
                          w64(),
                          wt<T>(),
                          smoothing,
                          clip_eps,
                          out_at<T>(b),
                          scale};
    return offset_bad(cls_ops<T>().cross_entropy(c), b * s);
  }
  LossSums run(size_t b, size_t e) const noexcept { return x.is_f32() ? run_t<float>(b, e) : run_t<double>(b, e); }
  Napi::Value finish(const Args& a, const LossSums& r) const { return finish_reduction(a, r, reduction, scale, 10, kName, k); }
};

// softCrossEntropy(input, targets, k, s, inputs, weight, smoothing, clipEps, reduction, scale, out)
struct SoftCrossEntropyOp : LossOp {
  static constexpr const char* kName = "softCrossEntropy";
  Array t;
  explicit SoftCrossEntropyOp(const Args& a) : LossOp(a, "softCrossEntropy", 2) {
    t = float_array(a.env(), a[1], kName, "targets");
    if (t.length != x.length) throw_range(a.env(), "softCrossEntropy: targets must have the length of input");
    if (has_weight) convert_weights();
  }
  size_t rows() const { return n; }
  size_t row_bytes() const { return k * s * (float_bytes(x) + float_bytes(t)); }
  template <class T>
  LossSums run_t(size_t b, size_t e) const noexcept {
    const size_t first = b * k * s;
    const void* tg = t.is_f64() ? static_cast<const void*>(static_cast<const double*>(t.data) + first)
                                : static_cast<const void*>(static_cast<const float*>(t.data) + first);
    SoftCrossEntropyArgs<T> c{static_cast<const T*>(x.data) + first,
                              e - b,
                              k,
                              s,
                              static_cast<Inputs>(inputs),
                              tg,
                              t.is_f64(),
                              w64(),
                              wt<T>(),
                              smoothing,
                              clip_eps,
                              out_at<T>(b),
                              scale};
    return cls_ops<T>().soft_cross_entropy(c);
  }
  LossSums run(size_t b, size_t e) const noexcept { return x.is_f32() ? run_t<float>(b, e) : run_t<double>(b, e); }
  Napi::Value finish(const Args& a, const LossSums& r) const {
    LossSums m = r;
    // PyTorch divides by the number of samples (positions), whatever the weights.
    m.weight = static_cast<double>(m.count);
    return finish_reduction(a, m, reduction, scale, 10, kName, k);
  }
};

}  // namespace

void RegisterClassification(Napi::Env env, Napi::Object exports) {
  register_op<LseRowsOp>(env, exports, "lseRows");
  register_op<LseAllOp>(env, exports, "lseAll");
  register_op<SoftmaxOp>(env, exports, "softmaxRows");
  register_op<CrossEntropyOp>(env, exports, "crossEntropy");
  register_op<SoftCrossEntropyOp>(env, exports, "softCrossEntropy");
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
  // Range first: casting NaN or a huge double to size_t is undefined behaviour (found by UBSan).
  const size_t kk = k >= 1 && k <= 9007199254740991.0 ? static_cast<size_t>(k) : 0;
  IntType it;
  if ((xt != napi_float32_array && xt != napi_float64_array) || !label_type(lt, &it) || kk == 0 ||
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
