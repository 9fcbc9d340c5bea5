/**
 * `ndmmap/distributed`: reductions across machines on BullMQ (Redis). bullmq and ioredis are loaded
 * on the first call, never at import.
 */
export { submit, type SubmitOptions, DEFAULT_ATTEMPTS, DEFAULT_CACHE_TTL_S } from './submit.js';
export { startWorker, type WorkerOptions, type WorkerHandle } from './worker.js';
export { DEFAULT_QUEUE, DEFAULT_CONNECT_TIMEOUT_MS } from './defaults.js';
export { DEFAULT_FAN_IN, shardRanges, fanInTree, type ShardSpec, type MergeTree } from '../engine/shards.js';
