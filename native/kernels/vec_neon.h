// NEON vector traits (AArch64, where NEON and double-precision vectors are the baseline, so
// neon.cc needs no flags). Included only by neon.cc, inside its namespace.
// max/min keep the x86 rule (a > b ? a : b: a NaN in either operand gives the second one), which
// the kernels were written against, rather than NEON's NaN-propagating vmaxq.
#pragma once
#include <arm_neon.h>
#include <cstddef>
#include <cstdint>
#include <cstring>

struct F32 {
  using T = float;
  using V = float32x4_t;
  using M = uint32x4_t;
  using I = uint32x4_t;
  static constexpr size_t N = 4;
  static constexpr int kMantBits = 23;
  static constexpr int kBias = 127;

  static inline V zero() { return vdupq_n_f32(0.0f); }
  static inline V set1(T v) { return vdupq_n_f32(v); }
  static inline V load(const T* p) { return vld1q_f32(p); }
  static inline void store(T* p, V v) { vst1q_f32(p, v); }
  // No masked loads: go through a small buffer so nothing past p[n-1] is read.
  static inline V load_partial(const T* p, size_t n, T fill) {
    T t[N] = {fill, fill, fill, fill};
    std::memcpy(t, p, n * sizeof(T));
    return vld1q_f32(t);
  }
  static inline void store_partial(T* p, V v, size_t n) {
    T t[N];
    vst1q_f32(t, v);
    std::memcpy(p, t, n * sizeof(T));
  }

  static inline V add(V a, V b) { return vaddq_f32(a, b); }
  static inline V sub(V a, V b) { return vsubq_f32(a, b); }
  static inline V mul(V a, V b) { return vmulq_f32(a, b); }
  static inline V div(V a, V b) { return vdivq_f32(a, b); }
  static inline V fma(V a, V b, V c) { return vfmaq_f32(c, a, b); }   // a*b + c
  static inline V fnma(V a, V b, V c) { return vfmsq_f32(c, a, b); }  // c - a*b
  static inline V max(V a, V b) { return vbslq_f32(vcgtq_f32(a, b), a, b); }
  static inline V min(V a, V b) { return vbslq_f32(vcltq_f32(a, b), a, b); }

  static inline M lt(V a, V b) { return vcltq_f32(a, b); }
  static inline M le(V a, V b) { return vcleq_f32(a, b); }
  static inline M eq(V a, V b) { return vceqq_f32(a, b); }
  static inline M isnan(V a) { return vmvnq_u32(vceqq_f32(a, a)); }
  static inline M mand(M a, M b) { return vandq_u32(a, b); }
  static inline M mor(M a, M b) { return vorrq_u32(a, b); }
  static inline bool any(M m) { return vmaxvq_u32(m) != 0; }
  static inline V select(M m, V a, V b) { return vbslq_f32(m, a, b); }

  static inline I bits(V v) { return vreinterpretq_u32_f32(v); }
  static inline V from_bits(I i) { return vreinterpretq_f32_u32(i); }
  static inline I iadd(I a, I b) { return vaddq_u32(a, b); }
  static inline I isub(I a, I b) { return vsubq_u32(a, b); }
  static inline I iset1(int64_t v) { return vdupq_n_u32(static_cast<uint32_t>(v)); }
  template <int S> static inline I ishl(I a) { return vshlq_n_u32(a, S); }
  template <int S> static inline I ishr(I a) { return vshrq_n_u32(a, S); }  // logical
  static inline I iand(I a, I b) { return vandq_u32(a, b); }
  static inline I ior(I a, I b) { return vorrq_u32(a, b); }
  static inline V small_to_float(I a) { return vcvtq_f32_s32(vreinterpretq_s32_u32(a)); }

  // No vscalef on NEON: simd_math.h takes the shifter / exponent-bits path.
  static constexpr bool kScalef = false;
  static constexpr bool kFusedFma = true;  // fma() rounds once
  static inline V round_int(V a) { return a; }
  static inline V scalef(V a, V) { return a; }
  static constexpr int kLutBits = 0;  // no table lookup here: exp evaluates the long polynomial
  static inline V lut(I, const T*) { return zero(); }

  static inline T hmax(V v) { return vmaxvq_f32(v); }
  struct Wide {
    float64x2_t lo, hi;
  };
  static inline Wide wide_zero() { return {vdupq_n_f64(0.0), vdupq_n_f64(0.0)}; }
  static inline void wide_add(Wide& w, V v) {
    w.lo = vaddq_f64(w.lo, vcvt_f64_f32(vget_low_f32(v)));
    w.hi = vaddq_f64(w.hi, vcvt_high_f64_f32(v));
  }
  static inline double wide_sum(const Wide& w) {
    const float64x2_t t = vaddq_f64(w.lo, w.hi);
    return vgetq_lane_f64(t, 0) + vgetq_lane_f64(t, 1);
  }
  static inline void wide_store(const Wide& w, double* out) {
    vst1q_f64(out, w.lo);
    vst1q_f64(out + 2, w.hi);
  }
};

