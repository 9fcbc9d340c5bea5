/**
 * `ndmmap submit --redis URL OP FILE [LAYOUT] [OP's flags] [--shards N | --rows-per-shard R]
 * [--fan-in F]`: run a reduction, or histogram, bincount, topk, search or dot, on the workers of a
 * BullMQ queue and print its result as the local command does, with a shards-done line on a terminal.
 * Quantiles are refused by name: they do not shard.
 */
import { type DTypeSpec } from '../../dtype-types.js';
import { NdmmapError, fail } from '../../errors.js';
import { DEFAULT_QUEUE, redactUrl } from '../../distributed/redis.js';
import { isTimeout } from '../../distributed/submit-wait.js';
import { mergePartials, partialResultDtype } from '../../engine/partial.js';
import { reduction } from '../../engine/reductions/index.js';
import { type SubmitOptions, submitOp, submitPartial } from '../../distributed/submit.js';
import { distOp } from '../../distributed/ops.js';
import { QUANTILE_NAMES } from '../help.js';
import { checkFlags, opOptions, printOp } from '../submit-ops.js';
import { USAGE, intOption, numberOption, orderOption, parse, shapeOption } from '../args.js';
import { formatJson, formatText } from '../../print/format.js';
import { isNpy } from '../open.js';
import { reduceOptions } from './reduce.js';
import { command } from './submit.js';

/** Redraw the shards line at most this often. */
const REDRAW_MS = 100;

/** Run `submit`. */
export async function submitCommand(args: string[]): Promise<void> {
  const { values, positionals } = parse(command, args, { min: 2, max: 2 });
  const [op, file] = positionals;
  if (QUANTILE_NAMES.includes(op)) fail(USAGE, `submit ${op}: quantiles do not shard; run on one machine (ndmmap ${op} FILE)`);
  const other = distOp(op);
  const red = other === undefined ? reduction(op) : undefined;
  if (values.redis === undefined) fail(USAGE, 'submit: --redis URL is required (e.g. --redis redis://queue-host:6379)');
  checkFlags(op, values, red === undefined ? [] : ['axis', 'keepdims', ...red.options.map((k) => (k === 'dtype' ? 'result-dtype' : k))]);
  const own = red !== undefined ? reduceOptions(red, values) : await opOptions(op, values);
  const o: SubmitOptions = { ...own, redis: String(values.redis) } as SubmitOptions;
  const name = red?.name ?? op;
  if (values.queue !== undefined) o.queue = String(values.queue);
  const layout = ['dtype', 'shape', 'offset', 'order'].filter((k) => values[k] !== undefined);
  if (layout.length && isNpy(file)) fail(USAGE, `${file}: a .npy file carries its own layout; remove ${layout.map((k) => `--${k}`).join(', ')}`);
  if (!isNpy(file)) {
    o.layout = { dtype: ((values.dtype as string | undefined) ?? 'uint8') as DTypeSpec, shape: shapeOption(values.shape), offset: intOption(values.offset, 'offset', 0), order: orderOption(values.order) };
  }
  if (values.shards !== undefined && values['rows-per-shard'] !== undefined) fail(USAGE, 'give --shards or --rows-per-shard, not both');
  o.shards = intOption(values.shards, 'shards', 1);
  o.rowsPerShard = intOption(values['rows-per-shard'], 'rows-per-shard', 1);
  o.fanIn = intOption(values['fan-in'], 'fan-in', 2);
  o.attempts = intOption(values.attempts, 'attempts', 1, 100);
  o.cacheTtl = intOption(values['cache-ttl'], 'cache-ttl', 0);
  const secs = numberOption(values['connect-timeout'], 'connect-timeout');
  if (secs !== undefined && secs <= 0) fail('ERR_OUT_OF_RANGE', `--connect-timeout must be above 0 seconds, got ${secs}`);
  if (secs !== undefined) o.connectTimeout = Math.max(1, Math.round(secs * 1000));
  const limit = numberOption(values.timeout, 'timeout');
  if (limit !== undefined && limit <= 0) fail('ERR_OUT_OF_RANGE', `--timeout must be above 0 seconds, got ${limit}`);
  // warnings go to stderr whether or not it is a terminal: a silent wait is what they are for
  o.log = (line) => process.stderr.write(`ndmmap submit: ${line}\n`);
  for (const k of Object.keys(o) as Array<keyof SubmitOptions>) if (o[k] === undefined) delete o[k];
  const err = process.stderr;
  let drawn = false, last = 0;
  if (err.isTTY && !values.json && !values.quiet) {
    o.onProgress = ({ doneShards, totalShards }) => {
      const now = performance.now();
      if (now - last < REDRAW_MS && doneShards < totalShards) return;
      last = now;
      drawn = true;
      err.write(`\r${name}: ${doneShards}/${totalShards} shards done\x1b[K`);
    };
  }
  // Ctrl-C removes the jobs still queued (the running ones finish; their states stay cached), and
  // exits 130 as an interrupted command does; --timeout does the same, exit 1 (ETIMEDOUT)
  const ac = new AbortController();
  let interrupted = false;
  const onSigint = (): void => { interrupted = true; ac.abort(); };
  process.once('SIGINT', onSigint);
  // a timer of our own: AbortSignal.timeout inside AbortSignal.any may be collected before it fires
  const timer = limit === undefined ? undefined : setTimeout(() => ac.abort(new DOMException(`no result within ${limit} s`, 'TimeoutError')), limit * 1000);
  o.signal = ac.signal;
  let state;
  try {
    if (other !== undefined) {
      const r = await submitOp(op, file, o as SubmitOptions & Record<string, unknown>);
      if (drawn) err.write('\r\x1b[K');
      drawn = false;
      process.stdout.write(await printOp(op, r, values.json === true) + '\n');
      return;
    }
    state = await submitPartial(name, file, o);
  } catch (e) {
    if (interrupted) throw new NdmmapError('ABORT_ERR', 'submit: interrupted; the queued jobs were removed');
    if (isTimeout(e)) fail('ETIMEDOUT', `submit: no result within ${limit} s from queue '${o.queue ?? DEFAULT_QUEUE}' on ${redactUrl(o.redis)}; the queued jobs were removed`);
    throw e;
  } finally {
    clearTimeout(timer);
    process.off('SIGINT', onSigint);
    if (drawn) err.write('\r\x1b[K');
  }
  const r = mergePartials([state]);
  const printable = typeof r === 'object' ? r : { scalar: r, dtype: partialResultDtype(state) };
  process.stdout.write((values.json ? formatJson(printable) : formatText(printable)) + '\n');
}
