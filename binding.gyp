{
  "target_defaults": {
    "include_dirs": ["native/vendor/node-addon-api"],
    "defines": [
      "NAPI_VERSION=8",
      "NODE_ADDON_API_DISABLE_DEPRECATED",
      "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS",
      "NAPI_CPP_EXCEPTIONS"
    ],
    "cflags!": ["-fno-exceptions"],
    "cflags_cc!": ["-fno-exceptions"],
    "cflags_cc": ["-std=c++17", "-O3", "-Wall", "-Wextra", "-Wno-unused-parameter", "-fno-math-errno",
                  "-ffp-contract=off", "-fPIC", "-Wno-psabi"]
  },
  "targets": [
    {
      "target_name": "kernels_baseline",
      "type": "static_library",
      "sources": ["native/reduce_isa.cc", "native/vm_isa.cc", "native/embed_isa.cc", "native/dist_isa.cc"],
      "defines": ["NDM_ISA=baseline"],
      "cflags_cc": ["-O2"]
    },
    {
      "target_name": "kernels_avx2",
      "type": "static_library",
      "sources": ["native/reduce_isa.cc", "native/vm_isa.cc", "native/embed_isa.cc", "native/dist_isa.cc"],
      "defines": ["NDM_ISA=avx2"],
      "cflags_cc": ["-mavx2", "-mfma", "-mf16c", "-mbmi2"]
    },
    {
      "target_name": "kernels_avx512",
      "type": "static_library",
      "sources": ["native/reduce_isa.cc", "native/vm_isa.cc", "native/embed_isa.cc", "native/dist_isa.cc"],
      "defines": ["NDM_ISA=avx512"],
      "cflags_cc": ["-mavx512f", "-mavx512bw", "-mavx512vl", "-mavx512dq", "-mavx2", "-mfma", "-mf16c", "-mbmi2",
                    "-mprefer-vector-width=512"]
    },
    {
      "target_name": "ndmmap",
      "dependencies": ["kernels_baseline", "kernels_avx2", "kernels_avx512"],
      "sources": [
        "native/addon.cc",
        "native/glue_reduce.cc",
        "native/glue_dist.cc",
        "native/dist.cc",
        "native/dist_bins.cc",
        "native/dist_axis.cc",
        "native/dist_plan.cc",
        "native/dist_weighted.cc",
        "native/registry.cc",
        "native/files.cc",
        "native/guard.cc",
        "native/reduce.cc",
        "native/apply.cc",
        "native/glue_apply.cc",
        "native/vm.cc",
        "native/embed.cc",
        "native/glue_embed.cc"
      ]
    }
  ]
}
