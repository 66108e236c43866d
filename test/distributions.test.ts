// The distributions family: the PyTorch/scipy oracle fixtures (test/fixtures/distributions.json),
// the seeded generator behind flipLabels (known answers, golden outputs, every ISA), the theory the
// functions embody (H(p,q) = H(p) + KL, the categorical MLE, flipping = 'others' smoothing in
// expectation), edge cases, and every argument's errors.
import { execFileSync } from 'child_process';
import * as path from 'path';
import * as lk from '../lib';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fx = require('./support/fixtures.js');

const cases: Array<{ name: string; fn: string }> = fx.loadFixtures('distributions').cases;

describe('distributions fixtures (PyTorch / scipy float64 oracle)', () => {
  test.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const r = fx.runCase(lk, c);
    expect(r.message).toBe(`${c.name}: ok`);
  });
});

// Deterministic test data (mulberry32); the library itself never uses Math.random.
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function normal(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}
/** n rows of a Dirichlet(alpha) on K classes; `zeros` of each row's classes set to exactly 0. */
function simplexRows(r: () => number, n: number, k: number, alpha = 1, zeros = 0): Float64Array {
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < k; j++) {
      // Gamma(alpha) by Marsaglia-Tsang for alpha >= 1; alpha < 1 boosted by U^(1/alpha).
      const a = alpha < 1 ? alpha + 1 : alpha;
      const d = a - 1 / 3, c = 1 / Math.sqrt(9 * d);
      let g = 0;
      for (;;) {
        const x = normal(r), v = (1 + c * x) ** 3;
        if (v > 0 && Math.log(1 - r()) < 0.5 * x * x + d - d * v + d * Math.log(v)) {
          g = d * v;
          break;
        }
      }
      if (alpha < 1) g *= (1 - r()) ** (1 / alpha);
      out[i * k + j] = j < zeros ? 0 : g;
      s += out[i * k + j];
    }
    for (let j = 0; j < k; j++) out[i * k + j] /= s;
  }
  return out;
}
const close = (a: number, b: number, rtol: number, atol = rtol) => Math.abs(a - b) <= atol + rtol * Math.abs(b);

// ---------------------------------------------------------------------------------------------
// flipLabels' generator: Philox4x32-10 as documented, re-implemented here with BigInt arithmetic
// ---------------------------------------------------------------------------------------------
const M32 = BigInt(0xffffffff);
function mulhilo(a: number, b: number): [number, number] {
  const p = BigInt(a) * BigInt(b);
  return [Number(p >> BigInt(32)), Number(p & M32)];
}
function philox4x32_10(ctr: readonly number[], key: readonly number[]): number[] {
  let [c0, c1, c2, c3] = ctr;
  let [k0, k1] = key;
  for (let round = 0; round < 10; round++) {
    if (round > 0) {
      k0 = (k0 + 0x9e3779b9) >>> 0;
      k1 = (k1 + 0xbb67ae85) >>> 0;
    }
    const [hi0, lo0] = mulhilo(0xd2511f53, c0);
    const [hi1, lo1] = mulhilo(0xcd9e8d57, c2);
    [c0, c1, c2, c3] = [(hi1 ^ c1 ^ k0) >>> 0, lo1, (hi0 ^ c3 ^ k1) >>> 0, lo0];
  }
  return [c0, c1, c2, c3];
}
/** flipLabels as its doc comment describes it, from scratch. */
function flipReference(labels: ArrayLike<number>, k: number, eps: number, seed: bigint): Int32Array {
  const key = [Number(seed & M32), Number(seed >> BigInt(32))];
  const range = k - 1;
  const threshold = range ? (4294967296 - range) % range : 0;
  const out = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    out[i] = y;
    if (range === 0 || !(eps > 0)) continue;
    const ctr = [i % 4294967296, Math.floor(i / 4294967296), 0, 0];
    let b = philox4x32_10(ctr, key);
    const u = ((BigInt(b[0]) << BigInt(32)) | BigInt(b[1])) >> BigInt(11);
    if (!(Number(u) * 2 ** -53 < eps)) continue;
    let w = 2;
    for (;;) {
      if (w === 4) {
        ctr[2]++;
        b = philox4x32_10(ctr, key);
        w = 0;
      }
      const m = BigInt(b[w++]) * BigInt(range);
      if (Number(m & M32) < threshold) continue;
      const r = Number(m >> BigInt(32));
      out[i] = r < y ? r : r + 1;
      break;
    }
  }
  return out;
}

