'use strict';
// Checks that the committed oracle fixtures are well-formed and that the harness materialises
// them faithfully. It does not call losskit (the op-family tests do that through runCase).

const {
  DTYPES, TYPED, fixtureNames, loadFixtures, materialize, isDescriptor, runCase, checkAll, valueMatches,
} = require('./support/fixtures');

const FLOAT = ['float32', 'float64', 'array'];
const ERRORS = ['RangeError', 'TypeError'];
const EXPECTED_FAMILIES = ['classification', 'dense', 'distributions'];

function checkNumber(v, where) {
  if (typeof v === 'number') return;
  if (v === 'NaN' || v === 'Infinity' || v === '-Infinity') return;
  throw new Error(`${where}: ${JSON.stringify(v)} is not a number`);
}

function checkDescriptor(d, where) {
  if (!DTYPES.includes(d.dtype)) throw new Error(`${where}: unknown dtype ${d.dtype}`);
  if (d.offset !== undefined && !(Number.isInteger(d.offset) && d.offset >= 0)) {
    throw new Error(`${where}: bad offset ${d.offset}`);
  }
  if (d.shape !== undefined) {
    const n = d.shape.reduce((a, b) => a * b, 1);
    if (n !== d.data.length) throw new Error(`${where}: shape ${d.shape} does not hold ${d.data.length} values`);
  }
  d.data.forEach((v, i) => {
    if (FLOAT.includes(d.dtype)) checkNumber(v, `${where}.data[${i}]`);
    else if (!Number.isInteger(v)) throw new Error(`${where}.data[${i}]: ${v} is not an integer`);
  });
  if (d.dtype === 'float32') {
    d.data.forEach((v, i) => {
      if (typeof v === 'number' && Number.isFinite(v) && !Number.isFinite(Math.fround(v))) {
        throw new Error(`${where}.data[${i}]: ${v} overflows float32`);
      }
    });
  }
  if (!FLOAT.includes(d.dtype)) {
    const probe = TYPED[d.dtype].from(d.data);
    d.data.forEach((v, i) => {
      if (probe[i] !== v) throw new Error(`${where}.data[${i}]: ${v} does not fit ${d.dtype}`);
    });
  }
}

// Descriptors may sit anywhere inside a plain-object argument or the options.
function walk(v, where) {
  if (isDescriptor(v)) return checkDescriptor(v, where);
  if (Array.isArray(v)) return v.forEach((x, i) => walk(x, `${where}[${i}]`));
  if (v !== null && typeof v === 'object') {
    if ('dtype' in v || 'data' in v) throw new Error(`${where}: malformed descriptor`);
    return Object.keys(v).forEach((k) => walk(v[k], `${where}.${k}`));
  }
  if (typeof v === 'string' && !['NaN', 'Infinity', '-Infinity'].includes(v)) return undefined;
  return undefined;
}

