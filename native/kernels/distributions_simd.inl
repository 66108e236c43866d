// SIMD distribution kernels (KL divergence, entropy, label smoothing) over the vector traits
// F32 / F64, included inside each ISA's namespace after classification_simd.inl, whose helpers
// (TraitsOf, WideAcc, vmax_span, finite) they use. Per-element terms are computed in the lanes of
// the input type and summed in float64. Seeded flipping and counting are sequential integer work:
// every ISA uses the scalar reference, which also keeps flipLabels bit-identical across ISAs.
//
// The 0 log 0 rule is a select on p == 0 (or log p == -Inf), applied after the arithmetic, so
// 0 * (-Inf) never leaks a NaN; a NaN log q still wins (test/support/README.md "Distributions").

// A row chunk as the compute type: the caller's memory when the types agree, else a converted copy.
template <class T>
static inline const T* span_as(const T* src, size_t, T*) {
  return src;
}
template <class T, class X>
static inline const T* span_as(const X* src, size_t len, T* buf) {
  for (size_t i = 0; i < len; ++i) buf[i] = static_cast<T>(src[i]);
  return buf;
}

constexpr size_t kDistChunk = 512;

// Sums of one KL row: A = sum over p != 0 of p (log p - l), where l = log q (probabilities,
// log-probabilities) or x - max (logits); for logits also B = sum p and E = sum exp(x - max), and
// the row is A + B log E.
template <class D>
struct KlSums {
  WideAcc<D> a, b, e;
};

template <class D>
static inline void kl_span(const typename D::T* p, const typename D::T* q, size_t len, Inputs mode,
                           typename D::T m, KlSums<D>& s) {
  using V = typename D::V;
  using T = typename D::T;
  constexpr size_t N = D::N;
  constexpr T kNaN = std::numeric_limits<T>::quiet_NaN();
  const V zero = D::zero(), vm = D::set1(m);
  auto step = [&](V pv, V qv) {
    V l = mode == Inputs::kProbabilities ? vlog<D>(qv) : (mode == Inputs::kLogits ? D::sub(qv, vm) : qv);
    V t = D::select(D::eq(pv, zero), zero, D::mul(pv, D::sub(vlog<D>(pv), l)));
    s.a.add(D::select(D::isnan(l), D::set1(kNaN), t));
    if (mode == Inputs::kLogits) {
      s.b.add(pv);
      s.e.add(vexp_le0<D>(l));
    }
  };
  size_t j = 0;
  for (; j + N <= len; j += N) step(D::load(p + j), D::load(q + j));
  if (j < len) {
    // Padding: p = 0 (term 0, adds 0 to B); q = 1, log q = 0, or -Inf for logits (exp gives 0).
    const T qfill = mode == Inputs::kProbabilities ? T(1) : (mode == Inputs::kLogits ? -std::numeric_limits<T>::infinity() : T(0));
    step(D::load_partial(p + j, len - j, T(0)), D::load_partial(q + j, len - j, qfill));
  }
}

// One row in the compute traits D; P and Q are the stored types (converted by chunk when they
// differ from D::T).
template <class D, class P, class Q>
static double kl_row_simd(const P* p, const Q* q, size_t k, Inputs mode) {
  using T = typename D::T;
  alignas(64) T pbuf[kDistChunk], qbuf[kDistChunk];
  T m = 0;
  if (mode == Inputs::kLogits) {
    m = -std::numeric_limits<T>::infinity();
    for (size_t c = 0; c < k; c += kDistChunk) {
      const size_t len = k - c < kDistChunk ? k - c : kDistChunk;
      const T cm = vmax_span<D>(span_as<T>(q + c, len, qbuf), len);
      if (cm != cm) return std::numeric_limits<double>::quiet_NaN();
      if (cm > m) m = cm;
    }
    // NaN, +Inf or all -Inf: torch's log_softmax is NaN for the whole row.
    if (!finite(m)) return std::numeric_limits<double>::quiet_NaN();
  }
  KlSums<D> s;
  for (size_t c = 0; c < k; c += kDistChunk) {
    const size_t len = k - c < kDistChunk ? k - c : kDistChunk;
    kl_span<D>(span_as<T>(p + c, len, pbuf), span_as<T>(q + c, len, qbuf), len, mode, m, s);
  }
  const double a = s.a.sum();
  if (mode != Inputs::kLogits) return a;
  // A NaN among finite logits shows up here as a NaN exp sum. log E = 0 (E = 1: every other logit's
  // exp is 0) adds nothing, and must not turn sum p = +Inf into Inf * 0 = NaN where the reference's
  // terms p (log p - l) are +Inf.
  const double le = std::log(s.e.sum());
  return le == 0 ? a : a + s.b.sum() * le;
}

