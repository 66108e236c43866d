// SIMD kernels of the dense family (binary cross-entropy, sigmoid / softmax / heatmap focal losses,
// MSE), written once against the vector traits F32 / F64 and included inside each ISA's namespace
// after simd_math.h and classification_simd.inl (whose TraitsOf, WideAcc, vmax_span and
// vsumexp_span it reuses). The formulas and their sources are in dense_ref.h; this file computes the
// same things in T with float64 sums. Tails use partial loads and a 0/1 lane mask, never a scalar
// loop, so every ISA path rounds the same way.

template <class T>
static inline const DenseOps<T>& scalar_dense();
template <>
inline const DenseOps<float>& scalar_dense<float>() {
  return scalar_kernels().dense_f32;
}
template <>
inline const DenseOps<double>& scalar_dense<double>() {
  return scalar_kernels().dense_f64;
}

// Small helpers of dense_ref.h, repeated here with internal linkage: this file is compiled inside
// each ISA's namespace with that ISA's flags, and must not share inline code with the baseline.
static inline double dense_at(FloatView v, size_t i) {
  return v.f64 ? static_cast<const double*>(v.data)[i] : static_cast<double>(static_cast<const float*>(v.data)[i]);
}

static inline double softmax_focal_term(double logp, double alpha, double gamma) {
  const double om = -std::expm1(logp);  // 1 - p_y, exact as p_y -> 1
  return -alpha * (gamma == 0 ? 1.0 : std::pow(om, gamma)) * logp;
}

constexpr double kHeatClip = 1e-4;  // CornerNet's clamp of the predicted probability

// Flush-to-zero for the duration of one kernel call, restored on return (MXCSR is per thread).
// Products of small probabilities (p^alpha times a log that is itself ~p for very negative logits)
// fall below FLT_MIN, and on x86 every instruction that produces or reads a subnormal costs a
// microcode assist: logits of -35 everywhere ran 4x slower. Flushed, such terms are exactly 0
// instead of < 1.2e-38 (float32) / 2.2e-308 (float64), so no later instruction reads one.
// Denormals-are-zero (0x0040) stays off: it would read the caller's subnormal inputs as 0, so a
// gt of -1e-40 passed the [0, 1] check as -0 and a probability of -1e-40 got log(-0) instead of NaN.
struct FlushDenormals {
#if defined(__x86_64__) || defined(_M_X64)
  unsigned saved = _mm_getcsr();
  FlushDenormals() { _mm_setcsr(saved | 0x8000u); }
  ~FlushDenormals() { _mm_setcsr(saved); }
#endif
};

// kDenseNote: the element-wise losses (BCE, focal, MSE) widen each vector of losses to float64
// before adding it, so the sum does not depend on where a caller splits the input (streamed
// blocks, shards merged by meters): only float64 rounding differs. The heatmap loop keeps float
// lane sums for 8 vectors (its hot loop); splits at multiples of 128 elements group the same way.

// Elements per chunk when a target or weight array must be converted to T first.
constexpr size_t kDenseChunk = 1024;

// v[off, off + len) as T: the caller's memory when the types match, else converted into buf.
template <class T>
static inline const T* view_as(FloatView v, size_t off, size_t len, T* buf) {
  if (v.f64 == (sizeof(T) == sizeof(double))) return static_cast<const T*>(v.data) + off;
  if (v.f64) {
    const double* s = static_cast<const double*>(v.data) + off;
    for (size_t i = 0; i < len; ++i) buf[i] = static_cast<T>(s[i]);
  } else {
    const float* s = static_cast<const float*>(v.data) + off;
    for (size_t i = 0; i < len; ++i) buf[i] = static_cast<T>(s[i]);
  }
  return buf;
}

// 1 in the first r lanes, 0 in the rest (r < N): masks the padding of a partial vector.
template <class D>
static inline typename D::V lane_mask(size_t r) {
  return D::load_partial(ones_lanes<typename D::T>(), r, typename D::T(0));
}

template <class D>
static inline typename D::V vabs(typename D::V x) {
  return D::max(x, D::sub(D::zero(), x));  // NaN stays NaN (second operand)
}

