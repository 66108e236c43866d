// Meters: shards scored separately (in different workers, sync and async) and merged give the
// single-call loss, for every meter kind this build has, with ignoreIndex and weights.
import * as path from 'path';
import { Worker } from 'worker_threads';
import * as lk from '../lib';
import * as lp from '../lib/promises';
import { meterKinds } from '../lib/meter';
import { ask } from './support/worker-ask';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const gen = require('./support/async-data.js');

const root = path.join(__dirname, '..');
const U = 2 ** -53;
type Fn = (...a: unknown[]) => unknown;
const sync = lk as unknown as Record<string, Fn>;

// One data set per kind: rows, and how to cut both arrays at a row. A kind without an entry fails
// the "every kind" test below, so a family that adds a meter kind adds its data here.
interface Data {
  rows: number;
  input: Float32Array | Float64Array;
  target: ArrayLike<number> & { subarray(a: number, b: number): unknown };
  inPerRow: number;
  tgPerRow: number;
  options: Array<Record<string, unknown>>;
}
const K = 13;
const DATA: Record<string, () => Data> = {
  crossEntropy: () => ({
    rows: 5000,
    input: gen.logits(5000, K, 1),
    target: gen.labels(5000, K, 2, 0.15, -1),
    inPerRow: K,
    tgPerRow: 1,
    options: [
      { classes: K, ignoreIndex: -1 },
      { classes: K, ignoreIndex: -1, weight: gen.weights(K, 3), labelSmoothing: 0.1, base: 2 },
      { classes: K, ignoreIndex: -1, weight: gen.weights(K, 4), reduction: 'sum' },
    ],
  }),
  softCrossEntropy: () => ({
    rows: 5000,
    input: gen.logits(5000, K, 5, Float64Array),
    target: gen.probabilities(5000, K, 6),
    inPerRow: K,
    tgPerRow: K,
    options: [{ classes: K }, { classes: K, weight: gen.weights(K, 7), labelSmoothing: 0.2 }, { classes: K, reduction: 'sum', base: 10 }],
  }),
  klDivergence: () => ({
    rows: 5000,
    input: gen.probabilities(5000, K, 8),
    target: gen.probabilities(5000, K, 9, Float64Array),
    inPerRow: K,
    tgPerRow: K,
    options: [{ classes: K }, { classes: K, reduction: 'mean', base: 2 }, { classes: K, reduction: 'sum' }],
  }),
  binaryCrossEntropy: () => ({
    rows: 5000,
    input: gen.logits(5000, 4, 21),
    target: gen.probabilities(5000, 4, 22, Float64Array),
    inPerRow: 4,
    tgPerRow: 4,
    options: [{}, { posWeight: [0.5, 1, 2, 3], base: 2 }, { reduction: 'sum' }],
  }),
  sigmoidFocalLoss: () => ({
    rows: 5000,
    input: gen.logits(5000, 4, 23, Float64Array),
    target: gen.probabilities(5000, 4, 24),
    inPerRow: 4,
    tgPerRow: 4,
    options: [{}, { alpha: -1, gamma: 1 }, { reduction: 'sum', gamma: 0.5 }],
  }),
  softmaxFocalLoss: () => ({
    rows: 5000,
    input: gen.logits(5000, K, 25),
    target: gen.labels(5000, K, 26, 0.15, -1),
    inPerRow: K,
    tgPerRow: 1,
    options: [
      { classes: K, ignoreIndex: -1 },
      { classes: K, ignoreIndex: -1, alpha: gen.weights(K, 27), gamma: 1, inputs: 'logits' },
      { classes: K, ignoreIndex: -1, reduction: 'sum' },
    ],
  }),
  heatmapFocalLoss: () => {
    const { pred, gt } = heatmaps(400, 28);
    return {
      rows: 400,
      input: pred,
      target: gt,
      inPerRow: PIX,
      tgPerRow: PIX,
      options: [{}, { alpha: 1, beta: 2 }, { reduction: 'sum', inputs: 'logits' }],
    };
  },
  mseLoss: () => ({
    rows: 5000,
    input: gen.logits(5000, 3, 29),
    target: gen.logits(5000, 3, 30, Float64Array),
    inPerRow: 3,
    tgPerRow: 3,
    options: [{}, { weight: [0.5] }, { reduction: 'sum' }],
  }),
};

