{
  "variables": {
    "isa_sources": ["native/vm/vm_isa.cc", "native/embed/embed_isa.cc", "native/stats/dist_isa.cc",
                    "native/scan/scan_isa.cc", "native/order/order_isa.cc"],
    "reduce_sources": ["native/reduce/reduce_isa.cc", "native/reduce/reduce_isa_prod.cc",
                       "native/reduce/reduce_isa_extreme.cc", "native/reduce/reduce_isa_moments.cc"],
    "reduce_flags": ["--param=inline-unit-growth=1000"],
    "avx2_flags": ["-mavx2", "-mfma", "-mf16c", "-mbmi2"],
    "avx512_flags": ["-mavx512f", "-mavx512bw", "-mavx512vl", "-mavx512dq", "-mavx2", "-mfma", "-mf16c", "-mbmi2",
                     "-mprefer-vector-width=512"]
  },
  "target_defaults": {
    "include_dirs": ["native", "native/vendor/node-addon-api"],
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
      "sources": ["<@(isa_sources)"],
      "defines": ["NDM_ISA=baseline"],
      "cflags_cc": ["-O2"]
    },
    {
      "target_name": "kernels_avx2",
      "type": "static_library",
      "sources": ["<@(isa_sources)"],
      "defines": ["NDM_ISA=avx2"],
      "cflags_cc": ["<@(avx2_flags)"],
      "conditions": [["target_arch!='x64'", {"cflags_cc!": ["<@(avx2_flags)"]}]]
    },
    {
      "target_name": "kernels_avx512",
      "type": "static_library",
      "sources": ["<@(isa_sources)"],
      "defines": ["NDM_ISA=avx512"],
      "cflags_cc": ["<@(avx512_flags)"],
      "conditions": [["target_arch!='x64'", {"cflags_cc!": ["<@(avx512_flags)"]}]]
    },
    {
      "target_name": "reduce_baseline",
      "type": "static_library",
      "sources": ["<@(reduce_sources)"],
      "defines": ["NDM_ISA=baseline"],
      "cflags_cc": ["-O2", "<@(reduce_flags)"]
    },
    {
      "target_name": "reduce_avx2",
      "type": "static_library",
      "sources": ["<@(reduce_sources)"],
      "defines": ["NDM_ISA=avx2"],
      "cflags_cc": ["<@(avx2_flags)", "<@(reduce_flags)"],
      "conditions": [["target_arch!='x64'", {"cflags_cc!": ["<@(avx2_flags)"]}]]
    },
    {
      "target_name": "reduce_avx512",
      "type": "static_library",
      "sources": ["<@(reduce_sources)"],
      "defines": ["NDM_ISA=avx512"],
      "cflags_cc": ["<@(avx512_flags)", "<@(reduce_flags)"],
      "conditions": [["target_arch!='x64'", {"cflags_cc!": ["<@(avx512_flags)"]}]]
    },
    {
      "target_name": "ndmmap",
      "dependencies": ["kernels_baseline", "kernels_avx2", "kernels_avx512", "reduce_baseline", "reduce_avx2", "reduce_avx512"],
      "sources": [
        "native/core/isa.cc",
        "native/core/registry.cc",
        "native/core/arena.cc",
        "native/core/files.cc",
        "native/core/guard.cc",
        "native/reduce/reduce.cc",
        "native/vm/vm.cc",
        "native/vm/apply.cc",
        "native/embed/embed.cc",
        "native/stats/dist.cc",
        "native/stats/dist_bins.cc",
        "native/stats/dist_axis.cc",
        "native/stats/dist_plan.cc",
        "native/stats/dist_weighted.cc",
        "native/glue/addon.cc",
        "native/glue/glue_reduce.cc",
        "native/glue/glue_apply.cc",
        "native/glue/glue_embed.cc",
        "native/glue/glue_dist.cc",
        "native/scan/scan.cc",
        "native/glue/glue_scan.cc",
        "native/order/order.cc",
        "native/glue/glue_order.cc",
        "native/order/unique.cc",
        "native/order/unique_dense.cc",
        "native/order/search.cc",
        "native/glue/glue_unique.cc",
        "native/gather/gather.cc",
        "native/glue/glue_gather.cc"
      ]
    }
  ]
}
