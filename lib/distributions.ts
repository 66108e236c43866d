// KL divergence, entropy and the label tools: smoothing, seeded flipping (label noise) and the
// empirical distribution (the categorical MLE). Semantics follow PyTorch where API.md is silent;
// the choices are listed in test/support/README.md ("Distributions") and the README.
import { native } from './binding';
import type { FloatArray, FloatInput, InputKind, LabelInput } from './types';
import { INPUTS_CODE, baseScale, floatArray, labelArray, numberIn, oneOf, options, outArray, positiveInt, rangeError, typeError } from './validate';

const INPUT_KINDS = ['probabilities', 'log-probabilities', 'logits'] as const;
const KL_REDUCTIONS = ['batchmean', 'sum', 'mean', 'none'] as const;
const KL_REDUCTION_CODE = { batchmean: 0, sum: 1, mean: 2, none: 3 } as const;
const SMOOTHINGS = ['uniform', 'others'] as const;
const MAX_OUTPUT = 2 ** 32;

export type KlReduction = (typeof KL_REDUCTIONS)[number];

export interface KlDivergenceOptions {
  /** Number of classes K: p and q are [N, K] row-major. */
  classes: number;
  /** How q is given (default 'probabilities'); p is always probabilities. */
  inputs?: InputKind;
  /** 'batchmean' (default): sum / N; 'sum'; 'mean': sum / (N·K) as torch.kl_div; 'none': one value per row. */
  reduction?: KlReduction;
  /** Log base of the result: Math.E (nats, default), 2 (bits), 10, ... */
  base?: number;
  /** Per-row output for reduction 'none' (type of p, length N). */
  out?: FloatArray;
}

export interface EntropyOptions {
  /** Number of classes K: p is [N, K] row-major. */
  classes: number;
  /** How p is given (default 'probabilities'). */
  inputs?: InputKind;
  /** Log base of the result: Math.E (nats, default), 2 (bits), 10, ... */
  base?: number;
  /** Where to write the N results (type of p). */
  out?: FloatArray;
}

export interface SmoothLabelsOptions {
  /** Number of classes K. */
  classes: number;
  /** ε in [0, 1]; with 'others' at most (K-1)/K. */
  epsilon: number;
  /** 'uniform' (default): (1-ε)·onehot + ε/K; 'others': 1-ε on the label, ε/(K-1) on each other class. */
  smoothing?: 'uniform' | 'others';
}

export interface FlipLabelsOptions {
  /** Number of classes K (at most 2^31). */
  classes: number;
  /** Probability ε in [0, 1] that a label is replaced (must be 0 when K = 1). */
  epsilon: number;
  /** Integer 0 ≤ seed ≤ 2^53-1, or a bigint 0 ≤ seed < 2^64 (a number and the equal bigint give the same output). */
  seed: number | bigint;
}

export interface EmpiricalDistributionOptions {
  /** Number of classes K (the length of the result). */
  classes: number;
}

const KL_OPTIONS = new Set(['classes', 'inputs', 'reduction', 'base', 'out']);
const ENTROPY_OPTIONS = new Set(['classes', 'inputs', 'base', 'out']);
const SMOOTH_OPTIONS = new Set(['classes', 'epsilon', 'smoothing']);
const FLIP_OPTIONS = new Set(['classes', 'epsilon', 'seed']);
const EMPIRICAL_OPTIONS = new Set(['classes']);

function classesOf(fn: string, o: Record<string, unknown>): number {
  if (o.classes === undefined) throw rangeError(fn, 'classes is required (the number of classes K)');
  return positiveInt(fn, 'classes', o.classes);
}

function required(fn: string, o: Record<string, unknown>, name: string): unknown {
  if (o[name] === undefined) throw typeError(fn, name, 'given', undefined);
  return o[name];
}

function inputsOf(fn: string, o: Record<string, unknown>): number {
  return INPUTS_CODE[o.inputs === undefined ? 'probabilities' : oneOf(fn, 'inputs', o.inputs, INPUT_KINDS)];
}

/** A new typed array of `length` elements, or a RangeError naming fn when it is too large. */
function allocate<A>(fn: string, what: string, length: number, make: (n: number) => A): A {
  try {
    return make(length);
  } catch {
    throw rangeError(fn, `${what} (${length} elements) is too large to allocate`);
  }
}

