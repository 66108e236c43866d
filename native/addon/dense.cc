// Glue for the dense family: binaryCrossEntropy, sigmoidFocalLoss, softmaxFocalLoss,
// heatmapFocalLoss, mseLoss, drawGaussian, renderHeatmaps. Re-checks what lib/dense.ts checked
// (types, lengths, option codes), calls the active kernel, wraps the result.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "../kernels/dense_ref.h"
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

FloatView view(const Array& a) { return FloatView{a.data, a.is_f64()}; }

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

void set_stats(napi_env env, double loss, double weight, double count, double extra) {
  State& st = state(env);
  st.stats[0] = loss;
  st.stats[1] = weight;
  st.stats[2] = count;
  st.stats[3] = extra;
}

Napi::Value finish(const Napi::CallbackInfo& info, const char* fn, const LossSums& r, int reduction, double scale,
                   napi_value out, size_t k) {
  napi_env env = info.Env();
  if (r.bad_index >= 0)
    throw_range(env, S(fn) + "labels[" + std::to_string(r.bad_index) + "] = " + std::to_string(r.bad_value) +
                         " is out of range [0, " + std::to_string(k) + ")");
  set_stats(env, r.loss, r.weight, static_cast<double>(r.count), 0);
  if (reduction == kDNone) return Napi::Value(env, out);
  return Napi::Number::New(env, (reduction == kDSum ? r.loss : r.loss / r.weight) * scale);
}

// binaryCrossEntropy(x, targets, probabilities, posWeight|null, weight|null, reduction, scale, out|null)
// sigmoidFocalLoss(x, targets, alpha, gamma, reduction, out|null)
Napi::Value Binary(const Napi::CallbackInfo& info, bool focal) {
  napi_env env = info.Env();
  const char* fn = focal ? "sigmoidFocalLoss" : "binaryCrossEntropy";
  Array x = float_array(env, info[0], fn, focal ? "logits" : "input");
  Array t = float_array(env, info[1], fn, "targets");
  if (t.length != x.length) throw_range(env, S(fn) + "targets must have the length of the input");
  Array pwa, wa, outa;
  bool probs = false;
  FloatView pw{nullptr, false}, w{nullptr, false};
  double alpha = -1, gamma = 0, scale = 1;
  int reduction;
  napi_value out;
  if (focal) {
    alpha = number(env, info[2], fn, "alpha");
    gamma = number(env, info[3], fn, "gamma");
    reduction = static_cast<int>(number(env, info[4], fn, "reduction"));
    out = info[5];
    if (!(gamma >= 0) || !std::isfinite(gamma) || !std::isfinite(alpha)) throw_range(env, S(fn) + "bad alpha or gamma");
  } else {
    probs = info[2].ToBoolean();
    pw = optional_floats(env, info[3], fn, "posWeight", &pwa);
    w = optional_floats(env, info[4], fn, "weight", &wa);
    reduction = static_cast<int>(number(env, info[5], fn, "reduction"));
    scale = number(env, info[6], fn, "base");
    out = info[7];
    if (pw.data && (pwa.length == 0 || x.length % pwa.length != 0))
      throw_range(env, S(fn) + "posWeight length must divide the input length");
    if (w.data && wa.length != x.length) throw_range(env, S(fn) + "weight must have the length of the input");
  }
  if (reduction < 0 || reduction > 2) throw_range(env, S(fn) + "bad reduction");
  if (reduction == kDNone) outa = out_array(env, out, fn, x, x.length);
  LossSums r;
  r.weight = 0;
  auto run = [&](auto* xp) {
    using T = std::remove_const_t<std::remove_pointer_t<decltype(xp)>>;
    BinaryArgs<T> a{xp, x.length, view(t), w, pw, pw.data ? pwa.length : 1, probs, alpha, gamma,
                    reduction == kDNone ? static_cast<T*>(outa.data) : nullptr, scale};
    if (x.length == 0) return;
    r = focal ? dense_ops<T>().sigmoid_focal(a) : dense_ops<T>().bce(a);
  };
  if (x.is_f32()) run(static_cast<const float*>(x.data));
  else run(static_cast<const double*>(x.data));
  return finish(info, fn, r, reduction, scale, out, 0);
}