struct F64 {
  using T = double;
  using V = float64x2_t;
  using M = uint64x2_t;
  using I = uint64x2_t;
  static constexpr size_t N = 2;
  static constexpr int kMantBits = 52;
  static constexpr int kBias = 1023;

  static inline V zero() { return vdupq_n_f64(0.0); }
  static inline V set1(T v) { return vdupq_n_f64(v); }
  static inline V load(const T* p) { return vld1q_f64(p); }
  static inline void store(T* p, V v) { vst1q_f64(p, v); }
  static inline V load_partial(const T* p, size_t n, T fill) {
    T t[N] = {fill, fill};
    std::memcpy(t, p, n * sizeof(T));
    return vld1q_f64(t);
  }
  static inline void store_partial(T* p, V v, size_t n) {
    T t[N];
    vst1q_f64(t, v);
    std::memcpy(p, t, n * sizeof(T));
  }

  static inline V add(V a, V b) { return vaddq_f64(a, b); }
  static inline V sub(V a, V b) { return vsubq_f64(a, b); }
  static inline V mul(V a, V b) { return vmulq_f64(a, b); }
  static inline V div(V a, V b) { return vdivq_f64(a, b); }
  static inline V fma(V a, V b, V c) { return vfmaq_f64(c, a, b); }
  static inline V fnma(V a, V b, V c) { return vfmsq_f64(c, a, b); }
  static inline V max(V a, V b) { return vbslq_f64(vcgtq_f64(a, b), a, b); }
  static inline V min(V a, V b) { return vbslq_f64(vcltq_f64(a, b), a, b); }

  static inline M lt(V a, V b) { return vcltq_f64(a, b); }
  static inline M le(V a, V b) { return vcleq_f64(a, b); }
  static inline M eq(V a, V b) { return vceqq_f64(a, b); }
  static inline M isnan(V a) {
    return vreinterpretq_u64_u32(vmvnq_u32(vreinterpretq_u32_u64(vceqq_f64(a, a))));
  }
  static inline M mand(M a, M b) { return vandq_u64(a, b); }
  static inline M mor(M a, M b) { return vorrq_u64(a, b); }
  static inline bool any(M m) { return vmaxvq_u32(vreinterpretq_u32_u64(m)) != 0; }
  static inline V select(M m, V a, V b) { return vbslq_f64(m, a, b); }

  static inline I bits(V v) { return vreinterpretq_u64_f64(v); }
  static inline V from_bits(I i) { return vreinterpretq_f64_u64(i); }
  static inline I iadd(I a, I b) { return vaddq_u64(a, b); }
  static inline I isub(I a, I b) { return vsubq_u64(a, b); }
  static inline I iset1(int64_t v) { return vdupq_n_u64(static_cast<uint64_t>(v)); }
  template <int S> static inline I ishl(I a) { return vshlq_n_u64(a, S); }
  template <int S> static inline I ishr(I a) { return vshrq_n_u64(a, S); }
  static inline I iand(I a, I b) { return vandq_u64(a, b); }
  static inline I ior(I a, I b) { return vorrq_u64(a, b); }
  static inline V small_to_float(I a) { return vcvtq_f64_s64(vreinterpretq_s64_u64(a)); }

  // No vscalef on NEON: simd_math.h takes the shifter / exponent-bits path.
  static constexpr bool kScalef = false;
  static constexpr bool kFusedFma = true;  // fma() rounds once
  static inline V round_int(V a) { return a; }
  static inline V scalef(V a, V) { return a; }
  static constexpr int kLutBits = 0;  // no table lookup here: exp evaluates the long polynomial
  static inline V lut(I, const T*) { return zero(); }

  static inline T hmax(V v) { return vmaxvq_f64(v); }
  struct Wide {
    float64x2_t v;
  };
  static inline Wide wide_zero() { return {vdupq_n_f64(0.0)}; }
  static inline void wide_add(Wide& w, V v) { w.v = vaddq_f64(w.v, v); }
  static inline double wide_sum(const Wide& w) { return vgetq_lane_f64(w.v, 0) + vgetq_lane_f64(w.v, 1); }
  static inline void wide_store(const Wide& w, double* out) { vst1q_f64(out, w.v); }
};

#define LOSSKIT_ISA_NAME "neon"