/**
 * D_KL(p‖q) = Σ_k p_k (log p_k − log q_k) per row of K, with 0·log 0 = 0 for every p_k = 0 term
 * (whatever q_k is) and +Infinity where p_k > 0 and q_k = 0. p holds probabilities; q holds
 * probabilities (default), log-probabilities or logits (a stable log-softmax per row). p and q may
 * be float32 or float64 independently. Rows are used as given, not renormalised (as torch.kl_div;
 * with rows that do not sum to 1 the value is no longer a divergence and may be negative).
 * 'batchmean' (default) is the sum over rows / N; 'mean' divides by N·K as torch.kl_div does;
 * 'none' returns one value per row in p's float type. Empty input: 'sum' 0, 'batchmean'/'mean' NaN.
 */
export function klDivergence(p: FloatInput, q: FloatInput, options: KlDivergenceOptions & { reduction?: 'batchmean' | 'sum' | 'mean' }): number;
export function klDivergence<T extends FloatArray>(p: T, q: FloatInput, options: KlDivergenceOptions & { reduction: 'none' }): T;
export function klDivergence(p: FloatInput, q: FloatInput, options: KlDivergenceOptions & { reduction: 'none' }): FloatArray;
export function klDivergence(p: FloatInput, q: FloatInput, options: KlDivergenceOptions): number | FloatArray;
export function klDivergence(p: FloatInput, q: FloatInput, opts: KlDivergenceOptions): number | FloatArray {
  const fn = 'klDivergence';
  const o = options(fn, opts, KL_OPTIONS);
  const ps = floatArray(fn, 'p', p);
  const qs = floatArray(fn, 'q', q);
  const k = classesOf(fn, o);
  if (ps.length % k !== 0) throw rangeError(fn, `p.length (${ps.length}) must be a multiple of classes (${k})`);
  if (qs.length !== ps.length) throw rangeError(fn, `q.length (${qs.length}) must equal p.length (${ps.length})`);
  const inputs = inputsOf(fn, o);
  const reduction = o.reduction === undefined ? 'batchmean' : oneOf(fn, 'reduction', o.reduction, KL_REDUCTIONS);
  const scale = baseScale(fn, o.base);
  let out: FloatArray | null = null;
  if (reduction === 'none') out = outArray(fn, o.out, ps, ps.length / k);
  else if (o.out !== undefined) throw rangeError(fn, "out is only used with reduction 'none'");
  return native.klDivergence(ps, qs, k, inputs, KL_REDUCTION_CODE[reduction], scale, out);
}

/**
 * Shannon entropy H(p) = −Σ_k p_k log p_k of each row of K, with 0·log 0 = 0 (a log-probability of
 * −Infinity contributes 0). p holds probabilities (default), log-probabilities or logits (softmax
 * per row first; a row with NaN, +Infinity or only −Infinity gives NaN, as torch.log_softmax).
 * Rows are not renormalised (scipy.stats.entropy would; PyTorch does not). Returns N values in
 * p's float type.
 */
export function entropy<T extends FloatArray>(p: T, options: EntropyOptions): T;
export function entropy(p: FloatInput, options: EntropyOptions): FloatArray;
export function entropy(p: FloatInput, opts: EntropyOptions): FloatArray {
  const fn = 'entropy';
  const o = options(fn, opts, ENTROPY_OPTIONS);
  const ps = floatArray(fn, 'p', p);
  const k = classesOf(fn, o);
  if (ps.length % k !== 0) throw rangeError(fn, `p.length (${ps.length}) must be a multiple of classes (${k})`);
  const inputs = inputsOf(fn, o);
  const scale = baseScale(fn, o.base);
  const out = outArray(fn, o.out, ps, ps.length / k);
  return native.entropy(ps, k, inputs, scale, out) as FloatArray;
}

/**
 * Soft targets for hard labels as a Float32Array [N, K]: 'uniform' (default; PyTorch, Keras)
 * (1−ε)·onehot + ε/K; 'others' (the expectation of flipLabels with the same ε) 1−ε on the label
 * and ε/(K−1) on each other class, ε ≤ (K−1)/K. A label outside [0, K) is a RangeError.
 */
