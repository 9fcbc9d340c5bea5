/**
 * bullmq and ioredis are loaded only when a distributed call runs: not by `import 'ndmmap'`, not by
 * `import 'ndmmap/distributed'` (the package's exports entry), not by the CLI's local commands.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../cli/helpers.js';

/** Run an ES module body in a fresh node (cwd: the package, so 'ndmmap' resolves to itself). */
function run(body: string): string {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', `
    import { createRequire } from 'node:module';
    const loaded = () => Object.keys(createRequire(import.meta.url).cache).filter((k) => /node_modules\\/(ioredis|bullmq)\\//.test(k)).length;
    ${body}`], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
}

describe('lazy loading of the Redis client', () => {
  it('import \'ndmmap\' and \'ndmmap/distributed\' load no Redis client; a call does', () => {
    expect(run(`await import('ndmmap'); console.log(loaded());`)).toBe('0');
    expect(run(`const d = await import('ndmmap/distributed'); console.log(typeof d.submit, typeof d.startWorker, loaded());`)).toBe('function function 0');
    const after = run(`
      const { submit } = await import('ndmmap/distributed');
      const err = await submit('sum', 'package.json', { redis: 'redis://127.0.0.1:1', connectTimeout: 2000 }).catch((e) => e);
      console.log(err.code, loaded() > 0);`);
    expect(after).toBe('ERR_NDMMAP_REDIS true');
  });

  it('the CLI\'s local commands load no Redis client; submit does', () => {
    const loadedBy = (...args: string[]): string => {
      const r = spawnSync(process.execPath, ['-e', `
        process.argv = [process.argv[0], 'cli', ...${JSON.stringify(args)}];
        import('./dist/src/cli.js').then(() => setTimeout(() => {
          const n = Object.keys(require('node:module')._cache).filter((k) => /node_modules\\/(ioredis|bullmq)\\//.test(k)).length;
          console.error('loaded=' + (n > 0));
        }, 100));`], { cwd: ROOT, encoding: 'utf8' });
      return /loaded=(true|false)/.exec(r.stderr)?.[1] ?? r.stderr;
    };
    expect(loadedBy('info', 'package.json')).toBe('false');
    expect(loadedBy('sum', 'package.json', '--json')).toBe('false');
    expect(loadedBy('submit', '--redis', 'redis://127.0.0.1:1', 'sum', 'package.json')).toBe('true');
  });
});
