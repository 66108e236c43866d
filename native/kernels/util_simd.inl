// Utilities over the vector traits, included in each ISA's namespace after simd_math.h.

// The memory-read bound: a sum over x with four independent accumulators of full-width loads,
// widened to float64 per block like the loss kernels. Benchmarks time it on the same bytes a loss
// reads, to show how far each kernel stands from merely reading its input.
#ifndef READPF
#define READPF 1024
#endif
static double read_sum(const float* x, size_t n) noexcept {
  using D = F32;
  using V = D::V;
  constexpr size_t N = D::N;
  D::Wide acc = D::wide_zero();
  V a0 = D::zero(), a1 = D::zero(), a2 = D::zero(), a3 = D::zero();
  size_t i = 0;
  int pending = 0;
  for (; i + 4 * N <= n; i += 4 * N) {
    if (READPF > 0)
      for (size_t b = 0; b < 4 * N * sizeof(float); b += 64) LOSSKIT_PREFETCH(reinterpret_cast<const char*>(x + i) + READPF + b);
    a0 = D::add(a0, D::load(x + i));
    a1 = D::add(a1, D::load(x + i + N));
    a2 = D::add(a2, D::load(x + i + 2 * N));
    a3 = D::add(a3, D::load(x + i + 3 * N));
    if (++pending == 64) {
      D::wide_add(acc, D::add(D::add(a0, a1), D::add(a2, a3)));
      a0 = a1 = a2 = a3 = D::zero();
      pending = 0;
    }
  }
  for (; i < n; i += N) a0 = D::add(a0, n - i >= N ? D::load(x + i) : D::load_partial(x + i, n - i, 0.0f));
  D::wide_add(acc, D::add(D::add(a0, a1), D::add(a2, a3)));
  return D::wide_sum(acc);
}