// Heatmaps for heatmapFocalLoss: n images of 16×16 probabilities, gt in [0, 1) with about 1% of
// pixels exactly 1 (positives), so some shards have none.
const PIX = 256;
function heatmaps(n: number, seed: number): { pred: Float32Array; gt: Float32Array } {
  const r = gen.rng(seed);
  const pred = new Float32Array(n * PIX).map(() => 0.01 + 0.98 * r());
  const gt = new Float32Array(n * PIX).map(() => (r() < 0.01 ? 1 : r() * 0.9));
  return { pred, gt };
}

function shard(d: Data, a: number, b: number): [unknown, unknown] {
  return [d.input.subarray(a * d.inPerRow, b * d.inPerRow), d.target.subarray(a * d.tgPerRow, b * d.tgPerRow)];
}

function cuts(rows: number, seed: number, parts: number): number[] {
  const r = gen.rng(seed);
  const c = new Set<number>([0, rows]);
  while (c.size < parts + 1) c.add(1 + Math.floor(r() * (rows - 1)));
  return [...c].sort((p, q) => p - q);
}


describe('meters', () => {
  test('every meter kind has test data', () => {
    expect(meterKinds().filter((k) => !DATA[k])).toEqual([]);
    expect(meterKinds()).toEqual(expect.arrayContaining(['crossEntropy', 'softCrossEntropy']));
  });

  describe.each(meterKinds().filter((k) => DATA[k]))('%s', (kind) => {
    const d = DATA[kind]();
    test.each(d.options.map((o, i) => [i, o]))('options #%i: random shards in three workers, merged, equal one call', async (_i, options) => {
      const want = sync[kind](d.input, d.target, options) as number;
      const single = lk.createMeter(kind, options).update(d.input, d.target).result();
      const workers = Array.from({ length: 3 }, () => new Worker(path.join(__dirname, 'support', 'worker.js'), { workerData: { root } }));
      try {
        const c = cuts(d.rows, 99, 7);
        const jsons = await Promise.all(
          c.slice(0, -1).map((a, i) => {
            const [input, target] = shard(d, a, c[i + 1]);
            return ask<object>(workers[i % 3], { op: 'meter', kind, options, input, target, async: i % 2 === 1 });
          }),
        );
        const merged = jsons.map((j) => lk.meterFromJSON(JSON.parse(JSON.stringify(j)))).reduce((m, o) => m.merge(o));
        const r = merged.result();
        // The loss sum of n rows in any summation order: |Δ| <= 2(n-1)·u·Σ|ℓ| (losses >= 0 here).
        const tol = 2 * d.rows * U * 4;
        expect(Math.abs(r.loss - want)).toBeLessThanOrEqual(tol * Math.abs(want));
        expect(r.count).toBe(single.count);
        expect(Math.abs(r.weight - single.weight)).toBeLessThanOrEqual(tol * single.weight);
        expect(Math.abs(single.loss - want)).toBeLessThanOrEqual(U * 4 * Math.abs(want)); // one update: the call's own sums
      } finally {
        await Promise.all(workers.map((w) => w.terminate()));
      }
    });
  });
});