describe('fixture files', () => {
  const names = fixtureNames();

  test('every family is present', () => {
    for (const f of EXPECTED_FAMILIES) expect(names).toContain(f);
  });

  describe.each(names)('%s.json', (name) => {
    const fx = loadFixtures(name);

    test('header', () => {
      expect(fx.generator).toBe('tools/gen_fixtures.py');
      expect(typeof fx.torch).toBe('string');
      expect(fx.family).toBe(name);
      expect(Array.isArray(fx.cases)).toBe(true);
      expect(fx.cases.length).toBeGreaterThan(0);
    });

    test('case names are unique', () => {
      const seen = new Set();
      for (const c of fx.cases) {
        expect(seen.has(c.name)).toBe(false);
        seen.add(c.name);
      }
    });

    test('every case is well-formed', () => {
      for (const c of fx.cases) {
        const where = `${name}:${c.name}`;
        expect(typeof c.name).toBe('string');
        expect(typeof c.fn).toBe('string');
        expect(c.name.startsWith(`${c.fn}/`)).toBe(true);
        expect(Array.isArray(c.args)).toBe(true);
        walk(c.args, `${where}.args`);
        if (c.options !== undefined) {
          expect(c.options !== null && typeof c.options === 'object' && !Array.isArray(c.options)).toBe(true);
          walk(c.options, `${where}.options`);
        }
        for (const k of ['rtol', 'atol']) {
          if (c[k] !== undefined) expect(c[k]).toBeGreaterThan(0);
        }
        const e = c.expected;
        expect(e).toBeDefined();
        if (e !== null && typeof e === 'object' && 'error' in e) {
          expect(ERRORS).toContain(e.error);
          expect(typeof e.match).toBe('string');
          expect(() => new RegExp(e.match)).not.toThrow();
        } else if (isDescriptor(e)) {
          checkDescriptor(e, `${where}.expected`);
          expect(e.offset).toBeUndefined();
        } else {
          checkNumber(e, `${where}.expected`);
        }
        if (c.inplace) {
          expect(isDescriptor(e)).toBe(true);
          expect(isDescriptor(c.args[0])).toBe(true);
          expect(e.dtype).toBe(c.args[0].dtype);
        }
      }
    });

    test('every case materialises', () => {
      for (const c of fx.cases) {
        const args = c.args.map(materialize);
        args.forEach((a, i) => {
          if (isDescriptor(c.args[i]) && c.args[i].dtype !== 'array') {
            expect(a).toBeInstanceOf(TYPED[c.args[i].dtype]);
            expect(a.length).toBe(c.args[i].data.length);
          }
        });
        if (c.options) materialize(c.options);
      }
    });
  });

  test('the byteOffset path is exercised for every argument position', () => {
    const withOffset = new Set();
    for (const name of names) {
      for (const c of loadFixtures(name).cases) {
        c.args.forEach((a, i) => { if (isDescriptor(a) && a.offset) withOffset.add(`${c.fn}#${i}`); });
        for (const k of Object.keys(c.options || {})) {
          if (isDescriptor(c.options[k]) && c.options[k].offset) withOffset.add(`${c.fn}.${k}`);
        }
      }
    }
    for (const k of ['crossEntropy#0', 'crossEntropy#1', 'crossEntropy.weight', 'crossEntropy.out',
      'softCrossEntropy#0', 'softCrossEntropy#1', 'logSumExp#0', 'softmax#0', 'logSoftmax#0',
      'klDivergence#0', 'klDivergence#1', 'entropy#0', 'smoothLabels#0', 'empiricalDistribution#0',
      'binaryCrossEntropy#0', 'binaryCrossEntropy#1', 'binaryCrossEntropy.posWeight', 'binaryCrossEntropy.weight',
      'sigmoidFocalLoss#0', 'sigmoidFocalLoss#1', 'softmaxFocalLoss#0', 'softmaxFocalLoss#1',
      'softmaxFocalLoss.alpha', 'heatmapFocalLoss#0', 'heatmapFocalLoss#1', 'drawGaussian#0', 'mseLoss#0',
      'mseLoss#1', 'mseLoss.weight']) {
      expect(withOffset).toContain(k);
    }
  });
});

