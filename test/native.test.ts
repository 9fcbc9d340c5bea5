// The TS <-> C++ contract is checked at load (src/native.ts): every table the addon exports is
// compared with src/'s, and a mismatch is a clear error, never a wrong result. The addon throws
// ndmmap's own error class.
import { describe, expect, it } from 'vitest';
import { NdmmapError } from '../dist/src/index.js';
import { KERNEL_IDS, checkContract, native } from '../dist/src/native.js';
import { caught } from './helpers.js';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('the addon contract', () => {
  it('the built addon agrees with src/ (dtype codes, kernels, VM opcodes, limits, madvise, map modes)', () => {
    expect(() => checkContract(native)).not.toThrow();
    expect(Object.keys(KERNEL_IDS).length).toBe(native.contract.kernels.length);
    expect(['avx512', 'avx2', 'baseline']).toContain(native.contract.isa);
  });

  it.each([
    ['a dtype code', (c: typeof native.contract) => { c.dtypes.reverse(); }, /dtype codes/],
    ['a kernel state size', (c: typeof native.contract) => { c.kernels[1].state += 1; }, /state size of kernel/],
    ['a missing kernel', (c: typeof native.contract) => { c.kernels.pop(); }, /reduction kernels/],
    ['a VM opcode', (c: typeof native.contract) => { c.vm.ops.ADD = 99; }, /VM opcodes/],
    ['the dimension limit', (c: typeof native.contract) => { c.maxDims = 32; }, /dimension limit/],
    ['a madvise value', (c: typeof native.contract) => { c.advice.dontneed = 9; }, /madvise/],
  ])('a mismatch in %s is ERR_NDMMAP_ADDON at load', (_, tamper, re) => {
    const c = clone(native.contract);
    tamper(c);
    const e = caught(() => checkContract({ contract: c }));
    expect(e).toBeInstanceOf(NdmmapError);
    expect(e).toMatchObject({ code: 'ERR_NDMMAP_ADDON', message: expect.stringMatching(re) });
    checkContract(native); // the real ids again
  });

  it('an addon built from another contract spec is ERR_NDMMAP_ADDON naming npm run build:native', () => {
    const c = clone(native.contract);
    c.hash = '0000000000000000';
    const e = caught(() => checkContract({ contract: c }));
    expect(e).toBeInstanceOf(NdmmapError);
    expect(e).toMatchObject({ code: 'ERR_NDMMAP_ADDON', message: expect.stringMatching(/another contract.*npm run build:native/) });
    checkContract(native);
  });

  it('native errors are NdmmapErrors with code (and syscall/path where known)', () => {
    const e = caught(() => native.sync(2 ** 40, 0, 1));
    expect(e).toBeInstanceOf(NdmmapError);
    expect(e).toMatchObject({ code: 'ERR_NDMMAP_CLOSED' });
    const f = caught(() => native.map(-1 >>> 0, 0, 0, 4096));
    expect(f).toBeInstanceOf(NdmmapError);
    expect(f).toMatchObject({ code: expect.stringMatching(/^E[A-Z]+$/), syscall: 'mmap' });
  });
});