export function smoothLabels(labels: LabelInput, opts: SmoothLabelsOptions): Float32Array {
  const fn = 'smoothLabels';
  const o = options(fn, opts, SMOOTH_OPTIONS);
  const y = labelArray(fn, 'labels', labels);
  const k = classesOf(fn, o);
  const eps = numberIn(fn, 'epsilon', required(fn, o, 'epsilon'), 0, 1);
  const smoothing = o.smoothing === undefined ? 'uniform' : oneOf(fn, 'smoothing', o.smoothing, SMOOTHINGS);
  let on: number;
  let off: number;
  if (smoothing === 'uniform') {
    off = eps / k;
    on = off + (1 - eps);
  } else {
    if (eps > (k - 1) / k) throw rangeError(fn, `epsilon with smoothing 'others' must be <= (K-1)/K = ${(k - 1) / k} (got ${eps})`);
    on = 1 - eps;
    off = k > 1 ? eps / (k - 1) : 0;
  }
  // A cap that holds on every Node version, so a typo in classes fails at once instead of
  // trying to allocate (and fill) tens of gigabytes.
  if (y.length * k > MAX_OUTPUT) throw rangeError(fn, `labels.length × classes (${y.length} × ${k}) is too large: at most 2^32 values`);
  const out = allocate(fn, 'labels.length × classes', y.length * k, (n) => new Float32Array(n));
  return native.smoothLabels(y, k, on, off, out) as Float32Array;
}

const TWO32 = 4294967296;

function seedWords(fn: string, v: unknown): [number, number] {
  if (typeof v === 'bigint') {
    if (v < BigInt(0) || v >= BigInt(1) << BigInt(64)) throw rangeError(fn, `seed must be in [0, 2^64) as a bigint (got ${v})`);
    return [Number(v & BigInt(0xffffffff)), Number(v >> BigInt(32))];
  }
  if (typeof v !== 'number') throw typeError(fn, 'seed', 'an integer number or a bigint', v);
  if (!Number.isSafeInteger(v) || v < 0) throw rangeError(fn, `seed must be an integer in [0, 2^53-1] (got ${v})`);
  return [v % TWO32, Math.floor(v / TWO32)];
}

/**
 * Symmetric label noise: each label is replaced, with probability ε, by one of the K−1 other
 * classes chosen uniformly; returns a new Int32Array. Its expectation as a target is
 * smoothLabels(labels, { epsilon: ε, smoothing: 'others' }).
 *
 * Reproducible everywhere: label i uses only Philox4x32-10(counter = (i, j), key = seed) (the
 * counter-based generator of Salmon et al. 2011, 32-bit integer arithmetic, never Math.random),
 * so the same seed gives the same output on every platform, Node version and ISA, and the output
 * for a prefix of the labels is the prefix of the output. The label flips iff the 53-bit fraction
 * formed by the first two output words is < ε; the new class comes from the next words by
 * Lemire's unbiased multiply-and-reject (see native/kernels/distributions_ref.h).
 */
export function flipLabels(labels: LabelInput, opts: FlipLabelsOptions): Int32Array {
  const fn = 'flipLabels';
  const o = options(fn, opts, FLIP_OPTIONS);
  const y = labelArray(fn, 'labels', labels);
  const k = classesOf(fn, o);
  if (k > 2 ** 31) throw rangeError(fn, `classes must be at most 2^31 (labels are returned as Int32Array; got ${k})`);
  const eps = numberIn(fn, 'epsilon', required(fn, o, 'epsilon'), 0, 1);
  if (k === 1 && eps > 0) throw rangeError(fn, `epsilon must be 0 when classes is 1: there is no other class to flip to (got ${eps})`);
  const [lo, hi] = seedWords(fn, required(fn, o, 'seed'));
  const out = new Int32Array(y.length);
  return native.flipLabels(y, k, eps, lo, hi, out) as Int32Array;
}

/**
 * The empirical distribution of integer samples, counts[k] / N as a Float64Array of K: the
 * maximum-likelihood estimate of a categorical distribution. No samples (N = 0) gives NaN for
 * every class (0/0: there is no estimate, and a silent all-zero vector would not be a distribution).
 * A sample outside [0, K) is a RangeError.
 */
export function empiricalDistribution(samples: LabelInput, opts: EmpiricalDistributionOptions): Float64Array {
  const fn = 'empiricalDistribution';
  const o = options(fn, opts, EMPIRICAL_OPTIONS);
  const s = labelArray(fn, 'samples', samples);
  const k = classesOf(fn, o);
  const out = allocate(fn, 'classes', k, (n) => new Float64Array(n));
  return native.empiricalDistribution(s, k, out) as Float64Array;
}
