'use strict';
// CPU-bound fan-out with piscina: a large evaluation set is cut into shards, each shard is scored
// in a worker thread with a losskit meter, and the shards' meters are merged on the main thread.
// The merged loss is the loss of one call over all the data (PyTorch's weighted mean, with the
// ignored labels left out), whatever the shard sizes and whichever worker finishes first.
//
//   node examples/piscina-fanout.js [rows] [classes] [shards]
//
// This file is both the main program and the worker (piscina loads it with `filename`).
// In your own project: require('losskit') and require('piscina') (a dev dependency here).
const path = require('path');
const Piscina = require('piscina');
const losskit = require(path.join(__dirname, '..')); // require('losskit')

// The worker: score one shard, return the meter as plain JSON (what crosses threads, processes or
// machines). Sync update is right here: this thread has nothing else to do.
function scoreShard({ logits, labels, options }) {
  const meter = losskit.createMeter('crossEntropy', options);
  meter.update(logits, labels);
  return meter.toJSON();
}

async function main() {
  const rows = Number(process.argv[2] || 200000);
  const classes = Number(process.argv[3] || 1000);
  const shards = Number(process.argv[4] || 16);
  const options = { classes, ignoreIndex: -1, labelSmoothing: 0.1 };

  // Synthetic evaluation set: float32 logits [rows, classes], int32 labels with ~5% ignored.
  const logits = new Float32Array(rows * classes);
  for (let i = 0; i < logits.length; i++) logits[i] = Math.sin(i * 12.9898) * 4;
  const labels = new Int32Array(rows);
  for (let i = 0; i < rows; i++) labels[i] = i % 20 === 0 ? -1 : (i * 7919) % classes;

  const pool = new Piscina({ filename: __filename });
  console.log(`${rows} x ${classes} float32 logits (${(logits.byteLength / 2 ** 20).toFixed(0)} MiB), ${shards} shards, ${pool.options.maxThreads} worker threads`);

  const t0 = performance.now();
  const jsons = await Promise.all(
    Array.from({ length: shards }, (_, s) => {
      const a = Math.floor((rows * s) / shards), b = Math.floor((rows * (s + 1)) / shards);
      // Copies of the shard, moved (not cloned) into the worker.
      const x = logits.slice(a * classes, b * classes);
      const y = labels.slice(a, b);
      return pool.run({ logits: x, labels: y, options }, { transferList: [x.buffer, y.buffer] });
    }),
  );
  const merged = jsons.map((j) => losskit.meterFromJSON(j)).reduce((m, other) => m.merge(other));
  const fanout = performance.now() - t0;

  const t1 = performance.now();
  const single = losskit.crossEntropy(logits, labels, options);
  const one = performance.now() - t1;

  const r = merged.result();
  console.log(`merged meters: loss ${r.loss} over ${r.count} samples (weight ${r.weight}) in ${fanout.toFixed(0)} ms`);
  console.log(`one call:      loss ${single} in ${one.toFixed(0)} ms`);
  console.log(`difference ${Math.abs(r.loss - single).toExponential(2)} (float64 summation order only)`);
  await pool.destroy();
}

if (Piscina.isWorkerThread) module.exports = scoreShard;
else main().catch((e) => {
  console.error(e);
  process.exit(1);
});
