// losskit kernels: plain C++17, no N-API, no exceptions. Pointers, counts and strides in; results
// out. Every kernel has a scalar reference (scalar.cc) and SIMD versions (sse2.cc, avx2.cc,
// avx512.cc, neon.cc) chosen once at load by dispatch.cc.
#pragma once
#include <cstddef>
#include <cstdint>

// Keeps a large function out of line, so a small caller that handles the common case does not
// pay for its stack frame.
#if defined(_MSC_VER)
#define LOSSKIT_NOINLINE __declspec(noinline)
#else
#define LOSSKIT_NOINLINE __attribute__((noinline))
#endif

namespace losskit {

// Integer label storage, as the typed array holding them.
enum class IntType : int32_t { kInt8, kUint8, kInt16, kUint16, kInt32, kUint32 };

struct LabelView {
  const void* data;
  IntType type;
};

inline int64_t label_at(LabelView l, size_t i) noexcept {
  switch (l.type) {
    case IntType::kInt8: return static_cast<const int8_t*>(l.data)[i];
    case IntType::kUint8: return static_cast<const uint8_t*>(l.data)[i];
    case IntType::kInt16: return static_cast<const int16_t*>(l.data)[i];
    case IntType::kUint16: return static_cast<const uint16_t*>(l.data)[i];
    case IntType::kInt32: return static_cast<const int32_t*>(l.data)[i];
    case IntType::kUint32: return static_cast<const uint32_t*>(l.data)[i];
  }
  return 0;
}

// How class scores are given.
enum class Inputs : int32_t { kLogits = 0, kProbabilities = 1, kLogProbabilities = 2 };

// Result of a loss reduction: sums in float64 whatever the input type, so the caller can form
// PyTorch's weighted mean (loss / weight) and meters can merge shards exactly.
struct LossSums {
  double loss = 0;      // sum of per-sample losses (natural log units)
  double weight = 0;    // sum of weight[label] over non-ignored samples (their count if unweighted)
  int64_t count = 0;    // non-ignored samples
  int64_t bad_index = -1;  // first label outside [0, K) that is not ignore_index, or -1
  int64_t bad_value = 0;
  double extra = 0;     // a fourth sum some glue ops carry between blocks (heatmapFocalLoss: positive loss)
};

// Hard-label cross-entropy over logits [n, k, s] (row-major; s = spatial extent, 1 for plain
// classification) and labels [n, s].
template <class T>
struct CrossEntropyArgs {
  const T* x;
  size_t n, k, s;
  Inputs inputs;
  LabelView labels;
  int64_t ignore_index;
  const double* weight;   // [k] or nullptr
  const T* weight_t;      // the same weights in T (for the vector loops), or nullptr
  // Label smoothing in PyTorch's convention: target = (1 - eps) onehot + eps / k. The 'others'
  // convention (eps / (k - 1) off the true class) is the same with eps' = eps k / (k - 1).
  double smoothing;
  double clip_eps;        // probabilities are clipped to [clip_eps, 1 - clip_eps]
  T* out;                 // per-sample losses [n * s] times out_scale, or nullptr
  double out_scale;
};

// Cross-entropy against probability targets t [n, k, s] (float32 or float64 independently of x).
template <class T>
struct SoftCrossEntropyArgs {
  const T* x;
  size_t n, k, s;
  Inputs inputs;
  const void* targets;
  bool targets_f64;
  const double* weight;
  const T* weight_t;
  double smoothing;
  double clip_eps;
  T* out;
  double out_scale;
};

template <class T>
struct ClassificationOps {
  // out[i] = log sum_j exp(x[i*k + j]) for i < n.
  void (*lse_rows)(const T* x, size_t n, size_t k, T* out) noexcept;
  // log-sum-exp of the whole array, one pass over memory, in float64.
  double (*lse_all)(const T* x, size_t len) noexcept;
  // Row-wise softmax (or log-softmax) of x * inv_temp.
  void (*softmax_rows)(const T* x, size_t n, size_t k, T inv_temp, bool log, T* out) noexcept;
  LossSums (*cross_entropy)(const CrossEntropyArgs<T>& a) noexcept;
  LossSums (*soft_cross_entropy)(const SoftCrossEntropyArgs<T>& a) noexcept;
};

// ---- Dense family: binary, focal and heatmap losses, MSE (dense_ref.h, dense_simd.inl) ----

// A float array whose type is independent of the main input's (targets, weights); data may be null.
struct FloatView {
  const void* data;
  bool f64;
};

// Element-wise binary losses over x [n]: binaryCrossEntropy and sigmoidFocalLoss.
template <class T>
struct BinaryArgs {
  const T* x;
  size_t n;
  FloatView targets;     // [n]
  FloatView weight;      // [n] per element, or data == nullptr
  FloatView pos_weight;  // [c], element i uses pos_weight[i % c]; or data == nullptr
  size_t c;
  bool probabilities;    // BCE: x holds probabilities (each log clamped at -100), else logits
  double alpha, gamma;   // sigmoid focal: alpha < 0 disables the balancing
  T* out;                // per-element losses times out_scale, or nullptr
  double out_scale;
};

// -alpha_y (1 - p_y)^gamma log p_y over rows x [n, k] and labels [n].
template <class T>
struct SoftmaxFocalArgs {
  const T* x;
  size_t n, k;
  Inputs inputs;
  LabelView labels;
  int64_t ignore_index;
  const double* alpha;   // [k], or nullptr for alpha_scalar on every class
  double alpha_scalar;
  double gamma;
  double clip_eps;       // probabilities are clipped to [clip_eps, 1 - clip_eps]
  T* out;
};

// CornerNet's penalty-reduced focal loss over pred [n] and gt [n] (gt in [0, 1]; == 1 positive).
template <class T>
struct HeatmapArgs {
  const T* pred;
  size_t n;
  FloatView gt;
  bool logits;           // else probabilities, clamped to [1e-4, 1 - 1e-4] as CornerNet
  double alpha, beta;
  T* out;                // per-pixel losses, or nullptr
};

// Sums of one heatmap span, in float64, so per-image means and shard meters can be formed exactly.
struct HeatmapSums {
  double loss = 0;       // positive + negative terms
  double pos_loss = 0;   // the positive terms alone
  int64_t pos = 0;       // pixels with gt == 1
  int64_t bad_index = -1;  // first gt outside [0, 1], or -1
  double bad_value = 0;
};

// sum w_i (pred_i - target_i)^2; weight [l] with l dividing n: element i uses weight[i / (n / l)].
template <class T>
struct MseArgs {
  const T* pred;
  size_t n;
  FloatView target;
  FloatView weight;
  size_t weight_len;
  T* out;
};

template <class T>
struct DenseOps {
  LossSums (*bce)(const BinaryArgs<T>& a) noexcept;
  LossSums (*sigmoid_focal)(const BinaryArgs<T>& a) noexcept;
  LossSums (*softmax_focal)(const SoftmaxFocalArgs<T>& a) noexcept;
  HeatmapSums (*heatmap_focal)(const HeatmapArgs<T>& a) noexcept;
  LossSums (*mse)(const MseArgs<T>& a) noexcept;
};

// D_KL(p || q) per row: p [n, k] probabilities of type T; q [n, k] float32 or float64
// (independently of p) given as probabilities, log-probabilities or logits.
template <class T>
struct KlArgs {
  const T* p;
  const void* q;
  bool q_f64;
  size_t n, k;
  Inputs inputs;  // how q is given
  T* out;         // per-row values times out_scale, or nullptr
  double out_scale;
};

template <class T>
struct DistributionOps {
  // Sum over rows of D_KL(p_i || q_i) in nats, float64; 0 log 0 = 0 for every p = 0 term.
  double (*kl_div)(const KlArgs<T>& a) noexcept;
  // out[i] = scale * H(row i); x given as probabilities, log-probabilities or logits.
  void (*entropy_rows)(const T* x, size_t n, size_t k, Inputs inputs, double scale, T* out) noexcept;
};

// Integer-label kernels (no float type of their own). Each returns the index of the first label
// outside [0, k), its value in *bad_value, or -1.
struct LabelOps {
  // out [n, k] = off everywhere, on at the label.
  int64_t (*smooth_labels)(LabelView labels, size_t n, size_t k, float on, float off, float* out,
                           int64_t* bad_value) noexcept;
  // Each label replaced with probability eps by one of the k - 1 others, uniformly; the random
  // bits of label i are Philox4x32-10(counter = (i, j), key = seed) (see distributions_ref.h).
  int64_t (*flip_labels)(LabelView labels, size_t n, size_t k, double eps, uint64_t seed, int32_t* out,
                         int64_t* bad_value) noexcept;
  // counts[c] = number of labels equal to c.
  int64_t (*bincount)(LabelView labels, size_t n, size_t k, double* counts, int64_t* bad_value) noexcept;
};

struct KernelTable {
  const char* isa;
  ClassificationOps<float> cls_f32;
  ClassificationOps<double> cls_f64;
  DenseOps<float> dense_f32;
  DenseOps<double> dense_f64;
  DistributionOps<float> dist_f32;
  DistributionOps<double> dist_f64;
  LabelOps labels;
  // Sum of x[0, n) read once with the widest loads: the memory-read bound the benchmarks compare
  // against (same bytes, no arithmetic worth the name).
  double (*read_sum)(const float* x, size_t n) noexcept;
};

// The classification ops of a table for element type T (float or double): for code templated on T
// (tests, fuzzers, benchmarks).
template <class T>
inline const ClassificationOps<T>& cls_of(const KernelTable& t) noexcept {
  if constexpr (sizeof(T) == sizeof(float)) return t.cls_f32;
  else return t.cls_f64;
}

// The table for the best ISA this CPU supports, capped by LOSSKIT_ISA; chosen on first use.
const KernelTable& active_kernels() noexcept;
// The table for a named ISA ("scalar", "sse2", "avx2", "avx512", "neon"), or nullptr when this
// build or CPU lacks it. For tests, fuzzers and benchmarks.
const KernelTable* kernels_for(const char* isa) noexcept;
// Comma-separated ISAs this CPU and build support, best first.
const char* supported_isas() noexcept;
// What the CPU offers, whatever LOSSKIT_ISA says.
const char* best_isa() noexcept;

// The scalar reference table (the SIMD files fall back to it for rare layouts).
const KernelTable& scalar_kernels() noexcept;

// Filled by each ISA's translation unit.
void fill_scalar(KernelTable& t) noexcept;
void fill_sse2(KernelTable& t) noexcept;
void fill_avx2(KernelTable& t) noexcept;
void fill_avx512(KernelTable& t) noexcept;
void fill_neon(KernelTable& t) noexcept;

}  // namespace losskit
