// The two generated sides of the TS <-> C++ contract (native/gen/contract.h, src/gen/contract.cts) must
// be what scripts/gen-contract.mjs makes from contract/spec.mjs today: regenerate into a temp dir and
// compare byte for byte. A failure means the spec changed without `npm run gen:contract`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { native } from '../../dist/src/native.js';
import { CONTRACT_HASH, DTYPE_TABLE, KERNEL_KINDS, REDUCE, SLOT, packReduce } from '../../dist/src/gen/contract.cjs';

const ROOT = join(import.meta.dirname, '..', '..');
const out = mkdtempSync(join(tmpdir(), 'ndmmap-contract-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('the generated contract', () => {
  it.each(['native/gen/contract.h', 'src/gen/contract.cts'])('%s is up to date with contract/spec.mjs', (rel) => {
    execFileSync(process.execPath, [join(ROOT, 'scripts/gen-contract.mjs'), '--out', out]);
    expect(readFileSync(join(ROOT, rel), 'utf8')).toBe(readFileSync(join(out, rel), 'utf8'));
  });

  it('the built addon carries the same hash', () => {
    expect(native.contract.hash).toBe(CONTRACT_HASH);
    expect(CONTRACT_HASH).toMatch(/^[0-9a-f]{16}$/);
  });

  it('tables agree with numpy and with each other', () => {
    // numpy: np.dtype(name).itemsize / .kind / .char
    expect(DTYPE_TABLE.map((d) => `${d.name}:${d.itemsize}${d.kind}${d.char}`)).toEqual([
      'bool:1b?', 'int8:1ib', 'uint8:1uB', 'int16:2ih', 'uint16:2uH', 'int32:4ii', 'uint32:4uI', 'int64:8il',
      'uint64:8uL', 'float16:2fe', 'float32:4ff', 'float64:8fd',
    ]);
    for (const [k, kinds] of Object.entries(KERNEL_KINDS)) {
      const slots = Object.values(SLOT[k as keyof typeof SLOT]);
      expect(slots).toEqual([...kinds].map((_, i) => i));
    }
  });

  it('a packer writes each named field at its offset and returns the end', () => {
    const d = new Float64Array(REDUCE.SIZE + 2).fill(-7);
    const fields = Object.keys(REDUCE).filter((f) => f !== 'SIZE');
    const v = Object.fromEntries(fields.map((f, i) => [f, 100 + i])) as Parameters<typeof packReduce>[1];
    expect(packReduce(d, v, 1)).toBe(1 + REDUCE.SIZE);
    for (const f of fields) expect(d[1 + REDUCE[f as keyof typeof REDUCE]]).toBe(v[f as keyof typeof v]);
    expect([d[0], d[REDUCE.SIZE + 1]]).toEqual([-7, -7]);
  });
});

describe('the expression registry against the spec', () => {
  it("every ufunc's loops are type codes its VM op accepts, and its arity is the op's pops", async () => {
    const { UFUNCS } = await import('../../dist/src/expr/ufuncs.js');
    const { OP_INFO, TYPE_EXTRA } = await import('../../dist/src/gen/contract.cjs');
    const codeOf = (ins: readonly string[]): number =>
      ins[0] === ins[1] || ins.length < 2 ? DTYPE_TABLE.findIndex((d) => d.name === ins[0])
        : ins[0] === 'int64' ? TYPE_EXTRA.mixedQQ : TYPE_EXTRA.mixedQQR;
    let checked = 0;
    for (const u of UFUNCS.values()) {
      if (u.op === undefined) continue;
      const info = OP_INFO[u.op as keyof typeof OP_INFO];
      expect(info, u.name).toBeDefined();
      expect(info.pops, u.name).toBe(u.nin);
      for (const l of u.loops) {
        expect((info.types >>> codeOf(l.ins)) & 1, `${u.name} ${l.ins.join(',')}`).toBe(1);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(200);
  });
});
