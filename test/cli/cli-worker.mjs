/**
 * The CLI in a worker thread, for test/cli/helpers.ts: runs `main(args)` of dist/src/cli/main.js once
 * per request, one at a time, with stdout and stderr captured and the request's environment set for the
 * call. A synchronous request (`sab`) is answered on `port` and wakes the blocked test thread through
 * Atomics; an asynchronous one is answered on parentPort. Plain JavaScript: it runs in Node, outside vitest's transform.
 */
import { parentPort, workerData } from 'node:worker_threads';

const { main } = await import(workerData.main);
const { port } = workerData;
let out = '', err = '';
const capture = (stream, add) => { stream.write = (chunk, enc, cb) => { add(String(chunk)); (typeof enc === 'function' ? enc : cb)?.(); return true; }; };
capture(process.stdout, (s) => { out += s; });
capture(process.stderr, (s) => { err += s; });
// a crash of the command is a failed run with the stack on stderr, as a process would show it
let current;
process.on('uncaughtException', (e) => { err += `uncaught: ${e?.stack ?? e}\n`; current?.(70); });
process.on('unhandledRejection', (e) => { err += `unhandled rejection: ${e?.stack ?? e}\n`; current?.(70); });

let queue = Promise.resolve();
parentPort.on('message', (req) => { queue = queue.then(() => serve(req)); });

async function serve({ id, args, env, sab }) {
  const saved = {};
  for (const [k, v] of Object.entries(env ?? {})) {
    saved[k] = process.env[k];
    if (v === undefined) delete process.env[k]; else process.env[k] = v;
  }
  out = ''; err = '';
  let status;
  try {
    status = await new Promise((resolve) => { current = resolve; main(args).then(resolve, (e) => { err += `rejected: ${e?.stack ?? e}\n`; resolve(70); }); });
  } finally {
    current = undefined;
    for (const [k, v] of Object.entries(saved)) { if (v === undefined) delete process.env[k]; else process.env[k] = v; }
  }
  const result = { id, status, stdout: out, stderr: err };
  out = ''; err = '';
  if (sab === undefined) { parentPort.postMessage(result); return; }
  port.postMessage(result);
  {
    const flag = new Int32Array(sab);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  }
}
