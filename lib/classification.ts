// Log-sum-exp, softmax, log-softmax and the cross-entropies. Semantics follow PyTorch
// (torch.logsumexp, torch.softmax, torch.nn.functional.cross_entropy) where API.md is silent.
import { native } from './binding';
import type { Native } from './binding';
import { defineMeterKind } from './meter';
import { stageFloats, stageNumbers, stagingIntact, tiny } from './tiny';
import type { FloatArray, FloatInput, InputKind, LabelInput, Reduction } from './types';
import {
  INPUTS_CODE,
  REDUCTION_CODE,
  baseScale,
  floatArray,
  integer,
  isFloatArray,
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
  const fast = logSumExpTiny(x, opts);
  if (fast !== undefined) return fast;
  return logSumExpWith(native, x, opts);
}

const nativeLseRowsTiny = native.lseRowsTiny as () => void;
const nativeLseAllTiny = native.lseAllTiny as () => void;

/**
 * logSumExp of at most TINY_VALUES values through the staging area (lib/tiny.ts). Like
 * crossEntropyFast below, it takes only valid calls of float typed arrays or plain number arrays
 * and leaves everything else, every error included, to logSumExpWith. Returns undefined when not
 * applicable.
 */
function logSumExpTiny(x: unknown, opts: unknown): number | FloatArray | undefined {
  const array = Array.isArray(x);  // number[]: float64, as the general path reads it
  if (tiny === null || !(x instanceof Float32Array || x instanceof Float64Array || array)) return undefined;
  const len = x.length;
  if (len === 0 || len > TINY_VALUES) return undefined;
  let k = 0;
  let out: unknown;
  if (opts !== undefined) {
    if (opts === null || typeof opts !== 'object' || Array.isArray(opts) || ArrayBuffer.isView(opts)) return undefined;
    const o = opts as Record<string, unknown>;
    let keys = 0;  // as in crossEntropyFast: read the known options, count the keys
    for (const _key in o) keys++;
    let known = 0;
    const c = o.classes;
    if (c !== undefined) {
      if (typeof c !== 'number' || !Number.isSafeInteger(c) || c < 1) return undefined;
      k = c;
      known++;
    }
    out = o.out;
    if (out !== undefined) known++;
    if (keys !== known) return undefined;
  }
  const h = tiny.hdr;
  const f64 = array || x instanceof Float64Array;
  // Every check first, then one copy: for a plain array its element reads may run user code,
  // checked as crossEntropyFast does.
  let n = 0;
  if (k === 0) {
    if (out !== undefined) return undefined;
  } else {
    if (len % k !== 0) return undefined;
    n = len / k;
    // outArray's rules: the input's own type, one value per row (a detached out has length 0).
    if (out !== undefined && (array || !(isFloatArray(out) && out.constructor === x.constructor && out.length === n))) return undefined;
  }
  if (array) {
    const mark = stageNumbers(tiny, x as unknown[], len);
    if (mark < 0 || !stagingIntact(tiny, mark)) return undefined;
  } else {
    stageFloats(tiny, x as Float32Array | Float64Array, len, f64);
  }
  if (k === 0) {
    h[0] = len;
    h[2] = f64 ? 1 : 0;
    nativeLseAllTiny();
    return h[3] === 1 ? h[4] : undefined;
  }
  h[0] = n;
  h[1] = k;
  h[2] = f64 ? 1 : 0;
  nativeLseRowsTiny();
  if (h[3] !== 1) return undefined;
  const o = (out as FloatArray | undefined) ?? (f64 ? new Float64Array(n) : new Float32Array(n));
  const src = f64 ? tiny.out64 : tiny.out32;
  for (let i = 0; i < n; i++) o[i] = src[i];
  return o;
}

