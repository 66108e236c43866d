// SIMD classification kernels, written once against the vector traits F32 / F64 and included
// inside each ISA's namespace (sse2.cc, avx2.cc, avx512.cc, neon.cc) after simd_math.h.
//
// Log-sum-exp follows ATen's order: max first, then sum(exp(x - max)), then max + log(sum); rows
// whose max is +-Inf or NaN are settled without the exp pass. Sums of exp() are carried in float64:
// float lanes accumulate a handful of values, then are widened into double accumulators.

template <class T>
struct TraitsOf;
template <>
struct TraitsOf<float> {
  using D = F32;
};
template <>
struct TraitsOf<double> {
  using D = F64;
};

template <class T>
static inline const ClassificationOps<T>& scalar_cls();
template <>
inline const ClassificationOps<float>& scalar_cls<float>() {
  return scalar_kernels().cls_f32;
}
template <>
inline const ClassificationOps<double>& scalar_cls<double>() {
  return scalar_kernels().cls_f64;
}

static inline bool finite(double v) { return v - v == 0; }

// max over x[0, len); NaN may or may not win (the exp pass turns any NaN into a NaN sum).
template <class D>
static inline typename D::T vmax_span(const typename D::T* x, size_t len) {
  using V = typename D::V;
  constexpr size_t N = D::N;
  const V ninf = D::set1(-std::numeric_limits<typename D::T>::infinity());
  V m0 = ninf, m1 = ninf, m2 = ninf, m3 = ninf;
  size_t i = 0;
  for (; i + 4 * N <= len; i += 4 * N) {
    m0 = D::max(m0, D::load(x + i));
    m1 = D::max(m1, D::load(x + i + N));
    m2 = D::max(m2, D::load(x + i + 2 * N));
    m3 = D::max(m3, D::load(x + i + 3 * N));
  }
  for (; i + N <= len; i += N) m0 = D::max(m0, D::load(x + i));
  if (i < len) m1 = D::max(m1, D::load_partial(x + i, len - i, -std::numeric_limits<typename D::T>::infinity()));
  return D::hmax(D::max(D::max(m0, m1), D::max(m2, m3)));
}

template <class T>
static inline bool has_nan(const T* x, size_t len) {
  for (size_t i = 0; i < len; ++i)
    if (x[i] != x[i]) return true;
  return false;
}

// sum(exp(x * scale - m)) over x[0, len) in float64, m finite. With kSmooth, also
// sum(w * (x - m)) (the label-smoothing term; w per element when kWeighted, else 1). Scaling and
// smoothing are never asked together. With kNext, the max of the next row (same length) is taken
// in the same loop: its loads overlap this row's exp arithmetic, and leave it in L1 for its own
// exp pass, so a batch that is not in cache is read from memory once.
template <class D, bool kScale, bool kSmooth, bool kWeighted, bool kNext = false>
LOSSKIT_INLINE static void vsumexp_span(const typename D::T* x, size_t len, typename D::T scale, typename D::T m,
                                const typename D::T* w, double* sum_exp, double* sum_shift,
                                const typename D::T* next = nullptr, typename D::T* next_max = nullptr) {
  static_assert(!(kScale && kSmooth), "scale and smoothing are exclusive");
  using V = typename D::V;
  using T = typename D::T;
  constexpr size_t N = D::N;
  const V vm = D::set1(m);
  const V vs = D::set1(scale);
  typename D::Wide acc = D::wide_zero(), acc2 = D::wide_zero();
  V a0 = D::zero(), a1 = D::zero();
  const V ninf = D::set1(-std::numeric_limits<T>::infinity());
  V nm0 = ninf, nm1 = ninf;
  size_t i = 0;
  int pending = 0;
  const size_t pf = len > kPrefetchMin / sizeof(T) ? len : kPrefetchMin / sizeof(T);
  for (; i + 2 * N <= len; i += 2 * N) {
    if (kNext) {
      nm0 = D::max(nm0, D::load(next + i));
      nm1 = D::max(nm1, D::load(next + i + N));
      LOSSKIT_PREFETCH(next + pf + i);
      if (2 * N * sizeof(T) > 64) LOSSKIT_PREFETCH(next + pf + i + 64 / sizeof(T));
    }
    V z0 = kScale ? D::sub(D::mul(D::load(x + i), vs), vm) : D::sub(D::load(x + i), vm);
    V z1 = kScale ? D::sub(D::mul(D::load(x + i + N), vs), vm) : D::sub(D::load(x + i + N), vm);
    a0 = D::add(a0, vexp_le0_sum<D>(z0));
    a1 = D::add(a1, vexp_le0_sum<D>(z1));
    if (kSmooth) {
      // Widened at once: (x - m) reaches -FLT_MAX/2 for huge logits, and two of them overflow a
      // float lane (exp values are <= 1, so their float partial sums below stay short instead).
      D::wide_add(acc2, kWeighted ? D::mul(D::load(w + i), z0) : z0);
      D::wide_add(acc2, kWeighted ? D::mul(D::load(w + i + N), z1) : z1);
    }
    // Widen into float64 every 8 values per lane, so float32 partial sums stay short.
    if (++pending == 4) {
      D::wide_add(acc, D::add(a0, a1));
      a0 = a1 = D::zero();
      pending = 0;
    }
  }
  for (; i < len; i += N) {
    const size_t r = len - i < N ? len - i : N;
    // Padding lanes: -Inf for the exp sum (exp gives 0); m for the smooth sum (x - m gives 0).
    V v = r == N ? D::load(x + i) : D::load_partial(x + i, r, -std::numeric_limits<T>::infinity());
    if (kNext) nm0 = D::max(nm0, r == N ? D::load(next + i) : D::load_partial(next + i, r, -std::numeric_limits<T>::infinity()));
    a0 = D::add(a0, vexp_le0_sum<D>(kScale ? D::sub(D::mul(v, vs), vm) : D::sub(v, vm)));
    if (kSmooth) {
      V z = D::sub(r == N ? v : D::load_partial(x + i, r, m), vm);
      D::wide_add(acc2, kWeighted ? D::mul(r == N ? D::load(w + i) : D::load_partial(w + i, r, 0), z) : z);
    }
  }
  D::wide_add(acc, D::add(a0, a1));
  *sum_exp = D::wide_sum(acc);
  if (kNext) *next_max = D::hmax(D::max(nm0, nm1));
  if (kSmooth) *sum_shift = D::wide_sum(acc2);
}

