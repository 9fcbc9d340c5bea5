/**
 * `ndmmap merge PARTIAL... [--fan-in F] [--partial]`: combine `--partial` outputs (files, or `-`/nothing
 * for stdin) into the value one run over every row gives — flat, or as a fan-in tree (the tree `ndmmap
 * submit` builds, so the same shards give the same bits) — or, with `--partial`, into one state.
 */
import fs from 'node:fs';
import { NdmmapError, fail, osError, show } from '../../errors.js';
import { type PartialState, combinePartials, mergePartials, partialResultDtype } from '../../engine/partial.js';
import { fanInTree, foldTree } from '../../engine/shards.js';
import { type Values, intOption, parse, COMMON } from '../args.js';
import { formatJson, formatText } from '../../print/format.js';
import { TOPK_PARTIAL_FORMAT, mergeTopkPartials } from '../../engine/embed/partial.js';
import { type SearchResult } from '../../engine/embed/search.js';
import { type TopKResult } from '../../engine/embed/topk.js';
import { printSearch, printTopK } from './embed-print.js';
import { DOT_PARTIAL_FORMAT, mergeDotPartials } from '../../engine/dot-partial.js';
import type { Command } from '../command.js';

/** Partial states in a text: one JSON object per line, a JSON array of them, or one pretty-printed object. */
export function parsePartials(text: string, source: string): unknown[] {
  // a shard that failed leaves an empty file: merging without it would be a silent wrong answer
  if (text.trim() === '') fail('ERR_NDMMAP_PARTIAL', `${source}: empty, not a partial state (did its shard fail?): every shard's --partial output is needed`);
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  try {
    return lines.flatMap((l) => { const v = JSON.parse(l) as unknown; return Array.isArray(v) ? v : [v]; });
  } catch {
    try {
      const v = JSON.parse(text) as unknown;
      return Array.isArray(v) ? v : [v];
    } catch {
      return fail('ERR_NDMMAP_PARTIAL', `${source}: not a partial state (expected the JSON that --partial prints)`);
    }
  }
}

function read(source: string): string {
  try {
    return fs.readFileSync(source === '-' ? 0 : source, 'utf8');
  } catch (err) {
    throw osError(err, source === '-' ? '<stdin>' : source);
  }
}

/** Row order of the leaves of a fan-in tree (anything malformed sorts first; the merge refuses it). */
function rowOrder(x: unknown, y: unknown): number {
  const at = (p: unknown, k: number): number => { const r = (p as { rows?: unknown } | null)?.rows; return Array.isArray(r) && typeof r[k] === 'number' ? r[k] : -1; };
  return at(x, 0) - at(y, 0) || at(x, 1) - at(y, 1);
}

/** Run `merge`. */
export async function mergeCommand(args: string[]): Promise<void> {
  const { values, positionals } = parse(command, args, { min: 0, max: Infinity });
  const sources = positionals.length ? positionals : ['-'];
  const fanIn = intOption(values['fan-in'], 'fan-in', 2);
  const from = new Map<unknown, string>();
  let list = sources.flatMap((s) => {
    const name = s === '-' ? '<stdin>' : s;
    const states = parsePartials(read(s), name);
    for (const p of states) from.set(p, name);
    return states;
  });
  checkSameCall(list, from);
  try {
    await mergeList(list, values, fanIn);
  } catch (err) {
    throw blame(err, list, from);
  }
}

/** Fields of a state that are not its rows' data: equal in every state of one call. */
const DATA_FIELDS = new Set(['rows', 'state', 'counts', 'data']);
const callKey = (p: Record<string, unknown>): string => JSON.stringify(Object.entries(p).filter(([k]) => !DATA_FIELDS.has(k)));

/**
 * Every state must be an ndmmap state of the same call as the first: the error names the file that is not.
 * @throws `ERR_NDMMAP_PARTIAL`
 */
function checkSameCall(list: unknown[], from: Map<unknown, string>): void {
  const first = list[0] as Record<string, unknown> | undefined;
  for (const p of list) {
    const q = p as Record<string, unknown> | null;
    if (q === null || typeof q !== 'object' || Array.isArray(q) || typeof q.format !== 'string' || !q.format.startsWith('ndmmap-'))
      fail('ERR_NDMMAP_PARTIAL', `${from.get(p)}: not an ndmmap partial state (expected the JSON that --partial prints)`);
    if (q.format !== first!.format) fail('ERR_NDMMAP_PARTIAL', `${from.get(p)}: a ${q.format} state, while ${from.get(first)} holds ${first!.format} states`);
  }
}

