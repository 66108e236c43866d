// Tiny calls through the staging area (lib/tiny.ts, native/addon/tiny.cc): the same bits and the
// same errors as the general path, bounds the addon keeps whatever the header says, and one area
// per environment.
import * as path from 'path';
import { Worker } from 'worker_threads';
import * as lk from '../lib';
import { native } from '../lib/binding';
import { crossEntropyWith, logSumExpWith } from '../lib/classification';
import { tiny } from '../lib/tiny';

const root = path.join(__dirname, '..');

// A small deterministic generator (xorshift), so failures reproduce.
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

// What f throws, as "Name: message" ('no error' when it returns). Errors thrown by the addon come
// from Node's realm, not jest's, so they are compared by name and message, not by class.
function thrown(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return `${(e as Error).name}: ${(e as Error).message}`;
  }
  return 'no error';
}

type FloatCtor = Float32ArrayConstructor | Float64ArrayConstructor;
const FLOATS: FloatCtor[] = [Float32Array, Float64Array];
const LABELS = [Int32Array, Uint8Array, Int8Array, Int16Array, Uint16Array, Uint32Array];
// [n, k]: one row, the widths around the vector lengths, several rows, and the capacity (512 values).
const SHAPES: Array<[number, number]> = [
  [1, 1], [1, 2], [1, 10], [3, 10], [1, 16], [1, 17], [2, 33], [1, 64], [2, 65], [8, 64], [51, 10], [512, 1], [1, 512], [4, 128],
];

function logits(F: FloatCtor, len: number, r: () => number, special: boolean): Float32Array | Float64Array {
  const x = new F(len);
  for (let i = 0; i < len; i++) x[i] = (r() - 0.5) * 12;
  if (special && len > 1) {
    const pick = Math.floor(r() * 4);
    x[Math.floor(r() * len)] = [NaN, Infinity, -Infinity, 1e30][pick];
  }
  return x;
}

