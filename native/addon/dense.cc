// Glue for the dense family: binaryCrossEntropy, sigmoidFocalLoss, softmaxFocalLoss,
// heatmapFocalLoss, mseLoss, drawGaussian, renderHeatmaps. Re-checks what lib/dense.ts checked
// (types, lengths, option codes), calls the active kernel, wraps the result. Each function is a
// block op (async.h): exported synchronous and as a Promise twin.
//
// How each one is cut into blocks:
// - binaryCrossEntropy / sigmoidFocalLoss: elements, in whole periods of posWeight (element i uses
//   posWeight[i % C], so a block starting at a multiple of C sees the same weights).
// - softmaxFocalLoss: rows of K scores (and their labels).
// - heatmapFocalLoss: runs of kHeatRun pixels (see below); for 'per-sample', whole images (each
//   image's mean needs its own sums, and each image is one kernel call either way).
// - mseLoss: elements, in whole runs of one weight (element i uses weight[i / (n / L)]).
// - drawGaussian (paints one map in place) and renderHeatmaps (paints points in any order into one
//   output, combining by max): one block each; the twin runs off the event loop, not split.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "../kernels/dense_ref.h"
#include "async.h"
#include "glue.h"
#include "state.h"

namespace losskit {
namespace {

enum DenseReduction { kDMean = 0, kDSum = 1, kDNone = 2, kDPerSample = 3 };

template <class T>
const DenseOps<T>& dense_ops();
template <>
const DenseOps<float>& dense_ops<float>() { return active_kernels().dense_f32; }
template <>
const DenseOps<double>& dense_ops<double>() { return active_kernels().dense_f64; }

std::string S(const char* fn) { return std::string(fn) + ": "; }

// The shortest decimal that reads back as v (as JavaScript prints numbers).
std::string num(double v) {
  if (v != v) return "NaN";
  char buf[40];
  for (int p = 1; p <= 17; ++p) {
    std::snprintf(buf, sizeof buf, "%.*g", p, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

inline size_t fbytes(const Array& a) { return a.is_f64() ? 8 : 4; }

FloatView view(const Array& a) { return FloatView{a.data, a.is_f64()}; }

// The view moved forward by `first` values (a null view stays null).
FloatView view_at(FloatView v, size_t first) {
  if (v.data == nullptr) return v;
  return FloatView{static_cast<const char*>(v.data) + first * (v.f64 ? 8 : 4), v.f64};
}

FloatView optional_floats(napi_env env, napi_value v, const char* fn, const char* arg, Array* holder) {
  if (is_nullish(env, v)) return FloatView{nullptr, false};
  *holder = float_array(env, v, fn, arg);
  return view(*holder);
}

// The per-element output for reduction 'none': present, of the input's type and length n.
Array out_array(napi_env env, napi_value v, const char* fn, const Array& like, size_t n) {
  if (is_nullish(env, v)) throw_type(env, S(fn) + "out is required for reduction 'none'");
  Array o = float_array(env, v, fn, "out");
  if (o.type != like.type || o.length != n) throw_range(env, S(fn) + "out must have the type of the input and " + std::to_string(n) + " values");
  return o;
}

int reduction_code(napi_env env, napi_value v, const char* fn, int last) {
  return static_cast<int>(int_in(env, v, fn, "reduction", 0, last));
}

// finish_reduction, plus the fourth stats slot (0 for these losses).
Napi::Value finish_dense(const Args& a, const LossSums& r, int reduction, double scale, size_t out_arg, const char* fn, size_t k) {
  Napi::Value v = finish_reduction(a, r, reduction, scale, out_arg, fn, k);
  state(a.env()).stats[3] = 0;
  return v;
}

// binaryCrossEntropy(x, targets, probabilities, posWeight|null, weight|null, reduction, scale, out|null)
// sigmoidFocalLoss(x, targets, alpha, gamma, reduction, out|null)
// A row is one period of posWeight (C elements; 1 without posWeight).
template <bool kFocal>
struct BinaryOp : BlockOp {
  static constexpr const char* kName = kFocal ? "sigmoidFocalLoss" : "binaryCrossEntropy";
  Array x, t, pwa, wa, outa;
  FloatView pw{nullptr, false}, w{nullptr, false};
  bool probs = false;
  double alpha = -1, gamma = 0, scale = 1;
  int reduction = kDMean;
  size_t c = 1, out_arg = 0;
  explicit BinaryOp(const Args& a) {
    napi_env env = a.env();
    const char* fn = kName;
    x = float_array(env, a[0], fn, kFocal ? "logits" : "input");
    t = float_array(env, a[1], fn, "targets");
    if (t.length != x.length) throw_range(env, S(fn) + "targets must have the length of the input");
    if (kFocal) {
      alpha = number(env, a[2], fn, "alpha");
      gamma = number(env, a[3], fn, "gamma");
      reduction = reduction_code(env, a[4], fn, 2);
      out_arg = 5;
      if (!(gamma >= 0) || !std::isfinite(gamma) || !std::isfinite(alpha)) throw_range(env, S(fn) + "bad alpha or gamma");
    } else {
      napi_value flag;
      napi_coerce_to_bool(env, a[2], &flag);
      napi_get_value_bool(env, flag, &probs);
      pw = optional_floats(env, a[3], fn, "posWeight", &pwa);
      w = optional_floats(env, a[4], fn, "weight", &wa);
      reduction = reduction_code(env, a[5], fn, 2);
      scale = number(env, a[6], fn, "base");
      out_arg = 7;
      if (pw.data && (pwa.length == 0 || x.length % pwa.length != 0))
        throw_range(env, S(fn) + "posWeight length must divide the input length");
      if (w.data && wa.length != x.length) throw_range(env, S(fn) + "weight must have the length of the input");
      if (pw.data) c = pwa.length;
    }
    if (reduction == kDNone) outa = out_array(env, a[out_arg], fn, x, x.length);
  }
  size_t rows() const { return x.length / c; }
  size_t row_bytes() const { return c * (fbytes(x) + fbytes(t) + (w.data ? fbytes(wa) : 0)); }
  template <class T>
  LossSums run_t(size_t b, size_t e) const noexcept {
    const size_t first = b * c;
    BinaryArgs<T> args{static_cast<const T*>(x.data) + first, (e - b) * c, view_at(view(t), first), view_at(w, first), pw, c, probs,
                       alpha, gamma, reduction == kDNone ? static_cast<T*>(outa.data) + first : nullptr, scale};
    return kFocal ? dense_ops<T>().sigmoid_focal(args) : dense_ops<T>().bce(args);
  }
  LossSums run(size_t b, size_t e) const noexcept { return x.is_f32() ? run_t<float>(b, e) : run_t<double>(b, e); }
  Napi::Value finish(const Args& a, const LossSums& r) const { return finish_dense(a, r, reduction, scale, out_arg, kName, 0); }
};

// softmaxFocalLoss(x, labels, k, inputs, alpha|null, alphaScalar, gamma, ignoreIndex, reduction, out|null)
struct SoftmaxFocalOp : BlockOp {
  static constexpr const char* kName = "softmaxFocalLoss";
  Array x, alpha, outa;
  LabelView labels{nullptr, IntType::kInt32};
  size_t n = 0, k = 0;
  int inputs = 0, reduction = kDMean;
  bool has_alpha = false;
  double alpha_s = 1, gamma = 2;
  int64_t ignore = -100;
  explicit SoftmaxFocalOp(const Args& a) {
    napi_env env = a.env();
    const char* fn = kName;
    x = float_array(env, a[0], fn, "input");
    Array lab = typed(env, a[1], fn, "labels");
    IntType lt;
    if (!label_type(lab.type, &lt)) throw_type(env, S(fn) + "labels must be an integer typed array");
    k = count(env, a[2], fn, "classes");
    inputs = static_cast<int>(int_in(env, a[3], fn, "inputs", 0, 2));
    has_alpha = !is_nullish(env, a[4]);
    if (has_alpha) alpha = float_array(env, a[4], fn, "alpha");
    alpha_s = number(env, a[5], fn, "alpha");
    gamma = number(env, a[6], fn, "gamma");
    ignore = int_in(env, a[7], fn, "ignoreIndex", -9007199254740991.0, 9007199254740991.0);
    reduction = reduction_code(env, a[8], fn, 2);
    size_t nk;
    if (k == 0 || !mul_ok(lab.length, k, &nk) || nk != x.length) throw_range(env, S(fn) + "input.length must equal labels.length * classes");
    if (has_alpha && (!alpha.is_f64() || alpha.length != k)) throw_range(env, S(fn) + "alpha must have one value per class");
    if (!(gamma >= 0) || !std::isfinite(gamma)) throw_range(env, S(fn) + "gamma must be a finite number >= 0");
    n = lab.length;
    labels = LabelView{lab.data, lt};
    if (reduction == kDNone) outa = out_array(env, a[9], fn, x, n);
  }
  size_t rows() const { return n; }
  size_t row_bytes() const { return k * fbytes(x) + label_bytes(labels.type); }
  template <class T>
  LossSums run_t(size_t b, size_t e) const noexcept {
    SoftmaxFocalArgs<T> args{static_cast<const T*>(x.data) + b * k, e - b, k, static_cast<Inputs>(inputs), offset_labels(labels, b), ignore,
                             has_alpha ? static_cast<const double*>(alpha.data) : nullptr, alpha_s, gamma, 1e-7,
                             reduction == kDNone ? static_cast<T*>(outa.data) + b : nullptr};
    return offset_bad(dense_ops<T>().softmax_focal(args), b);
  }
  LossSums run(size_t b, size_t e) const noexcept { return x.is_f32() ? run_t<float>(b, e) : run_t<double>(b, e); }
  Napi::Value finish(const Args& a, const LossSums& r) const { return finish_dense(a, r, reduction, 1, 9, kName, k); }
};

// heatmapFocalLoss(pred, gt, logits, alpha, beta, batch, reduction, out|null)
// 'mean': loss / positives (the loss itself when there are none); 'per-sample': that per image.
// Stats for meters: [loss sum, positives, pixels, positive loss sum]. Between blocks the sums
// travel as LossSums {loss, weight = positives, count = pixels, extra = positive loss}; a bad gt
// value is found again in finish() from its index (LossSums holds integer bad values).
//
// The SIMD heatmap kernels add float32 losses in float32 lanes and widen them to float64 every
// kHeatBlock vectors, counted from the start of the call and restarted every kDenseChunk = 1024
// pixels when gt has the other float type (native/kernels/dense_simd.inl). Blocks that start at a
// multiple of 1024 pixels (a multiple of every kHeatBlock·N too) see the same float32 partial sums
// as the one-block call, so a split changes only the float64 additions: the bound of
// CONTRIBUTING.md holds. A block cut anywhere else would differ by float32 rounding.
constexpr size_t kHeatRun = 1024;

struct HeatmapFocalOp : BlockOp {
  static constexpr const char* kName = "heatmapFocalLoss";
  Array x, g, outa;
  bool logits = false;
  double alpha = 2, beta = 4;
  size_t batch = 1, per = 0;
  int reduction = kDMean;
  explicit HeatmapFocalOp(const Args& a) {
    napi_env env = a.env();
    const char* fn = kName;
    x = float_array(env, a[0], fn, "pred");
    g = float_array(env, a[1], fn, "gt");
    napi_value flag;
    napi_coerce_to_bool(env, a[2], &flag);
    napi_get_value_bool(env, flag, &logits);
    alpha = number(env, a[3], fn, "alpha");
    beta = number(env, a[4], fn, "beta");
    batch = count(env, a[5], fn, "batch");
    reduction = reduction_code(env, a[6], fn, 3);
    if (g.length != x.length) throw_range(env, S(fn) + "gt must have the length of pred");
    if (!(alpha >= 0) || !std::isfinite(alpha) || !(beta >= 0) || !std::isfinite(beta))
      throw_range(env, S(fn) + "alpha and beta must be finite numbers >= 0");
    if (batch == 0 || x.length % batch != 0) throw_range(env, S(fn) + "batch must divide pred.length");
    if (reduction == kDNone) outa = out_array(env, a[7], fn, x, x.length);
    if (reduction == kDPerSample) outa = out_array(env, a[7], fn, x, batch);
    per = x.length / batch;
  }
  bool per_sample() const { return reduction == kDPerSample; }
  size_t rows() const { return per_sample() ? batch : (x.length + kHeatRun - 1) / kHeatRun; }
  size_t row_bytes() const { return (per_sample() ? per : kHeatRun) * (fbytes(x) + fbytes(g)); }
  template <class T>
  static LossSums span(const HeatmapFocalOp& op, size_t first, size_t len, T* out) noexcept {
    LossSums r;
    r.count = static_cast<int64_t>(len);
    if (len == 0) return r;
    HeatmapArgs<T> args{static_cast<const T*>(op.x.data) + first, len, view_at(view(op.g), first), op.logits, op.alpha, op.beta, out};
    const HeatmapSums s = dense_ops<T>().heatmap_focal(args);
    r.loss = s.loss;
    r.extra = s.pos_loss;
    r.weight = static_cast<double>(s.pos);
    if (s.bad_index >= 0) r.bad_index = static_cast<int64_t>(first) + s.bad_index;
    return r;
  }
  template <class T>
  LossSums run_t(size_t b, size_t e) const noexcept {
    if (!per_sample()) {
      const size_t first = b * kHeatRun, last = e * kHeatRun < x.length ? e * kHeatRun : x.length;
      return span<T>(*this, first, last - first, reduction == kDNone ? static_cast<T*>(outa.data) + first : nullptr);
    }
    LossSums acc;
    for (size_t i = b; i < e; ++i) {
      const LossSums s = span<T>(*this, i * per, per, nullptr);
      if (s.bad_index >= 0) return s;  // the first bad pixel of the block: later images are not needed
      static_cast<T*>(outa.data)[i] = static_cast<T>(s.weight > 0 ? s.loss / s.weight : s.loss);
      merge(acc, s);
    }
    return acc;
  }
  LossSums run(size_t b, size_t e) const noexcept { return x.is_f32() ? run_t<float>(b, e) : run_t<double>(b, e); }
  static void merge(LossSums& acc, const LossSums& b) noexcept {
    if (acc.bad_index >= 0) return;
    acc.loss += b.loss;
    acc.weight += b.weight;
    acc.count += b.count;
    acc.extra += b.extra;
    if (b.bad_index >= 0) acc.bad_index = b.bad_index;
  }
  Napi::Value finish(const Args& a, const LossSums& r) const {
    napi_env env = a.env();
    if (r.bad_index >= 0) {
      const size_t i = static_cast<size_t>(r.bad_index);
      const double v = g.is_f64() ? static_cast<const double*>(g.data)[i] : static_cast<double>(static_cast<const float*>(g.data)[i]);
      throw_range(env, S(kName) + "gt[" + std::to_string(i) + "] = " + num(v) + " is out of range [0, 1]");
    }
    double* st = state(env).stats;
    st[0] = r.loss;
    st[1] = r.weight;
    st[2] = static_cast<double>(x.length);
    st[3] = r.extra;
    if (reduction == kDNone || reduction == kDPerSample) return Napi::Value(env, a[7]);
    return Napi::Number::New(env, reduction == kDSum ? r.loss : (r.weight > 0 ? r.loss / r.weight : r.loss));
  }
};

// mseLoss(pred, target, weight|null, reduction, out|null). A row is the run of elements that share
// one weight (n / L of them; one element without weight or with a single weight).
struct MseOp : BlockOp {
  static constexpr const char* kName = "mseLoss";
  Array x, t, wa, outa;
  FloatView w{nullptr, false};
  int reduction = kDMean;
  size_t run_len = 1;
  explicit MseOp(const Args& a) {
    napi_env env = a.env();
    const char* fn = kName;
    x = float_array(env, a[0], fn, "pred");
    t = float_array(env, a[1], fn, "target");
    w = optional_floats(env, a[2], fn, "weight", &wa);
    reduction = reduction_code(env, a[3], fn, 2);
    if (t.length != x.length) throw_range(env, S(fn) + "target must have the length of pred");
    if (w.data && (wa.length == 0 || x.length % wa.length != 0)) throw_range(env, S(fn) + "weight length must divide pred.length");
    if (reduction == kDNone) outa = out_array(env, a[4], fn, x, x.length);
    if (w.data && wa.length > 1) run_len = x.length / wa.length;
  }
  size_t rows() const { return x.length / run_len; }
  size_t row_bytes() const { return run_len * (fbytes(x) + fbytes(t)); }
  template <class T>
  LossSums run_t(size_t b, size_t e) const noexcept {
    const size_t first = b * run_len, len = (e - b) * run_len;
    // A single weight applies to every element of any sub-range; L > 1 weights: the rows' own ones.
    const bool one = w.data && wa.length == 1;
    MseArgs<T> args{static_cast<const T*>(x.data) + first, len, view_at(view(t), first), one ? w : view_at(w, b),
                    w.data ? (one ? 1 : e - b) : 0, reduction == kDNone ? static_cast<T*>(outa.data) + first : nullptr};
    return dense_ops<T>().mse(args);
  }
  LossSums run(size_t b, size_t e) const noexcept { return x.is_f32() ? run_t<float>(b, e) : run_t<double>(b, e); }
  Napi::Value finish(const Args& a, const LossSums& r) const { return finish_dense(a, r, reduction, 1, 4, kName, 0); }
};

int64_t integer(napi_env env, napi_value v, const char* fn, const char* arg) {
  const double d = number(env, v, fn, arg);
  if (!(std::fabs(d) <= 9007199254740991.0) || std::floor(d) != d) throw_range(env, S(fn) + arg + " must be an integer");
  return static_cast<int64_t>(d);
}

// drawGaussian(heatmap, height, width, x, y, radius, k) -> heatmap. One block: it paints one map.
struct DrawGaussianOp : BlockOp {
  static constexpr const char* kName = "drawGaussian";
  Array hm;
  int64_t H = 0, W = 0, x = 0, y = 0, r = 0;
  double k = 1;
  explicit DrawGaussianOp(const Args& a) {
    napi_env env = a.env();
    const char* fn = kName;
    hm = float_array(env, a[0], fn, "heatmap");
    const size_t h = count(env, a[1], fn, "height"), w = count(env, a[2], fn, "width");
    x = integer(env, a[3], fn, "x");
    y = integer(env, a[4], fn, "y");
    r = integer(env, a[5], fn, "radius");
    k = number(env, a[6], fn, "k");
    size_t hw;
    if (!mul_ok(h, w, &hw) || hw != hm.length) throw_range(env, S(fn) + "heatmap must hold height * width values");
    if (r < 0 || r > 0x7fffffff) throw_range(env, S(fn) + "radius must be an integer in [0, 2^31)");
    if (!std::isfinite(k) || k < 0) throw_range(env, S(fn) + "k must be a finite number >= 0");
    H = static_cast<int64_t>(h);
    W = static_cast<int64_t>(w);
  }
  size_t rows() const { return 1; }
  size_t row_bytes() const { return 1; }
  LossSums run(size_t, size_t) const noexcept {
    if (hm.is_f32()) ref::draw_gaussian(static_cast<float*>(hm.data), H, W, x, y, r, k);
    else ref::draw_gaussian(static_cast<double*>(hm.data), H, W, x, y, r, k);
    return LossSums{};
  }
  Napi::Value finish(const Args& a, const LossSums&) const { return Napi::Value(a.env(), a[0]); }
};

// renderHeatmaps(B, C, H, W, batch, channel, x, y, radius (Int32Arrays of one length), out) -> out.
// One block: points come in any order and several may paint the same plane.
struct RenderHeatmapsOp : BlockOp {
  static constexpr const char* kName = "renderHeatmaps";
  size_t B = 0, C = 0, H = 0, W = 0, plane = 0, n = 0;
  const int32_t* col[5] = {};
  Array out;
  explicit RenderHeatmapsOp(const Args& a) {
    napi_env env = a.env();
    const char* fn = kName;
    B = count(env, a[0], fn, "batch");
    C = count(env, a[1], fn, "channels");
    H = count(env, a[2], fn, "height");
    W = count(env, a[3], fn, "width");
    const char* names[5] = {"points.batch", "points.channel", "points.x", "points.y", "points.radius"};
    for (int j = 0; j < 5; ++j) {
      Array c = typed(env, a[4 + j], fn, names[j]);
      if (c.type != napi_int32_array) throw_type(env, S(fn) + names[j] + " must be an Int32Array");
      if (j == 0) n = c.length;
      else if (c.length != n) throw_range(env, S(fn) + "points columns must have one length");
      col[j] = static_cast<const int32_t*>(c.data);
    }
    out = float_array(env, a[9], fn, "out");
    size_t total;
    if (!mul_ok(H, W, &plane) || !mul_ok(plane, C, &total) || !mul_ok(total, B, &total) || !out.is_f32() || out.length != total)
      throw_range(env, S(fn) + "out must be a Float32Array of batch * channels * height * width values");
    for (size_t i = 0; i < n; ++i) {
      const int32_t b = col[0][i], c = col[1][i], r = col[4][i];
      if (b < 0 || static_cast<size_t>(b) >= B)
        throw_range(env, S(fn) + "points[" + std::to_string(i) + "].batch = " + std::to_string(b) + " is out of range [0, " + std::to_string(B) + ")");
      if (c < 0 || static_cast<size_t>(c) >= C)
        throw_range(env, S(fn) + "points[" + std::to_string(i) + "].channel = " + std::to_string(c) + " is out of range [0, " + std::to_string(C) + ")");
      if (r < 0) throw_range(env, S(fn) + "points[" + std::to_string(i) + "].radius must be >= 0");
    }
  }
  size_t rows() const { return 1; }
  size_t row_bytes() const { return 1; }
  LossSums run(size_t, size_t) const noexcept {
    float* o = static_cast<float*>(out.data);
    for (size_t i = 0; i < n; ++i) {
      float* map = o + (static_cast<size_t>(col[0][i]) * C + static_cast<size_t>(col[1][i])) * plane;
      ref::draw_gaussian(map, static_cast<int64_t>(H), static_cast<int64_t>(W), col[2][i], col[3][i], col[4][i], 1.0);
    }
    return LossSums{};
  }
  Napi::Value finish(const Args& a, const LossSums&) const { return Napi::Value(a.env(), a[9]); }
};

}  // namespace

void RegisterDense(Napi::Env env, Napi::Object exports) {
  register_op<BinaryOp<false>>(env, exports, "binaryCrossEntropy");
  register_op<BinaryOp<true>>(env, exports, "sigmoidFocalLoss");
  register_op<SoftmaxFocalOp>(env, exports, "softmaxFocalLoss");
  register_op<HeatmapFocalOp>(env, exports, "heatmapFocalLoss");
  register_op<MseOp>(env, exports, "mseLoss");
  register_op<DrawGaussianOp>(env, exports, "drawGaussian");
  register_op<RenderHeatmapsOp>(env, exports, "renderHeatmaps");
}

}  // namespace losskit
