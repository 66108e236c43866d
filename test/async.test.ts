// losskit/promises: the twins against the synchronous functions (bit for bit on one block, within
// the documented bound on many), errors as rejections, abort, event-loop responsiveness, and
// inputs collected while in flight.
import { execFileSync } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import { monitorEventLoopDelay } from 'perf_hooks';
import * as lk from '../lib';
import * as lp from '../lib/promises';
import { asyncConfig, DEFAULT_BLOCK_BYTES } from '../lib/async';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fx = require('./support/fixtures.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const gen = require('./support/async-data.js');

type Fn = (...a: unknown[]) => unknown;
const sync = lk as unknown as Record<string, Fn>;
const twins = lp as unknown as Record<string, Fn>;
const U = 2 ** -53;

afterEach(() => asyncConfig({ blockBytes: DEFAULT_BLOCK_BYTES }));

function sameBits(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Object.is(a, b);
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) {
    if (a.constructor !== b.constructor || a.byteLength !== b.byteLength) return false;
    const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    return x.every((v, i) => v === y[i]);
  }
  return a === b;
}

function callArgs(c: { args: unknown[]; options?: unknown }): unknown[] {
  const args = c.args.map(fx.materialize);
  if (c.options !== undefined) args.push(fx.materialize(c.options));
  return args;
}

type Outcome = { ok: true; value: unknown } | { ok: false; name: string; message: string };

function runSync(fn: string, args: unknown[]): Outcome {
  try {
    return { ok: true, value: sync[fn](...args) };
  } catch (e) {
    return { ok: false, name: (e as Error).name, message: (e as Error).message };
  }
}

async function runTwin(fn: string, args: unknown[]): Promise<Outcome> {
  let p: unknown;
  try {
    p = twins[fn](...args);
  } catch (e) {
    throw new Error(`${fn}: the promise twin threw synchronously: ${(e as Error).message}`);
  }
  expect(p).toBeInstanceOf(Promise);
  try {
    return { ok: true, value: await p };
  } catch (e) {
    return { ok: false, name: (e as Error).name, message: (e as Error).message };
  }
}

// Cases of every fixture family whose function has a twin.
const cases: Array<{ name: string; fn: string; args: unknown[]; options?: unknown }> = fx
  .fixtureNames()
  .flatMap((f: string) => fx.loadFixtures(f).cases)
  .filter((c: { fn: string }) => typeof twins[c.fn] === 'function');

describe('twins equal the synchronous functions', () => {
  // API.md's array-taking functions: each one this build exports has a twin.
  const ARRAY_FUNCTIONS = [
    'logSumExp', 'softmax', 'logSoftmax', 'crossEntropy', 'softCrossEntropy', 'klDivergence', 'entropy', 'smoothLabels',
    'flipLabels', 'empiricalDistribution', 'binaryCrossEntropy', 'sigmoidFocalLoss', 'softmaxFocalLoss', 'heatmapFocalLoss',
    'drawGaussian', 'renderHeatmaps', 'mseLoss',
  ];
  test('every array-taking function this build has, has a promise twin', () => {
    const have = ARRAY_FUNCTIONS.filter((fn) => typeof sync[fn] === 'function');
    expect(have).toEqual(expect.arrayContaining(['logSumExp', 'softmax', 'logSoftmax', 'crossEntropy', 'softCrossEntropy']));
    expect(have.filter((fn) => typeof twins[fn] !== 'function')).toEqual([]);
  });

  test.each([
    ['one block (default split)', DEFAULT_BLOCK_BYTES],
    ['many blocks (64-byte blocks)', 64],
  ])('every fixture case, %s: same error, same per-element bits, reductions within the bound', async (_label, bytes) => {
    asyncConfig({ blockBytes: bytes });
    const failures: string[] = [];
    for (const c of cases) {
      const s = runSync(c.fn, callArgs(c));
      const a = await runTwin(c.fn, callArgs(c));
      if (!s.ok || !a.ok) {
        if (s.ok !== a.ok || JSON.stringify(s) !== JSON.stringify(a)) failures.push(`${c.name}: sync ${JSON.stringify(s)} vs async ${JSON.stringify(a)}`);
        continue;
      }
      if (sameBits(s.value, a.value)) continue;
      // Only a reduction over several blocks may differ, and only by the merge rounding; the
      // fixtures are tiny (n <= 64 rows), so 2·n·u relative is generous.
      const oneBlock = bytes === DEFAULT_BLOCK_BYTES;
      const x = s.value as number, y = a.value as number;
      const close = typeof x === 'number' && Math.abs(x - y) <= 2 * 64 * U * Math.abs(x) * 4 + 1e-300;
      const lseClose = c.fn === 'logSumExp' && typeof x === 'number' && fx.valueMatches(y, x, fx.tolerance(c));
      if (oneBlock || !(close || lseClose)) failures.push(`${c.name}: sync ${String(s.value)} vs async ${String(a.value)}`);
    }
    expect(failures).toEqual([]);
  });
});