describe('tiny calls through the staging area', () => {
  test('the staging area is in use here', () => {
    expect(tiny).not.toBeNull();
  });

  test('crossEntropy: the same bits and sums as the general path, every float and label type', () => {
    const r = rng(7);
    let compared = 0;
    for (const [n, k] of SHAPES) {
      for (const F of FLOATS) {
        for (const L of LABELS) {
          for (const special of [false, true]) {
            const x = logits(F, n * k, r, special);
            const y = new L(n);
            const top = Math.min(k, L === Int8Array ? 128 : L === Uint8Array ? 256 : k);  // labels the type can hold
            for (let i = 0; i < n; i++) y[i] = Math.floor(r() * top);
            if (n > 2 && (L === Int32Array || L === Int8Array || L === Int16Array)) y[1] = -100;  // ignored
            for (const reduction of ['mean', 'sum'] as const) {
              tiny!.hdr[0] = 0;
              const got = lk.crossEntropy(x, y, { reduction });
              // Every call here went through the area (Uint32 labels too, when below 2^31).
              expect(tiny!.hdr[0]).toBe(n);
              const sums = Array.from(native.stats as Float64Array).slice(0, 3);
              const want = crossEntropyWith(native, x, y, { reduction });
              expect(Object.is(got, want)).toBe(true);
              expect(sums).toEqual(Array.from(native.stats as Float64Array).slice(0, 3));
              compared++;
            }
          }
        }
      }
    }
    expect(compared).toBe(SHAPES.length * FLOATS.length * LABELS.length * 4);
  });

  test('crossEntropy: plain arrays (float64 logits, integer labels) through the area, the same bits as the general path', () => {
    const r = rng(11);
    let compared = 0;
    for (const [n, k] of SHAPES) {
      const x = Array.from(logits(Float64Array, n * k, r, n > 1));
      const y = Array.from({ length: n }, () => Math.floor(r() * k));
      if (n > 2) y[1] = -100;
      for (const [xi, yi] of [[x, y], [Float64Array.from(x), y], [x, Int32Array.from(y)]] as const) {
        for (const reduction of ['mean', 'sum'] as const) {
          tiny!.hdr[0] = 0;
          const got = lk.crossEntropy(xi as number[], yi as number[], { reduction });
          expect(tiny!.hdr[0]).toBe(n);
          const want = crossEntropyWith(native, xi as number[], yi as number[], { reduction });
          expect(Object.is(got, want)).toBe(true);
          // a float64 array of the same values gives the same bits
          expect(Object.is(got, lk.crossEntropy(Float64Array.from(x), Int32Array.from(y), { reduction }))).toBe(true);
          compared++;
        }
      }
    }
    expect(compared).toBe(SHAPES.length * 6);
  });

  test('crossEntropy: plain-array and Uint32 values the area cannot hold give the general path\'s errors', () => {
    const x = [0.5, 0.5, 0.5];
    for (const [input, labels] of [
      [x, [1.5]], [x, [NaN]], [x, ['1']], [x, [3]], [x, [-1]], [x, [2 ** 31]], [x, [2 ** 32 - 100]], [x, [undefined]],
      [[0.5, '0.5', 0.5], [1]], [[0.5, 0.5, undefined], [1]], [x, new Uint32Array([2 ** 32 - 100])], [x, new Uint32Array([2 ** 31])],
    ] as Array<[unknown[], unknown]>) {
      const want = thrown(() => crossEntropyWith(native, input as number[], labels as number[]));
      expect(want).toMatch(/^(TypeError|RangeError): crossEntropy: /);
      expect(thrown(() => lk.crossEntropy(input as number[], labels as number[]))).toBe(want);
    }
    // -100 in a plain array is the ignore index, as in a typed array
    expect(lk.crossEntropy(x, [-100])).toBeNaN();
    expect(lk.crossEntropy([1, 2, 3, 4], [-100, 1])).toBe(lk.crossEntropy(new Float64Array([1, 2, 3, 4]), new Int32Array([-100, 1])));
  });

  test('crossEntropy: a plain array whose element reads call losskit (a Proxy) still gets its own result', () => {
    const x = [1, 2, 3, 4, 5, 6];
    const y = [2, 0];
    const want = lk.crossEntropy(Float64Array.from(x), Int32Array.from(y));
    let nested = 0;
    const other = new Float32Array(12).fill(3);
    // Each element read runs a losskit call on other data, which uses the staging area.
    const spy = <T,>(a: T[]) => new Proxy(a, {
      get(target, prop, recv) {
        if (typeof prop === 'string' && /^\d+$/.test(prop)) {
          nested++;
          lk.crossEntropy(other, new Int32Array([1, 2, 3]));
          lk.logSumExp(other, { classes: 4 });
        }
        return Reflect.get(target, prop, recv);
      },
    });
    expect(lk.crossEntropy(spy(x), y)).toBe(want);
    expect(lk.crossEntropy(x, spy(y))).toBe(want);
    expect(lk.crossEntropy(spy(x), spy(y))).toBe(want);
    expect(nested).toBeGreaterThan(0);
  });

  test('crossEntropy: inputs changed between calls are read again', () => {
    const x = new Float32Array([1, 2, 3, 4]);
    const y = new Int32Array([0, 1]);
    const a = lk.crossEntropy(x, y);
    x[0] = 5;
    y[1] = 0;
    const b = lk.crossEntropy(x, y);
    expect(b).not.toBe(a);
    expect(b).toBe(crossEntropyWith(native, x, y));
  });

  test('crossEntropy: errors are the general path\'s', () => {
    const x = new Float32Array(10).fill(0.5);
    expect(() => lk.crossEntropy(x, new Int32Array([10]))).toThrow(new RangeError('crossEntropy: labels[0] = 10 is out of range [0, 10)'));
    expect(() => lk.crossEntropy(x, new Int8Array([-1]))).toThrow(new RangeError('crossEntropy: labels[0] = -1 is out of range [0, 10)'));
    // A Uint32 label above 2^31 would read as -100 (ignored) in an Int32 copy: it must stay an error.
    expect(() => lk.crossEntropy(x, new Uint32Array([2 ** 32 - 100]))).toThrow(
      new RangeError('crossEntropy: labels[0] = 4294967196 is out of range [0, 10)'),
    );
    expect(() => lk.crossEntropy(new Float32Array(20), new Int32Array([1, 20]))).toThrow(/labels\[1\] = 20 is out of range \[0, 10\)/);
    expect(lk.crossEntropy(x, new Int32Array([-100]))).toBeNaN();  // every sample ignored: 0 / 0
    expect(lk.crossEntropy(x, new Int32Array([-100]), { reduction: 'sum' })).toBe(0);
  });

  test('logSumExp: rows (with and without out) and whole arrays, the same bits as the general path', () => {
    const r = rng(11);
    for (const [n, k] of SHAPES) {
      for (const F of FLOATS) {
        for (const special of [false, true]) {
          const x = logits(F, n * k, r, special);
          const want = logSumExpWith(native, x, { classes: k }) as Float32Array | Float64Array;
          tiny!.hdr[0] = 0;
          const got = lk.logSumExp(x, { classes: k });
          expect(tiny!.hdr[0]).toBe(n);
          expect(got.constructor).toBe(F);
          expect(Array.from(got)).toEqual(Array.from(want));
          const out = new F(n).fill(-7);
          expect(lk.logSumExp(x, { classes: k, out })).toBe(out);
          expect(Array.from(out)).toEqual(Array.from(want));
          expect(Object.is(lk.logSumExp(x), logSumExpWith(native, x))).toBe(true);
        }
      }
    }
  });

  test('logSumExp: plain arrays through the area (float64, as the general path reads them), the same bits; with out, the general path', () => {
    const r = rng(13);
    for (const [n, k] of SHAPES) {
      const x = Array.from(logits(Float64Array, n * k, r, n > 1));
      const want = logSumExpWith(native, x, { classes: k }) as Float64Array;
      tiny!.hdr[0] = 0;
      const got = lk.logSumExp(x, { classes: k });
      expect(tiny!.hdr[0]).toBe(n);
      expect(got).toBeInstanceOf(Float64Array);
      expect(Array.from(got)).toEqual(Array.from(want));
      const out = new Float64Array(n).fill(-7);
      expect(lk.logSumExp(x, { classes: k, out })).toBe(out);
      expect(Array.from(out)).toEqual(Array.from(want));
      tiny!.hdr[0] = 0;
      expect(Object.is(lk.logSumExp(x), logSumExpWith(native, x))).toBe(true);
      expect(tiny!.hdr[0]).toBe(n * k);
    }
    // a non-number element: the general path's error
    for (const bad of [[1, '2', 3], [1, undefined, 3], [1, null, 3]]) {
      const want = thrown(() => logSumExpWith(native, bad as number[]));
      expect(want).toMatch(/^TypeError: logSumExp: /);
      expect(thrown(() => lk.logSumExp(bad as number[]))).toBe(want);
    }
    // element reads that call losskit (a Proxy) do not leak another call's values into this one
    const x = [1, 2, 3, 4, 5, 6];
    const other = new Float32Array(8).fill(2);
    const spy = new Proxy(x, {
      get(target, prop, recv) {
        if (typeof prop === 'string' && /^\d+$/.test(prop)) lk.logSumExp(other, { classes: 4 });
        return Reflect.get(target, prop, recv);
      },
    });
    expect(lk.logSumExp(spy)).toBe(lk.logSumExp(Float64Array.from(x)));
    expect(Array.from(lk.logSumExp(spy, { classes: 3 }))).toEqual(Array.from(lk.logSumExp(Float64Array.from(x), { classes: 3 })));
  });

  test('logSumExp: errors are the general path\'s', () => {
    const x = new Float32Array(6);
    expect(() => lk.logSumExp(x, { classes: 4 })).toThrow('logSumExp: x.length (6) must be a multiple of classes (4)');
    expect(() => lk.logSumExp(x, { classes: 3, out: new Float64Array(2) })).toThrow(TypeError);
    expect(() => lk.logSumExp(x, { classes: 3, out: new Float32Array(3) })).toThrow('logSumExp: out must have length 2 (got 3)');
    expect(() => lk.logSumExp(x, { out: new Float32Array(1) })).toThrow('logSumExp: out needs classes (one result per row)');
    expect(() => lk.logSumExp(x, { classes: 3, bogus: 1 } as never)).toThrow(/unknown option 'bogus'/);
  });

  test('the addon keeps its own bounds whatever the header says', () => {
    const t = tiny!;
    const h = t.hdr;
    const weird = [NaN, -1, 0, 0.5, 1.5, 1e300, Infinity, -Infinity, 2 ** 53, 2 ** 64, 513, 1025, 4097];
    const counts = [...weird, 1, 10, 64, 512];
    t.labels.fill(0);
    for (const n of counts) {
      for (const k of counts) {
        for (const flags of [0, 1, 2, NaN]) {
          for (const call of [native.crossEntropyTiny, native.lseRowsTiny, native.lseAllTiny] as Array<() => void>) {
            h[0] = n;
            h[1] = k;
            h[2] = flags;
            h[3] = 7;
            call();
            expect([0, 1]).toContain(h[3]);
            if (h[3] === 1) {
              // Accepted only within the capacities: 4096 bytes of input values, 512 labels.
              const size = flags === 1 ? 8 : 4;
              expect(Number.isInteger(n) && n >= 1).toBe(true);
              if (call === native.lseAllTiny) expect(n * size).toBeLessThanOrEqual(4096);
              else expect(Number.isInteger(k) && k >= 1 && n * k * size <= 4096).toBe(true);
              if (call === native.crossEntropyTiny) expect(n).toBeLessThanOrEqual(512);
            }
          }
        }
      }
    }
    // Labels out of range (any Int32) give status 0, never a read outside the row.
    for (const bad of [10, -1, -101, 2 ** 31 - 1, -(2 ** 31)]) {
      t.labels[0] = bad;
      h[0] = 1;
      h[1] = 10;
      h[2] = 0;
      native.crossEntropyTiny();
      expect(h[3]).toBe(0);
    }
    // Still in order afterwards.
    expect(lk.crossEntropy(new Float32Array([0, 0]), new Int32Array([1]))).toBeCloseTo(Math.LN2, 6);
  });

  test('tinyInit keeps the first area of an environment and returns it to later calls', () => {
    const bytes = (native.tinyLayout as { bytes: number }).bytes;
    const held = native.tinyInit(new Float64Array(new SharedArrayBuffer(bytes))) as Float64Array;
    expect(held.buffer).toBe(tiny!.hdr.buffer);
    expect(() => native.tinyInit(new Float64Array(new ArrayBuffer(bytes)))).not.toThrow();  // nothing replaced
    expect(native.tinyInit(undefined)).toBe(held);
  });

  test('a fresh environment (worker): no call before tinyInit; only a large enough Float64Array over a SharedArrayBuffer, kept', async () => {
    const code = `
      const { parentPort, workerData } = require('worker_threads');
      const addon = require(require.resolve('node-gyp-build', { paths: [workerData.root] }))(workerData.root);
      const bytes = addon.tinyLayout.bytes;
      const out = {};
      addon.crossEntropyTiny(); addon.lseRowsTiny(); addon.lseAllTiny();  // not set yet: nothing happens
      const tries = {
        plainArrayBuffer: new Float64Array(new ArrayBuffer(bytes)),
        float32: new Float32Array(new SharedArrayBuffer(bytes)),
        short: new Float64Array(new SharedArrayBuffer(bytes - 8)),
        notAnArray: {},
      };
      for (const [name, v] of Object.entries(tries)) {
        try { addon.tinyInit(v); out[name] = 'accepted'; } catch (e) { out[name] = e.constructor.name; }
      }
      const sab = new SharedArrayBuffer(bytes);
      const first = new Float64Array(sab);
      out.first = addon.tinyInit(first) === first;
      out.second = addon.tinyInit(new Float64Array(new SharedArrayBuffer(bytes))) === first;
      const h = new Float64Array(sab, 0, 8);
      new Float32Array(sab, addon.tinyLayout.x, 2).set([0, 0]);
      new Int32Array(sab, addon.tinyLayout.labels, 1)[0] = 1;
      h[0] = 1; h[1] = 2; h[2] = 0;
      addon.crossEntropyTiny();
      out.status = h[3];
      out.loss = addon.stats[0];
      parentPort.postMessage(out);
    `;
    const w = new Worker(code, { eval: true, workerData: { root } });
    const out = await new Promise<Record<string, unknown>>((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
    await w.terminate();
    expect(out).toEqual({
      plainArrayBuffer: 'TypeError',
      float32: 'TypeError',
      short: 'TypeError',
      notAnArray: 'TypeError',
      first: true,
      second: true,
      status: 1,
      loss: Math.LN2,
    });
  });

  test('without SharedArrayBuffer (removed by some embedders) the usual paths give the same results', async () => {
    const code = `
      const { parentPort, workerData } = require('worker_threads');
      delete globalThis.SharedArrayBuffer;
      const lk = require(workerData.root);
      const x = new Float32Array(workerData.x), y = new Int32Array(workerData.y);
      let err = '';
      try { lk.crossEntropy(x, new Int32Array([1, 5, 10])); } catch (e) { err = e.message; }
      parentPort.postMessage({ ce: lk.crossEntropy(x, y), lse: Array.from(lk.logSumExp(x, { classes: 10 })), all: lk.logSumExp(x), err });
    `;
    const x = logits(Float32Array, 30, rng(5), false) as Float32Array;
    const y = new Int32Array([1, 5, 9]);
    const w = new Worker(code, { eval: true, workerData: { root, x: Array.from(x), y: Array.from(y) } });
    const o = await new Promise<{ ce: number; lse: number[]; all: number; err: string }>((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
    await w.terminate();
    expect(o.ce).toBe(lk.crossEntropy(x, y));
    expect(o.lse).toEqual(Array.from(lk.logSumExp(x, { classes: 10 })));
    expect(o.all).toBe(lk.logSumExp(x));
    expect(o.err).toBe('crossEntropy: labels[2] = 10 is out of range [0, 10)');
  });

  test('losskit in a worker has its own staging area: the same results as this thread, at the same time', async () => {
    const code = `
      const { parentPort, workerData } = require('worker_threads');
      const lk = require(workerData.root);
      const x = new Float32Array(workerData.x), y = new Int32Array(workerData.y);
      let ce = 0, lse;
      for (let i = 0; i < 20000; i++) { ce = lk.crossEntropy(x, y); lse = lk.logSumExp(x, { classes: 10 }); }
      parentPort.postMessage({ ce, lse: Array.from(lse) });
    `;
    const r = rng(3);
    const x = logits(Float32Array, 30, r, false) as Float32Array;
    const y = new Int32Array([1, 5, 9]);
    const workers = [0, 1].map(() => new Worker(code, { eval: true, workerData: { root, x: Array.from(x), y: Array.from(y) } }));
    const other = new Float32Array(30).fill(1);
    let mine = 0;
    for (let i = 0; i < 20000; i++) mine = lk.crossEntropy(other, y);  // this thread's area in use meanwhile
    const outs = await Promise.all(
      workers.map((w) => new Promise<{ ce: number; lse: number[] }>((resolve, reject) => {
        w.once('message', resolve);
        w.once('error', reject);
      })),
    );
    await Promise.all(workers.map((w) => w.terminate()));
    expect(mine).toBe(crossEntropyWith(native, other, y));
    for (const o of outs) {
      expect(o.ce).toBe(crossEntropyWith(native, x, y));
      expect(o.lse).toEqual(Array.from(logSumExpWith(native, x, { classes: 10 }) as Float32Array));
    }
  });
});
