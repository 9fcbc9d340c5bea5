// Drivers of the embeddings engine: rows fetched (in place, or converted from another dtype or byte
// order with reduce.cc's numpy casts), scored by the instruction set's kernels (embed_isa.cc), then
// either stored as numpy's `a @ v` or kept as the k best per query. Top-k states are sorted by an
// order key, then by index, so every merge order gives the same answer.
#include "embed/embed.h"

#include <errno.h>

#include <algorithm>
#include <type_traits>
#include <cmath>
#include <cstring>
#include <vector>

#include "core/dtype.h"
#include "core/isa.h"
#include "core/keys.h"
#include "reduce/reduce.h"
#include "vm/vm.h"

namespace ndmmap {

namespace baseline { EmbedIsa EmbedKernels(); }
namespace avx2 { EmbedIsa EmbedKernels(); }
namespace avx512 { EmbedIsa EmbedKernels(); }

namespace {

// The instruction set core/isa.h chose (the reductions' set, NDMMAP_ISA included).
EmbedIsa PickIsa() { return ByIsa(&baseline::EmbedKernels, &avx2::EmbedKernels, &avx512::EmbedKernels)(); }

const EmbedIsa& Isa() {
  static const EmbedIsa isa = PickIsa();
  return isa;
}

// Converted rows of one tile stay below this many bytes (L2-sized), at most kMaxTile rows.
constexpr int64_t kTileBytes = 256 * 1024;
constexpr int64_t kMaxTile = 64;
// NaN is the worst key either way: numpy's sort puts NaN last, and so does argsort(-a).
constexpr uint64_t kNanKey = ~0ull;

// ------------------------------------------------------------------------------- order keys

// core/keys.h's keys with -0.0 folded into +0.0 (numpy's argsort ties them: the index decides), NaN
// the worst key either way.
inline uint64_t KeyF32(uint32_t b, bool largest) {
  return NanBits(b) ? kNanKey : Directed(FloatKey(FoldZero(b)), largest);
}

inline uint64_t KeyF64(uint64_t b, bool largest) {
  return NanBits(b) ? kNanKey : Directed(FloatKey(FoldZero(b)), largest);
}

template <int DT, bool Swap> struct KeyOf;
#define NDM_INT_KEY(DT, RAW, SIGNED)                                                             \
  template <bool Swap> struct KeyOf<DT, Swap> {                                                   \
    static uint64_t Do(const uint8_t* p, bool largest, uint64_t* bits) {                          \
      RAW r = Load<RAW, Swap>(p);                                                                 \
      *bits = (uint64_t)r;                                                                        \
      uint64_t u = SIGNED ? (uint64_t)(int64_t)(std::make_signed_t<RAW>)r ^ (1ull << 63) : (uint64_t)r; \
      return Directed(u, largest);                                                                \
    }                                                                                             \
  };
NDM_INT_KEY(kInt8, uint8_t, true)
NDM_INT_KEY(kUInt8, uint8_t, false)
NDM_INT_KEY(kInt16, uint16_t, true)
NDM_INT_KEY(kUInt16, uint16_t, false)
NDM_INT_KEY(kInt32, uint32_t, true)
NDM_INT_KEY(kUInt32, uint32_t, false)
NDM_INT_KEY(kInt64, uint64_t, true)
NDM_INT_KEY(kUInt64, uint64_t, false)
#undef NDM_INT_KEY
template <bool Swap> struct KeyOf<kBool, Swap> {
  static uint64_t Do(const uint8_t* p, bool largest, uint64_t* bits) {
    *bits = *p != 0;
    return Directed(*bits, largest);
  }
};
template <bool Swap> struct KeyOf<kFloat16, Swap> {
  static uint64_t Do(const uint8_t* p, bool largest, uint64_t* bits) {
    uint16_t h = Load<uint16_t, Swap>(p);
    *bits = h;
    float f = HalfToFloat(h);
    uint32_t b;
    std::memcpy(&b, &f, 4);
    return KeyF32(b, largest);
  }
};
template <bool Swap> struct KeyOf<kFloat32, Swap> {
  static uint64_t Do(const uint8_t* p, bool largest, uint64_t* bits) {
    uint32_t b = Load<uint32_t, Swap>(p);
    *bits = b;
    return KeyF32(b, largest);
  }
};
template <bool Swap> struct KeyOf<kFloat64, Swap> {
  static uint64_t Do(const uint8_t* p, bool largest, uint64_t* bits) {
    uint64_t b = Load<uint64_t, Swap>(p);
    *bits = b;
    return KeyF64(b, largest);
  }
};

// ------------------------------------------------------------------------------- top-k state

struct Cand {
  uint64_t key;
  int64_t idx;
  uint64_t bits;
};
inline bool Better(const Cand& a, const Cand& b) { return a.key < b.key || (a.key == b.key && a.idx < b.idx); }

// The k best candidates seen: a buffer of up to 2k+32, cut back to the k best (nth_element) when
// full; once cut, anything not better than the k-th is refused at once.
class Best {
 public:
  explicit Best(int64_t k) : k_(k) { c_.reserve((size_t)(2 * k + 32)); }
  void Push(uint64_t key, int64_t idx, uint64_t bits) {
    Cand x{key, idx, bits};
    if (full_ && !Better(x, worst_)) return;
    c_.push_back(x);
    if ((int64_t)c_.size() >= 2 * k_ + 32) Cut();
  }
  // Keys above this cannot enter (equal keys may: the index decides).
  uint64_t Threshold() const { return full_ ? worst_.key : ~0ull; }
  void Write(uint64_t* slot) {
    if ((int64_t)c_.size() > k_) Cut();
    std::sort(c_.begin(), c_.end(), Better);
    slot[0] = c_.size();
    for (size_t i = 0; i < c_.size(); ++i) {
      slot[1 + kCandWords * i] = c_[i].key;
      slot[2 + kCandWords * i] = (uint64_t)c_[i].idx;
      slot[3 + kCandWords * i] = c_[i].bits;
    }
  }

