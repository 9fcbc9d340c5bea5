/**
 * Printing search and topk results (also what `merge` prints for their partial states): numpy-style
 * text, or one JSON object with --json.
 */
import { type SearchResult } from '../../engine/embed/search.js';
import { type TopKResult } from '../../engine/embed/topk.js';
import { formatText, jsonArray } from '../../print/format.js';

/** `search`: one block per query of `rank  index  score` lines, or {"indices", "scores"}. */
export function printSearch(r: SearchResult, json: boolean): string {
  if (json) return JSON.stringify({ indices: jsonArray(r.indices), scores: jsonArray(r.scores) });
  const single = r.indices.shape.length === 1;
  const Q = single ? 1 : r.indices.shape[0];
  const k = r.indices.shape[r.indices.shape.length - 1];
  const blocks: string[] = [];
  for (let j = 0; j < Q; j++) {
    const lines = single ? [] : [`query ${j}:`];
    lines.push('rank  index  score');
    for (let i = 0; i < k; i++) {
      const score = formatText({ scalar: r.scores.data[j * k + i] as number, dtype: r.scores.dtype });
      lines.push(`${String(i).padStart(4)}  ${String(r.indices.data[j * k + i])}  ${score}`);
    }
    blocks.push(lines.join('\n'));
  }
  return blocks.join('\n\n');
}

/** `topk`: the values and indices arrays, or {"values", "indices"} (indices only with `argOnly`). */
export function printTopK(r: TopKResult, json: boolean): string {
  if (json) return JSON.stringify({ values: jsonArray(r.values), indices: jsonArray(r.indices) });
  return `values:\n${formatText(r.values)}\nindices:\n${formatText(r.indices)}`;
}
