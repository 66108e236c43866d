// AVX2 + FMA vector traits. Included only by avx2.cc (compiled with -mavx2 -mfma).
#pragma once
#include <immintrin.h>
#include <cstddef>
#include <cstdint>

struct F32 {
  using T = float;
  using V = __m256;
  using M = __m256;  // all-ones / all-zeros lanes
  using I = __m256i;
  static constexpr size_t N = 8;
  static constexpr int kMantBits = 23;
  static constexpr int kBias = 127;

  static inline V zero() { return _mm256_setzero_ps(); }
  static inline V set1(T v) { return _mm256_set1_ps(v); }
  static inline V load(const T* p) { return _mm256_loadu_ps(p); }
  static inline void store(T* p, V v) { _mm256_storeu_ps(p, v); }
  static inline I first(size_t n) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(n)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  }
  // vmaskmov does not fault on masked-out lanes.
  static inline V load_partial(const T* p, size_t n, T fill) {
    I m = first(n);
    return _mm256_blendv_ps(set1(fill), _mm256_maskload_ps(p, m), _mm256_castsi256_ps(m));
  }
  static inline void store_partial(T* p, V v, size_t n) { _mm256_maskstore_ps(p, first(n), v); }

  static inline V add(V a, V b) { return _mm256_add_ps(a, b); }
  static inline V sub(V a, V b) { return _mm256_sub_ps(a, b); }
  static inline V mul(V a, V b) { return _mm256_mul_ps(a, b); }
  static inline V div(V a, V b) { return _mm256_div_ps(a, b); }
  static inline V fma(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
  static inline V fnma(V a, V b, V c) { return _mm256_fnmadd_ps(a, b, c); }
  static inline V max(V a, V b) { return _mm256_max_ps(a, b); }
  static inline V min(V a, V b) { return _mm256_min_ps(a, b); }

  static inline M lt(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_LT_OQ); }
  static inline M le(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_LE_OQ); }
  static inline M eq(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_EQ_OQ); }
  static inline M isnan(V a) { return _mm256_cmp_ps(a, a, _CMP_UNORD_Q); }
  static inline M mand(M a, M b) { return _mm256_and_ps(a, b); }
  static inline M mor(M a, M b) { return _mm256_or_ps(a, b); }
  static inline bool any(M m) { return _mm256_movemask_ps(m) != 0; }
  static inline V select(M m, V a, V b) { return _mm256_blendv_ps(b, a, m); }

  static inline I bits(V v) { return _mm256_castps_si256(v); }
  static inline V from_bits(I i) { return _mm256_castsi256_ps(i); }
  static inline I iadd(I a, I b) { return _mm256_add_epi32(a, b); }
  static inline I isub(I a, I b) { return _mm256_sub_epi32(a, b); }
  static inline I iset1(int64_t v) { return _mm256_set1_epi32(static_cast<int32_t>(v)); }
  template <int S> static inline I ishl(I a) { return _mm256_slli_epi32(a, S); }
  template <int S> static inline I ishr(I a) { return _mm256_srli_epi32(a, S); }
  static inline I iand(I a, I b) { return _mm256_and_si256(a, b); }
  static inline I ior(I a, I b) { return _mm256_or_si256(a, b); }
  static inline V small_to_float(I a) { return _mm256_cvtepi32_ps(a); }

  static constexpr bool kScalef = false;
  static constexpr bool kFusedFma = true;  // fma() rounds once
  static inline V round_int(V a) { return a; }
  static inline V scalef(V a, V) { return a; }
  static constexpr int kLutBits = 3;  // 8 entries: vpermps
  static inline V lut(I idx, const T* table) { return _mm256_permutevar8x32_ps(_mm256_load_ps(table), idx); }

  static inline T hmax(V v) {
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    m = _mm_max_ss(m, _mm_shuffle_ps(m, m, 1));
    return _mm_cvtss_f32(m);
  }
  struct Wide {
    __m256d lo, hi;
  };
  static inline Wide wide_zero() { return {_mm256_setzero_pd(), _mm256_setzero_pd()}; }
  static inline void wide_add(Wide& w, V v) {
    w.lo = _mm256_add_pd(w.lo, _mm256_cvtps_pd(_mm256_castps256_ps128(v)));
    w.hi = _mm256_add_pd(w.hi, _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1)));
  }
  static inline double wide_sum(const Wide& w) {
    alignas(32) double t[4];
    _mm256_store_pd(t, _mm256_add_pd(w.lo, w.hi));
    return (t[0] + t[1]) + (t[2] + t[3]);
  }
  static inline void wide_store(const Wide& w, double* out) {
    _mm256_storeu_pd(out, w.lo);
    _mm256_storeu_pd(out + 4, w.hi);
  }
};

