// The dense family (binary, focal and heatmap losses, Gaussian targets, MSE) against the PyTorch
// oracle fixtures (test/fixtures/dense.json) with the best ISA, plus edge cases against a float64
// JavaScript reference; test/isa.test.ts runs the fixtures under every other ISA.
import * as lk from '../lib';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fx = require('./support/fixtures.js');

const cases: Array<{ name: string; fn: string }> = fx.loadFixtures('dense').cases;

describe('dense fixtures (PyTorch float64 oracle)', () => {
  test.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const r = fx.runCase(lk, c);
    expect(r.message).toBe(`${c.name}: ok`);
  });
});

// ---- float64 references -------------------------------------------------------------------

const softplus = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
const sigmoid = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

function heatRef(pred: ArrayLike<number>, gt: ArrayLike<number>, logits: boolean, a = 2, b = 4) {
  let loss = 0, pos = 0, posLoss = 0;
  const per = new Float64Array(pred.length);
  for (let i = 0; i < pred.length; i++) {
    const x = pred[i], g = gt[i];
    let p: number, q: number, lp: number, lq: number;
    if (logits) {
      p = sigmoid(x); q = sigmoid(-x); lp = -softplus(-x); lq = -softplus(x);
    } else {
      p = Math.min(Math.max(x, 1e-4), 1 - 1e-4); q = Math.min(Math.max(1 - x, 1e-4), 1 - 1e-4);
      lp = Math.log(p); lq = Math.log(q);
    }
    const l = g === 1 ? -(q ** a) * lp : -((1 - g) ** b) * p ** a * lq;
    per[i] = l;
    loss += l;
    if (g === 1) { pos++; posLoss += l; }
  }
  return { loss, pos, posLoss, per, mean: pos ? loss / pos : loss };
}

function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
}

function randomHeatmap(B: number, C: number, H: number, W: number, seed: number, Ctor: typeof Float32Array | typeof Float64Array = Float32Array) {
  const r = rng(seed);
  const pts = [];
  for (let i = 0; i < B * 3; i++) {
    pts.push({ batch: (r() * B) | 0, channel: (r() * C) | 0, x: (r() * W) | 0, y: (r() * H) | 0, radius: (r() * 4) | 0 });
  }
  const gt = Ctor.from(lk.renderHeatmaps({ batch: B, channels: C, height: H, width: W, points: pts }));
  const pred = new Ctor(B * C * H * W).map(() => r());
  return { pred, gt };
}

const close = (got: number, exp: number, rtol: number) => Math.abs(got - exp) <= rtol * Math.abs(exp) + rtol;

// ---- binaryCrossEntropy -------------------------------------------------------------------

