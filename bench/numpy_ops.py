"""Times numpy on the same file ndmmap benchmarks, in the same run. Prints one JSON line:
{"op": ..., "seconds": [per repeat], "result": repr}. Usage:
  python3 bench/numpy_ops.py FILE DTYPE SHAPE(comma) OP REPEATS
OP: sum mean min max var std argmax sum0 sum1 apply apply_flush median quantile3 hist100r hist100
"""
import json
import sys
import time

import numpy as np


def main():
    path, dtype, shape, op, repeats = sys.argv[1:6]
    shape = tuple(int(s) for s in shape.split(','))
    mode = 'r+' if op.startswith('apply') else 'r'
    a = np.memmap(path, dtype=dtype, mode=mode, shape=shape)
    times = []
    result = None
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
        else:
            result = getattr(a, op)()
        times.append(time.perf_counter() - t)
    print(json.dumps({'op': op, 'seconds': times, 'result': repr(result)}))


if __name__ == '__main__':
    main()
