'use strict';
// Memory-read bound: how long it takes just to read the bytes an operation must read, once.
// The honest bound is a native, vectorised sum over the bytes. Until losskit's addon exposes one,
// this uses, in order of preference and saying which in its label:
//   1. a native read-sum from the addon (see the hook below);
//   2. a WebAssembly SIMD sum (16-byte loads, four f64x2 accumulators), assembled below: the
//      closest thing to a native loop available without a compiler, ~4x the JS sum's bandwidth;
//   3. a tuned JavaScript sum (8 float64 accumulators over a Float64Array view): JS cannot issue
//      vector loads, so this is a loose bound, not the hardware's.
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

// (module (memory (export "mem") 1)
//   (func (export "sum") (param $n i32) (result f64)   ;; $n: bytes, a positive multiple of 64
//     loop: a += v128.load(i); b += load(i+16); c += load(i+32); d += load(i+48) as f64x2;
//           i += 64; br_if (i < n)
//     return lane0(a+b+c+d) + lane1(a+b+c+d)))
const WASM_SUM = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 6, 1, 96, 1, 127, 1, 124, 3, 2, 1, 0, 5, 3, 1, 0, 1, 7, 13, 2, 3, 115,
  117, 109, 0, 0, 3, 109, 101, 109, 2, 0, 10, 106, 1, 104, 2, 1, 127, 4, 123, 3, 64, 32, 2, 32, 1, 253, 0,
  4, 0, 253, 240, 1, 33, 2, 32, 3, 32, 1, 253, 0, 4, 16, 253, 240, 1, 33, 3, 32, 4, 32, 1, 253, 0, 4, 32,
  253, 240, 1, 33, 4, 32, 5, 32, 1, 253, 0, 4, 48, 253, 240, 1, 33, 5, 32, 1, 65, 192, 0, 106, 34, 1, 32,
  0, 73, 13, 0, 11, 32, 2, 32, 3, 253, 240, 1, 32, 4, 253, 240, 1, 32, 5, 253, 240, 1, 33, 2, 32, 2, 253,
  33, 0, 32, 2, 253, 33, 1, 160, 11,
]);

let wasmModule = null;
try {
  wasmModule = new WebAssembly.Module(WASM_SUM);
} catch {
  // no WebAssembly SIMD: fall back to the JS sum
}

function wasmReadBound(bytes) {
  const padded = Math.max(64, Math.ceil(bytes / 64) * 64);
  const { exports } = new WebAssembly.Instance(wasmModule, {});
  const pages = Math.ceil(padded / 65536);
  if (pages > 1) exports.mem.grow(pages - 1);
  new Float64Array(exports.mem.buffer, 0, padded / 8).fill(1);
  return { run: () => exports.sum(padded) };
}

const kind = nativeReadSum ? 'native' : wasmModule ? 'wasm SIMD' : 'JS';
const name = `read bound (${kind} sum)`;

/**
 * A prepared "implementation" that reads `bytes` bytes once per call, from its own buffer of that
 * size filled with 1.0 (normal doubles: denormals would slow the adds and flatter nobody).
 */
function readBound(bytes) {
  if (!nativeReadSum && wasmModule) return wasmReadBound(bytes);
  const view = new Float64Array(Math.max(1, Math.ceil(bytes / 8))).fill(1);
  const sum = nativeReadSum || jsReadSum;
  return { run: () => sum(view) };
}

module.exports = { name, kind, readBound, jsReadSum, nativeReadSum };
