// Chooses the kernel table once: the best instruction set the CPU and OS support, unless
// LOSSKIT_ISA asks for a lower one (for tests and bug reports). A request above what the CPU can
// run falls back to the best available.
#include <cstdlib>
#include <cstring>
#include <string>

#include "kernels.h"

#if defined(__x86_64__) || defined(_M_X64)
#define LOSSKIT_X86 1
#if defined(_MSC_VER)
#include <immintrin.h>
#include <intrin.h>
#else
#include <cpuid.h>
#endif
#endif

namespace losskit {
namespace {

enum Level { kScalar = 0, kSse2 = 1, kAvx2 = 2, kAvx512 = 3, kNeon = 4 };
const char* const kNames[] = {"scalar", "sse2", "avx2", "avx512", "neon"};

#ifdef LOSSKIT_X86
void cpuid(unsigned leaf, unsigned sub, unsigned r[4]) {
#if defined(_MSC_VER)
  int v[4];
  __cpuidex(v, static_cast<int>(leaf), static_cast<int>(sub));
  for (int i = 0; i < 4; ++i) r[i] = static_cast<unsigned>(v[i]);
#else
  __cpuid_count(leaf, sub, r[0], r[1], r[2], r[3]);
#endif
}

unsigned long long xgetbv0() {
#if defined(_MSC_VER)
  return _xgetbv(0);
#else
  unsigned lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (static_cast<unsigned long long>(hi) << 32) | lo;
#endif
}

// Highest x86 level the CPU has and the OS saves the registers of.
Level detect() {
  unsigned r[4];
  cpuid(0, 0, r);
  const unsigned max_leaf = r[0];
  cpuid(1, 0, r);
  const bool osxsave = (r[2] >> 27) & 1, avx = (r[2] >> 28) & 1, fma = (r[2] >> 12) & 1;
  if (!osxsave || !avx || max_leaf < 7) return kSse2;
  const unsigned long long xcr0 = xgetbv0();
  const bool ymm_ok = (xcr0 & 0x6) == 0x6;
  const bool zmm_ok = (xcr0 & 0xe6) == 0xe6;
  cpuid(7, 0, r);
  const bool avx2 = (r[1] >> 5) & 1, avx512f = (r[1] >> 16) & 1, avx512dq = (r[1] >> 17) & 1;
  if (zmm_ok && avx512f && avx512dq && avx2 && fma) return kAvx512;
  if (ymm_ok && avx2 && fma) return kAvx2;
  return kSse2;
}
#endif

bool fill(Level l, KernelTable& t) {
  switch (l) {
    case kScalar: fill_scalar(t); return true;
#ifdef LOSSKIT_X86
    case kSse2: fill_sse2(t); return true;
    case kAvx2: fill_avx2(t); return true;
    case kAvx512: fill_avx512(t); return true;
#endif
#ifdef LOSSKIT_HAVE_NEON
    case kNeon: fill_neon(t); return true;
#endif
    default: return false;
  }
}

Level best_level() {
#ifdef LOSSKIT_X86
  static const Level best = detect();
  return best;
#elif defined(LOSSKIT_HAVE_NEON)
  return kNeon;
#else
  return kScalar;
#endif
}

// Is level l runnable here? On x86 the levels are ordered; neon stands alone.
bool runnable(Level l) {
  if (l == kScalar) return true;
  const Level best = best_level();
  if (l == kNeon) return best == kNeon;
  return best != kNeon && l <= best;
}

int level_of(const char* name) {
  for (int i = 0; i < 5; ++i)
    if (std::strcmp(name, kNames[i]) == 0) return i;
  return -1;
}

struct Tables {
  KernelTable by_level[5];
  bool ok[5];
  Level active;
  std::string supported;
  Tables() {
    for (int i = 0; i < 5; ++i) {
      by_level[i] = KernelTable{};
      ok[i] = runnable(static_cast<Level>(i)) && fill(static_cast<Level>(i), by_level[i]);
    }
    active = best_level();
    const char* env = std::getenv("LOSSKIT_ISA");
    if (env && *env) {
      const int want = level_of(env);
      if (want >= 0 && ok[want]) active = static_cast<Level>(want);
    }
    for (int i = 4; i >= 0; --i) {
      if (!ok[i]) continue;
      if (!supported.empty()) supported += ",";
      supported += kNames[i];
    }
  }
};

const Tables& tables() {
  static const Tables t;  // thread-safe one-time initialisation
  return t;
}

}  // namespace

const KernelTable& active_kernels() noexcept { return tables().by_level[tables().active]; }

const KernelTable* kernels_for(const char* isa) noexcept {
  const int l = level_of(isa);
  if (l < 0 || !tables().ok[l]) return nullptr;
  return &tables().by_level[l];
}

const char* supported_isas() noexcept { return tables().supported.c_str(); }

const char* best_isa() noexcept { return kNames[best_level()]; }

}  // namespace losskit
