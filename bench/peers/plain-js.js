'use strict';
// The code most people would write first: one function call per element (Math.max, Math.exp,
// Math.log), float64 accumulation, no unrolling. It is the baseline the other rows are read against.

function logSumExpRow(x, off, k) {
  let m = -Infinity;
  for (let j = 0; j < k; j++) m = Math.max(m, x[off + j]);
  let s = 0;
  for (let j = 0; j < k; j++) s += Math.exp(x[off + j] - m);
  return m + Math.log(s);
}

function crossEntropy(logits, labels, k) {
  let total = 0;
  for (let i = 0; i < labels.length; i++) {
    total += logSumExpRow(logits, i * k, k) - logits[i * k + labels[i]];
  }
  return total / labels.length;
}

function logSumExp(x, k, out) {
  for (let i = 0; i < out.length; i++) out[i] = logSumExpRow(x, i * k, k);
  return out;
}

function softmax(x, k, out) {
  const n = x.length / k;
  for (let i = 0; i < n; i++) {
    const lse = logSumExpRow(x, i * k, k);
    for (let j = 0; j < k; j++) out[i * k + j] = Math.exp(x[i * k + j] - lse);
  }
  return out;
}

function heatmapFocalLoss(pred, gt) {
  let loss = 0;
  let positives = 0;
  for (let i = 0; i < pred.length; i++) {
    const p = pred[i];
    if (gt[i] === 1) {
      loss -= Math.pow(1 - p, 2) * Math.log(p);
      positives++;
    } else {
      loss -= Math.pow(1 - gt[i], 4) * Math.pow(p, 2) * Math.log(1 - p);
    }
  }
  return positives > 0 ? loss / positives : loss;
}


// CenterNet's draw_umich_gaussian for every point, into a new [B, C, H, W] map: kernel (2r+1)^2,
// sigma = (2r+1)/6, values under eps*max dropped, combined by max, clipped at the borders.
function renderHeatmaps({ batch, channels, height, width, points }) {
  const out = new Float32Array(batch * channels * height * width);
  for (const p of points) {
    const r = p.radius;
    const sigma = (2 * r + 1) / 6;
    const base = (p.batch * channels + p.channel) * height * width;
    for (let dy = -r; dy <= r; dy++) {
      const y = p.y + dy;
      if (y < 0 || y >= height) continue;
      for (let dx = -r; dx <= r; dx++) {
        const x = p.x + dx;
        if (x < 0 || x >= width) continue;
        const g = Math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
        if (g < Number.EPSILON) continue;
        const i = base + y * width + x;
        if (g > out[i]) out[i] = g;
      }
    }
  }
  return out;
}

const kernels = { crossEntropy, logSumExp, softmax, heatmapFocalLoss, renderHeatmaps };

function prepare(task) {
  const { op, k, data } = task;
  const Ctor = data.logits instanceof Float64Array ? Float64Array : Float32Array;
  switch (op) {
    case 'crossEntropy':
      return { run: () => crossEntropy(data.logits, data.labels, k) };
    case 'logSumExp': {
      const out = new Ctor(data.logits.length / k);
      return { run: () => logSumExp(data.logits, k, out) };
    }
    case 'softmax': {
      const out = new Ctor(data.logits.length);
      return { run: () => softmax(data.logits, k, out) };
    }
    case 'heatmapFocalLoss':
      return { run: () => heatmapFocalLoss(data.pred, data.gt) };
    case 'renderHeatmaps':
      return { run: () => renderHeatmaps(data.spec) };
    default:
      return { skip: `no ${op}` };
  }
}

module.exports = { name: 'plain JS', prepare, kernels };
