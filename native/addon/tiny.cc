// Tiny calls through a staging area: the path a 1×10 crossEntropy or logSumExp takes.
//
// Passing a typed array costs two N-API queries; its element type is the expensive one (a chain of
// IsInt8Array, IsUint8Array, ... checks, ~50 ns each on Node 20), and two of them were half of a
// 1×10 call. Skipping the type query is not safe on its own: the native side must know the element
// size to bound its reads, and a type code passed from JS could be wrong if someone calls the
// native function directly. So tiny inputs are not passed at all: lib/tiny.ts copies them into a
// staging area the addon already holds, writes n, k and the float type in its header, and calls an
// entry point with no arguments. Every bound here comes from the addon's own constants (kTiny*),
// never from the header, so no header value can turn into a read or write outside the area.
//
// The area is a SharedArrayBuffer, handed over once by lib/tiny.ts (tinyInit). A SharedArrayBuffer
// cannot be detached (transferring one shares it; it has no transfer-to-detach), and its memory
// never moves or shrinks while a reference holds it, so the pointer kept here stays valid without
// a per-call check. tinyInit refuses a view on a plain ArrayBuffer (which could be detached and
// freed); once an area is held it is kept, and a later call (another copy of lib/, e.g. under
// jest's module registry, loading the same addon instance) gets that area back. The header is read
// once into locals; labels are copied out before use, so even a writer on another thread (if
// someone shared the buffer) could only change the numbers, not the bounds.
#include <cstddef>
#include <cstdint>

#include "glue.h"
#include "state.h"

namespace losskit {
namespace {

// Reads one header slot once (volatile: never re-read after validation).
inline double header(const TinyArea& t, size_t i) { return static_cast<volatile const double*>(t.base)[i]; }
inline void set_status(const TinyArea& t, double v) { static_cast<volatile double*>(t.base)[kTinyStatus] = v; }

// A count in [1, max] from a header slot, or 0. The range is checked before the cast (NaN and huge
// values would be undefined behaviour); the round trip rejects fractions (std::floor is a libm
// call at the x86-64 baseline).
inline size_t header_count(const TinyArea& t, size_t slot, size_t max) {
  const double d = header(t, slot);
  if (!(d >= 1 && d <= static_cast<double>(max))) return 0;
  const size_t v = static_cast<size_t>(d);
  return static_cast<double>(v) == d ? v : 0;
}

inline bool header_f64(const TinyArea& t) { return header(t, kTinyFlags) == 1; }


State* state_of(napi_env env, napi_callback_info info) {
  void* data = nullptr;
  napi_get_cb_info(env, info, nullptr, nullptr, nullptr, &data);
  State* st = static_cast<State*>(data);
  return st != nullptr && st->tiny.base != nullptr ? st : nullptr;
}

// tinyInit(Float64Array over a SharedArrayBuffer of at least kTinyBytes) -> the view the addon
// holds: this one on the first call in an environment, the first one afterwards.
napi_value TinyInit(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg = nullptr;
  void* data = nullptr;
  napi_get_cb_info(env, info, &argc, &arg, nullptr, &data);
  State* st = static_cast<State*>(data);
  napi_typedarray_type type;
  size_t length = 0, offset = 0;
  void* base = nullptr;
  napi_value buffer = nullptr;
  bool is_ab = true, is_ta = false;
  if (st == nullptr) return nullptr;
  if (st->tiny.base != nullptr) {
    napi_value held = nullptr;
    if (napi_get_reference_value(env, st->tiny.ref, &held) == napi_ok && held != nullptr) return held;
    napi_throw_error(env, nullptr, "tinyInit: the staging area is set but could not be returned");
    return nullptr;
  }
  if (argc < 1 || napi_is_typedarray(env, arg, &is_ta) != napi_ok || !is_ta ||
      napi_get_typedarray_info(env, arg, &type, &length, &base, &buffer, &offset) != napi_ok ||
      napi_is_arraybuffer(env, buffer, &is_ab) != napi_ok || is_ab || type != napi_float64_array || base == nullptr ||
      length < kTinyBytes / sizeof(double)) {
    napi_throw_type_error(env, nullptr, "tinyInit: expects a Float64Array over a SharedArrayBuffer of tinyLayout.bytes");
    return nullptr;
  }
  if (napi_create_reference(env, arg, 1, &st->tiny.ref) != napi_ok) {
    napi_throw_error(env, nullptr, "tinyInit: could not hold the staging area");
    return nullptr;
  }
  st->tiny.kernels = &active_kernels();
  st->tiny.base = base;
  return arg;
}

// crossEntropyTiny(): header [n, k, f64] with logits at kTinyX and Int32 labels at kTinyLabels;
// default options (logits, ignoreIndex -100, no weight or smoothing). Writes the sums to stats and
// status 1, or status 0 (a label out of range, or a bad header): the caller then takes the general
// path, which throws the error every path throws.
napi_value CrossEntropyTiny(napi_env env, napi_callback_info info) {
  State* st = state_of(env, info);
  if (st == nullptr) return nullptr;
  const TinyArea& t = st->tiny;
  set_status(t, 0);
  const bool f64 = header_f64(t);
  const size_t n = header_count(t, kTinyN, kTinyLabelCount);
  const size_t k = header_count(t, kTinyK, kTinyXBytes / 4);
  // n <= 512 and k <= 1024: the product cannot overflow.
  if (n == 0 || k == 0 || n * k * (f64 ? 8 : 4) > kTinyXBytes) return nullptr;
  int32_t labels[kTinyLabelCount];
  const int32_t* staged = reinterpret_cast<const int32_t*>(static_cast<const char*>(t.base) + kTinyLabels);
  for (size_t i = 0; i < n; ++i) labels[i] = staged[i];  // a loop: n is mostly 1, a memcpy call is not
  const LabelView lv{labels, IntType::kInt32};
  const void* x = static_cast<const char*>(t.base) + kTinyX;
  LossSums r;
  if (f64) {
    CrossEntropyArgs<double> a{static_cast<const double*>(x), n, k, 1, Inputs::kLogits, lv, -100, nullptr, nullptr, 0, 1e-7, nullptr, 1};
    r = t.kernels->cls_f64.cross_entropy(a);
  } else {
    CrossEntropyArgs<float> a{static_cast<const float*>(x), n, k, 1, Inputs::kLogits, lv, -100, nullptr, nullptr, 0, 1e-7, nullptr, 1};
    r = t.kernels->cls_f32.cross_entropy(a);
  }
  if (r.bad_index >= 0) return nullptr;
  st->stats[0] = r.loss;
  st->stats[1] = r.weight;
  st->stats[2] = static_cast<double>(r.count);
  set_status(t, 1);
  return nullptr;
}

// lseRowsTiny(): header [n, k, f64] with x at kTinyX; the n row results go to kTinyOut in x's type.
napi_value LseRowsTiny(napi_env env, napi_callback_info info) {
  State* st = state_of(env, info);
  if (st == nullptr) return nullptr;
  const TinyArea& t = st->tiny;
  set_status(t, 0);
  const bool f64 = header_f64(t);
  const size_t n = header_count(t, kTinyN, kTinyOutBytes / 4);
  const size_t k = header_count(t, kTinyK, kTinyXBytes / 4);
  const size_t es = f64 ? 8 : 4;
  // n <= 1024 and k <= 1024: the products cannot overflow.
  if (n == 0 || k == 0 || n * k * es > kTinyXBytes || n * es > kTinyOutBytes) return nullptr;
  const char* x = static_cast<const char*>(t.base) + kTinyX;
  char* out = static_cast<char*>(t.base) + kTinyOut;
  if (f64) t.kernels->cls_f64.lse_rows(reinterpret_cast<const double*>(x), n, k, reinterpret_cast<double*>(out));
  else t.kernels->cls_f32.lse_rows(reinterpret_cast<const float*>(x), n, k, reinterpret_cast<float*>(out));
  set_status(t, 1);
  return nullptr;
}

// lseAllTiny(): header [len, -, f64] with x at kTinyX; the float64 result goes to header slot
// kTinyResult.
napi_value LseAllTiny(napi_env env, napi_callback_info info) {
  State* st = state_of(env, info);
  if (st == nullptr) return nullptr;
  const TinyArea& t = st->tiny;
  set_status(t, 0);
  const bool f64 = header_f64(t);
  const size_t len = header_count(t, kTinyN, kTinyXBytes / 4);
  if (len == 0 || len * (f64 ? 8 : 4) > kTinyXBytes) return nullptr;
  const char* x = static_cast<const char*>(t.base) + kTinyX;
  const double v = f64 ? t.kernels->cls_f64.lse_all(reinterpret_cast<const double*>(x), len)
                       : t.kernels->cls_f32.lse_all(reinterpret_cast<const float*>(x), len);
  static_cast<volatile double*>(t.base)[kTinyResult] = v;
  set_status(t, 1);
  return nullptr;
}

void define(napi_env env, napi_value exports, const char* name, napi_callback cb, State* st) {
  napi_value f;
  napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, st, &f);
  napi_set_named_property(env, exports, name, f);
}

void set_number(napi_env env, napi_value obj, const char* name, double v) {
  napi_value n;
  napi_create_double(env, v, &n);
  napi_set_named_property(env, obj, name, n);
}

}  // namespace