// log-sum-exp of a long span in one pass over memory: chunk max, rescale the running sum when
// the max grows, then the chunk's exp sum while it is still in L1.
// A float64 sum of vectors: adds go to a float lane accumulator that is widened every 8 adds.
template <class D>
struct WideAcc {
  typename D::Wide w = D::wide_zero();
  typename D::V v = D::zero();
  int pending = 0;
  inline void add(typename D::V x) {
    v = D::add(v, x);
    if (++pending == 8) flush();
  }
  inline void flush() {
    D::wide_add(w, v);
    v = D::zero();
    pending = 0;
  }
  inline double sum() {
    flush();
    return D::wide_sum(w);
  }
};

template <class T>
static inline const T* ones_lanes() {
  alignas(64) static const T kOnes[16] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
  return kOnes;
}

// log-sum-exp = m + log(s), kept apart so callers can form x - m first (no cancellation for huge
// logits). Special spans give s = 1 and m = NaN (any NaN), +Inf (any +Inf) or -Inf (all -Inf).
struct LseParts {
  double m, s;
};

template <class D>
static LseParts lse_span_parts(const typename D::T* x, size_t len) {
  using T = typename D::T;
  // 8 KiB chunks: this chunk, the next (its max) and the prefetched one after it stay well inside
  // L1 (48 KiB here). 4096 elements (32 KiB of float64) thrashed it: float64 256x32000 ran at
  // 3.1 G/s, 3.5-3.6 with 8 KiB; float32 6.9 -> 7.7 (kernels_bench, interleaved builds).
  constexpr size_t kChunk = 8192 / sizeof(T);
  double M = -std::numeric_limits<double>::infinity(), S = 0;
  bool nan = false, pinf = false;
  // Chunk c + 1's max is taken during chunk c's exp pass (as rows are pipelined in lse_rows), so the
  // span is read from memory once and the reads overlap the arithmetic.
  bool have = false;
  T cm = 0;
  for (size_t i = 0; i < len; i += kChunk) {
    const size_t l = len - i < kChunk ? len - i : kChunk;
    const T* c = x + i;
    if (!have) cm = vmax_span<D>(c, l);
    have = false;
    if (!finite(cm)) {
      if (cm != cm || has_nan(c, l)) nan = true;
      else if (cm > 0) pinf = true;
      continue;
    }
    if (cm > M) {
      S *= std::exp(M - cm);
      M = cm;
    }
    double se = 0;
    if (len - i >= 2 * kChunk) {
      T next_max = 0;
      vsumexp_span<D, false, false, false, true>(c, l, T(1), static_cast<T>(M), nullptr, &se, nullptr, c + kChunk, &next_max);
      cm = next_max;
      have = true;
    } else {
      vsumexp_span<D, false, false, false>(c, l, T(1), static_cast<T>(M), nullptr, &se, nullptr);
    }
    S += se;
  }
  // NaN anywhere wins over +Inf anywhere (torch.logsumexp); a NaN in a finite chunk shows in S.
  if (nan || S != S) return {std::numeric_limits<double>::quiet_NaN(), 1};
  if (pinf) return {std::numeric_limits<double>::infinity(), 1};
  if (M == -std::numeric_limits<double>::infinity()) return {M, 1};
  return {M, S};
}

