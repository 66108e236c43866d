// Per-environment state (the addon is context-aware: each worker thread gets its own).
#pragma once
#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <unordered_map>

namespace losskit {

struct Task;

struct State {
  // Float64Array [loss sum, weight sum, count] of the last reduction on this thread, read by the
  // meters, so the plain calls return a number and allocate nothing.
  Napi::Reference<Napi::Float64Array> stats_ref;
  double* stats = nullptr;
  // The promise twins (async.cc): how many pool threads one call may use, the input bytes per
  // block, and the calls in flight by id (for abortTask).
  size_t lanes = 2;
  size_t block_bytes = 1 << 20;
  uint32_t next_task = 0;
  std::unordered_map<uint32_t, Task*> tasks;
};

inline State& state(napi_env env) { return *Napi::Env(env).GetInstanceData<State>(); }

void RegisterClassification(Napi::Env env, Napi::Object exports);
void RegisterDense(Napi::Env env, Napi::Object exports);
void RegisterClassificationFast(napi_env env, napi_value exports);
void RegisterDistributions(Napi::Env env, Napi::Object exports);

}  // namespace losskit