void RegisterTiny(napi_env env, napi_value exports) {
  State* st = &state(env);
  define(env, exports, "tinyInit", TinyInit, st);
  define(env, exports, "crossEntropyTiny", CrossEntropyTiny, st);
  define(env, exports, "lseRowsTiny", LseRowsTiny, st);
  define(env, exports, "lseAllTiny", LseAllTiny, st);
  // Byte offsets and sizes for lib/tiny.ts; header slots are Float64Array indices.
  napi_value layout;
  napi_create_object(env, &layout);
  set_number(env, layout, "bytes", static_cast<double>(kTinyBytes));
  set_number(env, layout, "x", static_cast<double>(kTinyX));
  set_number(env, layout, "xBytes", static_cast<double>(kTinyXBytes));
  set_number(env, layout, "labels", static_cast<double>(kTinyLabels));
  set_number(env, layout, "labelCount", static_cast<double>(kTinyLabelCount));
  set_number(env, layout, "out", static_cast<double>(kTinyOut));
  set_number(env, layout, "outBytes", static_cast<double>(kTinyOutBytes));
  set_number(env, layout, "n", static_cast<double>(kTinyN));
  set_number(env, layout, "k", static_cast<double>(kTinyK));
  set_number(env, layout, "flags", static_cast<double>(kTinyFlags));
  set_number(env, layout, "status", static_cast<double>(kTinyStatus));
  set_number(env, layout, "result", static_cast<double>(kTinyResult));
  napi_set_named_property(env, exports, "tinyLayout", layout);
}

}  // namespace losskit