struct F64 {
  using T = double;
  using V = __m256d;
  using M = __m256d;
  using I = __m256i;
  static constexpr size_t N = 4;
  static constexpr int kMantBits = 52;
  static constexpr int kBias = 1023;

  static inline V zero() { return _mm256_setzero_pd(); }
  static inline V set1(T v) { return _mm256_set1_pd(v); }
  static inline V load(const T* p) { return _mm256_loadu_pd(p); }
  static inline void store(T* p, V v) { _mm256_storeu_pd(p, v); }
  static inline I first(size_t n) {
    return _mm256_cmpgt_epi64(_mm256_set1_epi64x(static_cast<int64_t>(n)), _mm256_setr_epi64x(0, 1, 2, 3));
  }
  static inline V load_partial(const T* p, size_t n, T fill) {
    I m = first(n);
    return _mm256_blendv_pd(set1(fill), _mm256_maskload_pd(p, m), _mm256_castsi256_pd(m));
  }
  static inline void store_partial(T* p, V v, size_t n) { _mm256_maskstore_pd(p, first(n), v); }

  static inline V add(V a, V b) { return _mm256_add_pd(a, b); }
  static inline V sub(V a, V b) { return _mm256_sub_pd(a, b); }
  static inline V mul(V a, V b) { return _mm256_mul_pd(a, b); }
  static inline V div(V a, V b) { return _mm256_div_pd(a, b); }
  static inline V fma(V a, V b, V c) { return _mm256_fmadd_pd(a, b, c); }
  static inline V fnma(V a, V b, V c) { return _mm256_fnmadd_pd(a, b, c); }
  static inline V max(V a, V b) { return _mm256_max_pd(a, b); }
  static inline V min(V a, V b) { return _mm256_min_pd(a, b); }

  static inline M lt(V a, V b) { return _mm256_cmp_pd(a, b, _CMP_LT_OQ); }
  static inline M le(V a, V b) { return _mm256_cmp_pd(a, b, _CMP_LE_OQ); }
  static inline M eq(V a, V b) { return _mm256_cmp_pd(a, b, _CMP_EQ_OQ); }
  static inline M isnan(V a) { return _mm256_cmp_pd(a, a, _CMP_UNORD_Q); }
  static inline M mand(M a, M b) { return _mm256_and_pd(a, b); }
  static inline M mor(M a, M b) { return _mm256_or_pd(a, b); }
  static inline bool any(M m) { return _mm256_movemask_pd(m) != 0; }
  static inline V select(M m, V a, V b) { return _mm256_blendv_pd(b, a, m); }

  static inline I bits(V v) { return _mm256_castpd_si256(v); }
  static inline V from_bits(I i) { return _mm256_castsi256_pd(i); }
  static inline I iadd(I a, I b) { return _mm256_add_epi64(a, b); }
  static inline I isub(I a, I b) { return _mm256_sub_epi64(a, b); }
  static inline I iset1(int64_t v) { return _mm256_set1_epi64x(v); }
  template <int S> static inline I ishl(I a) { return _mm256_slli_epi64(a, S); }
  template <int S> static inline I ishr(I a) { return _mm256_srli_epi64(a, S); }
  static inline I iand(I a, I b) { return _mm256_and_si256(a, b); }
  static inline I ior(I a, I b) { return _mm256_or_si256(a, b); }
  // No int64 -> double convert before AVX-512DQ: splice the integer into the mantissa of 2^52.
  static inline V small_to_float(I a) {
    const __m256d two52 = _mm256_set1_pd(4503599627370496.0);
    return _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(a, _mm256_castpd_si256(two52))), two52);
  }

  static constexpr bool kScalef = false;
  static constexpr bool kFusedFma = true;  // fma() rounds once
  static inline V round_int(V a) { return a; }
  static inline V scalef(V a, V) { return a; }
  static constexpr int kLutBits = 0;  // no table lookup here: exp evaluates the long polynomial
  static inline V lut(I, const T*) { return zero(); }

  static inline T hmax(V v) {
    __m128d m = _mm_max_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
    m = _mm_max_sd(m, _mm_unpackhi_pd(m, m));
    return _mm_cvtsd_f64(m);
  }
  struct Wide {
    __m256d v;
  };
  static inline Wide wide_zero() { return {_mm256_setzero_pd()}; }
  static inline void wide_add(Wide& w, V v) { w.v = _mm256_add_pd(w.v, v); }
  static inline double wide_sum(const Wide& w) {
    alignas(32) double t[4];
    _mm256_store_pd(t, w.v);
    return (t[0] + t[1]) + (t[2] + t[3]);
  }
  static inline void wide_store(const Wide& w, double* out) { _mm256_storeu_pd(out, w.v); }
};

#define LOSSKIT_ISA_NAME "avx2"
