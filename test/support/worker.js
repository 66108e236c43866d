'use strict';
// A worker_threads worker for the worker and meter tests: loads losskit (the built package at
// workerData.root) in its own environment and answers messages:
//   { op: 'score', seed }                      -> the same results the main thread computes
//   { op: 'meter', kind, options, input, target, async } -> meter.toJSON() of one shard
//   { op: 'inflight', exit }                    -> starts large promise calls, then exits at once
const path = require('path');
const { parentPort, workerData } = require('worker_threads');
const lk = require(workerData.root);
const lp = require(path.join(workerData.root, 'dist', 'promises.js'));
const { asyncConfig } = require(path.join(workerData.root, 'dist', 'async.js'));
const gen = require('./async-data.js');

async function score(seed) {
  const n = 3000, k = 100;
  const x = gen.logits(n, k, seed);
  const y = gen.labels(n, k, seed + 1, 0.05);
  const opts = { classes: k, weight: gen.weights(k, seed + 2), labelSmoothing: 0.1 };
  // several promise calls at once, from several threads at once
  const [ce, ceNone, sm, lse] = await Promise.all([
    lp.crossEntropy(x, y, opts),
    lp.crossEntropy(x, y, { ...opts, reduction: 'none' }),
    lp.softmax(x, { classes: k }),
    lp.logSumExp(x),
  ]);
  return { ce, ceSync: lk.crossEntropy(x, y, opts), ceNone, sm, lse, isa: lk.backend().isa };
}

parentPort.on('message', async (m) => {
  try {
    if (m.op === 'score') {
      parentPort.postMessage({ id: m.id, ok: true, value: await score(m.seed) });
    } else if (m.op === 'meter') {
      const meter = lk.createMeter(m.kind, m.options);
      if (m.async) await meter.updateAsync(m.input, m.target);
      else meter.update(m.input, m.target);
      parentPort.postMessage({ id: m.id, ok: true, value: meter.toJSON() });
    } else if (m.op === 'inflight') {
      asyncConfig({ blockBytes: 64 << 10 });
      const x = gen.logits(20000, 500, 7);
      const y = gen.labels(20000, 500, 8);
      for (let i = 0; i < 4; i++) lp.crossEntropy(x, y).catch(() => {});
      lp.softmax(x, { classes: 500 }).catch(() => {});
      parentPort.postMessage({ id: m.id, ok: true, value: 'started' });
      if (m.exit) process.exit(0);
    }
  } catch (e) {
    parentPort.postMessage({ id: m.id, ok: false, error: `${e.name}: ${e.message}` });
  }
});
