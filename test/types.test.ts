// The public types: test/types/*.ts must compile (`tsc -p test/types`), and a wrong expectation
// must not, so the type test cannot pass vacuously.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from './helpers.js';

const ROOT = join(import.meta.dirname, '..');
const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');

function tsc(project: string): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [TSC, '-p', project], { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe('types', () => {
  it('test/types compiles: results need no casts, wrong modes/dtypes/orders do not compile', () => {
    const r = tsc(join(ROOT, 'test/types'));
    expect(r.out).toBe('');
    expect(r.status).toBe(0);
  });

  it('a wrong expectation fails to compile (the type test is not vacuous); the README\'s TypeScript example compiles', () => {
    const t = tempDir();
    try {
      writeFileSync(t.file('wrong.ts'), [
        `import { memmap } from ${JSON.stringify(join(ROOT, 'src/index.js'))};`,
        "const n: Promise<number> = memmap('x', { dtype: 'int64' }).sum();",
        "const d: Float64Array = memmap('x', { dtype: 'float32' }).typedArray();",
        "memmap('x', { mode: 'rw' });",
        'export { n, d };',
      ].join('\n'));
      const readme = /```ts\n([\s\S]*?)```/.exec(readFileSync(join(ROOT, 'README.md'), 'utf8'))![1];
      const body = readme.replace(/^import .*$/m, '').trim();
      writeFileSync(t.file('readme.ts'), `import { memmap } from ${JSON.stringify(join(ROOT, 'src/index.js'))};\nexport async function example(): Promise<void> {\n${body}\n}\n`);
      writeFileSync(t.file('tsconfig.json'), JSON.stringify({
        extends: join(ROOT, 'tsconfig.json'),
        compilerOptions: { noEmit: true, rootDir: '/', typeRoots: [join(ROOT, 'node_modules/@types')] },
        include: ['wrong.ts', 'readme.ts'],
      }));
      const r = tsc(t.dir);
      expect(r.status).not.toBe(0);
      expect(r.out).toMatch(/wrong\.ts\(2,7\): error TS2322: Type 'Promise<bigint>' is not assignable to type 'Promise<number>'/);
      expect(r.out).toMatch(/wrong\.ts\(3,7\): error TS2322: Type 'Float32Array.*' is not assignable to type 'Float64Array/);
      expect(r.out).toMatch(/wrong\.ts\(4,15\): error TS2322: Type '"rw"' is not assignable to type 'ModeName/);
      expect(r.out.split('\n').filter((l) => /error TS/.test(l) && !/wrong\.ts\(/.test(l))).toEqual([]);
    } finally {
      t.remove();
    }
  });
});