describe('many blocks on large inputs', () => {
  // n rows cut into blocks of n1 rows. Each per-sample loss ℓ_i is computed from its own row, so it
  // is the same in both; only the float64 summation differs. The one-block result and the split
  // one share their first n1 terms' running sum exactly, and each of the other additions rounds
  // by at most u·Σ|ℓ| (u = 2^-53): |Δ| <= 2·(n - n1)·u·Σ|ℓ| (CONTRIBUTING.md, "Async and meters").
  const n = 20000, k = 37;
  const blockBytes = 4096;
  const bound = (sumAbs: number, rowBytes: number) => 2 * (n - Math.floor(blockBytes / rowBytes)) * U * sumAbs * (1 + 1e-6);

  test.each([
    ['float32', Float32Array, 4],
    ['float64', Float64Array, 8],
  ] as const)('crossEntropy %s, weights, ignoreIndex, smoothing: sum, mean and none', async (_t, Ctor, size) => {
    const x = gen.logits(n, k, 11, Ctor);
    const y = gen.labels(n, k, 12, 0.1, 7);
    const opts = { classes: k, weight: gen.weights(k, 13), ignoreIndex: 7, labelSmoothing: 0.05 };
    const per = lk.crossEntropy(x, y, { ...opts, reduction: 'none' }) as Float32Array | Float64Array;
    let sumAbs = 0;
    for (const v of per) sumAbs += Math.abs(v);
    let wAbs = 0;
    for (const c of y) if (c !== 7) wAbs += opts.weight[c];
    const sSum = lk.crossEntropy(x, y, { ...opts, reduction: 'sum' });
    const sMean = lk.crossEntropy(x, y, opts);
    asyncConfig({ blockBytes });
    const aSum = await lp.crossEntropy(x, y, { ...opts, reduction: 'sum' });
    const aMean = await lp.crossEntropy(x, y, opts);
    const aPer = await lp.crossEntropy(x, y, { ...opts, reduction: 'none' });
    const rowBytes = k * size + 4;
    const bL = bound(sumAbs, rowBytes), bW = bound(wAbs, rowBytes);
    expect(Math.abs(aSum - sSum)).toBeLessThanOrEqual(bL);
    expect(Math.abs(aMean - sMean)).toBeLessThanOrEqual((bL / Math.abs(sSum) + bW / wAbs + U) * Math.abs(sMean) * 1.01);
    expect(sameBits(aPer, per)).toBe(true);
    // eslint-disable-next-line no-console
    console.log(`crossEntropy ${_t}, ${n} rows in blocks of ${Math.floor(blockBytes / rowBytes)}: |Δ sum| = ${Math.abs(aSum - sSum).toExponential(2)}, bound ${bL.toExponential(2)} (u·Σ|ℓ| = ${(U * sumAbs).toExponential(2)})`);
  });

  test('crossEntropy with spatial positions and a bad label found by a late block', async () => {
    const s = 5;
    const x = gen.logits(n, k * s, 21, Float64Array);
    const y = gen.labels(n * s, k, 22);
    const sync1 = lk.crossEntropy(x, y, { classes: k, spatial: s, reduction: 'sum' });
    asyncConfig({ blockBytes });
    const a = await lp.crossEntropy(x, y, { classes: k, spatial: s, reduction: 'sum' });
    expect(Math.abs(a - sync1)).toBeLessThanOrEqual(2 * n * U * sync1);
    y[n * s - 3] = 99;
    y[n * s - 1] = -5;
    const err = (() => { try { lk.crossEntropy(x, y, { classes: k, spatial: s }); } catch (e) { return e as Error; } return null; })();
    // (errors made by the addon belong to Node's realm, not jest's: compare names, not instanceof)
    expect(err!.name).toBe('RangeError');
    const e = await lp.crossEntropy(x, y, { classes: k, spatial: s }).catch((r) => r);
    expect(e.name).toBe('RangeError');
    expect(e.message).toBe(err!.message);
    expect(e.message).toBe(`crossEntropy: labels[${n * s - 3}] = 99 is out of range [0, ${k})`);
  });

  test('softCrossEntropy (float32 input, float64 targets) and softmax rows', async () => {
    const x = gen.logits(n, k, 31);
    const t = gen.probabilities(n, k, 32, Float64Array);
    const per = lk.softCrossEntropy(x, t, { classes: k, reduction: 'none' }) as Float32Array;
    let sumAbs = 0;
    for (const v of per) sumAbs += Math.abs(v);
    const sSum = lk.softCrossEntropy(x, t, { classes: k, reduction: 'sum' });
    const sm = lk.logSoftmax(x, { classes: k });
    asyncConfig({ blockBytes });
    const aSum = await lp.softCrossEntropy(x, t, { classes: k, reduction: 'sum' });
    expect(Math.abs(aSum - sSum)).toBeLessThanOrEqual(bound(sumAbs, k * 12));
    expect(sameBits(await lp.logSoftmax(x, { classes: k }), sm)).toBe(true);
    expect(sameBits(await lp.logSumExp(x, { classes: k }), lk.logSumExp(x, { classes: k }))).toBe(true);
  });

  test('dense family on large inputs: per-element bits equal, sums within the bound', async () => {
    const m = 200000;
    const x = gen.logits(m, 1, 71);
    const p = Float32Array.from(gen.probabilities(m, 1, 72), (_, i) => 0.02 + 0.96 * ((i * 7919) % 1000) / 1000);
    const t = gen.probabilities(m / 4, 4, 73, Float64Array);
    const r = gen.rng(74);
    const gt = new Float32Array(m).map(() => (r() < 0.003 ? 1 : r() * 0.9));
    const sumAbs = (v: ArrayLike<number>) => { let a = 0; for (let i = 0; i < v.length; i++) a += Math.abs(v[i]); return a; };
    type Call = [string, unknown[], Record<string, unknown>];
    const calls: Call[] = [
      ['binaryCrossEntropy', [x, t], { posWeight: new Float64Array([0.5, 1, 2, 4]) }],
      ['sigmoidFocalLoss', [x, t], {}],
      ['mseLoss', [x, t], { weight: new Float64Array([1, 2, 3, 4, 5]) }],
      ['heatmapFocalLoss', [p, gt], { batch: 8 }],
      ['heatmapFocalLoss', [x, gt], { inputs: 'logits' }],
      ['softmaxFocalLoss', [x, gen.labels(m / 8, 8, 75, 0.1, -1)], { classes: 8, ignoreIndex: -1, gamma: 1.5 }],
    ];
    asyncConfig({ blockBytes: 8192 });
    for (const [fn, args, o] of calls) {
      const per = sync[fn](...args, { ...o, reduction: 'none' }) as Float32Array;
      expect(sameBits(await twins[fn](...args, { ...o, reduction: 'none' }), per)).toBe(true);
      const sSum = sync[fn](...args, { ...o, reduction: 'sum' }) as number;
      const aSum = (await twins[fn](...args, { ...o, reduction: 'sum' })) as number;
      // float32 per-element outputs are rounded: Σ|ℓ| from them is within 1e-6 of the float64 one
      expect(Math.abs(aSum - sSum)).toBeLessThanOrEqual(2 * m * U * sumAbs(per) * (1 + 1e-6));
      const sMean = sync[fn](...args, o) as number;
      expect(Math.abs(((await twins[fn](...args, o)) as number) - sMean)).toBeLessThanOrEqual(4 * m * U * Math.abs(sMean));
    }
    // 'per-sample': whole images per block, each one the synchronous bits
    const ps = lk.heatmapFocalLoss(p, gt, { batch: 8, reduction: 'per-sample', out: new Float32Array(8) });
    expect(sameBits(await lp.heatmapFocalLoss(p, gt, { batch: 8, reduction: 'per-sample', out: new Float32Array(8) }), ps)).toBe(true);
    // drawGaussian and renderHeatmaps: one block each, the synchronous bits; a number[] map is written back
    const hm = new Array(64 * 64).fill(0);
    const hs = lk.drawGaussian(new Float64Array(64 * 64), { height: 64, width: 64 }, 20, 30, 9); // number[] is float64
    const ha = await lp.drawGaussian(hm, { height: 64, width: 64 }, 20, 30, 9);
    expect(ha).toBe(hm);
    expect(hm).toEqual(Array.from(hs));
    const spec = { batch: 2, channels: 3, height: 40, width: 50, points: [{ batch: 1, channel: 2, x: 10, y: 12, radius: 5 }, { batch: 0, channel: 0, x: 49, y: 0, radius: 20 }] };
    expect(sameBits(await lp.renderHeatmaps(spec), lk.renderHeatmaps(spec))).toBe(true);
  });

  test('logSumExp of a whole array: blocks combine within the function accuracy', async () => {
    const x32 = gen.logits(300000, 1, 41, Float32Array, 60);
    const x64 = Float64Array.from(x32);
    const s32 = lk.logSumExp(x32), s64 = lk.logSumExp(x64);
    asyncConfig({ blockBytes: 1 << 14 });
    const a32 = await lp.logSumExp(x32), a64 = await lp.logSumExp(x64);
    // float32 exps are shifted by each block's own max: within float32 accuracy (1e-6), twice over
    expect(Math.abs(a32 - s32)).toBeLessThanOrEqual(2e-6 * Math.abs(s32) + 2e-6);
    expect(Math.abs(a64 - s64)).toBeLessThanOrEqual(1e-13 * Math.abs(s64));
    x64[123456] = NaN;
    expect(await lp.logSumExp(x64)).toBeNaN();
    x64[123456] = Infinity;
    expect(await lp.logSumExp(x64)).toBe(Infinity);
    expect(await lp.logSumExp(new Float64Array(100000).fill(-Infinity))).toBe(-Infinity);
  });
});

