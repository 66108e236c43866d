// Vector exp / log / log1p, written once against the vector traits D (D::F32 or D::F64 of one
// ISA) and included inside that ISA's namespace, so every instruction set gets its own copy.
//
// Ranges and error bounds, measured by test/native/ulp_test.cc (ctest) against double std::exp/log/
// log1p for float32 and x87 long double expl/logl/log1pl for float64. ulp_test fails above the
// bound column, which math_probe.h repeats as kMathUlpBound32/64.
//   vexp<D>(x)     all inputs. Overflows to +Inf above ln(FLT_MAX) / ln(DBL_MAX); subnormal results
//                  are produced correctly down to the smallest subnormal; -Inf -> +0; NaN -> NaN.
//   vexp_le0<D>(x)  for x <= 0 (the log-sum-exp and softmax inner loops, where x - max <= 0). Results
//                  for x < -86 (float) / -707 (double), i.e. below 4.5e-38 / 9e-308, are +0: no
//                  subnormal is ever produced (each would cost a microcode assist on x86).
//   vlog<D>(x)     all inputs: subnormals handled; 0 -> -Inf; x < 0 -> NaN; +Inf -> +Inf; NaN -> NaN.
//   vlog1p<D>(x)    all inputs >= -1; accurate near 0 through the (x - (u - 1)) / u correction;
//                  -1 -> -Inf; x < -1 -> NaN; log1p(-0) gives +0.
//
//   max ULP error   range measured         sse2   avx2   avx512  neon    bound
//   vexp      f32   [-104, 89]                1.19   0.87   0.89    0.83    1.5
//   vexp_le0  f32   [-86, 0]                  1.19   0.91*  1.00*   0.83    1.5
//   vlog      f32   (0, FLT_MAX], subnormals  0.82   0.82   0.83    0.77    1.0
//   vlog1p    f32   [-1, FLT_MAX]             1.44   1.44   1.44    1.44    1.5
//   vexp      f64   [-746, 710]               1.14   0.89   0.89    0.87    1.5
//   vexp_le0  f64   [-707, 0]                 1.16   0.86   1.12*   0.82    1.5
//   vlog      f64   (0, DBL_MAX], subnormals  1.93   1.93   1.93    1.73    2.5
//   vlog1p    f64   [-1, DBL_MAX]             2.36   2.36   2.36    2.19    3.0
//   vlog_pos  f32   [FLT_MIN, FLT_MAX]        0.85   0.85   1.19*   0.75    1.5
//   vlog_pos  f64   [DBL_MIN, DBL_MAX]        1.96   1.96   1.96    1.73    2.5
//   vexp_sum  f32   [-86, 0]                  1.19   0.91*  1.00*   0.83    1.5
//   vexp_sum  f64   [-707, 0], beyond 0.31|x| 0.83   0.68   1.08*   0.54    1.5
// vexp_sum is vexp_le0_sum below: the exp of the log-sum-exp and cross-entropy sums, whose float64
// error bound is 1.5 + 0.31 |x| ulp (the table gives the measured error minus 0.31 |x|).
// vlog_pos (dense_simd.inl) is the dense losses' log: positive normal finite inputs only.
// float32: avx512 over every float of the range (2.2e9 / 1.1e9 / 2.1e9 / 3.2e9 points), sse2 and
// avx2 over 1 in 16 of them (the default ctest run on an AVX-512 machine; the best ISA present is
// always exhaustive), neon 1 in 1024 under qemu. float64: 2^24 points per routine, uniform over the
// range and log-uniform in magnitude (tiny arguments, near 1, subnormal results); neon 2e5.
// * table-driven (exp_lut_le0 below; vlog_pos's float table in dense_simd.inl): one ULP-level
//   rounding more than the long polynomial, for ~5 fewer vector operations per vector.
// Worst cases: sse2 exp near -59.95 (no FMA: fma() is mul+add, +0.3 ULP), vlog1p at -8.9e-8
// (rounding of the correction term), f64 vlog1p near 7.6e-6.

