/**
 * Redis and BullMQ, loaded on first use (a dynamic import), so `import 'ndmmap'` and every other CLI
 * command never load a Redis client. A connection is checked before anything is queued: an
 * unreachable server is `ERR_NDMMAP_REDIS` within the timeout, not an endless reconnect loop.
 */
import { fail, show } from '../errors.js';

type Bullmq = typeof import('bullmq');
type IORedis = typeof import('ioredis');
/** An ioredis client (the class's instance type). */
export type RedisClient = InstanceType<IORedis['Redis']>;

/** How long to wait for a first connection before giving up. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** ioredis waits this long for a socket to close after QUIT before destroying it (its 2 s default holds a CLI's exit). */
const DISCONNECT_MS = 100;
/** Queue (BullMQ) name when none is given. */
export const DEFAULT_QUEUE = 'ndmmap';

let loaded: Promise<{ bullmq: Bullmq; Redis: IORedis['Redis'] }> | undefined;

/** bullmq and ioredis, imported once. */
export function load(): Promise<{ bullmq: Bullmq; Redis: IORedis['Redis'] }> {
  loaded ??= Promise.all([import('bullmq'), import('ioredis')]).then(([bullmq, io]) => ({ bullmq, Redis: io.Redis }));
  return loaded;
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

/**
 * Connected Redis clients for one submitter or worker: `client()` makes one more (each BullMQ object
 * gets its own), `close()` ends them all. The first connection must succeed within `timeoutMs`.
 * @throws `ERR_NDMMAP_REDIS` when the server cannot be reached or refuses (authentication, not Redis).
 */
export async function connect(url: string, timeoutMs = DEFAULT_CONNECT_TIMEOUT_MS): Promise<{ client: () => RedisClient; close: () => Promise<void> }> {
  const { Redis } = await load();
  const clients: RedisClient[] = [];
  // BullMQ needs maxRetriesPerRequest null (blocking commands are retried forever, across reconnects).
  const client = (): RedisClient => {
    const c = new Redis(url, { maxRetriesPerRequest: null, connectTimeout: timeoutMs, disconnectTimeout: DISCONNECT_MS });
    c.on('error', () => {}); // reconnects are ioredis's business; failures surface through the commands
    clients.push(c);
    return c;
  };
  const close = async (): Promise<void> => {
    await Promise.all(clients.splice(0).map((c) => c.quit().catch(() => c.disconnect())));
  };
  const probe = new Redis(url, {
    lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false, disconnectTimeout: DISCONNECT_MS,
  });
  let lastError: unknown;
  probe.on('error', (e) => { lastError = e; });
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs); });
    await Promise.race([probe.connect().then(() => probe.ping()), timeout]);
  } catch (err) {
    // ioredis rejects with "Connection is closed."; the socket's own error says why
    const why = lastError instanceof Error ? lastError.message : (err as Error)?.message ?? String(err);
    fail('ERR_NDMMAP_REDIS', `cannot reach Redis at ${redactUrl(url)}: ${why}`, { cause: err });
  } finally {
    clearTimeout(timer);
    probe.disconnect();
  }
  return { client, close };
}