// log(m) + e ln2 for m in [sqrt(1/2), sqrt(2)): simd_math.h's log_core with the same coefficients,
// its degree-8 polynomial evaluated in Estrin's form (dependency depth 4 instead of 9): measured
// faster in the heatmap loop (about 10%: the out-of-order window overlaps more iterations).
static inline F32::V log_core_estrin(F32::V m, F32::V e) {
  using D = F32;
  const D::V x = D::sub(m, D::set1(1.0f));
  const D::V z = D::mul(x, x);
  const D::V z2 = D::mul(z, z);
  const D::V z4 = D::mul(z2, z2);
  const D::V p01 = D::fma(D::set1(-2.4999993993E-1f), x, D::set1(3.3333331174E-1f));
  const D::V p23 = D::fma(D::set1(-1.6668057665E-1f), x, D::set1(2.0000714765E-1f));
  const D::V p45 = D::fma(D::set1(-1.2420140846E-1f), x, D::set1(1.4249322787E-1f));
  const D::V p67 = D::fma(D::set1(-1.1514610310E-1f), x, D::set1(1.1676998740E-1f));
  const D::V p03 = D::fma(p23, z, p01);
  const D::V p47 = D::fma(p67, z, p45);
  const D::V p07 = D::fma(p47, z2, p03);
  D::V y = D::fma(D::set1(7.0376836292E-2f), z4, p07);
  y = D::mul(D::mul(y, x), z);
  y = D::fma(e, D::set1(-2.12194440e-4f), y);
  y = D::fnma(D::set1(0.5f), z, y);
  return D::fma(e, D::set1(0.693359375f), D::add(x, y));
}
static inline F64::V log_core_estrin(F64::V m, F64::V e) { return log_core(F64(), m, e); }

// log x for x positive, normal and finite (a clamped probability, or 1 + e with e in [0, 1]); other
// inputs give a finite meaningless value, so callers make NaN propagate through another factor.
// Float on ISAs with a 16-entry register lookup (AVX-512): table-driven, as glibc's logf but in
// float arithmetic. The bits of x minus those of kLogOff (~0.699) give k (the exponent) and, from
// the top 4 mantissa bits, an index j; z = x / 2^k lies in [0.699, 1.398), and with c_j a point of
// j's sixteenth of that interval, log x = k ln2 + log c_j + log1p(r), r = z / c_j - 1, |r| < 0.03.
// 1/c_j and log c_j (split in two floats) come from three vpermps; log1p(r) is its Taylor series
// to r^5 (truncation < 2^-33 relative). The interval holding 1 has c_j = 1 exactly, so results near
// x = 1 keep their relative accuracy. About 5 fewer vector operations than the polynomial path;
// measured error in ulp_test.cc (vlog_pos). Elsewhere: musl's reduction: offsetting the bits by
// those of sqrt(1/2) puts the mantissa straight into [sqrt(1/2), sqrt(2)) and the exponent into the
// top bits, so the range fix-ups and special-value selects of vlog drop out.
alignas(64) static const float kLogInvC16[16] = {
    1.398907065e+00f, 1.340314150e+00f, 1.286432147e+00f, 1.236714959e+00f, 1.190697670e+00f, 1.147982121e+00f,
    1.108225107e+00f, 1.071129680e+00f, 1.036437273e+00f, 1.000000000e+00f, 9.481481314e-01f, 8.951048851e-01f,
    8.476821184e-01f, 8.050314188e-01f, 7.664670944e-01f, 7.314285636e-01f};
alignas(64) static const float kLogCHi16[16] = {
    -3.356912732e-01f, -2.929040194e-01f, -2.518725991e-01f, -2.124586403e-01f, -1.745394170e-01f, -1.380057186e-01f,
    -1.027597338e-01f, -6.871386617e-02f, -3.578913212e-02f, 0.000000000e+00f, 5.324453115e-02f, 1.108143777e-01f,
    1.652495712e-01f, 2.168739736e-01f, 2.659635246e-01f, 3.127557337e-01f};
alignas(64) static const float kLogCLo16[16] = {
    9.048307881e-09f, -7.321706796e-09f, -9.919951971e-09f, 2.626974416e-09f, 4.401817577e-09f, -4.722032543e-09f,
    7.696733251e-10f, -7.624596510e-10f, -8.790693728e-10f, 0.000000000e+00f, 1.059308752e-09f, -1.493586366e-10f,
    2.622444262e-09f, -8.484667413e-10f, -1.333576627e-08f, -1.301430252e-08f};
// 1/c_j = 1 / (midpoint of j's interval) rounded to float, except 1 for the interval holding 1;
// log c_j = -log(1/c_j) to 50 digits, split into a float and the float nearest the remainder.
// tools/gen-log-table.py prints them.

