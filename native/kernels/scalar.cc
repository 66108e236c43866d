// The scalar reference for every kernel: LOSSKIT_ISA=scalar, the fuzzers' oracle, and the
// fallback the SIMD files use for rare layouts. Built at the baseline with auto-vectorisation off
// (see binding.gyp), so it stays the plain loop it reads as.
#include "classification_ref.h"
#include "dense_ref.h"
#include "distributions_ref.h"
#include "kernels.h"

namespace losskit {

template <class T>
static void fill_cls_ref(ClassificationOps<T>& o) {
  o.lse_rows = [](const T* x, size_t n, size_t k, T* out) noexcept { ref::lse_rows(x, n, k, out); };
  o.lse_all = [](const T* x, size_t len) noexcept { return ref::lse_all(x, len); };
  o.softmax_rows = [](const T* x, size_t n, size_t k, T inv_temp, bool log, T* out) noexcept {
    ref::softmax_rows(x, n, k, inv_temp, log, out);
  };
  o.cross_entropy = [](const CrossEntropyArgs<T>& a) noexcept { return ref::cross_entropy(a); };
  o.soft_cross_entropy = [](const SoftCrossEntropyArgs<T>& a) noexcept { return ref::soft_cross_entropy(a); };
}

template <class T>
static void fill_dense_ref(DenseOps<T>& o) {
  o.bce = [](const BinaryArgs<T>& a) noexcept { return ref::bce(a); };
  o.sigmoid_focal = [](const BinaryArgs<T>& a) noexcept { return ref::sigmoid_focal(a); };
  o.softmax_focal = [](const SoftmaxFocalArgs<T>& a) noexcept { return ref::softmax_focal(a); };
  o.heatmap_focal = [](const HeatmapArgs<T>& a) noexcept { return ref::heatmap_focal(a); };
  o.mse = [](const MseArgs<T>& a) noexcept { return ref::mse(a); };
}

template <class T>
static void fill_dist_ref(DistributionOps<T>& o) {
  o.kl_div = [](const KlArgs<T>& a) noexcept { return ref::kl_div(a); };
  o.entropy_rows = [](const T* x, size_t n, size_t k, Inputs inputs, double scale, T* out) noexcept {
    ref::entropy_rows(x, n, k, inputs, scale, out);
  };
}

static void fill_labels_ref(LabelOps& o) {
  o.smooth_labels = ref::smooth_labels;
  o.flip_labels = ref::flip_labels;
  o.bincount = ref::bincount;
}

static double read_sum_ref(const float* x, size_t n) noexcept {
  double s = 0;
  for (size_t i = 0; i < n; ++i) s += x[i];
  return s;
}

void fill_scalar(KernelTable& t) noexcept {
  t.read_sum = read_sum_ref;
  t.isa = "scalar";
  fill_cls_ref(t.cls_f32);
  fill_cls_ref(t.cls_f64);
  fill_dense_ref(t.dense_f32);
  fill_dense_ref(t.dense_f64);
  fill_dist_ref(t.dist_f32);
  fill_dist_ref(t.dist_f64);
  fill_labels_ref(t.labels);
}

const KernelTable& scalar_kernels() noexcept {
  static const KernelTable table = [] {
    KernelTable t{};
    fill_scalar(t);
    return t;
  }();
  return table;
}

}  // namespace losskit
