/**
 * Redis and BullMQ, loaded on first use (a dynamic import), so `import 'ndmmap'` and every other CLI
 * command never load a Redis client — and they are optional peer dependencies: a user who never scales
 * out never installs them, and one who does gets `ERR_NDMMAP_DEPENDENCY` saying what to install. A
 * connection is checked before anything is queued: an unreachable server is `ERR_NDMMAP_REDIS` within
 * the timeout, not an endless reconnect loop. Every wait here honours an AbortSignal, and closing never
 * waits on a Redis that has gone for more than `CLOSE_MS`.
 */
import { NdmmapError, fail, show } from '../errors.js';
import { DEFAULT_CONNECT_TIMEOUT_MS } from './defaults.js';

export { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_QUEUE } from './defaults.js';

type Bullmq = typeof import('bullmq');
type IORedis = typeof import('ioredis');
/** An ioredis client (the class's instance type). */
export type RedisClient = InstanceType<IORedis['Redis']>;

/** ioredis waits this long for a socket to close after QUIT before destroying it (its 2 s default holds a CLI's exit). */
const DISCONNECT_MS = 100;

/** How long closing waits for Redis to acknowledge (QUIT, removing queued jobs) before dropping the sockets. */
export const CLOSE_MS = 1500;
/** The peer dependencies' ranges (package.json's peerDependencies), for the message that asks for them. */
export const PEERS = 'bullmq@^6.7.0 ioredis@^6.0.0';

let loaded: Promise<{ bullmq: Bullmq; Redis: IORedis['Redis'] }> | undefined;

/** Import one peer dependency, or say what to install. */
async function peer<T>(name: string, imp: () => Promise<T>): Promise<T> {
  try {
    return await imp();
  } catch (err) {
    const code = (err as { code?: unknown })?.code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND')
      fail('ERR_NDMMAP_DEPENDENCY', `ndmmap's distributed mode (submit, worker) needs ${name}, which is not installed: npm install ${PEERS}`, { cause: err });
    throw err;
  }
}

/**
 * bullmq and ioredis, imported once.
 * @throws `ERR_NDMMAP_DEPENDENCY` when either is not installed (they are optional peer dependencies).
 */
export function load(): Promise<{ bullmq: Bullmq; Redis: IORedis['Redis'] }> {
  loaded ??= Promise.all([peer('bullmq', () => import('bullmq')), peer('ioredis', () => import('ioredis'))])
    .then(([bullmq, io]) => ({ bullmq, Redis: io.Redis }));
  loaded.catch(() => { loaded = undefined; }); // a later call tries again (after an install)
  return loaded;
}

/** The error an aborted call rejects with (as the engine's). */
export function abortError(signal: AbortSignal): NdmmapError {
  const e = new NdmmapError('ABORT_ERR', 'The operation was aborted', { cause: signal.reason });
  e.name = 'AbortError';
  return e;
}

/** `p`, or a rejection with `abortError` as soon as `signal` aborts (at once if it already has). */
export function abortable<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return p;
  if (signal.aborted) { p.catch(() => {}); return Promise.reject(abortError(signal)); }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** `p`, or undefined once `ms` have passed (for clean-ups that must not hang on a dead server). */
export async function within<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  p.catch(() => {});
  try {
    return await Promise.race([p, new Promise<undefined>((r) => { timer = setTimeout(() => r(undefined), ms); })]);
  } finally {
    clearTimeout(timer);
  }
}

/** Errors of a lost connection (the server went, restarts, or the network broke): reported once per outage. */
const CONNECTION_LOST = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH)$|Connection is closed|connect ETIMEDOUT|socket closed|LOADING/i;