describe('binaryCrossEntropy', () => {
  test('logits ±100 and ±1e4 stay finite and exact (float32 and float64)', () => {
    const xs = [100, -100, 1e4, -1e4, 1e4, -1e4, 3e38, -3e38];
    const ts = [1, 0, 1, 0, 0, 1, 1, 1];
    const exp = [0, 0, 0, 0, 1e4, 1e4, 0, 3e38];
    for (const C of [Float32Array, Float64Array]) {
      const out = lk.binaryCrossEntropy(C.from(xs), C.from(ts), { reduction: 'none' });
      out.forEach((v, i) => expect(close(v, Math.fround(exp[i]), 1e-7)).toBe(true));
    }
  });
  test('probabilities exactly 0 and 1: every log is clamped at -100, so the loss is at most 100 per term', () => {
    const p = new Float32Array([0, 0, 1, 1, 0, 1]);
    const t = new Float32Array([0, 1, 0, 1, 0.25, 0.25]);
    const out = lk.binaryCrossEntropy(p, t, { inputs: 'probabilities', reduction: 'none' });
    expect(Array.from(out).map((v) => v + 0)).toEqual([0, 100, 100, 0, 25, 75]);
  });
  test('posWeight broadcasts over the last dimension and matches the float64 formula', () => {
    const r = rng(7);
    const N = 13, C = 7;
    const x = new Float64Array(N * C).map(() => (r() - 0.5) * 20);
    const t = new Float64Array(N * C).map(() => r());
    const pw = new Float64Array(C).map(() => 0.5 + 3 * r());
    const w = new Float64Array(N * C).map(() => 2 * r());
    let ref = 0;
    for (let i = 0; i < N * C; i++) ref += w[i] * ((1 - t[i]) * x[i] + (1 + (pw[i % C] - 1) * t[i]) * softplus(-x[i]));
    expect(close(lk.binaryCrossEntropy(x, t, { posWeight: pw, weight: w, reduction: 'sum' }), ref, 1e-12)).toBe(true);
    const got32 = lk.binaryCrossEntropy(Float32Array.from(x), Float32Array.from(t), { posWeight: pw, weight: w, reduction: 'sum' });
    let ref32 = 0;
    const x32 = Float32Array.from(x), t32 = Float32Array.from(t);
    for (let i = 0; i < N * C; i++) ref32 += w[i] * ((1 - t32[i]) * x32[i] + (1 + (pw[i % C] - 1) * t32[i]) * softplus(-x32[i]));
    expect(close(got32, ref32, 1e-6)).toBe(true);
  });
  test('posWeight with probabilities is refused (torch has no such option)', () => {
    expect(() => lk.binaryCrossEntropy([0.5], [1], { inputs: 'probabilities', posWeight: [2] })).toThrow(
      /^binaryCrossEntropy: posWeight is only used with inputs 'logits'/,
    );
  });
});

// ---- sigmoidFocalLoss ---------------------------------------------------------------------

describe('sigmoidFocalLoss', () => {
  test('never NaN or Infinity for finite logits, any gamma', () => {
    const xs = new Float32Array([100, -100, 1e4, -1e4, 3e38, -3e38, 88, -88, 0]);
    for (const t of [0, 1, 0.5]) {
      for (const gamma of [0, 0.5, 1, 2, 3.7]) {
        const out = lk.sigmoidFocalLoss(xs, new Float32Array(xs.length).fill(t), { gamma, reduction: 'none' });
        for (const v of out) expect(Number.isFinite(v)).toBe(true);
      }
    }
  });
  test('matches torchvision formula in float64 on random inputs, general gamma', () => {
    const r = rng(3);
    const x = new Float64Array(101).map(() => (r() - 0.5) * 16);
    const t = new Float64Array(101).map(() => (r() < 0.3 ? 1 : r() * 0.2));
    for (const [alpha, gamma] of [[0.25, 2], [-1, 1.5], [0.6, 0]]) {
      let ref = 0;
      for (let i = 0; i < x.length; i++) {
        const p = sigmoid(x[i]);
        const ce = Math.max(x[i], 0) - x[i] * t[i] + Math.log1p(Math.exp(-Math.abs(x[i])));
        const pt = p * t[i] + (1 - p) * (1 - t[i]);
        let l = ce * (1 - pt) ** gamma;
        if (alpha >= 0) l *= alpha * t[i] + (1 - alpha) * (1 - t[i]);
        ref += l;
      }
      expect(close(lk.sigmoidFocalLoss(x, t, { alpha, gamma, reduction: 'sum' }), ref, 1e-11)).toBe(true);
    }
  });
});

// ---- softmaxFocalLoss ---------------------------------------------------------------------

describe('softmaxFocalLoss', () => {
  test('gamma 0 without alpha is crossEntropy', () => {
    const r = rng(11);
    const x = new Float32Array(9 * 5).map(() => (r() - 0.5) * 8);
    const y = new Int32Array(9).map(() => (r() * 5) | 0);
    y[3] = -100;
    expect(close(lk.softmaxFocalLoss(x, y, { gamma: 0 }), lk.crossEntropy(x, y), 1e-6)).toBe(true);
  });
  test('label out of range names the index', () => {
    expect(() => lk.softmaxFocalLoss(new Float64Array(6), new Int32Array([0, 7]), { classes: 3 })).toThrow(
      /^softmaxFocalLoss: labels\[1\] = 7 is out of range \[0, 3\)/,
    );
  });
});

// ---- heatmapFocalLoss ---------------------------------------------------------------------

