// N-API glue of the order kernels (order/order.h): order() sorts one block of rows along an axis, from a
// mapping or a buffer into a mapping or a buffer. Every field is checked here (bounds of both extents,
// dtypes, a read-only target) so the kernel only sees valid arguments.
#include <vector>

#include "glue/glue.h"
#include "order/order.h"

namespace ndmmap {
namespace {

namespace O = desc::order;
constexpr int64_t kBuffer0 = -3;

[[noreturn]] void Bad(Napi::Env env, const std::string& msg) { ThrowCode(env, "ERR_INVALID_ARG_VALUE", "order descriptor: " + msg); }

int64_t Int(Napi::Env env, double d) { return DescInt(env, d, "ERR_INVALID_ARG_VALUE", "order descriptor: fields must be integers"); }

// The memory of an operand over `ndim` dims (shape, strides) from `pos`: a held mapping or buffers[b].
uint8_t* Resolve(const Napi::CallbackInfo& info, int64_t id, int64_t pos, size_t ndim, const int64_t* shape,
                 const int64_t* strides, int64_t item, bool isOut, std::unique_ptr<Hold>& hold) {
  Napi::Env env = info.Env();
  if (id >= 0) {
    hold.reset(new Hold(env, id));
    if (isOut && hold->span.mode == kMapRead) ThrowCode(env, "ERR_NDMMAP_READONLY", "the target is read-only");
    return Checked(env, hold->span, pos, ndim, shape, strides, item);
  }
  if (id > kBuffer0) Bad(env, "bad operand id");
  int64_t b = kBuffer0 - id;
  Napi::Value arr = info.Length() > 1 && info[1].IsArray() ? info[1].As<Napi::Array>().Get((uint32_t)b) : env.Undefined();
  if (!arr.IsTypedArray()) Bad(env, "buffer " + std::to_string(b) + " is missing");
  Napi::TypedArray t = arr.As<Napi::TypedArray>();
  void* raw = nullptr;
  if (napi_get_typedarray_info(env, t, nullptr, nullptr, &raw, nullptr, nullptr) != napi_ok) Bad(env, "unreadable buffer");
  int64_t lo = 0, hi = 0;
  if (Extent(ndim, shape, strides, item, &lo, &hi) && (pos + lo < 0 || pos + hi > (int64_t)t.ByteLength()))
    ThrowCode(env, "ERR_OUT_OF_RANGE", "block lies outside the buffer");
  return static_cast<uint8_t*>(raw) + pos;
}

// order(desc: Float64Array, buffers?: TypedArray[])
Napi::Value OrderGlue(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Float64Array da = F64Arg(info, 0, "descriptor");
  const double* d = da.Data();
  size_t len = da.ElementLength();
  if (len < O::kSize) Bad(env, "too short");
  OrderArgs a;
  a.mode = (int)Int(env, d[O::kMode]);
  a.n = Int(env, d[O::kN]);
  int64_t nOuter = Int(env, d[O::kNOuter]);
  if (a.mode != kOrderSort && a.mode != kOrderArgsort) Bad(env, "bad mode");
  int64_t nKth = Int(env, d[O::kNKth]);
  if (nOuter < 0 || nOuter + 1 > kMaxDims || nKth < 0 || nKth > a.n || len != O::kSize + 3 * (size_t)nOuter + (size_t)nKth)
    Bad(env, "wrong length");
  if (a.n < 0) Bad(env, "negative length");
  std::vector<int64_t> kth((size_t)nKth);
  for (int64_t i = 0; i < nKth; ++i) {
    kth[(size_t)i] = Int(env, d[O::kSize + 3 * nOuter + i]);
    if (kth[(size_t)i] < (i == 0 ? 0 : kth[(size_t)i - 1] + 1) || kth[(size_t)i] >= a.n) Bad(env, "kth positions must ascend within the row");
  }
  a.nKth = nKth;
  a.kth = kth.data();
  a.nOuter = (int)nOuter;
  a.srcDtype = (int)Int(env, d[O::kSrcDtype]);
  int64_t item = OrderItemSize(a.srcDtype);
  if (item == 0) Bad(env, "bad dtype");
  a.srcSwap = d[O::kSrcSwap] != 0;
  a.dstSwap = d[O::kDstSwap] != 0;
  a.srcStep = Int(env, d[O::kSrcStep]);
  a.dstStep = Int(env, d[O::kDstStep]);
  a.rowStart = Int(env, d[O::kRowStart]);
  a.rowCount = Int(env, d[O::kRowCount]);
  a.indexStep = Int(env, d[O::kIndexStep]);
  if (a.indexStep < 0 || a.indexStep > (int64_t(1) << 53)) Bad(env, "bad index step");
  // shapes/strides of the whole array, the axis last: bounds are checked over every row at once
  int64_t shape[kMaxDims], ss[kMaxDims], ds[kMaxDims];
  int64_t rows = 1;
  for (int64_t k = 0; k < nOuter; ++k) {
    const double* e = d + O::kSize + 3 * k;
    shape[k] = a.outerShape[k] = Int(env, e[0]);
    ss[k] = a.srcOuter[k] = Int(env, e[1]);
    ds[k] = a.dstOuter[k] = Int(env, e[2]);
    if (shape[k] < 0) Bad(env, "negative dim");
    rows = shape[k] == 0 ? 0 : (rows > (int64_t(1) << 53) / shape[k] ? -1 : rows * shape[k]);
    if (rows < 0) Bad(env, "too many rows");
  }
  if (a.rowStart < 0 || a.rowCount < 0 || a.rowStart + a.rowCount > rows) ThrowCode(env, "ERR_OUT_OF_RANGE", "rows out of range");
  shape[nOuter] = a.n;
  ss[nOuter] = a.srcStep;
  ds[nOuter] = a.dstStep;
  int64_t dstItem = a.mode == kOrderArgsort ? 8 : item;
  std::unique_ptr<Hold> hs, hd;
  a.src = Resolve(info, Int(env, d[O::kSrcId]), Int(env, d[O::kSrcPos]), (size_t)nOuter + 1, shape, ss, item, false, hs);
  a.dst = Resolve(info, Int(env, d[O::kDstId]), Int(env, d[O::kDstPos]), (size_t)nOuter + 1, shape, ds, dstItem, true, hd);
  int status = Guarded(env, {hs.get(), hd.get()}, [&] { return OrderRows(a); });
  if (status == kOrderNoMemory) ThrowCode(env, "ERR_NDMMAP_NO_MEMORY", "order: out of memory for a row's keys");
  if (status != kOrderOk) Bad(env, "bad arguments");
  return env.Undefined();
}

namespace M = desc::orderMerge;

// orderMerge(desc: Float64Array, buffers?: TypedArray[]): one output range of a long row's merge
Napi::Value MergeGlue(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Float64Array da = F64Arg(info, 0, "descriptor");
  const double* d = da.Data();
  if (da.ElementLength() != M::kSize) Bad(env, "merge descriptor has the wrong length");
  MergeArgs m;
  m.mode = (int)Int(env, d[M::kMode]);
  m.dtype = (int)Int(env, d[M::kDtype]);
  m.n = Int(env, d[M::kN]);
  m.runLen = Int(env, d[M::kRunLen]);
  m.o0 = Int(env, d[M::kO0]);
  m.o1 = Int(env, d[M::kO1]);
  int64_t item = OrderItemSize(m.dtype);
  if (item == 0 || (m.mode != kOrderSort && m.mode != kOrderArgsort)) Bad(env, "bad dtype or mode");
  if (m.n < 1 || m.runLen < 1 || m.o0 < 0 || m.o1 < m.o0 || m.o1 > m.n) ThrowCode(env, "ERR_OUT_OF_RANGE", "merge ranges out of range");
  m.runsSwap = d[M::kRunsSwap] != 0;
  m.srcSwap = d[M::kSrcSwap] != 0;
  m.outSwap = d[M::kOutSwap] != 0;
  m.runsStep = Int(env, d[M::kRunsStep]);
  m.srcStep = Int(env, d[M::kSrcStep]);
  m.outStep = Int(env, d[M::kOutStep]);
  const bool arg = m.mode == kOrderArgsort;
  int64_t len = m.n, outLen = m.o1 - m.o0;
  std::unique_ptr<Hold> hr, hs, ho;
  m.runs = Resolve(info, Int(env, d[M::kRunsId]), Int(env, d[M::kRunsPos]), 1, &len, &m.runsStep, arg ? 8 : item, false, hr);
  if (arg) m.src = Resolve(info, Int(env, d[M::kSrcId]), Int(env, d[M::kSrcPos]), 1, &len, &m.srcStep, item, false, hs);
  // out is element o0 of the merged row (order.h): each part of the merge writes its own range
  m.out = Resolve(info, Int(env, d[M::kOutId]), Int(env, d[M::kOutPos]) + m.o0 * m.outStep, 1, &outLen, &m.outStep, arg ? 8 : item, true, ho);
  int status = Guarded(env, {hr.get(), hs.get(), ho.get()}, [&] { return OrderMerge(m); });
  if (status == kOrderNoMemory) ThrowCode(env, "ERR_NDMMAP_NO_MEMORY", "orderMerge: out of memory for the run cursors");
  if (status != kOrderOk) Bad(env, "bad merge arguments");
  return env.Undefined();
}

namespace P = desc::orderPart;

// orderPart(desc: Float64Array, splitters: BigUint64Array, table: Float64Array): one phase of the
// partition sort of a long row (order.h PartArgs). Everything a phase indexes by is checked here:
// bucket counts, the table's length, element and bucket ranges, and the buckets' bounds.
Napi::Value PartGlue(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Float64Array da = F64Arg(info, 0, "descriptor");
  const double* d = da.Data();
  if (da.ElementLength() != P::kSize) Bad(env, "partition descriptor has the wrong length");
  if (info.Length() < 3 || !info[1].IsTypedArray() || info[1].As<Napi::TypedArray>().TypedArrayType() != napi_biguint64_array)
    Bad(env, "splitters must be a BigUint64Array");
  Napi::BigUint64Array spl = info[1].As<Napi::BigUint64Array>();
  Napi::Float64Array table = F64Arg(info, 2, "table");
  PartArgs p;
  p.phase = (int)Int(env, d[P::kPhase]);
  p.dtype = (int)Int(env, d[P::kDtype]);
  p.n = Int(env, d[P::kN]);
  p.buckets = Int(env, d[P::kBuckets]);
  p.tableLen = Int(env, d[P::kTableLen]);
  p.i0 = Int(env, d[P::kI0]);
  p.i1 = Int(env, d[P::kI1]);
  p.maxLen = Int(env, d[P::kMaxLen]);
  int64_t item = OrderItemSize(p.dtype);
  if (item == 0 || item > 8 || p.phase < kPartSample || p.phase > kPartBuckets) Bad(env, "bad dtype or phase");
  if (p.n < 1) ThrowCode(env, "ERR_OUT_OF_RANGE", "partition: empty row");
  if (item <= 2) {
    if (p.buckets != 0 || p.tableLen != (int64_t(1) << (8 * item))) Bad(env, "bad bucket count");
  } else if (p.buckets < 2 || p.buckets > 4096 || (p.buckets & (p.buckets - 1)) != 0 || p.tableLen != 2 * p.buckets) {
    Bad(env, "bad bucket count");
  }
  if ((int64_t)spl.ElementLength() < p.buckets - 1) Bad(env, "too few splitters");
  const int64_t need = p.phase == kPartBuckets ? p.tableLen + 1 : p.phase == kPartSample ? 0 : p.tableLen;
  if ((int64_t)table.ElementLength() < need) Bad(env, "table too short");
  if (p.phase == kPartCount || p.phase == kPartScatter) {
    if (p.i0 < 0 || p.i1 < p.i0 || p.i1 > p.n || p.i1 - p.i0 > int64_t(0xffffffff)) ThrowCode(env, "ERR_OUT_OF_RANGE", "partition: block out of range");
  } else if (p.phase == kPartBuckets) {
    if (p.i0 < 0 || p.i1 < p.i0 || p.i1 > p.tableLen || p.maxLen < 0) ThrowCode(env, "ERR_OUT_OF_RANGE", "partition: buckets out of range");
    const double* b = table.Data();
    for (int64_t k = p.i0; k <= p.i1; ++k)
      if (!(b[k] >= 0 && b[k] <= (double)p.n && b[k] == (double)(int64_t)b[k] && (k == p.i0 || b[k] >= b[k - 1])))
        ThrowCode(env, "ERR_OUT_OF_RANGE", "partition: bad bucket bounds");
  }
  p.srcSwap = d[P::kSrcSwap] != 0;
  p.dstSwap = d[P::kDstSwap] != 0;
  p.srcStep = Int(env, d[P::kSrcStep]);
  p.dstStep = Int(env, d[P::kDstStep]);
  p.splitters = spl.Data();
  p.table = table.Data();
  p.mode = (int)Int(env, d[P::kMode]);
  if (p.mode != kOrderSort && p.mode != kOrderArgsort) Bad(env, "bad mode");
  std::unique_ptr<Hold> hs, hd, ha;
  p.src = Resolve(info, Int(env, d[P::kSrcId]), Int(env, d[P::kSrcPos]), 1, &p.n, &p.srcStep, item, false, hs);
  p.dst = Resolve(info, Int(env, d[P::kDstId]), Int(env, d[P::kDstPos]), 1, &p.n, &p.dstStep, item, true, hd);
  if (p.mode == kOrderArgsort) {
    p.auxSwap = d[P::kAuxSwap] != 0;
    p.auxStep = Int(env, d[P::kAuxStep]);
    p.aux = Resolve(info, Int(env, d[P::kAuxId]), Int(env, d[P::kAuxPos]), 1, &p.n, &p.auxStep, 8, true, ha);
  }
  if (p.phase == kPartCount) {
    // the scatter will write dst (and aux) all over: this block's share of them is made writable
    // now, in one call per range, instead of a page fault per store later (registry.h)
    auto prefault = [&](uint8_t* base, int64_t step, int64_t size) {
      if (base == nullptr || p.i1 <= p.i0) return;
      uint8_t* a = base + p.i0 * step;
      uint8_t* b = base + (p.i1 - 1) * step;
      if (b < a) std::swap(a, b);
      PrefaultWrite(a, (uint64_t)(b - a) + (uint64_t)size);
    };
    prefault(p.dst, p.dstStep, item);
    prefault(p.aux, p.auxStep, 8);
  }
  int status = Guarded(env, {hs.get(), hd.get(), ha.get()}, [&] { return OrderPart(p); });
  if (status == kOrderNoMemory) ThrowCode(env, "ERR_NDMMAP_NO_MEMORY", "orderPart: out of memory for a block's buckets");
  if (status == kOrderChanged) ThrowCode(env, "ERR_NDMMAP_PARTIAL", "sort: the input changed while it was being sorted");
  if (status != kOrderOk) Bad(env, "bad partition arguments");
  return env.Undefined();
}

}  // namespace

Napi::Value OrderPartCall(const Napi::CallbackInfo& info) { return PartGlue(info); }

Napi::Value OrderMergeCall(const Napi::CallbackInfo& info) { return MergeGlue(info); }

Napi::Value OrderCall(const Napi::CallbackInfo& info) { return OrderGlue(info); }

}  // namespace ndmmap
