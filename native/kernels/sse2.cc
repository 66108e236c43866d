// sse2 kernels: the generic SIMD code instantiated with this instruction set's vector traits.
// Only this file is compiled with the ISA's -m flags; everything it defines is in its own
// namespace, so no inline function compiled for sse2 can be picked by the linker for another path.
#if defined(__x86_64__) || defined(_M_X64)
#include <emmintrin.h>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>

#include "kernels.h"
#include "math_probe.h"

namespace losskit {
namespace sse2 {
#include "vec_sse2.h"
#include "simd_math.h"
#include "classification_simd.inl"
#include "dense_simd.inl"
#include "distributions_simd.inl"
#include "util_simd.inl"
}  // namespace sse2

void fill_sse2(KernelTable& t) noexcept {
  t.isa = "sse2";
  t.read_sum = sse2::read_sum;
  sse2::fill_classification(t.cls_f32);
  sse2::fill_classification(t.cls_f64);
  sse2::fill_dense(t.dense_f32);
  sse2::fill_dense(t.dense_f64);
  sse2::fill_distributions(t.dist_f32);
  sse2::fill_distributions(t.dist_f64);
  sse2::fill_labels(t.labels);
}

void math_eval_sse2(int fn, const float* in, float* out, size_t n) noexcept {
  sse2::vmath_eval<sse2::F32>(fn, in, out, n);
}
void math_eval_sse2(int fn, const double* in, double* out, size_t n) noexcept {
  sse2::vmath_eval<sse2::F64>(fn, in, out, n);
}

}  // namespace losskit

#endif  // x86-64