describe('heatmapFocalLoss', () => {
  // Sizes around the vector width (16 float32 lanes) and the 8-vector block, with tails.
  test.each([1, 15, 16, 17, 127, 128, 129, 1000, 4099])('matches the float64 reference, n = %i', (n) => {
    const r = rng(n);
    const gt = new Float32Array(n).map(() => (r() < 0.05 ? 1 : r() < 0.5 ? 0 : r()));
    const pred = new Float32Array(n).map(() => r());
    const logits = pred.map((p) => Math.log(p / (1 - p)) * 3);
    for (const [a, b] of [[2, 4], [1, 2], [3, 0], [2.5, 3.5], [0, 4]]) {
      for (const [x, isLogits] of [[pred, false], [logits, true]] as const) {
        const ref = heatRef(x, gt, isLogits, a, b);
        const opts = { alpha: a, beta: b, inputs: isLogits ? ('logits' as const) : ('probabilities' as const) };
        expect(close(lk.heatmapFocalLoss(x, gt, { ...opts, reduction: 'sum' }), ref.loss, 2e-6)).toBe(true);
        expect(close(lk.heatmapFocalLoss(x, gt, opts), ref.mean, 2e-6)).toBe(true);
        const per = lk.heatmapFocalLoss(x, gt, { ...opts, reduction: 'none' });
        per.forEach((v, i) => expect(close(v, ref.per[i], 2e-6)).toBe(true));
        const x64 = Float64Array.from(x), g64 = Float64Array.from(gt);
        expect(close(lk.heatmapFocalLoss(x64, g64, { ...opts, reduction: 'sum' }), ref.loss, 1e-12)).toBe(true);
      }
    }
  });

  test("'mean' divides by the positives; no positives gives the negative sum; 'per-sample' per image", () => {
    const { pred, gt } = randomHeatmap(3, 2, 9, 11, 5);
    gt.fill(0.25, 2 * 99, 3 * 2 * 99);  // the third image has no positives
    const per = lk.heatmapFocalLoss(pred, gt, { batch: 3, reduction: 'per-sample' });
    for (let b = 0; b < 3; b++) {
      const ref = heatRef(pred.subarray(b * 198, (b + 1) * 198), gt.subarray(b * 198, (b + 1) * 198), false);
      expect(close(per[b], ref.mean, 1e-6)).toBe(true);
    }
    const all = heatRef(pred, gt, false);
    expect(all.pos).toBeGreaterThan(0);
    expect(close(lk.heatmapFocalLoss(pred, gt), all.loss / all.pos, 1e-6)).toBe(true);
    const none = new Float32Array(pred.length).fill(0.5);
    expect(close(lk.heatmapFocalLoss(pred, none), heatRef(pred, none, false).loss, 1e-6)).toBe(true);
  });

  test('logits ±100 and ±1e4 never give NaN or Infinity', () => {
    const x = new Float32Array([100, -100, 1e4, -1e4, 100, -100, 1e4, -1e4, 3e38, -3e38]);
    const g = new Float32Array([1, 1, 1, 1, 0, 0, 0.5, 0.5, 0.3, 1]);
    const out = lk.heatmapFocalLoss(x, g, { inputs: 'logits', reduction: 'none' });
    for (const v of out) expect(Number.isFinite(v)).toBe(true);
    expect(out[3]).toBe(1e4);
    expect(out[6]).toBeCloseTo(0.0625 * 1e4, 2);
  });

  test('probabilities exactly 0 and 1 are clamped to [1e-4, 1 - 1e-4] (finite), in float32 to full precision', () => {
    const out = lk.heatmapFocalLoss(new Float32Array([1, 0, 0, 1]), new Float32Array([0, 1, 0, 1]), { reduction: 'none' });
    const l = -Math.log(1e-4) * (1 - 1e-4) ** 2;
    expect(close(out[0], l, 1e-6)).toBe(true);
    expect(close(out[1], l, 1e-6)).toBe(true);
    expect(close(out[2], -(1e-8) * Math.log1p(-1e-4), 1e-6)).toBe(true);
  });

  test('gt outside [0, 1] is a RangeError naming the first bad pixel; NaN propagates instead', () => {
    const n = 300;
    const pred = new Float32Array(n).fill(0.3);
    const gt = new Float32Array(n).fill(0);
    gt[200] = 1.5;
    gt[250] = -1;
    expect(() => lk.heatmapFocalLoss(pred, gt)).toThrow(/^heatmapFocalLoss: gt\[200\] = 1.5 is out of range \[0, 1\]$/);
    gt[200] = 0;
    expect(() => lk.heatmapFocalLoss(pred, gt, { batch: 2, reduction: 'per-sample' })).toThrow(/gt\[250\] = -1 is out/);
    gt[250] = NaN;
    expect(lk.heatmapFocalLoss(pred, gt)).toBeNaN();
    // a float64 gt just above 1 stays out of range for a float32 pred; one just below 1 is not positive
    const g64 = new Float64Array(n).fill(0);
    g64[7] = 1 + 1e-12;
    expect(() => lk.heatmapFocalLoss(pred, g64)).toThrow(/gt\[7\] = 1.000000000001 is out of range/);
    g64[7] = 1 - 1e-12;
    const sums = lk.heatmapFocalLoss(pred, g64, { reduction: 'sum' });
    expect(lk.heatmapFocalLoss(pred, g64)).toBe(sums);  // no positives: 'mean' is the sum
  });

  test('very negative logits (tiny products flushed inside the kernel) and the FPU mode is restored after', () => {
    const x = new Float32Array(40).fill(-35);
    const g = new Float32Array(40);
    const out = lk.heatmapFocalLoss(x, g, { inputs: 'logits', reduction: 'none' });
    for (const v of out) expect(v >= 0 && v < 1e-38).toBe(true);
    // JavaScript still sees subnormals: the kernel put MXCSR back.
    const tiny = Number(process.env.LOSSKIT_NO_SUCH_VAR ?? '4.9406564584124654e-324');
    expect(tiny * 3).toBe(1.5e-323);
    expect(lk.sigmoidFocalLoss(new Float64Array([-700]), new Float64Array([0]), { reduction: 'sum' })).toBeLessThan(1e-300);
    expect(tiny * 3).toBe(1.5e-323);
  });

  test('NaN pred propagates with zero exponents too', () => {
    const out = lk.heatmapFocalLoss(new Float32Array([NaN, NaN, 0.5]), new Float32Array([1, 0, 0]), { alpha: 0, beta: 0, reduction: 'none' });
    expect(out[0]).toBeNaN();
    expect(out[1]).toBeNaN();
    expect(out[2]).toBeCloseTo(Math.LN2, 6);
  });

  test('results do not depend on the byteOffset of pred and gt', () => {
    const { pred, gt } = randomHeatmap(1, 3, 13, 17, 9);
    const got = new Set<number>();
    for (let off = 0; off < 16; off++) {
      const p = new Float32Array(pred.length + off), g = new Float32Array(pred.length + off);
      p.set(pred, off);
      g.set(gt, off);
      got.add(lk.heatmapFocalLoss(p.subarray(off), g.subarray(off)));
    }
    expect(got.size).toBe(1);
  });
});