Napi::Value BinaryCrossEntropy(const Napi::CallbackInfo& info) { return Binary(info, false); }
Napi::Value SigmoidFocalLoss(const Napi::CallbackInfo& info) { return Binary(info, true); }

// softmaxFocalLoss(x, labels, k, inputs, alpha|null, alphaScalar, gamma, ignoreIndex, reduction, out|null)
Napi::Value SoftmaxFocalLoss(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  const char* fn = "softmaxFocalLoss";
  Array x = float_array(env, info[0], fn, "input");
  Array lab = typed(env, info[1], fn, "labels");
  IntType lt;
  if (!label_type(lab.type, &lt)) throw_type(env, S(fn) + "labels must be an integer typed array");
  const size_t k = count(env, info[2], fn, "classes");
  const int inputs = static_cast<int>(number(env, info[3], fn, "inputs"));
  Array alpha;
  const bool has_alpha = !is_nullish(env, info[4]);
  if (has_alpha) alpha = float_array(env, info[4], fn, "alpha");
  const double alpha_s = number(env, info[5], fn, "alpha");
  const double gamma = number(env, info[6], fn, "gamma");
  const double ignore = number(env, info[7], fn, "ignoreIndex");
  const int reduction = static_cast<int>(number(env, info[8], fn, "reduction"));
  size_t nk;
  if (k == 0 || !mul_ok(lab.length, k, &nk) || nk != x.length) throw_range(env, S(fn) + "input.length must equal labels.length * classes");
  if (inputs < 0 || inputs > 2) throw_range(env, S(fn) + "bad inputs");
  if (has_alpha && (!alpha.is_f64() || alpha.length != k)) throw_range(env, S(fn) + "alpha must have one value per class");
  if (!(gamma >= 0) || !std::isfinite(gamma)) throw_range(env, S(fn) + "gamma must be a finite number >= 0");
  if (reduction < 0 || reduction > 2) throw_range(env, S(fn) + "bad reduction");
  Array outa;
  if (reduction == kDNone) outa = out_array(env, info[9], fn, x, lab.length);
  LossSums r;
  auto run = [&](auto* xp) {
    using T = std::remove_const_t<std::remove_pointer_t<decltype(xp)>>;
    SoftmaxFocalArgs<T> a{xp, lab.length, k, static_cast<Inputs>(inputs), LabelView{lab.data, lt}, static_cast<int64_t>(ignore),
                          has_alpha ? static_cast<const double*>(alpha.data) : nullptr, alpha_s, gamma, 1e-7,
                          reduction == kDNone ? static_cast<T*>(outa.data) : nullptr};
    if (lab.length == 0) return;
    r = dense_ops<T>().softmax_focal(a);
  };
  if (x.is_f32()) run(static_cast<const float*>(x.data));
  else run(static_cast<const double*>(x.data));
  return finish(info, fn, r, reduction, 1, info[9], k);
}

