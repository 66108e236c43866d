// avx512 kernels: the generic SIMD code instantiated with this instruction set's vector traits.
// Only this file is compiled with the ISA's -m flags; everything it defines is in its own
// namespace, so no inline function compiled for avx512 can be picked by the linker for another path.
#if defined(__x86_64__) || defined(_M_X64)
#if defined(__GNUC__) && !defined(__clang__)
// GCC 12's own avx512fintrin.h trips -Wmaybe-uninitialized (the _mm512_undefined_* passthrough of
// the masked max/min it expands to): a false positive inside the compiler's header, silenced here.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>

#include "kernels.h"
#include "math_probe.h"

namespace losskit {
namespace avx512 {
#include "vec_avx512.h"
#include "simd_math.h"
#include "classification_simd.inl"
#include "dense_simd.inl"
#include "distributions_simd.inl"
#include "util_simd.inl"
}  // namespace avx512

void fill_avx512(KernelTable& t) noexcept {
  t.isa = "avx512";
  t.read_sum = avx512::read_sum;
  avx512::fill_classification(t.cls_f32);
  avx512::fill_classification(t.cls_f64);
  avx512::fill_dense(t.dense_f32);
  avx512::fill_dense(t.dense_f64);
  avx512::fill_distributions(t.dist_f32);
  avx512::fill_distributions(t.dist_f64);
  avx512::fill_labels(t.labels);
}

void math_eval_avx512(int fn, const float* in, float* out, size_t n) noexcept {
  avx512::vmath_eval<avx512::F32>(fn, in, out, n);
}
void math_eval_avx512(int fn, const double* in, double* out, size_t n) noexcept {
  avx512::vmath_eval<avx512::F64>(fn, in, out, n);
}

}  // namespace losskit

#endif  // x86-64