// Algorithms: exp reduces x = n ln2 + r with |r| <= ln2/2 (ln2 split in two so n*ln2_hi is exact),
// evaluates a minimax polynomial (float, Cephes-style coefficients) or the degree-13 Taylor
// polynomial (double; truncation < 2^-56), and scales by 2^n built in the exponent bits. log splits
// x = 2^e m with m in [sqrt(1/2), sqrt(2)); float uses a degree-9 polynomial in m-1, double the
// atanh series 2(s + s^3/3 + ...) with s = (m-1)/(m+1), |s| <= 0.1716 (11 terms, truncation < 2^-60).

// Software prefetch (a hint: never faults, so addresses past the end of a buffer are fine). The
// streaming loops fetch the row after the one whose max they are taking, or kPrefetchMin bytes
// ahead for short rows: on the VMs we measured, the hardware prefetcher alone left the exp loops
// waiting on loads for a third of their time.
#ifndef LOSSKIT_PREFETCH
#if defined(__GNUC__) || defined(__clang__)
#define LOSSKIT_PREFETCH(p) __builtin_prefetch((p), 0, 3)
#define LOSSKIT_PREFETCH_W(p) __builtin_prefetch((p), 1, 3)
#else
#define LOSSKIT_PREFETCH(p) ((void)0)
#define LOSSKIT_PREFETCH_W(p) ((void)0)
#endif
#endif
// Forced inlining for the per-row helpers of the hot loops: as calls, each row reloaded every
// vector constant (a call clobbers all vector registers), which short rows (K ~ 100) felt.
#if defined(__GNUC__) || defined(__clang__)
#define LOSSKIT_INLINE inline __attribute__((always_inline))
#else
#define LOSSKIT_INLINE __forceinline
#endif
// The prefetch distance floor, in bytes (4, 16 and 32 KiB, and the t1 / nta hints, measured the
// same as this within noise on the Zen 4 VM).
constexpr size_t kPrefetchMin = 8192;

template <class D>
struct MathConst;

template <>
struct MathConst<F32> {
  static constexpr float kLog2e = 1.44269504088896341f;
  static constexpr float kLn2Hi = 0.693359375f;       // few bits: n * kLn2Hi is exact
  static constexpr float kLn2Lo = -2.12194440e-4f;
  static constexpr float kShifter = 12582912.0f;      // 1.5 * 2^23: adding it rounds to an integer
  static constexpr float kExpHi = 89.0f;              // exp(89) overflows
  static constexpr float kExpLo = -104.0f;            // exp(-104) rounds to +0
  static constexpr float kExpLe0Lo = -86.0f;  // exp() here is 4.5e-38, safely above FLT_MIN
  static constexpr float kMinNormal = 1.17549435e-38f;
  static constexpr float kSubnormalScale = 33554432.0f;  // 2^25
  static constexpr int kSubnormalShift = 25;
  static constexpr float kSqrtHalf = 0.70710678118654752f;
};

template <>
struct MathConst<F64> {
  static constexpr double kLog2e = 1.4426950408889634074;
  static constexpr double kLn2Hi = 6.93145751953125E-1;
  static constexpr double kLn2Lo = 1.42860682030941723212E-6;
  static constexpr double kLn2 = 0.69314718055994530942;  // rounded to double: 3.3e-17 relative error
  static constexpr double kShifter = 6755399441055744.0;  // 1.5 * 2^52
  static constexpr double kExpHi = 710.0;
  static constexpr double kExpLo = -746.0;
  static constexpr double kExpLe0Lo = -707.0;  // exp() here is 9e-308, safely above DBL_MIN
  static constexpr double kMinNormal = 2.2250738585072014e-308;
  static constexpr double kSubnormalScale = 18014398509481984.0;  // 2^54
  static constexpr int kSubnormalShift = 54;
  static constexpr double kSqrtHalf = 0.70710678118654752440;
};

