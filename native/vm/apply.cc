// The apply kernel's walk. The innermost dim is cut into runs of kBlock; when it is shorter than half
// a block (rows of 384 under a per-column mean, rows of 3…), a run covers several whole rows instead,
// so one VM dispatch still serves about a block. An operand contiguous across those rows is read in
// place; one that repeats every row and never moves with the outer dims (a broadcast mean, scale,
// bias) is expanded into the row tile once per call and reused for every tile; anything else is
// gathered row by row. No software prefetch: the hardware prefetchers follow these runs, and
// prefetching a whole block ahead measured 13% slower than none on an in-place update.
#include "vm/apply.h"

#include <errno.h>

#include <algorithm>
#include <vector>

namespace ndmmap {
namespace {

struct Walk {
  const Program& p;
  const uint64_t* consts;
  int ndim, nOps;
  const int64_t* shape;
  const ApplyOperand* ops;
  const ApplyOperand& out;
  int L, td;        // innermost dim, the dim tiles step along
  int64_t rows;     // rows per tile (1: tiles are runs of the innermost dim)
  bool dry;         // evaluate only: nothing is stored
  std::vector<uint64_t> tiles;      // per operand: kBlock cells of gathered lanes
  std::vector<uint8_t> cached;      // per operand: its invariant tile is built
  std::vector<EvalOperand> eval;

  int64_t S(const ApplyOperand& o, int d) const { return o.strides[d]; }

  // Does operand o repeat every row and stay put along the outer dims?
  bool Invariant(const ApplyOperand& o) const {
    for (int d = 0; d < L; ++d) if (S(o, d) != 0) return false;
    return true;
  }

  void Fill(const ApplyOperand& o, int64_t base, const uint8_t* ptr, int64_t nRows, int64_t m, uint64_t* cells) {
    int size = LaneSize(o.dtype);
    for (int64_t j = 0; j < nRows; ++j) {
      uint8_t* dst = reinterpret_cast<uint8_t*>(cells) + j * m * size;
      if (o.kind == kOperandIndex) IndexLanes(base + j * S(o, td), S(o, L), (int)m, reinterpret_cast<int64_t*>(dst));
      else LoadLanes(o.dtype, o.swap, ptr + j * S(o, td), S(o, L), (int)m, dst);
    }
  }

  // The EvalOperand for operand k of a tile of nRows x m elements at (value base, pointer ptr).
  void Prepare(int k, int64_t base, const uint8_t* ptr, int64_t nRows, int64_t m) {
    const ApplyOperand& o = ops[k];
    EvalOperand& e = eval[k];
    e = EvalOperand{o.kind, o.dtype, o.swap, ptr, S(o, L), base};
    if (o.kind == kOperandAbsent || nRows == 1 || S(o, td) == m * S(o, L)) return;
    uint64_t* cells = tiles.data() + (int64_t)k * kBlock;
    if (S(o, td) == 0 && Invariant(o)) {
      if (!cached[k]) Fill(o, base, ptr, rows, m, cells);
      cached[k] = 1;
    } else {
      Fill(o, base, ptr, nRows, m, cells);
    }
    e = EvalOperand{kOperandLanes, o.dtype, false, reinterpret_cast<const uint8_t*>(cells), 0, 0};
  }

  int Tile(const int64_t* base, const uint8_t* const* ptr, uint8_t* optr, int64_t nRows, int64_t m) {
    for (int k = 0; k < nOps; ++k) Prepare(k, base[k], ptr[k], nRows, m);
    int64_t n = nRows * m;
    const void* r = nullptr;
    if (dry) return EvalBlock(p, consts, eval.data(), (int)n, EvalOut{}, &r);
    bool runOut = nRows == 1 || S(out, td) == m * S(out, L);
    EvalOut eo;
    if (runOut) eo = EvalOut{optr, out.dtype, out.swap, S(out, L)};
    int status = EvalBlock(p, consts, eval.data(), (int)n, eo, &r);
    if (status != kEvalOk) return status;
    if (runOut) return 0;
    int size = LaneSize(p.resultType);
    for (int64_t j = 0; j < nRows; ++j)
      StoreLanes(p.resultType, static_cast<const uint8_t*>(r) + j * m * size, (int)m, out.dtype, out.swap,
                 optr + j * S(out, td), S(out, L));
    return 0;
  }