// ---- Gaussian targets ---------------------------------------------------------------------

describe('gaussianRadius / drawGaussian / renderHeatmaps', () => {
  test("'cornernet' radius keeps IoU >= minOverlap in all three cases; 'centernet' is never smaller", () => {
    for (const [h, w] of [[10, 10], [37.5, 12.25], [200, 30]]) {
      const r = lk.gaussianRadius(h, w);
      const iou1 = ((h - r) * (w - r)) / (2 * h * w - (h - r) * (w - r));
      const iou2 = ((h - 2 * r) * (w - 2 * r)) / (h * w);
      const iou3 = (h * w) / ((h + 2 * r) * (w + 2 * r));
      expect(Math.min(iou1, iou2, iou3)).toBeCloseTo(0.7, 10);
      expect(lk.gaussianRadius(h, w, { variant: 'centernet' })).toBeGreaterThanOrEqual(r);
    }
  });

  test('radius 0 paints the single pixel with k', () => {
    const hm = new Float64Array(25);
    lk.drawGaussian(hm, { height: 5, width: 5 }, 1, 3, 0, { k: 0.75 });
    expect(hm[3 * 5 + 1]).toBe(0.75);
    expect(hm.reduce((s, v) => s + v, 0)).toBe(0.75);
  });

  test('centres on and beyond the borders paint the part of the kernel that reaches inside', () => {
    const H = 6, W = 8, r = 2;
    const sigma = (2 * r + 1) / 6;
    const g = (dx: number, dy: number) => Math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
    for (const [cx, cy] of [[0, 0], [7, 5], [-1, 3], [9, 2], [3, -2], [-3, 3], [20, 20]]) {
      const hm = new Float32Array(H * W);
      lk.drawGaussian(hm, { height: H, width: W }, cx, cy, r);
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          const inside = Math.abs(x - cx) <= r && Math.abs(y - cy) <= r;
          expect(hm[y * W + x]).toBe(inside ? Math.fround(g(x - cx, y - cy)) : 0);
        }
      }
    }
  });

  test('a number[] heatmap is updated in place too', () => {
    const hm = new Array(9).fill(0);
    expect(lk.drawGaussian(hm, { height: 3, width: 3 }, 1, 1, 1)).toBe(hm);
    expect(hm[4]).toBe(1);
    expect(hm[0]).toBeCloseTo(Math.exp(-2 / (2 * 0.25)), 15);
  });

  test('renderHeatmaps equals drawGaussian point by point; objects and columns agree', () => {
    const B = 2, C = 3, H = 11, W = 9;
    const r = rng(21);
    const pts = Array.from({ length: 12 }, () => ({
      batch: (r() * B) | 0, channel: (r() * C) | 0, x: ((r() * (W + 4)) | 0) - 2, y: ((r() * (H + 4)) | 0) - 2, radius: (r() * 5) | 0,
    }));
    const got = lk.renderHeatmaps({ batch: B, channels: C, height: H, width: W, points: pts });
    const ref = new Float32Array(B * C * H * W);
    for (const p of pts) lk.drawGaussian(ref.subarray((p.batch * C + p.channel) * H * W, (p.batch * C + p.channel + 1) * H * W), { height: H, width: W }, p.x, p.y, p.radius);
    expect(got).toEqual(ref);
    const cols = {
      batch: Uint8Array.from(pts, (p) => p.batch), channel: pts.map((p) => p.channel), x: Int16Array.from(pts, (p) => p.x),
      y: Float64Array.from(pts, (p) => p.y), radius: Int32Array.from(pts, (p) => p.radius),
    };
    expect(lk.renderHeatmaps({ batch: B, channels: C, height: H, width: W, points: cols })).toEqual(ref);
  });

  test('renderHeatmaps errors name the point and field', () => {
    const spec = { batch: 1, channels: 2, height: 4, width: 4 };
    expect(() => lk.renderHeatmaps({ ...spec, points: [{ batch: 0, channel: 0, x: 1, y: 1, radius: 1.5 }] })).toThrow(
      /^renderHeatmaps: points\[0\]\.radius = 1.5 is not a 32-bit integer/,
    );
    const cols = { batch: [0, 0], channel: [1, 2], x: [0, 0], y: [0, 0], radius: [1, 1] };
    expect(() => lk.renderHeatmaps({ ...spec, points: cols })).toThrow(/^renderHeatmaps: points\.channel\[1\] = 2 is out of range \[0, 2\)/);
    expect(() => lk.renderHeatmaps({ ...spec, points: [], extra: 1 } as never)).toThrow(TypeError);
  });
});