template <class D>
LOSSKIT_INLINE static typename D::V vlog_pos(typename D::V x) {
  using I = typename D::I;
  using T = typename D::T;
  using V = typename D::V;
  if constexpr (sizeof(T) == 4 && D::kLutBits == 4) {
    constexpr int32_t kLogOff = 0x3f330000;  // bits of 0.69921875
    // u = bits - kLogOff + 2^30: positive for every positive float, so logical shifts suffice.
    const I u = D::iadd(D::bits(x), D::iset1(0x40000000 - kLogOff));
    const I j = D::template ishr<D::kMantBits - 4>(u);  // the lookup reads its low 4 bits
    const V k = D::sub(D::small_to_float(D::template ishr<D::kMantBits>(u)), D::set1(128.0f));
    const V z = D::from_bits(D::iadd(D::iand(u, D::iset1((1 << D::kMantBits) - 1)), D::iset1(kLogOff)));
    const V r = D::fma(z, D::lut(j, kLogInvC16), D::set1(-1.0f));
    // Summed smallest first, k ln2_hi (exact) last: log c_j + log1p(r) is at most 0.34 in
    // magnitude, so its rounding is small next to the result's when k != 0. (Adding k ln2_hi to
    // log c_j first cost up to 1 ULP more where the result sits just below a power of two.)
    const V lo = D::fma(k, D::set1(-2.12194440e-4f), D::lut(j, kLogCLo16));
    V q = D::fma(r, D::set1(0.2f), D::set1(-0.25f));
    q = D::fma(q, r, D::set1(0.333333343f));
    q = D::fma(q, r, D::set1(-0.5f));
    const V inner = D::add(D::lut(j, kLogCHi16), D::add(r, D::fma(D::mul(r, r), q, lo)));
    return D::fma(k, D::set1(0.693359375f), inner);  // k ln2_hi is exact: one rounding
  } else {
    const I sqrt_half = D::bits(D::set1(static_cast<T>(MathConst<D>::kSqrtHalf)));
    const I one = D::iset1(static_cast<int64_t>(D::kBias) << D::kMantBits);
    const I ix = D::iadd(D::bits(x), D::isub(one, sqrt_half));
    const V e = D::sub(D::small_to_float(D::template ishr<D::kMantBits>(ix)), D::set1(static_cast<T>(D::kBias)));
    const I mant = D::iset1((static_cast<int64_t>(1) << D::kMantBits) - 1);
    return log_core_estrin(D::from_bits(D::iadd(D::iand(ix, mant), sqrt_half)), e);
  }
}

// b^n for a compile-time n >= 0 (repeated squaring; b^0 = 1 as pow).
template <class D, int Nexp>
static inline typename D::V ipow(typename D::V b) {
  if constexpr (Nexp == 0) return D::set1(typename D::T(1));
  else if constexpr (Nexp == 1) return b;
  else if constexpr (Nexp % 2 == 0) {
    const typename D::V h = ipow<D, Nexp / 2>(b);
    return D::mul(h, h);
  } else {
    return D::mul(ipow<D, Nexp - 1>(b), b);
  }
}

// b^n for a small run-time n >= 0.
template <class D>
static inline typename D::V ipow_rt(typename D::V b, unsigned n) {
  typename D::V r = D::set1(typename D::T(1));
  while (n) {
    if (n & 1) r = D::mul(r, b);
    n >>= 1;
    if (n) b = D::mul(b, b);
  }
  return r;
}

// The pieces of a logit shared by every loss here, from e = exp(-|x|) and u = 1 + e:
// sigmoid(x), sigmoid(-x) (each accurate in its own tail) and log1p(e) = log(1 + exp(-|x|)).
template <class D>
struct Logit {
  typename D::V s_pos, s_neg, tail, relu, relu_neg;
};

template <class D>
static inline Logit<D> logit_parts(typename D::V x) {
  using V = typename D::V;
  const V one = D::set1(typename D::T(1));
  const V neg = D::sub(D::zero(), x);
  const V e = vexp_le0<D>(D::sub(D::zero(), D::max(x, neg)));  // NaN in, NaN out
  const V u = D::add(one, e);
  const V r = D::div(one, u);
  const V er = D::mul(e, r);
  const auto nonneg = D::le(D::zero(), x);
  Logit<D> o;
  o.s_pos = D::select(nonneg, r, er);
  o.s_neg = D::select(nonneg, er, r);
  // log1p(e) = log(u) + (e - (u - 1)) / u: u rounds 1 + e, the second term restores what it lost.
  o.tail = D::fma(D::sub(e, D::sub(u, one)), r, vlog_pos<D>(u));
  o.relu = D::max(x, D::zero());
  o.relu_neg = D::max(neg, D::zero());
  return o;
}

// ---- binaryCrossEntropy ----

