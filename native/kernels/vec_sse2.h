// SSE2 vector traits: the x86-64 ABI baseline, so sse2.cc needs no -m flags. No FMA and no
// blendv here: fma is mul+add (one more rounding, covered by the documented error bounds) and
// select is and/andnot/or.
#pragma once
#include <emmintrin.h>
#include <cstddef>
#include <cstdint>
#include <cstring>

struct F32 {
  using T = float;
  using V = __m128;
  using M = __m128;
  using I = __m128i;
  static constexpr size_t N = 4;
  static constexpr int kMantBits = 23;
  static constexpr int kBias = 127;

  static inline V zero() { return _mm_setzero_ps(); }
  static inline V set1(T v) { return _mm_set1_ps(v); }
  static inline V load(const T* p) { return _mm_loadu_ps(p); }
  static inline void store(T* p, V v) { _mm_storeu_ps(p, v); }
  // No masked loads before AVX: go through a small buffer so nothing past p[n-1] is read.
  static inline V load_partial(const T* p, size_t n, T fill) {
    alignas(16) T t[N] = {fill, fill, fill, fill};
    std::memcpy(t, p, n * sizeof(T));
    return _mm_load_ps(t);
  }
  static inline void store_partial(T* p, V v, size_t n) {
    alignas(16) T t[N];
    _mm_store_ps(t, v);
    std::memcpy(p, t, n * sizeof(T));
  }

  static inline V add(V a, V b) { return _mm_add_ps(a, b); }
  static inline V sub(V a, V b) { return _mm_sub_ps(a, b); }
  static inline V mul(V a, V b) { return _mm_mul_ps(a, b); }
  static inline V div(V a, V b) { return _mm_div_ps(a, b); }
  static inline V fma(V a, V b, V c) { return _mm_add_ps(_mm_mul_ps(a, b), c); }
  static inline V fnma(V a, V b, V c) { return _mm_sub_ps(c, _mm_mul_ps(a, b)); }
  static inline V max(V a, V b) { return _mm_max_ps(a, b); }
  static inline V min(V a, V b) { return _mm_min_ps(a, b); }

  static inline M lt(V a, V b) { return _mm_cmplt_ps(a, b); }
  static inline M le(V a, V b) { return _mm_cmple_ps(a, b); }
  static inline M eq(V a, V b) { return _mm_cmpeq_ps(a, b); }
  static inline M isnan(V a) { return _mm_cmpunord_ps(a, a); }
  static inline M mand(M a, M b) { return _mm_and_ps(a, b); }
  static inline M mor(M a, M b) { return _mm_or_ps(a, b); }
  static inline bool any(M m) { return _mm_movemask_ps(m) != 0; }
  static inline V select(M m, V a, V b) { return _mm_or_ps(_mm_and_ps(m, a), _mm_andnot_ps(m, b)); }

  static inline I bits(V v) { return _mm_castps_si128(v); }
  static inline V from_bits(I i) { return _mm_castsi128_ps(i); }
  static inline I iadd(I a, I b) { return _mm_add_epi32(a, b); }
  static inline I isub(I a, I b) { return _mm_sub_epi32(a, b); }
  static inline I iset1(int64_t v) { return _mm_set1_epi32(static_cast<int32_t>(v)); }
  template <int S> static inline I ishl(I a) { return _mm_slli_epi32(a, S); }
  template <int S> static inline I ishr(I a) { return _mm_srli_epi32(a, S); }
  static inline I iand(I a, I b) { return _mm_and_si128(a, b); }
  static inline I ior(I a, I b) { return _mm_or_si128(a, b); }
  static inline V small_to_float(I a) { return _mm_cvtepi32_ps(a); }

  static constexpr bool kScalef = false;
  static constexpr bool kFusedFma = false;  // fma() is mul + add: two roundings
  static inline V round_int(V a) { return a; }
  static inline V scalef(V a, V) { return a; }
  static constexpr int kLutBits = 0;  // no table lookup here: exp evaluates the long polynomial
  static inline V lut(I, const T*) { return zero(); }

  static inline T hmax(V v) {
    V m = _mm_max_ps(v, _mm_movehl_ps(v, v));
    m = _mm_max_ss(m, _mm_shuffle_ps(m, m, 1));
    return _mm_cvtss_f32(m);
  }
  struct Wide {
    __m128d lo, hi;
  };
  static inline Wide wide_zero() { return {_mm_setzero_pd(), _mm_setzero_pd()}; }
  static inline void wide_add(Wide& w, V v) {
    w.lo = _mm_add_pd(w.lo, _mm_cvtps_pd(v));
    w.hi = _mm_add_pd(w.hi, _mm_cvtps_pd(_mm_movehl_ps(v, v)));
  }
  static inline double wide_sum(const Wide& w) {
    alignas(16) double t[2];
    _mm_store_pd(t, _mm_add_pd(w.lo, w.hi));
    return t[0] + t[1];
  }
  static inline void wide_store(const Wide& w, double* out) {
    _mm_storeu_pd(out, w.lo);
    _mm_storeu_pd(out + 2, w.hi);
  }
};

