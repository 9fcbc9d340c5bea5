/**
 * Usage text for `ndmmap --help` and `ndmmap COMMAND --help`; the reductions' lines come from the
 * reduction registry.
 */
import { REDUCTIONS } from '../engine/reductions/index.js';

const NAMES = REDUCTIONS.map((r) => r.name).join('|');
const width = Math.max(...REDUCTIONS.map((r) => r.name.length));
const LIST = REDUCTIONS.map((r) => `  ${r.name.padEnd(width)}  ${r.summary}`).join('\n');
const takes = (opt: string): string => REDUCTIONS.filter((r) => (r.options as readonly string[]).includes(opt)).map((r) => r.name).join(', ');

const LAYOUT = `Layout of a raw file (a .npy file carries its own; these flags are an error with one):
  --dtype D        numpy name or code: float64, '<f8', '>i4', uint8, B, ... (default uint8, as numpy.memmap)
  --shape S        e.g. 100,100 (default: 1-D from the file size)
  --offset BYTES   where the data starts (default 0)
  --order C|F      memory order (default C)`;

const RUN = `  --threads N      threads to use (default: the pool's size, one per core)
  -q, --quiet      no progress bar (shown on a terminal for calls over 256 MiB)`;

/** Help text per command; `main` is the overview. */
export const HELP: Record<string, string> = {
  main: `ndmmap: numpy's memmap for Node.js, with a parallel engine

Usage:
  ndmmap info FILE [LAYOUT] [--json]
  ndmmap REDUCTION FILE [--axis K[,K...]] [--keepdims] [--ddof N] [--result-dtype D] [--where EXPR]
         [--initial V] [--expr EXPR] [LAYOUT] [--rows START:STOP] [--partial] [--threads N] [--json] [--quiet]
  ndmmap create FILE --dtype D --shape S [--fill V] [--order C|F] [--quiet]
  ndmmap apply FILE --expr EXPR [--out FILE2] [LAYOUT] [--threads N] [--quiet]
  ndmmap merge [PARTIAL...]        (files; '-' or none reads stdin)
  ndmmap demo [--size-mib N]

Reductions (numpy's functions):
${LIST}

${LAYOUT}

Exit status: 0 success, 2 usage error, 1 runtime error (missing file, file too small, permission).
'ndmmap COMMAND --help' shows more.
`,
  info: `Usage: ndmmap info FILE [LAYOUT] [--json]

Show the array's shape, dtype, order, data offset and size in bytes.
  --json   one object: {"shape":[...],"dtype":"float64","order":"C","offset":0,"nbytes":N}

${LAYOUT}
`,
  reduce: `Usage: ndmmap ${NAMES} FILE [options] [LAYOUT]

Reduce the array with numpy's semantics; the file is opened read-only.
${LIST}

  --axis K[,K...]     reduce along axis K, or several (negative counts from the end); default: every element
  --keepdims          keep reduced axes with length 1
  --ddof N            delta degrees of freedom (${takes('ddof')})
  --result-dtype D    numpy's dtype=: accumulator and result type (${takes('dtype')})
  --where EXPR        only elements where EXPR (of x) is true (${takes('where')}; min/max need --initial)
  --initial V         starting value, numpy's initial= (${takes('initial')})
  --expr EXPR         reduce an expression of x instead of x, with no temporary file, e.g. 'x * x'
  --rows START:STOP   only rows START:STOP of the first axis (a view, like a[START:STOP])
  --partial           print the mergeable partial state (JSON) instead of the value; see 'merge'
  --json              print {"result": R}; NaN/inf as "nan"/"inf"/"-inf", big 64-bit ints as strings
${RUN}

${LAYOUT}
`,
  create: `Usage: ndmmap create FILE --dtype D --shape S [--fill V] [--order C|F] [--quiet]

Create (or overwrite) FILE holding a zero-filled array; a FILE ending in .npy gets numpy's header.
Nothing is created when an argument is invalid. Prints one line (dtype, shape, bytes, GB/s) when done.
  --fill V    fill with V (a number, nan, inf, true, false), cast as numpy's a[...] = V
  --threads N threads for --fill
  --quiet, -q no summary line
`,
  apply: `Usage: ndmmap apply FILE --expr EXPR [--out FILE2] [LAYOUT]

Evaluate an elementwise expression of x (e.g. 'where(x > 0, sqrt(x), 0)') over FILE, in place or into
FILE2, created with FILE's dtype and shape (a .npy when FILE2 ends in .npy). The expression is checked
before any file is created or opened for writing. Prints one line (what was written, bytes, GB/s) when
done, unless --quiet.
${RUN}

${LAYOUT}
`,
  merge: `Usage: ndmmap merge [PARTIAL...] [--json]

Combine the states printed by '--partial' runs over disjoint row ranges that cover every row into
the value a single run over the whole file gives. Arguments are files ('-' or none: stdin), each
holding one or more states (one JSON object per line).
  --json   print {"result": R}
`,
  demo: `Usage: ndmmap demo [--size-mib N] [--threads N] [--json]

Generate a float64 file (default 256 MiB; reused when present) in the temp directory, then time sum,
mean, std and the apply 'x * 2 + 1' on every thread and on one thread, and print each result with its
throughput and the speed-up. NDMMAP_DEMO_SIZE_MIB sets the size too.
`,
};