// heatmapFocalLoss(pred, gt, logits, alpha, beta, batch, reduction, out|null)
// 'mean': loss / positives (the loss itself when there are none); 'per-sample': that per image.
// Stats for meters: [loss sum, positives, pixels, positive loss sum].
Napi::Value HeatmapFocalLoss(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  const char* fn = "heatmapFocalLoss";
  Array x = float_array(env, info[0], fn, "pred");
  Array g = float_array(env, info[1], fn, "gt");
  const bool logits = info[2].ToBoolean();
  const double alpha = number(env, info[3], fn, "alpha");
  const double beta = number(env, info[4], fn, "beta");
  const size_t batch = count(env, info[5], fn, "batch");
  const int reduction = static_cast<int>(number(env, info[6], fn, "reduction"));
  if (g.length != x.length) throw_range(env, S(fn) + "gt must have the length of pred");
  if (!(alpha >= 0) || !std::isfinite(alpha) || !(beta >= 0) || !std::isfinite(beta))
    throw_range(env, S(fn) + "alpha and beta must be finite numbers >= 0");
  if (reduction < 0 || reduction > 3) throw_range(env, S(fn) + "bad reduction");
  if (batch == 0 || x.length % batch != 0) throw_range(env, S(fn) + "batch must divide pred.length");
  Array outa;
  if (reduction == kDNone) outa = out_array(env, info[7], fn, x, x.length);
  if (reduction == kDPerSample) outa = out_array(env, info[7], fn, x, batch);
  const size_t per = x.length / batch;
  const size_t gsize = g.is_f64() ? sizeof(double) : sizeof(float);
  double loss = 0, pos_loss = 0, pos = 0;
  auto run = [&](auto* xp) {
    using T = std::remove_const_t<std::remove_pointer_t<decltype(xp)>>;
    const size_t parts = reduction == kDPerSample ? batch : 1;
    const size_t len = reduction == kDPerSample ? per : x.length;
    for (size_t b = 0; b < parts; ++b) {
      HeatmapArgs<T> a{xp + b * len, len, FloatView{static_cast<const char*>(g.data) + b * len * gsize, g.is_f64()}, logits,
                       alpha, beta, reduction == kDNone ? static_cast<T*>(outa.data) : nullptr};
      HeatmapSums s;
      if (len > 0) s = dense_ops<T>().heatmap_focal(a);
      if (s.bad_index >= 0)
        throw_range(env, S(fn) + "gt[" + std::to_string(b * len + static_cast<size_t>(s.bad_index)) + "] = " +
                             num(s.bad_value) + " is out of range [0, 1]");
      loss += s.loss;
      pos_loss += s.pos_loss;
      pos += static_cast<double>(s.pos);
      if (reduction == kDPerSample)
        static_cast<T*>(outa.data)[b] = static_cast<T>(s.pos > 0 ? s.loss / static_cast<double>(s.pos) : s.loss);
    }
  };
  if (x.is_f32()) run(static_cast<const float*>(x.data));
  else run(static_cast<const double*>(x.data));
  set_stats(env, loss, pos, static_cast<double>(x.length), pos_loss);
  if (reduction == kDNone || reduction == kDPerSample) return info[7];
  return Napi::Number::New(env, reduction == kDSum ? loss : (pos > 0 ? loss / pos : loss));
}

// mseLoss(pred, target, weight|null, reduction, out|null)
Napi::Value MseLoss(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  const char* fn = "mseLoss";
  Array x = float_array(env, info[0], fn, "pred");
  Array t = float_array(env, info[1], fn, "target");
  Array wa;
  FloatView w = optional_floats(env, info[2], fn, "weight", &wa);
  const int reduction = static_cast<int>(number(env, info[3], fn, "reduction"));
  if (t.length != x.length) throw_range(env, S(fn) + "target must have the length of pred");
  if (w.data && (wa.length == 0 || x.length % wa.length != 0)) throw_range(env, S(fn) + "weight length must divide pred.length");
  if (reduction < 0 || reduction > 2) throw_range(env, S(fn) + "bad reduction");
  Array outa;
  if (reduction == kDNone) outa = out_array(env, info[4], fn, x, x.length);
  LossSums r;
  r.weight = 0;
  auto run = [&](auto* xp) {
    using T = std::remove_const_t<std::remove_pointer_t<decltype(xp)>>;
    MseArgs<T> a{xp, x.length, view(t), w, w.data ? wa.length : 0, reduction == kDNone ? static_cast<T*>(outa.data) : nullptr};
    if (x.length == 0) return;
    r = dense_ops<T>().mse(a);
  };
  if (x.is_f32()) run(static_cast<const float*>(x.data));
  else run(static_cast<const double*>(x.data));
  return finish(info, fn, r, reduction, 1, info[4], 0);
}