// One vector of BCE: x, t (targets), pw (pos_weight) in T.
template <class D, bool kProbs>
static inline typename D::V bce_vec(typename D::V x, typename D::V t, typename D::V pw) {
  using V = typename D::V;
  using T = typename D::T;
  const V one = D::set1(T(1));
  if constexpr (kProbs) {
    const V floor = D::set1(T(-100));
    const V lp = D::max(floor, vlog<D>(x));  // torch clamps each log at -100; NaN survives
    const V lq = D::max(floor, vlog<D>(D::sub(one, x)));
    return D::sub(D::zero(), D::fma(t, lp, D::mul(D::sub(one, t), lq)));
  } else {
    const Logit<D> g = logit_parts<D>(x);
    // (1 - t) max(x, 0) + pw t max(-x, 0) + (1 + (pw - 1) t) log1p(exp(-|x|)): see dense_ref.h.
    const V lw = D::fma(D::sub(pw, one), t, one);
    V l = D::fma(D::sub(one, t), g.relu, D::fma(D::mul(pw, t), g.relu_neg, D::mul(lw, g.tail)));
    const V ninf = D::set1(-std::numeric_limits<T>::infinity());
    return D::select(D::eq(x, ninf), D::set1(std::numeric_limits<T>::quiet_NaN()), l);
  }
}

// sigmoid focal loss of one vector; G: 0, 1, 2 for those gammas, -1 for any other.
template <class D, int G>
static inline typename D::V sigmoid_focal_vec(typename D::V x, typename D::V t, typename D::T alpha, typename D::T gamma) {
  using V = typename D::V;
  using T = typename D::T;
  const V one = D::set1(T(1));
  const Logit<D> g = logit_parts<D>(x);
  const V omt = D::sub(one, t);
  V ce = D::fma(omt, g.relu, D::fma(t, g.relu_neg, g.tail));
  ce = D::select(D::eq(x, D::set1(-std::numeric_limits<T>::infinity())), D::set1(std::numeric_limits<T>::quiet_NaN()), ce);
  const V m = D::fma(t, g.s_neg, D::mul(omt, g.s_pos));  // 1 - p_t, in [0, 1]
  V mod;
  if constexpr (G == 0) mod = one;
  else if constexpr (G == 1) mod = m;
  else if constexpr (G == 2) mod = D::mul(m, m);
  else {
    // m = 0 -> exp(-Inf) = 0. A target outside [0, 1] can make m negative: pow (the reference, and
    // torch) gives |m|^gamma with m's sign for an odd integer gamma, |m|^gamma for an even one, and
    // NaN for a non-integer one (vlog of a negative m).
    const bool integral = gamma == std::floor(gamma);
    mod = vexp<D>(D::mul(D::set1(gamma), vlog<D>(integral ? vabs<D>(m) : m)));
    if (integral && std::fmod(gamma, T(2)) == 1) mod = D::select(D::lt(m, D::zero()), D::sub(D::zero(), mod), mod);
  }
  V l = D::mul(mod, ce);
  if (alpha >= 0) l = D::mul(l, D::fma(D::set1(alpha), t, D::mul(D::set1(T(1) - alpha), omt)));
  return l;
}

