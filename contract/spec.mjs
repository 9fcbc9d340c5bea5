/**
 * The contract between src/ (TypeScript) and native/ (C++): the one place dtype codes, reduction
 * kernels and their state slots, VM opcodes, the layouts of the Float64Array descriptors handed to the
 * addon, and the shared limits are written. `npm run gen:contract` (scripts/gen-contract.mjs) turns it
 * into native/gen/contract.h and src/gen/contract.cts; test/contract/generated.test.ts fails when
 * those are stale, and src/native.ts refuses an addon whose contract hash differs from src/'s.
 *
 * Plain data (no imports, no code) so the generator stays a plain node script. Order matters: a row's
 * position is its code wherever no code is given. Adding a kernel or op is one row here plus its body.
 */

/** numpy element types, by native code. kind: numpy's dtype.kind; char: numpy's dtype.char (Linux x86_64). */
export const dtypes = [
  { name: 'bool', id: 'kBool', itemsize: 1, kind: 'b', char: '?' }, { name: 'int8', id: 'kInt8', itemsize: 1, kind: 'i', char: 'b' },
  { name: 'uint8', id: 'kUInt8', itemsize: 1, kind: 'u', char: 'B' }, { name: 'int16', id: 'kInt16', itemsize: 2, kind: 'i', char: 'h' },
  { name: 'uint16', id: 'kUInt16', itemsize: 2, kind: 'u', char: 'H' }, { name: 'int32', id: 'kInt32', itemsize: 4, kind: 'i', char: 'i' },
  { name: 'uint32', id: 'kUInt32', itemsize: 4, kind: 'u', char: 'I' }, { name: 'int64', id: 'kInt64', itemsize: 8, kind: 'i', char: 'l' },
  { name: 'uint64', id: 'kUInt64', itemsize: 8, kind: 'u', char: 'L' }, { name: 'float16', id: 'kFloat16', itemsize: 2, kind: 'f', char: 'e' },
  { name: 'float32', id: 'kFloat32', itemsize: 4, kind: 'f', char: 'f' }, { name: 'float64', id: 'kFloat64', itemsize: 8, kind: 'f', char: 'd' },
];

/**
 * Reduction kernels, by native id. Each writes one state slot per entry of `slots` per output, merged by
 * native Combine(). Slot kinds: `f` a float64, `u`/`i` the bits of a uint64/int64, `v` a value of the
 * kernel's value type (a float64, or integer bits for integer value types), `x` an int64 index (-1: none).
 */
const sumFloat = [['s', 'f'], ['c', 'f'], ['n', 'f']]; // Neumaier sum s + c of n values
const prodFloat = [['m', 'f'], ['e', 'f'], ['a', 'f'], ['b', 'f'], ['lo', 'f'], ['hi', 'f'], ['flags', 'f']]; // mantissa, exponent, ...
const extreme = [['value', 'v'], ['n', 'f']];
const argExtreme = [['value', 'v'], ['index', 'x']];
const moments = [['n', 'f'], ['mean', 'f'], ['m2', 'f'], ['min', 'f'], ['max', 'f']];
export const kernels = [
  { name: 'sum_int', id: 'kSumInt', slots: [['sum', 'u']] }, // wrapping sum
  { name: 'sum_float', id: 'kSumFloat', slots: sumFloat }, // pairwise sum as float64
  { name: 'prod_int', id: 'kProdInt', slots: [['prod', 'u']] }, // wrapping product
  { name: 'prod_float', id: 'kProdFloat', slots: prodFloat }, // sequential product, any range
  { name: 'min', id: 'kMin', slots: extreme },
  { name: 'max', id: 'kMax', slots: extreme },
  { name: 'argmin', id: 'kArgMin', slots: argExtreme },
  { name: 'argmax', id: 'kArgMax', slots: argExtreme },
  { name: 'moments', id: 'kMoments', slots: moments },
  { name: 'nansum', id: 'kNanSum', slots: sumFloat }, // NaN skipped (n counts the others)
  { name: 'nanprod', id: 'kNanProd', slots: prodFloat },
  { name: 'nanmin', id: 'kNanMin', slots: extreme },
  { name: 'nanmax', id: 'kNanMax', slots: extreme },
  { name: 'nanargmin', id: 'kNanArgMin', slots: argExtreme },
  { name: 'nanargmax', id: 'kNanArgMax', slots: argExtreme },
  { name: 'nanmoments', id: 'kNanMoments', slots: moments },
  { name: 'count_nonzero', id: 'kCountNonzero', slots: [['nonzero', 'f'], ['n', 'f']] },
  { name: 'minmax', id: 'kMinMax', slots: [['min', 'v'], ['max', 'v'], ['n', 'f']] },
];

