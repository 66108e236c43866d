'use strict';
// float64 reference results every implementation is checked against before it is timed.
// Deliberately simple: inputs widened to float64, two passes per row, Math.exp / Math.log.

function rowLogSumExp(x, off, k) {
  let m = -Infinity;
  for (let j = 0; j < k; j++) if (x[off + j] > m) m = x[off + j];
  if (m === -Infinity || m === Infinity) return m;
  let s = 0;
  for (let j = 0; j < k; j++) s += Math.exp(x[off + j] - m);
  return m + Math.log(s);
}

function crossEntropy(logits, labels, k) {
  const n = labels.length;
  let total = 0;
  for (let i = 0; i < n; i++) total += rowLogSumExp(logits, i * k, k) - logits[i * k + labels[i]];
  return total / n;
}

function logSumExp(x, k) {
  const n = x.length / k;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = rowLogSumExp(x, i * k, k);
  return out;
}

function softmax(x, k) {
  const n = x.length / k;
  const out = new Float64Array(x.length);
  for (let i = 0; i < n; i++) {
    const lse = rowLogSumExp(x, i * k, k);
    for (let j = 0; j < k; j++) out[i * k + j] = Math.exp(x[i * k + j] - lse);
  }
  return out;
}

// CornerNet (Law & Deng 2018, eq. 1), probability inputs, alpha = 2, beta = 4, mean over positives.
function heatmapFocalLoss(pred, gt) {
  let pos = 0;
  let neg = 0;
  let count = 0;
  for (let i = 0; i < pred.length; i++) {
    const p = pred[i];
    const g = gt[i];
    if (g === 1) {
      pos += (1 - p) ** 2 * Math.log(p);
      count++;
    } else {
      neg += (1 - g) ** 4 * p ** 2 * Math.log(1 - p);
    }
  }
  return count === 0 ? -neg : -(pos + neg) / count;
}

module.exports = { crossEntropy, logSumExp, softmax, heatmapFocalLoss };