// ---- mseLoss ------------------------------------------------------------------------------

describe('mseLoss', () => {
  test('per-channel weight: element i uses weight[floor(i / (n / C))]', () => {
    const C = 3, HW = 37;
    const r = rng(4);
    const p = new Float32Array(C * HW).map(() => r());
    const t = new Float64Array(C * HW).map(() => r());
    const w = [0.5, 2, 1];
    let ref = 0;
    for (let i = 0; i < C * HW; i++) ref += w[Math.floor(i / HW)] * (p[i] - t[i]) ** 2;
    expect(close(lk.mseLoss(p, t, { weight: w }), ref / (C * HW), 1e-6)).toBe(true);
  });
});

// ---- sums do not depend on how the input is split (streamed blocks, merged shards) ----------

describe('split invariance of the float64 sums', () => {
  test('element-wise losses: any split gives the single-call sum to float64 rounding (float32 input)', () => {
    const r = rng(99);
    const n = 1001;
    const x = new Float32Array(n).map(() => (r() - 0.5) * 12);
    const t = new Float32Array(n).map(() => r());
    const fns = [
      (a: Float32Array, b: Float32Array) => lk.binaryCrossEntropy(a, b, { reduction: 'sum' }),
      (a: Float32Array, b: Float32Array) => lk.sigmoidFocalLoss(a, b, { reduction: 'sum' }),
      (a: Float32Array, b: Float32Array) => lk.mseLoss(a, b, { reduction: 'sum' }),
    ];
    for (const f of fns) {
      const whole = f(x, t);
      for (const step of [3, 7, 100]) {
        let parts = 0;
        for (let i = 0; i < n; i += step) parts += f(x.subarray(i, i + step), t.subarray(i, i + step));
        expect(Math.abs(parts - whole)).toBeLessThanOrEqual(1e-13 * Math.abs(whole));
      }
    }
  });
  test('heatmapFocalLoss: shards at multiples of 128 pixels give the single-call sums', () => {
    const { pred, gt } = randomHeatmap(4, 2, 16, 16, 31);
    const whole = lk.heatmapFocalLoss(pred, gt, { reduction: 'sum' });
    let parts = 0;
    for (let i = 0; i < pred.length; i += 512) parts += lk.heatmapFocalLoss(pred.subarray(i, i + 512), gt.subarray(i, i + 512), { reduction: 'sum' });
    expect(Math.abs(parts - whole)).toBeLessThanOrEqual(1e-13 * whole);
  });
});

