/**
 * The native reduction kernels as src/ sees them: their names (ids come from the addon's contract,
 * never from here), state sizes and what each state slot holds, so partial states can be written as
 * JSON and read back exactly. src/native.ts checks names and sizes against the addon at load.
 */
import { type DType, type DTypeName } from '../dtype.js';
import { KERNEL_KINDS } from '../gen/contract.cjs';

/**
 * A state slot: `f` a float64, `u`/`i` the bits of a uint64/int64, `v` a value of the kernel's value
 * type (a float64, or integer bits for integer value types), `x` an int64 index (-1: none).
 */
export type SlotKind = 'f' | 'u' | 'i' | 'v' | 'x';

/** Kernels by the addon's name, with the kinds of their state slots (contract/spec.mjs; `SLOT` names them). */
export const KERNELS = KERNEL_KINDS;

export type KernelName = keyof typeof KERNELS;

/** Doubles of state per output. */
export function stateSize(k: KernelName): number {
  return KERNELS[k].length;
}

/** What a reduction asks the engine to run. */
export interface KernelChoice {
  kernel: KernelName;
  /** The values' type as the kernel reads them (never bool or float16: those are widened first). */
  valueType: DTypeName;
  /** prod: log2 of where the accumulator overflows and where it rounds to zero. */
  param?: [number, number];
}

/**
 * The type a kernel reads values of `dt` as: itself, but bool as uint8 (0/1) and float16 as float32
 * (exact), which the engine widens a block at a time.
 */
export function kernelType(dt: DType | DTypeName): DTypeName {
  const name = typeof dt === 'string' ? dt : dt.name;
  return name === 'bool' ? 'uint8' : name === 'float16' ? 'float32' : name;
}

/** log2 of the overflow threshold and of the flush-to-zero threshold of a float accumulator. */
export function accumulatorRange(acc: DTypeName): [number, number] {
  // float16 products accumulate in float32 (numpy's half loops), rounded to half at the end.
  return acc === 'float64' ? [1024, -1075] : [128, -150];
}
