// The public types: test/types/*.ts must compile (`tsc -p test/types`), and a wrong expectation
// must not, so the type test cannot pass vacuously. The compiles run at once, as child processes started
// before the first test: test/types, the wrong expectations and the README's example share one program
// (one compile of src/: each file's errors are told apart by its name), the two consumer projects
// (module nodenext and commonjs, against the built .d.ts) one each.
import { spawn } from 'node:child_process';
import fs, { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './helpers.js';

const ROOT = join(import.meta.dirname, '..');
const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');

interface Tsc { status: number | null; out: string }
function tsc(project: string): Promise<Tsc> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [TSC, '-p', project], { cwd: ROOT });
    let out = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { out += d; });
    p.on('error', reject);
    p.on('close', (status) => resolve({ status, out }));
  });
}

const temps: ReturnType<typeof tempDir>[] = [];
/** A consumer project: app.ts importing 'ndmmap' (this package, as installed) under a tsconfig. */
function consumer(compilerOptions: Record<string, unknown>): Promise<Tsc> {
  const t = tempDir('ndmmap-consumer-');
  temps.push(t);
  fs.mkdirSync(t.file('node_modules'));
  fs.symlinkSync(ROOT, t.file('node_modules/ndmmap'));
  fs.copyFileSync(join(ROOT, 'test/types/consumer/app.ts'), t.file('app.ts'));
  writeFileSync(t.file('tsconfig.json'), JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, skipLibCheck: false, target: 'es2022', lib: ['es2023'], types: ['node'], typeRoots: [join(ROOT, 'node_modules/@types')], ...compilerOptions },
    files: ['app.ts'],
  }));
  return tsc(t.dir);
}

/**
 * test/types/*.ts (as `tsc -p test/types` compiles them), wrong.ts (expectations that must not compile)
 * and readme.ts (the README's TypeScript example) in one program against src/.
 */
function sourceProgram(): Promise<Tsc> {
  const t = tempDir();
  temps.push(t);
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
  const typeTests = fs.readdirSync(join(ROOT, 'test/types')).filter((f) => f.endsWith('.ts')).map((f) => join(ROOT, 'test/types', f));
  expect(typeTests.length).toBeGreaterThan(0);
  // test/types/tsconfig.json's options (the package's, no emit), and the temporary files with them
  writeFileSync(t.file('tsconfig.json'), JSON.stringify({
    extends: join(ROOT, 'tsconfig.json'),
    compilerOptions: { noEmit: true, rootDir: '/', typeRoots: [join(ROOT, 'node_modules/@types')] },
    files: [...typeTests, t.file('wrong.ts'), t.file('readme.ts')],
  }));
  return tsc(t.dir);
}

// the three compiles share the cores with each other and with the other test files: time for all of them
const COMPILES = 240_000;
let runs: { source: Promise<Tsc>; nodenext: Promise<Tsc>; commonjs: Promise<Tsc> };
beforeAll(() => {
  runs = {
    source: sourceProgram(),
    nodenext: consumer({ module: 'nodenext', moduleResolution: 'nodenext' }),
    commonjs: consumer({ module: 'commonjs', moduleResolution: 'node10' }),
  };
});
afterAll(async () => {
  await Promise.allSettled(Object.values(runs ?? {}));
  for (const t of temps) t.remove();
});

/** The diagnostics of a run that name a file ending in `file`, continuation lines included. */
function diagnostics(out: string, file: RegExp): string[] {
  const got: string[] = [];
  let mine = false;
  for (const line of out.split('\n')) {
    if (/^\S.*\(\d+,\d+\): error TS/.test(line) || /^error TS/.test(line)) mine = file.test(line.split('(')[0]);
    if (mine && line !== '') got.push(line);
  }
  return got;
}

describe('types', () => {
  it('a strict app compiles with no casts against the package: module nodenext and commonjs, skipLibCheck false', async () => {
    for (const [options, run] of [['nodenext', runs.nodenext], ['commonjs', runs.commonjs]] as const) {
      const r = await run;
      expect(r.out, options).toBe('');
      expect(r.status).toBe(0);
    }
  }, COMPILES);

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

  it('test/types compiles: results need no casts, wrong modes/dtypes/orders do not compile', async () => {
    const r = await runs.source;
    // every diagnostic of the shared program is one of wrong.ts's (test/types and readme.ts have none)
    expect(diagnostics(r.out, /(^|\/)wrong\.ts$/).join('\n')).toBe(r.out.trim());
    expect(diagnostics(r.out, /(^|\/)test\/types\/[^/]+\.ts$/)).toEqual([]);
  }, COMPILES);

  it('a wrong expectation fails to compile (the type test is not vacuous); the README\'s TypeScript example compiles', async () => {
    const r = await runs.source;
    expect(r.status).not.toBe(0);
    expect(r.out).toMatch(/wrong\.ts\(2,7\): error TS2322: Type 'Promise<bigint>' is not assignable to type 'Promise<number>'/);
    expect(r.out).toMatch(/wrong\.ts\(3,7\): error TS2322: Type 'Float32Array.*' is not assignable to type 'Float64Array/);
    expect(r.out).toMatch(/wrong\.ts\(4,15\): error TS2322: Type '"rw"' is not assignable to type 'ModeName/);
    expect(r.out.split('\n').filter((l) => /error TS/.test(l) && !/wrong\.ts\(/.test(l))).toEqual([]);
    expect(diagnostics(r.out, /(^|\/)readme\.ts$/)).toEqual([]);
  }, COMPILES);
});
