'use strict';
// The bad-input matrix: from one valid call per function (test/support/api-spec.js), every
// argument and every option replaced in turn by each wrong kind of value, with the error class a
// correct implementation throws: TypeError for a wrong kind, RangeError for a wrong size or value
// (API.md "Errors"). Also the legitimate unusual inputs that must be accepted: views at a non-zero
// byteOffset and views on a SharedArrayBuffer.

/** A typed array whose buffer has been transferred away (detached). */
function detached(Ctor, length) {
  const a = new Ctor(length);
  structuredClone(a.buffer, { transfer: [a.buffer] });
  return a;
}

const T = 'TypeError';
const R = 'RangeError';
const EITHER = [T, R];

function lengthOf(v) {
  return ArrayBuffer.isView(v) || Array.isArray(v) ? v.length : 1;
}

// Wrong values for an array argument of `len` elements (labels: integer kind).
function badArrays(len, { labels = false, sized = false } = {}) {
  const n = Math.max(len, 1);
  const list = [
    ['undefined', () => undefined, T],
    ['null', () => null, T],
    ['a string', () => 'abc', T],
    ['a plain object', () => ({ length: n }), T],
    ['a number', () => 3, T],
    [labels ? 'a Float32Array' : 'an Int32Array', () => (labels ? new Float32Array(n) : new Int32Array(n)), T],
    ['a BigInt64Array', () => new BigInt64Array(n), T],
    ['a DataView', () => new DataView(new ArrayBuffer(n * 8)), T],
    ['an array holding a string', () => Array.from({ length: n }, (_, i) => (i === 0 ? 'x' : 0)), T],
    ['a detached view', () => detached(labels ? Int32Array : Float32Array, n), T],
  ];
  if (labels) list.push(['an array holding 0.5', () => Array.from({ length: n }, (_, i) => (i === 0 ? 0.5 : 0)), R]);
  if (sized) list.push(['an array one too long', () => (labels ? new Int32Array(n + 1) : new Float32Array(n + 1)), R]);
  return list;
}

function badNumbers(o) {
  const list = [
    ['a string', () => 'abc', T],
    ['null', () => null, T],
    ['a plain object', () => ({}), T],
    ['a boolean', () => true, T],
    ['NaN', () => NaN, R],
  ];
  if (o.kind === 'count') {
    list.push(['0', () => 0, R], ['-1', () => -1, R], ['1.5', () => 1.5, R], ['2^53', () => 2 ** 53, R],
      ['1e300', () => 1e300, R], ['Infinity', () => Infinity, R]);
  } else if (o.kind === 'int' || o.integer) {
    list.push(['1.5', () => 1.5, R], ['1e300', () => 1e300, R], ['Infinity', () => Infinity, R], ['-Infinity', () => -Infinity, R]);
    if (o.min !== undefined) list.push(['-1', () => o.min - 1, R]);
  } else {
    list.push(['Infinity', () => Infinity, R], ['-Infinity', () => -Infinity, R]);
    if (o.min !== undefined && Number.isFinite(o.min)) list.push([`${o.minOpen ? o.min : o.min - 1}`, () => (o.minOpen ? o.min : o.min - 1), R]);
    if (o.max !== undefined && Number.isFinite(o.max)) list.push([`${o.maxOpen ? o.max : o.max + 1}`, () => (o.maxOpen ? o.max : o.max + 1), R]);
    for (const v of o.not || []) list.push([String(v), () => v, R]);
  }
  return list;
}

function badOption(o, like) {
  switch (o.kind) {
    case 'count':
    case 'int':
    case 'real':
      return badNumbers(o);
    case 'enum':
      return [['an unknown name', () => 'bogus', R], ['a number', () => 1, T], ['null', () => null, T], ['a plain object', () => ({}), T]];
    case 'floatArray':  // undefined is the option left out
      return badArrays(o.length, { sized: true }).filter(([label]) => label !== 'undefined');
    case 'floatOrArray':
      return [
        ['a string', () => 'abc', T], ['null', () => null, T], ['a plain object', () => ({}), T], ['NaN', () => NaN, R],
        ['Infinity', () => Infinity, R], ['an Int32Array', () => new Int32Array(o.length), T],
        ['a detached view', () => detached(Float64Array, o.length), T],
        ['an array one too long', () => new Float64Array(o.length + 1), R],
      ];
    case 'out': {
      const Other = like instanceof Float64Array ? Float32Array : Float64Array;
      const Same = like instanceof Float64Array ? Float64Array : Float32Array;
      return [
        ['a string', () => 'abc', T], ['null', () => null, T], ['a plain object', () => ({}), T],
        ['an Int32Array', () => new Int32Array(o.length), T], [`a ${Other.name}`, () => new Other(o.length), T],
        ['a number[]', () => new Array(o.length).fill(0), T],
        ['a detached view', () => detached(Same, o.length), T],
        ['an array one too long', () => new Same(o.length + 1), R],
      ];
    }
    default:
      throw new Error(`unknown option kind ${o.kind}`);
  }
}

