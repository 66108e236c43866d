'use strict';
// The fastest pure JavaScript we know how to write for these kernels, so the comparison with the
// native code is against a strong baseline rather than a naive one:
// - two passes per row (max, then sum of exp) over a row that is still in L1/L2 after the first pass,
//   lengths and offsets hoisted into locals, 4-way unrolled with independent accumulators;
// - exp and log written out as polynomials (V8's Math.exp/Math.log are out-of-line calls costing
//   more than the arithmetic here). exp is only ever called on x - max <= 0, so it needs no
//   overflow path; powers of two come from a table instead of bit manipulation.
// Accuracy: exp32 ~1e-7 relative (enough for float32 inputs), exp64 ~1e-15, log ~1e-9 relative.
// Finite inputs are assumed (the bench only feeds finite data); NaN/Inf rows are not special-cased.

const LOG2E = Math.LOG2E;
const LN2 = Math.LN2;
const LN2_HI = 0.6931471803691238; // LN2 split so n*LN2_HI is exact for |n| < 2^11
const LN2_LO = 1.9082149292705877e-10;
const SQRT2 = Math.SQRT2;
const EXP_MIN = -745; // exp(-745) is below the smallest subnormal double

// 2^i for i in [-1100, 1100], indexed by i + 1100.
const POW2 = new Float64Array(2201);
for (let i = 0; i < POW2.length; i++) POW2[i] = Math.pow(2, i - 1100);

// exp(v) for v <= 0, degree-7 Taylor on |r| <= ln2/2: relative error < 1e-8.
function exp32(v) {
  if (v < EXP_MIN) v = EXP_MIN;
  const n = (v * LOG2E - 0.5) | 0; // round to nearest for v <= 0
  const r = v - n * LN2_HI - n * LN2_LO;
  const p =
    1 + r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120 + r * (1 / 720 + r * (1 / 5040)))))));
  return p * POW2[n + 1100];
}

// exp(v) for v <= 0, degree-12 Taylor: relative error ~1e-16, for float64 inputs.
function exp64(v) {
  if (v < EXP_MIN) v = EXP_MIN;
  const n = (v * LOG2E - 0.5) | 0;
  const r = v - n * LN2_HI - n * LN2_LO;
  const p =
    1 +
    r *
      (1 +
        r *
          (1 / 2 +
            r *
              (1 / 6 +
                r *
                  (1 / 24 +
                    r *
                      (1 / 120 +
                        r *
                          (1 / 720 +
                            r *
                              (1 / 5040 +
                                r *
                                  (1 / 40320 +
                                    r * (1 / 362880 + r * (1 / 3628800 + r * (1 / 39916800 + r / 479001600)))))))))));
  return p * POW2[n + 1100];
}

// log(x) for normal x > 0: exponent read from the bits, mantissa scaled into [sqrt(1/2), sqrt(2)),
// then log(m) = 2 atanh((m-1)/(m+1)) as an odd series to s^9 (|s| <= 0.172).
const scratch = new Float64Array(1);
const scratchHi = new Uint32Array(scratch.buffer, 4, 1);
function log(x) {
  scratch[0] = x;
  let e = (scratchHi[0] >>> 20) - 1023;
  let m = x * POW2[1100 - e];
  if (m > SQRT2) {
    m *= 0.5;
    e++;
  }
  const s = (m - 1) / (m + 1);
  const s2 = s * s;
  return e * LN2 + 2 * s * (1 + s2 * (1 / 3 + s2 * (1 / 5 + s2 * (1 / 7 + s2 * (1 / 9)))));
}

function rowMax(x, off, k) {
  let m0 = x[off];
  let m1 = m0;
  let m2 = m0;
  let m3 = m0;
  const end = off + k;
  let j = off + 1;
  for (; j + 3 < end; j += 4) {
    const a = x[j];
    const b = x[j + 1];
    const c = x[j + 2];
    const d = x[j + 3];
    if (a > m0) m0 = a;
    if (b > m1) m1 = b;
    if (c > m2) m2 = c;
    if (d > m3) m3 = d;
  }
  for (; j < end; j++) if (x[j] > m0) m0 = x[j];
  if (m1 > m0) m0 = m1;
  if (m3 > m2) m2 = m3;
  return m2 > m0 ? m2 : m0;
}

