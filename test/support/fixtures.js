'use strict';
// Loads the PyTorch oracle fixtures (test/fixtures/*.json, written by tools/gen_fixtures.py),
// turns their descriptors into typed arrays and checks a losskit module against them.
// Plain CommonJS so it runs under jest and in a bare `node` child (ISA and worker tests).
// The format is described in test/support/README.md.

const fs = require('fs');
const path = require('path');

const FIXTURE_DIR = path.join(__dirname, '..', 'fixtures');

const TYPED = {
  float32: Float32Array,
  float64: Float64Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
};
const DTYPES = Object.keys(TYPED).concat(['array']);
const FLOAT_DTYPES = ['float32', 'float64'];

// Junk around offset views: NaN for floats so a read outside the view poisons the result;
// 0x7f-ish for integers so it is an out-of-range label for every type.
const JUNK = {
  float32: NaN, float64: NaN, int8: 0x7f, uint8: 0x7f, int16: 0x7f7f, uint16: 0x7f7f,
  int32: 0x7f7f7f7f, uint32: 0x7f7f7f7f,
};

function fixtureNames() {
  return fs.readdirSync(FIXTURE_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort();
}

const cache = new Map();
function loadFixtures(name) {
  if (!cache.has(name)) {
    const file = path.join(FIXTURE_DIR, name.endsWith('.json') ? name : `${name}.json`);
    cache.set(name, JSON.parse(fs.readFileSync(file, 'utf8')));
  }
  return cache.get(name);
}

function decodeNumber(v) {
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return v;
}

function isDescriptor(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v) &&
    typeof v.dtype === 'string' && Array.isArray(v.data);
}

// A descriptor becomes a typed array (a subarray view at `offset` elements into a larger buffer
// filled with junk) or, for dtype "array", a plain number[]. Objects and arrays are materialised
// recursively (renderHeatmaps' columnar points); numbers and strings pass through.
function materialize(arg) {
  if (isDescriptor(arg)) {
    const data = arg.data.map(decodeNumber);
    if (arg.dtype === 'array') return data;
    const Ctor = TYPED[arg.dtype];
    if (!Ctor) throw new Error(`unknown dtype ${arg.dtype}`);
    const offset = arg.offset || 0;
    if (offset === 0) return Ctor.from(data);
    const buf = new Ctor(offset + data.length + 1).fill(JUNK[arg.dtype]);
    buf.set(data, offset);
    return buf.subarray(offset, offset + data.length);
  }
  if (Array.isArray(arg)) return arg.map(materialize);
  if (arg !== null && typeof arg === 'object') {
    const out = {};
    for (const k of Object.keys(arg)) out[k] = materialize(arg[k]);
    return out;
  }
  return decodeNumber(arg);
}

// The float type that sets the tolerance: the first argument's if it is a float array,
// else the expected output's (smoothLabels, renderHeatmaps), else float64.
function precisionOf(c) {
  const a = c.args[0];
  if (isDescriptor(a) && FLOAT_DTYPES.includes(a.dtype)) return a.dtype;
  if (isDescriptor(c.expected) && FLOAT_DTYPES.includes(c.expected.dtype)) return c.expected.dtype;
  return 'float64';
}

function tolerance(c) {
  const base = precisionOf(c) === 'float32' ? { rtol: 1e-6, atol: 1e-6 } : { rtol: 1e-12, atol: 1e-12 };
  return {
    rtol: c.rtol !== undefined ? c.rtol : base.rtol,
    atol: c.atol !== undefined ? c.atol : base.atol,
  };
}

// NaN matches only NaN, ±Infinity only itself, finite values within atol + rtol*|expected|.
function valueMatches(got, exp, tol) {
  if (Number.isNaN(exp)) return Number.isNaN(got);
  if (!Number.isFinite(exp)) return got === exp;
  if (!Number.isFinite(got)) return false;
  return Math.abs(got - exp) <= tol.atol + tol.rtol * Math.abs(exp);
}