describe('errors reject, never throw', () => {
  test.each([
    ['crossEntropy', [new Float32Array(6), new Int32Array(4)], TypeError, RangeError],
    ['softCrossEntropy', [new Float32Array(6), 'nope', { classes: 3 }], TypeError, TypeError],
    ['logSumExp', ['nope'], TypeError, TypeError],
    ['softmax', [new Float32Array(6), { classes: 4 }], RangeError, RangeError],
    ['logSoftmax', [new Float32Array(6), { temperature: -1 }], RangeError, RangeError],
    ['crossEntropy', [new Float32Array(6), new Int32Array(2), { bogus: 1 }], TypeError, TypeError],
    ['heatmapFocalLoss', [new Float32Array(4), new Float32Array([0, 1, 1.5, 0])], RangeError, RangeError],
    ['softmaxFocalLoss', [new Float32Array(6), new Int32Array([0, 3]), { classes: 3 }], RangeError, RangeError],
    ['drawGaussian', [new Float32Array(4), null, 0, 0, 1], TypeError, TypeError],
    ['renderHeatmaps', [{ batch: 1, channels: 1, height: 0, width: 4, points: [] }], RangeError, RangeError],
  ] as Array<[string, unknown[], unknown, ErrorConstructor]>)('%s', async (fn, args, _t, Err) => {
    let s: Error | null = null;
    try {
      sync[fn](...args);
    } catch (e) {
      s = e as Error;
    }
    expect(s!.name).toBe(Err.name);
    const p = twins[fn](...args) as Promise<unknown>;
    const e = (await p.catch((r) => r)) as Error;
    expect(e.name).toBe(Err.name);
    expect(e.message).toBe(s!.message);
  });

  test('signal must be an AbortSignal', async () => {
    await expect(lp.crossEntropy(new Float32Array(4), new Int32Array(2), { signal: 'x' as never })).rejects.toThrow(
      'crossEntropy: signal must be an AbortSignal',
    );
  });
});