describe('materialize', () => {
  test('plain values pass through; special strings become numbers', () => {
    expect(materialize(3)).toBe(3);
    expect(materialize('NaN')).toBeNaN();
    expect(materialize('Infinity')).toBe(Infinity);
    expect(materialize('-Infinity')).toBe(-Infinity);
    expect(materialize({ height: 4, width: 5 })).toEqual({ height: 4, width: 5 });
  });

  test.each(Object.keys(TYPED))('%s without offset', (dtype) => {
    const a = materialize({ dtype, data: [1, 2, 3] });
    expect(a).toBeInstanceOf(TYPED[dtype]);
    expect(Array.from(a)).toEqual([1, 2, 3]);
    expect(a.byteOffset).toBe(0);
  });

  test.each(Object.keys(TYPED))('%s with offset is a view at byteOffset != 0', (dtype) => {
    const a = materialize({ dtype, data: [1, 2, 3], offset: 3 });
    expect(a).toBeInstanceOf(TYPED[dtype]);
    expect(a.length).toBe(3);
    expect(a.byteOffset).toBe(3 * TYPED[dtype].BYTES_PER_ELEMENT);
    expect(Array.from(a)).toEqual([1, 2, 3]);
    // the junk around the view is poison: NaN for floats, a large value for integers
    const whole = new TYPED[dtype](a.buffer);
    expect(whole.length).toBeGreaterThan(a.length + 3);
    const junk = whole[0];
    if (dtype.startsWith('float')) {
      expect(junk).toBeNaN();
      expect(whole[whole.length - 1]).toBeNaN();
    } else {
      expect(junk).toBeGreaterThanOrEqual(0x7f);
      expect(whole[whole.length - 1]).toBe(junk);
    }
  });

  test('float strings and float32 rounding', () => {
    const a = materialize({ dtype: 'float32', data: [0.1, 'NaN', '-Infinity', 'Infinity', 3e38], offset: 1 });
    expect(a[0]).toBe(Math.fround(0.1));
    expect(a[1]).toBeNaN();
    expect(a[2]).toBe(-Infinity);
    expect(a[3]).toBe(Infinity);
    expect(a[4]).toBe(Math.fround(3e38));
    const b = materialize({ dtype: 'float64', data: [0.1, 1e300] });
    expect(Array.from(b)).toEqual([0.1, 1e300]);
  });

  test('dtype "array" gives a plain number[]', () => {
    const a = materialize({ dtype: 'array', data: [1, 'NaN', 2.5] });
    expect(Array.isArray(a)).toBe(true);
    expect(a[0]).toBe(1);
    expect(a[1]).toBeNaN();
    expect(a[2]).toBe(2.5);
  });

  test('empty arrays, with and without offset', () => {
    expect(materialize({ dtype: 'float64', data: [] }).length).toBe(0);
    const e = materialize({ dtype: 'int32', data: [], offset: 2 });
    expect(e).toBeInstanceOf(Int32Array);
    expect(e.length).toBe(0);
    expect(e.byteOffset).toBe(8);
  });

  test('descriptors nested in objects and arrays (options, columnar points)', () => {
    const o = materialize({
      classes: 3,
      weight: { dtype: 'float32', data: [1, 2, 3], offset: 1 },
      points: { x: { dtype: 'int32', data: [4] }, y: [1, 2] },
    });
    expect(o.classes).toBe(3);
    expect(o.weight).toBeInstanceOf(Float32Array);
    expect(o.weight.byteOffset).toBe(4);
    expect(o.points.x).toBeInstanceOf(Int32Array);
    expect(o.points.y).toEqual([1, 2]);
  });

  test('each call returns fresh memory', () => {
    const d = { dtype: 'float64', data: [1, 2] };
    const a = materialize(d);
    a[0] = 99;
    expect(materialize(d)[0]).toBe(1);
  });
});