template <class T, class U>
static double simd_kl_div_t(const KlArgs<T>& a, const U* q) {
  double total = 0;
  for (size_t i = 0; i < a.n; ++i) {
    const T* p = a.p + i * a.k;
    const U* qr = q + i * a.k;
    double r;
    if constexpr (sizeof(T) == sizeof(U)) r = kl_row_simd<typename TraitsOf<T>::D>(p, qr, a.k, a.inputs);
    else r = kl_row_simd<F64>(p, qr, a.k, a.inputs);  // mixed float32 / float64: float64 lanes
    total += r;
    if (a.out) a.out[i] = static_cast<T>(r * a.out_scale);
  }
  return total;
}

template <class T>
static double simd_kl_div(const KlArgs<T>& a) noexcept {
  return a.q_f64 ? simd_kl_div_t(a, static_cast<const double*>(a.q)) : simd_kl_div_t(a, static_cast<const float*>(a.q));
}

// H of one row. probabilities: -sum p log p; log-probabilities: -sum exp(l) l; logits:
// log E - (sum exp(z) z) / E with z = x - max, E = sum exp(z). Terms at p = 0 / l = -Inf are 0.
template <class D>
static double entropy_row_simd(const typename D::T* x, size_t k, Inputs mode) {
  using V = typename D::V;
  using T = typename D::T;
  constexpr size_t N = D::N;
  const T ninf = -std::numeric_limits<T>::infinity();
  T m = 0;
  if (mode == Inputs::kLogits) {
    m = vmax_span<D>(x, k);
    if (!finite(m)) return std::numeric_limits<double>::quiet_NaN();
  }
  const V zero = D::zero(), vm = D::set1(m), vninf = D::set1(ninf);
  WideAcc<D> a, e;
  auto step = [&](V v) {
    if (mode == Inputs::kProbabilities) {
      a.add(D::select(D::eq(v, zero), zero, D::mul(v, vlog<D>(v))));
    } else if (mode == Inputs::kLogProbabilities) {
      a.add(D::select(D::eq(v, vninf), zero, D::mul(vexp<D>(v), v)));
    } else {
      const V z = D::sub(v, vm);
      const V ez = vexp_le0<D>(z);
      a.add(D::select(D::eq(z, vninf), zero, D::mul(ez, z)));
      e.add(ez);
    }
  };
  size_t j = 0;
  for (; j + N <= k; j += N) step(D::load(x + j));
  // Padding contributes nothing: p = 0, or a log-probability / logit of -Inf.
  if (j < k) step(D::load_partial(x + j, k - j, mode == Inputs::kProbabilities ? T(0) : ninf));
  if (mode != Inputs::kLogits) return 0.0 - a.sum();  // +0, not -0, for a certain outcome (as the reference)
  const double se = e.sum();
  return std::log(se) - a.sum() / se;
}

template <class T>
static void simd_entropy_rows(const T* x, size_t n, size_t k, Inputs inputs, double scale, T* out) noexcept {
  using D = typename TraitsOf<T>::D;
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<T>(entropy_row_simd<D>(x + i * k, k, inputs) * scale);
}

static int64_t simd_smooth_labels(LabelView labels, size_t n, size_t k, float on, float off, float* out,
                                  int64_t* bad_value) noexcept {
  using D = F32;
  constexpr size_t N = D::N;
  const D::V voff = D::set1(off);
  for (size_t i = 0; i < n; ++i) {
    const int64_t y = label_at(labels, i);
    if (y < 0 || y >= static_cast<int64_t>(k)) {
      *bad_value = y;
      return static_cast<int64_t>(i);
    }
    float* row = out + i * k;
    size_t j = 0;
    for (; j + N <= k; j += N) D::store(row + j, voff);
    if (j < k) D::store_partial(row + j, voff, k - j);
    row[y] = on;
  }
  return -1;
}

template <class T>
static void fill_distributions(DistributionOps<T>& o) {
  o.kl_div = simd_kl_div<T>;
  o.entropy_rows = simd_entropy_rows<T>;
}

static void fill_labels(LabelOps& o) {
  o = scalar_kernels().labels;
  o.smooth_labels = simd_smooth_labels;
}
