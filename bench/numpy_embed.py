"""numpy's side of bench/embed.mjs, on the same .npy files in the same run. Prints one JSON line.
Usage:
  python3 bench/numpy_embed.py make FILE_F32 ROWS D         # the float32 file (and nothing else)
  python3 bench/numpy_embed.py derive FILE_F32 OUT DTYPE    # the same rows as another dtype
  python3 bench/numpy_embed.py time FILE OP REPEATS         # OP: search1 search16 dot sum
  python3 bench/numpy_embed.py error FILE SCORES_NPY         # float32 a @ q error vs a float64 reference
Queries: q[i] = sin(i) (one), Q[j, i] = cos(j * D + i) (16), as float32 - the same as embed.mjs.
Norms for cosine are precomputed outside the timing (numpy users keep them).
"""
import json
import sys
import time

import numpy as np


def queries(d, dtype):
    q = np.sin(np.arange(d)).astype(np.float32)
    Q = np.cos(np.arange(16 * d)).reshape(16, d).astype(np.float32)
    if np.dtype(dtype) == np.float64:
        return q.astype(np.float64), Q.astype(np.float64)
    return q, Q


def main():
    cmd = sys.argv[1]
    if cmd == 'make':
        path, rows, d = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
        rng = np.random.default_rng(1)
        a = np.lib.format.open_memmap(path, mode='w+', dtype='float32', shape=(rows, d))
        for i in range(0, rows, 100000):
            a[i:i + 100000] = rng.standard_normal((min(100000, rows - i), d), dtype=np.float32)
        a.flush()
        print(json.dumps({'made': path}))
        return
    if cmd == 'derive':
        src, out, dt = sys.argv[2], sys.argv[3], sys.argv[4]
        a = np.load(src, mmap_mode='r')
        b = np.lib.format.open_memmap(out, mode='w+', dtype=dt, shape=a.shape)
        for i in range(0, a.shape[0], 100000):
            x = a[i:i + 100000]
            b[i:i + 100000] = np.clip(np.round(x * 32), -127, 127) if dt == 'int8' else x
        b.flush()
        print(json.dumps({'made': out}))
        return
    path = sys.argv[2]
    a = np.load(path, mmap_mode='r')
    d = a.shape[1]
    q, Q = queries(d, a.dtype)
    if cmd == 'error':
        ours = np.load(sys.argv[3])
        ref = np.empty(a.shape[0])
        mag = np.empty(a.shape[0])
        npf = np.empty(a.shape[0])
        for i in range(0, a.shape[0], 100000):
            x = a[i:i + 100000]
            ref[i:i + 100000] = x.astype(np.float64) @ q.astype(np.float64)
            mag[i:i + 100000] = np.abs(x.astype(np.float64)) @ np.abs(q.astype(np.float64))
            npf[i:i + 100000] = x @ q
        rel = lambda s: np.abs(s.astype(np.float64) - ref) / mag
        r_ours, r_np = rel(ours), rel(npf)
        print(json.dumps({'ndmmap_max': float(r_ours.max()), 'ndmmap_mean': float(r_ours.mean()),
                          'numpy_max': float(r_np.max()), 'numpy_mean': float(r_np.mean())}))
        return
    op, repeats = cmd if cmd != 'time' else sys.argv[3], int(sys.argv[4])
    norms = np.linalg.norm(a, axis=1) if op == 'search1' else None
    qn = np.linalg.norm(q)

    def run():
        if op == 'search1':  # cosine, k=10, one query
            s = (a @ q) / (norms * qn)
            i = np.argpartition(-s, 10)[:10]
            return i[np.argsort(-s[i], kind='stable')]
        if op == 'search16':  # dot (sgemm), k=10 per column
            S = a @ Q.T
            return [np.argpartition(-S[:, j], 10)[:10] for j in range(16)]
        if op == 'dot':
            return a @ q
        return a.sum()

    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        run()
        times.append(time.perf_counter() - t)
    print(json.dumps({'op': op, 'seconds': times}))


if __name__ == '__main__':
    main()
