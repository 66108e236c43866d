// AVX-512F vector traits. Included only by avx512.cc, which is the one translation unit compiled
// with -mavx512f -mavx512dq; every name here lives in the namespace of that file.
#pragma once
#include <immintrin.h>
#include <cstddef>
#include <cstdint>

struct F32 {
  using T = float;
  using V = __m512;
  using M = __mmask16;
  using I = __m512i;
  static constexpr size_t N = 16;
  static constexpr int kMantBits = 23;
  static constexpr int kBias = 127;

  static inline V zero() { return _mm512_setzero_ps(); }
  static inline V set1(T v) { return _mm512_set1_ps(v); }
  static inline V load(const T* p) { return _mm512_loadu_ps(p); }
  static inline void store(T* p, V v) { _mm512_storeu_ps(p, v); }
  static inline M first(size_t n) { return static_cast<M>((1u << n) - 1u); }
  // Masked-out lanes are never touched, so a partial load at the end of a buffer cannot fault.
  static inline V load_partial(const T* p, size_t n, T fill) {
    return _mm512_mask_loadu_ps(set1(fill), first(n), p);
  }
  static inline void store_partial(T* p, V v, size_t n) { _mm512_mask_storeu_ps(p, first(n), v); }

  static inline V add(V a, V b) { return _mm512_add_ps(a, b); }
  static inline V sub(V a, V b) { return _mm512_sub_ps(a, b); }
  static inline V mul(V a, V b) { return _mm512_mul_ps(a, b); }
  static inline V div(V a, V b) { return _mm512_div_ps(a, b); }
  static inline V fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }    // a*b + c
  static inline V fnma(V a, V b, V c) { return _mm512_fnmadd_ps(a, b, c); }  // c - a*b
  static inline V max(V a, V b) { return _mm512_max_ps(a, b); }
  static inline V min(V a, V b) { return _mm512_min_ps(a, b); }

  static inline M lt(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ); }
  static inline M le(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_LE_OQ); }
  static inline M eq(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_EQ_OQ); }
  static inline M isnan(V a) { return _mm512_cmp_ps_mask(a, a, _CMP_UNORD_Q); }
  static inline M mand(M a, M b) { return static_cast<M>(a & b); }
  static inline M mor(M a, M b) { return static_cast<M>(a | b); }
  static inline bool any(M m) { return m != 0; }
  static inline V select(M m, V a, V b) { return _mm512_mask_blend_ps(m, b, a); }  // m ? a : b

  static inline I bits(V v) { return _mm512_castps_si512(v); }
  static inline V from_bits(I i) { return _mm512_castsi512_ps(i); }
  static inline I iadd(I a, I b) { return _mm512_add_epi32(a, b); }
  static inline I isub(I a, I b) { return _mm512_sub_epi32(a, b); }
  static inline I iset1(int64_t v) { return _mm512_set1_epi32(static_cast<int32_t>(v)); }
  template <int S> static inline I ishl(I a) { return _mm512_slli_epi32(a, S); }
  template <int S> static inline I ishr(I a) { return _mm512_srli_epi32(a, S); }  // logical
  static inline I iand(I a, I b) { return _mm512_and_si512(a, b); }
  static inline I ior(I a, I b) { return _mm512_or_si512(a, b); }
  // Small non-negative lane integers (< 2^22) to floating point.
  static inline V small_to_float(I a) { return _mm512_cvtepi32_ps(a); }
  // AVX-512 rounds to an integer and scales by 2^n in one instruction each, with IEEE overflow,
  // underflow and subnormal results.
  static constexpr bool kScalef = true;
  static constexpr bool kFusedFma = true;  // fma() rounds once
  static inline V round_int(V a) { return _mm512_roundscale_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
  static inline V scalef(V a, V n) { return _mm512_scalef_ps(a, n); }
  // exp's table lookup (simd_math.h): 2^(j/16) for j = the low 4 bits of each lane of idx, one
  // vpermps from a 16-entry table held in a register.
  static constexpr int kLutBits = 4;
  static inline V lut(I idx, const T* table) { return _mm512_permutexvar_ps(idx, _mm512_load_ps(table)); }

  static inline T hmax(V v) { return _mm512_reduce_max_ps(v); }
  // Sums of exp() values are carried in double (see simd kernels): two double vectors per float one.
  struct Wide {
    __m512d lo, hi;
  };
  static inline Wide wide_zero() { return {_mm512_setzero_pd(), _mm512_setzero_pd()}; }
  static inline void wide_add(Wide& w, V v) {
    w.lo = _mm512_add_pd(w.lo, _mm512_cvtps_pd(_mm512_castps512_ps256(v)));
    w.hi = _mm512_add_pd(w.hi, _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1))));
  }
  static inline double wide_sum(const Wide& w) {
    alignas(64) double t[8];
    _mm512_store_pd(t, _mm512_add_pd(w.lo, w.hi));
    return ((t[0] + t[1]) + (t[2] + t[3])) + ((t[4] + t[5]) + (t[6] + t[7]));
  }
  static inline void wide_store(const Wide& w, double* out) {
    _mm512_storeu_pd(out, w.lo);
    _mm512_storeu_pd(out + 8, w.hi);
  }
};