/**
 * A merge error, with the file at fault: the first whose state belongs to another call than the first
 * file's, else the files whose row ranges the message names.
 */
function blame(err: unknown, list: unknown[], from: Map<unknown, string>): unknown {
  if (!(err instanceof NdmmapError) || from.size === 0) return err;
  const first = list[0] as Record<string, unknown>;
  const other = list.find((p) => callKey(p as Record<string, unknown>) !== callKey(first));
  if (other !== undefined) return new NdmmapError(err.code, `${from.get(other)}: ${err.message} (a state of another call than ${from.get(first)}'s)`, { cause: err });
  const named = new Set<string>();
  for (const m of err.message.matchAll(/rows (\d+):(\d+)/g)) {
    for (const p of list) {
      const r = (p as { rows?: unknown }).rows;
      if (Array.isArray(r) && (r[0] === Number(m[1]) || r[1] === Number(m[2]) || r[1] === Number(m[1]) || r[0] === Number(m[2]))) named.add(from.get(p)!);
    }
  }
  if (named.size === 0) return err;
  const files = [...named].slice(0, 4).join(', ') + (named.size > 4 ? ` and ${named.size - 4} more` : '');
  return new NdmmapError(err.code, `${err.message} (${files})`, { cause: err });
}

async function mergeList(list: unknown[], values: Values, fanIn: number | undefined): Promise<void> {
  // search/topk shards carry candidate lists (their own format); everything else is a reduction's state
  const first = list[0] as { format?: unknown; op?: unknown } | undefined;
  if (first?.format === TOPK_PARTIAL_FORMAT) {
    const r = mergeTopkPartials(list);
    const json = values.json === true;
    process.stdout.write((first.op === 'search' ? printSearch(r as SearchResult, json) : printTopK(r as TopKResult, json)) + '\n');
    return;
  }
  if (list.length > 0 && (list[0] as { format?: unknown })?.format === 'ndmmap-dist-partial/1') {
    // histogram/bincount states: their modules load only when merged
    const { mergeDistPartials } = await import('../../engine/stats/partial.js');
    const { chart, histogramJson } = await import('./histogram-run.js');
    const m = mergeDistPartials(list);
    if (m.op === 'histogram') process.stdout.write((values.json ? histogramJson(m) : chart({ counts: m.counts, edges: m.edges!, edgesDtype: m.edgesDtype! }, process.stdout.columns ?? 80)) + '\n');
    else {
      const printable = { shape: [m.counts.length], dtype: m.counts instanceof BigInt64Array ? 'int64' as const : 'float64' as const, data: m.counts };
      process.stdout.write((values.json ? formatJson(printable) : formatText(printable)) + '\n');
    }
    return;
  }
  if (list.length > 0 && (list[0] as { format?: unknown })?.format === DOT_PARTIAL_FORMAT) {
    const r = mergeDotPartials(list);
    process.stdout.write((values.json ? formatJson(r) : formatText(r)) + '\n');
    return;
  }
  if (fanIn !== undefined) {
    const leaves = [...list].sort(rowOrder);
    list = foldTree(fanInTree(leaves.length, fanIn), (i) => leaves[i], combinePartials);
  }
  if (values.partial) {
    process.stdout.write(JSON.stringify(combinePartials(list)) + '\n');
    return;
  }
  const r = mergePartials(list);
  const printable = typeof r === 'object' ? r : { scalar: r, dtype: partialResultDtype(list[0] as PartialState) };
  process.stdout.write((values.json ? formatJson(printable) : formatText(printable)) + '\n');
}

/** `ndmmap merge`: its flags, synopsis and help page (src/cli/command.ts). */
export const command: Command = {
  name: 'merge',
  usage: `ndmmap merge [PARTIAL...] [--fan-in F] [--partial] [--json]`,
  options: { ...COMMON, json: { type: 'boolean' }, 'fan-in': { type: 'string' }, partial: { type: 'boolean' } },
  help: `Usage: ndmmap merge [PARTIAL...] [--json]

Combine the states printed by '--partial' runs (reductions, topk, search, histogram, bincount) over
disjoint row ranges that cover every row into the value a single run over the whole file gives
(histogram and bincount: counts add; the bins must agree). Arguments are files ('-' or none: stdin), each
holding one or more states (one JSON object per line).
  --fan-in F   merge as a tree of F states per node, in row order (the tree 'submit' builds, so the
               same shards give the same bits); default: all at once
  --partial    print the merged state of a contiguous run of row ranges instead of the value (a
               merge step of its own, e.g. a Slurm job per group of shards)
  --json       print {"result": R}
`,
  run: (args) => mergeCommand(args),
};
