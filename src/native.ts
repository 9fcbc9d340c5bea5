/**
 * The addon, checked once at load against the contract src/ was generated with (contract/spec.mjs ->
 * src/gen/contract.cts): first its hash, then table by table (dtype codes, reduction kernels and their
 * state sizes, VM opcodes, limits, madvise hints and map modes), so a mismatch names what differs. A
 * mismatch (an addon built from other sources) is an error at import, never a wrong result. Imports
 * nothing above the core: the tables come from the generated contract.
 */
import { type Native, native as addon } from './addon.cjs';
import { NdmmapError } from './errors.js';
import { CONTRACT_HASH, DIST_AXIS, DIST_BINS, DIST_KEY_SPEC, DIST_WINDOW, DTYPE_TABLE, KERNEL_KINDS, LIMITS, OP } from './gen/contract.cjs';

type KernelName = keyof typeof KERNEL_KINDS;
const DTYPE_CODES = DTYPE_TABLE.map((d) => d.name);

export type { Native } from './addon.cjs';

/** madvise hints, by name. */
export const ADVICE = { normal: 0, sequential: 1, random: 2, willneed: 3, dontneed: 4, populateWrite: 5 } as const;
/** Map modes of native/core/registry.h. */
export const MAP_READ = 0;
export const MAP_SHARED = 1;
export const MAP_COPY = 2;
/** Operands one native reduction reads (x, y, a where mask…). */
export const MAX_OPERANDS = LIMITS.maxOperands;

function mismatch(what: string, ours: unknown, theirs: unknown): never {
  throw new NdmmapError('ERR_NDMMAP_ADDON',
    `the native addon does not match this version of ndmmap: ${what} is ${JSON.stringify(theirs)} in the addon, ${JSON.stringify(ours)} here (rebuild with npm run build:native)`);
}

/** JSON with object keys sorted, so tables compare by content. */
function canonical(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
}

function same(what: string, ours: unknown, theirs: unknown): void {
  if (canonical(ours) !== canonical(theirs)) mismatch(what, ours, theirs);
}

/** Distribution pass modes (native/stats/dist.h) and the layout of a key-mode spec. */
export const DIST_MODES = {
  keyhist: 0, collect: 1, uniform: 2, edges: 3, bincount: 4, bracket: 5, winhist: 6, axis: 7, blocksums: 8, blockcumsum: 9,
  whist: 10, wcollect: 11,
} as const;
export const DIST_SPEC_HEAD = DIST_KEY_SPEC.SIZE;
export const DIST_WINDOW_WORDS = DIST_WINDOW.SIZE;
export const DIST_BIN_PARAMS = DIST_BINS.SIZE;
export const DIST_AXIS_HEAD = DIST_AXIS.SIZE;
/** numpy's histogram and bincount work through 65,536 elements at a time. */
export const DIST_NUMPY_BLOCK = 65536;
export const DIST_METHOD_MEDIAN = 13;

/** Kernel ids by name, from the addon (the only place ids are defined). */
export const KERNEL_IDS = {} as Record<KernelName, number>;

/**
 * @internal Check an addon's contract against src/'s tables; fills KERNEL_IDS.
 * @throws `ERR_NDMMAP_ADDON` naming the first table that differs.
 */
export function checkContract(n: Pick<Native, 'contract'>): void {
  const c = n.contract;
  if (c === undefined) mismatch('the contract', 'present', 'missing');
  if (c.hash !== CONTRACT_HASH)
    throw new NdmmapError('ERR_NDMMAP_ADDON',
      `the native addon was built from another contract (hash ${JSON.stringify(c.hash)} in the addon, ${JSON.stringify(CONTRACT_HASH)} here, from contract/spec.mjs): rebuild it with npm run build:native`);
  same('the dtype codes', DTYPE_CODES, c.dtypes);
  same('the dimension limit', LIMITS.maxDims, c.maxDims);
  same('the operand limit', MAX_OPERANDS, c.maxOperands);
  same('the madvise hints', ADVICE, c.advice);
  same('the map modes', { read: MAP_READ, shared: MAP_SHARED, copy: MAP_COPY }, c.mapModes);
  same('the VM format', LIMITS.vmFormat, c.vm.format);
  same('the VM stack limit', LIMITS.vmMaxStack, c.vm.maxStack);
  same('the VM opcodes', OP, c.vm.ops);
  same('the VM operand limit', LIMITS.vmMaxOperands, c.vm.maxOperands);
  same('the distribution kernels', {
    modes: DIST_MODES, specHead: DIST_SPEC_HEAD, windowWords: DIST_WINDOW_WORDS, binParams: DIST_BIN_PARAMS,
    axisHead: DIST_AXIS_HEAD, numpyBlock: DIST_NUMPY_BLOCK, methodMedian: DIST_METHOD_MEDIAN,
  }, c.dist);
  const theirs = new Map(c.kernels.map((k) => [k.name, k]));
  same('the reduction kernels', Object.keys(KERNEL_KINDS).sort(), [...theirs.keys()].sort());
  for (const [name, slots] of Object.entries(KERNEL_KINDS)) {
    const k = theirs.get(name)!;
    same(`the state size of kernel ${name}`, slots.length, k.state);
    KERNEL_IDS[name as KernelName] = k.id;
  }
}

checkContract(addon);
// The addon throws ndmmap's own error class (code, syscall, path), as better-sqlite3's does SqliteError.
addon.setErrorClass(NdmmapError);

export const native: Native = addon;
