{
  "targets": [
    {
      "target_name": "ndmmap",
      "sources": [
        "native/addon.cc",
        "native/registry.cc",
        "native/files.cc",
        "native/guard.cc",
        "native/reduce.cc",
        "native/apply.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": [
        "NAPI_VERSION=8",
        "NODE_ADDON_API_DISABLE_DEPRECATED",
        "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS",
        "NAPI_CPP_EXCEPTIONS"
      ],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-std=c++17", "-O3", "-Wall", "-Wextra", "-Wno-unused-parameter", "-fno-math-errno"]
    }
  ]
}
