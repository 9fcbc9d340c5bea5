/**
 * Messages that tell users what to do: a misspelt flag gets the nearest one, apply/create say what
 * they wrote, an .npz says how to get at its arrays, a big-endian typedArray() says how to get a
 * native-order copy, and a memmap closed under a running call points at the missing await.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { memmap, openNpy, shutdown } from '../../dist/src/index.js';
import { unknownOption } from '../../dist/src/cli/args.js';
import { COMMAND_OPTIONS } from '../../dist/src/cli/commands/index.js';
import { expectError, ndmmap, tmpdir } from './helpers.js';

const dir = tmpdir();
afterAll(async () => { await shutdown(); fs.rmSync(dir, { recursive: true, force: true }); });

describe('unknown options', () => {
  it('names the nearest option of the command, with exit 2 and ERR_NDMMAP_USAGE', () => {
    const f = path.join(dir, 'x.f8');
    fs.writeFileSync(f, new Float64Array([1, 2, 3, 4]));
    expectError(ndmmap(['sum', f, '--dtype', 'f8', '--axs', '0']), 2, /^ndmmap: sum: unknown option '--axs' \(did you mean --axis\?\)$/);
    expectError(ndmmap(['mean', f, '--kepdims']), 2, /unknown option '--kepdims' \(did you mean --keepdims\?\)$/);
    expectError(ndmmap(['info', f, '--jsno']), 2, /unknown option '--jsno' \(did you mean --json\?\)$/);
    expectError(ndmmap(['create', path.join(dir, 'n.f8'), '--dtype', 'f8', '--shape', '3', '--fil', '1']), 2, /did you mean --fill\?/);
    expect(fs.existsSync(path.join(dir, 'n.f8'))).toBe(false);
    expectError(ndmmap(['sum', f, '--zzzzzz']), 2, /unknown option '--zzzzzz'$/); // nothing near: no guess
  });

  it('suggests by edit distance or prefix, only within a third of the name', () => {
    const reduce = COMMAND_OPTIONS.reduce;
    expect(unknownOption('--ddfo', reduce)).toBe("unknown option '--ddfo' (did you mean --ddof?)");
    expect(unknownOption('--result', reduce)).toBe("unknown option '--result' (did you mean --result-dtype?)");
    expect(unknownOption('--axis=3x', { axis: { type: 'string' } })).toBe("unknown option '--axis=3x' (did you mean --axis?)");
    expect(unknownOption('--shapes', COMMAND_OPTIONS.info)).toBe("unknown option '--shapes' (did you mean --shape?)");
    expect(unknownOption('--colour', reduce)).toBe("unknown option '--colour'");
  });
});

describe('summary lines', () => {
  it('create and apply print one line (file, dtype, shape, bytes, GB/s); --quiet prints nothing', () => {
    const a = path.join(dir, 'a.npy');
    const c = ndmmap(['create', a, '--dtype', 'float32', '--shape', '1000,3', '--fill', '2']);
    expect(c.status).toBe(0);
    expect(c.stdout).toMatch(new RegExp(`^created ${a} filled with 2: float32 \\(1000, 3\\), 12.0 kB in \\d+\\.\\d\\d s \\(\\d+\\.\\d\\d GB/s\\)\\n$`));
    const out = path.join(dir, 'b.npy');
    const r = ndmmap(['apply', a, '--expr', 'x * 2', '--out', out]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^wrote ${out} \\(x \\* 2 of ${a}\\): float32 \\(1000, 3\\), 12.0 kB in \\d+\\.\\d\\d s`));
    expect(r.stdout.split('\n')).toHaveLength(2);
    const inPlace = ndmmap(['apply', a, '--expr', 'x + 1']);
    expect(inPlace.stdout).toMatch(/\(x \+ 1, in place\): float32 \(1000, 3\)/);
    for (const q of [['apply', a, '--expr', 'x', '--quiet'], ['create', path.join(dir, 'q.f8'), '--dtype', 'f8', '--shape', '2', '-q']]) {
      const s = ndmmap(q);
      expect(s.status).toBe(0);
      expect(s.stdout).toBe('');
    }
    expect(openNpy(out, { mode: 'r' }).get(999, 2)).toBe(4);
  });
});

describe('.npz input', () => {
  // a zip local-file header, as np.savez writes
  const npz = path.join(dir, 'data.npz');
  fs.writeFileSync(npz, Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(60)]));

  it('the CLI says it is a zip archive and how to extract a member (exit 1, file untouched)', () => {
    expectError(ndmmap(['sum', npz]), 1, new RegExp(`${npz}: this is a zip archive .*np\\.savez.*extract a member.*unzip ${npz} x\\.npy`));
    expect(fs.statSync(npz).size).toBe(64);
  });

  it('openNpy() of a zip archive (any name) fails with ERR_NDMMAP_NPY and the same hint', () => {
    const renamed = path.join(dir, 'really-a-zip.npy');
    fs.copyFileSync(npz, renamed);
    expect(() => openNpy(renamed, { mode: 'r' })).toThrow(expect.objectContaining({ code: 'ERR_NDMMAP_NPY', message: expect.stringMatching(/zip archive.*extract a member/) }));
  });
});

describe('library hints', () => {
  it('typedArray() of big-endian data suggests apply into a native-order out — and that works', async () => {
    const f = path.join(dir, 'be.f8');
    fs.writeFileSync(f, Buffer.from([0x3f, 0xf8, 0, 0, 0, 0, 0, 0, 0xc0, 0x04, 0, 0, 0, 0, 0, 0])); // 1.5, -2.5 big-endian
    const a = memmap(f, { dtype: '>f8', mode: 'r' });
    expect(() => a.typedArray()).toThrow(expect.objectContaining({
      code: 'ERR_NDMMAP_LAYOUT', message: expect.stringMatching(/big-endian >f8 .*apply it into a native-order out, e\.g\. await a\.apply\('x', \{ out: memmap\('native\.bin', \{ dtype: 'float64', mode: 'w\+', shape: a\.shape \}\) \}\)/),
    }));
    const native = await a.apply('x', { out: memmap(path.join(dir, 'native.bin'), { dtype: 'float64', mode: 'w+', shape: a.shape }) });
    expect([...native.typedArray()]).toEqual([1.5, -2.5]);
    a.close();
    native.close();
  });

  it('a memmap closed while its call runs rejects with ERR_NDMMAP_CLOSED naming the missing await', async () => {
    const f = path.join(dir, 'big.f8');
    fs.writeFileSync(f, Buffer.alloc(16 * 2 ** 20)); // pool-sized: the call is still running at close()
    for (const call of ['sum', 'apply', 'fill'] as const) {
      const a = memmap(f, { dtype: 'float64', mode: 'r+' });
      const pending = call === 'sum' ? a.sum() : call === 'apply' ? a.apply('x + 1') : a.fill(2);
      a.close(); // the bug: no await before close()
      await expect(pending).rejects.toMatchObject({
        code: 'ERR_NDMMAP_CLOSED',
        message: expect.stringMatching(new RegExp(`was closed while ${call}\\(\\) was still running; is an await missing \\(await a\\.${call}\\(…\\) before a\\.close\\(\\)\\)\\?`)),
      });
    }
  });
});
