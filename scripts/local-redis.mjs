// A throwaway redis-server for the distributed tests and benchmark: 127.0.0.1 on a free port, its
// own temp directory, no persistence; stop() ends it and removes the directory.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** The redis-server binary on PATH, or undefined. */
export function findRedisServer() {
  const r = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() !== '' ? r.stdout.trim() : undefined;
}

/** A TCP port nobody listens on right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

/** Resolves once something answers PING with PONG on the port. */
function pong(port) {
  return new Promise((resolve) => {
    const c = net.connect(port, '127.0.0.1');
    let got = '';
    c.on('connect', () => c.write('PING\r\n'));
    c.on('data', (d) => { got += d; if (got.includes('\r\n')) { c.destroy(); resolve(got.startsWith('+PONG')); } });
    c.on('error', () => resolve(false));
  });
}

/**
 * Start redis-server; resolves to { url, port, dir, stop }. Throws when it does not answer within 10 s.
 */
export async function startRedis(bin = findRedisServer()) {
  if (bin === undefined) throw new Error('redis-server not found');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ndmmap-redis-'));
  const port = await freePort();
  const child = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no',
    '--daemonize', 'no', '--logfile', path.join(dir, 'redis.log')], { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    fs.rmSync(dir, { recursive: true, force: true });
  };
  for (let t = 0; t < 200; t++) {
    if (child.exitCode !== null) break;
    if (await pong(port)) return { url: `redis://127.0.0.1:${port}`, port, dir, stop };
    await new Promise((r) => setTimeout(r, 50));
  }
  const log = fs.existsSync(path.join(dir, 'redis.log')) ? fs.readFileSync(path.join(dir, 'redis.log'), 'utf8').slice(-500) : '';
  await stop();
  throw new Error(`redis-server did not start on port ${port}: ${log}`);
}
