/**
 * `ndmmap worker --redis URL [--queue NAME] [--concurrency N] [--threads N] [--path-map FROM=TO]...`:
 * serve a BullMQ queue's shard and merge jobs until SIGTERM or SIGINT, which let the running jobs
 * finish (up to --close-timeout seconds, one with Redis gone) before the process exits with status 0
 * (a second SIGINT exits at once, status 130).
 */
import { fail } from '../../errors.js';
import { startWorker, type WorkerOptions } from '../../distributed/worker.js';
import { redactUrl } from '../../distributed/redis.js';
import { USAGE, intOption, numberOption, parse } from '../args.js';
import { command } from './worker.js';

/** Run `worker`; resolves once the worker has stopped. */
export async function workerCommand(args: string[]): Promise<void> {
  const { values } = parse(command, args, { min: 0, max: 0 });
  if (values.redis === undefined) fail(USAGE, 'worker: --redis URL is required (e.g. --redis redis://queue-host:6379)');
  const o: WorkerOptions = { redis: String(values.redis), log: (line) => process.stderr.write(`ndmmap worker: ${line}\n`) };
  if (values.queue !== undefined) o.queue = String(values.queue);
  o.concurrency = intOption(values.concurrency, 'concurrency', 1, 1024);
  o.threads = intOption(values.threads, 'threads', 1, 256);
  o.lockDuration = intOption(values['lock-duration'], 'lock-duration', 1);
  o.stalledInterval = intOption(values['stalled-interval'], 'stalled-interval', 1);
  if (values['path-map'] !== undefined) { const pm = values['path-map']; o.pathMap = Array.isArray(pm) ? pm : [String(pm)]; }
  const secs = numberOption(values['connect-timeout'], 'connect-timeout');
  if (secs !== undefined && secs <= 0) fail('ERR_OUT_OF_RANGE', `--connect-timeout must be above 0 seconds, got ${secs}`);
  if (secs !== undefined) o.connectTimeout = Math.max(1, Math.round(secs * 1000));
  const settle = numberOption(values.settle, 'settle');
  if (settle !== undefined && settle < 0) fail('ERR_OUT_OF_RANGE', `--settle must be at least 0 seconds, got ${settle}`);
  if (settle !== undefined) o.settle = Math.round(settle * 1000);
  const grace = numberOption(values['close-timeout'], 'close-timeout');
  if (grace !== undefined && grace <= 0) fail('ERR_OUT_OF_RANGE', `--close-timeout must be above 0 seconds, got ${grace}`);
  if (grace !== undefined) o.closeTimeout = Math.max(1, Math.round(grace * 1000));
  for (const k of Object.keys(o) as Array<keyof WorkerOptions>) if (o[k] === undefined) delete o[k];
  const w = await startWorker(o);
  process.stderr.write(`ndmmap worker ${w.name}: serving queue '${o.queue ?? 'ndmmap'}' on ${redactUrl(o.redis)}\n`);
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (sig: NodeJS.Signals): void => {
      if (stopping) { if (sig === 'SIGINT') process.exit(130); return; }
      stopping = true;
      process.stderr.write(`ndmmap worker ${w.name}: ${sig}, finishing the running jobs\n`);
      w.close().then(resolve, (err: Error) => { process.stderr.write(`ndmmap worker: ${err.message}\n`); resolve(); });
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}
