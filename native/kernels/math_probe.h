// Test-only entry points into each ISA's simd_math.h routines, so test/native/ulp_test.cc measures
// the very code the kernels inline. Each is defined in its ISA's file (sse2.cc, avx2.cc, ...) and
// only exists where that file is compiled in. Not used by the addon.
#pragma once
#include <cstddef>

namespace losskit {

// kMathLogPos: dense_simd.inl's vlog_pos, for positive normal finite inputs only. kMathExpSum:
// vexp_le0_sum, the exp of the log-sum-exp and cross-entropy sums.
enum MathFn : int { kMathExp = 0, kMathExpLe0 = 1, kMathLog = 2, kMathLog1p = 3, kMathLogPos = 4, kMathExpSum = 5 };
constexpr int kMathFnCount = 6;

// The max ULP error simd_math.h documents for each routine (index: MathFn) over its range, for
// every ISA; test/native/ulp_test.cc fails when a measurement exceeds it.
constexpr double kMathUlpBound32[kMathFnCount] = {1.5, 1.5, 1.0, 1.5, 1.5, 1.5};
constexpr double kMathUlpBound64[kMathFnCount] = {1.5, 1.5, 2.5, 3.0, 2.5, 1.5};
// vexp_le0_sum's float64 bound grows with |x| (its one-FMA reduction): 1.5 + this * |x| ulp.
constexpr double kMathExpSumUlpPerUnit64 = 0.31;

// out[i] = fn(in[i]) for i < n, through the ISA's vector routine (tails via load_partial).
#if defined(__x86_64__) || defined(_M_X64)
void math_eval_sse2(int fn, const float* in, float* out, size_t n) noexcept;
void math_eval_sse2(int fn, const double* in, double* out, size_t n) noexcept;
void math_eval_avx2(int fn, const float* in, float* out, size_t n) noexcept;
void math_eval_avx2(int fn, const double* in, double* out, size_t n) noexcept;
void math_eval_avx512(int fn, const float* in, float* out, size_t n) noexcept;
void math_eval_avx512(int fn, const double* in, double* out, size_t n) noexcept;
#endif
#if defined(LOSSKIT_HAVE_NEON)
void math_eval_neon(int fn, const float* in, float* out, size_t n) noexcept;
void math_eval_neon(int fn, const double* in, double* out, size_t n) noexcept;
#endif

}  // namespace losskit
