/**
 * Usage text for `ndmmap --help` and `ndmmap COMMAND --help`; the reductions' lines come from the
 * reduction registry.
 */
import { REDUCTIONS } from '../engine/reductions/index.js';

/** The quantile family's commands (src/cli/commands/quantile.ts runs them). */
export const QUANTILE_NAMES = ['quantile', 'percentile', 'median', 'nanquantile', 'nanpercentile', 'nanmedian'];

const NAMES = REDUCTIONS.map((r) => r.name).join('|');
const width = Math.max(...REDUCTIONS.map((r) => r.name.length));
const LIST = REDUCTIONS.map((r) => `  ${r.name.padEnd(width)}  ${r.summary}`).join('\n');
const takes = (opt: string): string => REDUCTIONS.filter((r) => (r.options as readonly string[]).includes(opt)).map((r) => r.name).join(', ');

const LAYOUT = `Layout of a raw file (a .npy file carries its own; these flags are an error with one):
  --dtype D        numpy name or code: float64, '<f8', '>i4', uint8, B, ... (default uint8, as numpy.memmap)
  --shape S        e.g. 100,100; one dim may be -1, inferred from the file size (default: 1-D)
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
         [--initial V] [--expr EXPR] [LAYOUT] [--rows START:STOP | --shard-index I --shards N] [--partial]
         [--threads N] [--json] [--quiet]
  ndmmap dot FILE --vector V.npy [--out S.npy] [LAYOUT] [--threads N] [--json]
  ndmmap topk FILE --k K [--axis K|none] [--smallest] [--out PREFIX] [LAYOUT] [--rows START:STOP | --shard-index I --shards N] [--partial] [--json]
  ndmmap search EMB.npy --query Q.npy [--k 10] [--metric dot|cosine|l2] [--filter F.npy|EXPR]
         [--rows START:STOP | --shard-index I --shards N] [--partial] [--threads N] [--json]
  ndmmap quantile|percentile|nanquantile|nanpercentile FILE --q Q[,Q...] [--method M] [--axis K] [--keepdims]
  ndmmap median|nanmedian FILE [--axis K[,K...]] [--keepdims] [--expr EXPR]
  ndmmap histogram FILE [--bins N|E0,E1,...|auto|fd|...] [--range LO,HI] [--weights FILE2] [--density] [--expr EXPR]
         [--rows START:STOP | --shard-index I --shards N] [--partial] [--json]
  ndmmap bincount FILE [--minlength N] [--weights FILE2] [--rows START:STOP | --shard-index I --shards N] [--partial] [--json]
  ndmmap create FILE --dtype D --shape S [--fill V] [--order C|F] [--quiet]
  ndmmap apply FILE --expr EXPR [--var NAME=FILE|NUMBER]... [--out FILE2] [--out-dtype D] [LAYOUT]
         [--threads N] [--quiet]
  ndmmap merge [PARTIAL...] [--fan-in F] [--partial]   (files; '-' or none reads stdin)
  ndmmap submit --redis URL REDUCTION FILE [reduction flags] [LAYOUT] [--shards N | --rows-per-shard R]
         [--fan-in F] [--json]
  ndmmap worker --redis URL [--queue NAME] [--concurrency N] [--path-map FROM=TO]
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
  --var NAME=VALUE    a variable of --expr and --where: a .npy file (broadcast with x) or a number,
                      e.g. --expr '((x - mu) / sd) ** 2' --var mu=mu.npy --var sd=sd.npy (repeatable;
                      with --partial, numbers only)
  --rows START:STOP   only rows START:STOP of the first axis (a view, like a[START:STOP])
  --shard-index I     only shard I (from 0) of the rows cut by --shards N (near-equal) or
                      --rows-per-shard R; with --partial and none of these flags, the index comes from
                      JOB_COMPLETION_INDEX (count: --shards or NDMMAP_SHARDS) or SLURM_ARRAY_TASK_ID
                      (count: SLURM_ARRAY_TASK_COUNT; relative to SLURM_ARRAY_TASK_MIN and _STEP)
  --partial           print the mergeable partial state (JSON) instead of the value; see 'merge'
  --out F.npy         save the result (np.save's bytes; a 0-d file without --axis) instead of printing it,
                      e.g. mean --axis 0 --out mu.npy, then apply --var mu=mu.npy
  --json              print {"result": R} (with --out: {"out", "shape", "dtype"}); NaN/inf as
                      "nan"/"inf"/"-inf", big 64-bit ints as strings
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
  apply: `Usage: ndmmap apply FILE --expr EXPR [--var NAME=FILE|NUMBER]... [--out FILE2] [--out-dtype D] [LAYOUT]

