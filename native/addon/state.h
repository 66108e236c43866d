// Per-environment state (the addon is context-aware: each worker thread gets its own).
#pragma once
#include <napi.h>

namespace losskit {

struct State {
  // Float64Array [loss sum, weight sum, count] of the last reduction on this thread, read by the
  // meters, so the plain calls return a number and allocate nothing.
  Napi::Reference<Napi::Float64Array> stats_ref;
  double* stats = nullptr;
};

inline State& state(napi_env env) { return *Napi::Env(env).GetInstanceData<State>(); }

void RegisterClassification(Napi::Env env, Napi::Object exports);
void RegisterDense(Napi::Env env, Napi::Object exports);
void RegisterClassificationFast(napi_env env, napi_value exports);
void RegisterDistributions(Napi::Env env, Napi::Object exports);

}  // namespace losskit