template <class D>
static double lse_span_online(const typename D::T* x, size_t len) {
  const LseParts p = lse_span_parts<D>(x, len);
  return finite(p.m) ? p.m + std::log(p.s) : p.m;
}

template <class D>
static double lse_span(const typename D::T* x, size_t len) {
  using T = typename D::T;
  if (len > 16384) return lse_span_online<D>(x, len);
  const T m = vmax_span<D>(x, len);
  if (!finite(m)) return (m != m || has_nan(x, len)) ? std::numeric_limits<double>::quiet_NaN() : m;
  double se = 0;
  vsumexp_span<D, false, false, false>(x, len, T(1), m, nullptr, &se, nullptr);
  return m + std::log(se);
}

// ---- Short rows: k <= 4 vectors (10 classes are one AVX-512 float vector, two AVX2 ones) ----
// A call on one short row is latency-bound: max, exp, sum and log form one dependent chain, and the
// general loops add to it (four max accumulators, the loop set-up, a second pass over the row). Here
// the row is loaded into NV registers once, the max is one reduction, and the NV exps run side by
// side. Rows do not depend on each other, so in a batch the out-of-order core overlaps them.
constexpr size_t kShortRowVectors = 4;

template <class D, int NV>
struct ShortRow {
  using T = typename D::T;
  using V = typename D::V;
  V v[NV];
  T m;  // the row's max; NaN may or may not win (a NaN lane makes sumexp() NaN)
  ShortRow() = default;
  ShortRow(const T* row, size_t k) {
    // NV = ceil(k / N): every vector holds at least one element; padding lanes are -Inf (exp 0).
    for (int j = 0; j < NV; ++j) {
      const size_t b = static_cast<size_t>(j) * D::N;
      v[j] = k - b >= D::N ? D::load(row + b) : D::load_partial(row + b, k - b, -std::numeric_limits<T>::infinity());
    }
    V mx = v[0];
    for (int j = 1; j < NV; ++j) mx = D::max(mx, v[j]);
    m = D::hmax(mx);
  }
  // sum(exp(x - m)) in float64, m finite. Each vector is widened before it is added: a float sum
  // of the max's 1 and a small term would round the small one to float precision, and a confident
  // right answer's loss is little more than that small term.
  double sumexp() const {
    const V vm = D::set1(m);
    typename D::Wide w = D::wide_zero();
    for (int j = 0; j < NV; ++j) D::wide_add(w, vexp_le0_sum<D>(D::sub(v[j], vm)));
    return D::wide_sum(w);
  }
};

// Vectors a short row of k takes, or 0 when k is not short.
template <class D>
static inline int short_row_vectors(size_t k) {
  return k > 0 && k <= kShortRowVectors * D::N ? static_cast<int>((k + D::N - 1) / D::N) : 0;
}

// The next row is loaded and its max taken before this row's exp: those instructions then sit in
// the out-of-order window early and overlap this row's chain (a large batch of short rows ran ~20 %
// slower without it than the general loops, which pipeline rows the same way).
template <class D, int NV>
static void lse_short_rows(const typename D::T* x, size_t n, size_t k, typename D::T* out) {
  using T = typename D::T;
  if (n == 0) return;  // the first row is loaded before the loop: none to load
  ShortRow<D, NV> next(x, k);
  for (size_t i = 0; i < n; ++i) {
    const T* row = x + i * k;
    const ShortRow<D, NV> r = next;
    if (i + 1 < n) next = ShortRow<D, NV>(row + k, k);
    if (!finite(r.m)) {
      out[i] = static_cast<T>((r.m != r.m || has_nan(row, k)) ? std::numeric_limits<double>::quiet_NaN() : static_cast<double>(r.m));
      continue;
    }
    out[i] = static_cast<T>(r.m + std::log(r.sumexp()));
  }
}