  int Run() {
    std::vector<int64_t> idx(td, 0), base(nOps);
    std::vector<const uint8_t*> ptr(nOps);
    for (int k = 0; k < nOps; ++k) { base[k] = ops[k].start; ptr[k] = ops[k].data; }
    uint8_t* optr = const_cast<uint8_t*>(out.data);
    const int64_t step = rows > 1 ? rows : kBlock, n = shape[td];
    std::vector<int64_t> b(nOps);
    std::vector<const uint8_t*> q(nOps);
    for (;;) {
      for (int64_t j = 0; j < n; j += step) {
        int64_t cnt = std::min<int64_t>(step, n - j);
        for (int k = 0; k < nOps; ++k) {
          b[k] = base[k] + j * S(ops[k], td);
          q[k] = ptr[k] ? ptr[k] + j * S(ops[k], td) : nullptr;
        }
        int s = rows > 1 ? Tile(b.data(), q.data(), optr + j * S(out, td), cnt, shape[L])
                         : Tile(b.data(), q.data(), optr + j * S(out, td), 1, cnt);
        if (s != 0) return s;
      }
      // Odometer over the dims outside the tile: bump the last, carrying leftwards.
      int d = td - 1;
      for (; d >= 0; --d) {
        int64_t back = ++idx[d] < shape[d] ? -1 : shape[d] - 1;
        int64_t mul = back < 0 ? 1 : -back;
        for (int k = 0; k < nOps; ++k) {
          base[k] += mul * S(ops[k], d);
          if (ptr[k]) ptr[k] += mul * S(ops[k], d);
        }
        optr += mul * S(out, d);
        if (back < 0) break;
        idx[d] = 0;
      }
      if (d < 0) return 0;
    }
  }
};

}  // namespace

int Apply(const Program& p, const uint64_t* consts, int ndim, const int64_t* shape, const ApplyOperand* ops,
          int nOps, const ApplyOperand& out, bool dry) {
  if (nOps != p.nOperands || ndim < 0 || out.kind != kOperandMemory || ItemSize(out.dtype) == 0) return EINVAL;
  for (int k = 0; k < nOps; ++k) {
    if (!((p.loaded >> k) & 1)) continue;
    const ApplyOperand& o = ops[k];
    if (o.kind == kOperandAbsent || o.dtype != p.operandTypes[k] || (o.kind == kOperandIndex && o.dtype != kInt64))
      return EINVAL;
  }
  for (int d = 0; d < ndim; ++d) if (shape[d] <= 0) return shape[d] == 0 ? 0 : EINVAL;
  // A 0-d call is one element: a 1-d walk of length 1 with zero strides.
  static const int64_t kOne = 1, kZero[kMaxProgramOperands + 1] = {};
  std::vector<ApplyOperand> ops1;
  ApplyOperand out1 = out;
  if (ndim == 0) {
    ops1.assign(ops, ops + nOps);
    for (ApplyOperand& o : ops1) o.strides = kZero;
    out1.strides = kZero;
    ops = ops1.data();
    shape = &kOne;
    ndim = 1;
  }
  int L = ndim - 1;
  int64_t rows = 1;
  if (ndim >= 2 && shape[L] < kBlock / 2) rows = std::min<int64_t>(shape[L - 1], kBlock / shape[L]);
  Walk w{p, consts, ndim, nOps, shape, ops, out1, L, rows > 1 ? L - 1 : L, rows, dry,
         std::vector<uint64_t>((size_t)std::max(nOps, 1) * kBlock), std::vector<uint8_t>((size_t)nOps, 0),
         std::vector<EvalOperand>((size_t)std::max(nOps, 1))};
  return w.Run();
}

}  // namespace ndmmap
