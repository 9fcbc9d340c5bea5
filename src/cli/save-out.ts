/**
 * `--out`: a command's array result saved as np.save would (saveNpy: atomic, byte-identical), so the
 * next command can read it (`ndmmap mean emb.npy --axis 0 --out mu.npy`, then `apply … --var mu=mu.npy`).
 * A command with two arrays (histogram, search, topk) takes a PREFIX and writes PREFIX.<name>.npy.
 */
import { type DTypeName, typedArrayClass, dtype as parseDtype } from '../dtype.js';
import { fail } from '../errors.js';
import { type NDResult } from '../engine/reduce.js';
import { type VarArray } from '../engine/operands.js';
import { saveNpy } from '../save.js';
import { USAGE, type Values } from './args.js';
import { type Printable, formatJson, formatText } from '../print/format.js';
import { isNpy } from './open.js';

/**
 * The `--out` of `command`, checked before any work: a `.npy` file, or (with `parts`) a PREFIX.
 * @throws `ERR_NDMMAP_USAGE` for a file that is not `.npy`, a PREFIX ending in `.npy`, or `--out` with `--partial`.
 */
export function outOption(values: Values, command: string, parts?: readonly string[]): string | undefined {
  if (values.out === undefined) return undefined;
  const out = String(values.out);
  if (values.partial) fail(USAGE, `${command}: --out saves the result; --partial prints a state for ndmmap merge: give one of them`);
  if (parts === undefined && !isNpy(out)) fail(USAGE, `${command}: --out must name a .npy file, got '${out}'`);
  if (parts !== undefined && (isNpy(out) || out === ''))
    fail(USAGE, `${command}: --out takes a PREFIX and writes ${parts.map((p) => `PREFIX.${p}.npy`).join(' and ')}, got '${out}'`);
  return out;
}

/** A printed result as an array saveNpy takes: a scalar becomes a 0-d array of its numpy dtype. */
function arrayOf(p: Printable): NDResult {
  if (!('scalar' in p)) return p;
  const v = p.scalar;
  const held: DTypeName = p.dtype === 'float16' ? 'float32' : p.dtype === 'bool' ? 'uint8' : p.dtype;
  const Ctor = typedArrayClass(parseDtype(held))!;
  const data = new (Ctor as new (n: number) => VarArray)(1);
  data[0] = (typeof v === 'boolean' ? Number(v) : typeof data[0] === 'bigint' ? BigInt(v) : Number(v)) as never;
  return { shape: [], dtype: p.dtype, data: data as never };
}

/** What --out wrote, for --json: file, shape and dtype of each array. */
interface Written { out: string; shape: number[]; dtype: DTypeName }

/** Save named arrays to `files` (one per array), in order. Each file is atomic on its own. */
export async function saveArrays(entries: readonly (readonly [string, Printable])[]): Promise<Written[]> {
  const done: Written[] = [];
  for (const [file, p] of entries) {
    const a = arrayOf(p);
    await saveNpy(file, { data: a.data as VarArray, shape: a.shape, dtype: a.dtype });
    done.push({ out: file, shape: a.shape, dtype: a.dtype });
  }
  return done;
}

/** Print `p`, or save it to `out` (printing `{out, shape, dtype}` with --json, nothing otherwise). */
export async function emit(values: Values, out: string | undefined, p: Printable): Promise<void> {
  if (out === undefined) {
    process.stdout.write((values.json ? formatJson(p) : formatText(p)) + '\n');
    return;
  }
  const [w] = await saveArrays([[out, p]]);
  if (values.json) process.stdout.write(JSON.stringify(w) + '\n');
}

/** Save the parts of a two-array result to PREFIX.<name>.npy; with --json print what was written. */
export async function emitParts(values: Values, prefix: string, parts: readonly (readonly [string, Printable])[]): Promise<void> {
  const written = await saveArrays(parts.map(([name, p]) => [`${prefix}.${name}.npy`, p] as const));
  if (values.json) process.stdout.write(JSON.stringify(Object.fromEntries(parts.map(([name], i) => [name, written[i]]))) + '\n');
}