// The polynomial part of exp on the reduced argument r: returns e^r.
LOSSKIT_INLINE static F32::V exp_poly(F32, F32::V r) {
  using D = F32;
  D::V p = D::set1(1.9875691500E-4f);
  p = D::fma(p, r, D::set1(1.3981999507E-3f));
  p = D::fma(p, r, D::set1(8.3334519073E-3f));
  p = D::fma(p, r, D::set1(4.1665795894E-2f));
  p = D::fma(p, r, D::set1(1.6666665459E-1f));
  p = D::fma(p, r, D::set1(5.0000001201E-1f));
  // 1 + r (1 + r P(r)): all FMAs.
  p = D::fma(p, r, D::set1(1.0f));
  return D::fma(p, r, D::set1(1.0f));
}

LOSSKIT_INLINE static F64::V exp_poly(F64, F64::V r) {
  using D = F64;
  // Taylor coefficients 1/k!, k = 13 .. 2.
  D::V p = D::set1(1.6059043836821614599e-10);
  p = D::fma(p, r, D::set1(2.0876756987868098979e-9));
  p = D::fma(p, r, D::set1(2.5052108385441718775e-8));
  p = D::fma(p, r, D::set1(2.7557319223985890653e-7));
  p = D::fma(p, r, D::set1(2.7557319223985890653e-6));
  p = D::fma(p, r, D::set1(2.4801587301587301587e-5));
  p = D::fma(p, r, D::set1(1.9841269841269841270e-4));
  p = D::fma(p, r, D::set1(1.3888888888888888889e-3));
  p = D::fma(p, r, D::set1(8.3333333333333333333e-3));
  p = D::fma(p, r, D::set1(4.1666666666666666667e-2));
  p = D::fma(p, r, D::set1(1.6666666666666666667e-1));
  p = D::fma(p, r, D::set1(0.5));
  p = D::fma(p, r, D::set1(1.0));
  return D::fma(p, r, D::set1(1.0));
}

// 2^n for the integer n held in t = n + kShifter (as produced by the rounding step), valid for
// n in [1 - bias, bias].
template <class D>
static inline typename D::V pow2_from_shifted(typename D::V t) {
  // The low bits of t's representation are n (mod 2^k); shifting them into the exponent field
  // drops the shifter's own bits off the top.
  return D::from_bits(D::iadd(D::template ishl<D::kMantBits>(D::bits(t)),
                              D::iset1(static_cast<int64_t>(D::kBias) << D::kMantBits)));
}

// Table-driven exp on ISAs with a one-instruction variable permute (D::kLutBits = b > 0, L = 2^b
// entries): x = (n/L) ln2 + r with |r| <= ln2/(2L), e^x = 2^floor(n/L) * 2^((n mod L)/L) * e^r.
// The table entry comes from a register permute indexed by the low bits of t = n + shifter, the
// power of two is added to its exponent field as an integer, and e^r - 1 needs only a short
// polynomial: 3 terms for float with L = 16 (minimax, 0.03 ULP), 4 for float with L = 8 (0.003 ULP),
// 6 for double with L = 16 (minimax, 0.05 ULP). That is ~5 fewer multiply-adds per vector
// than the polynomial path, and the permute issues on the shuffle port, which exp otherwise leaves
// idle. Table entries are 2^(j/L) rounded to nearest, stored as bit patterns minus j << (mantissa
// bits - b): exp_lut_le0 adds the shifted bits of t, which carry j there as well as floor(n/L) in
// the exponent field, so no mask has to clear j first (one vector operation fewer). Printed by
// tools/gen-exp-poly.py.
alignas(64) static const uint32_t kExp2Table16f[16] = {
    0x3f800000, 0x3f7daac3, 0x3f7b95c2, 0x3f79c3d3, 0x3f7837f0, 0x3f76f532, 0x3f75fed7, 0x3f75583f,
    0x3f7504f3, 0x3f7508a4, 0x3f75672a, 0x3f76248c, 0x3f7744fd, 0x3f78ccdf, 0x3f7ac0c7, 0x3f7d257d};
