// What travels through Redis: reduction options round-trip exactly; hostile job data is refused with
// ERR_NDMMAP_PARTIAL before anything is opened; failure reasons carry the worker's code; path maps.
import { describe, expect, it } from 'vitest';
import { NdmmapError } from '../../dist/src/index.js';
import { checkMergeJob, checkShardJob, decodeOptions, encodeOptions, failureReason, isPermanent, reasonError } from '../../dist/src/distributed/wire.js';
import { mapPath, parsePathMap } from '../../dist/src/distributed/open.js';

const header = { format: 'ndmmap-partial/2', op: 'sum', dtype: 'float64', options: { axis: null }, arrayShape: [10], valueDtype: 'float64', kernel: 'sum_float', valueType: 'float64' };
const shard = {
  v: 2, file: '/data/a.f8', layout: { kind: 'raw', dtype: '<f8', shape: [10], offset: 0, order: 'C' }, op: 'sum',
  options: encodeOptions({}), rows: [0, 5], identity: { ino: '1234', size: 80, mtimeNs: '1700000000000123456', ctimeNs: '1700000000000654321', headBytes: 4096, head: 'ab' }, header, cacheTtl: 60,
};

function thrown(fn: () => unknown): NdmmapError {
  try { fn(); } catch (e) { expect(e).toBeInstanceOf(NdmmapError); return e as NdmmapError; }
  throw new Error('expected a throw');
}

describe('wire', () => {
  it('reduction options round-trip, 64-bit initial and infinities included', () => {
    for (const o of [{}, { axis: [0, 2], keepdims: true, ddof: 1.5, dtype: 'float32', where: 'x > 0', expr: 'x * x' },
      { axis: -1, initial: 2n ** 63n - 1n }, { initial: -Infinity }, { initial: NaN }, { initial: true }, { initial: 0.1 }]) {
      const back = decodeOptions(JSON.parse(JSON.stringify(encodeOptions(o))));
      expect(back).toEqual(o);
    }
    expect(thrown(() => encodeOptions({ out: {} as never })).code).toBe('ERR_INVALID_ARG_VALUE');
  });

  it('refuses hostile job data with ERR_NDMMAP_PARTIAL', () => {
    expect(checkShardJob(JSON.parse(JSON.stringify(shard)))).toEqual(shard);
    const bad: Array<Record<string, unknown>> = [
      { v: 1 }, { file: '' }, { file: 'a\0b' }, { op: 'eval' }, { rows: [5, 0] }, { rows: [0, 1.5] }, { rows: 'all' },
      { layout: { kind: 'raw', dtype: '<f8', shape: [-1], offset: 0, order: 'C' } }, { layout: { kind: 'mmap' } },
      { identity: { size: 80, mtimeMs: 1, head: 'ab' } }, { identity: { ...shard.identity, headBytes: 2 ** 30 } },
      { identity: { ...shard.identity, ctimeNs: 1 } }, { identity: { ...shard.identity, ino: '-1' } }, { identity: { ...shard.identity, mtimeNs: undefined } },
      { cacheTtl: -1 }, { options: { ...shard.options, axis: 'x' } }, { options: { ...shard.options, initial: 'nope' } },
      { options: { ...shard.options, expr: 'x'.repeat(20_000) } }, { header: { ...header, op: 'rm' } }, { header: null },
    ];
    for (const b of bad) expect(thrown(() => checkShardJob({ ...shard, ...b })).code, JSON.stringify(b)).toBe('ERR_NDMMAP_PARTIAL');
    expect(checkMergeJob({ v: 2, rows: [0, 10], children: 2, header })).toBeTruthy();
    for (const b of [{ children: 0 }, { rows: [0] }, { v: 0 }, { header: 'x' }])
      expect(thrown(() => checkMergeJob({ v: 1, rows: [0, 10], children: 2, header, ...b })).code).toBe('ERR_NDMMAP_PARTIAL');
  });

  it('failure reasons carry the code across, and say which errors a retry cannot cure', () => {
    const enoent = Object.assign(new Error("ENOENT: no such file or directory, open '/x'"), { code: 'ENOENT' });
    const r = failureReason(enoent, 'host:1');
    expect(r).toEqual({ code: 'ENOENT', reason: "ENOENT: no such file or directory, open '/x' (worker host:1)" });
    const e = thrown(() => reasonError(r.reason, 'j'));
    expect([e.code, e.message]).toEqual(['ENOENT', r.reason]);
    const p = thrown(() => reasonError(failureReason(new NdmmapError('ERR_NDMMAP_PARTIAL', 'bad\nstate'), 'h:2').reason, 'j'));
    expect([p.code, p.message]).toEqual(['ERR_NDMMAP_PARTIAL', 'bad state (worker h:2)']);
    const w = thrown(() => reasonError('job stalled more than allowable limit', 'run-s3'));
    expect([w.code, w.message]).toEqual(['ERR_NDMMAP_WORKER', 'job run-s3 failed: job stalled more than allowable limit']);
    expect(['ERR_NDMMAP_PARTIAL', 'ERR_NDMMAP_AXIS', 'ERR_INVALID_ARG_VALUE', 'ERR_OUT_OF_RANGE'].every(isPermanent)).toBe(true);
    expect(['ENOENT', 'EIO', 'ERR_NDMMAP_TRUNCATED', 'ERR_NDMMAP_WORKER'].some(isPermanent)).toBe(false);
  });

  it('path maps: whole components, the longest prefix wins', () => {
    const m = parsePathMap(['/mnt/nfs=/data', '/mnt/nfs/fast/=/scratch', '/=/root-mount']);
    expect(mapPath('/mnt/nfs/a.f8', m)).toBe('/data/a.f8');
    expect(mapPath('/mnt/nfs/fast/b/c.npy', m)).toBe('/scratch/b/c.npy');
    expect(mapPath('/mnt/nfsx/a.f8', m)).toBe('/root-mount/mnt/nfsx/a.f8');
    expect(mapPath('/mnt/nfs', m)).toBe('/data');
    expect(mapPath('/srv/a', parsePathMap(['/mnt=/x']))).toBe('/srv/a');
    for (const bad of ['nomap', '=/x', '/x=']) expect(thrown(() => parsePathMap([bad])).code).toBe('ERR_INVALID_ARG_VALUE');
  });
});
