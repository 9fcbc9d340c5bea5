/**
 * `ndmmap worker` as a command object; its body, worker-run.ts, is imported when it runs.
 */
import type { Command } from '../command.js';
import { COMMON } from '../args.js';

/** `ndmmap worker`: its flags, synopsis and help page (src/cli/command.ts). */
export const command: Command = {
  name: 'worker',
  usage: `ndmmap worker --redis URL [--queue NAME] [--concurrency N] [--threads N] [--path-map FROM=TO]...
       [--lock-duration MS] [--stalled-interval MS] [--connect-timeout S] [--close-timeout S] [--settle S]`,
  options: {
    ...COMMON, redis: { type: 'string' }, queue: { type: 'string' }, concurrency: { type: 'string' }, threads: { type: 'string' },
    'path-map': { type: 'string', multiple: true }, 'lock-duration': { type: 'string' }, 'stalled-interval': { type: 'string' },
    'connect-timeout': { type: 'string' }, settle: { type: 'string' }, 'close-timeout': { type: 'string' },
  },
  help: `Usage: ndmmap worker --redis URL [--queue NAME] [--concurrency N] [options]

Serve the shard and merge jobs of 'ndmmap submit' until SIGTERM or SIGINT, which let the running
jobs finish first (up to --close-timeout; at once when Redis is gone), exit status 0. A lost Redis
is one line on stderr, and one more when it is back.
  --redis URL             redis://[user:password@]host[:port][/db] or rediss:// (required)
  --queue NAME            queue to serve (default ndmmap)
  --concurrency N         jobs at once (default 1; each uses --threads)
  --threads N             engine threads (default one per core)
  --path-map FROM=TO      read files under FROM from TO (repeatable): mounts that differ by machine
  --lock-duration MS      BullMQ's job lock (default 30000): a killed worker's job runs again after it
  --stalled-interval MS   how often to look for jobs of dead workers (default 30000)
  --connect-timeout S     give up when Redis does not answer within S seconds (default 10)
  --close-timeout S       on SIGTERM, how long running jobs may finish (default 30)
  --settle S              cache a shard's state only if its file was left alone for S seconds
                          (default 60: writes through a mapping show in the metadata only after writeback)
`,
  run: async (args) => (await import('./worker-run.js')).workerCommand(args),
};