// ---- validation ---------------------------------------------------------------------------

describe('dense validation', () => {
  test.each([
    ['binaryCrossEntropy', () => lk.binaryCrossEntropy([1], [1], { posWeigth: [1] } as never), TypeError, /unknown option 'posWeigth'/],
    ['sigmoidFocalLoss', () => lk.sigmoidFocalLoss([1], [1], { gamma: -1 }), RangeError, /gamma must be in/],
    ['softmaxFocalLoss', () => lk.softmaxFocalLoss([1, 2], [0], { alpha: [1] }), RangeError, /alpha must have 2 values/],
    ['heatmapFocalLoss', () => lk.heatmapFocalLoss([0.5], [0], { beta: -2 }), RangeError, /beta must be in/],
    ['heatmapFocalLoss', () => lk.heatmapFocalLoss([0.5], [0], { reduction: 'per-sample' }), RangeError, /batch is required/],
    ['heatmapFocalLoss', () => lk.heatmapFocalLoss(new Float32Array(4), new Float32Array(4), { reduction: 'mean', out: new Float32Array(4) }), RangeError, /out is only used/],
    ['gaussianRadius', () => lk.gaussianRadius(10, Number.NaN), RangeError, /width must be in/],
    ['drawGaussian', () => lk.drawGaussian(new Float32Array(4), { height: 2, width: 2 }, 0.5, 0, 1), RangeError, /x must be an integer/],
    ['drawGaussian', () => lk.drawGaussian(new Float32Array(4), { height: 2, widht: 2 } as never, 0, 0, 1), TypeError, /widht/],
    ['mseLoss', () => lk.mseLoss([1, 2], ['a' as never, 1]), TypeError, /target\[0\] must be a number/],
  ] as const)('%s: %p', (fn, call, Err, re) => {
    let err: unknown;
    try {
      call();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(Err);
    expect((err as Error).message.startsWith(`${fn}: `)).toBe(true);
    expect((err as Error).message).toMatch(re);
  });
});
