// Dense counting kernels of unique()'s hash pass (unique_table.h): value counts of integer labels read
// with typed loads over the block's inner runs and counted by index, with no key conversion, hashing or
// probing per element. A window of kWin slots starts at the block's first run's least value (modular:
// slot d is base + d in the type's wrapping arithmetic), so 1- and 2-byte values (bool, int8, uint8,
// int16, uint16) always fit and 4- and 8-byte ones fit when near the first run's least; the others go
// one by one to the hash table. One test per 4 values (their slots' OR below kWin, a power of 2)
// keeps the counting loop free of per-value branches; four tables take consecutive values, because
// count[x]++ on one label (all-equal data, bools) is a chain of dependent stores that four tables cut
// to a quarter. Counting does not vectorise (a scatter of increments): the loop is load-bound.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <memory>
#include <mutex>
#include <type_traits>
#include <vector>

#include "core/dtype.h"
#include "core/keys.h"
#include "order/lookup.h"
#include "order/unique_table.h"

namespace ndmmap {
namespace lookup {
namespace {

constexpr int64_t kWin = 1 << 16;              // window of wide values; covers all 1- and 2-byte ones
constexpr int kTables = 4;                     // independent count chains (see the file comment)
constexpr int64_t kRun = 4096;                 // values per run: a copied run stays in L1
constexpr int64_t kFlushAfter = int64_t(1) << 31;  // uint32 counts are flushed before one can wrap
constexpr int64_t kNoFirst = std::numeric_limits<int64_t>::max();

// Per-thread tables, kept zeroed between blocks (on the heap: the addon's TLS segment stays small).
struct DenseScratch {
  std::vector<uint32_t> counts = std::vector<uint32_t>((size_t)(kTables * kWin), 0);
  std::vector<int64_t> first = std::vector<int64_t>((size_t)kWin, kNoFirst);
  std::vector<uint64_t> buf = std::vector<uint64_t>((size_t)kRun);  // a strided or swapped run, copied
};
DenseScratch& LocalDense() {
  static thread_local std::unique_ptr<DenseScratch> s;
  if (!s) s.reset(new DenseScratch());
  return *s;
}

template <class T>
struct Counter {
  using U = std::make_unsigned_t<T>;
  static constexpr bool kWhole = sizeof(T) <= 2;  // the window holds the type's whole range
  DenseScratch& S;
  int kind;
  bool needFirst, isBool;
  Table& t;
  Call& call;
  int64_t bound;
  bool set = false, over = false;
  T base = 0;  // value of slot 0 (slot d: base + d, wrapping)
  int64_t lo = kWin, hi = -1, pending = 0;

  uint64_t KeyOf(T v) const {
    // as the walker's fetch converts it: bool to 0/1, signed sign-extended, then MakeKeys
    const uint64_t w = isBool ? (uint64_t)(v != 0) : std::is_signed<T>::value ? (uint64_t)(int64_t)v : (uint64_t)v;
    return kind == kKindI64 ? w ^ kSign64 : w;
  }
  static U Idx(T v, T base) { return (U)((U)v - (U)base); }

  void Miss(T v, int64_t at) {
    const uint64_t k = KeyOf(v);
    Slot& s = t.Find(k);
    if (s.count != 0) {
      ++s.count;
      if (needFirst && at < s.first) s.first = at;
      return;
    }
    t.Add(k, k, needFirst ? at : 0, 1);
    if (t.used > bound) over = true;
  }

  // Counts groups of 4 values of p[i, n) until one holds a value outside the window: returns where
  // that group starts (or where fewer than 4 are left). 4 slots' OR is below kWin (a power of 2)
  // exactly when all 4 are: one test per group. Apart from the object, so every pointer and the
  // running OR stay in registers (restrict: the counts alias nothing read here).
  static int64_t CountFast(const T* __restrict p, int64_t i, int64_t n, T b, uint32_t* __restrict c, U* accOut) {
    uint32_t* __restrict c1 = c + kWin;
    uint32_t* __restrict c2 = c + 2 * kWin;
    uint32_t* __restrict c3 = c + 3 * kWin;
    U acc = *accOut;
    for (; i + 4 <= n; i += 4) {
      const U d0 = Idx(p[i], b), d1 = Idx(p[i + 1], b), d2 = Idx(p[i + 2], b), d3 = Idx(p[i + 3], b);
      const U any = (U)(d0 | d1 | d2 | d3);
      if (!kWhole && any >= (U)kWin) break;
      acc |= any;
      ++c[d0];
      ++c1[d1];
      ++c2[d2];
      ++c3[d3];
    }
    *accOut = acc;
    return i;
  }

  // One by one: values outside the window go to the hash table.
  void Slow(const T* p, int64_t n, int64_t index, int64_t istep, U& acc) {
    uint32_t* c = S.counts.data();
    for (int64_t i = 0; i < n && !over; ++i) {
      const U d = Idx(p[i], base);
      if (d >= (U)kWin) { Miss(p[i], index + i * istep); continue; }
      ++c[d];
      acc |= d;
    }
  }

