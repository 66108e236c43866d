'use strict';
// losskit itself, through its public entry point (the package root), exactly as users call it.
// While the native code is being written some functions may be missing: those rows are reported as
// missing, never estimated.

const path = require('path');

let lk = null;
let loadError = null;
try {
  lk = require(path.join(__dirname, '..', '..'));
} catch (err) {
  loadError = err;
}

function missing(fn) {
  if (!lk) return `losskit did not load (${firstLine(loadError)})`;
  if (typeof lk[fn] !== 'function') return `losskit.${fn} is not exported yet`;
  return null;
}

function firstLine(err) {
  const text = String((err && err.message) || err);
  return text.split('\n')[0].slice(0, 120);
}

function backend() {
  if (!lk || typeof lk.backend !== 'function') return null;
  try {
    return lk.backend();
  } catch (err) {
    return { isa: `error: ${firstLine(err)}` };
  }
}

function prepare(task) {
  const { op, k, data } = task;
  const why = missing(op);
  if (why) return { missing: why };
  const Ctor = data.logits instanceof Float64Array ? Float64Array : Float32Array;
  switch (op) {
    case 'crossEntropy': {
      const opts = { classes: k, reduction: 'mean' };
      return { run: () => lk.crossEntropy(data.logits, data.labels, opts) };
    }
    case 'logSumExp': {
      const out = new Ctor(data.logits.length / k);
      const opts = { classes: k, out };
      return { run: () => lk.logSumExp(data.logits, opts) || out };
    }
    case 'softmax': {
      const out = new Ctor(data.logits.length);
      const opts = { classes: k, out };
      return { run: () => lk.softmax(data.logits, opts) || out };
    }
    case 'heatmapFocalLoss': {
      const opts = { inputs: 'probabilities', alpha: 2, beta: 4, reduction: 'mean' };
      return { run: () => lk.heatmapFocalLoss(data.pred, data.gt, opts) };
    }
    case 'renderHeatmaps':
      return { run: () => lk.renderHeatmaps(data.spec) };
    default:
      return { missing: `no ${op}` };
  }
}

module.exports = { name: 'losskit', prepare, backend, loaded: () => lk !== null, loadError: () => loadError };