function describeType(v) {
  if (v === null) return 'null';
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${v.length})`;
  if (Array.isArray(v)) return `Array(${v.length})`;
  return typeof v;
}

function compare(got, expected, c) {
  const tol = tolerance(c);
  if (typeof expected === 'number' || typeof expected === 'string') {
    const exp = decodeNumber(expected);
    if (typeof got !== 'number') return `expected a number, got ${describeType(got)}`;
    if (!valueMatches(got, exp, tol)) {
      return `got ${got}, expected ${exp} (diff ${Math.abs(got - exp)}, rtol ${tol.rtol}, atol ${tol.atol})`;
    }
    return null;
  }
  const exp = expected.data.map(decodeNumber);
  const Ctor = TYPED[expected.dtype];
  if (expected.dtype === 'array') {
    if (!Array.isArray(got)) return `expected Array, got ${describeType(got)}`;
  } else if (!(got instanceof Ctor)) {
    return `expected ${Ctor.name}(${exp.length}), got ${describeType(got)}`;
  }
  if (got.length !== exp.length) return `expected length ${exp.length}, got ${got.length}`;
  const exact = !FLOAT_DTYPES.includes(expected.dtype) && expected.dtype !== 'array';
  let bad = 0;
  let first = null;
  for (let i = 0; i < exp.length; i++) {
    const ok = exact ? got[i] === exp[i] : valueMatches(got[i], exp[i], tol);
    if (!ok) {
      bad++;
      if (first === null) first = `[${i}] got ${got[i]}, expected ${exp[i]}`;
    }
  }
  if (bad) return `${bad} of ${exp.length} elements differ; first ${first} (rtol ${tol.rtol}, atol ${tol.atol})`;
  return null;
}

function escapeRegExp(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// Materialise, call lib[c.fn](...args, options) and compare. Never throws for a mismatch:
// returns { ok, message } so callers can collect every failure.
function runCase(lib, c) {
  const fail = (m) => ({ ok: false, message: `${c.name}: ${m}` });
  const fn = lib[c.fn];
  if (typeof fn !== 'function') return fail(`${c.fn} is not a function`);
  const args = c.args.map(materialize);
  const callArgs = args.slice();
  let options;
  if (c.options !== undefined) {
    options = materialize(c.options);
    callArgs.push(options);
  }
  const wantError = c.expected !== null && typeof c.expected === 'object' && 'error' in c.expected;
  let result;
  try {
    result = fn.apply(lib, callArgs);
  } catch (e) {
    if (!wantError) return fail(`threw ${e && e.name}: ${e && e.message}`);
    const { error, match } = c.expected;
    if (!(e instanceof Error) && !(e && typeof e.message === 'string')) return fail(`threw a non-Error ${e}`);
    if (e.name !== error) return fail(`threw ${e.name} (${e.message}), expected ${error}`);
    if (!new RegExp(`^${escapeRegExp(c.fn)}: `).test(e.message)) {
      return fail(`message "${e.message}" does not start with "${c.fn}: "`);
    }
    if (match && !new RegExp(match).test(e.message)) return fail(`message "${e.message}" does not match /${match}/`);
    return { ok: true, message: `${c.name}: ok` };
  }
  if (wantError) return fail(`did not throw; expected ${c.expected.error} matching /${c.expected.match}/`);
  if (options && options.out !== undefined && result !== options.out) {
    return fail('did not return the `out` array it was given');
  }
  const got = c.inplace ? args[0] : result;
  const m = compare(got, c.expected, c);
  return m ? fail(m) : { ok: true, message: `${c.name}: ok` };
}

// Runs every case of the named fixture files (all of them by default). `filter(c)` may skip
// cases, e.g. functions that are not implemented yet.
function checkAll(lib, names, filter) {
  const list = names && names.length ? names : fixtureNames();
  const summary = { total: 0, passed: 0, failed: 0, skipped: 0, failures: [] };
  for (const name of list) {
    for (const c of loadFixtures(name).cases) {
      if (filter && !filter(c)) {
        summary.skipped++;
        continue;
      }
      summary.total++;
      const r = runCase(lib, c);
      if (r.ok) summary.passed++;
      else {
        summary.failed++;
        summary.failures.push(r.message);
      }
    }
  }
  return summary;
}

module.exports = {
  FIXTURE_DIR,
  DTYPES,
  TYPED,
  fixtureNames,
  loadFixtures,
  materialize,
  decodeNumber,
  isDescriptor,
  tolerance,
  valueMatches,
  compare,
  runCase,
  checkAll,
};

// `node test/support/fixtures.js [path/to/losskit] [family...]`: run the fixtures in a plain node
// process (e.g. with LOSSKIT_ISA set) and print a summary; exit code 1 on any failure.
if (require.main === module) {
  const target = process.argv[2] || path.join(__dirname, '..', '..');
  const lib = require(path.resolve(target));
  const s = checkAll(lib, process.argv.slice(3));
  for (const f of s.failures) console.log(f);
  console.log(`${s.passed}/${s.total} fixture cases passed`);
  process.exitCode = s.failed ? 1 : 0;
}