/**
 * VM type sets: which type codes an op accepts. Type codes are the dtype codes, then numpy's exact
 * int64/uint64 comparison loops (`mixedQQ`: int64 < uint64, `mixedQQR`: the reverse).
 */
export const extraTypeCodes = ['mixedQQ', 'mixedQQR'];
const ALL = dtypes.map((d) => d.name);
const FLOAT = dtypes.filter((d) => d.kind === 'f').map((d) => d.name);
const INT = dtypes.filter((d) => d.kind === 'i' || d.kind === 'u').map((d) => d.name);
export const typeSets = {
  none: [],
  all: ALL,
  float: FLOAT,
  int: INT,
  num: [...INT, ...FLOAT],
  bInt: ['bool', ...INT],
  cmp: [...ALL, ...extraTypeCodes],
};

/**
 * VM opcodes: [name, code, pops, type set, C++ id (default k + Name)]. LOAD/CONST/CAST carry their
 * types in operand bytes.
 */
export const ops = [
  ['LOAD', 1, 0, 'none'], ['CONST', 2, 0, 'none'], ['CAST', 3, 1, 'none'],
  ['NEG', 10, 1, 'num'], ['ABS', 11, 1, 'all'], ['SIGN', 12, 1, 'num'], ['SQUARE', 13, 1, 'num'],
  ['RECIP', 14, 1, 'float'], ['INVERT', 15, 1, 'bInt'], ['FLOOR', 16, 1, 'all'], ['CEIL', 17, 1, 'all'],
  ['TRUNC', 18, 1, 'all'], ['RINT', 19, 1, 'float'], ['ISNAN', 20, 1, 'all', 'kIsNan'], ['ISINF', 21, 1, 'all', 'kIsInf'],
  ['ISFINITE', 22, 1, 'all', 'kIsFinite'], ['SQRT', 23, 1, 'float'], ['EXP', 24, 1, 'float'], ['EXPM1', 25, 1, 'float'],
  ['LOG', 26, 1, 'float'], ['LOG10', 27, 1, 'float'], ['LOG2', 28, 1, 'float'], ['LOG1P', 29, 1, 'float'],
  ['SIN', 30, 1, 'float'], ['COS', 31, 1, 'float'], ['TAN', 32, 1, 'float'], ['ARCSIN', 33, 1, 'float'],
  ['ARCCOS', 34, 1, 'float'], ['ARCTAN', 35, 1, 'float'], ['SINH', 36, 1, 'float'], ['COSH', 37, 1, 'float'],
  ['TANH', 38, 1, 'float'], ['ARCSINH', 39, 1, 'float'], ['ARCCOSH', 40, 1, 'float'], ['ARCTANH', 41, 1, 'float'],
  ['SIGNBIT', 42, 1, 'float'],
  ['ADD', 64, 2, 'all'], ['SUB', 65, 2, 'num'], ['MUL', 66, 2, 'all'], ['DIV', 67, 2, 'float'],
  ['FLOORDIV', 68, 2, 'num', 'kFloorDiv'], ['MOD', 69, 2, 'num'], ['POW', 70, 2, 'num'], ['MIN', 71, 2, 'all'],
  ['MAX', 72, 2, 'all'], ['ARCTAN2', 73, 2, 'float'], ['HYPOT', 74, 2, 'float'], ['AND', 75, 2, 'bInt'],
  ['OR', 76, 2, 'bInt'], ['XOR', 77, 2, 'bInt'], ['SHL', 78, 2, 'int'], ['SHR', 79, 2, 'int'],
  ['LT', 80, 2, 'cmp'], ['LE', 81, 2, 'cmp'], ['GT', 82, 2, 'cmp'], ['GE', 83, 2, 'cmp'], ['EQ', 84, 2, 'cmp'],
  ['NE', 85, 2, 'cmp'], ['FMOD', 86, 2, 'num'], ['COPYSIGN', 87, 2, 'float'], ['NEXTAFTER', 88, 2, 'float'],
  ['WHERE', 96, 3, 'all'], ['CLIP', 97, 3, 'all'],
];

/** Limits both sides enforce. */
export const limits = {
  maxDims: 64, // numpy 2.x's NPY_MAXDIMS
  maxOperands: 8, // arrays one reduction reads (x, y, variables, a where mask)
  vmFormat: 2, // bytecode version byte
  vmMaxStack: 1024, // deepest VM stack a program may need
  vmMaxOperands: 32, // operands one program reads
  vmMaxConsts: 65536, // CONST's index is a u16
};

/**
 * Positional descriptors (Float64Array, or BigUint64Array for `u64`) as named structs: `fields` are the
 * fixed head, at offsets 0.. in order; `tail` says in words what follows the head (the generator does
 * not pack tails: their lengths depend on head fields). Field types: `int` an integer below 2^53, `f64`
 * any double, `bool` 0/1, `id` a mapping id (or a negative marker the struct names).
 */
