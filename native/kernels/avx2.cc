// avx2 kernels: the generic SIMD code instantiated with this instruction set's vector traits.
// Only this file is compiled with the ISA's -m flags; everything it defines is in its own
// namespace, so no inline function compiled for avx2 can be picked by the linker for another path.
#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>

#include "kernels.h"
#include "math_probe.h"

namespace losskit {
namespace avx2 {
#include "vec_avx2.h"
#include "simd_math.h"
#include "classification_simd.inl"
#include "dense_simd.inl"
#include "distributions_simd.inl"
#include "util_simd.inl"
}  // namespace avx2

void fill_avx2(KernelTable& t) noexcept {
  t.isa = "avx2";
  t.read_sum = avx2::read_sum;
  avx2::fill_classification(t.cls_f32);
  avx2::fill_classification(t.cls_f64);
  avx2::fill_dense(t.dense_f32);
  avx2::fill_dense(t.dense_f64);
  avx2::fill_distributions(t.dist_f32);
  avx2::fill_distributions(t.dist_f64);
  avx2::fill_labels(t.labels);
}

void math_eval_avx2(int fn, const float* in, float* out, size_t n) noexcept {
  avx2::vmath_eval<avx2::F32>(fn, in, out, n);
}
void math_eval_avx2(int fn, const double* in, double* out, size_t n) noexcept {
  avx2::vmath_eval<avx2::F64>(fn, in, out, n);
}

}  // namespace losskit

#endif  // x86-64
