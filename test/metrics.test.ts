// lib/cli/metrics.ts against values worked out by hand.
import { ClassificationMetrics, LossHistogram } from '../lib/cli/metrics';

// Four rows of K = 3 probabilities, each confidence in its own 1/15-wide bin (no boundary cases):
//   p                    label  rank  conf  bin  -log p_y    Brier Σ(p-onehot)²
//   [0.70, 0.20, 0.10]   0      0     0.70  10   -ln 0.70   0.09+0.04+0.01     = 0.14
//   [0.20, 0.50, 0.30]   2      1     0.50   7   -ln 0.30   0.04+0.25+0.49     = 0.78
//   [0.10, 0.12, 0.78]   2      0     0.78  11   -ln 0.78   0.01+0.0144+0.0484 = 0.0728
//   [0.42, 0.33, 0.25]   1      1     0.42   6   -ln 0.33   0.1764+0.4489+0.0625 = 0.6878
const P = [0.7, 0.2, 0.1, 0.2, 0.5, 0.3, 0.1, 0.12, 0.78, 0.42, 0.33, 0.25];
const Y = [0, 2, 2, 1];

describe('ClassificationMetrics, by hand', () => {
  const r = new ClassificationMetrics({ classes: 3, topK: [1, 2] }).update(P, Y).result();

  test('accuracy and top-k', () => {
    expect(r.count).toBe(4);
    expect(r.accuracy).toBe(0.5);
    expect(r.topK).toEqual({ '1': 0.5, '2': 1 });
  });
  test('mean NLL and perplexity', () => {
    const nll = -(Math.log(0.7) + Math.log(0.3) + Math.log(0.78) + Math.log(0.33)) / 4;
    expect(r.nll).toBeCloseTo(nll, 14);
    expect(r.perplexity).toBeCloseTo(Math.exp(nll), 13);
  });
  test('Brier score (multi-class, summed over classes)', () => {
    expect(r.brier).toBeCloseTo((0.14 + 0.78 + 0.0728 + 0.6878) / 4, 14);
  });
  test('ECE with 15 equal-width bins: (|1-.7| + |0-.5| + |1-.78| + |0-.42|) / 4', () => {
    expect(r.ece).toBeCloseTo((0.3 + 0.5 + 0.22 + 0.42) / 4, 14);
    expect(r.mce).toBeCloseTo(0.5, 14);
    expect(r.bins).toHaveLength(15);
    expect(r.bins.map((b) => b.count)).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0]);
    expect(r.bins[10]).toMatchObject({ count: 1, confidence: 0.7, accuracy: 1 });
    expect(r.bins[7].lower).toBeCloseTo(7 / 15, 15);
    expect(r.bins[7].upper).toBeCloseTo(8 / 15, 15);
  });
  test('per class', () => {
    expect(r.perClass.map((c) => c.count)).toEqual([1, 1, 2]);
    expect(r.perClass.map((c) => c.accuracy)).toEqual([1, 0, 0.5]);
    expect(r.perClass[2].nll).toBeCloseTo(-(Math.log(0.3) + Math.log(0.78)) / 2, 14);
    expect(r.perClass[0].loss).toBeNaN(); // no losses given
  });
  test('log-probabilities, when given, are used for the NLL; losses give per-class loss', () => {
    const lp = P.map((p) => Math.log(p) - 1); // deliberately not log(P): shows which one is used
    const m = new ClassificationMetrics({ classes: 3 }).update(P, Y, { logProbs: lp, losses: [1, 2, 3, 4] }).result();
    expect(m.nll).toBeCloseTo(r.nll + 1, 14);
    expect(m.perClass.map((c) => c.loss)).toEqual([1, 4, 2.5]);
  });
  test('a different bin count', () => {
    // 5 bins: 0.70 → (0.6, 0.8], 0.50 → (0.4, 0.6], 0.78 → (0.6, 0.8], 0.42 → (0.4, 0.6]
    const m = new ClassificationMetrics({ classes: 3, bins: 5 }).update(P, Y).result();
    expect(m.ece).toBeCloseTo((Math.abs(2 - 1.48) + Math.abs(0 - 0.92)) / 4, 14);
  });
});