template <class T>
static void simd_lse_rows(const T* x, size_t n, size_t k, T* out) noexcept {
  using D = typename TraitsOf<T>::D;
  switch (short_row_vectors<D>(k)) {
    case 1: return lse_short_rows<D, 1>(x, n, k, out);
    case 2: return lse_short_rows<D, 2>(x, n, k, out);
    case 3: return lse_short_rows<D, 3>(x, n, k, out);
    case 4: return lse_short_rows<D, 4>(x, n, k, out);
    default: break;
  }
  if (k > 16384) {
    for (size_t i = 0; i < n; ++i) out[i] = static_cast<T>(lse_span<D>(x + i * k, k));
    return;
  }
  bool have = false;  // m holds this row's max, found during the previous row's exp pass
  T m = 0;
  // Logs are taken kLogBatch rows at a time with the vector vlog (as in cross-entropy).
  constexpr size_t kLogBatch = 32;
  alignas(64) double q_m[kLogBatch], q_se[kLogBatch];
  size_t q_idx[kLogBatch];
  size_t qn = 0;
  auto drain = [&] {
    using W = F64;
    size_t j = 0;
    for (; j + W::N <= qn; j += W::N) W::store(q_se + j, W::add(W::load(q_m + j), vlog<W>(W::load(q_se + j))));
    if (j < qn) W::store_partial(q_se + j, W::add(W::load_partial(q_m + j, qn - j, 0), vlog<W>(W::load_partial(q_se + j, qn - j, 1))), qn - j);
    for (size_t t = 0; t < qn; ++t) out[q_idx[t]] = static_cast<T>(q_se[t]);
    qn = 0;
  };
  for (size_t i = 0; i < n; ++i) {
    const T* row = x + i * k;
    if (!have) m = vmax_span<D>(row, k);
    have = false;
    if (!finite(m)) {
      out[i] = static_cast<T>((m != m || has_nan(row, k)) ? std::numeric_limits<double>::quiet_NaN() : static_cast<double>(m));
      continue;
    }
    double se = 0;
    T mn = 0;
    if (i + 1 < n) {
      vsumexp_span<D, false, false, false, true>(row, k, T(1), m, nullptr, &se, nullptr, row + k, &mn);
      have = true;
    } else {
      vsumexp_span<D, false, false, false>(row, k, T(1), m, nullptr, &se, nullptr);
    }
    q_idx[qn] = i;
    q_m[qn] = m;
    q_se[qn] = se;
    if (++qn == kLogBatch) drain();
    m = mn;
  }
  if (qn) drain();
}

template <class T>
static double simd_lse_all(const T* x, size_t len) noexcept {
  using D = typename TraitsOf<T>::D;
  return lse_span_online<D>(x, len);
}