// kKind: 0 BCE logits, 1 BCE probabilities, 3 + G sigmoid focal with gamma kind G (-1, 0, 1, 2).
template <class T, int kKind>
static LossSums simd_binary(const BinaryArgs<T>& a) noexcept {
  using D = typename TraitsOf<T>::D;
  using V = typename D::V;
  constexpr size_t N = D::N;
  alignas(64) T tbuf[kDenseChunk], wbuf[kDenseChunk], pwbuf[kDenseChunk];
  typename D::Wide acc = D::wide_zero();  // widened every vector: see kDenseNote
  const V scale = D::set1(static_cast<T>(a.out_scale));
  // A negative alpha disables the balancing even when float32 rounds it to -0 (e.g. -1e-300).
  const T alpha = a.alpha >= 0 ? static_cast<T>(a.alpha) : T(-1), gamma = static_cast<T>(a.gamma);
  const V one = D::set1(T(1));
  auto term = [&](V x, V t, V pw) -> V {
    if constexpr (kKind == 0) return bce_vec<D, false>(x, t, pw);
    else if constexpr (kKind == 1) return bce_vec<D, true>(x, t, pw);
    else return sigmoid_focal_vec<D, kKind - 3>(x, t, alpha, gamma);
  };
  for (size_t c0 = 0; c0 < a.n; c0 += kDenseChunk) {
    const size_t len = a.n - c0 < kDenseChunk ? a.n - c0 : kDenseChunk;
    const T* x = a.x + c0;
    const T* t = view_as<T>(a.targets, c0, len, tbuf);
    const T* w = a.weight.data ? view_as<T>(a.weight, c0, len, wbuf) : nullptr;
    const T* pw = nullptr;
    if (kKind == 0 && a.pos_weight.data) {
      if (a.c == 1) {
        pwbuf[0] = static_cast<T>(dense_at(a.pos_weight, 0));
        for (size_t i = 1; i < len; ++i) pwbuf[i] = pwbuf[0];
      } else {
        for (size_t i = 0; i < len; ++i) pwbuf[i] = static_cast<T>(dense_at(a.pos_weight, (c0 + i) % a.c));
      }
      pw = pwbuf;
    }
    size_t i = 0;
    for (; i + N <= len; i += N) {
      V l = term(D::load(x + i), D::load(t + i), pw ? D::load(pw + i) : one);
      if (w) l = D::mul(l, D::load(w + i));
      D::wide_add(acc, l);
      if (a.out) D::store(a.out + c0 + i, D::mul(l, scale));
    }
    if (i < len) {
      const size_t r = len - i;
      V l = term(D::load_partial(x + i, r, T(0.5)), D::load_partial(t + i, r, T(0)),
                 pw ? D::load_partial(pw + i, r, T(1)) : one);
      if (w) l = D::mul(l, D::load_partial(w + i, r, T(0)));
      l = D::mul(l, lane_mask<D>(r));
      D::wide_add(acc, l);
      if (a.out) D::store_partial(a.out + c0 + i, D::mul(l, scale), r);
    }
  }
  LossSums s;
  s.loss = D::wide_sum(acc);
  s.count = static_cast<int64_t>(a.n);
  s.weight = static_cast<double>(a.n);
  return s;
}

template <class T>
static LossSums simd_bce(const BinaryArgs<T>& a) noexcept {
  FlushDenormals ftz;
  return a.probabilities ? simd_binary<T, 1>(a) : simd_binary<T, 0>(a);
}

template <class T>
static LossSums simd_sigmoid_focal(const BinaryArgs<T>& a) noexcept {
  FlushDenormals ftz;
  if (a.gamma == 0) return simd_binary<T, 3>(a);
  if (a.gamma == 1) return simd_binary<T, 4>(a);
  if (a.gamma == 2) return simd_binary<T, 5>(a);
  return simd_binary<T, 2>(a);
}

// ---- softmaxFocalLoss: row log-sum-exp as crossEntropy, then the focal factor per sample ----

template <class T>
static LossSums simd_softmax_focal(const SoftmaxFocalArgs<T>& a) noexcept {
  using D = typename TraitsOf<T>::D;
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  LossSums r;
  for (size_t i = 0; i < a.n; ++i) {
    const int64_t y = label_at(a.labels, i);
    if (y == a.ignore_index) {
      if (a.out) a.out[i] = 0;
      continue;
    }
    if (y < 0 || y >= static_cast<int64_t>(a.k)) {
      r.bad_index = static_cast<int64_t>(i);
      r.bad_value = y;
      return r;
    }
    const T* row = a.x + i * a.k;
    double lp = kNaN;
    if (a.inputs == Inputs::kLogits) {
      const T m = vmax_span<D>(row, a.k);
      if (finite(m)) {
        double se = 0;
        vsumexp_span<D, false, false, false>(row, a.k, T(1), m, nullptr, &se, nullptr);
        lp = (static_cast<double>(row[y]) - m) - std::log(se);  // NaN in the row makes se NaN
      }
    } else if (a.inputs == Inputs::kProbabilities) {
      const double p = row[y], e = a.clip_eps;
      lp = std::log(p != p ? p : (p < e ? e : (p > 1 - e ? 1 - e : p)));
    } else {
      lp = row[y];
    }
    const double l = softmax_focal_term(lp, a.alpha ? a.alpha[y] : a.alpha_scalar, a.gamma);
    r.loss += l;
    r.weight += 1;
    r.count += 1;
    if (a.out) a.out[i] = static_cast<T>(l);
  }
  return r;
}

// ---- heatmapFocalLoss: the hot loop ----
//
// One pass over pred and gt. Per vector: the positive mask gt == 1; ONE log, of p for positives and
// of 1 - p for the rest (a pixel needs only one of them); the weights (1 - p)^alpha or
// (1 - gt)^beta p^alpha; float lane sums widened to float64 every kHeatBlock vectors. The positive
// sums run only in vectors that hold a positive (rare: one per object). gt outside [0, 1] is caught
// per block from the lane minimum and maximum (NaN never enters them: it is the first operand).
// A, B: the integer powers alpha, beta when known at compile time (the (2, 4) default); -1: small
// integers known at run time; -2: any real powers, through exp(beta log1p(-gt)) and exp(alpha log p).