describe('ClassificationMetrics, edge rules', () => {
  test('labels outside [0, K) are skipped and counted as ignored', () => {
    const m = new ClassificationMetrics({ classes: 3 }).update([...P, 0.3, 0.3, 0.4], [...Y, -100]).result();
    expect(m.count).toBe(4);
    expect(m.ignored).toBe(1);
    expect(m.accuracy).toBe(0.5);
  });
  test('ties go to the lower class index (torch.argmax picks the first maximum)', () => {
    const m = new ClassificationMetrics({ classes: 2 });
    expect(m.update([0.5, 0.5], [0]).result().accuracy).toBe(1);
    expect(new ClassificationMetrics({ classes: 2 }).update([0.5, 0.5], [1]).result().accuracy).toBe(0);
  });
  test('confidence 1 lands in the last bin, 0 in the first', () => {
    const m = new ClassificationMetrics({ classes: 2 }).update([1, 0, 0, 0], [0, 1]).result();
    expect(m.bins[14].count).toBe(1);
    expect(m.bins[0].count).toBe(1);
  });
  test('NaN probabilities propagate and never count as correct', () => {
    const m = new ClassificationMetrics({ classes: 2 }).update([NaN, NaN], [0]).result();
    expect(m.accuracy).toBe(0);
    expect(m.nll).toBeNaN();
    expect(m.ece).toBeNaN();
  });
  test('binary mode reports the binary Brier score (p - y)²', () => {
    // p(positive) = 0.8 with y = 1, 0.3 with y = 0: ((0.2)² + (0.3)²) / 2
    const m = new ClassificationMetrics({ classes: 2, binary: true }).update([0.2, 0.8, 0.7, 0.3], [1, 0]).result();
    expect(m.brier).toBeCloseTo((0.04 + 0.09) / 2, 14);
    expect(m.accuracy).toBe(1);
  });
  test('merging shards gives the whole', () => {
    const whole = new ClassificationMetrics({ classes: 3, topK: [2] }).update(P, Y).result();
    const a = new ClassificationMetrics({ classes: 3, topK: [2] }).update(P.slice(0, 3), Y.slice(0, 1));
    const b = new ClassificationMetrics({ classes: 3, topK: [2] }).update(P.slice(3), Y.slice(1));
    const merged = a.merge(b).result();
    expect(merged.ece).toBeCloseTo(whole.ece, 15);
    expect(merged.brier).toBeCloseTo(whole.brier, 15);
    expect(merged.topK).toEqual(whole.topK);
    expect(() => a.merge(new ClassificationMetrics({ classes: 4 }))).toThrow(RangeError);
  });
  test('bad arguments', () => {
    expect(() => new ClassificationMetrics({ classes: 0 })).toThrow(RangeError);
    expect(() => new ClassificationMetrics({ classes: 3 }).update([0.1, 0.9], [0])).toThrow(/probs.length/);
  });
});

describe('LossHistogram', () => {
  test('exact counts while the range doubles', () => {
    const h = new LossHistogram(4, 1); // bins of 1 over [0, 4)
    h.add([0.5, 1.5, 3.9]);
    expect(Array.from(h.counts)).toEqual([1, 1, 0, 1]);
    h.add([9]); // [0, 4) → [0, 8) → [0, 16): width 4
    expect(h.width).toBe(4);
    expect(Array.from(h.counts)).toEqual([3, 0, 1, 0]);
    h.add([NaN, Infinity, -1]);
    expect(h.nonFinite).toBe(2);
    expect(h.negative).toBe(1);
    expect(h.min).toBe(0.5);
    expect(h.max).toBe(9);
    expect(h.bins().map((b) => b.count)).toEqual([3, 0, 1]);
  });
  test('merging histograms of different widths', () => {
    const v = Array.from({ length: 500 }, (_, i) => (i * 0.37) % 13);
    const whole = new LossHistogram().add(v);
    const a = new LossHistogram().add(v.slice(0, 40)); // stays narrow
    const b = new LossHistogram().add(v.slice(40));
    expect(Array.from(a.merge(b).counts)).toEqual(Array.from(whole.counts));
  });
});