  void Run(const T* p, int64_t n, int64_t index, int64_t istep) {
    if (n <= 0) return;
    if (!set) {
      // the window is modular from the first run's least value: labels from any least value fit, and a
      // slot's value is base + slot in the type's wrapping arithmetic whatever the sign
      T mn = p[0];
      for (int64_t i = 1; i < n; ++i) mn = std::min(mn, p[i]);
      base = mn;
      set = true;
    }
    const T b = base;
    // the OR of every slot counted bounds the highest (a flush reads no further)
    U acc = 0;
    int64_t i = 0;
    while (i + 4 <= n) {
      i = CountFast(p, i, n, b, S.counts.data(), &acc);
      if (i + 4 > n) break;
      Slow(p + i, 4, index + i * istep, istep, acc);  // a group with a value outside the window
      i += 4;
    }
    if (i < n) Slow(p + i, n - i, index + i * istep, istep, acc);
    if (needFirst) {
      int64_t* f = S.first.data();
      for (i = 0; i < n; ++i) {
        const U d = Idx(p[i], b);
        if (!kWhole && d >= (U)kWin) continue;  // Miss kept its first
        acc |= d;  // a slot Slow left uncounted once over is still cleared by the flush
        const int64_t at = index + i * istep;
        if (at < f[d]) f[d] = at;
      }
    }
    // every bit below acc's highest set: the least 2^k - 1 >= every slot counted
    uint64_t span = (uint64_t)acc;
    for (int sh = 1; sh < 64; sh <<= 1) span |= span >> sh;
    lo = 0;
    hi = std::max(hi, (int64_t)std::min<uint64_t>(span, kWin - 1));
    pending += n;
    if (pending >= kFlushAfter) Flush();
  }

  // The counted slots join the call's table and are zeroed (also once over: the tables must be clean
  // for the next block). One lock per flush: the slots are few next to the values counted.
  void Flush() {
    uint32_t* c = S.counts.data();
    int64_t* f = S.first.data();
    std::lock_guard<std::mutex> g(call.mu);
    if (call.overflow) over = true;
    for (int64_t d = lo; d <= hi; ++d) {
      int64_t n = 0;
      for (int j = 0; j < kTables; ++j) { n += c[j * kWin + d]; c[j * kWin + d] = 0; }
      const int64_t at = f[d];
      f[d] = kNoFirst;
      if (n == 0 || over) continue;
      const uint64_t k = KeyOf((T)((U)base + (U)d));
      call.AddDense(k, needFirst ? at : 0, n);
      if (call.Used() > bound) over = call.overflow = true;
    }
    lo = kWin;
    hi = -1;
    pending = 0;
  }
};

// The odometer of WalkKeys (lookup_walk.inc) with typed loads: a contiguous aligned native run is
// counted where it lies, any other (strided, flipped, byte-swapped, unaligned) copied first.
template <class T>
int CountBlock(const ReduceArgs& a, int kind, bool needFirst, bool isBool, Table& t, Call& c, int64_t bound) {
  Counter<T> k{LocalDense(), kind, needFirst, isBool, t, c, bound};
  const int nd = a.nOut + a.nRed;
  for (int d = 0; d < nd; ++d) if (a.shape[d] == 0) return 0;
  const int last = nd - 1;
  const int64_t inner = nd > 0 ? a.shape[last] : 1;
  const int64_t step = nd > 0 ? a.strides[0][last] : 0;
  const int64_t istep = nd > 0 ? a.mul[last] : 0;
  const bool swap = a.ops[0].swap && sizeof(T) > 1;
  T* buf = reinterpret_cast<T*>(k.S.buf.data());
  int64_t at[kMaxDims] = {};
  const uint8_t* pos = a.ops[0].data;
  int64_t index = a.indexBase;
  for (;;) {
    for (int64_t c = 0; c < inner && !k.over; c += kRun) {
      const int64_t m = std::min(kRun, inner - c);
      const uint8_t* p = pos + c * step;
      if (!swap && step == (int64_t)sizeof(T) && reinterpret_cast<uintptr_t>(p) % alignof(T) == 0) {
        k.Run(reinterpret_cast<const T*>(p), m, index + c * istep, istep);
        continue;
      }
      if (swap) for (int64_t i = 0; i < m; ++i) buf[i] = Load<T, true>(p + i * step);
      else for (int64_t i = 0; i < m; ++i) buf[i] = Load<T, false>(p + i * step);
      k.Run(buf, m, index + c * istep, istep);
    }
    int d = last - 1;
    for (; d >= 0 && !k.over; --d) {
      if (++at[d] < a.shape[d]) {
        pos += a.strides[0][d];
        index += a.mul[d];
        break;
      }
      pos -= a.strides[0][d] * (a.shape[d] - 1);
      index -= a.mul[d] * (a.shape[d] - 1);
      at[d] = 0;
    }
    if (d < 0 || k.over) break;
  }
  k.Flush();
  return k.over ? EOVERFLOW : 0;
}

using CountFn = int (*)(const ReduceArgs&, int, bool, bool, Table&, Call&, int64_t);
// By dtype code: the counting kernel of its stored type (nullptr: not an integer type).
struct DenseEntry { int dtype; CountFn fn; bool isBool; };
constexpr DenseEntry kDense[] = {
    {kBool, CountBlock<uint8_t>, true},     {kInt8, CountBlock<int8_t>, false},
    {kUInt8, CountBlock<uint8_t>, false},   {kInt16, CountBlock<int16_t>, false},
    {kUInt16, CountBlock<uint16_t>, false}, {kInt32, CountBlock<int32_t>, false},
    {kUInt32, CountBlock<uint32_t>, false}, {kInt64, CountBlock<int64_t>, false},
    {kUInt64, CountBlock<uint64_t>, false},
};

}  // namespace

int DenseBlock(const ReduceArgs& a, int kind, bool needFirst, Table& t, Call& c, int64_t bound) {
  if (a.value != nullptr || a.maskOperand >= 0 || a.nOps != 1 || (kind != kKindI64 && kind != kKindU64)) return -1;
  for (const DenseEntry& e : kDense)
    if (e.dtype == a.ops[0].dtype) return e.fn(a, kind, needFirst, e.isBool, t, c, bound);
  return -1;
}

}  // namespace lookup
}  // namespace ndmmap