alignas(32) static const uint32_t kExp2Table8f[8] = {
    0x3f800000, 0x3f7b95c2, 0x3f7837f0, 0x3f75fed7, 0x3f7504f3, 0x3f75672a, 0x3f7744fd, 0x3f7ac0c7};
alignas(64) static const uint64_t kExp2Table16d[16] = {
    0x3ff0000000000000, 0x3fefb5586cf9890f, 0x3fef72b83c7d517b, 0x3fef387a6e756238,
    0x3fef06fe0a31b715, 0x3feedea64c123422, 0x3feebfdad5362a27, 0x3feeab07dd485429,
    0x3feea09e667f3bcd, 0x3feea11473eb0187, 0x3feeace5422aa0db, 0x3feec49182a3f090,
    0x3feee89f995ad3ad, 0x3fef199bdd85529c, 0x3fef5818dcfba487, 0x3fefa4afa2a490da};

static inline const float* exp2_table(F32) {
  return reinterpret_cast<const float*>(F32::kLutBits == 4 ? kExp2Table16f : kExp2Table8f);
}
static inline const double* exp2_table(F64) { return reinterpret_cast<const double*>(kExp2Table16d); }

// e^r - 1 for |r| <= ln2/(2L).
LOSSKIT_INLINE static F32::V expm1_lut_poly(F32, F32::V r) {
  using D = F32;
  D::V p;
  if constexpr (D::kLutBits == 4) {
    p = D::fma(r, D::set1(0.16666813194751740f), D::set1(0.50001615285873413f));
  } else {
    p = D::fma(r, D::set1(0.041660424321889877f), D::set1(0.16668024659156799f));
    p = D::fma(p, r, D::set1(0.5f));
  }
  return D::mul(D::fma(p, r, D::set1(1.0f)), r);
}

LOSSKIT_INLINE static F64::V expm1_lut_poly(F64, F64::V r) {
  using D = F64;
  // Minimax on |r| <= ln2/32 (tools/gen-exp-poly.py): error 1.2e-17 = 0.05 ulp of 1, one
  // multiply-add fewer than the degree-7 Taylor polynomial it replaced.
  D::V p = D::set1(0x1.6c185df28db92p-10);
  p = D::fma(p, r, D::set1(0x1.11123aafc4c50p-7));
  p = D::fma(p, r, D::set1(0x1.555555545ea57p-5));
  p = D::fma(p, r, D::set1(0x1.555555548f86cp-3));
  p = D::fma(p, r, D::set1(0x1.0000000000005p-1));
  return D::mul(D::fma(p, r, D::set1(1.0)), r);
}

// r = x - n ln2/L for the integer n (held as a float) and L = 1 / inv_l a power of two. Exact to a
// rounding: ln2 = kLn2Hi + kLn2Lo, and n * kLn2Hi/L is exact. kSum (float64 with a fused FMA): one
// FMA with ln2/L rounded to double, whose error (3.3e-17 relative) leaves e^x off by up to
// 3.35e-17 |x| relative (0.31 |x| ulp); see vexp_le0_sum for why sums allow it. Without a fused FMA
// (sse2) the product n * ln2 would round by itself (~700 ulp at x = -700): two steps there.
template <class D, bool kSum>
LOSSKIT_INLINE static typename D::V reduce_ln2(typename D::V x, typename D::V n, typename D::T inv_l) {
  using C = MathConst<D>;
  if constexpr (kSum && sizeof(typename D::T) == 8 && D::kFusedFma) {
    return D::fnma(n, D::set1(C::kLn2 * inv_l), x);
  } else {
    return D::fnma(n, D::set1(C::kLn2Lo * inv_l), D::fnma(n, D::set1(C::kLn2Hi * inv_l), x));
  }
}