describe('abort', () => {
  const x = gen.logits(20000, 1000, 51);
  const y = gen.labels(20000, 1000, 52);

  test('an aborted signal rejects with an AbortError after validation, queuing nothing', async () => {
    const ac = new AbortController();
    ac.abort('stop');
    const e = await lp.crossEntropy(x, y, { signal: ac.signal }).catch((err) => err);
    expect(e).toBeInstanceOf(DOMException);
    expect(e.name).toBe('AbortError');
    expect(e.cause).toBe('stop');
    // a bad call still says what is wrong with it
    expect((await lp.crossEntropy(x, y, { classes: 7, signal: ac.signal }).catch((r) => r)).name).toBe('RangeError');
  });

  test('aborting mid-flight stops at the next block boundary and leaves out untouched afterwards', async () => {
    asyncConfig({ blockBytes: 64 << 10 }); // ~16 rows of 1000 floats per block: 250 blocks
    const t0 = performance.now();
    await lp.crossEntropy(x, y);
    const full = performance.now() - t0;
    // Aborted right after the call has handed its blocks to the pool threads, which are then a
    // block or two in. That some blocks never ran is likely, not guaranteed: the pool threads
    // compete with this thread for the two cores, and if this thread waits a few ms for one they
    // finish every block first (the call still rejects, its result unused). So up to five tries,
    // of which one must find unwritten rows; every try must reject and leave out alone once
    // settled. (A timer at full / 8, as before, fired after the call had finished once the kernel
    // took only a few ms for all 250 blocks.)
    const unwrittenPerTry: number[] = [];
    for (let attempt = 0; attempt < 5 && !unwrittenPerTry.some((u) => u > 0); attempt++) {
      const ac = new AbortController();
      const out = new Float32Array(20000).fill(-1);
      const t1 = performance.now();
      const p = lp.crossEntropy(x, y, { reduction: 'none', out, signal: ac.signal });
      ac.abort();
      const e = await p.catch((err) => err);
      const took = performance.now() - t1;
      expect(e.name).toBe('AbortError');
      expect(e).toBeInstanceOf(DOMException);
      expect(took).toBeLessThan(full * 2 + 50);
      unwrittenPerTry.push(out.filter((v) => v === -1).length);
      // Nothing writes to out once the Promise has settled.
      const snapshot = out.slice();
      await new Promise((r) => setTimeout(r, 30));
      expect(sameBits(out, snapshot)).toBe(true);
    }
    expect(unwrittenPerTry.some((u) => u > 0)).toBe(true);
    // the same call without abort still works afterwards, with the same bits every time (the
    // split, not thread timing, decides them)
    const again = await lp.crossEntropy(x, y);
    expect(await lp.crossEntropy(x, y)).toBe(again);
    expect(Math.abs(again - lk.crossEntropy(x, y))).toBeLessThanOrEqual(2 * 20000 * U * again);
  });

  test('aborting after settlement is harmless; the listener is removed', async () => {
    const ac = new AbortController();
    const v = await lp.crossEntropy(x.subarray(0, 10000), y.subarray(0, 10), { signal: ac.signal });
    ac.abort();
    expect(v).toBe(lk.crossEntropy(x.subarray(0, 10000), y.subarray(0, 10)));
  });
});

