{
  "variables": {
    "losskit_glue_sources": [
      "native/addon/addon.cc",
      "native/addon/async.cc",
      "native/addon/classification.cc",
      "native/addon/dense.cc",
      "native/addon/distributions.cc",
      "native/addon/tiny.cc"
    ],
    "losskit_kernel_sources": [
      "native/kernels/dispatch.cc"
    ],
    "losskit_scalar_sources": [
      "native/kernels/scalar.cc"
    ],
    "losskit_sse2_sources": [
      "native/kernels/sse2.cc"
    ],
    "losskit_avx2_sources": [
      "native/kernels/avx2.cc"
    ],
    "losskit_avx512_sources": [
      "native/kernels/avx512.cc"
    ],
    "losskit_neon_sources": [
      "native/kernels/neon.cc"
    ],
    "losskit_scalar_flags": ["-fno-tree-vectorize"],
    "losskit_avx2_flags": ["-mavx2", "-mfma"],
    "losskit_avx512_flags": ["-mavx512f", "-mavx512dq", "-mavx2", "-mfma", "-mprfchw"],
    "losskit_common_flags": ["-fPIC", "-fno-math-errno", "-ffp-contract=off"]
  }
}