// The table path for x in [kExpLe0Lo, 0] (NaN propagates through the polynomial).
template <class D, bool kSum = false>
LOSSKIT_INLINE static typename D::V exp_lut_le0(typename D::V x) {
  using C = MathConst<D>;
  using V = typename D::V;
  using T = typename D::T;
  constexpr int kB = D::kLutBits;
  constexpr T kL = static_cast<T>(1 << kB);
  const V shifter = D::set1(C::kShifter);
  V t = D::fma(x, D::set1(C::kLog2e * kL), shifter);  // n + shifter, n = round(x L / ln2)
  V n = D::sub(t, shifter);
  V r = reduce_ln2<D, kSum>(x, n, T(1) / kL);
  // floor(n/L) into the exponent field: t's low bits hold n in two's complement, so shifting them
  // left by (mantissa bits - b) adds floor(n/L) mod the field width, which wraps to the right value
  // for the normal results this range produces; the j = n mod L it also adds just below the
  // exponent is what the biased table entry lacks.
  const typename D::I e = D::template ishl<D::kMantBits - kB>(D::bits(t));
  V s = D::from_bits(D::iadd(D::bits(D::lut(D::bits(t), exp2_table(D()))), e));
  return D::fma(s, expm1_lut_poly(D(), r), s);
}

// exp(max(x, kExpLe0Lo)) for x <= 0: the body of vexp_le0 and vexp_le0_sum.
template <class D, bool kSum>
LOSSKIT_INLINE static typename D::V exp_le0_clamped(typename D::V x) {
  using C = MathConst<D>;
  using V = typename D::V;
  using T = typename D::T;
  const V xc = D::max(D::set1(C::kExpLe0Lo), x);  // NaN in x is kept (second operand wins on NaN)
  if constexpr (D::kLutBits > 0) {
    return exp_lut_le0<D, kSum>(xc);
  } else if constexpr (D::kScalef) {
    V n = D::round_int(D::mul(xc, D::set1(C::kLog2e)));
    return D::scalef(exp_poly(D(), reduce_ln2<D, kSum>(xc, n, T(1))), n);
  } else {
    V t = D::fma(xc, D::set1(C::kLog2e), D::set1(C::kShifter));
    V n = D::sub(t, D::set1(C::kShifter));
    return D::mul(exp_poly(D(), reduce_ln2<D, kSum>(xc, n, T(1))), pow2_from_shifted<D>(t));
  }
}

template <class D>
LOSSKIT_INLINE static typename D::V vexp_le0(typename D::V x) {
  // Inputs below kExpLe0Lo give +0 by a select, so no instruction ever produces a subnormal:
  // on x86 a subnormal result costs a microcode assist of ~100 cycles per instruction.
  const auto tiny = D::lt(x, D::set1(MathConst<D>::kExpLe0Lo));  // also true for -Inf; false for NaN
  return D::select(tiny, D::zero(), exp_le0_clamped<D, false>(x));
}

// exp for the terms of a sum of exp(x - max) (log-sum-exp, cross-entropy), x <= 0: every result is
// only added to a sum that is >= 1 (the max's own term). Two shortcuts against vexp_le0, each a
// vector operation or two fewer in loops bound by how many they issue (BENCHMARKS.md):
//  - below kExpLe0Lo (and for -Inf) the result is exp(kExpLe0Lo) = 4.5e-38 / 9e-308, not +0: a
//    clamp without the compare and select. K such terms move a sum >= 1 by K * 9e-308 (float64) or
//    K * 4.5e-38 (float32, summed in double): nothing at any K an array can hold.
//  - float64: one-FMA reduction (reduce_ln2), relative error up to 3.35e-17 |x| on top of
//    vexp_le0's. A term's extra error is then at most e^x |x| 3.35e-17 <= 1.25e-17 (at x = -1),
//    below a tenth of one rounding of the sum it joins; in ulp of the term: 1.5 + 0.31 |x|, which
//    test/native/ulp_test.cc measures (kMathExpSum).
template <class D>
LOSSKIT_INLINE static typename D::V vexp_le0_sum(typename D::V x) {
  return exp_le0_clamped<D, true>(x);
}

