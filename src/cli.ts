#!/usr/bin/env node
/**
 * The `ndmmap` binary: runs src/cli/main.ts on the process's arguments and sets the exit status.
 */
import { watchOutput } from './cli/errors.js';
import { main } from './cli/main.js';

const output = watchOutput(process.stdout, process.stderr);
const status = await main(process.argv.slice(2));
// a failed write to stdout (a full disk, a closed pipe) makes a successful run exit 1, even when the
// error event comes after this line (watchOutput sets the status then)
process.exitCode = output.failed && status === 0 ? 1 : status;