export const descriptors = {
  reduce: {
    doc: 'one block of native reduce() and dist() (src/engine/execute.cts -> native/glue/glue_reduce.cc)',
    fields: [['kernel', 'int'], ['valueType', 'int'], ['nOps', 'int'], ['nOut', 'int'], ['nRed', 'int'],
      ['indexBase', 'int'], ['outBase', 'int'], ['maskOperand', 'int'], ['param0', 'f64'], ['param1', 'f64'],
      ['valueRound', 'int']],
    tail: 'nOps x reduceOperand, then (nOut + nRed) x (length, multiplier, nOps x byte stride)',
  },
  reduceOperand: {
    doc: 'one operand record of a reduce descriptor (id <= -3: buffers[-3 - id])',
    fields: [['id', 'id'], ['dtype', 'int'], ['swap', 'bool'], ['position', 'int']],
  },
  apply: {
    doc: 'one block of native apply() (src/engine/execute.cts -> native/glue/glue_apply.cc)',
    fields: [['ndim', 'int'], ['nOps', 'int']],
    tail: 'shape (ndim), out applyOperand, nOps x applyOperand; each followed by its ndim strides',
  },
  applyOperand: {
    doc: 'an apply operand (id: a mapping, -1 absent, -2 the index, <= -3 buffers[-3 - id])',
    fields: [['id', 'id'], ['dtype', 'int'], ['swap', 'bool'], ['position', 'int']],
  },
  embed: {
    doc: 'native embed() (src/engine/embed/rows.ts -> native/glue/glue_embed.cc)',
    fields: [['op', 'int'], ['mode', 'int'], ['metric', 'int'], ['k', 'int'], ['Q', 'int'], ['D', 'int'],
      ['rowStart', 'int'], ['rowCount', 'int'], ['slot', 'int'], ['outType', 'int'], ['storeType', 'int'],
      ['aId', 'id'], ['aDtype', 'int'], ['aSwap', 'bool'], ['aPos', 'int'], ['colStride', 'int'], ['nLead', 'int'],
      ['filterId', 'id'], ['filterDtype', 'int'], ['filterSwap', 'bool'], ['filterPos', 'int'], ['filterStride', 'int']],
    tail: 'nLead lead lengths, nLead lead byte strides',
  },
  topk: {
    doc: 'one block of native topk() (src/engine/execute.cts -> native/glue/glue_embed.cc)',
    fields: [['nOut', 'int'], ['nRed', 'int'], ['indexBase', 'int'], ['outBase', 'int'], ['id', 'id'],
      ['dtype', 'int'], ['swap', 'bool'], ['position', 'int']],
    tail: '(nOut + nRed) x (length, multiplier, byte stride)',
  },
  put: {
    doc: "native put()'s target (src/engine/write-out.ts -> native/glue/glue_reduce.cc)",
    fields: [['id', 'id'], ['dtype', 'int'], ['swap', 'bool'], ['position', 'int']],
    tail: 'ndim byte strides',
  },
  distKeySpec: {
    doc: 'key-mode spec of native dist(), uint64 words (src/engine/stats/pass.ts -> native/stats/dist.h)',
    type: 'u64',
    fields: [['mode', 'int'], ['outputs', 'int'], ['bucketBits', 'int'], ['windows', 'int'], ['nonce', 'int']],
    tail: 'outputs + 1 window offsets, windows x distWindow',
  },
  distWindow: {
    doc: 'one window of a key-mode spec',
    type: 'u64',
    fields: [['lo', 'int'], ['hi', 'int'], ['shift', 'int'], ['base', 'int'], ['cap', 'int'], ['cursor', 'int']],
  },
  distBins: {
    doc: 'bin-mode parameters of native dist() (src/engine/stats/histogram.ts, weighted.ts)',
    fields: [['mode', 'int'], ['bins', 'int'], ['first', 'f64'], ['denom', 'f64'], ['sub', 'int'],
      ['weightsOperand', 'int'], ['lo', 'f64'], ['hi', 'f64'], ['div', 'int'], ['slot0', 'int'], ['slots', 'int'],
      ['type', 'int'], ['sequential', 'bool']],
  },
  order: {
    doc: 'one block of rows of native order() (src/engine/order/rows.ts -> native/glue/glue_order.cc)',
    fields: [['mode', 'int'], ['n', 'int'], ['nOuter', 'int'], ['rowStart', 'int'], ['rowCount', 'int'],
      ['srcId', 'id'], ['srcDtype', 'int'], ['srcSwap', 'bool'], ['srcPos', 'int'], ['srcStep', 'int'],
      ['dstId', 'id'], ['dstSwap', 'bool'], ['dstPos', 'int'], ['dstStep', 'int'], ['indexStep', 'int'], ['nKth', 'int']],
    tail: 'nOuter x (length, src byte stride, dst byte stride), then nKth ascending kth positions (partition: select, not sort); ids <= -3 are buffers[-3 - id]',
  },
  orderMerge: {
    doc: 'one output range [o0, o1) of the k-way merge of sorted runs (src/engine/order/long.ts -> native/glue/glue_order.cc)',
    fields: [['mode', 'int'], ['dtype', 'int'], ['n', 'int'], ['runLen', 'int'], ['runsId', 'id'], ['runsSwap', 'bool'],
      ['runsPos', 'int'], ['runsStep', 'int'], ['srcId', 'id'], ['srcSwap', 'bool'], ['srcPos', 'int'], ['srcStep', 'int'],
      ['outId', 'id'], ['outSwap', 'bool'], ['outPos', 'int'], ['outStep', 'int'], ['o0', 'int'], ['o1', 'int']],
  },
  orderPart: {
    doc: 'one phase of the partition sort of a long row (src/engine/order/part.ts -> native/glue/glue_order.cc)',
    fields: [['phase', 'int'], ['dtype', 'int'], ['n', 'int'], ['buckets', 'int'], ['tableLen', 'int'], ['i0', 'int'],
      ['i1', 'int'], ['maxLen', 'int'], ['srcId', 'id'], ['srcSwap', 'bool'], ['srcPos', 'int'], ['srcStep', 'int'],
      ['dstId', 'id'], ['dstSwap', 'bool'], ['dstPos', 'int'], ['dstStep', 'int'], ['mode', 'int'], ['auxId', 'id'],
      ['auxSwap', 'bool'], ['auxPos', 'int'], ['auxStep', 'int']],
  },
  gather: {
    doc: 'one block of native gather() (src/engine/gather-native.ts -> native/glue/glue_gather.cc); ids <= -3 are buffers[-3 - id]; dstArena > 0: the target is that arena block (core/arena.h), dstId ignored',
    fields: [['mode', 'int'], ['p0', 'int'], ['p1', 'int'], ['o0', 'int'], ['n', 'int'], ['nIdx', 'int'], ['nDst', 'int'],
      ['idxId', 'id'], ['idxDtype', 'int'], ['idxSwap', 'bool'], ['idxPos', 'int'], ['idxStep', 'int'],
      ['srcId', 'id'], ['srcPos', 'int'], ['srcStep', 'int'], ['dstId', 'id'], ['dstPos', 'int'], ['dstStep', 'int'],
      ['item', 'int'], ['swap', 'bool'], ['nOuter', 'int'], ['nInner', 'int'], ['dstArena', 'int']],
    tail: 'nOuter x (length, src byte stride, dst byte stride), then nInner x (length, src byte stride, dst byte stride)',
  },
  distAxis: {
    doc: 'axis-mode parameters of native dist() (src/engine/stats/axis.ts)',
    fields: [['mode', 'int'], ['method', 'int'], ['nq', 'int'], ['n', 'int'], ['records', 'int'],
      ['asDouble', 'bool'], ['skipNan', 'bool'], ['weighted', 'bool'], ['finish', 'bool']],
    tail: 'nq quantiles',
  },
  scan: {
    doc: 'one block of native scan() (src/engine/scan/ -> native/glue/glue_scan.cc); outId -1: totals mode',
    fields: [['op', 'int'], ['acc', 'int'], ['n', 'int'], ['nLines', 'int'], ['inId', 'id'], ['inDtype', 'int'],
      ['inSwap', 'bool'], ['inPos', 'int'], ['inStep', 'int'], ['outId', 'id'], ['outDtype', 'int'], ['outSwap', 'bool'],
      ['outPos', 'int'], ['outStep', 'int'], ['carrySlot', 'int'], ['totalSlot', 'int']],
    tail: 'nLines x (length, in byte stride, out byte stride)',
  },
  orderSorted: {
    doc: "searchsorted's mapped 1-D sorted side (src/engine/order/search.ts -> native/glue/glue_unique.cc)",
    fields: [['id', 'id'], ['dtype', 'int'], ['swap', 'bool'], ['position', 'int'], ['n', 'int'], ['stride', 'int']],
  },
  orderSorter: {
    doc: "searchsorted's mapped int64 sorter (stride in bytes, whole elements)",
    fields: [['id', 'id'], ['swap', 'bool'], ['position', 'int'], ['stride', 'int']],
  },
  orderOut: {
    doc: 'a mapped C-contiguous native-endian output of unique/searchsorted passes (src/engine/order/)',
    fields: [['id', 'id'], ['position', 'int']],
  },
};