template <class D>
LOSSKIT_INLINE static typename D::V vexp(typename D::V x) {
  using C = MathConst<D>;
  using V = typename D::V;
  using T = typename D::T;
  V xc = D::max(D::set1(C::kExpLo), D::min(D::set1(C::kExpHi), x));  // NaN passes through
  if constexpr (D::kScalef) {
    V n = D::round_int(D::mul(xc, D::set1(C::kLog2e)));
    V r = reduce_ln2<D, false>(xc, n, T(1));
    return D::scalef(exp_poly(D(), r), n);
  } else {
    V t = D::fma(xc, D::set1(C::kLog2e), D::set1(C::kShifter));
    V n = D::sub(t, D::set1(C::kShifter));
    V r = reduce_ln2<D, false>(xc, n, T(1));
    // n spans more than the exponent range (subnormal and overflowing results), so scale by
    // 2^n1 * 2^n2 with n1 = round(n/2): each factor is a normal number, and only the final
    // multiply rounds (which gives correctly rounded subnormals and a clean overflow to Inf).
    V t1 = D::fma(n, D::set1(0.5), D::set1(C::kShifter));
    V n1 = D::sub(t1, D::set1(C::kShifter));
    V t2 = D::add(D::sub(n, n1), D::set1(C::kShifter));
    V p = exp_poly(D(), r);
    return D::mul(D::mul(p, pow2_from_shifted<D>(t1)), pow2_from_shifted<D>(t2));
  }
}

// log(m) for m in [sqrt(1/2), sqrt(2)), plus e*ln2.
LOSSKIT_INLINE static F32::V log_core(F32, F32::V m, F32::V e) {
  using D = F32;
  D::V x = D::sub(m, D::set1(1.0f));
  D::V z = D::mul(x, x);
  D::V y = D::set1(7.0376836292E-2f);
  y = D::fma(y, x, D::set1(-1.1514610310E-1f));
  y = D::fma(y, x, D::set1(1.1676998740E-1f));
  y = D::fma(y, x, D::set1(-1.2420140846E-1f));
  y = D::fma(y, x, D::set1(1.4249322787E-1f));
  y = D::fma(y, x, D::set1(-1.6668057665E-1f));
  y = D::fma(y, x, D::set1(2.0000714765E-1f));
  y = D::fma(y, x, D::set1(-2.4999993993E-1f));
  y = D::fma(y, x, D::set1(3.3333331174E-1f));
  y = D::mul(D::mul(y, x), z);
  y = D::fma(e, D::set1(-2.12194440e-4f), y);
  y = D::fnma(D::set1(0.5f), z, y);
  D::V r = D::add(x, y);
  return D::fma(e, D::set1(0.693359375f), r);
}

LOSSKIT_INLINE static F64::V log_core(F64, F64::V m, F64::V e) {
  using D = F64;
  D::V s = D::div(D::sub(m, D::set1(1.0)), D::add(m, D::set1(1.0)));
  D::V w = D::mul(s, s);
  // 2 atanh(s) = 2s + 2s * w * (1/3 + w/5 + ... + w^9/21)
  D::V q = D::set1(1.0 / 21);
  q = D::fma(q, w, D::set1(1.0 / 19));
  q = D::fma(q, w, D::set1(1.0 / 17));
  q = D::fma(q, w, D::set1(1.0 / 15));
  q = D::fma(q, w, D::set1(1.0 / 13));
  q = D::fma(q, w, D::set1(1.0 / 11));
  q = D::fma(q, w, D::set1(1.0 / 9));
  q = D::fma(q, w, D::set1(1.0 / 7));
  q = D::fma(q, w, D::set1(1.0 / 5));
  q = D::fma(q, w, D::set1(1.0 / 3));
  D::V s2 = D::add(s, s);
  D::V tail = D::fma(e, D::set1(MathConst<F64>::kLn2Lo), D::mul(D::mul(s2, w), q));
  return D::fma(e, D::set1(MathConst<F64>::kLn2Hi), D::add(s2, tail));
}