constexpr size_t kHeatBlock = 8;
#ifndef HEATPF
#define HEATPF 4096
#endif
constexpr size_t kHeatPrefetch = HEATPF;  // bytes ahead on each stream

template <class D>
struct HeatAcc {
  typename D::Wide loss = D::wide_zero(), pos_loss = D::wide_zero();
  double pos = 0;
};

template <class D, bool kLogits, int A, int B>
static inline typename D::V heat_vec(typename D::V x, typename D::V g, typename D::M pm, typename D::T alpha,
                                     typename D::T beta) {
  using V = typename D::V;
  using T = typename D::T;
  const V one = D::set1(T(1));
  V p, q, lsel, lp, lq;
  if constexpr (kLogits) {
    const Logit<D> s = logit_parts<D>(x);
    p = s.s_pos;
    q = s.s_neg;
    lp = D::sub(D::zero(), D::add(s.relu_neg, s.tail));  // log p = -softplus(-x)
    lq = D::sub(D::zero(), D::add(s.relu, s.tail));      // log(1 - p) = -softplus(x)
    lsel = D::select(pm, lp, lq);
  } else {
    const V lo = D::set1(static_cast<T>(kHeatClip)), hi = D::set1(static_cast<T>(1 - kHeatClip));
    p = D::min(hi, D::max(lo, x));  // NaN survives both (second operand)
    q = D::min(hi, D::max(lo, D::sub(one, x)));
    if constexpr (A == -2) {
      lp = vlog_pos<D>(p);
      lq = vlog_pos<D>(q);
      lsel = D::select(pm, lp, lq);
    } else {
      lsel = vlog_pos<D>(D::select(pm, p, q));
    }
  }
  const V om = D::sub(one, g);
  V posw, negw;
  if constexpr (A >= 0 && B >= 0) {
    if constexpr (A == 2 && B == 4) {
      const V t = D::mul(D::mul(om, om), p);  // (1 - gt)^4 p^2 = ((1 - gt)^2 p)^2
      negw = D::mul(t, t);
      posw = D::mul(q, q);
    } else {
      negw = D::mul(ipow<D, B>(om), ipow<D, A>(p));
      posw = ipow<D, A>(q);
    }
  } else if constexpr (A == -1) {
    const unsigned ia = static_cast<unsigned>(alpha), ib = static_cast<unsigned>(beta);
    negw = D::mul(ipow_rt<D>(om, ib), ipow_rt<D>(p, ia));
    posw = ipow_rt<D>(q, ia);
  } else {
    // alpha = 0: p^0 = 1 also where a logit of -+Inf makes log p = -Inf (0 * -Inf would be NaN).
    const V pa = alpha == 0 ? one : vexp<D>(D::mul(D::set1(alpha), lp));
    negw = D::mul(vexp<D>(D::mul(D::set1(beta), vlog1p<D>(D::sub(D::zero(), g)))), pa);
    posw = alpha == 0 ? one : vexp<D>(D::mul(D::set1(alpha), lq));
  }
  V w = D::select(pm, posw, negw);
  if constexpr (!(A >= 0 && B >= 0 && A > 0 && B > 0)) {
    // A zero power would hide a NaN pred or gt (and vlog_pos does not propagate NaN): p - p and
    // om - om are 0 for finite values, NaN for NaN.
    w = D::add(w, D::add(D::sub(p, p), D::sub(om, om)));
  }
  return D::mul(w, lsel);  // <= 0: the negated loss
}