function badArg(a, value) {
  switch (a.kind) {
    case 'float':
      return badArrays(lengthOf(value), { sized: a.sized });
    case 'labels':
      return badArrays(lengthOf(value), { labels: true, sized: a.sized });
    case 'number': {
      return [['undefined', () => undefined, T], ...badNumbers(a)];
    }
    case 'string':
      return [['undefined', () => undefined, T], ['null', () => null, T], ['a number', () => 1, T], ['an unknown name', () => 'bogus', R]];
    case 'json':
      return [['undefined', () => undefined, T], ['null', () => null, T], ['a number', () => 1, T],
        ['an empty object', () => ({}), EITHER], ['an object of an unknown kind', () => ({ ...value, kind: 'bogus' }), EITHER]];
    case 'object': {
      const list = [['undefined', () => undefined, T], ['null', () => null, T], ['a string', () => 'abc', T], ['a number', () => 42, T]];
      for (const [f, fo] of Object.entries(a.fields)) {
        for (const [label, make, err] of badNumbers(fo)) list.push([`{ ${f}: ${label} }`, () => ({ ...value, [f]: make() }), err, f]);
        list.push([`{ ${f} missing }`, () => { const c = { ...value }; delete c[f]; return c; }, EITHER, f]);
      }
      return list;
    }
    default:
      throw new Error(`unknown argument kind ${a.kind}`);
  }
}

/**
 * The cases for one function: { label, args (fresh), expect: class name or list, names: words the
 * message must contain one of }. `lib` is used to build the valid call.
 */
function casesFor(spec, lib) {
  const cases = [];
  const base = () => spec.call(lib);
  const nArgs = spec.args.length;
  spec.args.forEach((a, i) => {
    const value = base()[i];
    for (const [label, make, expect, field] of badArg(a, value)) {
      const names = field ? [field] : a.names || [a.name];
      cases.push({
        label: `${a.name} = ${label}`,
        make: () => { const args = base(); args[i] = make(); return args; },
        expect,
        names,
      });
    }
  });
  if (spec.options) {
    const baseOpts = () => base()[nArgs] || {};
    for (const [label, make] of [['a string', () => 'abc'], ['a number', () => 42], ['an array', () => []], ['null', () => null]]) {
      cases.push({ label: `options = ${label}`, make: () => { const args = base(); args[nArgs] = make(); return args; }, expect: T, names: ['options'] });
    }
    cases.push({
      label: 'an unknown option',
      make: () => { const args = base(); args[nArgs] = { ...baseOpts(), bogusOption: 1 }; return args; },
      expect: T,
      names: ['bogusOption'],
    });
    for (const [name, o] of Object.entries(spec.options)) {
      const like = base()[0];
      const context = o.kind === 'out' && !o.always && spec.options.reduction ? { reduction: 'none' } : {};
      for (const [label, make, expect] of badOption(o, like)) {
        cases.push({
          label: `${name} = ${label}`,
          make: () => { const args = base(); args[nArgs] = { ...baseOpts(), ...context, [name]: make() }; return args; },
          expect,
          names: [name],
        });
      }
      if (o.required) {
        cases.push({
          label: `${name} missing`,
          make: () => { const args = base(); const c = { ...baseOpts() }; delete c[name]; args[nArgs] = c; return args; },
          expect: EITHER,
          names: [name],
        });
      }
    }
  }
  return cases;
}

/** null when `e` is the error the case wants, else what is wrong with it. */
function judge(fnName, c, e) {
  const want = Array.isArray(c.expect) ? c.expect : [c.expect];
  // Duck-typed: errors thrown by the addon come from the main realm, not jest's sandbox.
  if (!e || typeof e.message !== 'string' || typeof e.name !== 'string') return `threw a non-Error: ${String(e)}`;
  if (!want.includes(e.name)) return `threw ${e.name} (${e.message}), expected ${want.join(' or ')}`;
  if (!e.message.startsWith(`${fnName}: `)) return `message "${e.message}" does not start with "${fnName}: "`;
  if (!c.names.some((n) => e.message.includes(n))) return `message "${e.message}" names none of ${c.names.join(', ')}`;
  return null;
}

// ---- legitimate unusual inputs ----

/** A copy of typed array `a` that starts `offset` bytes into a (Shared)ArrayBuffer. */
function relocate(a, { shared = false, offsetElems = 3 } = {}) {
  const Ctor = a.constructor;
  const bytes = (a.length + offsetElems + 1) * Ctor.BYTES_PER_ELEMENT;
  const buf = shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  const v = new Ctor(buf, offsetElems * Ctor.BYTES_PER_ELEMENT, a.length);
  v.set(a);
  return v;
}

/** The valid call with every typed array (arguments and options) relocated. */
function relocatedCall(spec, lib, how) {
  const args = spec.call(lib);
  const move = (v) => (ArrayBuffer.isView(v) && !(v instanceof DataView) ? relocate(v, how) : v);
  return args.map((v) => {
    if (ArrayBuffer.isView(v)) return move(v);
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const o = {};
      for (const [k, x] of Object.entries(v)) o[k] = move(x);
      return o;
    }
    return v;
  });
}

/** A comparable snapshot of a result (typed arrays by value, NaN-safe), for exact equality. */
function snapshot(v) {
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}[${Array.from(v, (x) => (Object.is(x, -0) ? '-0' : String(x))).join(',')}]`;
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (v && typeof v === 'object') return JSON.stringify(v, (_k, x) => (ArrayBuffer.isView(x) ? snapshot(x) : x));
  return String(v);
}

/** The class name of a thrown TypeError/RangeError from any realm, else null. */
function errorClass(e) {
  return e && (e.name === 'TypeError' || e.name === 'RangeError') && typeof e.message === 'string' ? e.name : null;
}

module.exports = { casesFor, judge, errorClass, detached, relocate, relocatedCall, snapshot };
