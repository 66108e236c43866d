'use strict';
// `LOSSKIT_ISA=avx2 node test/support/determinism.js ROOT`: runs every exported API.md function on
// the same inputs at several byteOffsets (1..7 elements, plain and SharedArrayBuffer-backed views),
// three times each, and checks every run gives the same bits. Prints one JSON object
// { isa, digests: { name: hash } } (exit code 1 and the differing runs on stderr otherwise), so the
// parent can compare ISAs.
const path = require('path');
const root = path.resolve(process.argv[2] || path.join(__dirname, '..', '..'));
const lk = require(root);
const { SPEC } = require('./api-spec.js');
const bi = require('./bad-input.js');

function fnv(s) {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

// Larger inputs than the specs' small calls for the classification ops, so every SIMD body, tail
// and the online log-sum-exp (> 16384 values) run; values from a fixed generator.
function rand(n, seed, scale) {
  const a = new Float64Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = (s / 4294967296 - 0.5) * scale;
  }
  return a;
}
const big = {
  logSumExp: [() => [Float32Array.from(rand(37 * 61, 1, 40)), { classes: 61 }], () => [Float64Array.from(rand(20011, 2, 60))]],
  softmax: [() => [Float32Array.from(rand(29 * 45, 3, 30)), { classes: 45, temperature: 0.7 }]],
  logSoftmax: [() => [Float64Array.from(rand(13 * 77, 4, 30)), { classes: 77 }]],
  crossEntropy: [
    () => [Float32Array.from(rand(41 * 19, 5, 20)), Int32Array.from(rand(41, 6, 1), (v, i) => i % 19), { classes: 19, labelSmoothing: 0.1, reduction: 'none' }],
    () => [Float64Array.from(rand(6 * 5 * 23, 7, 20)), Uint8Array.from({ length: 6 * 23 }, (_, i) => i % 5), { classes: 5, spatial: 23 }],
  ],
  softCrossEntropy: [() => [Float32Array.from(rand(17 * 33, 8, 10)), Float64Array.from(rand(17 * 33, 9, 1), Math.abs), { classes: 33, reduction: 'none' }]],
};

const digests = {};
let bad = 0;
for (const s of SPEC) {
  if (typeof lk[s.name] !== 'function') continue;
  const makers = [(l) => s.call(l), ...(big[s.name] || [])];
  const parts = [];
  for (const make of makers) {
    const seen = new Set();
    for (let rep = 0; rep < 3; rep++) {
      for (const how of [{ offsetElems: 0 }, { offsetElems: 1 }, { offsetElems: 2 }, { offsetElems: 3 }, { offsetElems: 7 }, { shared: true, offsetElems: 5 }]) {
        const fake = { ...s, call: make };
        const args = bi.relocatedCall(fake, lk, how);
        const r = lk[s.name](...args);
        seen.add(bi.snapshot(s.inplace ? args[0] : r));
      }
    }
    if (seen.size !== 1) {
      bad++;
      console.error(`${s.name}: ${seen.size} different results across runs and byteOffsets:\n  ${[...seen].map((x) => x.slice(0, 200)).join('\n  ')}`);
    }
    parts.push([...seen][0]);
  }
  digests[s.name] = fnv(parts.join('|'));
}
console.log(JSON.stringify({ isa: lk.backend().isa, digests }));
process.exitCode = bad ? 1 : 0;
