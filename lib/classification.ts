// Log-sum-exp, softmax, log-softmax and the cross-entropies. Semantics follow PyTorch
// (torch.logsumexp, torch.softmax, torch.nn.functional.cross_entropy) where API.md is silent.
import { native } from './binding';
import type { FloatArray, FloatInput, InputKind, LabelInput, Reduction } from './types';
import {
  INPUTS_CODE,
  REDUCTION_CODE,
  baseScale,
  floatArray,
  integer,
  labelArray,
  numberIn,
  oneOf,
  options,
  outArray,
  positiveInt,
  rangeError,
  weightArray,
} from './validate';

const REDUCTIONS = ['mean', 'sum', 'none'] as const;
const INPUT_KINDS = ['logits', 'probabilities', 'log-probabilities'] as const;
const SMOOTHINGS = ['uniform', 'others'] as const;

export interface LogSumExpOptions<O extends FloatArray = FloatArray> {
  /** Row width K: one result per row. Without it, the whole array gives one number. */
  classes?: number;
  /** Where to write the per-row results (type of x, length x.length / classes). */
  out?: O;
}

const LSE_OPTIONS = new Set(['classes', 'out']);

/**
 * log(sum(exp(x))) per row of `classes` values, or over the whole array when `classes` is not given
 * (then a number, accumulated in float64). Matches torch.logsumexp on ±Infinity and NaN.
 */
export function logSumExp(x: FloatInput): number;
export function logSumExp(x: FloatInput, options: LogSumExpOptions & { classes?: undefined }): number;
export function logSumExp<T extends FloatArray>(x: T, options: LogSumExpOptions & { classes: number }): T;
export function logSumExp(x: FloatInput, options: LogSumExpOptions & { classes: number }): FloatArray;
export function logSumExp(x: FloatInput, opts?: LogSumExpOptions): number | FloatArray {
  const fn = 'logSumExp';
  const o = options(fn, opts, LSE_OPTIONS);
  const xs = floatArray(fn, 'x', x);
  if (o.classes === undefined) {
    if (o.out !== undefined) throw rangeError(fn, 'out needs classes (one result per row)');
    return native.lseAll(xs) as number;
  }
  const k = positiveInt(fn, 'classes', o.classes);
  if (xs.length % k !== 0) throw rangeError(fn, `x.length (${xs.length}) must be a multiple of classes (${k})`);
  const out = outArray(fn, o.out, xs, xs.length / k);
  return native.lseRows(xs, k, out) as FloatArray;
}

export interface SoftmaxOptions<O extends FloatArray = FloatArray> {
  /** Row width K. Without it the whole array is one row. */
  classes?: number;
  /** softmax(x / temperature); default 1. */
  temperature?: number;
  /** Where to write the result (type and length of x). */
  out?: O;
}

const SOFTMAX_OPTIONS = new Set(['classes', 'temperature', 'out']);

function softmaxImpl(fn: string, x: FloatInput, opts: unknown, log: boolean): FloatArray {
  const o = options(fn, opts, SOFTMAX_OPTIONS);
  const xs = floatArray(fn, 'x', x);
  const k = o.classes === undefined ? xs.length : positiveInt(fn, 'classes', o.classes);
  if (k > 0 && xs.length % k !== 0) throw rangeError(fn, `x.length (${xs.length}) must be a multiple of classes (${k})`);
  const t = o.temperature === undefined ? 1 : numberIn(fn, 'temperature', o.temperature, 0, Infinity, true, true);
  const out = outArray(fn, o.out, xs, xs.length);
  if (xs.length === 0) return out;
  return native.softmaxRows(xs, k, 1 / t, log, out) as FloatArray;
}

/** Row-wise softmax of x / temperature; rows with NaN or an infinite max are NaN (as torch.softmax). */
export function softmax<T extends FloatArray>(x: T, options?: SoftmaxOptions): T;
export function softmax(x: FloatInput, options?: SoftmaxOptions): FloatArray;
export function softmax(x: FloatInput, opts?: SoftmaxOptions): FloatArray {
  return softmaxImpl('softmax', x, opts, false);
}

/** Row-wise log-softmax of x / temperature, computed as x - max - log(sum(exp(x - max))). */
export function logSoftmax<T extends FloatArray>(x: T, options?: SoftmaxOptions): T;
export function logSoftmax(x: FloatInput, options?: SoftmaxOptions): FloatArray;
export function logSoftmax(x: FloatInput, opts?: SoftmaxOptions): FloatArray {
  return softmaxImpl('logSoftmax', x, opts, true);
}