template <class D>
LOSSKIT_INLINE static typename D::V vlog(typename D::V x) {
  using C = MathConst<D>;
  using V = typename D::V;
  using I = typename D::I;
  auto sub = D::lt(x, D::set1(C::kMinNormal));  // subnormals, zero, negatives
  V xs = D::select(sub, D::mul(x, D::set1(C::kSubnormalScale)), x);
  V eadj = D::select(sub, D::set1(static_cast<typename D::T>(C::kSubnormalShift)), D::zero());
  I b = D::bits(xs);
  const I mant_mask = D::iset1((static_cast<int64_t>(1) << D::kMantBits) - 1);
  const I one_bits = D::iset1(static_cast<int64_t>(D::kBias) << D::kMantBits);
  V m = D::from_bits(D::ior(D::iand(b, mant_mask), one_bits));  // [1, 2)
  V e = D::sub(D::small_to_float(D::template ishr<D::kMantBits>(b)), D::set1(static_cast<typename D::T>(D::kBias)));
  e = D::sub(e, eadj);
  // Move m into [sqrt(1/2), sqrt(2)) so the polynomial sees |m - 1| <= 0.41.
  auto big = D::lt(D::set1(static_cast<typename D::T>(2 * C::kSqrtHalf)), m);
  m = D::select(big, D::mul(m, D::set1(0.5)), m);
  e = D::select(big, D::add(e, D::set1(1.0)), e);
  V y = log_core(D(), m, e);
  const V inf = D::set1(std::numeric_limits<typename D::T>::infinity());
  y = D::select(D::eq(x, inf), inf, y);
  y = D::select(D::lt(x, D::zero()), D::set1(std::numeric_limits<typename D::T>::quiet_NaN()), y);
  y = D::select(D::eq(x, D::zero()), D::set1(-std::numeric_limits<typename D::T>::infinity()), y);
  return D::select(D::isnan(x), x, y);
}

template <class D>
LOSSKIT_INLINE static typename D::V vlog1p(typename D::V x) {
  using V = typename D::V;
  V u = D::add(x, D::set1(1.0));
  V y = vlog<D>(u);
  // u rounds 1 + x; (x - (u - 1)) / u restores what the rounding lost (Goldberg's trick).
  V c = D::div(D::sub(x, D::sub(u, D::set1(1.0))), u);
  auto finite_pos = D::mand(D::lt(D::zero(), u), D::lt(u, D::set1(std::numeric_limits<typename D::T>::infinity())));
  return D::add(y, D::select(finite_pos, c, D::zero()));
}

// log of a positive normal finite value, without special cases (dense_simd.inl: the heatmap and
// logit losses' log). Declared here for vmath_eval.
template <class D>
LOSSKIT_INLINE static typename D::V vlog_pos(typename D::V x);

// For the accuracy test only (math_probe.h): fn(in[i]) over a span with this ISA's routines.
template <class D, class F>
static inline void vmath_span(F f, const typename D::T* in, typename D::T* out, size_t n) {
  size_t i = 0;
  for (; i + D::N <= n; i += D::N) D::store(out + i, f(D::load(in + i)));
  if (i < n) D::store_partial(out + i, f(D::load_partial(in + i, n - i, 1)), n - i);
}

template <class D>
static void vmath_eval(int fn, const typename D::T* in, typename D::T* out, size_t n) {
  using V = typename D::V;
  switch (fn) {
    case 0: return vmath_span<D>([](V x) { return vexp<D>(x); }, in, out, n);
    case 1: return vmath_span<D>([](V x) { return vexp_le0<D>(x); }, in, out, n);
    case 5: return vmath_span<D>([](V x) { return vexp_le0_sum<D>(x); }, in, out, n);
    case 2: return vmath_span<D>([](V x) { return vlog<D>(x); }, in, out, n);
    case 4: return vmath_span<D>([](V x) { return vlog_pos<D>(x); }, in, out, n);
    default: return vmath_span<D>([](V x) { return vlog1p<D>(x); }, in, out, n);
  }
}