// Sums over pred / gt [0, n) in T. Returns the index of the first gt outside [0, 1], or -1.
template <class D, bool kLogits, int A, int B, bool kOut>
static int64_t heat_span(const typename D::T* x, const typename D::T* g, size_t n, typename D::T alpha,
                         typename D::T beta, typename D::T* out, HeatAcc<D>& acc) {
  using V = typename D::V;
  using T = typename D::T;
  constexpr size_t N = D::N;
  const V one = D::set1(T(1)), zero = D::zero();
  const V pinf = D::set1(std::numeric_limits<T>::infinity());
  const size_t full = n - n % N;
  size_t i = 0;
  // One vector: accumulate, and the positive sums only when it holds a positive.
  auto step = [&](V xv, V gv, V& l_acc, V& p_acc, V& c_acc, V& gmin, V& gmax, bool& any_pos, V mask, bool partial) {
    gmin = D::min(gv, gmin);
    gmax = D::max(gv, gmax);
    const auto pm = D::eq(gv, one);
    V l = heat_vec<D, kLogits, A, B>(xv, gv, pm, alpha, beta);
    if (partial) l = D::mul(l, mask);
    l_acc = D::add(l_acc, l);
    if (D::any(pm)) {
      any_pos = true;
      p_acc = D::add(p_acc, D::select(pm, l, zero));
      c_acc = D::add(c_acc, D::select(pm, one, zero));
    }
    return l;
  };
  auto flush = [&](size_t start, size_t end, V l_acc, V p_acc, V c_acc, V gmin, V gmax, bool any_pos) -> int64_t {
    if (D::any(D::lt(gmin, zero)) || D::any(D::lt(one, gmax))) {
      for (size_t j = start; j < end; ++j)
        if (g[j] < 0 || g[j] > 1) return static_cast<int64_t>(j);
    }
    D::wide_add(acc.loss, l_acc);
    if (any_pos) {
      D::wide_add(acc.pos_loss, p_acc);
      typename D::Wide c = D::wide_zero();
      D::wide_add(c, c_acc);
      acc.pos += D::wide_sum(c);
    }
    return -1;
  };
  while (i < full) {
    const size_t start = i, end = full - i < kHeatBlock * N ? full : i + kHeatBlock * N;
    V l_acc = zero, p_acc = zero, c_acc = zero, gmin = pinf, gmax = D::sub(zero, pinf);
    bool any_pos = false;
    for (; i < end; i += N) {
      LOSSKIT_PREFETCH(x + i + kHeatPrefetch / sizeof(T));
      LOSSKIT_PREFETCH(g + i + kHeatPrefetch / sizeof(T));
      const V l = step(D::load(x + i), D::load(g + i), l_acc, p_acc, c_acc, gmin, gmax, any_pos, one, false);
      if constexpr (kOut) D::store(out + i, D::sub(zero, l));
    }
    const int64_t bad = flush(start, end, l_acc, p_acc, c_acc, gmin, gmax, any_pos);
    if (bad >= 0) return bad;
  }
  if (i < n) {
    const size_t r = n - i;
    V l_acc = zero, p_acc = zero, c_acc = zero, gmin = pinf, gmax = D::sub(zero, pinf);
    bool any_pos = false;
    // Padding lanes: pred 0.5, gt 0 (in range, not positive), their loss masked to 0.
    const V l = step(D::load_partial(x + i, r, T(0.5)), D::load_partial(g + i, r, T(0)), l_acc, p_acc, c_acc, gmin, gmax,
                     any_pos, lane_mask<D>(r), true);
    if constexpr (kOut) D::store_partial(out + i, D::sub(zero, l), r);
    const int64_t bad = flush(i, n, l_acc, p_acc, c_acc, gmin, gmax, any_pos);
    if (bad >= 0) return bad;
  }
  return -1;
}

// gt given as float64 for a float32 pred: rounded to float32 except that values which are not
// exactly 1 never round to it (so the positive set is gt's own) and values above 1 stay above it.
static inline float gt_to_f32(double v) {
  float f = static_cast<float>(v);
  if (f == 1.0f && v != 1.0) f = v < 1 ? 0.99999994f : 1.00000012f;
  if (v < 0 && !(f < 0)) f = -std::numeric_limits<float>::denorm_min();  // stays out of range
  return f;
}

template <class T, bool kLogits, int A, int B>
static HeatmapSums simd_heatmap_t(const HeatmapArgs<T>& a) noexcept {
  using D = typename TraitsOf<T>::D;
  HeatAcc<D> acc;
  const T alpha = static_cast<T>(a.alpha), beta = static_cast<T>(a.beta);
  HeatmapSums s;
  auto fail = [&](size_t idx) {
    s.bad_index = static_cast<int64_t>(idx);
    s.bad_value = dense_at(a.gt, idx);
    return s;
  };
  if (a.gt.f64 == (sizeof(T) == sizeof(double))) {
    const int64_t bad = a.out ? heat_span<D, kLogits, A, B, true>(a.pred, static_cast<const T*>(a.gt.data), a.n, alpha, beta, a.out, acc)
                              : heat_span<D, kLogits, A, B, false>(a.pred, static_cast<const T*>(a.gt.data), a.n, alpha, beta, nullptr, acc);
    if (bad >= 0) return fail(static_cast<size_t>(bad));
  } else {
    alignas(64) T gbuf[kDenseChunk];
    for (size_t c0 = 0; c0 < a.n; c0 += kDenseChunk) {
      const size_t len = a.n - c0 < kDenseChunk ? a.n - c0 : kDenseChunk;
      if (a.gt.f64) {
        const double* src = static_cast<const double*>(a.gt.data) + c0;
        for (size_t j = 0; j < len; ++j) gbuf[j] = static_cast<T>(gt_to_f32(src[j]));
      } else {
        const float* src = static_cast<const float*>(a.gt.data) + c0;
        for (size_t j = 0; j < len; ++j) gbuf[j] = static_cast<T>(src[j]);
      }
      const int64_t bad = a.out ? heat_span<D, kLogits, A, B, true>(a.pred + c0, gbuf, len, alpha, beta, a.out + c0, acc)
                                : heat_span<D, kLogits, A, B, false>(a.pred + c0, gbuf, len, alpha, beta, nullptr, acc);
      if (bad >= 0) return fail(c0 + static_cast<size_t>(bad));
    }
  }
  s.loss = -D::wide_sum(acc.loss);
  s.pos_loss = -D::wide_sum(acc.pos_loss);
  s.pos = static_cast<int64_t>(acc.pos);
  return s;
}

