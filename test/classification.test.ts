// The classification family against the PyTorch oracle fixtures (test/fixtures/classification.json),
// in process with the best ISA; test/isa.test.ts runs the same fixtures under every other ISA.
import * as lk from '../lib';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fx = require('./support/fixtures.js');

const cases: Array<{ name: string; fn: string }> = fx.loadFixtures('classification').cases;

describe('classification fixtures (PyTorch float64 oracle)', () => {
  test.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const r = fx.runCase(lk, c);
    expect(r.message).toBe(`${c.name}: ok`);
  });
});

describe('logSumExp over a whole array', () => {
  // Long arrays take the one-pass (online) path: chunk maxima rise, so the running sum is rescaled.
  test.each([100, 16385, 100003])('length %i, rising values, matches a float64 reference', (n) => {
    const x32 = new Float32Array(n);
    for (let i = 0; i < n; i++) x32[i] = Math.sin(i) * 30 + i * 1e-3;
    let m = -Infinity;
    for (const v of x32) m = Math.max(m, v);
    let s = 0;
    for (const v of x32) s += Math.exp(v - m);
    const ref = m + Math.log(s);
    expect(Math.abs(lk.logSumExp(x32) - ref)).toBeLessThanOrEqual(1e-6 * Math.abs(ref) + 1e-6);
    const x64 = Float64Array.from(x32);
    expect(Math.abs(lk.logSumExp(x64) - ref)).toBeLessThanOrEqual(1e-12 * Math.abs(ref) + 1e-12);
  });

  test('NaN, +Infinity and all -Infinity in long arrays', () => {
    const x = new Float64Array(50000).fill(1);
    x[40000] = NaN;
    expect(lk.logSumExp(x)).toBeNaN();
    x[40000] = Infinity;
    expect(lk.logSumExp(x)).toBe(Infinity);
    x[10] = NaN;
    expect(lk.logSumExp(x)).toBeNaN();
    expect(lk.logSumExp(new Float32Array(30000).fill(-Infinity))).toBe(-Infinity);
    expect(lk.logSumExp(new Float32Array(0))).toBe(-Infinity);
  });
});

describe('crossEntropy results do not depend on alignment', () => {
  test('every byteOffset of a float32 view gives the same bits', () => {
    const n = 37, k = 33;
    const base = new Float32Array(n * k + 16);
    for (let i = 0; i < base.length; i++) base[i] = Math.cos(i * 0.7) * 5;
    const labels = new Int32Array(n).map((_, i) => (i * 7) % k);
    const results = new Set<number>();
    for (let off = 0; off < 16; off++) {
      const view = new Float32Array(n * k);
      view.set(base.subarray(0, n * k));
      const holder = new Float32Array(n * k + off);
      holder.set(view, off);
      results.add(lk.crossEntropy(holder.subarray(off), labels, { classes: k }));
    }
    expect(results.size).toBe(1);
  });
});

describe('crossEntropy label smoothing conventions', () => {
  test("'others' with ε equals 'uniform' with εK/(K-1)", () => {
    const k = 5;
    const x = new Float64Array([0.3, -1, 2, 0.5, 0.1, 1, 1, 1, 0, -3]);
    const y = new Int32Array([2, 4]);
    const a = lk.crossEntropy(x, y, { classes: k, labelSmoothing: 0.2, smoothing: 'others' });
    const b = lk.crossEntropy(x, y, { classes: k, labelSmoothing: (0.2 * k) / (k - 1) });
    expect(a).toBeCloseTo(b, 14);
    // and by hand: target 0.8 on the label, 0.05 elsewhere
    let ref = 0;
    for (let i = 0; i < 2; i++) {
      const row = Array.from(x.subarray(i * k, i * k + k));
      const m = Math.max(...row);
      const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
      row.forEach((v, c) => { ref -= (c === y[i] ? 0.8 : 0.05) * (v - lse); });
    }
    expect(a).toBeCloseTo(ref / 2, 13);
  });
});

describe('row pipelining (the next row max is found during this row exp pass)', () => {
  // JS float64 reference with torch's rules: NaN or an infinite max makes the row's loss NaN.
  function refCE(x: Float32Array, y: Int32Array, k: number): { sum: number; count: number; rows: number[] } {
    let sum = 0, count = 0;
    const rows: number[] = [];
    for (let i = 0; i < y.length; i++) {
      if (y[i] === -100) { rows.push(0); continue; }
      const row = Array.from(x.subarray(i * k, i * k + k));
      const m = Math.max(...row);
      let loss: number;
      if (row.some(Number.isNaN) || !Number.isFinite(m)) loss = NaN;
      else loss = Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0)) - (row[y[i]] - m);
      rows.push(loss);
      sum += loss;
      count++;
    }
    return { sum, count, rows };
  }
  test.each([7, 16, 100, 1000])('K=%i with ignored, NaN, ±Inf and all -Inf rows interleaved', (k) => {
    const n = 61;
    const x = new Float32Array(n * k);
    for (let i = 0; i < x.length; i++) x[i] = Math.sin(i * 1.3) * 8;
    const y = new Int32Array(n).map((_, i) => (i * 5) % k);
    for (let i = 0; i < n; i += 7) y[i] = -100;
    x[3 * k + 1] = NaN;
    x[10 * k] = Infinity;
    x.fill(-Infinity, 20 * k, 21 * k);
    x[30 * k + (k - 1)] = -Infinity;
    const ref = refCE(x, y, k);
    const none = lk.crossEntropy(x, y, { classes: k, reduction: 'none' }) as Float32Array;
    ref.rows.forEach((v, i) => {
      if (Number.isNaN(v)) expect(none[i]).toBeNaN();
      else expect(Math.abs(none[i] - v)).toBeLessThanOrEqual(1e-6 * Math.abs(v) + 1e-6);
    });
    const lse = lk.logSumExp(x, { classes: k }) as Float32Array;
    expect(lse[3]).toBeNaN();
    expect(lse[10]).toBe(Infinity);
    expect(lse[20]).toBe(-Infinity);
    // A batch without the non-finite rows: the mean matches the reference's.
    const clean = new Float32Array(x);
    for (const r of [3, 10, 20]) clean.fill(0.5, r * k, (r + 1) * k);
    const refClean = refCE(clean, y, k);
    const mean = lk.crossEntropy(clean, y, { classes: k });
    expect(Math.abs(mean - refClean.sum / refClean.count)).toBeLessThanOrEqual(1e-6 * Math.abs(mean) + 1e-6);
  });
});