describe('off the event loop', () => {
  test('50M-element crossEntropy calls through losskit/promises leave the event loop responsive', async () => {
    const n = 50000, k = 1000; // 50M float32 logits, 200 MB
    const x = gen.logits(n, k, 61);
    const y = gen.labels(n, k, 62);
    let syncMs = Infinity;
    let want = 0;
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      want = lk.crossEntropy(x, y);
      syncMs = Math.min(syncMs, performance.now() - t0);
    }

    // Calls back to back for at least 150 ms (five at least): a window of 100+ 1 ms samples, so p99
    // is not just the max, and enough interval ticks to tell where the work ran.
    const h = monitorEventLoopDelay({ resolution: 1 });
    let ticks = 0;
    const iv = setInterval(() => ticks++, 1);
    h.enable();
    const t1 = performance.now();
    let got = 0;
    let calls = 0;
    while (calls < 5 || (performance.now() - t1 < 150 && calls < 60)) {
      got = await lp.crossEntropy(x, y);
      calls++;
    }
    const elapsed = performance.now() - t1;
    h.disable();
    clearInterval(iv);
    const p99 = h.percentile(99) / 1e6;
    const [load] = os.loadavg();
    const cores = os.availableParallelism();
    // eslint-disable-next-line no-console
    console.log(`50M-element crossEntropy: sync ${syncMs.toFixed(1)} ms (fastest of 3); promise ${(elapsed / calls).toFixed(1)} ms per call; ` +
      `event-loop delay over ${calls} calls: p50 ${(h.percentile(50) / 1e6).toFixed(2)} ms, p99 ${p99.toFixed(2)} ms, max ${(h.max / 1e6).toFixed(2)} ms; ` +
      `${ticks} interval ticks; load average ${load.toFixed(1)} on ${cores} cores`);
    expect(Math.abs(got - want)).toBeLessThanOrEqual(2 * n * U * Math.abs(want) * 2);
    // Work on the main thread would stall the 1 ms interval for each call: about one tick per call
    // (a free loop gives one every 1-2 ms), and p99 near the synchronous duration. The kernel is
    // fast (about 9 ms for 200 MB here) and its two pool threads take both cores, so the main
    // thread itself waits for a core now and then (p99 up to 5 ms measured with nothing else
    // running): p99 is only held to half the synchronous time or 8 ms, whichever is larger. The
    // tick count is the sharp test (measured: 101 ticks over 26 calls; 15 over 16 calls when the
    // same loop ran the synchronous call).
    expect(ticks).toBeGreaterThan(Math.max(2 * calls, elapsed / 4));
    // Both p99 bounds (and the 10 ms target) hold when other processes leave the cores to us; on
    // an oversubscribed machine the scheduler, not losskit, sets the delay (the figure is printed
    // above; 7.3 ms measured with two busy loops beside jest).
    if (load <= cores) {
      expect(p99).toBeLessThan(Math.max(syncMs / 2, 8));
      expect(p99).toBeLessThan(10);
    }
  });
});

describe('inputs dropped while in flight', () => {
  test('collected with --expose-gc in a child process: no crash, right results', () => {
    const script = path.join(__dirname, 'support', 'gc-in-flight.js');
    const out = execFileSync(process.execPath, ['--expose-gc', script, path.join(__dirname, '..')], { encoding: 'utf8', timeout: 120000 });
    expect(out).toMatch(/^ok \d+ calls/m);
  });
});
