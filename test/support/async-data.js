'use strict';
// Deterministic inputs for the async, worker and meter tests (plain CommonJS so workers and child
// processes can use it too). The same seed gives the same arrays in every thread.

function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    // xorshift32: cheap, portable, good enough for test data
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

function logits(n, k, seed, Ctor = Float32Array, spread = 8) {
  const r = rng(seed);
  const x = new Ctor(n * k);
  for (let i = 0; i < x.length; i++) x[i] = (r() - 0.5) * spread;
  return x;
}

// Labels in [0, k), with about `ignoreRate` of them set to `ignoreIndex`.
function labels(n, k, seed, ignoreRate = 0, ignoreIndex = -100) {
  const r = rng(seed);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) y[i] = r() < ignoreRate ? ignoreIndex : Math.floor(r() * k);
  return y;
}

// Probability rows [n, k] (each row sums to 1).
function probabilities(n, k, seed, Ctor = Float32Array) {
  const r = rng(seed);
  const t = new Ctor(n * k);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < k; j++) s += t[i * k + j] = r() + 1e-3;
    for (let j = 0; j < k; j++) t[i * k + j] /= s;
  }
  return t;
}

function weights(k, seed) {
  const r = rng(seed);
  return Float64Array.from({ length: k }, () => 0.25 + r() * 2);
}

module.exports = { rng, logits, labels, probabilities, weights };
