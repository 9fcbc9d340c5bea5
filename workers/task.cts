/**
 * The piscina task entry. It knows the engine only through the message types of
 * src/engine/tasks.cts and runs what src/engine/execute.cts runs inline. CommonJS: a worker never
 * goes through the ESM loader, so a pool torn down while a worker is starting cannot abort the process.
 */
import execute = require('../src/engine/execute.cjs');

export = execute.runTask;