describe('meter behaviour', () => {
  const x = gen.logits(1000, K, 11);
  const y = gen.labels(1000, K, 12, 0.2);

  test('result(): loss, count and the weight the mean divides by', () => {
    const w = gen.weights(K, 13);
    const m = lk.createMeter('crossEntropy', { classes: K, weight: w });
    m.update(x, y);
    const r = m.result();
    let count = 0, wsum = 0;
    for (const c of y) if (c !== -100) { count++; wsum += w[c]; }
    expect(r.count).toBe(count);
    expect(r.weight).toBeCloseTo(wsum, 10);
    expect(r.loss).toBe(lk.crossEntropy(x, y, { classes: K, weight: w }));
    const s = lk.createMeter('crossEntropy', { classes: K, weight: w, reduction: 'sum' }).update(x, y).result();
    expect(s.loss).toBe(lk.crossEntropy(x, y, { classes: K, weight: w, reduction: 'sum' }));
    expect(s.weight).toBe(r.weight);
  });

  test('a meter copies its options: changing the caller\'s weight array later changes nothing', () => {
    const w = gen.weights(K, 14);
    const m = lk.createMeter('crossEntropy', { classes: K, weight: w });
    w.fill(100);
    m.update(x, y);
    expect(m.result().loss).toBe(lk.crossEntropy(x, y, { classes: K, weight: gen.weights(K, 14) }));
  });

  test('no samples: NaN mean (all ignored), 0 sum; toJSON round-trips NaN and Infinity', () => {
    const m = lk.createMeter('crossEntropy', { classes: K });
    m.update(x.subarray(0, 2 * K), new Int32Array([-100, -100]));
    expect(m.result()).toEqual({ loss: NaN, count: 0, weight: 0 });
    const p = new Float64Array(K).fill(0);
    const inf = lk.createMeter('crossEntropy', { classes: K, inputs: 'log-probabilities' });
    p[0] = -Infinity;
    inf.update(p, new Int32Array([0]));
    expect(inf.result().loss).toBe(Infinity);
    const back = lk.meterFromJSON(JSON.stringify(inf));
    expect(back.result()).toEqual(inf.result());
    expect(JSON.parse(JSON.stringify(inf)).sums.loss).toBe('Infinity');
  });

  test('updateAsync adds in call order whatever finishes first, and equals update', async () => {
    const big = gen.logits(30000, K, 15);
    const bigY = gen.labels(30000, K, 16, 0.1);
    const a = lk.createMeter('crossEntropy', { classes: K });
    const b = lk.createMeter('crossEntropy', { classes: K });
    // parts under one block each (so each updateAsync has the bits of update), the first the slowest
    const parts: Array<[number, number]> = [[0, 15000], [15000, 15010], [15010, 30000]];
    await Promise.all(parts.map(([s, e]) => a.updateAsync(big.subarray(s * K, e * K), bigY.subarray(s, e))));
    for (const [s, e] of parts) b.update(big.subarray(s * K, e * K), bigY.subarray(s, e));
    expect(a.result()).toEqual(b.result());
  });

  test('updateAsync rejects like the promise twin and leaves the meter as it was; signal aborts', async () => {
    const m = lk.createMeter('crossEntropy', { classes: K });
    m.update(x, y);
    const before = m.result();
    const bad = y.slice();
    bad[5] = K;
    const e = await m.updateAsync(x, bad).catch((r) => r);
    expect(e.name).toBe('RangeError');
    expect(e.message).toBe(`crossEntropy: labels[5] = ${K} is out of range [0, ${K})`);
    const ac = new AbortController();
    ac.abort();
    expect((await m.updateAsync(x, y, { signal: ac.signal }).catch((r) => r)).name).toBe('AbortError');
    expect(m.result()).toEqual(before);
    await m.updateAsync(x, y);
    expect(m.result().count).toBe(2 * before.count);
  });

  test('bad kinds, options and merges', () => {
    expect(() => lk.createMeter('nope')).toThrow(RangeError);
    expect(() => lk.createMeter(3 as never)).toThrow(TypeError);
    expect(() => lk.createMeter('crossEntropy', { reduction: 'none' })).toThrow("createMeter: options.reduction must be one of 'mean', 'sum'");
    expect(() => lk.createMeter('crossEntropy', { out: new Float32Array(1) })).toThrow(TypeError);
    expect(() => lk.createMeter('crossEntropy', { signal: new AbortController().signal })).toThrow(TypeError);
    const a = lk.createMeter('crossEntropy', { classes: K });
    expect(() => a.merge(lk.createMeter('softCrossEntropy', { classes: K }))).toThrow(RangeError);
    expect(() => a.merge(lk.createMeter('crossEntropy', { classes: K, ignoreIndex: 0 }))).toThrow(RangeError);
    expect(() => a.merge({} as never)).toThrow(TypeError);
    expect(() => lk.meterFromJSON('{')).toThrow(RangeError);
    expect(() => lk.meterFromJSON({ type: 'x' })).toThrow(RangeError);
    expect(() => lk.meterFromJSON({ ...a.toJSON(), sums: { loss: 0, weight: 0, count: -1 } })).toThrow(RangeError);
    // the function's own checks run on update
    expect(() => lk.createMeter('crossEntropy', { bogus: 1 }).update(x, y)).toThrow("crossEntropy: unknown option 'bogus'");
  });

  test('createMeter and meterFromJSON are exported from losskit/promises too', () => {
    expect(lp.createMeter).toBe(lk.createMeter);
    expect(lp.meterFromJSON).toBe(lk.meterFromJSON);
  });
});
