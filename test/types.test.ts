// The public types: test/types/*.ts must compile (`tsc -p test/types`), and a wrong expectation
// must not, so the type test cannot pass vacuously.
import { spawnSync } from 'node:child_process';
import fs, { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from './helpers.js';

const ROOT = join(import.meta.dirname, '..');
const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');

function tsc(project: string): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [TSC, '-p', project], { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

/** A consumer project: app.ts importing 'ndmmap' (this package, as installed) under a tsconfig. */
function consumer(compilerOptions: Record<string, unknown>): { status: number | null; out: string } {
  const t = tempDir('ndmmap-consumer-');
  try {
    fs.mkdirSync(t.file('node_modules'));
    fs.symlinkSync(ROOT, t.file('node_modules/ndmmap'));
    fs.copyFileSync(join(ROOT, 'test/types/consumer/app.ts'), t.file('app.ts'));
    writeFileSync(t.file('tsconfig.json'), JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, skipLibCheck: false, target: 'es2022', lib: ['es2023'], types: ['node'], typeRoots: [join(ROOT, 'node_modules/@types')], ...compilerOptions },
      files: ['app.ts'],
    }));
    return tsc(t.dir);
  } finally {
    t.remove();
  }
}

describe('types', () => {
  it('a strict app compiles with no casts against the package: module nodenext and commonjs, skipLibCheck false', () => {
    for (const options of [{ module: 'nodenext', moduleResolution: 'nodenext' }, { module: 'commonjs', moduleResolution: 'node10' }]) {
      const r = consumer(options);
      expect(r.out, JSON.stringify(options)).toBe('');
      expect(r.status).toBe(0);
    }
  });

  it('the public .d.ts never names piscina, bullmq or ioredis (optional, or private to the engine)', () => {
    const seen = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toMatch(/from '(piscina|bullmq|ioredis)'|import\("(piscina|bullmq|ioredis)"\)|import\('(piscina|bullmq|ioredis)'\)/);
      for (const m of text.matchAll(/from '(\.[^']+)\.js'/g)) visit(join(dirname(file), `${m[1]}.d.ts`));
    };
    visit(join(ROOT, 'dist/src/index.d.ts'));
    visit(join(ROOT, 'dist/src/distributed/index.d.ts'));
    expect(seen.size).toBeGreaterThan(10);
  });

  it('NdmmapError codes: every code thrown in src/ is in ERROR_CODES (the union users switch on)', async () => {
    const { ERROR_CODES } = await import('../dist/src/index.js');
    const codes = new Set<string>();
    const walk = (d: string): void => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(d, e.name));
        else if (/\.c?ts$/.test(e.name)) for (const m of readFileSync(join(d, e.name), 'utf8').matchAll(/(?:fail|NdmmapError)\(\s*'([A-Z_]+)'/g)) codes.add(m[1]);
      }
    };
    walk(join(ROOT, 'src'));
    codes.add('ERR_NDMMAP_USAGE');
    const os = Object.keys((await import('node:os')).constants.errno);
    expect([...codes].filter((c) => !(ERROR_CODES as readonly string[]).includes(c) && !os.includes(c))).toEqual([]);
  });

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