describe('comparison', () => {
  const tol = { rtol: 1e-6, atol: 1e-6 };
  test('NaN and infinities match exactly', () => {
    expect(valueMatches(NaN, NaN, tol)).toBe(true);
    expect(valueMatches(0, NaN, tol)).toBe(false);
    expect(valueMatches(NaN, 0, tol)).toBe(false);
    expect(valueMatches(Infinity, Infinity, tol)).toBe(true);
    expect(valueMatches(-Infinity, Infinity, tol)).toBe(false);
    expect(valueMatches(3e38, Infinity, tol)).toBe(false);
    expect(valueMatches(Infinity, 3e38, tol)).toBe(false);
  });

  test('finite values within atol + rtol*|expected|', () => {
    expect(valueMatches(1 + 1.9e-6, 1, tol)).toBe(true);
    expect(valueMatches(1 + 2.1e-6, 1, tol)).toBe(false);
    expect(valueMatches(1e6 + 0.9, 1e6, tol)).toBe(true);
    expect(valueMatches(1e6 + 1.1, 1e6, tol)).toBe(false);
  });

  // A stand-in "library" that returns the expected values: runCase must accept it and reject
  // variants that are wrong in type, value, error kind or message.
  const fake = (impl) => ({ f: impl });
  const base = { name: 'f/x', fn: 'f', args: [{ dtype: 'float32', data: [1, 2], offset: 1 }] };

  test('runCase: numbers, arrays, dtypes', () => {
    const num = { ...base, expected: 1.5 };
    expect(runCase(fake(() => 1.5000001), num).ok).toBe(true);
    expect(runCase(fake(() => 1.6), num).ok).toBe(false);
    expect(runCase(fake(() => new Float64Array([1.5])), num).ok).toBe(false);
    const arr = { ...base, expected: { dtype: 'float32', data: [1, 'NaN'] } };
    expect(runCase(fake(() => new Float32Array([1, NaN])), arr).ok).toBe(true);
    expect(runCase(fake(() => new Float64Array([1, NaN])), arr).ok).toBe(false);
    expect(runCase(fake(() => new Float32Array([1, 0])), arr).ok).toBe(false);
    expect(runCase(fake(() => new Float32Array([1])), arr).ok).toBe(false);
    const ints = { ...base, expected: { dtype: 'int32', data: [3] } };
    expect(runCase(fake(() => new Int32Array([3])), ints).ok).toBe(true);
    expect(runCase(fake(() => new Int32Array([4])), ints).ok).toBe(false);
  });

  test('runCase: arguments and options reach the function', () => {
    const c = { ...base, options: { classes: 2, weight: { dtype: 'float64', data: [5] } }, expected: 7 };
    const r = runCase(fake((x, o) => {
      expect(x).toBeInstanceOf(Float32Array);
      expect(x.byteOffset).toBe(4);
      expect(o.weight).toBeInstanceOf(Float64Array);
      return x[0] + o.weight[0] + 1;
    }), c);
    expect(r).toEqual({ ok: true, message: 'f/x: ok' });
  });

  test('runCase: out and in-place', () => {
    const c = { ...base, options: { out: { dtype: 'float32', data: [0] } }, expected: { dtype: 'float32', data: [2] } };
    expect(runCase(fake((x, o) => { o.out[0] = 2; return o.out; }), c).ok).toBe(true);
    expect(runCase(fake(() => new Float32Array([2])), c).ok).toBe(false);
    const ip = { ...base, inplace: true, expected: { dtype: 'float32', data: [3, 2] } };
    expect(runCase(fake((x) => { x[0] = 3; }), ip).ok).toBe(true);
    expect(runCase(fake(() => undefined), ip).ok).toBe(false);
  });

  test('runCase: errors', () => {
    const c = { ...base, expected: { error: 'RangeError', match: 'labels\\[3\\]' } };
    expect(runCase(fake(() => { throw new RangeError('f: labels[3] = 9 is out of range [0, 3)'); }), c).ok).toBe(true);
    expect(runCase(fake(() => { throw new TypeError('f: labels[3] = 9'); }), c).ok).toBe(false);
    expect(runCase(fake(() => { throw new RangeError('labels[3] = 9'); }), c).ok).toBe(false);
    expect(runCase(fake(() => { throw new RangeError('f: labels[2] = 9'); }), c).ok).toBe(false);
    expect(runCase(fake(() => 1), c).ok).toBe(false);
  });

  test('checkAll summarises and honours a filter', () => {
    const s = checkAll({}, ['classification'], (c) => c.fn === 'logSumExp');
    expect(s.total).toBeGreaterThan(0);
    expect(s.failed).toBe(s.total);
    expect(s.skipped).toBeGreaterThan(0);
  });
});
