// Shared helpers for the N-API glue: typed-array access through the raw C API (one call, no
// wrapper objects: this is the per-call cost of tiny inputs) and errors that name the function
// and argument. The TypeScript layer validates first; these checks are the cheap second line that
// keeps a bad call from reading out of bounds.
#pragma once
#include <napi.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include "../kernels/kernels.h"

namespace losskit {

struct Array {
  void* data = nullptr;
  size_t length = 0;
  napi_typedarray_type type = napi_int8_array;
  bool is_f32() const { return type == napi_float32_array; }
  bool is_f64() const { return type == napi_float64_array; }
  bool is_float() const { return is_f32() || is_f64(); }
};

[[noreturn]] inline void throw_type(napi_env env, const std::string& msg) {
  throw Napi::TypeError::New(env, msg);
}
[[noreturn]] inline void throw_range(napi_env env, const std::string& msg) {
  throw Napi::RangeError::New(env, msg);
}

// A typed array, or throws TypeError naming fn and arg. A view on a detached buffer is refused
// here: it would read as a valid zero-length array where the contract allows one.
inline Array typed(napi_env env, napi_value v, const char* fn, const char* arg) {
  bool is = false;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is) throw_type(env, std::string(fn) + ": " + arg + " must be a typed array");
  Array a;
  napi_value buffer = nullptr;
  if (napi_get_typedarray_info(env, v, &a.type, &a.length, &a.data, &buffer, nullptr) != napi_ok)
    throw_type(env, std::string(fn) + ": " + arg + " must be a typed array");
  bool detached = false;
  if (a.length == 0 && buffer != nullptr && napi_is_detached_arraybuffer(env, buffer, &detached) == napi_ok && detached)
    throw_type(env, std::string(fn) + ": " + arg + " is a view on a detached ArrayBuffer");
  if (a.data == nullptr) a.length = 0;
  return a;
}

inline Array float_array(napi_env env, napi_value v, const char* fn, const char* arg) {
  Array a = typed(env, v, fn, arg);
  if (!a.is_float()) throw_type(env, std::string(fn) + ": " + arg + " must be a Float32Array or Float64Array");
  return a;
}

inline bool is_nullish(napi_env env, napi_value v) {
  napi_valuetype t;
  napi_typeof(env, v, &t);
  return t == napi_undefined || t == napi_null;
}

inline double number(napi_env env, napi_value v, const char* fn, const char* arg) {
  double d;
  if (napi_get_value_double(env, v, &d) != napi_ok) throw_type(env, std::string(fn) + ": " + arg + " must be a number");
  return d;
}

// A non-negative integer count that fits the address space.
inline size_t count(napi_env env, napi_value v, const char* fn, const char* arg) {
  double d = number(env, v, fn, arg);
  if (!(d >= 0 && d <= 9007199254740991.0 && std::floor(d) == d))
    throw_range(env, std::string(fn) + ": " + arg + " must be a non-negative integer");
  return static_cast<size_t>(d);
}

// An integer in [lo, hi] (an option code, ignoreIndex), checked before any cast: converting NaN
// or an out-of-range double to an integer type is undefined behaviour.
inline int64_t int_in(napi_env env, napi_value v, const char* fn, const char* arg, double lo, double hi) {
  double d = number(env, v, fn, arg);
  if (!(d >= lo && d <= hi && std::floor(d) == d))
    throw_range(env, std::string(fn) + ": " + arg + " must be an integer in [" + std::to_string(static_cast<int64_t>(lo)) + ", " +
                         std::to_string(static_cast<int64_t>(hi)) + "]");
  return static_cast<int64_t>(d);
}

inline bool label_type(napi_typedarray_type t, IntType* out) {
  switch (t) {
    case napi_int8_array: *out = IntType::kInt8; return true;
    case napi_uint8_array:
    case napi_uint8_clamped_array: *out = IntType::kUint8; return true;
    case napi_int16_array: *out = IntType::kInt16; return true;
    case napi_uint16_array: *out = IntType::kUint16; return true;
    case napi_int32_array: *out = IntType::kInt32; return true;
    case napi_uint32_array: *out = IntType::kUint32; return true;
    default: return false;
  }
}

// a * b * c with overflow detection.
inline bool mul_ok(size_t a, size_t b, size_t* out) {
  if (a != 0 && b > SIZE_MAX / a) return false;
  *out = a * b;
  return true;
}

}  // namespace losskit