 private:
  void Cut() {
    std::nth_element(c_.begin(), c_.begin() + (k_ - 1), c_.end(), Better);
    c_.resize((size_t)k_);
    worst_ = c_[(size_t)k_ - 1];
    full_ = true;
  }
  int64_t k_;
  std::vector<Cand> c_;
  Cand worst_{};
  bool full_ = false;
};

// ------------------------------------------------------------------------------- row blocks

struct Scratch {
  std::vector<uint8_t> rows, scores, sq, typed;
  std::vector<uint64_t> keys;
};
Scratch& ThreadScratch() {
  static thread_local Scratch s;
  return s;
}

// The filter program of rows [r0, r0 + n), n <= kMaxTile: keep[i] = 1 to keep row r0 + i, else 0.
// Returns 0, EDOM (an integer to a negative power, numpy's ValueError) or EINVAL.
int FilterTile(const EmbedArgs& a, int64_t r0, int64_t n, uint8_t* keep) {
  const Program& p = *a.filterProgram;
  EvalOperand ops[kMaxProgramOperands];
  for (int k = 0; k < p.nOperands; ++k) ops[k] = EvalOperand{kOperandIndex, kInt64, false, nullptr, 1, r0};
  const void* r = nullptr;
  int status = EvalBlock(p, a.filterConsts, ops, (int)n, EvalOut{}, &r);
  if (status == kEvalNegativePower) return EDOM;
  if (status != kEvalOk) return EINVAL;
  std::memcpy(keep, r, (size_t)n);  // bool lanes are 0/1 bytes
  return 0;
}

const uint8_t* RowAt(const EmbedArgs& a, int64_t r) {
  int64_t off = 0;
  for (int d = a.nLead - 1; d >= 0; --d) {
    int64_t n = a.leadShape[d];
    off += (r % n) * a.leadStrides[d];
    r /= n;
  }
  return a.a + off;
}

// Pointers to rows [r0, r0 + n) in the compute type: in place when stored so, else converted.
// The instruction set's widening for contiguous narrow rows read as float32, or -1.
int Narrow(const EmbedArgs& a) {
  if (a.mode != kFloat32 || a.aSwap || a.colStride != ItemSize(a.aDtype)) return -1;
  switch (a.aDtype) {
    case kFloat16: return kEmbedHalf;
    case kInt8: return kEmbedI8;
    case kUInt8: return kEmbedU8;
    case kInt16: return kEmbedI16;
    case kUInt16: return kEmbedU16;
    default: return -1;
  }
}

template <class T>
void FetchRows(const EmbedArgs& a, int64_t r0, int64_t n, const T** rows, uint8_t* scratch) {
  const bool direct = a.aDtype == a.mode && !a.aSwap && a.colStride == (int64_t)sizeof(T);
  const int narrow = direct ? -1 : Narrow(a);
  // Also for direct rows that are not aligned for T (a record field: rows 10 bytes apart), which are
  // copied rather than read through a misaligned T*.
  ConvFn conv = narrow >= 0 ? nullptr : Conversion(a.aDtype, a.aSwap, a.mode);
  for (int64_t i = 0; i < n; ++i) {
    const uint8_t* p = RowAt(a, r0 + i);
    if (direct && reinterpret_cast<uintptr_t>(p) % alignof(T) == 0) { rows[i] = reinterpret_cast<const T*>(p); continue; }
    uint8_t* dst = scratch + i * a.D * (int64_t)sizeof(T);
    if (narrow >= 0) Isa().widen(p, narrow, a.D, reinterpret_cast<float*>(dst));
    else conv(p, a.colStride, a.D, dst);
    rows[i] = reinterpret_cast<const T*>(dst);
  }
}

template <class T>
void KernelCall(const T* const* rows, int64_t n, const T* q, int64_t nq, int64_t D, int mode, T* out,
                T* norms = nullptr) {
  if constexpr (sizeof(T) == 4) Isa().f32(rows, n, q, nq, D, mode, out, norms);
  else Isa().f64(rows, n, q, nq, D, mode, out, norms);
}

inline uint64_t ScoreKey(float s, bool largest, uint64_t* bits) {
  uint32_t b;
  std::memcpy(&b, &s, 4);
  *bits = b;
  return KeyF32(b, largest);
}
inline uint64_t ScoreKey(double s, bool largest, uint64_t* bits) {
  uint64_t b;
  std::memcpy(&b, &s, 8);
  *bits = b;
  return KeyF64(b, largest);
}

// Order keys of n scores (KeyF32/KeyF64, branch-free after inlining).
void ScoreKeys(const float* v, int64_t n, bool largest, uint64_t* keys) {
  for (int64_t i = 0; i < n; ++i) {
    uint32_t b;
    std::memcpy(&b, v + i, 4);
    keys[i] = KeyF32(b, largest);
  }
}
void ScoreKeys(const double* v, int64_t n, bool largest, uint64_t* keys) {
  for (int64_t i = 0; i < n; ++i) {
    uint64_t b;
    std::memcpy(&b, v + i, 8);
    keys[i] = KeyF64(b, largest);
  }
}

template <class T>
int FloatBlock(const EmbedArgs& a) {
  const int64_t D = a.D, Q = a.Q;
  // Rows read in place need no scratch: a full tile (several rows read side by side) even when they
  // are long; converted rows stay L2-sized.
  const bool inPlace = a.aDtype == a.mode && !a.aSwap && a.colStride == (int64_t)sizeof(T);
  int64_t tile = inPlace ? kMaxTile : kTileBytes / (D * (int64_t)sizeof(T) + 1);
  tile = tile < 1 ? 1 : tile > kMaxTile ? kMaxTile : tile;
  Scratch& s = ThreadScratch();
  s.rows.resize((size_t)(tile * D * (int64_t)sizeof(T)) + 64);
  s.scores.resize((size_t)(tile * Q) * sizeof(T));
  s.sq.resize((size_t)tile * sizeof(T));
  const T* rows[kMaxTile];
  T* sc = reinterpret_cast<T*>(s.scores.data());
  T* sq = reinterpret_cast<T*>(s.sq.data());
  const T* q = static_cast<const T*>(a.queries);
  const bool l2 = a.op == kEmbedSearch && a.metric == kMetricL2;
  const bool cosine = a.op == kEmbedSearch && a.metric == kMetricCosine;
  T qn[kMaxQueries];
  if (cosine)
    for (int64_t j = 0; j < Q; ++j) {
      const T* qj = q + j * D;
      T n2;
      KernelCall<T>(&qj, 1, nullptr, 1, D, kScoreSelf, &n2);
      qn[j] = std::sqrt(n2);
    }
  std::vector<Best> best;
  if (a.op == kEmbedSearch) best.assign((size_t)Q, Best(a.k));
  uint64_t thr[kMaxQueries];
  for (int64_t j = 0; j < Q; ++j) thr[j] = ~0ull;
  s.keys.resize((size_t)(tile * Q));
  uint64_t* keys = s.keys.data();
  const bool largest = !l2;
  ConvFn toOut = nullptr, toStore = nullptr;
  if (a.op == kEmbedDot) {
    toOut = Conversion(a.mode, false, a.outType);
    if (a.storeType != a.outType) toStore = Conversion(a.outType, false, a.storeType);
    s.typed.resize((size_t)(tile * Q) * 8);
  }
  const int64_t storeItem = ItemSize(a.storeType);
  uint8_t keep[kMaxTile];
  for (int64_t t0 = 0; t0 < a.rowCount; t0 += tile) {
    const int64_t n = a.rowCount - t0 < tile ? a.rowCount - t0 : tile;
    const int64_t r0 = a.rowStart + t0;
    if (a.filterProgram != nullptr && a.op == kEmbedSearch) {
      int status = FilterTile(a, r0, n, keep);
      if (status != 0) return status;
      bool any = false;
      for (int64_t i = 0; i < n; ++i) any |= keep[i] != 0;
      if (!any) continue;  // no row of the tile counts: skip reading and scoring it
    }
    FetchRows<T>(a, r0, n, rows, s.rows.data());
    // cosine of one query: the dots and the rows' norms from one read of each row
    const bool fused = cosine && Q == 1;
    KernelCall<T>(rows, n, q, Q, D, fused ? kScoreDotSelf : l2 ? kScoreL2 : kScoreDot, sc, sq);
    if (a.op == kEmbedDot) {
      uint8_t* dst = a.out + r0 * Q * storeItem;
      if (toStore == nullptr) toOut(reinterpret_cast<const uint8_t*>(sc), sizeof(T), n * Q, dst);
      else {
        toOut(reinterpret_cast<const uint8_t*>(sc), sizeof(T), n * Q, s.typed.data());
        toStore(s.typed.data(), ItemSize(a.outType), n * Q, dst);
      }
      continue;
    }
    if (cosine && !fused) KernelCall<T>(rows, n, nullptr, 1, D, kScoreSelf, sq);
    // scores as the metric defines them, then their order keys, in straight loops (vectorised); only
    // keys at or below a query's current threshold reach its top-k state
    for (int64_t i = 0; i < n; ++i) {
      T* v = sc + i * Q;
      if (l2) for (int64_t j = 0; j < Q; ++j) v[j] = std::sqrt(v[j]);
      else if (cosine) {
        const T rn = std::sqrt(sq[i]);
        for (int64_t j = 0; j < Q; ++j) v[j] = v[j] / (rn * qn[j]);
      }
    }
    ScoreKeys(sc, n * Q, largest, keys);
    for (int64_t i = 0; i < n; ++i) {
      const int64_t r = r0 + i;
      if (a.filter != nullptr && a.filter[r * a.filterStride] == 0) continue;
      if (a.filterProgram != nullptr && keep[i] == 0) continue;
      for (int64_t j = 0; j < Q; ++j) {
        const uint64_t key = keys[i * Q + j];
        if (key > thr[j]) continue;
        uint64_t bits;
        ScoreKey(sc[i * Q + j], largest, &bits);
        best[(size_t)j].Push(key, r, bits);
        thr[j] = best[(size_t)j].Threshold();
      }
    }
  }
  if (a.op == kEmbedSearch)
    for (int64_t j = 0; j < Q; ++j) best[(size_t)j].Write(a.state + (a.slot * Q + j) * TopKSlotWords(a.k));
  return 0;
}

// Integer and bool products wrap like numpy's integer matmul (computed in 64 bits, then cast down).
int IntBlock(const EmbedArgs& a) {
  const int64_t D = a.D, Q = a.Q;
  Scratch& s = ThreadScratch();
  s.rows.resize((size_t)D * 8 + 64);
  s.typed.resize((size_t)Q * 8 * 2);
  ConvFn conv = Conversion(a.aDtype, a.aSwap, kInt64);
  ConvFn toOut = Conversion(kInt64, false, a.outType);
  ConvFn toStore = a.storeType != a.outType ? Conversion(a.outType, false, a.storeType) : nullptr;
  const uint64_t* q = static_cast<const uint64_t*>(a.queries);
  uint64_t* x = reinterpret_cast<uint64_t*>(s.rows.data());
  uint64_t* acc = reinterpret_cast<uint64_t*>(s.typed.data());
  const int64_t storeItem = ItemSize(a.storeType);
  for (int64_t i = 0; i < a.rowCount; ++i) {
    const int64_t r = a.rowStart + i;
    conv(RowAt(a, r), a.colStride, D, reinterpret_cast<uint8_t*>(x));
    for (int64_t j = 0; j < Q; ++j) {
      const uint64_t* qj = q + j * D;
      uint64_t t = 0;
      for (int64_t d = 0; d < D; ++d) t += x[d] * qj[d];
      acc[j] = t;
    }
    uint8_t* dst = a.out + r * Q * storeItem;
    if (toStore == nullptr) toOut(reinterpret_cast<const uint8_t*>(acc), 8, Q, dst);
    else {
      uint8_t* tmp = s.typed.data() + Q * 8;
      toOut(reinterpret_cast<const uint8_t*>(acc), 8, Q, tmp);
      toStore(tmp, ItemSize(a.outType), Q, dst);
    }
  }
  return 0;
}

// ------------------------------------------------------------------------------- top-k walk

template <int DT, bool Swap>
void TopKWalk(const TopKArgs& a) {
  const int nOut = a.nOut, nRed = a.nRed;
  int64_t oi[kMaxDims] = {};
  int64_t ri[kMaxDims] = {};
  const int64_t W = TopKSlotWords(a.k);
  for (;;) {
    int64_t off = 0, outPos = a.outBase;
    for (int d = 0; d < nOut; ++d) { off += oi[d] * a.strides[d]; outPos += oi[d] * a.mul[d]; }
    Best best(a.k);
    const int first = nOut, last = nOut + nRed - 1;
    bool empty = false;
    for (int d = first; d <= last; ++d) if (a.shape[d] == 0) empty = true;
    if (!empty) {
      for (int d = first; d <= last; ++d) ri[d] = 0;
      for (;;) {
        int64_t off2 = off, index = a.indexBase;
        for (int d = first; d < last; ++d) { off2 += ri[d] * a.strides[d]; index += ri[d] * a.mul[d]; }
        if (nRed == 0) {
          uint64_t bits;
          uint64_t key = KeyOf<DT, Swap>::Do(a.data + off2, a.largest, &bits);
          best.Push(key, index, bits);
          break;
        }
        const int64_t n = a.shape[last], st = a.strides[last], m = a.mul[last];
        for (int64_t i = 0; i < n; ++i) {
          uint64_t bits;
          uint64_t key = KeyOf<DT, Swap>::Do(a.data + off2 + i * st, a.largest, &bits);
          best.Push(key, index + i * m, bits);
        }
        int d = last - 1;
        for (; d >= first; --d) {
          if (++ri[d] < a.shape[d]) break;
          ri[d] = 0;
        }
        if (d < first) break;
      }
    }
    best.Write(a.out + outPos * W);
    int d = nOut - 1;
    for (; d >= 0; --d) {
      if (++oi[d] < a.shape[d]) break;
      oi[d] = 0;
    }
    if (d < 0) return;
  }
}

template <int DT>
void TopKSwap(const TopKArgs& a) {
  if (a.swap) TopKWalk<DT, true>(a);
  else TopKWalk<DT, false>(a);
}

}  // namespace

int Embed(const EmbedArgs& a) {
  if (a.D < 0 || a.Q < 1 || a.Q > kMaxQueries || a.rowStart < 0 || a.rowCount < 0 || a.nLead < 0 ||
      a.nLead >= kMaxDims || ItemSize(a.aDtype) == 0)
    return EINVAL;
  if (a.op == kEmbedSearch) {
    if (a.k < 1 || a.state == nullptr || (a.mode != kFloat32 && a.mode != kFloat64)) return EINVAL;
    if (a.metric < kMetricDot || a.metric > kMetricL2) return EINVAL;
  } else if (a.op == kEmbedDot) {
    if (a.out == nullptr || ItemSize(a.outType) == 0 || ItemSize(a.storeType) == 0) return EINVAL;
  } else {
    return EINVAL;
  }
  if (a.rowCount == 0) {
    if (a.op == kEmbedSearch)
      for (int64_t j = 0; j < a.Q; ++j) a.state[(a.slot * a.Q + j) * TopKSlotWords(a.k)] = 0;
    return 0;
  }
  if (a.mode == kFloat32) return FloatBlock<float>(a);
  if (a.mode == kFloat64) return FloatBlock<double>(a);
  if (a.mode == kInt64 && a.op == kEmbedDot) return IntBlock(a);
  return EINVAL;
}

int TopK(const TopKArgs& a) {
  if (a.k < 1 || a.nOut < 0 || a.nRed < 0 || a.nOut + a.nRed > kMaxDims || a.out == nullptr) return EINVAL;
  for (int d = 0; d < a.nOut; ++d) if (a.shape[d] == 0) return 0;
  switch (a.dtype) {
    case kBool: TopKSwap<kBool>(a); return 0;
    case kInt8: TopKSwap<kInt8>(a); return 0;
    case kUInt8: TopKSwap<kUInt8>(a); return 0;
    case kInt16: TopKSwap<kInt16>(a); return 0;
    case kUInt16: TopKSwap<kUInt16>(a); return 0;
    case kInt32: TopKSwap<kInt32>(a); return 0;
    case kUInt32: TopKSwap<kUInt32>(a); return 0;
    case kInt64: TopKSwap<kInt64>(a); return 0;
    case kUInt64: TopKSwap<kUInt64>(a); return 0;
    case kFloat16: TopKSwap<kFloat16>(a); return 0;
    case kFloat32: TopKSwap<kFloat32>(a); return 0;
    case kFloat64: TopKSwap<kFloat64>(a); return 0;
    default: return EINVAL;
  }
}

int MergeTopK(const uint64_t* in, int64_t groups, int64_t outCount, int64_t k, uint64_t* out) {
  if (groups < 1 || outCount < 0 || k < 1) return EINVAL;
  const int64_t W = TopKSlotWords(k);
  for (int64_t o = 0; o < outCount; ++o) {
    Best best(k);
    for (int64_t g = 0; g < groups; ++g) {
      const uint64_t* slot = in + (g * outCount + o) * W;
      if (slot[0] > (uint64_t)k) return EINVAL;
      for (uint64_t i = 0; i < slot[0]; ++i)
        best.Push(slot[1 + kCandWords * i], (int64_t)slot[2 + kCandWords * i], slot[3 + kCandWords * i]);
    }
    best.Write(out + o * W);
  }
  return 0;
}

}  // namespace ndmmap
