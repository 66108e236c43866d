// Module entry: per-environment state, backend(), and each op family's functions.
#include <string>

#include "async.h"
#include "glue.h"
#include "state.h"

namespace losskit {
namespace {

Napi::Value Backend(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("isa", active_kernels().isa);
  o.Set("best", best_isa());
  Napi::Array list = Napi::Array::New(env);
  std::string s = supported_isas();
  size_t start = 0, i = 0;
  while (start <= s.size()) {
    size_t end = s.find(',', start);
    if (end == std::string::npos) end = s.size();
    list.Set(i++, s.substr(start, end - start));
    start = end + 1;
  }
  o.Set("supported", list);
  return o;
}

// _readSum(Float32Array | Float64Array) -> number: the benchmarks' memory-read bound (see
// util_simd.inl). The bytes are read as float32 whatever the array type: only the reading counts.
Napi::Value ReadSum(const Napi::CallbackInfo& info) {
  Array x = float_array(info.Env(), info[0], "_readSum", "x");
  const size_t floats = x.is_f32() ? x.length : 2 * x.length;
  return Napi::Number::New(info.Env(), floats ? active_kernels().read_sum(static_cast<const float*>(x.data), floats) : 0.0);
}

}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  State* st = new State();
  Napi::Float64Array stats;
  napi_value ab;
  if (napi_create_external_arraybuffer(env, st->stats_mem, sizeof st->stats_mem, nullptr, nullptr, &ab) == napi_ok) {
    stats = Napi::Float64Array::New(env, 4, Napi::ArrayBuffer(env, ab), 0);
    st->stats = st->stats_mem;
  } else {  // no external buffers in this runtime (V8 sandbox builds): the V8-owned fallback
    stats = Napi::Float64Array::New(env, 4);
    st->stats = stats.Data();
  }
  st->stats_ref = Napi::Persistent(stats);
  env.SetInstanceData<State>(st);  // deleted with the environment (worker exit)
  exports.Set("stats", stats);
  exports.Set("backend", Napi::Function::New(env, Backend, "backend"));
  exports.Set("_readSum", Napi::Function::New(env, ReadSum, "_readSum"));
  RegisterAsync(env, exports);
  RegisterClassification(env, exports);
  RegisterDense(env, exports);
  RegisterClassificationFast(env, exports);
  RegisterTiny(env, exports);
  RegisterDistributions(env, exports);
  return exports;
}

}  // namespace losskit

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return losskit::Init(env, exports); }

NODE_API_MODULE(losskit_addon, InitModule)