function rowSumExp32(x, off, k, m) {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const end = off + k;
  let j = off;
  for (; j + 3 < end; j += 4) {
    s0 += exp32(x[j] - m);
    s1 += exp32(x[j + 1] - m);
    s2 += exp32(x[j + 2] - m);
    s3 += exp32(x[j + 3] - m);
  }
  for (; j < end; j++) s0 += exp32(x[j] - m);
  return s0 + s1 + (s2 + s3);
}

function rowSumExp64(x, off, k, m) {
  let s0 = 0;
  let s1 = 0;
  const end = off + k;
  let j = off;
  for (; j + 1 < end; j += 2) {
    s0 += exp64(x[j] - m);
    s1 += exp64(x[j + 1] - m);
  }
  if (j < end) s0 += exp64(x[j] - m);
  return s0 + s1;
}

function crossEntropy32(logits, labels, k) {
  const n = labels.length;
  let total = 0;
  for (let i = 0, off = 0; i < n; i++, off += k) {
    const m = rowMax(logits, off, k);
    total += m + Math.log(rowSumExp32(logits, off, k, m)) - logits[off + labels[i]];
  }
  return total / n;
}

function crossEntropy64(logits, labels, k) {
  const n = labels.length;
  let total = 0;
  for (let i = 0, off = 0; i < n; i++, off += k) {
    const m = rowMax(logits, off, k);
    total += m + Math.log(rowSumExp64(logits, off, k, m)) - logits[off + labels[i]];
  }
  return total / n;
}

function logSumExp32(x, k, out) {
  const n = out.length;
  for (let i = 0, off = 0; i < n; i++, off += k) {
    const m = rowMax(x, off, k);
    out[i] = m + Math.log(rowSumExp32(x, off, k, m));
  }
  return out;
}

// exp(x - max) is written to out on the way, then scaled by 1/sum: one exp per element.
function softmax32(x, k, out) {
  const n = x.length / k;
  for (let i = 0, off = 0; i < n; i++, off += k) {
    const m = rowMax(x, off, k);
    const end = off + k;
    let s0 = 0;
    let s1 = 0;
    let j = off;
    for (; j + 1 < end; j += 2) {
      const a = exp32(x[j] - m);
      const b = exp32(x[j + 1] - m);
      out[j] = a;
      out[j + 1] = b;
      s0 += a;
      s1 += b;
    }
    if (j < end) {
      const a = exp32(x[j] - m);
      out[j] = a;
      s0 += a;
    }
    const inv = 1 / (s0 + s1);
    for (j = off; j < end; j++) out[j] *= inv;
  }
  return out;
}

// CornerNet focal loss, probabilities, alpha = 2, beta = 4. Most pixels have gt == 0 (weight 1),
// so that case gets its own cheap branch; the positive and penalty-reduced cases are rare.
function heatmapFocalLoss(pred, gt) {
  const n = pred.length;
  let bg = 0;
  let near = 0;
  let pos = 0;
  let positives = 0;
  for (let i = 0; i < n; i++) {
    const p = pred[i];
    const g = gt[i];
    if (g === 0) {
      bg += p * p * log(1 - p);
    } else if (g === 1) {
      const q = 1 - p;
      pos += q * q * log(p);
      positives++;
    } else {
      const w = (1 - g) * (1 - g);
      near += w * w * p * p * log(1 - p);
    }
  }
  const total = -(bg + near + pos);
  return positives > 0 ? total / positives : total;
}

function prepare(task) {
  const { op, k, data } = task;
  const f64 = data.logits instanceof Float64Array;
  switch (op) {
    case 'crossEntropy':
      return f64
        ? { run: () => crossEntropy64(data.logits, data.labels, k) }
        : { run: () => crossEntropy32(data.logits, data.labels, k) };
    case 'logSumExp': {
      if (f64) return { missing: 'float32 only here' };
      const out = new Float32Array(data.logits.length / k);
      return { run: () => logSumExp32(data.logits, k, out) };
    }
    case 'softmax': {
      if (f64) return { missing: 'float32 only here' };
      const out = new Float32Array(data.logits.length);
      return { run: () => softmax32(data.logits, k, out) };
    }
    case 'heatmapFocalLoss':
      return { run: () => heatmapFocalLoss(data.pred, data.gt) };
    default:
      return { skip: `no ${op}` };
  }
}

module.exports = { name: 'tuned JS', prepare, exp32, exp64, log };
