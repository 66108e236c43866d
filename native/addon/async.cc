// The promise twins' scheduler. A call's rows are cut into blocks of about `block_bytes` of input
// (whole rows; one block when the input is smaller), and up to `lanes` libuv work items pull block
// indices from an atomic counter and run the op's kernel on each. Block sums land in a vector by
// block index and are merged in block order on the JS thread, so the result depends on the split
// (input shape and block_bytes) but not on thread timing or the pool size. An input below one
// block's size is one kernel call over every row: the same bits as the synchronous function.
//
// Lifetime: every object argument (inputs, out, ctl) is held by a strong reference from schedule()
// until settle(), so dropping them in JS while the work runs is safe; mutating or detaching them is
// not (API.md: inputs must not be mutated until the Promise settles).
#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "async.h"
#include "state.h"

namespace losskit {

struct Task {
  napi_env env = nullptr;
  std::unique_ptr<Job> job;
  size_t nargs = 0;
  napi_ref refs[kMaxArgs] = {};
  napi_ref ctl_ref = nullptr;
  napi_deferred deferred = nullptr;
  uint32_t id = 0;
  size_t rows = 0, rows_per_block = 1, nblocks = 0;
  std::vector<LossSums> sums;
  std::vector<unsigned char> ran;
  std::vector<napi_async_work> works;
  size_t pending = 0;                          // lanes whose complete callback has not run (JS thread)
  std::atomic<size_t> next{0};                 // next block to claim
  std::atomic<size_t> first_bad{SIZE_MAX};     // lowest block that found a bad label
  std::atomic<bool> aborted{false};            // set by abortTask; lanes check it between blocks
};

namespace {

// The pool side: claim blocks in order until none is left, the call is aborted, or a block before
// the next one found a bad label (its error is the answer, the rest is not needed).
void execute(napi_env, void* data) {
  Task* t = static_cast<Task*>(data);
  for (;;) {
    if (t->aborted.load(std::memory_order_relaxed)) return;
    const size_t i = t->next.fetch_add(1, std::memory_order_relaxed);
    if (i >= t->nblocks || i > t->first_bad.load(std::memory_order_relaxed)) return;
    const size_t b = i * t->rows_per_block;
    const size_t e = std::min(t->rows, b + t->rows_per_block);
    t->sums[i] = t->job->run(b, e);
    t->ran[i] = 1;
    if (t->sums[i].bad_index >= 0) {
      size_t cur = t->first_bad.load(std::memory_order_relaxed);
      while (i < cur && !t->first_bad.compare_exchange_weak(cur, i, std::memory_order_relaxed)) {
      }
    }
  }
}

// An AbortError as Node's own APIs give: a DOMException named 'AbortError' (an Error with that
// name where DOMException is missing).
napi_value abort_error(napi_env env) {
  napi_value global, ctor, msg, name, err = nullptr;
  napi_valuetype type = napi_undefined;
  napi_get_global(env, &global);
  napi_create_string_utf8(env, "The operation was aborted", NAPI_AUTO_LENGTH, &msg);
  napi_create_string_utf8(env, "AbortError", NAPI_AUTO_LENGTH, &name);
  if (napi_get_named_property(env, global, "DOMException", &ctor) == napi_ok && napi_typeof(env, ctor, &type) == napi_ok &&
      type == napi_function) {
    napi_value argv[2] = {msg, name};
    if (napi_new_instance(env, ctor, 2, argv, &err) == napi_ok) return err;
  }
  napi_create_error(env, nullptr, msg, &err);
  napi_set_named_property(env, err, "name", name);
  return err;
}

void release(napi_env env, Task* t) {
  for (size_t i = 0; i < t->nargs; ++i)
    if (t->refs[i]) napi_delete_reference(env, t->refs[i]);
  if (t->ctl_ref) napi_delete_reference(env, t->ctl_ref);
  for (napi_async_work w : t->works) napi_delete_async_work(env, w);
  delete t;
}

// The JS side, once every lane is done: merge in block order, finish, resolve or reject.
void settle(napi_env env, Task* t) {
  state(env).tasks.erase(t->id);
  napi_value result = nullptr;
  bool ok = false;
  try {
    napi_value argv[kMaxArgs] = {};
    for (size_t i = 0; i < t->nargs; ++i)
      if (t->refs[i]) napi_get_reference_value(env, t->refs[i], &argv[i]);
    Args a(env, argv, t->nargs);
    bool complete = true;
    LossSums total;
    for (size_t i = 0; i < t->nblocks; ++i) {
      if (!t->ran[i]) {
        complete = false;
        break;
      }
      if (i == 0) total = t->sums[0];
      else t->job->merge(total, t->sums[i]);
      if (total.bad_index >= 0) break;
    }
    if (t->aborted.load() || !complete) {
      result = abort_error(env);
    } else {
      napi_value ctl;
      if (napi_get_reference_value(env, t->ctl_ref, &ctl) == napi_ok) {
        Array c = float_array(env, ctl, "losskit", "ctl");
        if (c.is_f64() && c.length >= 4) {
          double* d = static_cast<double*>(c.data);
          d[1] = total.loss;
          d[2] = total.weight;
          d[3] = static_cast<double>(total.count);
        }
      }
      result = t->job->finish(a, total);
      ok = true;
    }
  } catch (const Napi::Error& e) {
    result = e.Value();
    ok = false;
  } catch (...) {
    napi_value msg;
    napi_create_string_utf8(env, "losskit: internal error", NAPI_AUTO_LENGTH, &msg);
    napi_create_error(env, nullptr, msg, &result);
    ok = false;
  }
  // While a worker is being torn down these may fail; there is nobody left to tell.
  if (result != nullptr) {
    if (ok) napi_resolve_deferred(env, t->deferred, result);
    else napi_reject_deferred(env, t->deferred, result);
  }
  release(env, t);
}

void complete(napi_env env, napi_status, void* data) {
  Task* t = static_cast<Task*>(data);
  if (--t->pending > 0) return;
  settle(env, t);
}

// abortTask(id) -> whether the call was still in flight.
Napi::Value AbortTask(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const double id = number(env, info[0], "abortTask", "id");
  State& st = state(env);
  auto it = st.tasks.find(static_cast<uint32_t>(id));
  if (it == st.tasks.end()) return Napi::Boolean::New(env, false);
  it->second->aborted.store(true);
  return Napi::Boolean::New(env, true);
}

// asyncConfig([lanes, blockBytes]) -> [lanes, blockBytes] in force for this environment.
Napi::Value AsyncConfig(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  State& st = state(env);
  if (info.Length() >= 2) {
    const size_t lanes = count(env, info[0], "asyncConfig", "lanes");
    const size_t bytes = count(env, info[1], "asyncConfig", "blockBytes");
    if (lanes < 1 || lanes > 1024 || bytes < 1) throw_range(env, "asyncConfig: lanes must be in [1, 1024], blockBytes >= 1");
    st.lanes = lanes;
    st.block_bytes = bytes;
  }
  Napi::Array r = Napi::Array::New(env, 2);
  r.Set(uint32_t(0), Napi::Number::New(env, static_cast<double>(st.lanes)));
  r.Set(uint32_t(1), Napi::Number::New(env, static_cast<double>(st.block_bytes)));
  return r;
}

}  // namespace

Napi::Value finish_reduction(const Args& a, const LossSums& r, int reduction, double scale, size_t out_arg,
                             const char* fn, size_t k) {
  napi_env env = a.env();
  if (r.bad_index >= 0)
    throw_range(env, std::string(fn) + ": labels[" + std::to_string(r.bad_index) + "] = " + std::to_string(r.bad_value) +
                         " is out of range [0, " + std::to_string(k) + ")");
  State& st = state(env);
  st.stats[0] = r.loss;
  st.stats[1] = r.weight;
  st.stats[2] = static_cast<double>(r.count);
  if (reduction == kNone) return Napi::Value(env, a[out_arg]);
  const double v = reduction == kSum ? r.loss * scale : (r.loss / r.weight) * scale;
  return Napi::Number::New(env, v);
}

napi_value schedule(const Args& a, napi_value ctl, std::unique_ptr<Job> job, const char* name) {
  napi_env env = a.env();
  Array c = float_array(env, ctl, name, "ctl");
  if (!c.is_f64() || c.length < 4) throw_type(env, std::string(name) + ": ctl must be a Float64Array(4)");
  State& st = state(env);

  std::unique_ptr<Task> t(new Task());
  t->env = env;
  t->rows = job->rows();
  const size_t rb = std::max<size_t>(1, job->row_bytes());
  t->rows_per_block = std::max<size_t>(1, st.block_bytes / rb);
  t->nblocks = t->rows == 0 ? 0 : (t->rows - 1) / t->rows_per_block + 1;
  t->sums.resize(t->nblocks);
  t->ran.assign(t->nblocks, 0);
  t->job = std::move(job);

  // Hold every object argument until the call settles.
  t->nargs = a.size();
  bool held = true;
  for (size_t i = 0; i < t->nargs && held; ++i) {
    napi_valuetype type;
    if (napi_typeof(env, a[i], &type) == napi_ok && type == napi_object)
      held = napi_create_reference(env, a[i], 1, &t->refs[i]) == napi_ok;
  }
  if (!held || napi_create_reference(env, ctl, 1, &t->ctl_ref) != napi_ok) {
    release(env, t.release());
    throw_range(env, std::string(name) + ": could not hold the arguments");
  }

  const size_t lanes = std::min(st.lanes, t->nblocks);
  napi_value resource_name;
  napi_create_string_utf8(env, (std::string("losskit:") + name).c_str(), NAPI_AUTO_LENGTH, &resource_name);
  for (size_t i = 0; i < lanes; ++i) {
    napi_async_work w;
    if (napi_create_async_work(env, nullptr, resource_name, execute, complete, t.get(), &w) != napi_ok) {
      release(env, t.release());
      throw_range(env, std::string(name) + ": could not create async work");
    }
    t->works.push_back(w);
  }

  napi_value promise;
  if (napi_create_promise(env, &t->deferred, &promise) != napi_ok) {
    release(env, t.release());
    throw_range(env, std::string(name) + ": could not create a promise");
  }
  t->id = ++st.next_task;
  if (t->id == 0) t->id = ++st.next_task;  // 0 means "no task" to the TypeScript layer
  static_cast<double*>(c.data)[0] = t->id;

  Task* raw = t.release();
  if (lanes == 0) {  // no rows: nothing to run, finish now (the Promise still settles later for the caller)
    settle(env, raw);
    return promise;
  }
  st.tasks[raw->id] = raw;
  raw->pending = lanes;
  for (size_t i = 0; i < lanes; ++i) {
    if (napi_queue_async_work(env, raw->works[i]) != napi_ok) {
      // Lanes already queued still run and settle; only the unqueued ones are accounted for here.
      raw->aborted.store(true);
      raw->pending -= lanes - i;
      if (raw->pending == 0) settle(env, raw);
      break;
    }
  }
  return promise;
}

void RegisterAsync(Napi::Env env, Napi::Object exports) {
  exports.Set("abortTask", Napi::Function::New(env, AbortTask, "abortTask"));
  exports.Set("asyncConfig", Napi::Function::New(env, AsyncConfig, "asyncConfig"));
}

}  // namespace losskit
