#!/usr/bin/env node
'use strict';
// node bench/async.js [--quick]
// The promise API against the synchronous one: round-trip cost of a tiny call, the time of
// crossEntropy (float32, K = 1000) at sizes around the block threshold with one block and with the
// default split, the large-batch speed-up, and the event-loop delay while a large call runs.
// The figures in README.md ("On a server") and lib/async.ts (DEFAULT_BLOCK_BYTES) come from here.

const os = require('os');
const { monitorEventLoopDelay } = require('perf_hooks');
const lk = require('..');
const lp = require('../dist/promises');
const { asyncConfig } = require('../dist/async');

const quick = process.argv.includes('--quick');

function data(n, k) {
  const x = new Float32Array(n * k);
  let s = 1;
  for (let i = 0; i < x.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    x[i] = (s / 4294967296) * 8 - 4;
  }
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) y[i] = (i * 7919) % k;
  return { x, y };
}

async function timeIt(f, minMs) {
  await f();
  const times = [];
  const end = performance.now() + minMs;
  do {
    const t0 = performance.now();
    await f();
    times.push(performance.now() - t0);
  } while (performance.now() < end || times.length < 5);
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

function fmt(ms) {
  return ms < 1 ? `${(ms * 1000).toFixed(1)} µs` : `${ms.toFixed(2)} ms`;
}

async function main() {
  const cfg = asyncConfig();
  // What the machine can give right now: the same CPU-bound loop in 1 and 2 worker threads.
  const spin = () => new Promise((resolve) => {
    const { Worker } = require('worker_threads');
    const w = new Worker('let s = 0; const t = performance.now(); for (let i = 0; i < 1e8; i++) s += i * 0.5; require("worker_threads").parentPort.postMessage(performance.now() - t + s * 0);', { eval: true });
    w.once('message', resolve);
  });
  const one = await spin();
  const two = await Promise.all([spin(), spin()]);
  console.log(`load average ${os.loadavg().map((v) => v.toFixed(1)).join(' ')}; a CPU-bound loop takes ${one.toFixed(0)} ms alone, ` +
    `${two.map((v) => v.toFixed(0)).join(' / ')} ms as two threads at once (parallel capacity ${(2 * one / Math.max(...two)).toFixed(2)} of 2)`);
  console.log(`machine: ${os.cpus()[0].model}, ${os.availableParallelism()} cores, node ${process.version}, isa ${lk.backend().isa}, ` +
    `lanes ${cfg.lanes}, block ${cfg.blockBytes} B, UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE ?? '(default 4)'}`);

  const tiny = data(1, 10);
  const tSync = await timeIt(() => lk.crossEntropy(tiny.x, tiny.y), 200);
  const tAsync = await timeIt(() => lp.crossEntropy(tiny.x, tiny.y), 300);
  console.log(`\n1x10 crossEntropy: sync ${fmt(tSync)}, promise round trip ${fmt(tAsync)}`);

  console.log('\ncrossEntropy f32, K = 1000: median time per call');
  console.log('| rows | input | sync | promise, 1 block | promise, default split (blocks) |');
  console.log('|---|---|---|---|---|');
  const sizes = quick ? [64, 256, 1024, 4096] : [16, 32, 64, 128, 256, 512, 1024, 4096, 16384];
  for (const n of sizes) {
    const { x, y } = data(n, 1000);
    const bytes = x.byteLength + y.byteLength;
    const s = await timeIt(() => lk.crossEntropy(x, y), quick ? 100 : 300);
    asyncConfig({ blockBytes: 1 << 30 });
    const one = await timeIt(() => lp.crossEntropy(x, y), quick ? 100 : 300);
    asyncConfig({ blockBytes: cfg.blockBytes });
    const split = await timeIt(() => lp.crossEntropy(x, y), quick ? 100 : 300);
    const blocks = Math.ceil(n / Math.max(1, Math.floor(cfg.blockBytes / (bytes / n))));
    console.log(`| ${n} | ${(bytes / 1024).toFixed(0)} KiB | ${fmt(s)} | ${fmt(one)} | ${fmt(split)} (${blocks}) |`);
  }
  // The threshold: the same sizes with two blocks forced, to see where the second thread pays.
  console.log('\nsame, forced into 2 blocks (where a split starts to pay):');
  for (const n of quick ? [64, 256, 1024] : [16, 32, 64, 128, 256, 512]) {
    const { x, y } = data(n, 1000);
    const bytes = x.byteLength + y.byteLength;
    asyncConfig({ blockBytes: Math.ceil(bytes / 2) });
    const two = await timeIt(() => lp.crossEntropy(x, y), quick ? 100 : 300);
    asyncConfig({ blockBytes: 1 << 30 });
    const one = await timeIt(() => lp.crossEntropy(x, y), quick ? 100 : 300);
    console.log(`  ${n} rows (${(bytes / 1024).toFixed(0)} KiB): 1 block ${fmt(one)}, 2 blocks ${fmt(two)}`);
  }
  asyncConfig({ blockBytes: cfg.blockBytes });

  // The large batch: sync and promise calls interleaved, so drift in the machine's load hits both.
  const N = quick ? 16384 : 65536;
  const big = data(N, 1000);
  const ts = [], tp = [];
  lk.crossEntropy(big.x, big.y);
  await lp.crossEntropy(big.x, big.y);
  for (let i = 0; i < (quick ? 5 : 21); i++) {
    let t = performance.now();
    lk.crossEntropy(big.x, big.y);
    ts.push(performance.now() - t);
    t = performance.now();
    await lp.crossEntropy(big.x, big.y);
    tp.push(performance.now() - t);
  }
  const med = (a) => a.slice().sort((p, q) => p - q)[a.length >> 1];
  const s = med(ts), p = med(tp);
  console.log(`\n${N}x1000 f32 crossEntropy (${(big.x.byteLength / 2 ** 20).toFixed(0)} MiB), medians of ${ts.length} interleaved calls: ` +
    `sync ${fmt(s)}, promise ${fmt(p)}, speed-up ${(s / p).toFixed(2)}x`);

  // Event-loop delay while 50M elements are scored through the promise API.
  const M = quick ? 10000 : 50000;
  const huge = data(M, 1000);
  const h = monitorEventLoopDelay({ resolution: 1 });
  const t0 = performance.now();
  lk.crossEntropy(huge.x, huge.y);
  const syncMs = performance.now() - t0;
  h.enable();
  const t1 = performance.now();
  for (let i = 0; i < 5; i++) await lp.crossEntropy(huge.x, huge.y);
  const asyncMs = (performance.now() - t1) / 5;
  h.disable();
  console.log(`${M}x1000 (${(M * 1000 / 1e6).toFixed(0)}M elements): sync call ${fmt(syncMs)} (blocks the loop that long); ` +
    `promise ${fmt(asyncMs)}, event-loop delay p50 ${(h.percentile(50) / 1e6).toFixed(2)} ms, p99 ${(h.percentile(99) / 1e6).toFixed(2)} ms, max ${(h.max / 1e6).toFixed(2)} ms`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
