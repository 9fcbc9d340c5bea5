/**
 * `ndmmap submit` as a command object; its body, submit-run.ts, is imported when it runs.
 */
import type { Command } from '../command.js';
import { COMMON, LAYOUT } from '../args.js';
import { LAYOUT_HELP } from '../help.js';

/** `ndmmap submit`: its flags, synopsis and help page (src/cli/command.ts). */
export const command: Command = {
  name: 'submit',
  usage: `ndmmap submit --redis URL OP FILE [OP's flags] [LAYOUT] [--queue NAME]
       [--shards N | --rows-per-shard R] [--fan-in F] [--attempts N] [--cache-ttl S]
       [--connect-timeout S] [--timeout S] [--json] [--quiet]`,
  options: {
    ...COMMON, ...LAYOUT, json: { type: 'boolean' }, quiet: { type: 'boolean', short: 'q' }, axis: { type: 'string' }, ddof: { type: 'string' },
    keepdims: { type: 'boolean' }, 'result-dtype': { type: 'string' }, where: { type: 'string' }, initial: { type: 'string' }, expr: { type: 'string' },
    redis: { type: 'string' }, queue: { type: 'string' }, shards: { type: 'string' }, 'rows-per-shard': { type: 'string' }, 'fan-in': { type: 'string' },
    attempts: { type: 'string' }, 'cache-ttl': { type: 'string' }, 'connect-timeout': { type: 'string' }, timeout: { type: 'string' },
    // the other mergeable commands' flags (src/cli/submit-ops.ts refuses those an operation does not take)
    bins: { type: 'string' }, range: { type: 'string' }, minlength: { type: 'string' }, k: { type: 'string' }, smallest: { type: 'boolean' },
    metric: { type: 'string' }, query: { type: 'string' }, filter: { type: 'string' }, vector: { type: 'string' },
  },
  help: `Usage: ndmmap submit --redis URL OP FILE [OP's flags] [LAYOUT] [options]

Run OP — a reduction, or histogram, bincount, topk, search or dot — on the workers ('ndmmap worker')
of a BullMQ queue: shard jobs run row ranges, merge jobs combine them in a fan-in tree; prints the
result as 'ndmmap OP FILE' does. FILE is opened here (its header, identity and the flags are checked
first) and by path on every worker. Quantiles do not shard: run them on one machine.
  --redis URL             redis://[user:password@]host[:port][/db] or rediss:// (required)
  --queue NAME            queue the workers serve (default ndmmap)
  --shards N              near-equal row ranges (default: about one per 512 MiB)
  --rows-per-shard R      or R rows per shard
  --fan-in F              states per merge job (default 16)
  --attempts N            tries per job before the submit fails (default 3)
  --cache-ttl S           seconds a shard's state stays cached in Redis (default 3600; 0: off)
  --connect-timeout S     give up when Redis does not answer within S seconds (default 10)
  --timeout S             give up (exit 1, queued jobs removed) with no result after S seconds
  --json                  print {"result": R}
  -q, --quiet             no shards-done line (shown on a terminal)
When no worker has taken a job after 5 s, one line on stderr says so, naming the queue; Ctrl-C
removes the queued jobs and exits 130, whatever state Redis is in.
OP's flags, as the local command takes them: reductions --axis, --keepdims, --ddof, --result-dtype,
--where, --initial, --expr; histogram --bins, --range (required with a bin count), --expr; bincount
--minlength; topk --k, --axis, --smallest; search --query Q.npy, --k, --metric, --filter EXPR; dot
--vector V.npy.

${LAYOUT_HELP}
`,
  // the distributed commands load on use: their modules (every mergeable operation's) stay out of a local run's start-up
  run: async (args) => (await import('./submit-run.js')).submitCommand(args),
};