/** Is this error a lost or refused connection (as opposed to a command that failed)? */
export function isConnectionError(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  return CONNECTION_LOST.test(String(e?.code ?? '')) || CONNECTION_LOST.test(String(e?.message ?? ''));
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

/**
 * Check a Redis URL (`redis://[user:password@]host[:port][/db]`, or `rediss://` for TLS) and a queue name.
 * @throws `ERR_INVALID_ARG_VALUE`
 */
export function checkTarget(url: unknown, queue: unknown): { url: string; queue: string } {
  if (typeof url !== 'string') fail('ERR_INVALID_ARG_VALUE', `redis must be a URL such as redis://host:6379, got ${show(url)}`);
  let u: URL;
  try { u = new URL(url); } catch { return fail('ERR_INVALID_ARG_VALUE', `redis must be a URL such as redis://host:6379, got ${show(url)}`); }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') fail('ERR_INVALID_ARG_VALUE', `redis URL must start with redis:// or rediss://, got ${show(redactUrl(url))}`);
  if (typeof queue !== 'string' || !/^[A-Za-z0-9_.-]{1,100}$/.test(queue)) fail('ERR_INVALID_ARG_VALUE', `queue must be 1 to 100 letters, digits, '_', '.', '-', got ${show(queue)}`);
  return { url, queue };
}

/** What `connect` gives: a client factory, the connection's health, and a close that never hangs. */
export interface Connection {
  /** One more client (each BullMQ object gets its own). */
  client: () => RedisClient;
  /** Is Redis answering (no lost connection since the last time every client was ready)? */
  healthy: () => boolean;
  /** QUIT every client, dropping the sockets of those that do not answer within `CLOSE_MS`. */
  close: () => Promise<void>;
}

/** Reports of a connection's outages: one call when it is lost (with the cause), one when it is back. */
export interface HealthLog { down?: (cause: string) => void; up?: () => void }

/**
 * Connected Redis clients for one submitter or worker; the first connection must succeed within
 * `timeoutMs` (and before `signal` aborts).
 * @throws `ERR_NDMMAP_REDIS` when the server cannot be reached or refuses (authentication, not Redis);
 *   `ABORT_ERR`; `ERR_NDMMAP_DEPENDENCY`.
 */
export async function connect(url: string, timeoutMs = DEFAULT_CONNECT_TIMEOUT_MS, o: { signal?: AbortSignal; health?: HealthLog } = {}): Promise<Connection> {
  const { Redis } = await abortable(load(), o.signal);
  const clients: RedisClient[] = [];
  let down = false;
  // BullMQ needs maxRetriesPerRequest null (blocking commands are retried forever, across reconnects).
  const track = (c: RedisClient): RedisClient => {
    // BullMQ duplicates a client for its blocking reads: those must be closed (and watched) too
    const duplicate = c.duplicate.bind(c);
    c.duplicate = (...args: Parameters<RedisClient['duplicate']>) => track(duplicate(...args));
    // reconnects are ioredis's business; an outage is reported once, not per attempt and client
    c.on('error', (err: Error) => {
      if (down || !isConnectionError(err)) return;
      down = true;
      o.health?.down?.(err.message);
    });
    c.on('ready', () => {
      if (!down || !clients.every((k) => k.status === 'ready')) return;
      down = false;
      o.health?.up?.();
    });
    clients.push(c);
    return c;
  };
  const client = (): RedisClient => track(new Redis(url, { maxRetriesPerRequest: null, connectTimeout: timeoutMs, disconnectTimeout: DISCONNECT_MS }));
  const close = async (): Promise<void> => {
    const list = clients.splice(0);
    await within(Promise.allSettled(list.map((c) => c.quit())), CLOSE_MS);
    for (const c of list) c.disconnect(); // ends reconnect timers too: nothing keeps the process alive
  };
  // not every client's status: BullMQ ends its blocking client itself when closing, which is no outage
  const healthy = (): boolean => !down;
  const probe = new Redis(url, {
    lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false, disconnectTimeout: DISCONNECT_MS,
  });
  let lastError: unknown;
  probe.on('error', (e) => { lastError = e; });
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs); });
    await abortable(Promise.race([probe.connect().then(() => probe.ping()), timeout]), o.signal);
  } catch (err) {
    if ((err as { code?: unknown })?.code === 'ABORT_ERR') throw err;
    // ioredis rejects with "Connection is closed."; the socket's own error says why
    const why = lastError instanceof Error ? lastError.message : (err as Error)?.message ?? String(err);
    fail('ERR_NDMMAP_REDIS', `cannot reach Redis at ${redactUrl(url)}: ${why}`, { cause: err });
  } finally {
    clearTimeout(timer);
    probe.disconnect();
  }
  return { client, close, healthy };
}
