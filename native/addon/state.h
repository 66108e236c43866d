// Per-environment state (the addon is context-aware: each worker thread gets its own).
#pragma once
#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <unordered_map>

#include "../kernels/kernels.h"

namespace losskit {

struct Task;

// The staging area of tiny calls (tiny.cc, lib/tiny.ts): byte offsets and sizes in a
// SharedArrayBuffer. The header is 8 float64 slots; inputs fit in kTinyXBytes (1024 float32 or
// 512 float64 values), labels are Int32, row results of logSumExp go to kTinyOut (one per value
// at most, so it is as large as the input area).
constexpr size_t kTinyN = 0, kTinyK = 1, kTinyFlags = 2, kTinyStatus = 3, kTinyResult = 4;  // header slots
constexpr size_t kTinyX = 64;
constexpr size_t kTinyXBytes = 4096;
constexpr size_t kTinyLabels = kTinyX + kTinyXBytes;
constexpr size_t kTinyLabelCount = 512;
constexpr size_t kTinyOut = kTinyLabels + 4 * kTinyLabelCount;
constexpr size_t kTinyOutBytes = kTinyXBytes;
constexpr size_t kTinyBytes = kTinyOut + kTinyOutBytes;

struct TinyArea {
  void* base = nullptr;     // set once by tinyInit; the memory of a SharedArrayBuffer held by ref
  napi_ref ref = nullptr;   // (released by Node with the environment)
  const KernelTable* kernels = nullptr;  // active_kernels(), looked up once
};

struct State {
  // Float64Array [loss sum, weight sum, count] of the last reduction on this thread, read by the
  // meters, so the plain calls return a number and allocate nothing. Its bytes are stats_mem, this
  // struct's own (an external ArrayBuffer): JS that detaches the buffer (a transfer through
  // structuredClone or postMessage) takes the view away from the library, but never the memory
  // the addon writes to, which lives as long as the environment. stats points at stats_mem, or,
  // on a runtime that refuses external buffers, at a V8-owned buffer instead.
  Napi::Reference<Napi::Float64Array> stats_ref;
  alignas(8) double stats_mem[4] = {0, 0, 0, 0};
  double* stats = nullptr;
  // The promise twins (async.cc): how many pool threads one call may use, the input bytes per
  // block, and the calls in flight by id (for abortTask).
  size_t lanes = 2;
  size_t block_bytes = 1 << 20;
  uint32_t next_task = 0;
  std::unordered_map<uint32_t, Task*> tasks;
  TinyArea tiny;
};

inline State& state(napi_env env) { return *Napi::Env(env).GetInstanceData<State>(); }

void RegisterClassification(Napi::Env env, Napi::Object exports);
void RegisterDense(Napi::Env env, Napi::Object exports);
void RegisterClassificationFast(napi_env env, napi_value exports);
void RegisterDistributions(Napi::Env env, Napi::Object exports);
void RegisterTiny(napi_env env, napi_value exports);

}  // namespace losskit