// The golden outputs: if any of these change, every user's seeded label noise changed.
const GOLDEN = [
  {
    labels: Array.from({ length: 24 }, (_, i) => i % 10),
    opts: { classes: 10, epsilon: 0.5, seed: 42 as number | bigint },
    out: [0, 1, 2, 3, 2, 0, 4, 0, 8, 6, 0, 3, 5, 7, 9, 5, 6, 6, 8, 8, 9, 4, 2, 1],
  },
  {
    labels: new Array(16).fill(0),
    opts: { classes: 3, epsilon: 0.25, seed: (BigInt(1) << BigInt(63)) + BigInt(12345) },
    out: [2, 0, 2, 2, 2, 0, 0, 0, 0, 2, 0, 0, 0, 1, 0, 1],
  },
  {
    labels: new Array(16).fill(0),
    opts: { classes: 1000, epsilon: 1, seed: 0 },
    out: [735, 694, 141, 605, 942, 670, 829, 720, 940, 947, 169, 925, 140, 404, 518, 711],
  },
];

describe('flipLabels generator', () => {
  test("Philox4x32-10 reference matches Random123's known-answer vectors", () => {
    // Random123 tests/kat_vectors, "philox4x32 10": counter[4] key[2] -> output[4].
    expect(philox4x32_10([0, 0, 0, 0], [0, 0])).toEqual([0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]);
    expect(philox4x32_10([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff])).toEqual([
      0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd,
    ]);
    expect(philox4x32_10([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0])).toEqual([
      0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1,
    ]);
  });

  test.each(GOLDEN.map((g, i) => [i, g] as const))('golden output %i (catches cross-platform drift)', (_i, g) => {
    expect(Array.from(lk.flipLabels(g.labels, g.opts))).toEqual(g.out);
    expect(Array.from(flipReference(g.labels, g.opts.classes, g.opts.epsilon, BigInt(g.opts.seed)))).toEqual(g.out);
  });

  test('the native generator is the documented algorithm (many seeds, K, ε)', () => {
    const r = prng(5);
    for (let t = 0; t < 60; t++) {
      const k = [2, 3, 7, 10, 1000, 2 ** 31][t % 6];
      const n = 1 + Math.floor(r() * 200);
      const y = Int32Array.from({ length: n }, () => Math.floor(r() * Math.min(k, 2 ** 30)));
      const eps = [0, 0.05, 0.3, 0.5, 0.99, 1][t % 6 === 5 ? 2 : Math.floor(r() * 6)];
      const seed = t % 3 === 0 ? BigInt(Math.floor(r() * 2 ** 32)) * BigInt(2 ** 32) + BigInt(t) : BigInt(Math.floor(r() * 2 ** 53));
      expect(lk.flipLabels(y, { classes: k, epsilon: eps, seed })).toEqual(flipReference(y, k, eps, seed));
    }
  });

  test('every ISA gives the golden outputs', () => {
    const root = path.join(__dirname, '..');
    const script = `const lk = require('.'); const g = ${JSON.stringify(GOLDEN, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))};
      console.log(JSON.stringify(g.map((c) => Array.from(lk.flipLabels(c.labels, { ...c.opts,
        seed: typeof c.opts.seed === 'string' ? BigInt(c.opts.seed.slice(0, -1)) : c.opts.seed })))));`;
    for (const isa of lk.backend().supported) {
      const env = { ...process.env, LOSSKIT_ISA: isa };
      const got = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: root, env }).toString());
      expect({ isa, got }).toEqual({ isa, got: GOLDEN.map((g) => g.out) });
    }
  });

  test('seed as a number and as the equal bigint agree; different seeds differ', () => {
    const y = new Uint8Array(500).map((_, i) => i % 7);
    const a = lk.flipLabels(y, { classes: 7, epsilon: 0.4, seed: 123456789 });
    expect(lk.flipLabels(y, { classes: 7, epsilon: 0.4, seed: BigInt(123456789) })).toEqual(a);
    expect(lk.flipLabels(Array.from(y), { classes: 7, epsilon: 0.4, seed: 123456789 })).toEqual(a);
    expect(lk.flipLabels(y, { classes: 7, epsilon: 0.4, seed: 123456790 })).not.toEqual(a);
    const max = lk.flipLabels(y, { classes: 7, epsilon: 0.4, seed: Number.MAX_SAFE_INTEGER });
    expect(lk.flipLabels(y, { classes: 7, epsilon: 0.4, seed: BigInt(Number.MAX_SAFE_INTEGER) })).toEqual(max);
  });

  test('a prefix of the labels gets the prefix of the output (counter-based: label i depends on (seed, i) only)', () => {
    const y = new Int16Array(1000).map((_, i) => (i * 13) % 5);
    const all = lk.flipLabels(y, { classes: 5, epsilon: 0.3, seed: 9 });
    expect(lk.flipLabels(y.subarray(0, 321), { classes: 5, epsilon: 0.3, seed: 9 })).toEqual(all.subarray(0, 321));
  });

  test('ε = 0 is the identity, ε = 1 always changes the label; never the true class when flipped', () => {
    const y = new Int32Array(2000).map((_, i) => i % 4);
    expect(lk.flipLabels(y, { classes: 4, epsilon: 0, seed: 1 })).toEqual(y);
    const f = lk.flipLabels(y, { classes: 4, epsilon: 1, seed: 1 });
    for (let i = 0; i < y.length; i++) {
      expect(f[i]).not.toBe(y[i]);
      expect(f[i] >= 0 && f[i] < 4).toBe(true);
    }
  });

  test('flip rate is ε and the new class is uniform over the K-1 others (5σ bounds)', () => {
    const n = 200000, k = 5, eps = 0.3;
    const y = new Int32Array(n).map((_, i) => i % k);
    const f = lk.flipLabels(y, { classes: k, epsilon: eps, seed: 2024 });
    let flips = 0;
    const offset = new Float64Array(k); // (new - old) mod K, 1..K-1 for flipped labels
    for (let i = 0; i < n; i++) {
      if (f[i] !== y[i]) {
        flips++;
        offset[(f[i] - y[i] + k) % k]++;
      }
    }
    // flips ~ Binomial(n, ε): sd = sqrt(n ε (1-ε)).
    expect(Math.abs(flips - n * eps)).toBeLessThan(5 * Math.sqrt(n * eps * (1 - eps)));
    // Given a flip, each of the K-1 offsets has probability 1/(K-1): Binomial(flips, 1/(K-1)).
    const q = 1 / (k - 1);
    expect(offset[0]).toBe(0);
    for (let d = 1; d < k; d++) expect(Math.abs(offset[d] - flips * q)).toBeLessThan(5 * Math.sqrt(flips * q * (1 - q)));
  });
});