struct F64 {
  using T = double;
  using V = __m512d;
  using M = __mmask8;
  using I = __m512i;
  static constexpr size_t N = 8;
  static constexpr int kMantBits = 52;
  static constexpr int kBias = 1023;

  static inline V zero() { return _mm512_setzero_pd(); }
  static inline V set1(T v) { return _mm512_set1_pd(v); }
  static inline V load(const T* p) { return _mm512_loadu_pd(p); }
  static inline void store(T* p, V v) { _mm512_storeu_pd(p, v); }
  static inline M first(size_t n) { return static_cast<M>((1u << n) - 1u); }
  static inline V load_partial(const T* p, size_t n, T fill) {
    return _mm512_mask_loadu_pd(set1(fill), first(n), p);
  }
  static inline void store_partial(T* p, V v, size_t n) { _mm512_mask_storeu_pd(p, first(n), v); }

  static inline V add(V a, V b) { return _mm512_add_pd(a, b); }
  static inline V sub(V a, V b) { return _mm512_sub_pd(a, b); }
  static inline V mul(V a, V b) { return _mm512_mul_pd(a, b); }
  static inline V div(V a, V b) { return _mm512_div_pd(a, b); }
  static inline V fma(V a, V b, V c) { return _mm512_fmadd_pd(a, b, c); }
  static inline V fnma(V a, V b, V c) { return _mm512_fnmadd_pd(a, b, c); }
  static inline V max(V a, V b) { return _mm512_max_pd(a, b); }
  static inline V min(V a, V b) { return _mm512_min_pd(a, b); }

  static inline M lt(V a, V b) { return _mm512_cmp_pd_mask(a, b, _CMP_LT_OQ); }
  static inline M le(V a, V b) { return _mm512_cmp_pd_mask(a, b, _CMP_LE_OQ); }
  static inline M eq(V a, V b) { return _mm512_cmp_pd_mask(a, b, _CMP_EQ_OQ); }
  static inline M isnan(V a) { return _mm512_cmp_pd_mask(a, a, _CMP_UNORD_Q); }
  static inline M mand(M a, M b) { return static_cast<M>(a & b); }
  static inline M mor(M a, M b) { return static_cast<M>(a | b); }
  static inline bool any(M m) { return m != 0; }
  static inline V select(M m, V a, V b) { return _mm512_mask_blend_pd(m, b, a); }

  static inline I bits(V v) { return _mm512_castpd_si512(v); }
  static inline V from_bits(I i) { return _mm512_castsi512_pd(i); }
  static inline I iadd(I a, I b) { return _mm512_add_epi64(a, b); }
  static inline I isub(I a, I b) { return _mm512_sub_epi64(a, b); }
  static inline I iset1(int64_t v) { return _mm512_set1_epi64(v); }
  template <int S> static inline I ishl(I a) { return _mm512_slli_epi64(a, S); }
  template <int S> static inline I ishr(I a) { return _mm512_srli_epi64(a, S); }
  static inline I iand(I a, I b) { return _mm512_and_si512(a, b); }
  static inline I ior(I a, I b) { return _mm512_or_si512(a, b); }
  static inline V small_to_float(I a) { return _mm512_cvtepi64_pd(a); }  // AVX-512DQ
  static constexpr bool kScalef = true;
  static constexpr bool kFusedFma = true;  // fma() rounds once
  static inline V round_int(V a) { return _mm512_roundscale_pd(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
  static inline V scalef(V a, V n) { return _mm512_scalef_pd(a, n); }
  static constexpr int kLutBits = 4;  // 16 entries over two registers: vpermt2pd
  static inline V lut(I idx, const T* table) {
    return _mm512_permutex2var_pd(_mm512_load_pd(table), idx, _mm512_load_pd(table + 8));
  }

  static inline T hmax(V v) { return _mm512_reduce_max_pd(v); }
  struct Wide {
    __m512d v;
  };
  static inline Wide wide_zero() { return {_mm512_setzero_pd()}; }
  static inline void wide_add(Wide& w, V v) { w.v = _mm512_add_pd(w.v, v); }
  static inline double wide_sum(const Wide& w) {
    alignas(64) double t[8];
    _mm512_store_pd(t, w.v);
    return ((t[0] + t[1]) + (t[2] + t[3])) + ((t[4] + t[5]) + (t[6] + t[7]));
  }
  static inline void wide_store(const Wide& w, double* out) { _mm512_storeu_pd(out, w.v); }
};

#define LOSSKIT_ISA_NAME "avx512"