// Each function is written once against `n`: the addon itself for the synchronous function, or
// the promise twin's view of it (lib/async.ts), where every native call returns a Promise.
export function logSumExpWith(n: Native, x: FloatInput, opts?: LogSumExpOptions): number | FloatArray {
  const fn = 'logSumExp';
  const o = options(fn, opts, LSE_OPTIONS);
  const xs = floatArray(fn, 'x', x);
  if (o.classes === undefined) {
    if (o.out !== undefined) throw rangeError(fn, 'out needs classes (one result per row)');
    return n.lseAll(xs) as number;
  }
  const k = positiveInt(fn, 'classes', o.classes);
  if (xs.length % k !== 0) throw rangeError(fn, `x.length (${xs.length}) must be a multiple of classes (${k})`);
  const out = outArray(fn, o.out, xs, xs.length / k);
  return n.lseRows(xs, k, out) as FloatArray;
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

function softmaxImpl(n: Native, fn: string, x: FloatInput, opts: unknown, log: boolean): FloatArray {
  const o = options(fn, opts, SOFTMAX_OPTIONS);
  const xs = floatArray(fn, 'x', x);
  const k = o.classes === undefined ? xs.length : positiveInt(fn, 'classes', o.classes);
  if (k > 0 && xs.length % k !== 0) throw rangeError(fn, `x.length (${xs.length}) must be a multiple of classes (${k})`);
  const t = o.temperature === undefined ? 1 : numberIn(fn, 'temperature', o.temperature, 0, Infinity, true, true);
  const out = outArray(fn, o.out, xs, xs.length);
  if (xs.length === 0) return out;
  return n.softmaxRows(xs, k, 1 / t, log, out) as FloatArray;
}

export function softmaxWith(n: Native, x: FloatInput, opts?: SoftmaxOptions): FloatArray {
  return softmaxImpl(n, 'softmax', x, opts, false);
}

export function logSoftmaxWith(n: Native, x: FloatInput, opts?: SoftmaxOptions): FloatArray {
  return softmaxImpl(n, 'logSoftmax', x, opts, true);
}

/** Row-wise softmax of x / temperature; rows with NaN or an infinite max are NaN (as torch.softmax). */
export function softmax<T extends FloatArray>(x: T, options?: SoftmaxOptions): T;
export function softmax(x: FloatInput, options?: SoftmaxOptions): FloatArray;
export function softmax(x: FloatInput, opts?: SoftmaxOptions): FloatArray {
  return softmaxImpl(native, 'softmax', x, opts, false);
}

/** Row-wise log-softmax of x / temperature, computed as x - max - log(sum(exp(x - max))). */
export function logSoftmax<T extends FloatArray>(x: T, options?: SoftmaxOptions): T;
export function logSoftmax(x: FloatInput, options?: SoftmaxOptions): FloatArray;
export function logSoftmax(x: FloatInput, opts?: SoftmaxOptions): FloatArray {
  return softmaxImpl(native, 'logSoftmax', x, opts, true);
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
// Held here: a property load on the addon's exports object (dictionary mode) is a megamorphic
// inline-cache miss, ~10 ns of a 1×10 call.
const nativeCrossEntropyTiny = native.crossEntropyTiny as () => void;
const nativeCrossEntropyFast = native.crossEntropyFast as (x: unknown, y: unknown, k: number) => void;
// Staging-area limits (lib/tiny.ts): the addon's capacities are 1024 float32 / 512 float64 values
// and 512 labels; past TINY_VALUES the copy costs more than the typed-array queries it saves.
const TINY_VALUES = 512;
const TINY_LABELS = 512;

/**
 * The small-batch hot path: typed arrays, logits, S = 1, no weight or smoothing, ignoreIndex -100,
 * 'mean' or 'sum', natural log. It checks only what it needs (O(1)) and leaves every other case, including every
 * error, to the general path so messages are the same. Returns undefined when not applicable.
 */
function crossEntropyFast(input: unknown, labels: unknown, opts: unknown): number | undefined {
  // Plain arrays (number[]: float64 logits, integer labels) only through the staging area below.
  const inputArray = Array.isArray(input);
  const labelsArray = Array.isArray(labels);
  if (!(input instanceof Float32Array || input instanceof Float64Array || inputArray)) return undefined;
  if (!(labelsArray || labels instanceof Int32Array || labels instanceof Uint8Array || labels instanceof Int8Array ||
    labels instanceof Int16Array || labels instanceof Uint16Array || labels instanceof Uint32Array)) return undefined;
  let k = 0;
  let sum = false;
  if (opts !== undefined) {
    if (opts === null || typeof opts !== 'object' || Array.isArray(opts) || ArrayBuffer.isView(opts)) return undefined;
    const o = opts as Record<string, unknown>;
    // The known options are read directly and the keys only counted: half the cost of comparing
    // each key by name. Any other key, or a known one set to undefined, takes the general path.
    let keys = 0;
    for (const _key in o) keys++;
    let known = 0;
    const c = o.classes;
    if (c !== undefined) {
      if (typeof c !== 'number' || !Number.isSafeInteger(c) || c < 1) return undefined;
      k = c;
      known++;
    }
    const r = o.reduction;
    if (r !== undefined) {
      if (r === 'sum') sum = true;
      else if (r !== 'mean') return undefined;
      known++;
    }
    if (o.ignoreIndex !== undefined) {
      if (o.ignoreIndex !== -100) return undefined;
      known++;
    }
    if (keys !== known) return undefined;
  }
  const n = labels.length;
  if (k === 0) {
    if (n === 0 || input.length % n !== 0 || input.length === 0) return undefined;
    k = input.length / n;
  } else if (input.length !== n * k) {
    return undefined;
  }
  if (n === 0) return undefined;
  // Up to TINY_VALUES values: through the staging area (lib/tiny.ts). What its Int32 labels cannot
  // hold exactly (a Uint32 label of 2^31 or more would wrap, to -100 even; a non-integer in a plain
  // array) and any non-number leave for the general path, which reports it.
  if (tiny !== null && n * k <= TINY_VALUES && n <= TINY_LABELS) {
    const f64 = inputArray || input instanceof Float64Array;  // before the copy (see stageFloats)
    const mark = inputArray ? stageNumbers(tiny, input as unknown[], n * k) : stageFloats(tiny, input as Float32Array | Float64Array, n * k, f64);
    if (mark < 0) return undefined;
    const l = tiny.labels;
    if (labelsArray) {
      const a = labels as unknown[];
      for (let i = 0; i < n; i++) {
        const v = a[i];
        if (typeof v !== 'number' || (v | 0) !== v) return undefined;
        l[i] = v;
      }
    } else if (labels instanceof Uint32Array) {
      for (let i = 0; i < n; i++) {
        const v = labels[i];
        if (v > 0x7fffffff) return undefined;
        l[i] = v;
      }
    } else {
      const t = labels as Int32Array;
      for (let i = 0; i < n; i++) l[i] = t[i];
    }
    // A plain array's element getter may have called losskit, which used the area meanwhile.
    if ((inputArray || labelsArray) && !stagingIntact(tiny, mark)) return undefined;
    const h = tiny.hdr;
    h[0] = n;
    h[1] = k;
    h[2] = f64 ? 1 : 0;
    nativeCrossEntropyTiny();
    if (h[3] !== 1) return undefined;  // a label out of range: the general path throws the error
    return sum ? stats[0] : stats[0] / stats[1];
  }
  if (inputArray || labelsArray) return undefined;
  const x = input as Float32Array | Float64Array;
  if (x.buffer.byteLength === 0) return undefined;
  nativeCrossEntropyFast(x, labels, sum ? -k : k);
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
  return crossEntropyWith(native, input, labels, opts);
}

export function crossEntropyWith(n: Native, input: FloatInput, labels: LabelInput, opts?: CrossEntropyOptions): number | FloatArray {
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
  return n.crossEntropy(x, y, k, s, c.inputs, c.weight, eps, c.clip, REDUCTION_CODE[c.reduction], c.scale, out, ignore);
}

/**
 * Cross-entropy against probability targets (length N·K·S, float32 or float64), as
 * torch.nn.functional.cross_entropy with class-probability targets: 'mean' divides by N·S.
 */
export function softCrossEntropy(input: FloatInput, targets: FloatInput, options: SoftCrossEntropyOptions & { reduction?: 'mean' | 'sum' }): number;
export function softCrossEntropy<T extends FloatArray>(input: T, targets: FloatInput, options: SoftCrossEntropyOptions & { reduction: 'none' }): T;
export function softCrossEntropy(input: FloatInput, targets: FloatInput, options: SoftCrossEntropyOptions): number | FloatArray;
export function softCrossEntropy(input: FloatInput, targets: FloatInput, opts: SoftCrossEntropyOptions): number | FloatArray {
  return softCrossEntropyWith(native, input, targets, opts);
}

export function softCrossEntropyWith(n: Native, input: FloatInput, targets: FloatInput, opts: SoftCrossEntropyOptions): number | FloatArray {
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
  return n.softCrossEntropy(x, t, k, s, c.inputs, c.weight, c.eps, c.clip, REDUCTION_CODE[c.reduction], c.scale, out);
}

// Meters (lib/meter.ts): the kernels' sums are [loss, sum of weight[label] over counted samples,
// count]; softCrossEntropy reports count as its weight (its mean divides by N·S).
defineMeterKind('crossEntropy', {
  sync: crossEntropy,
  with: crossEntropyWith,
  reductions: ['mean', 'sum'],
  callReduction: 'sum',
  denominator: (reduction, s) => (reduction === 'sum' ? 1 : s.weight),
});
defineMeterKind('softCrossEntropy', {
  sync: softCrossEntropy,
  with: softCrossEntropyWith,
  reductions: ['mean', 'sum'],
  callReduction: 'sum',
  denominator: (reduction, s) => (reduction === 'sum' ? 1 : s.weight),
});