int64_t integer(napi_env env, napi_value v, const char* fn, const char* arg) {
  const double d = number(env, v, fn, arg);
  if (!(std::fabs(d) <= 9007199254740991.0) || std::floor(d) != d) throw_range(env, S(fn) + arg + " must be an integer");
  return static_cast<int64_t>(d);
}

// drawGaussian(heatmap, height, width, x, y, radius, k) -> heatmap
Napi::Value DrawGaussian(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  const char* fn = "drawGaussian";
  Array hm = float_array(env, info[0], fn, "heatmap");
  const size_t h = count(env, info[1], fn, "height"), w = count(env, info[2], fn, "width");
  const int64_t x = integer(env, info[3], fn, "x"), y = integer(env, info[4], fn, "y");
  const int64_t r = integer(env, info[5], fn, "radius");
  const double k = number(env, info[6], fn, "k");
  size_t hw;
  if (!mul_ok(h, w, &hw) || hw != hm.length) throw_range(env, S(fn) + "heatmap must hold height * width values");
  if (r < 0 || r > 0x7fffffff) throw_range(env, S(fn) + "radius must be an integer in [0, 2^31)");
  if (!std::isfinite(k) || k < 0) throw_range(env, S(fn) + "k must be a finite number >= 0");
  const int64_t H = static_cast<int64_t>(h), W = static_cast<int64_t>(w);
  if (hm.is_f32()) ref::draw_gaussian(static_cast<float*>(hm.data), H, W, x, y, r, k);
  else ref::draw_gaussian(static_cast<double*>(hm.data), H, W, x, y, r, k);
  return info[0];
}

// renderHeatmaps(B, C, H, W, batch, channel, x, y, radius (Int32Arrays of one length), out) -> out
Napi::Value RenderHeatmaps(const Napi::CallbackInfo& info) {
  napi_env env = info.Env();
  const char* fn = "renderHeatmaps";
  const size_t B = count(env, info[0], fn, "batch"), C = count(env, info[1], fn, "channels");
  const size_t H = count(env, info[2], fn, "height"), W = count(env, info[3], fn, "width");
  const char* names[5] = {"points.batch", "points.channel", "points.x", "points.y", "points.radius"};
  const int32_t* col[5];
  size_t n = 0;
  for (int j = 0; j < 5; ++j) {
    Array a = typed(env, info[4 + j], fn, names[j]);
    if (a.type != napi_int32_array) throw_type(env, S(fn) + names[j] + " must be an Int32Array");
    if (j == 0) n = a.length;
    else if (a.length != n) throw_range(env, S(fn) + "points columns must have one length");
    col[j] = static_cast<const int32_t*>(a.data);
  }
  Array out = float_array(env, info[9], fn, "out");
  size_t plane, total;
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
  float* o = static_cast<float*>(out.data);
  for (size_t i = 0; i < n; ++i) {
    float* map = o + (static_cast<size_t>(col[0][i]) * C + static_cast<size_t>(col[1][i])) * plane;
    ref::draw_gaussian(map, static_cast<int64_t>(H), static_cast<int64_t>(W), col[2][i], col[3][i], col[4][i], 1.0);
  }
  return info[9];
}

}  // namespace

void RegisterDense(Napi::Env env, Napi::Object exports) {
  exports.Set("binaryCrossEntropy", Napi::Function::New(env, BinaryCrossEntropy, "binaryCrossEntropy"));
  exports.Set("sigmoidFocalLoss", Napi::Function::New(env, SigmoidFocalLoss, "sigmoidFocalLoss"));
  exports.Set("softmaxFocalLoss", Napi::Function::New(env, SoftmaxFocalLoss, "softmaxFocalLoss"));
  exports.Set("heatmapFocalLoss", Napi::Function::New(env, HeatmapFocalLoss, "heatmapFocalLoss"));
  exports.Set("mseLoss", Napi::Function::New(env, MseLoss, "mseLoss"));
  exports.Set("drawGaussian", Napi::Function::New(env, DrawGaussian, "drawGaussian"));
  exports.Set("renderHeatmaps", Napi::Function::New(env, RenderHeatmaps, "renderHeatmaps"));
}

}  // namespace losskit