Evaluate an elementwise expression of x (FILE) with numpy's semantics: every operation in numpy's
dtype for its operands, operands broadcast, the result cast into the output. In place, or into FILE2,
created with FILE's dtype (or --out-dtype) and the broadcast shape (a .npy when FILE2 ends in .npy).
Everything is checked before any file is created or opened for writing. Prints one line (what was
written, bytes, GB/s) when done, unless --quiet.
  --expr EXPR        e.g. '(x - mu) / sd', 'where(x > 0, sqrt(x), 0)', 'sin(i * 1e-6)'
  --var NAME=VALUE   a variable: a .npy file (broadcast with x), or a number (an integer is a
                     Python int, 2.0 a Python float); repeat for more
  --out FILE2        write here instead of in place; FILE or a --var file under any name (a link)
                     is written in place in the same layout, refused in another
  --out-dtype D      FILE2's dtype (default: FILE's)
  Index variables: i (flat C-order index), i0, i1, ... (index along each axis), exact int64.
  Operators + - * / // % ** & | ^ ~ << >> < <= > >= == !=; functions: numexpr's (sin ... arctanh,
  exp expm1 log log10 log2 log1p sqrt abs hypot arctan2 floor ceil trunc round sign minimum maximum
  isnan isinf isfinite where clip) and casts such as float32(x).
${RUN}

${LAYOUT}
`,
  quantile: `Usage: ndmmap quantile|percentile|nanquantile|nanpercentile FILE --q Q[,Q...] [options] [LAYOUT]
       ndmmap median|nanmedian FILE [options] [LAYOUT]