template <class T>
static void simd_softmax_rows(const T* x, size_t n, size_t k, T inv_temp, bool log, T* out) noexcept {
  using D = typename TraitsOf<T>::D;
  using V = typename D::V;
  constexpr size_t N = D::N;
  const V vs = D::set1(inv_temp);
  const V ninf = D::set1(-std::numeric_limits<T>::infinity());
  const size_t pf = k > kPrefetchMin / sizeof(T) ? k : kPrefetchMin / sizeof(T);
  bool have = false;  // xm holds this row's max, found during the previous row's exp pass
  T xm = 0;
  for (size_t i = 0; i < n; ++i) {
    const T* row = x + i * k;
    T* o = out + i * k;
    // inv_temp > 0 and rounding is monotonic, so max(x * s) == max(x) * s exactly, and x * s - m <= 0
    // below. That needs x * s rounded the same way here and in the exp pass: the build forbids FMA
    // contraction (-ffp-contract=off in sources.gypi), else huge logits give x * s - m >> 0.
    if (!have) xm = vmax_span<D>(row, k);
    have = false;
    const T m = xm * inv_temp;
    const V vm = D::set1(m);
    double se = std::numeric_limits<double>::quiet_NaN();
    if (finite(m)) {
      if (log) {
        if (i + 1 < n && k <= 16384) {
          vsumexp_span<D, true, false, false, true>(row, k, inv_temp, m, nullptr, &se, nullptr, row + k, &xm);
          have = true;
        } else {
          vsumexp_span<D, true, false, false>(row, k, inv_temp, m, nullptr, &se, nullptr);
        }
      } else {
        // softmax: keep exp(x*s - m) in out during the sum, then scale: one exp per element. Rows
        // that fit L1 take the next row's max in the same loop (as lse_rows does).
        WideAcc<D> acc;
        size_t j = 0;
        if (i + 1 < n && k <= 16384) {
          const T* next = row + k;
          V nm = ninf;
          for (; j + N <= k; j += N) {
            nm = D::max(nm, D::load(next + j));
            LOSSKIT_PREFETCH(next + pf + j);
            LOSSKIT_PREFETCH_W(o + pf + j);
            V e = vexp_le0<D>(D::sub(D::mul(D::load(row + j), vs), vm));
            D::store(o + j, e);
            acc.add(e);
          }
          if (j < k) nm = D::max(nm, D::load_partial(next + j, k - j, -std::numeric_limits<T>::infinity()));
          xm = D::hmax(nm);
          have = true;
        }
        for (; j + N <= k; j += N) {
          V e = vexp_le0<D>(D::sub(D::mul(D::load(row + j), vs), vm));
          D::store(o + j, e);
          acc.add(e);
        }
        if (j < k) {
          V e = vexp_le0<D>(D::sub(D::mul(D::load_partial(row + j, k - j, -std::numeric_limits<T>::infinity()), vs), vm));
          D::store_partial(o + j, e, k - j);
          acc.add(e);
        }
        se = acc.sum();
      }
    }
    if (!finite(se)) {  // NaN in the row, or an infinite max: torch gives NaN for the whole row
      for (size_t j = 0; j < k; ++j) o[j] = std::numeric_limits<T>::quiet_NaN();
      continue;
    }
    if (log) {
      const V ls = D::set1(static_cast<T>(std::log(se)));
      size_t j = 0;
      for (; j + N <= k; j += N) {
        LOSSKIT_PREFETCH_W(o + pf + j);  // the output's next row is not in cache: fetch it ahead
        D::store(o + j, D::sub(D::sub(D::mul(D::load(row + j), vs), vm), ls));
      }
      if (j < k) D::store_partial(o + j, D::sub(D::sub(D::mul(D::load_partial(row + j, k - j, 0), vs), vm), ls), k - j);
    } else {
      const V inv = D::set1(static_cast<T>(1.0 / se));
      size_t j = 0;
      for (; j + N <= k; j += N) D::store(o + j, D::mul(D::load(o + j), inv));
      if (j < k) D::store_partial(o + j, D::mul(D::load_partial(o + j, k - j, 0), inv), k - j);
    }
  }
}

// sum of w * log(clip(p)) (kProbs) or w * x (log-probabilities) over a row, for label smoothing.
template <class D, bool kProbs>
static double vsum_logp_span(const typename D::T* x, size_t len, const typename D::T* w, typename D::T eps) {
  using V = typename D::V;
  using T = typename D::T;
  constexpr size_t N = D::N;
  WideAcc<D> acc;
  const V lo = D::set1(eps), hi = D::set1(T(1) - eps);
  auto lv = [&](V v) { return kProbs ? vlog<D>(D::min(hi, D::max(lo, v))) : v; };  // NaN survives the clip
  size_t i = 0;
  for (; i + N <= len; i += N) {
    V l = lv(D::load(x + i));
    acc.add(w ? D::mul(D::load(w + i), l) : l);
  }
  if (i < len) {
    const size_t r = len - i;
    V l = lv(D::load_partial(x + i, r, T(0.5)));
    V mask = D::load_partial(ones_lanes<T>(), r, 0);
    acc.add(D::mul(w ? D::load_partial(w + i, r, 0) : mask, l));
  }
  return acc.sum();
}

// Hard-label cross-entropy over short rows (logits, S = 1, no smoothing): as the general loop
// below, with the row held in registers (ShortRow) and the next row loaded early (as in
// lse_short_rows).
template <class D, int NV>
static LossSums ce_short_rows(const CrossEntropyArgs<typename D::T>& a) noexcept {
  using T = typename D::T;
  LossSums r;
  if (a.n == 0) return r;  // the first row is loaded before the loop: none to load
  ShortRow<D, NV> next(a.x, a.k);
  for (size_t i = 0; i < a.n; ++i) {
    const T* row = a.x + i * a.k;
    const ShortRow<D, NV> sr = next;
    if (i + 1 < a.n) next = ShortRow<D, NV>(row + a.k, a.k);
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
    // (x_y - m) - log(sum): no large cancellation even for huge logits. NaN for a row with NaN, an
    // infinite max or only -Inf, as torch.log_softmax.
    double logp_y = std::numeric_limits<double>::quiet_NaN();
    if (finite(sr.m)) logp_y = (static_cast<double>(row[y]) - sr.m) - std::log(sr.sumexp());
    const double wy = a.weight ? a.weight[y] : 1.0;
    const double loss = -wy * logp_y;
    r.loss += loss;
    r.weight += wy;
    r.count += 1;
    if (a.out) a.out[i] = static_cast<T>(loss * a.out_scale);
  }
  return r;
}

