'use strict';
// Memory-read bound: how long it takes just to read the bytes an operation must read, once.
// The honest bound is a native, vectorised sum over the bytes. Until losskit's addon exposes one,
// this measures a tuned JavaScript sum (8 independent float64 accumulators over a Float64Array view)
// and says so in its label; JS cannot issue wide vector loads, so it is a loose bound, not the
// hardware's.
//
// Hook: when the addon gains a plain read-sum export, add its name to NATIVE_CANDIDATES (or export
// it from the package root as `_readSum`) and this row switches to it with the label
// "read bound (native sum)". Expected signature: (Float64Array | Float32Array) -> number.

const path = require('path');

const NATIVE_CANDIDATES = ['_readSum', 'readSum', 'benchReadSum'];
const ADDON_PATHS = [
  path.join(__dirname, '..', 'build', 'Release', 'losskit.node'),
  path.join(__dirname, '..', 'build', 'Debug', 'losskit.node'),
];

function findNativeReadSum() {
  const modules = [];
  for (const p of ADDON_PATHS) {
    try {
      modules.push(require(p));
    } catch {
      // not built (yet)
    }
  }
  try {
    modules.push(require(path.join(__dirname, '..')));
  } catch {
    // package not built
  }
  for (const m of modules) {
    for (const name of NATIVE_CANDIDATES) if (m && typeof m[name] === 'function') return m[name];
  }
  return null;
}

const nativeReadSum = findNativeReadSum();

function jsReadSum(view) {
  const n = view.length;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let s4 = 0;
  let s5 = 0;
  let s6 = 0;
  let s7 = 0;
  let i = 0;
  for (; i + 7 < n; i += 8) {
    s0 += view[i];
    s1 += view[i + 1];
    s2 += view[i + 2];
    s3 += view[i + 3];
    s4 += view[i + 4];
    s5 += view[i + 5];
    s6 += view[i + 6];
    s7 += view[i + 7];
  }
  for (; i < n; i++) s0 += view[i];
  return s0 + s1 + s2 + s3 + (s4 + s5 + s6 + s7);
}

const name = nativeReadSum ? 'read bound (native sum)' : 'read bound (JS sum)';

/**
 * A prepared "implementation" that reads `bytes` bytes once per call. Its own buffer of the same
 * size, filled with 1.0 (normal doubles: denormals would slow the adds and flatter nobody).
 */
function readBound(bytes) {
  const view = new Float64Array(Math.max(1, Math.ceil(bytes / 8))).fill(1);
  const sum = nativeReadSum || jsReadSum;
  return { run: () => sum(view), skipCheck: true };
}

module.exports = { name, readBound, native: nativeReadSum !== null };