interface CommonLossOptions {
  /** Number of classes K. */
  classes?: number;
  /** Spatial extent S: input [N, K, S] and one label per (sample, position), as torch's (N, C, d1..dk). */
  spatial?: number;
  /** How input scores are given (default 'logits'). */
  inputs?: InputKind;
  /** Clip for inputs: 'probabilities': p is clipped to [epsilon, 1 - epsilon] (default 1e-7, as Keras). */
  epsilon?: number;
  /** Per-class weights (length K). */
  weight?: FloatInput;
  /** Label smoothing ε in [0, 1]. */
  labelSmoothing?: number;
  reduction?: Reduction;
  /** Log base of the result: Math.E (nats, default), 2 (bits), 10, ... */
  base?: number;
  /** Per-sample output for reduction 'none'. */
  out?: FloatArray;
}

export interface CrossEntropyOptions extends CommonLossOptions {
  /** Label that contributes nothing (default -100, as PyTorch). */
  ignoreIndex?: number;
  /** 'uniform': (1-ε)·onehot + ε/K (PyTorch); 'others': 1-ε on the true class, ε/(K-1) elsewhere. */
  smoothing?: 'uniform' | 'others';
}

export type SoftCrossEntropyOptions = CommonLossOptions;

const CE_OPTIONS = new Set([
  'classes', 'spatial', 'inputs', 'epsilon', 'weight', 'ignoreIndex', 'labelSmoothing', 'smoothing', 'reduction', 'base', 'out',
]);
const SOFT_CE_OPTIONS = new Set(['classes', 'spatial', 'inputs', 'epsilon', 'weight', 'labelSmoothing', 'reduction', 'base', 'out']);

interface Common {
  k: number;
  s: number;
  inputs: number;
  clip: number;
  weight: Float64Array | null;
  eps: number;
  reduction: Reduction;
  scale: number;
}

function commonOptions(fn: string, o: Record<string, unknown>, k: number, s: number): Common {
  return {
    k,
    s,
    inputs: o.inputs === undefined ? 0 : INPUTS_CODE[oneOf(fn, 'inputs', o.inputs, INPUT_KINDS)],
    clip: o.epsilon === undefined ? 1e-7 : numberIn(fn, 'epsilon', o.epsilon, 0, 0.5, false, true),
    weight: o.weight === undefined ? null : weightArray(fn, 'weight', o.weight, k),
    eps: o.labelSmoothing === undefined ? 0 : numberIn(fn, 'labelSmoothing', o.labelSmoothing, 0, 1),
    reduction: o.reduction === undefined ? 'mean' : oneOf(fn, 'reduction', o.reduction, REDUCTIONS),
    scale: baseScale(fn, o.base),
  };
}

const stats = native.stats as Float64Array;

/**
 * The small-batch hot path: typed arrays, logits, S = 1, no weight or smoothing, ignoreIndex -100,
 * 'mean' or 'sum', natural log. It checks only what it needs (O(1)) and leaves every other case, including every
 * error, to the general path so messages are the same. Returns undefined when not applicable.
 */
function crossEntropyFast(input: unknown, labels: unknown, opts: unknown): number | undefined {
  if (!(input instanceof Float32Array || input instanceof Float64Array)) return undefined;
  if (!(labels instanceof Int32Array || labels instanceof Uint8Array || labels instanceof Int8Array ||
    labels instanceof Int16Array || labels instanceof Uint16Array || labels instanceof Uint32Array)) return undefined;
  let k = 0;
  let sum = false;
  if (opts !== undefined) {
    if (opts === null || typeof opts !== 'object') return undefined;
    const o = opts as Record<string, unknown>;
    for (const key in o) {
      const v = o[key];
      if (key === 'classes') {
        if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) return undefined;
        k = v;
      } else if (key === 'reduction') {
        if (v === 'sum') sum = true;
        else if (v !== 'mean' && v !== undefined) return undefined;
      } else if (key === 'ignoreIndex') {
        if (v !== -100 && v !== undefined) return undefined;
      } else if (v !== undefined || key !== 'spatial') {
        return undefined;
      }
    }
  }
  const n = labels.length;
  if (k === 0) {
    if (n === 0 || input.length % n !== 0 || input.length === 0) return undefined;
    k = input.length / n;
  } else if (input.length !== n * k) {
    return undefined;
  }
  if (n === 0 || input.buffer.byteLength === 0) return undefined;
  native.crossEntropyFast(input, labels, sum ? -k : k);
  return sum ? stats[0] : stats[0] / stats[1];
}

/**
 * Cross-entropy with hard labels, as torch.nn.functional.cross_entropy: 'mean' divides by the sum
 * of weight[label] over non-ignored samples (NaN when every sample is ignored).
 */
