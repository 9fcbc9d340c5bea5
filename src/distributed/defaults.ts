/**
 * Defaults of the distributed mode, apart from redis.ts so the public declarations never name
 * bullmq's or ioredis's types (optional peer dependencies a TypeScript consumer may not have).
 */

/** How long to wait for a first connection before giving up (ms). */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** Queue (BullMQ) name when none is given. */
export const DEFAULT_QUEUE = 'ndmmap';
