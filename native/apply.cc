// Elementwise expression kernel: walks the n-d index space (odometer over all dims but the last, the
// last in blocks of kBlock), loads x/y blocks into the compute type, runs the VM, casts and stores.
#include "apply.h"

#include <errno.h>

#include <algorithm>
#include <cstring>
#include <type_traits>
#include <utility>
#include <vector>

#include "cast.h"
#include "dtype.h"
#include "vm.h"

namespace ndmmap {
namespace {

// Load n elements of dtype DT (stride s bytes) from p into T[]. A contiguous, native-order operand
// gets its own instantiation, so the compiler can vectorise the conversion.
template <int DT, bool Swap, class T>
void LoadRun(const uint8_t* p, int64_t s, int n, T* dst) {
  using In = typename Conv<T>::template In<DT>;
  using R = typename In::R;
  if (s == (int64_t)sizeof(R)) {
    for (int i = 0; i < n; ++i) dst[i] = In::Do(Load<R, Swap>(p + (int64_t)i * sizeof(R)));
  } else {
    for (int i = 0; i < n; ++i) dst[i] = In::Do(Load<R, Swap>(p + i * s));
  }
}

template <int DT, bool Swap, class T>
void StoreRun(const T* src, int n, uint8_t* p, int64_t s) {
  using Out = typename Conv<T>::template Out<DT>;
  using R = typename Out::R;
  if (s == (int64_t)sizeof(R)) {
    for (int i = 0; i < n; ++i) Store<R, Swap>(p + (int64_t)i * sizeof(R), Out::Do(src[i]));
  } else {
    for (int i = 0; i < n; ++i) Store<R, Swap>(p + i * s, Out::Do(src[i]));
  }
}

// Touch every cache line of [p + off, p + off + len) ahead of use; a hint only (never faults).
// Only for dense runs (stride up to 16 bytes): for wide strides most lines would go unused.
inline void Prefetch(const uint8_t* p, int64_t off, int64_t len, int64_t stride, bool write) {
  if (p == nullptr || len <= 0 || stride > 16) return;
  for (int64_t k = 0; k < len; k += 64) {
    if (write) __builtin_prefetch(p + off + k, 1, 3);
    else __builtin_prefetch(p + off + k, 0, 3);
  }
}

template <class T> using LoadFn = void (*)(const uint8_t*, int64_t, int, T*);
template <class T> using StoreFn = void (*)(const T*, int, uint8_t*, int64_t);

// Function tables indexed by dtype code, then swap.
template <class T, int... DTs>
LoadFn<T> PickLoad(int dt, bool swap, std::integer_sequence<int, DTs...>) {
  static const LoadFn<T> table[][2] = {{&LoadRun<DTs, false, T>, &LoadRun<DTs, true, T>}...};
  return table[dt][swap ? 1 : 0];
}
template <class T, int... DTs>
StoreFn<T> PickStore(int dt, bool swap, std::integer_sequence<int, DTs...>) {
  static const StoreFn<T> table[][2] = {{&StoreRun<DTs, false, T>, &StoreRun<DTs, true, T>}...};
  return table[dt][swap ? 1 : 0];
}
using AllDTypes = std::make_integer_sequence<int, kDTypeCount>;

template <class T>
int Execute(const Program& prog, const double* constsRaw, int64_t nConsts, int ndim, const int64_t* shape,
            const Operand& x, const Operand& y, const Operand& out) {
  // Consts arrive as float64 values, or as int64 bit patterns in the integer modes.
  std::vector<T> consts((size_t)nConsts);
  if (nConsts > 0) std::memcpy(consts.data(), constsRaw, (size_t)nConsts * sizeof(T));
  static_assert(sizeof(T) == sizeof(double), "consts are 8-byte slots");

  // One fixed scratch for the whole call: x and y blocks, then the VM's stack slots.
  std::vector<T> scratch((size_t)(2 + prog.stack) * kBlock);
  std::vector<const T*> ptr((size_t)prog.stack);
  T* xb = scratch.data();
  T* yb = xb + kBlock;
  T* slots = yb + kBlock;

  LoadFn<T> loadX = prog.usesX ? PickLoad<T>(x.dtype, x.swap, AllDTypes{}) : nullptr;
  LoadFn<T> loadY = prog.usesY ? PickLoad<T>(y.dtype, y.swap, AllDTypes{}) : nullptr;
  StoreFn<T> store = PickStore<T>(out.dtype, out.swap, AllDTypes{});

  // A 0-d operand is one element: treat it as shape (1,) with stride 0.
  static const int64_t kOne = 1, kZero = 0;
  int outer = ndim > 0 ? ndim - 1 : 0;
  int64_t inner = ndim > 0 ? shape[ndim - 1] : kOne;
  auto last = [&](const Operand& o) { return o.data && ndim > 0 ? o.strides[ndim - 1] : kZero; };
  int64_t sx = last(x), sy = last(y), so = last(out);
  // Direct reads need the compute type's own layout: float64 data in float mode, int64/uint64 in the
  // integer modes, native byte order, unit stride and natural alignment.
  constexpr int kSame = std::is_same<T, double>::value ? kFloat64 : std::is_same<T, int64_t>::value ? kInt64 : kUInt64;
  auto direct = [&](const Operand& o, int64_t s) {
    return o.data != nullptr && o.dtype == kSame && !o.swap && s == (int64_t)sizeof(T) &&
           reinterpret_cast<uintptr_t>(o.data) % alignof(T) == 0;
  };
  bool directX = prog.usesX && direct(x, sx), directY = prog.usesY && direct(y, sy);
  for (int d = 0; d < ndim; ++d) if (shape[d] == 0) return 0;

  std::vector<int64_t> idx((size_t)outer, 0);
  const uint8_t* px = x.data;
  const uint8_t* py = y.data;
  uint8_t* po = out.data;
  for (;;) {
    for (int64_t j = 0; j < inner; j += kBlock) {
      int n = (int)std::min<int64_t>(kBlock, inner - j);
      // Ask for the next block's lines now, so memory works while the VM computes this one.
      if (j + kBlock < inner) {
        int64_t m = std::min<int64_t>(kBlock, inner - j - kBlock);
        Prefetch(px, (j + kBlock) * sx, m * sx, sx, false);
        Prefetch(py, (j + kBlock) * sy, m * sy, sy, false);
        Prefetch(po, (j + kBlock) * so, m * so, so, true);
      }
      // A contiguous operand already in the compute type is read in place (no copy pass).
      const T* xin = directX ? reinterpret_cast<const T*>(px + j * sx) : xb;
      const T* yin = directY ? reinterpret_cast<const T*>(py + j * sy) : yb;
      if (loadX && !directX) loadX(px + j * sx, sx, n, xb);
      if (loadY && !directY) loadY(py + j * sy, sy, n, yb);
      const T* r = Run<T>(prog, consts.data(), xin, yin, n, slots, ptr.data());
      store(r, n, po + j * so, so);
    }
    // Odometer: bump the last outer dim, carrying leftwards; pointers move by whole strides.
    int d = outer - 1;
    for (; d >= 0; --d) {
      if (++idx[d] < shape[d]) {
        if (px) px += x.strides[d];
        if (py) py += y.strides[d];
        po += out.strides[d];
        break;
      }
      int64_t back = shape[d] - 1;
      if (px) px -= back * x.strides[d];
      if (py) py -= back * y.strides[d];
      po -= back * out.strides[d];
      idx[d] = 0;
    }
    if (d < 0) return 0;
  }
}

}  // namespace

int Apply(const uint8_t* code, int64_t codeLen, const double* consts, int64_t nConsts, int ndim,
          const int64_t* shape, const Operand& x, const Operand& y, const Operand& out) {
  Program prog;
  if (code == nullptr || nConsts < 0 || ndim < 0 || out.data == nullptr || ItemSize(out.dtype) == 0) return EINVAL;
  if ((x.data && ItemSize(x.dtype) == 0) || (y.data && ItemSize(y.dtype) == 0)) return EINVAL;
  if (!Validate(code, codeLen, nConsts, x.data != nullptr, y.data != nullptr, &prog)) return EINVAL;
  switch (prog.mode) {
    case kModeFloat: return Execute<double>(prog, consts, nConsts, ndim, shape, x, y, out);
    case kModeInt: return Execute<int64_t>(prog, consts, nConsts, ndim, shape, x, y, out);
    default: return Execute<uint64_t>(prog, consts, nConsts, ndim, shape, x, y, out);
  }
}

}  // namespace ndmmap
