'use strict';
// One thread of the multi-thread read bound (parallel.js): reads its slice of a SharedArrayBuffer
// with the addon's native `_readSum` each time the main thread bumps the generation counter.
// Control words (Int32Array on a SharedArrayBuffer): see parallel.js.

const { workerData } = require('worker_threads');
const { nativeReadSum } = require('./bound');

const GEN = 0;
const READY = 1;
const DONE = 2;
const QUIT = 3;

const { control, results, buffer, byteOffset, length, index, threads } = workerData;
const ctl = new Int32Array(control);
const out = new Float64Array(results); // [sum, ms] per thread
const view = new Float32Array(buffer, byteOffset, length);
const readSum = nativeReadSum;
if (!readSum) throw new Error('read-worker: the addon has no _readSum');

readSum(view.subarray(0, Math.min(length, 1024))); // first call outside the timing (lazy binding)
let gen = Atomics.load(ctl, GEN);
if (Atomics.add(ctl, READY, 1) + 1 === threads) Atomics.notify(ctl, READY);
for (;;) {
  Atomics.wait(ctl, GEN, gen); // parked (futex) until the main thread starts a round
  gen = Atomics.load(ctl, GEN);
  if (Atomics.load(ctl, QUIT)) break;
  const t0 = performance.now();
  out[2 * index] = readSum(view);
  out[2 * index + 1] = performance.now() - t0;
  if (Atomics.add(ctl, DONE, 1) + 1 === threads) Atomics.notify(ctl, DONE);
}