template <class T>
LOSSKIT_NOINLINE static LossSums simd_cross_entropy_general(const CrossEntropyArgs<T>& a) noexcept {
  using D = typename TraitsOf<T>::D;
  constexpr size_t N = D::N;
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  if (a.s != 1 && a.inputs != Inputs::kLogits) return scalar_cls<T>().cross_entropy(a);
  LossSums r;
  const double eps = a.smoothing;
  const double K = static_cast<double>(a.k);
  double wsum_all = K;
  if (a.weight) {
    wsum_all = 0;
    for (size_t c = 0; c < a.k; ++c) wsum_all += a.weight[c];
  }
  auto emit = [&](size_t idx, double wy, double logp_y, double smooth) {
    double loss = -wy * logp_y;
    if (eps > 0) loss = (1 - eps) * loss - eps / K * smooth;
    r.loss += loss;
    r.weight += wy;
    r.count += 1;
    if (a.out) a.out[idx] = static_cast<T>(loss * a.out_scale);
  };
  // Deferred logs: the plain path (logits, no smoothing, rows that fit L1) queues each row's
  // (index, weight, x_y - m, sum of exp) and takes the logs kLogBatch at a time with the vector
  // vlog, so short rows do not each pay a libm call (and the reload of every vector constant the
  // call clobbers). Rows are emitted in order, so the sums are the same as without the queue.
  constexpr size_t kLogBatch = 32;
  alignas(64) double q_se[kLogBatch], q_xm[kLogBatch], q_w[kLogBatch], q_ls[kLogBatch];
  size_t q_idx[kLogBatch];
  size_t qn = 0;
  auto drain = [&] {
    using W = F64;
    size_t j = 0;
    for (; j + W::N <= qn; j += W::N) W::store(q_ls + j, vlog<W>(W::load(q_se + j)));
    if (j < qn) W::store_partial(q_ls + j, vlog<W>(W::load_partial(q_se + j, qn - j, 1.0)), qn - j);
    for (size_t t = 0; t < qn; ++t) emit(q_idx[t], q_w[t], q_xm[t] - q_ls[t], 0);
    qn = 0;
  };
  auto finish = [&](size_t idx, double wy, double logp_y, double smooth) {
    if (qn) drain();
    emit(idx, wy, logp_y, smooth);
  };
  auto check = [&](size_t idx, int64_t y) -> int {  // 1: compute, 0: ignored, -1: bad label
    if (y == a.ignore_index) {
      if (a.out) a.out[idx] = 0;
      return 0;
    }
    if (y < 0 || y >= static_cast<int64_t>(a.k)) {
      r.bad_index = static_cast<int64_t>(idx);
      r.bad_value = y;
      return -1;
    }
    return 1;
  };

  if (a.s == 1) {
    bool have_next = false;  // next_m is row i's max, found during row i-1's exp pass
    T next_m = 0;
    const bool pipeline = a.k <= 16384;
    for (size_t i = 0; i < a.n; ++i) {
      const int64_t y = label_at(a.labels, i);
      const bool had = have_next;
      have_next = false;
      const int st = check(i, y);
      if (st < 0) return r;
      if (st == 0) continue;
      const T* row = a.x + i * a.k;
      const double wy = a.weight ? a.weight[y] : 1.0;
      double logp_y = kNaN, smooth = 0;
      if (a.inputs == Inputs::kLogits) {
        if (!pipeline && eps <= 0) {
          // Long rows: chunked, read once (see lse_span_parts).
          const LseParts p = lse_span_parts<D>(row, a.k);
          if (finite(p.m)) logp_y = (static_cast<double>(row[y]) - p.m) - std::log(p.s);
          finish(i, wy, logp_y, 0);
          continue;
        }
        const T m = had ? next_m : vmax_span<D>(row, a.k);
        if (finite(m) && eps <= 0) {
          double se = 0;
          if (i + 1 < a.n) {
            vsumexp_span<D, false, false, false, true>(row, a.k, T(1), m, nullptr, &se, nullptr, row + a.k, &next_m);
            have_next = true;
          } else {
            vsumexp_span<D, false, false, false>(row, a.k, T(1), m, nullptr, &se, nullptr);
          }
          // (x_y - m) - log(sum): no large cancellation even for huge logits.
          q_idx[qn] = i;
          q_w[qn] = wy;
          q_xm[qn] = static_cast<double>(row[y]) - m;
          q_se[qn] = se;
          if (++qn == kLogBatch) drain();
          continue;
        }
        if (finite(m)) {
          double se = 0, sz = 0;
          if (a.weight_t) vsumexp_span<D, false, true, true>(row, a.k, T(1), m, a.weight_t, &se, &sz);
          else vsumexp_span<D, false, true, false>(row, a.k, T(1), m, nullptr, &se, &sz);
          const double ls = std::log(se);
          // (x_y - m) - log(sum): no large cancellation even for huge logits.
          logp_y = (static_cast<double>(row[y]) - m) - ls;
          smooth = sz - wsum_all * ls;
        } else {
          smooth = kNaN;
        }
      } else if (a.inputs == Inputs::kProbabilities) {
        const double p = row[y];
        logp_y = std::log(p != p ? p : (p < a.clip_eps ? a.clip_eps : (p > 1 - a.clip_eps ? 1 - a.clip_eps : p)));
        if (eps > 0) smooth = vsum_logp_span<D, true>(row, a.k, a.weight_t, static_cast<T>(a.clip_eps));
      } else {
        logp_y = row[y];
        if (eps > 0) smooth = vsum_logp_span<D, false>(row, a.k, a.weight_t, T(0));
      }
      finish(i, wy, logp_y, smooth);
    }
    if (qn) drain();
    return r;
  }

  // Spatial layout [n, k, s]: lanes run along s (contiguous), classes are strided by s.
  using V = typename D::V;
  alignas(64) T mlane[N];
  alignas(64) double se_lane[N], sz_lane[N];
  for (size_t i = 0; i < a.n; ++i) {
    const T* base = a.x + i * a.k * a.s;
    for (size_t j0 = 0; j0 < a.s; j0 += N) {
      const size_t rn = a.s - j0 < N ? a.s - j0 : N;
      const T ninf = -std::numeric_limits<T>::infinity();
      auto ld = [&](size_t c) { return rn == N ? D::load(base + c * a.s + j0) : D::load_partial(base + c * a.s + j0, rn, ninf); };
      V vmax = D::set1(ninf);
      for (size_t c = 0; c < a.k; ++c) vmax = D::max(vmax, ld(c));
      typename D::Wide se = D::wide_zero(), sz = D::wide_zero();
      for (size_t c = 0; c < a.k; ++c) {
        V z = D::sub(ld(c), vmax);
        D::wide_add(se, vexp_le0_sum<D>(z));
        if (eps > 0) D::wide_add(sz, a.weight_t ? D::mul(D::set1(a.weight_t[c]), z) : z);
      }
      D::store_partial(mlane, vmax, N);
      D::wide_store(se, se_lane);
      if (eps > 0) D::wide_store(sz, sz_lane);
      for (size_t l = 0; l < rn; ++l) {
        const size_t idx = i * a.s + j0 + l;
        const int64_t y = label_at(a.labels, idx);
        const int st = check(idx, y);
        if (st < 0) return r;
        if (st == 0) continue;
        const double wy = a.weight ? a.weight[y] : 1.0;
        const double m = mlane[l];
        bool ok = finite(m);
        // A NaN anywhere in the column makes se NaN when m is finite; recheck when it is not.
        double logp_y = kNaN, smooth = kNaN;
        if (ok) {
          const double ls = std::log(se_lane[l]);
          logp_y = (static_cast<double>(base[static_cast<size_t>(y) * a.s + j0 + l]) - m) - ls;
          smooth = eps > 0 ? sz_lane[l] - wsum_all * ls : 0;
        }
        finish(idx, wy, logp_y, smooth);
      }
    }
  }
  return r;
}

