'use strict';
// Deterministic inputs for the bench: the same seed gives the same bytes on every run and machine.

function rng(seed) {
  // mulberry32: tiny, fast, good enough to fill benchmark inputs.
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussianFill(out, rand, mean, std) {
  // Box-Muller, two values per pair of uniforms.
  for (let i = 0; i < out.length; i += 2) {
    const u = 1 - rand();
    const v = rand();
    const r = Math.sqrt(-2 * Math.log(u)) * std;
    out[i] = mean + r * Math.cos(2 * Math.PI * v);
    if (i + 1 < out.length) out[i + 1] = mean + r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

/** Logits like a classifier's: N(0, 2²), with the labelled class pushed up by ~2 so losses are realistic. */
function classification(n, k, { dtype = 'float32', seed = 1 } = {}) {
  const rand = rng(seed * 7919 + n * 31 + k);
  const Ctor = dtype === 'float64' ? Float64Array : Float32Array;
  const logits = gaussianFill(new Ctor(n * k), rand, 0, 2);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const y = Math.floor(rand() * k);
    labels[i] = y;
    logits[i * k + y] += 2;
  }
  return { logits, labels };
}

/**
 * CornerNet/CenterNet-style targets: per image and channel, `perMap` Gaussian bumps
 * (σ = (2r+1)/6, peak exactly 1, values under eps·max dropped, combined by max), and predictions that
 * look like a sigmoid head's output: small background, higher near the bumps, kept inside (0, 1).
 */
function heatmaps({ batch, channels, height, width, perMap = 10, seed = 3 }) {
  const rand = rng(seed);
  const plane = height * width;
  const gt = new Float32Array(batch * channels * plane);
  for (let m = 0; m < batch * channels; m++) {
    const base = m * plane;
    for (let p = 0; p < perMap; p++) {
      const cx = Math.floor(rand() * width);
      const cy = Math.floor(rand() * height);
      const r = 2 + Math.floor(rand() * 10);
      const sigma = (2 * r + 1) / 6;
      for (let dy = -r; dy <= r; dy++) {
        const y = cy + dy;
        if (y < 0 || y >= height) continue;
        for (let dx = -r; dx <= r; dx++) {
          const x = cx + dx;
          if (x < 0 || x >= width) continue;
          const g = Math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
          if (g < Number.EPSILON) continue;
          const i = base + y * width + x;
          if (g > gt[i]) gt[i] = g;
        }
      }
    }
  }
  const pred = new Float32Array(gt.length);
  const noise = gaussianFill(new Float64Array(4096), rand, -4, 1.2);
  for (let i = 0; i < pred.length; i++) {
    const bg = 1 / (1 + Math.exp(-noise[(i * 2654435761) & 4095]));
    let p = 0.75 * gt[i] + 0.25 * bg;
    if (p < 1e-4) p = 1e-4;
    if (p > 1 - 1e-4) p = 1 - 1e-4;
    pred[i] = p;
  }
  let positives = 0;
  for (let i = 0; i < gt.length; i++) if (gt[i] === 1) positives++;
  return { pred, gt, positives };
}

/** `perImage` keypoints per image, spread over the channels, as renderHeatmaps takes them. */
function keypoints({ batch, channels, height, width, perImage = 100, seed = 5 }) {
  const rand = rng(seed);
  const points = [];
  for (let b = 0; b < batch; b++) {
    for (let p = 0; p < perImage; p++) {
      points.push({
        batch: b,
        channel: Math.floor(rand() * channels),
        x: Math.floor(rand() * width),
        y: Math.floor(rand() * height),
        radius: 1 + Math.floor(rand() * 12),
      });
    }
  }
  return points;
}

module.exports = { rng, classification, heatmaps, keypoints };
