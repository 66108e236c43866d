// neon kernels: the generic SIMD code instantiated with the AArch64 NEON vector traits. NEON is
// the AArch64 baseline, so this file needs no flags; it keeps its own namespace like the x86 files,
// so no inline function of another path can be merged with these.
#if defined(__aarch64__)
#include <arm_neon.h>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>

#include "kernels.h"
#include "math_probe.h"

namespace losskit {
namespace neon {
#include "vec_neon.h"
#include "simd_math.h"
#include "classification_simd.inl"
#include "dense_simd.inl"
#include "distributions_simd.inl"
#include "util_simd.inl"
}  // namespace neon

void fill_neon(KernelTable& t) noexcept {
  t.isa = "neon";
  t.read_sum = neon::read_sum;
  neon::fill_classification(t.cls_f32);
  neon::fill_classification(t.cls_f64);
  neon::fill_dense(t.dense_f32);
  neon::fill_dense(t.dense_f64);
  neon::fill_distributions(t.dist_f32);
  neon::fill_distributions(t.dist_f64);
  neon::fill_labels(t.labels);
}

void math_eval_neon(int fn, const float* in, float* out, size_t n) noexcept {
  neon::vmath_eval<neon::F32>(fn, in, out, n);
}
void math_eval_neon(int fn, const double* in, double* out, size_t n) noexcept {
  neon::vmath_eval<neon::F64>(fn, in, out, n);
}

}  // namespace losskit

#endif  // AArch64