struct F64 {
  using T = double;
  using V = __m128d;
  using M = __m128d;
  using I = __m128i;
  static constexpr size_t N = 2;
  static constexpr int kMantBits = 52;
  static constexpr int kBias = 1023;

  static inline V zero() { return _mm_setzero_pd(); }
  static inline V set1(T v) { return _mm_set1_pd(v); }
  static inline V load(const T* p) { return _mm_loadu_pd(p); }
  static inline void store(T* p, V v) { _mm_storeu_pd(p, v); }
  static inline V load_partial(const T* p, size_t n, T fill) {
    alignas(16) T t[N] = {fill, fill};
    std::memcpy(t, p, n * sizeof(T));
    return _mm_load_pd(t);
  }
  static inline void store_partial(T* p, V v, size_t n) {
    alignas(16) T t[N];
    _mm_store_pd(t, v);
    std::memcpy(p, t, n * sizeof(T));
  }

  static inline V add(V a, V b) { return _mm_add_pd(a, b); }
  static inline V sub(V a, V b) { return _mm_sub_pd(a, b); }
  static inline V mul(V a, V b) { return _mm_mul_pd(a, b); }
  static inline V div(V a, V b) { return _mm_div_pd(a, b); }
  static inline V fma(V a, V b, V c) { return _mm_add_pd(_mm_mul_pd(a, b), c); }
  static inline V fnma(V a, V b, V c) { return _mm_sub_pd(c, _mm_mul_pd(a, b)); }
  static inline V max(V a, V b) { return _mm_max_pd(a, b); }
  static inline V min(V a, V b) { return _mm_min_pd(a, b); }

  static inline M lt(V a, V b) { return _mm_cmplt_pd(a, b); }
  static inline M le(V a, V b) { return _mm_cmple_pd(a, b); }
  static inline M eq(V a, V b) { return _mm_cmpeq_pd(a, b); }
  static inline M isnan(V a) { return _mm_cmpunord_pd(a, a); }
  static inline M mand(M a, M b) { return _mm_and_pd(a, b); }
  static inline M mor(M a, M b) { return _mm_or_pd(a, b); }
  static inline bool any(M m) { return _mm_movemask_pd(m) != 0; }
  static inline V select(M m, V a, V b) { return _mm_or_pd(_mm_and_pd(m, a), _mm_andnot_pd(m, b)); }

  static inline I bits(V v) { return _mm_castpd_si128(v); }
  static inline V from_bits(I i) { return _mm_castsi128_pd(i); }
  static inline I iadd(I a, I b) { return _mm_add_epi64(a, b); }
  static inline I isub(I a, I b) { return _mm_sub_epi64(a, b); }
  static inline I iset1(int64_t v) { return _mm_set1_epi64x(v); }
  template <int S> static inline I ishl(I a) { return _mm_slli_epi64(a, S); }
  template <int S> static inline I ishr(I a) { return _mm_srli_epi64(a, S); }
  static inline I iand(I a, I b) { return _mm_and_si128(a, b); }
  static inline I ior(I a, I b) { return _mm_or_si128(a, b); }
  static inline V small_to_float(I a) {
    const __m128d two52 = _mm_set1_pd(4503599627370496.0);
    return _mm_sub_pd(_mm_castsi128_pd(_mm_or_si128(a, _mm_castpd_si128(two52))), two52);
  }

  static constexpr bool kScalef = false;
  static constexpr bool kFusedFma = false;  // fma() is mul + add: two roundings
  static inline V round_int(V a) { return a; }
  static inline V scalef(V a, V) { return a; }
  static constexpr int kLutBits = 0;  // no table lookup here: exp evaluates the long polynomial
  static inline V lut(I, const T*) { return zero(); }

  static inline T hmax(V v) { return _mm_cvtsd_f64(_mm_max_sd(v, _mm_unpackhi_pd(v, v))); }
  struct Wide {
    __m128d v;
  };
  static inline Wide wide_zero() { return {_mm_setzero_pd()}; }
  static inline void wide_add(Wide& w, V v) { w.v = _mm_add_pd(w.v, v); }
  static inline double wide_sum(const Wide& w) {
    alignas(16) double t[2];
    _mm_store_pd(t, w.v);
    return t[0] + t[1];
  }
  static inline void wide_store(const Wide& w, double* out) { _mm_storeu_pd(out, w.v); }
};

#define LOSSKIT_ISA_NAME "sse2"