export function crossEntropy(input: FloatInput, labels: LabelInput, options?: CrossEntropyOptions & { reduction?: 'mean' | 'sum' }): number;
export function crossEntropy<T extends FloatArray>(input: T, labels: LabelInput, options: CrossEntropyOptions & { reduction: 'none' }): T;
export function crossEntropy(input: FloatInput, labels: LabelInput, options?: CrossEntropyOptions): number | FloatArray;
export function crossEntropy(input: FloatInput, labels: LabelInput, opts?: CrossEntropyOptions): number | FloatArray {
  const fast = crossEntropyFast(input, labels, opts);
  if (fast !== undefined) return fast;
  const fn = 'crossEntropy';
  const o = options(fn, opts, CE_OPTIONS);
  const x = floatArray(fn, 'input', input);
  const y = labelArray(fn, 'labels', labels);
  const s = o.spatial === undefined ? 1 : positiveInt(fn, 'spatial', o.spatial);
  let k: number;
  if (o.classes !== undefined) {
    k = positiveInt(fn, 'classes', o.classes);
  } else {
    if (s !== 1) throw rangeError(fn, 'classes is required when spatial > 1');
    if (y.length === 0 || x.length % y.length !== 0 || x.length === 0) {
      throw rangeError(fn, `cannot infer classes: input.length (${x.length}) is not a positive multiple of labels.length (${y.length}); pass classes`);
    }
    k = x.length / y.length;
  }
  if (y.length % s !== 0) throw rangeError(fn, `labels.length (${y.length}) must be a multiple of spatial (${s})`);
  if (x.length !== y.length * k) {
    throw rangeError(fn, `input.length (${x.length}) must equal labels.length × classes (${y.length} × ${k})`);
  }
  const c = commonOptions(fn, o, k, s);
  const ignore = o.ignoreIndex === undefined ? -100 : integer(fn, 'ignoreIndex', o.ignoreIndex);
  let eps = c.eps;
  if (eps > 0 && o.smoothing !== undefined && oneOf(fn, 'smoothing', o.smoothing, SMOOTHINGS) === 'others') {
    // ε/(K-1) off the true class is PyTorch's uniform smoothing with ε' = εK/(K-1).
    if (eps > (k - 1) / k) throw rangeError(fn, `labelSmoothing with smoothing 'others' must be <= (K-1)/K = ${(k - 1) / k} (got ${eps})`);
    eps = (eps * k) / (k - 1);
  } else if (o.smoothing !== undefined) {
    oneOf(fn, 'smoothing', o.smoothing, SMOOTHINGS);
  }
  let out: FloatArray | null = null;
  if (c.reduction === 'none') out = outArray(fn, o.out, x, y.length);
  else if (o.out !== undefined) throw rangeError(fn, "out is only used with reduction 'none'");
  return native.crossEntropy(x, y, k, s, c.inputs, c.weight, eps, c.clip, REDUCTION_CODE[c.reduction], c.scale, out, ignore);
}

/**
 * Cross-entropy against probability targets (length N·K·S, float32 or float64), as
 * torch.nn.functional.cross_entropy with class-probability targets: 'mean' divides by N·S.
 */
export function softCrossEntropy(input: FloatInput, targets: FloatInput, options: SoftCrossEntropyOptions & { reduction?: 'mean' | 'sum' }): number;
export function softCrossEntropy<T extends FloatArray>(input: T, targets: FloatInput, options: SoftCrossEntropyOptions & { reduction: 'none' }): T;
export function softCrossEntropy(input: FloatInput, targets: FloatInput, options: SoftCrossEntropyOptions): number | FloatArray;
export function softCrossEntropy(input: FloatInput, targets: FloatInput, opts: SoftCrossEntropyOptions): number | FloatArray {
  const fn = 'softCrossEntropy';
  const o = options(fn, opts, SOFT_CE_OPTIONS);
  const x = floatArray(fn, 'input', input);
  const t = floatArray(fn, 'targets', targets);
  if (o.classes === undefined) throw rangeError(fn, 'classes is required (the row width of input and targets)');
  const k = positiveInt(fn, 'classes', o.classes);
  const s = o.spatial === undefined ? 1 : positiveInt(fn, 'spatial', o.spatial);
  if (x.length % (k * s) !== 0) throw rangeError(fn, `input.length (${x.length}) must be a multiple of classes × spatial (${k} × ${s})`);
  if (t.length !== x.length) throw rangeError(fn, `targets.length (${t.length}) must equal input.length (${x.length})`);
  const c = commonOptions(fn, o, k, s);
  const samples = x.length / k;
  let out: FloatArray | null = null;
  if (c.reduction === 'none') out = outArray(fn, o.out, x, samples);
  else if (o.out !== undefined) throw rangeError(fn, "out is only used with reduction 'none'");
  return native.softCrossEntropy(x, t, k, s, c.inputs, c.weight, c.eps, c.clip, REDUCTION_CODE[c.reduction], c.scale, out);
}