// ---------------------------------------------------------------------------------------------
// Theory
// ---------------------------------------------------------------------------------------------
describe('theory', () => {
  test('H(p, q) = H(p) + D_KL(p‖q) on random rows (nats and bits), and D_KL ≥ 0 with equality at q = p', () => {
    const r = prng(11);
    for (const k of [2, 5, 33, 257]) {
      const n = 20;
      const p = simplexRows(r, n, k, 0.7, k > 2 ? 1 : 0); // one exact zero per row: 0·log 0 = 0 on both sides
      const logits = Float64Array.from({ length: n * k }, () => 3 * normal(r));
      for (const base of [Math.E, 2]) {
        const cross = lk.softCrossEntropy(logits, p, { classes: k, reduction: 'none', base }); // H(p, q), q = softmax(logits)
        const h = lk.entropy(p, { classes: k, base });
        const kl = lk.klDivergence(p, logits, { classes: k, inputs: 'logits', reduction: 'none', base });
        for (let i = 0; i < n; i++) {
          expect(close(cross[i], h[i] + kl[i], 1e-12)).toBe(true);
          expect(kl[i]).toBeGreaterThan(0);
        }
      }
      // q = p exactly: 0 (up to rounding) given as probabilities, log-probabilities or logits (log p).
      const logp = p.map(Math.log);
      for (const v of lk.klDivergence(p, p, { classes: k, reduction: 'none' })) expect(v).toBe(0);
      for (const v of lk.klDivergence(p, logp, { classes: k, inputs: 'log-probabilities', reduction: 'none' })) {
        expect(Math.abs(v)).toBeLessThan(1e-15);
      }
      const viaLogits = lk.klDivergence(p, logp.map((v) => (v === -Infinity ? -Infinity : v + 7)), { classes: k, inputs: 'logits', reduction: 'none' });
      for (const v of viaLogits) expect(Math.abs(v)).toBeLessThan(1e-14);
    }
  });

  test('the categorical MLE: Σ_k N·p̂(k)·log q(k) is largest at q = empiricalDistribution(samples)', () => {
    const r = prng(3);
    const k = 6, N = 500;
    const truth = [0.4, 0.25, 0.2, 0.1, 0.05, 0]; // class 5 never drawn: p̂(5) = 0
    const samples = new Uint8Array(N).map(() => {
      let u = r(), c = 0;
      while (c < k - 1 && u >= truth[c]) u -= truth[c++];
      return c;
    });
    const phat = lk.empiricalDistribution(samples, { classes: k });
    // Log-likelihood of the samples under q, computed as a sum of per-sample log q(y_i), i.e. the
    // negative summed cross-entropy (the NLL of a categorical).
    const loglik = (q: Float64Array) =>
      -lk.crossEntropy(new Float64Array(N * k).map((_, i) => Math.log(q[i % k])), samples, {
        classes: k, inputs: 'log-probabilities', reduction: 'sum',
      });
    const best = loglik(phat);
    let sum = 0;
    for (let c = 0; c < k; c++) if (phat[c] > 0) sum += N * phat[c] * Math.log(phat[c]);
    expect(close(best, sum, 1e-12)).toBe(true); // Σ_i log q(y_i) = Σ_k N p̂(k) log q(k)
    for (let t = 0; t < 300; t++) {
      // Perturb on the simplex: multiplicative noise of varied size, or a mix with a random point.
      let q: Float64Array;
      if (t % 2) {
        const s = 10 ** (-4 + (t % 5));
        q = phat.map((v) => v * Math.exp(s * normal(r)));
      } else {
        const mix = simplexRows(r, 1, k);
        const w = 10 ** -(t % 7);
        q = phat.map((v, c) => (1 - w) * v + w * mix[c]);
      }
      const z = q.reduce((a, b) => a + b, 0);
      q = q.map((v) => v / z);
      const ll = loglik(q);
      expect(ll).toBeLessThanOrEqual(best + 1e-12 * Math.abs(best));
      // and the gap is exactly N·D_KL(p̂‖q) (Gibbs' inequality is why it is never negative).
      expect(close(best - ll, N * lk.klDivergence(phat, q, { classes: k, reduction: 'sum' }), 1e-6, 1e-9)).toBe(true);
    }
  });

  test("label flipping equals 'others' smoothing in expectation (mean over seeded flips within 5 standard errors)", () => {
    // Per sample i with logits x_i, the loss of a flipped label Y_i is ℓ_i(Y_i) = -log softmax(x_i)[Y_i],
    // with Y_i = y_i w.p. 1-ε and each other class w.p. ε/(K-1). So E[ℓ_i] = (1-ε)(-log p_y) +
    // ε/(K-1) Σ_{c≠y}(-log p_c): the 'others'-smoothed cross-entropy of sample i. The batch mean over M
    // seeds averages M·n independent bounded draws; its variance is Σ_i Var(ℓ_i) / (M n²), with
    // Var(ℓ_i) computed exactly from the same distribution. |mean - target| < 5·SE fails by chance
    // with probability ~6e-7 under the CLT (the seeds are fixed, so the test is deterministic).
    const r = prng(17);
    const n = 40, k = 5, eps = 0.3, M = 500;
    const y = Int32Array.from({ length: n }, () => Math.floor(r() * k));
    // Logits of a half-trained model: noise plus a margin on the true class.
    const x = Float64Array.from({ length: n * k }, (_, j) => 2 * normal(r) + (j % k === y[Math.floor(j / k)] ? 2.5 : 0));
    const target = lk.crossEntropy(x, y, { classes: k, labelSmoothing: eps, smoothing: 'others' });
    let mean = 0;
    for (let m = 0; m < M; m++) mean += lk.crossEntropy(x, lk.flipLabels(y, { classes: k, epsilon: eps, seed: m }), { classes: k });
    mean /= M;
    const lp = lk.logSoftmax(x, { classes: k });
    let varSum = 0;
    for (let i = 0; i < n; i++) {
      let e1 = 0, e2 = 0;
      for (let c = 0; c < k; c++) {
        const w = c === y[i] ? 1 - eps : eps / (k - 1);
        const l = -lp[i * k + c];
        e1 += w * l;
        e2 += w * l * l;
      }
      varSum += e2 - e1 * e1;
    }
    const se = Math.sqrt(varSum / (M * n * n));
    expect(Math.abs(mean - target)).toBeLessThan(5 * se);
    // The test has power: the unsmoothed loss and 'uniform' smoothing are many SEs away.
    expect(Math.abs(lk.crossEntropy(x, y, { classes: k }) - target)).toBeGreaterThan(20 * se);
    expect(Math.abs(lk.crossEntropy(x, y, { classes: k, labelSmoothing: eps }) - target)).toBeGreaterThan(5 * se);
    // And the soft targets that stand for it are smoothLabels' 'others' rows.
    const soft = lk.smoothLabels(y, { classes: k, epsilon: eps, smoothing: 'others' });
    expect(close(lk.softCrossEntropy(x, soft, { classes: k }), target, 1e-6)).toBe(true);
  });

  test("the average one-hot of seeded flips converges to smoothLabels(…, 'others') (5σ per entry)", () => {
    const k = 4, eps = 0.2, M = 4000;
    const y = new Int32Array([0, 3, 1]);
    const freq = new Float64Array(y.length * k);
    for (let m = 0; m < M; m++) {
      const f = lk.flipLabels(y, { classes: k, epsilon: eps, seed: BigInt(m) << BigInt(40) });
      for (let i = 0; i < y.length; i++) freq[i * k + f[i]] += 1 / M;
    }
    const soft = lk.smoothLabels(y, { classes: k, epsilon: eps, smoothing: 'others' });
    for (let j = 0; j < freq.length; j++) {
      const t = soft[j];
      expect(Math.abs(freq[j] - t)).toBeLessThan(5 * Math.sqrt((t * (1 - t)) / M));
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Edge cases
// ---------------------------------------------------------------------------------------------
describe('edge cases', () => {
  test('zeros: 0·log 0 = 0, p > 0 where q = 0 is +Infinity', () => {
    expect(lk.klDivergence([1, 0], [1, 0], { classes: 2 })).toBe(0);
    expect(lk.klDivergence([0.5, 0.5], [1, 0], { classes: 2 })).toBe(Infinity);
    expect(lk.klDivergence([0, 1], [0, -Infinity], { classes: 2, inputs: 'log-probabilities' })).toBe(Infinity);
    expect(lk.klDivergence([0, 1], [-Infinity, 0], { classes: 2, inputs: 'log-probabilities' })).toBe(0);
    expect(lk.klDivergence([0, 1], [-Infinity, 5], { classes: 2, inputs: 'logits' })).toBe(0);
    expect(Array.from(lk.entropy(new Float32Array([1, 0, 0, 0, 0, 0]), { classes: 3 }))).toEqual([0, 0]);
    expect(Array.from(lk.entropy([0, -Infinity], { classes: 2, inputs: 'log-probabilities' }))).toEqual([0]);
  });

  test('K = 1', () => {
    expect(lk.klDivergence([1, 1], [1, 1], { classes: 1 })).toBe(0);
    expect(lk.klDivergence([1], [5], { classes: 1, inputs: 'logits' })).toBe(0);
    expect(Array.from(lk.entropy([1, 1], { classes: 1 }))).toEqual([0, 0]);
    expect(Array.from(lk.entropy([3], { classes: 1, inputs: 'logits' }))).toEqual([0]);
    expect(Array.from(lk.smoothLabels([0, 0], { classes: 1, epsilon: 0.1 }))).toEqual([1, 1]);
    expect(Array.from(lk.smoothLabels([0], { classes: 1, epsilon: 0, smoothing: 'others' }))).toEqual([1]);
    expect(Array.from(lk.flipLabels([0, 0], { classes: 1, epsilon: 0, seed: 1 }))).toEqual([0, 0]);
    expect(Array.from(lk.empiricalDistribution([0, 0, 0], { classes: 1 }))).toEqual([1]);
  });

  test('rows that do not sum to 1 are used as given (no renormalisation)', () => {
    // p = (0.2, 0.2) against q = (0.5, 0.5): Σ p log(p/q) = 0.4 log 0.4 < 0, not 0 as for the renormalised rows.
    expect(close(lk.klDivergence([0.2, 0.2], [0.5, 0.5], { classes: 2 }), 0.4 * Math.log(0.4), 1e-15)).toBe(true);
    // H of (0.3, 0.3, 0.3, 0.3) is -1.2 log 0.3, not log 4.
    expect(close(lk.entropy([0.3, 0.3, 0.3, 0.3], { classes: 4 })[0], -1.2 * Math.log(0.3), 1e-15)).toBe(true);
  });

  test('NaN propagates; logits rows with +Infinity or only -Infinity are NaN', () => {
    expect(lk.klDivergence([0.5, 0.5], [NaN, 0.5], { classes: 2 })).toBeNaN();
    expect(lk.klDivergence([0, 1], [NaN, 0.5], { classes: 2 })).toBeNaN();
    expect(lk.klDivergence([0.5, 0.5], [Infinity, 0], { classes: 2, inputs: 'logits' })).toBeNaN();
    expect(lk.entropy([-Infinity, -Infinity], { classes: 2, inputs: 'logits' })[0]).toBeNaN();
    expect(lk.entropy(new Float32Array([NaN, 0.5]), { classes: 2 })[0]).toBeNaN();
  });

  test('empty inputs', () => {
    const e32 = new Float32Array(0);
    expect(lk.klDivergence(e32, e32, { classes: 3 })).toBeNaN();
    expect(lk.klDivergence(e32, e32, { classes: 3, reduction: 'mean' })).toBeNaN();
    expect(lk.klDivergence(e32, e32, { classes: 3, reduction: 'sum' })).toBe(0);
    expect(lk.klDivergence(e32, [], { classes: 3, reduction: 'none' })).toEqual(new Float32Array(0));
    expect(lk.entropy([], { classes: 3 })).toEqual(new Float64Array(0));
    expect(lk.smoothLabels(new Int8Array(0), { classes: 3, epsilon: 0.1 })).toEqual(new Float32Array(0));
    expect(lk.flipLabels([], { classes: 3, epsilon: 0.1, seed: 0 })).toEqual(new Int32Array(0));
    const none = lk.empiricalDistribution([], { classes: 2 });
    expect(none).toBeInstanceOf(Float64Array);
    expect(Array.from(none).every(Number.isNaN)).toBe(true);
  });

  test('output types: the float type of p; number[] counts as float64; mixed p/q types', () => {
    const p32 = new Float32Array([0.25, 0.75]), q64 = new Float64Array([0.5, 0.5]);
    expect(lk.klDivergence(p32, q64, { classes: 2, reduction: 'none' })).toBeInstanceOf(Float32Array);
    expect(lk.klDivergence([0.25, 0.75], new Float32Array([0.5, 0.5]), { classes: 2, reduction: 'none' })).toBeInstanceOf(Float64Array);
    expect(lk.entropy(p32, { classes: 2 })).toBeInstanceOf(Float32Array);
    const want = 0.25 * Math.log(0.5) + 0.75 * Math.log(1.5);
    expect(close(lk.klDivergence(p32, q64, { classes: 2 }), want, 1e-15)).toBe(true);
    const out = new Float64Array(1);
    expect(lk.klDivergence([0.25, 0.75], q64, { classes: 2, reduction: 'none', out })).toBe(out);
    expect(lk.entropy([0.25, 0.75], { classes: 2, out })).toBe(out);
  });

  test('flipLabels and smoothLabels accept every integer label type', () => {
    for (const C of [Int8Array, Uint8Array, Int16Array, Uint16Array, Int32Array, Uint32Array]) {
      const y = new C([2, 0, 1, 2]);
      expect(lk.flipLabels(y, { classes: 3, epsilon: 0.5, seed: 7 })).toEqual(lk.flipLabels([2, 0, 1, 2], { classes: 3, epsilon: 0.5, seed: 7 }));
      expect(lk.smoothLabels(y, { classes: 3, epsilon: 0.3 })).toEqual(lk.smoothLabels([2, 0, 1, 2], { classes: 3, epsilon: 0.3 }));
      expect(lk.empiricalDistribution(y, { classes: 3 })).toEqual(new Float64Array([0.25, 0.25, 0.5]));
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Errors: TypeError for a wrong kind of value, RangeError for a wrong size or value; the message
// starts with the function name and names the argument (and the index of a bad element).
// ---------------------------------------------------------------------------------------------
type Call = [string, () => unknown, 'TypeError' | 'RangeError', RegExp];
const p2 = new Float64Array([0.5, 0.5, 0.5, 0.5]);
/* eslint-disable @typescript-eslint/no-explicit-any */
const anyLk = lk as any;
const errorCases: Call[] = [
  // klDivergence
  ['klDivergence', () => anyLk.klDivergence('x', p2, { classes: 2 }), 'TypeError', /\bp must be/],
  ['klDivergence', () => anyLk.klDivergence([0.5, '0.5'], [0.5, 0.5], { classes: 2 }), 'TypeError', /p\[1\]/],
  ['klDivergence', () => anyLk.klDivergence(p2, new Int32Array(4), { classes: 2 }), 'TypeError', /\bq must be/],
  ['klDivergence', () => anyLk.klDivergence(p2, [0.5, 0.5, null, 0.5], { classes: 2 }), 'TypeError', /q\[2\]/],
  ['klDivergence', () => anyLk.klDivergence(p2, p2), 'RangeError', /classes is required/],
  ['klDivergence', () => anyLk.klDivergence(p2, p2, 2), 'TypeError', /options must be an object/],
  ['klDivergence', () => anyLk.klDivergence(p2, p2, { classes: '2' }), 'TypeError', /classes/],
  ['klDivergence', () => anyLk.klDivergence(p2, p2, { classes: 0 }), 'RangeError', /classes/],
  ['klDivergence', () => anyLk.klDivergence(p2, p2, { classes: 1.5 }), 'RangeError', /classes/],
  ['klDivergence', () => anyLk.klDivergence(p2, p2, { classes: 3 }), 'RangeError', /p\.length/],
  ['klDivergence', () => anyLk.klDivergence(p2, [0.5, 0.5], { classes: 2 }), 'RangeError', /q\.length/],
  ['klDivergence', () => anyLk.klDivergence(p2, p2, { classes: 2, inputs: 'probs' }), 'RangeError', /inputs/],
  ['klDivergence', () => anyLk.klDivergence(p2, p2, { classes: 2, reduction: 'avg' }), 'RangeError', /reduction/],
  ['klDivergence', () => anyLk.klDivergence(p2, p2, { classes: 2, reduction: 1 }), 'TypeError', /reduction/],
  ['klDivergence', () => anyLk.klDivergence(p2, p2, { classes: 2, base: 1 }), 'RangeError', /base/],
  ['klDivergence', () => anyLk.klDivergence(p2, p2, { classes: 2, base: '2' }), 'TypeError', /base/],
  ['klDivergence', () => anyLk.klDivergence(p2, p2, { classes: 2, out: new Float64Array(2) }), 'RangeError', /out/],
  ['klDivergence', () => anyLk.klDivergence(p2, p2, { classes: 2, reduction: 'none', out: new Float32Array(2) }), 'TypeError', /out/],
  ['klDivergence', () => anyLk.klDivergence(p2, p2, { classes: 2, reduction: 'none', out: new Float64Array(3) }), 'RangeError', /out/],
  ['klDivergence', () => anyLk.klDivergence(p2, p2, { classes: 2, weight: [1, 1] }), 'TypeError', /weight/],
  // entropy
  ['entropy', () => anyLk.entropy(new Int8Array(2), { classes: 2 }), 'TypeError', /\bp must be/],
  ['entropy', () => anyLk.entropy([0.5, NaN, 'a'], { classes: 3 }), 'TypeError', /p\[2\]/],
  ['entropy', () => anyLk.entropy(p2), 'RangeError', /classes is required/],
  ['entropy', () => anyLk.entropy(p2, { classes: -1 }), 'RangeError', /classes/],
  ['entropy', () => anyLk.entropy(p2, { classes: 3 }), 'RangeError', /classes/],
  ['entropy', () => anyLk.entropy(p2, { classes: 2, inputs: 'scores' }), 'RangeError', /inputs/],
  ['entropy', () => anyLk.entropy(p2, { classes: 2, base: -2 }), 'RangeError', /base/],
  ['entropy', () => anyLk.entropy(p2, { classes: 2, base: NaN }), 'RangeError', /base/],
  ['entropy', () => anyLk.entropy(p2, { classes: 2, out: [0, 0] }), 'TypeError', /out/],
  ['entropy', () => anyLk.entropy(p2, { classes: 2, out: new Float64Array(1) }), 'RangeError', /out/],
  ['entropy', () => anyLk.entropy(p2, { classes: 2, reduction: 'sum' }), 'TypeError', /reduction/],
  // smoothLabels
  ['smoothLabels', () => anyLk.smoothLabels(new Float32Array([0, 1]), { classes: 2, epsilon: 0.1 }), 'TypeError', /labels/],
  ['smoothLabels', () => anyLk.smoothLabels([0, 1.5], { classes: 2, epsilon: 0.1 }), 'RangeError', /labels\[1\]/],
  ['smoothLabels', () => anyLk.smoothLabels([0, 'a'], { classes: 2, epsilon: 0.1 }), 'TypeError', /labels\[1\]/],
  ['smoothLabels', () => anyLk.smoothLabels(new Uint16Array([0, 1, 7]), { classes: 3, epsilon: 0.1 }), 'RangeError', /labels\[2\] = 7 is out of range \[0, 3\)/],
  ['smoothLabels', () => anyLk.smoothLabels(new Int8Array([-1]), { classes: 3, epsilon: 0.1 }), 'RangeError', /labels\[0\] = -1/],
  ['smoothLabels', () => anyLk.smoothLabels([0], { epsilon: 0.1 }), 'RangeError', /classes is required/],
  ['smoothLabels', () => anyLk.smoothLabels([0], { classes: 2 }), 'TypeError', /epsilon/],
  ['smoothLabels', () => anyLk.smoothLabels([0], { classes: 2, epsilon: -0.1 }), 'RangeError', /epsilon/],
  ['smoothLabels', () => anyLk.smoothLabels([0], { classes: 2, epsilon: '0.1' }), 'TypeError', /epsilon/],
  ['smoothLabels', () => anyLk.smoothLabels([0], { classes: 4, epsilon: 0.8, smoothing: 'others' }), 'RangeError', /epsilon/],
  ['smoothLabels', () => anyLk.smoothLabels([0], { classes: 2, epsilon: 0.1, smoothing: 'flat' }), 'RangeError', /smoothing/],
  ['smoothLabels', () => anyLk.smoothLabels([0], { classes: 2, epsilon: 0.1, labelSmoothing: 0.1 }), 'TypeError', /labelSmoothing/],
  ['smoothLabels', () => anyLk.smoothLabels(new Int32Array(1 << 20), { classes: 1 << 14, epsilon: 0.1 }), 'RangeError', /too large/],
  // flipLabels
  ['flipLabels', () => anyLk.flipLabels(new Float64Array([0]), { classes: 2, epsilon: 0.1, seed: 1 }), 'TypeError', /labels/],
  ['flipLabels', () => anyLk.flipLabels([0, 1, 2], { classes: 2, epsilon: 0.1, seed: 1 }), 'RangeError', /labels\[2\] = 2 is out of range \[0, 2\)/],
  ['flipLabels', () => anyLk.flipLabels(new Int16Array([1, -3]), { classes: 2, epsilon: 0, seed: 1 }), 'RangeError', /labels\[1\] = -3/],
  ['flipLabels', () => anyLk.flipLabels([0], { classes: 2, epsilon: 0.1 }), 'TypeError', /seed/],
  ['flipLabels', () => anyLk.flipLabels([0], { classes: 2, epsilon: 0.1, seed: '1' }), 'TypeError', /seed/],
  ['flipLabels', () => anyLk.flipLabels([0], { classes: 2, epsilon: 0.1, seed: -1 }), 'RangeError', /seed/],
  ['flipLabels', () => anyLk.flipLabels([0], { classes: 2, epsilon: 0.1, seed: 1.5 }), 'RangeError', /seed/],
  ['flipLabels', () => anyLk.flipLabels([0], { classes: 2, epsilon: 0.1, seed: 2 ** 53 }), 'RangeError', /seed/],
  ['flipLabels', () => anyLk.flipLabels([0], { classes: 2, epsilon: 0.1, seed: BigInt(-1) }), 'RangeError', /seed/],
  ['flipLabels', () => anyLk.flipLabels([0], { classes: 2, epsilon: 0.1, seed: BigInt(1) << BigInt(64) }), 'RangeError', /seed/],
  ['flipLabels', () => anyLk.flipLabels([0], { classes: 2, seed: 1 }), 'TypeError', /epsilon/],
  ['flipLabels', () => anyLk.flipLabels([0], { classes: 2, epsilon: 1.01, seed: 1 }), 'RangeError', /epsilon/],
  ['flipLabels', () => anyLk.flipLabels([0], { classes: 1, epsilon: 0.1, seed: 1 }), 'RangeError', /epsilon/],
  ['flipLabels', () => anyLk.flipLabels([0], { classes: 2 ** 31 + 1, epsilon: 0.1, seed: 1 }), 'RangeError', /classes/],
  ['flipLabels', () => anyLk.flipLabels([0], { epsilon: 0.1, seed: 1 }), 'RangeError', /classes is required/],
  // empiricalDistribution
  ['empiricalDistribution', () => anyLk.empiricalDistribution('abc', { classes: 2 }), 'TypeError', /samples/],
  ['empiricalDistribution', () => anyLk.empiricalDistribution([0, 0.5], { classes: 2 }), 'RangeError', /samples\[1\]/],
  ['empiricalDistribution', () => anyLk.empiricalDistribution(new Uint32Array([0, 4000000000]), { classes: 2 }), 'RangeError', /samples\[1\] = 4000000000/],
  ['empiricalDistribution', () => anyLk.empiricalDistribution([0]), 'RangeError', /classes is required/],
  ['empiricalDistribution', () => anyLk.empiricalDistribution([0], { classes: 0 }), 'RangeError', /classes/],
  ['empiricalDistribution', () => anyLk.empiricalDistribution([0], { classes: 2, normalize: true }), 'TypeError', /normalize/],
];

describe('errors name the function, the argument and the index', () => {
  test.each(errorCases.map((c, i) => [`${c[0]} #${i}: ${c[3].source}`, c] as const))('%s', (_name, [fn, call, kind, re]) => {
    let err: unknown;
    try {
      call();
    } catch (e) {
      err = e;
    }
    // The addon's errors come from the main realm, not jest's sandbox: compare names, not classes.
    expect((err as Error)?.name).toBe(kind);
    const msg = (err as Error).message;
    expect(msg.startsWith(`${fn}: `)).toBe(true);
    expect(msg).toMatch(re);
  });
});

describe('the native glue re-checks what TypeScript checked', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const native = require('../lib/binding').native;
  test.each([
    ['klDivergence', () => native.klDivergence(p2, new Float64Array(2), 2, 1, 0, 1, null)],
    ['klDivergence', () => native.klDivergence(p2, p2, 2, 1, 3, 1, new Float64Array(1))],
    ['entropy', () => native.entropy(p2, 2, 7, 1, new Float64Array(2))],
    ['smoothLabels', () => native.smoothLabels(new Int32Array(2), 3, 1, 0, new Float32Array(5))],
    ['flipLabels', () => native.flipLabels(new Int32Array(2), 3, 0.1, 0, 0, new Int32Array(1))],
    ['flipLabels', () => native.flipLabels(new Int32Array(2), 3, 0.1, -1, 0, new Int32Array(2))],
    ['empiricalDistribution', () => native.empiricalDistribution(new Int32Array(2), 3, new Float32Array(3))],
  ] as Array<[string, () => unknown]>)('%s', (fn, call) => {
    expect(call).toThrow(new RegExp(`^${fn}: `));
  });
});
