// The bad-input matrix (issue 8): every exported API.md function, sync and (when losskit/promises
// exists) its promise twin, called with each argument and each option replaced by every wrong kind
// of value (test/support/bad-input.js). Each call must throw (or reject with) a TypeError or
// RangeError whose message starts with the function name and names the argument; none may crash
// or return. Functions not exported yet are skipped and counted. Then the unusual inputs that are
// legitimate: non-zero byteOffset, SharedArrayBuffer-backed views, zero-length arrays; and the
// glue's own re-checks, called directly with garbage.
import * as lk from '../lib';
import * as binding from '../lib/binding';
/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any */
const { SPEC } = require('./support/api-spec.js');
const bi = require('./support/bad-input.js');

type Fn = (...args: unknown[]) => unknown;
const lib = lk as unknown as Record<string, Fn>;
let promises: Record<string, Fn> | null = null;
try {
  promises = require('../lib/promises');
} catch {
  promises = null;
}

const present: any[] = SPEC.filter((s: any) => typeof lib[s.name] === 'function');
const missing: string[] = SPEC.filter((s: any) => typeof lib[s.name] !== 'function').map((s: any) => s.name);
// Functions without a twin (twin: false, e.g. createMeter) may be re-exported by losskit/promises
// as they are: they are checked by the synchronous matrix only.
const asyncPresent: any[] = promises ? present.filter((s: any) => s.twin !== false && typeof promises![s.name] === 'function') : [];
const counts = { sync: 0, async: 0 };

afterAll(() => {
  console.log(
    `bad-input matrix: ${counts.sync} sync + ${counts.async} promise cases over ${present.length} functions ` +
      `(${asyncPresent.length} promise twins); not exported yet, skipped: ${missing.length}` +
      (missing.length ? ` (${missing.join(', ')})` : ''),
  );
});

describe('bad-input matrix', () => {
  test('the valid call of each function succeeds (the matrix starts from it)', () => {
    for (const s of present) expect(() => lib[s.name](...s.call(lk))).not.toThrow();
  });

  test.each(present.map((s: any) => [s.name, s] as [string, any]))('%s: every wrong argument is a clear error', (name, s: any) => {
    const failures: string[] = [];
    for (const c of bi.casesFor(s, lk)) {
      counts.sync++;
      let thrown: unknown = undefined;
      let threw = false;
      try {
        lib[name](...c.make());
      } catch (e) {
        threw = true;
        thrown = e;
      }
      if (!threw) failures.push(`${c.label}: returned instead of throwing`);
      else {
        const bad = bi.judge(name, c, thrown);
        if (bad) failures.push(`${c.label}: ${bad}`);
      }
    }
    expect(failures).toEqual([]);
  });

  if (asyncPresent.length) {
    test.each(asyncPresent.map((s: any) => [s.name, s] as [string, any]))('promises.%s: every wrong argument rejects clearly', async (name, s: any) => {
      const failures: string[] = [];
      for (const c of bi.casesFor(s, lk)) {
        counts.async++;
        let p: unknown;
        try {
          p = promises![name](...c.make());
        } catch (e) {
          failures.push(`${c.label}: threw synchronously (${(e as Error).message}) instead of returning a rejected Promise`);
          continue;
        }
        if (!(p instanceof Promise)) {
          failures.push(`${c.label}: did not return a Promise`);
          continue;
        }
        try {
          await p;
          failures.push(`${c.label}: resolved instead of rejecting`);
        } catch (e) {
          const bad = bi.judge(name, c, e);
          if (bad) failures.push(`${c.label}: ${bad}`);
        }
      }
      expect(failures).toEqual([]);
    });
  }
});