static inline bool small_int(double v) { return v >= 0 && v <= 64 && v == std::floor(v); }

template <class T, bool kLogits>
static HeatmapSums simd_heatmap_k(const HeatmapArgs<T>& a) noexcept {
  if (a.alpha == 2 && a.beta == 4) return simd_heatmap_t<T, kLogits, 2, 4>(a);
  if (small_int(a.alpha) && small_int(a.beta)) return simd_heatmap_t<T, kLogits, -1, -1>(a);
  return simd_heatmap_t<T, kLogits, -2, -2>(a);
}

template <class T>
static HeatmapSums simd_heatmap(const HeatmapArgs<T>& a) noexcept {
  FlushDenormals ftz;
  return a.logits ? simd_heatmap_k<T, true>(a) : simd_heatmap_k<T, false>(a);
}

// ---- mseLoss ----

template <class T>
static LossSums simd_mse(const MseArgs<T>& a) noexcept {
  using D = typename TraitsOf<T>::D;
  using V = typename D::V;
  constexpr size_t N = D::N;
  alignas(64) T tbuf[kDenseChunk], wbuf[kDenseChunk];
  typename D::Wide acc = D::wide_zero();  // widened every vector: see kDenseNote
  const bool per_elem = a.weight.data && a.weight_len == a.n;
  const size_t block = a.weight.data && !per_elem ? a.n / a.weight_len : 0;
  // Runs of elements sharing one weight (a whole weight block, or a chunk): [s, e).
  auto run = [&](size_t s, size_t e, V wconst) {
    for (size_t c0 = s; c0 < e; c0 += kDenseChunk) {
      const size_t len = e - c0 < kDenseChunk ? e - c0 : kDenseChunk;
      const T* p = a.pred + c0;
      const T* t = view_as<T>(a.target, c0, len, tbuf);
      const T* w = per_elem ? view_as<T>(a.weight, c0, len, wbuf) : nullptr;
      size_t i = 0;
      for (; i + N <= len; i += N) {
        const V d = D::sub(D::load(p + i), D::load(t + i));
        const V l = D::mul(D::mul(d, d), w ? D::load(w + i) : wconst);
        D::wide_add(acc, l);
        if (a.out) D::store(a.out + c0 + i, l);
      }
      if (i < len) {
        const size_t r = len - i;
        const V d = D::sub(D::load_partial(p + i, r, T(0)), D::load_partial(t + i, r, T(0)));
        const V l = D::mul(D::mul(d, d), w ? D::load_partial(w + i, r, T(0)) : wconst);
        D::wide_add(acc, l);
        if (a.out) D::store_partial(a.out + c0 + i, l, r);
      }
    }
  };
  if (block) {
    for (size_t j = 0; j < a.weight_len; ++j)
      run(j * block, (j + 1) * block, D::set1(static_cast<T>(dense_at(a.weight, j))));
  } else {
    run(0, a.n, D::set1(T(1)));
  }
  LossSums s;
  s.loss = D::wide_sum(acc);
  s.count = static_cast<int64_t>(a.n);
  s.weight = static_cast<double>(a.n);
  return s;
}

template <class T>
static void fill_dense(DenseOps<T>& o) {
  o.bce = simd_bce<T>;
  o.sigmoid_focal = simd_sigmoid_focal<T>;
  o.softmax_focal = simd_softmax_focal<T>;
  o.heatmap_focal = simd_heatmap<T>;
  o.mse = simd_mse<T>;
}
