"""Times numpy on the same file ndmmap benchmarks, in the same run. Prints one JSON line:
{"op": ..., "seconds": [per repeat], "result": repr}. Usage:
  python3 bench/numpy_ops.py FILE DTYPE SHAPE(comma) OP REPEATS [EXTRA...]
OP: sum mean min max var std argmax sum0 sum1 apply apply_flush median quantile3 hist100r hist100
    standardise (FILE a .npy; EXTRA: mu.npy sd.npy): a -= mu; a /= sd, in place
    fill_sin (FILE created anew each repeat): a[k:k+n] = np.sin(np.arange(k, k+n) * 1e-6), chunks of 2**22
    fn:NAME[:AXIS] numpy's np.NAME(a) (or np.NAME(a, axis=AXIS)), e.g. fn:nanmean, fn:count_nonzero, fn:sum:0
    fns:AXIS:NAME,NAME,... each np.NAME(a, axis=AXIS) in turn (AXIS: N for None, 0, -1, 0+1 for a tuple),
        REPEATS times each; prints {"each": {NAME: [seconds] or null when numpy refuses}}
    matvec (EXTRA: v.npy): a @ v
    sqsum1: (a * a).sum(axis=1)
    cumsum:AXIS (EXTRA: OUT, a raw file of the same dtype and size): np.cumsum(a, axis=AXIS or None for N,
        out=OUT's memmap), then OUT flushed (ndmmap's cumsum into an out MemMap flushes too)
    sort: np.sort(a) (a copy in memory); argsort_stable: np.argsort(a, kind='stable')
    partition:KTH:AXIS / argpartition:KTH:AXIS: np.partition(a, KTH, axis=AXIS or None for N) (a copy in memory)
    unique: np.unique(a); unique_counts: np.unique(a, return_counts=True)
    searchsorted (EXTRA: queries.npy): np.searchsorted(a, queries)
    take_rows (EXTRA: idx.npy): a[idx] (rows gathered into memory); compress_rows (EXTRA: mask.npy):
        np.compress(mask, a, axis=0)
    assign:DTYPE:ORDER (EXTRA: OUT, a raw file): out = np.memmap(OUT, DTYPE, 'r+', shape, order=ORDER);
        out[:] = a; out.flush() (astype into a file, or a copy to F order)
"""
import json
import os
import sys
import time

import numpy as np

CHUNK = 1 << 22  # elements per chunk of the fill loop: 16-32 MiB of temporaries


def main():
    path, dtype, shape, op, repeats = sys.argv[1:6]
    extra = sys.argv[6:]
    shape = tuple(int(s) for s in shape.split(','))
    times = []
    result = None
    if op == 'matvec':
        v = np.load(extra[0])
    if op.startswith('cumsum:'):
        cax = None if op.split(':')[1] == 'N' else int(op.split(':')[1])
        cout = np.memmap(extra[0], dtype=dtype, mode='r+', shape=(int(np.prod(shape)),) if cax is None else shape)
    if op == 'searchsorted':
        queries = np.load(extra[0], mmap_mode='r')
    if op in ('take_rows', 'compress_rows'):
        sel = np.load(extra[0])
    if op.startswith('assign:'):
        _, odt, order = op.split(':')
        aout = np.memmap(extra[0], dtype=odt, mode='r+', shape=shape, order=order)
    if op == 'standardise':
        a = np.load(path, mmap_mode='r+')
        mu, sd = np.load(extra[0]), np.load(extra[1])
    elif op.startswith('fns:'):
        a = np.memmap(path, dtype=dtype, mode='r', shape=shape)
        _, ax, names = op.split(':')
        axis = None if ax == 'N' else tuple(int(x) for x in ax.split('+')) if '+' in ax else int(ax)
        each = {}
        for name in names.split(','):
            f = getattr(np, name)
            try:
                secs = []
                for _ in range(int(repeats)):
                    t = time.perf_counter()
                    f(a, axis=axis)
                    secs.append(time.perf_counter() - t)
                each[name] = secs
            except (TypeError, ValueError):
                each[name] = None
        print(json.dumps({'op': op, 'each': each}))
        return
    elif op != 'fill_sin':
        mode = 'r+' if op.startswith('apply') else 'r'
        a = np.load(path, mmap_mode=mode) if path.endswith('.npy') else np.memmap(path, dtype=dtype, mode=mode, shape=shape)
    for _ in range(int(repeats)):
        t = time.perf_counter()
        if op == 'sum0':
            result = a.sum(axis=0)[:3]
        elif op == 'sum1':
            result = a.sum(axis=1)[:3]
        elif op == 'median':
            result = np.median(a)
        elif op == 'quantile3':
            result = np.quantile(a, [0.5, 0.9, 0.99])
        elif op == 'hist100r':
            result = np.histogram(a, bins=100, range=(-0.5, 0.5))[0][:3]
        elif op == 'hist100':
            result = np.histogram(a, bins=100)[0][:3]
        elif op in ('apply', 'apply_flush'):
            a *= 2
            a += 1
            if op == 'apply_flush':
                a.flush()
            result = None
        elif op == 'standardise':
            a -= mu
            a /= sd
        elif op == 'fill_sin':
            if os.path.exists(path):
                os.unlink(path)
            f = np.memmap(path, dtype=dtype, mode='w+', shape=shape)
            n = f.size
            for k in range(0, n, CHUNK):
                m = min(CHUNK, n - k)
                f[k:k + m] = np.sin(np.arange(k, k + m) * 1e-6)
            del f
        elif op.startswith('fn:'):
            parts = op.split(':')
            f = getattr(np, parts[1])
            result = f(a) if len(parts) == 2 else f(a, axis=int(parts[2]))
            result = np.asarray(result).ravel()[:3]
        elif op == 'matvec':
            result = (a @ v)[:3]
        elif op == 'sort':
            result = np.sort(a)[:3]
        elif op.startswith('partition:') or op.startswith('argpartition:'):
            name, kth, ax = op.split(':')
            result = getattr(np, name)(a, int(kth), axis=None if ax == 'N' else int(ax))[:3]
        elif op == 'argsort_stable':
            result = np.argsort(a, kind='stable')[:3]
        elif op == 'unique':
            result = np.unique(a)[:3]
        elif op == 'unique_counts':
            result = np.unique(a, return_counts=True)[1][:3]
        elif op == 'searchsorted':
            result = np.searchsorted(a, queries)[:3]
        elif op == 'take_rows':
            result = a[sel][:1, :3]
        elif op == 'compress_rows':
            result = np.compress(sel, a, axis=0)[:1, :3]
        elif op.startswith('assign:'):
            aout[:] = a
            aout.flush()
            result = aout.ravel(order='K')[:3]
        elif op == 'sqsum1':
            result = (a * a).sum(axis=1)[:3]
        elif op.startswith('cumsum:'):
            np.cumsum(a, axis=cax, out=cout)
            cout.flush()
            result = cout[-1]
        else:
            result = getattr(a, op)()
        times.append(time.perf_counter() - t)
    print(json.dumps({'op': op, 'seconds': times, 'result': repr(result)}))


if __name__ == '__main__':
    main()