numpy's exact quantiles over files of any size, in bounded memory (a parallel radix select: a few
passes over the file, never a copy or a sort of it). quantile/median give NaN for data holding NaN;
the nan* commands skip NaN.
  --q Q[,Q...]        quantiles in [0, 1] (percentile: [0, 100]); one value prints a scalar
  --method M          numpy's method: linear (default), lower, higher, nearest, midpoint, inverted_cdf,
                      averaged_inverted_cdf, closest_observation, interpolated_inverted_cdf, hazen,
                      weibull, median_unbiased, normal_unbiased
  --axis K[,K...]     along axis K (or several); default: every element
  --keepdims          keep reduced axes with length 1
  --expr EXPR         quantiles of an expression of x, e.g. 'abs(x)'
  --weights FILE2     weights (numpy 2: with --method inverted_cdf only): a's shape, or with --axis K the
                      length of axis K; same LAYOUT flags for a raw file
  --weights-dtype DT  the dtype of a raw weights file (default: --dtype)
  --out F.npy         save the result (np.save's bytes) instead of printing it
  --json              print {"result": R} (with --out: {"out", "shape", "dtype"})
${RUN}

Shards: a quantile is a rank over the whole file, so it cannot be added up from shards the way counts
can. Bracket it across machines with 'histogram --partial' (merged counts tell which bin holds the
rank), then compute the exact value on one machine (only the file is needed there, not memory).

${LAYOUT}
`,
  histogram: `Usage: ndmmap histogram FILE [options] [LAYOUT]

numpy's histogram: counts of values in equal-width bins over --range (default: the data's min and
max, one more pass) or in bins with the given edges; the last bin is closed. On a terminal it prints a
bar chart, one line per bin (edges, count, bar) fitted to the terminal width.
  --bins N | E0,E1,... | NAME
                        number of bins (default 10), increasing edges, or numpy's estimator of the
                        count: auto, fd, doane, scott, stone, rice, sturges, sqrt
  --range LO,HI         the range of equal-width bins; values outside are ignored
  --weights FILE2       weights (same shape; same LAYOUT flags for a raw file): sums instead of counts,
                        in the weights' dtype as numpy's
  --weights-dtype DT    the dtype of a raw weights file (default: --dtype)
  --density             probability density (count / width / total)
  --expr EXPR           histogram of an expression of x, e.g. 'log1p(x)'
  --rows START:STOP     only rows START:STOP of the first axis
  --shard-index I --shards N (or --rows-per-shard R)   shard I's rows (with --partial alone:
                        JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID give I)
  --partial             print a mergeable state (needs --range or edges); 'merge' adds the counts.
                        Automatic ranges over shards: run min and max with --partial, merge each, then
                        pass --range MIN,MAX to every shard
  --out PREFIX          save PREFIX.counts.npy and PREFIX.edges.npy (np.save's bytes) instead of printing
  --json                print {"counts": [...], "edges": [...]} (with --out: what was written)
${RUN}

${LAYOUT}
`,
  bincount: `Usage: ndmmap bincount FILE [options] [LAYOUT]

numpy's bincount: how many times each non-negative integer occurs in a 1-D array.
  --minlength N       at least N bins
  --weights FILE2     sum weights (same shape, any numeric or bool dtype) instead of counting (float64)
  --weights-dtype DT  the dtype of a raw weights file (default: --dtype)
  --rows START:STOP   only rows START:STOP
  --shard-index I --shards N   shard I's rows (with --partial alone: JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID)
  --partial           print a mergeable state; 'merge' adds the counts
  --out F.npy         save the counts (np.save's bytes) instead of printing them
  --json              print {"result": [...]} (with --out: {"out", "shape", "dtype"})
${RUN}

${LAYOUT}
`,
  merge: `Usage: ndmmap merge [PARTIAL...] [--json]

Combine the states printed by '--partial' runs (reductions, topk, search, histogram, bincount) over
disjoint row ranges that cover every row into the value a single run over the whole file gives
(histogram and bincount: counts add; the bins must agree). Arguments are files ('-' or none: stdin), each
holding one or more states (one JSON object per line).
  --fan-in F   merge as a tree of F states per node, in row order (the tree 'submit' builds, so the
               same shards give the same bits); default: all at once
  --partial    print the merged state of a contiguous run of row ranges instead of the value (a
               merge step of its own, e.g. a Slurm job per group of shards)
  --json       print {"result": R}
`,
  submit: `Usage: ndmmap submit --redis URL OP FILE [OP's flags] [LAYOUT] [options]

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

${LAYOUT}
`,
  worker: `Usage: ndmmap worker --redis URL [--queue NAME] [--concurrency N] [options]

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
  dot: `Usage: ndmmap dot FILE --vector V.npy [--out S.npy] [LAYOUT] [--rows START:STOP | --shard-index I --shards N] [--partial] [--threads N] [--json]

numpy's a @ v: FILE (..., D) times V.npy, a vector (D,) or a matrix (D, Q) with Q <= 64. The result
dtype is numpy's promotion (int8 @ int8 is int8 and wraps; float16 accumulates in float32).
  --vector V.npy   the vector or matrix (a .npy file)
  --out S.npy      save the result (np.save's bytes, written atomically) instead of printing it
  --rows A:B       only rows A:B of FILE (2-D or more): rows A:B of the result
  --shard-index I --shards N   shard I's rows (with --partial alone: JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID)
  --partial        print the rows' part of the result as a state for 'ndmmap merge' (which puts them in order)
  --json           print {"result": R} (with --out: {"out", "shape", "dtype"})
${RUN}
`,
  topk: `Usage: ndmmap topk FILE --k K [--axis K|none] [--smallest] [LAYOUT] [--rows START:STOP | --shard-index I --shards N] [--partial] [--json]

The k largest values along an axis (default the last; 'none' flattens) and their indices, sorted
best first; ties go to the lower index, NaN comes last (numpy's stable sort of -a).
  --k K            how many (1 <= K <= the axis length)
  --smallest       the k smallest instead
  --rows A:B       only rows A:B of the first axis
  --shard-index I --shards N   shard I's rows (with --partial alone: JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID)
  --partial        print a mergeable state for rows A:B (indices of the whole file); see 'ndmmap merge'
  --out PREFIX     save PREFIX.values.npy and PREFIX.indices.npy (int64) instead of printing them
  --json           print {"values": [...], "indices": [...]} (with --out: what was written)
${RUN}
`,
  search: `Usage: ndmmap search EMB.npy --query Q.npy [--k 10] [--metric dot|cosine|l2] [--filter F.npy|EXPR] [--out PREFIX] [--json]

Brute-force nearest neighbours over an (N, D) file in one pass: for each query (Q.npy holds one (D,)
or several (Q, D), Q <= 64) the k best rows and their scores. dot and cosine rank largest first, l2
(Euclidean distance) smallest first; ties go to the lower row, NaN scores last.
  --k K            rows per query (default 10)
  --metric M       dot (default), cosine or l2
  --filter F.npy|EXPR   a bool (N,) file, or a bool expression of the row index i0 ('i0 < 500000'): only rows where it is true
  --rows A:B       only rows A:B (indices stay those of the whole file)
  --shard-index I --shards N   shard I's rows (with --partial alone: JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID)
  --partial        print a mergeable state for rows A:B; see 'ndmmap merge'
  --out PREFIX     save PREFIX.indices.npy (int64) and PREFIX.scores.npy instead of printing them
  --json           print {"indices": [...], "scores": [...]} (with --out: what was written)
${RUN}
`,
  demo: `Usage: ndmmap demo [--size-mib N] [--threads N] [--json]

Generate a float64 file (default 256 MiB; reused when present) in the temp directory, then time sum,
mean, std and the apply 'x * 2 + 1' on every thread and on one thread, and print each result with its
throughput and the speed-up. NDMMAP_DEMO_SIZE_MIB sets the size too.
`,
};