// Short rows first, in a small function: the general one keeps a large stack frame that a 1×10
// call would otherwise pay to set up (LOSSKIT_NOINLINE keeps it out of line).
template <class T>
static LossSums simd_cross_entropy(const CrossEntropyArgs<T>& a) noexcept {
  using D = typename TraitsOf<T>::D;
  if (a.s == 1 && a.inputs == Inputs::kLogits && !(a.smoothing > 0)) {
    switch (short_row_vectors<D>(a.k)) {
      case 1: return ce_short_rows<D, 1>(a);
      case 2: return ce_short_rows<D, 2>(a);
      case 3: return ce_short_rows<D, 3>(a);
      case 4: return ce_short_rows<D, 4>(a);
      default: break;
    }
  }
  return simd_cross_entropy_general(a);
}

template <class T, class U>
static LossSums simd_soft_cross_entropy_t(const SoftCrossEntropyArgs<T>& a, const U* tg) noexcept {
  using D = typename TraitsOf<T>::D;
  using V = typename D::V;
  constexpr size_t N = D::N;
  constexpr size_t kChunk = 512;
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  LossSums r;
  const double eps = a.smoothing;
  const double K = static_cast<double>(a.k);
  double wsum_all = K;
  if (a.weight) {
    wsum_all = 0;
    for (size_t c = 0; c < a.k; ++c) wsum_all += a.weight[c];
  }
  alignas(64) T tbuf[kChunk];
  const V lo = D::set1(static_cast<T>(a.clip_eps)), hi = D::set1(static_cast<T>(1 - a.clip_eps));
  for (size_t i = 0; i < a.n; ++i) {
    const T* row = a.x + i * a.k;
    const U* trow = tg + i * a.k;
    T m = 0;
    bool logits = a.inputs == Inputs::kLogits;
    double loss = kNaN;
    if (logits) m = vmax_span<D>(row, a.k);
    if (!logits || finite(m)) {
      const V vm = D::set1(m);
      WideAcc<D> A, B, C, E;  // sum w t lv, sum w lv, sum w t, sum exp(x - m)
      for (size_t c0 = 0; c0 < a.k; c0 += kChunk) {
        const size_t len = a.k - c0 < kChunk ? a.k - c0 : kChunk;
        const T* t;
        if (sizeof(U) == sizeof(T)) {
          t = reinterpret_cast<const T*>(trow + c0);
        } else {
          for (size_t c = 0; c < len; ++c) tbuf[c] = static_cast<T>(trow[c0 + c]);
          t = tbuf;
        }
        const T* xc = row + c0;
        const T* wc = a.weight_t ? a.weight_t + c0 : nullptr;
        auto step = [&](V xv, V tv, V wv, bool masked, V mask) {
          V lv = logits ? D::sub(xv, vm) : (a.inputs == Inputs::kProbabilities ? vlog<D>(D::min(hi, D::max(lo, xv))) : xv);
          V wt = D::mul(wv, tv);
          A.add(D::mul(wt, lv));
          C.add(wt);
          if (eps > 0) B.add(D::mul(wv, lv));
          if (logits) {
            V e = vexp_le0<D>(lv);
            E.add(masked ? D::mul(e, mask) : e);
          }
        };
        const V one = D::set1(T(1));
        size_t j = 0;
        for (; j + N <= len; j += N) step(D::load(xc + j), D::load(t + j), wc ? D::load(wc + j) : one, false, one);
        if (j < len) {
          const size_t rn = len - j;
          const V mask = D::load_partial(ones_lanes<T>(), rn, 0);
          // Padding: x = m (logits) or a harmless value, t = 0, w = 0, so padding adds nothing.
          const T xfill = logits ? m : T(0.5);
          step(D::load_partial(xc + j, rn, xfill), D::load_partial(t + j, rn, 0),
               wc ? D::load_partial(wc + j, rn, 0) : mask, true, mask);
        }
      }
      const double ls = logits ? std::log(E.sum()) : 0.0;
      const double a_ = A.sum(), c_ = C.sum();
      loss = -(1 - eps) * (a_ - ls * c_);
      if (eps > 0) loss -= eps / K * (B.sum() - ls * wsum_all);
    }
    if (!finite(loss)) {
      // The factored form sum(w t (x - m)) - ls sum(w t) turns an infinite target on the max
      // class into Inf * 0 = NaN where torch's sum(w t log p) gives +-Inf: let the reference
      // settle rows that are not finite (rare, so the fast path stays as it is).
      SoftCrossEntropyArgs<T> one = a;
      one.x = row;
      one.n = 1;
      one.targets = trow;
      one.out = nullptr;
      loss = scalar_cls<T>().soft_cross_entropy(one).loss;
    }
    r.loss += loss;
    r.weight += 1;
    r.count += 1;
    if (a.out) a.out[i] = static_cast<T>(loss * a.out_scale);
  }
  return r;
}

template <class T>
static LossSums simd_soft_cross_entropy(const SoftCrossEntropyArgs<T>& a) noexcept {
  if (a.s != 1) return scalar_cls<T>().soft_cross_entropy(a);
  return a.targets_f64 ? simd_soft_cross_entropy_t(a, static_cast<const double*>(a.targets))
                       : simd_soft_cross_entropy_t(a, static_cast<const float*>(a.targets));
}

template <class T>
static void fill_classification(ClassificationOps<T>& o) {
  o.lse_rows = simd_lse_rows<T>;
  o.lse_all = simd_lse_all<T>;
  o.softmax_rows = simd_softmax_rows<T>;
  o.cross_entropy = simd_cross_entropy<T>;
  o.soft_cross_entropy = simd_soft_cross_entropy<T>;
}