describe('legitimate unusual inputs are accepted and give the same bits', () => {
  const result = (s: any, args: unknown[]) => {
    const r = lib[s.name](...args);
    return bi.snapshot(s.inplace ? args[0] : r);
  };
  test.each(present.map((s: any) => [s.name, s] as [string, any]))('%s: byteOffset != 0 and SharedArrayBuffer views', (_name, s: any) => {
    const ref = result(s, s.call(lk));
    expect(result(s, bi.relocatedCall(s, lk, { offsetElems: 1 }))).toBe(ref);
    expect(result(s, bi.relocatedCall(s, lk, { offsetElems: 3 }))).toBe(ref);
    expect(result(s, bi.relocatedCall(s, lk, { shared: true, offsetElems: 5 }))).toBe(ref);
  });

  test('zero-length inputs where the contract allows them', () => {
    for (const T of [Float32Array, Float64Array]) {
      expect(lk.logSumExp(new T(0))).toBe(-Infinity);
      expect(lk.logSumExp(new T(0), { classes: 4 })).toEqual(new T(0));
      expect(lk.softmax(new T(0))).toEqual(new T(0));
      expect(lk.logSoftmax(new T(0), { classes: 3 })).toEqual(new T(0));
      expect(lk.crossEntropy(new T(0), new Int32Array(0), { classes: 3, reduction: 'sum' })).toBe(0);
      expect(lk.crossEntropy(new T(0), new Uint8Array(0), { classes: 3 })).toBeNaN();
      expect(lk.crossEntropy(new T(0), [], { classes: 3, reduction: 'none' })).toEqual(new T(0));
      expect(lk.softCrossEntropy(new T(0), new Float64Array(0), { classes: 3, reduction: 'sum' })).toBe(0);
      // A zero-length view on a shared buffer, and one at the very end of a buffer.
      expect(lk.logSumExp(new (T as any)(new SharedArrayBuffer(64), 64, 0))).toBe(-Infinity);
      expect(lk.logSumExp(new T(new ArrayBuffer(64), 64, 0))).toBe(-Infinity);
    }
  });

  test('a detached buffer is an error even where a zero-length one is fine', () => {
    expect(() => lk.logSumExp(bi.detached(Float32Array, 4))).toThrow(/^logSumExp: x .*detached/);
    expect(() => lk.softmax(bi.detached(Float64Array, 0))).toThrow(TypeError);
    expect(() => lk.crossEntropy(new Float32Array(0), bi.detached(Int32Array, 0), { classes: 3, reduction: 'sum' })).toThrow(
      /^crossEntropy: labels .*detached/,
    );
  });
});

describe('the native glue re-checks what it is given', () => {
  // Record the native calls the valid public calls make, then call the addon directly with each
  // argument replaced by garbage: it must throw a TypeError/RangeError or return, never crash.
  const native = binding.native as Record<string, Fn>;
  const garbage: Array<[string, () => unknown]> = [
    ['undefined', () => undefined], ['null', () => null], ['NaN', () => NaN], ['-1', () => -1], ['1.5', () => 1.5],
    ['1e300', () => 1e300], ['-1e300', () => -1e300], ['2^53', () => 2 ** 53], ['2^64', () => 2 ** 64], ['Infinity', () => Infinity],
    ['a string', () => 'x'], ['an object', () => ({})], ['Float32Array(0)', () => new Float32Array(0)],
    ['Float64Array(1)', () => new Float64Array(1)], ['Int8Array(3)', () => new Int8Array(3)],
    ['Uint32Array(7)', () => new Uint32Array(7).fill(0xffffffff)], ['BigInt64Array(2)', () => new BigInt64Array(2)],
    ['a detached Float32Array', () => bi.detached(Float32Array, 4)], ['a DataView', () => new DataView(new ArrayBuffer(8))],
  ];
  const calls: Array<{ name: string; args: unknown[] }> = [];
  beforeAll(() => {
    const saved: Record<string, Fn> = {};
    for (const k of Object.keys(native)) {
      if (typeof native[k] !== 'function') continue;
      saved[k] = native[k];
      native[k] = (...args: unknown[]) => {
        calls.push({ name: k, args });
        return saved[k](...args);
      };
    }
    try {
      for (const s of present) {
        lib[s.name](...s.call(lk));
        const o = s.options ? { ...(s.call(lk)[s.args.length] || {}) } : null;
        if (o && s.options.reduction) lib[s.name](...s.call(lk).slice(0, s.args.length), { ...o, reduction: 'none' });
      }
    } finally {
      Object.assign(native, saved);
    }
  });

  test('garbage in every position of every recorded native call', () => {
    expect(calls.length).toBeGreaterThan(0);
    const failures: string[] = [];
    let n = 0;
    for (const { name, args } of calls) {
      for (let i = 0; i < args.length + 1; i++) {
        for (const [label, make] of garbage) {
          const a = args.slice();
          a[i] = make();
          n++;
          try {
            native[name](...a);
          } catch (e) {
            if (!bi.errorClass(e)) failures.push(`${name} arg ${i} = ${label}: threw ${String(e)}`);
          }
        }
      }
    }
    console.log(`native glue: ${n} garbage calls over ${calls.length} recorded native calls`);
    expect(failures).toEqual([]);
  });
});
