'use strict';
// node --expose-gc detach-stats.js <package root>
// Tries to detach the addon's stats buffer as any JS that reaches it can (a transfer through
// structuredClone), lets whatever the transfer produced be collected, then calls every kind of
// function that writes its sums to stats. The addon must never write to memory it does not own:
// with the V8-owned buffer it had before, this process crashed (the writes went to the freed
// backing store). Its own memory, as an external buffer, cannot be detached by Node at all: the
// transfer copies it, and the library keeps working. Prints "ok <calls> attached|detached" or
// exits non-zero.
const path = require('path');
const root = process.argv[2];
const lk = require(root);
const { native } = require(path.join(root, 'dist', 'binding.js'));

if (typeof global.gc !== 'function') throw new Error('run with --expose-gc');
const stats = native.stats;
if (!(stats instanceof Float64Array) || stats.length !== 4) throw new Error('native.stats is not a Float64Array(4)');

const k = 10, n = 64;
const x = new Float32Array(n * k).map((_, i) => Math.sin(i));
const y = new Int32Array(n).map((_, i) => i % k);
const big = new Float32Array(2000 * k).map((_, i) => Math.cos(i));
const bigY = new Int32Array(2000).map((_, i) => (i * 3) % k);
const pred = new Float32Array(2 * 3 * 8 * 8).fill(0.25);
const gt = new Float32Array(pred.length);
gt[5] = 1;
gt[77] = 1;
const uniform = new Float32Array(n * k).fill(1 / k);
const before = lk.crossEntropy(big, bigY);
if (!Number.isFinite(before)) throw new Error('crossEntropy before the detach: ' + before);

let moved = structuredClone(stats.buffer, { transfer: [stats.buffer] });
const detached = stats.length === 0;
if (moved.byteLength !== 32) throw new Error('unexpected transfer result');
moved = null;
for (let i = 0; i < 4; i++) global.gc();
// Fresh allocations of the same size, which the freed bytes would be reused for.
const decoys = [];
for (let i = 0; i < 2000; i++) decoys.push(new Float64Array(new ArrayBuffer(32)).fill(7));

let calls = 0;
for (let i = 0; i < 2000; i++) {
  lk.crossEntropy(x.subarray(0, k), y.subarray(0, 1)); // the staging-area path
  lk.crossEntropy(x, y, { classes: k }); // the raw fast path
  lk.crossEntropy(big, bigY, { labelSmoothing: 0.1 }); // the general path
  lk.logSumExp(big, { classes: k });
  lk.heatmapFocalLoss(pred, gt, { batch: 2 });
  lk.klDivergence(uniform, x, { classes: k, inputs: 'logits' });
  calls += 6;
}
for (const d of decoys) if (d.some((v) => v !== 7)) throw new Error('a buffer the addon does not own was written to');
if (!detached && lk.crossEntropy(big, bigY) !== before) throw new Error('crossEntropy changed after the transfer');
console.log(`ok ${calls} ${detached ? 'detached' : 'attached'}`);
