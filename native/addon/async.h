// One op, two entry points. A block op is a small struct: it parses and re-checks the arguments on
// the JS thread, runs its kernel on any range of rows [begin, end), and wraps the merged result.
// register_op<Op>(env, exports, "name") exports
//   name(...args)            synchronous: the kernel on every row at once, as before;
//   nameAsync(...args, ctl)  a Promise: the rows cut into blocks that run on the libuv pool.
// CONTRIBUTING.md ("Async and meters") walks through adding one.
//
//   struct FooOp : BlockOp {
//     static constexpr const char* kName = "foo";        // names the async resource
//     explicit FooOp(const Args& a);                       // parse + re-check; throws Type/RangeError
//     size_t rows() const;                                 // units the kernel can be cut between
//     size_t row_bytes() const;                            // input bytes per unit (sizes the blocks)
//     LossSums run(size_t begin, size_t end) const noexcept;  // kernel on [begin, end); any thread
//     Napi::Value finish(const Args& a, const LossSums& total) const;  // JS thread; may throw
//   };
//
// run() must be a pure function of its range: no N-API, no allocation, no writes outside the rows'
// own outputs, so blocks can run concurrently. Its bad_index (first bad label) is global: offset
// it by the block's first label. finish() may read only object arguments (typed arrays) from `a`
// on the async path: those are the ones held by references while the work is in flight.
#pragma once
#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <memory>

#include "glue.h"

namespace losskit {

constexpr size_t kMaxArgs = 16;

// The arguments of one call as plain napi_values; missing ones read as undefined.
class Args {
 public:
  Args(napi_env env, const napi_value* v, size_t n) : env_(env), n_(n < kMaxArgs ? n : kMaxArgs) {
    for (size_t i = 0; i < n_; ++i) v_[i] = v[i];
    napi_get_undefined(env, &undefined_);
  }
  napi_env env() const { return env_; }
  size_t size() const { return n_; }
  napi_value operator[](size_t i) const { return i < n_ && v_[i] != nullptr ? v_[i] : undefined_; }

 private:
  napi_env env_;
  size_t n_;
  napi_value v_[kMaxArgs] = {};
  napi_value undefined_ = nullptr;
};

struct BlockOp {
  // Block sums are combined in block order: float64 sums add, the first bad label wins.
  static void merge(LossSums& acc, const LossSums& b) noexcept {
    if (acc.bad_index >= 0) return;
    acc.loss += b.loss;
    acc.weight += b.weight;
    acc.count += b.count;
    if (b.bad_index >= 0) {
      acc.bad_index = b.bad_index;
      acc.bad_value = b.bad_value;
    }
  }
};

// Bytes of one label of this type (to offset a LabelView by a block's first label).
inline size_t label_bytes(IntType t) noexcept {
  switch (t) {
    case IntType::kInt8:
    case IntType::kUint8: return 1;
    case IntType::kInt16:
    case IntType::kUint16: return 2;
    case IntType::kInt32:
    case IntType::kUint32: return 4;
  }
  return 4;
}

inline LabelView offset_labels(LabelView l, size_t first) noexcept {
  return LabelView{static_cast<const char*>(l.data) + first * label_bytes(l.type), l.type};
}

// Turns a block's local bad label index into the call's.
inline LossSums offset_bad(LossSums r, size_t first_label) noexcept {
  if (r.bad_index >= 0) r.bad_index += static_cast<int64_t>(first_label);
  return r;
}

enum Reduction { kMean = 0, kSum = 1, kNone = 2 };

// The common end of a loss reduction: a bad label is a RangeError naming the function; the sums go
// to the per-environment stats array (read by the meters); 'none' returns the out argument, 'sum'
// the loss sum, 'mean' loss / weight (PyTorch's weighted mean), each times `scale` (1 / ln base).
Napi::Value finish_reduction(const Args& a, const LossSums& r, int reduction, double scale, size_t out_arg,
                             const char* fn, size_t k);

// Type-erased op, owned by an in-flight task.
struct Job {
  virtual ~Job() = default;
  virtual size_t rows() const = 0;
  virtual size_t row_bytes() const = 0;
  virtual LossSums run(size_t begin, size_t end) const noexcept = 0;
  virtual void merge(LossSums& acc, const LossSums& b) const noexcept = 0;
  virtual Napi::Value finish(const Args& a, const LossSums& total) const = 0;
};

template <class Op>
struct OpJob final : Job {
  Op op;
  explicit OpJob(const Args& a) : op(a) {}
  size_t rows() const override { return op.rows(); }
  size_t row_bytes() const override { return op.row_bytes(); }
  LossSums run(size_t b, size_t e) const noexcept override { return op.run(b, e); }
  void merge(LossSums& acc, const LossSums& b) const noexcept override { Op::merge(acc, b); }
  Napi::Value finish(const Args& a, const LossSums& t) const override { return op.finish(a, t); }
};

// Queues `job` on the libuv pool (async.cc) and returns its Promise. `ctl` is the Float64Array(4)
// the TypeScript layer passes last: native writes [task id, loss sum, weight sum, count] into it.
napi_value schedule(const Args& a, napi_value ctl, std::unique_ptr<Job> job, const char* name);

// Runs f; a C++ exception becomes the pending JS exception (the callbacks below are raw N-API
// callbacks, so nothing else would catch it).
template <class F>
napi_value guarded(napi_env env, F&& f) {
  try {
    return f();
  } catch (const Napi::Error& e) {
    e.ThrowAsJavaScriptException();
  } catch (const std::bad_alloc&) {
    napi_throw_range_error(env, nullptr, "losskit: out of memory");
  } catch (const std::exception& e) {
    napi_throw_error(env, nullptr, e.what());
  }
  return nullptr;
}

// Raw callbacks: napi_get_cb_info into a stack array, so the synchronous path allocates nothing.
template <class Op>
napi_value sync_entry(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value argv[kMaxArgs];
    size_t argc = kMaxArgs;
    napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
    Args a(env, argv, argc);
    Op op(a);
    LossSums r;
    if (op.rows() > 0) r = op.run(0, op.rows());
    return op.finish(a, r);
  });
}

template <class Op>
napi_value async_entry(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value argv[kMaxArgs + 1];
    size_t argc = kMaxArgs + 1;
    napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
    if (argc == 0 || argc > kMaxArgs + 1) throw_type(env, std::string(Op::kName) + "Async: bad argument count");
    Args a(env, argv, argc - 1);
    std::unique_ptr<Job> job(new OpJob<Op>(a));
    return schedule(a, argv[argc - 1], std::move(job), Op::kName);
  });
}

// Exports `name` (synchronous) and `nameAsync` (Promise) for one op.
template <class Op>
void register_op(Napi::Env env, Napi::Object exports, const char* name) {
  napi_value f;
  NAPI_THROW_IF_FAILED_VOID(env, napi_create_function(env, name, NAPI_AUTO_LENGTH, sync_entry<Op>, nullptr, &f));
  exports.Set(name, Napi::Value(env, f));
  const std::string async_name = std::string(name) + "Async";
  NAPI_THROW_IF_FAILED_VOID(env, napi_create_function(env, async_name.c_str(), NAPI_AUTO_LENGTH, async_entry<Op>, nullptr, &f));
  exports.Set(async_name, Napi::Value(env, f));
}

void RegisterAsync(Napi::Env env, Napi::Object exports);

}  // namespace losskit
