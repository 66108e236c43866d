# The install build (npm install / node-gyp). Sources and per-ISA flags come from
# native/sources.gypi, which CMakeLists.txt reads too, so both builds compile the same thing.
# Only the per-ISA static libraries get -m flags; the rest is built at the ABI baseline.
# -ffp-contract=off (common flags): the kernels fuse only where they call D::fma, so every ISA
# rounds the same expressions the same way (softmax relies on it for max(x * s) == max(x) * s).
{
  "includes": ["native/sources.gypi"],
  "target_defaults": {
    "cflags_cc": ["-std=c++17", "<@(losskit_common_flags)"],
    "xcode_settings": {"CLANG_CXX_LANGUAGE_STANDARD": "c++17", "MACOSX_DEPLOYMENT_TARGET": "10.15"},
    "msvs_settings": {"VCCLCompilerTool": {"AdditionalOptions": ["/std:c++17"]}}
  },
  "targets": [
    {
      "target_name": "losskit_scalar",
      "type": "static_library",
      "sources": ["<@(losskit_scalar_sources)"],
      "cflags_cc": ["<@(losskit_scalar_flags)"]
    },
    {
      "target_name": "losskit_x86",
      "type": "static_library",
      "conditions": [
        ["target_arch=='x64'", {"sources": ["<@(losskit_sse2_sources)"]}]
      ]
    },
    {
      "target_name": "losskit_avx2",
      "type": "static_library",
      "conditions": [
        ["target_arch=='x64'", {
          "sources": ["<@(losskit_avx2_sources)"],
          "cflags_cc": ["<@(losskit_avx2_flags)"],
          "xcode_settings": {"OTHER_CPLUSPLUSFLAGS": ["<@(losskit_avx2_flags)"]},
          "msvs_settings": {"VCCLCompilerTool": {"EnableEnhancedInstructionSet": "5"}}
        }]
      ]
    },
    {
      "target_name": "losskit_avx512",
      "type": "static_library",
      "conditions": [
        ["target_arch=='x64'", {
          "sources": ["<@(losskit_avx512_sources)"],
          "cflags_cc": ["<@(losskit_avx512_flags)"],
          "xcode_settings": {"OTHER_CPLUSPLUSFLAGS": ["<@(losskit_avx512_flags)"]},
          "msvs_settings": {"VCCLCompilerTool": {"AdditionalOptions": ["/arch:AVX512"]}}
        }]
      ]
    },
    {
      "target_name": "losskit",
      "sources": ["<@(losskit_glue_sources)", "<@(losskit_kernel_sources)"],
      "dependencies": ["losskit_scalar", "losskit_x86", "losskit_avx2", "losskit_avx512"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-fexceptions"],
      "xcode_settings": {"GCC_ENABLE_CPP_EXCEPTIONS": "YES"},
      "msvs_settings": {"VCCLCompilerTool": {"ExceptionHandling": 1}},
      "conditions": [
        ["target_arch=='arm64'", {"defines": ["LOSSKIT_HAVE_NEON"], "sources": ["<@(losskit_neon_sources)"]}]
      ]
    }
  ]
}
