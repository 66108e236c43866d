// Binary, focal and heatmap losses and Gaussian keypoint targets. Semantics follow PyTorch
// (torch.nn.functional.binary_cross_entropy[_with_logits], torchvision.ops.sigmoid_focal_loss,
// mse_loss) and CornerNet / CenterNet (heatmapFocalLoss, gaussianRadius, drawGaussian) where API.md
// is silent; the choices are listed in README.md ("Binary, focal and heatmap losses").
import { native } from './binding';
import type { Native } from './binding';
import { defineMeterKind } from './meter';
import type { FloatArray, FloatInput, LabelInput, Reduction } from './types';
import {
  INPUTS_CODE,
  REDUCTION_CODE,
  baseScale,
  floatArray,
  integer,
  isFloatArray,
  isIntArray,
  labelArray,
  numberIn,
  oneOf,
  options,
  outArray,
  positiveInt,
  rangeError,
  typeError,
  weightArray,
} from './validate';

const REDUCTIONS = ['mean', 'sum', 'none'] as const;

function reductionOf(fn: string, v: unknown): Reduction {
  return v === undefined ? 'mean' : oneOf(fn, 'reduction', v, REDUCTIONS);
}

/** The `out` array for reduction 'none' (or a new one), and `out` refused with other reductions. */
function outFor(fn: string, reduction: string, perValue: string, out: unknown, like: FloatArray, length: number): FloatArray | null {
  if (reduction === perValue) return outArray(fn, out, like, length);
  if (out !== undefined) throw rangeError(fn, `out is only used with reduction '${perValue}'`);
  return null;
}

function sameLength(fn: string, name: string, a: FloatArray, mainName: string, main: FloatArray): void {
  if (a.length !== main.length) throw rangeError(fn, `${name}.length (${a.length}) must equal ${mainName}.length (${main.length})`);
}

function nonNegativeInt(fn: string, name: string, v: unknown): number {
  const n = integer(fn, name, v);
  if (n < 0) throw rangeError(fn, `${name} must be a non-negative integer (got ${n})`);
  return n;
}

// ---------------------------------------------------------------------------------------------
// binaryCrossEntropy

export interface BinaryCrossEntropyOptions {
  /** How `input` is given (default 'logits'). */
  inputs?: 'logits' | 'probabilities';
  /** Weight of the positive term per class (logits only): length C dividing input.length; element i uses posWeight[i % C]. */
  posWeight?: FloatInput;
  /** Weight per element (length of input). */
  weight?: FloatInput;
  reduction?: Reduction;
  /** Log base of the result: Math.E (nats, default), 2 (bits), 10, ... */
  base?: number;
  /** Per-element output for reduction 'none' (type and length of input). */
  out?: FloatArray;
}

const BCE_OPTIONS = new Set(['inputs', 'posWeight', 'weight', 'reduction', 'base', 'out']);

/**
 * Binary cross-entropy, as torch.binary_cross_entropy_with_logits (logits: exact for any finite logit)
 * or torch.binary_cross_entropy (probabilities: each log clamped at -100, so p = 0 or 1 gives at most
 * 100 per element). 'mean' divides by the element count.
 */
export function binaryCrossEntropy(input: FloatInput, targets: FloatInput, options?: BinaryCrossEntropyOptions & { reduction?: 'mean' | 'sum' }): number;
export function binaryCrossEntropy<T extends FloatArray>(input: T, targets: FloatInput, options: BinaryCrossEntropyOptions & { reduction: 'none' }): T;
export function binaryCrossEntropy(input: FloatInput, targets: FloatInput, options?: BinaryCrossEntropyOptions): number | FloatArray;
export function binaryCrossEntropy(input: FloatInput, targets: FloatInput, opts?: BinaryCrossEntropyOptions): number | FloatArray {
  return binaryCrossEntropyWith(native, input, targets, opts);
}

/** binaryCrossEntropy written against `n` (the addon, or the promise twin's view of it). */
export function binaryCrossEntropyWith(n: Native, input: FloatInput, targets: FloatInput, opts?: BinaryCrossEntropyOptions): number | FloatArray {
  const fn = 'binaryCrossEntropy';
  const o = options(fn, opts, BCE_OPTIONS);
  const x = floatArray(fn, 'input', input);
  const t = floatArray(fn, 'targets', targets);
  sameLength(fn, 'targets', t, 'input', x);
  const probs = o.inputs !== undefined && oneOf(fn, 'inputs', o.inputs, ['logits', 'probabilities'] as const) === 'probabilities';
  let pw: FloatArray | null = null;
  if (o.posWeight !== undefined) {
    pw = floatArray(fn, 'posWeight', o.posWeight);
    if (probs) throw rangeError(fn, "posWeight is only used with inputs 'logits' (as torch)");
    if (pw.length === 0 || x.length % pw.length !== 0) {
      throw rangeError(fn, `posWeight.length (${pw.length}) must divide input.length (${x.length}): one weight per class of the last dimension`);
    }
  }
  let w: FloatArray | null = null;
  if (o.weight !== undefined) {
    w = floatArray(fn, 'weight', o.weight);
    sameLength(fn, 'weight', w, 'input', x);
  }
  const reduction = reductionOf(fn, o.reduction);
  const scale = baseScale(fn, o.base);
  const out = outFor(fn, reduction, 'none', o.out, x, x.length);
  return n.binaryCrossEntropy(x, t, probs, pw, w, REDUCTION_CODE[reduction], scale, out);
}

// ---------------------------------------------------------------------------------------------
// sigmoidFocalLoss

export interface SigmoidFocalLossOptions {
  /** Weight of the positive class, 1 - alpha for the negative (default 0.25); alpha < 0 disables it. */
  alpha?: number;
  /** Focusing exponent γ >= 0 (default 2). */
  gamma?: number;
  reduction?: Reduction;
  out?: FloatArray;
}

const SFL_OPTIONS = new Set(['alpha', 'gamma', 'reduction', 'out']);

/**
 * torchvision.ops.sigmoid_focal_loss (RetinaNet): α_t (1 - p_t)^γ BCE(x, t), computed from
 * exp(-|x|) so it is finite for any finite logit. Default reduction 'mean' (torchvision's is 'none').
 */
export function sigmoidFocalLoss(logits: FloatInput, targets: FloatInput, options?: SigmoidFocalLossOptions & { reduction?: 'mean' | 'sum' }): number;
export function sigmoidFocalLoss<T extends FloatArray>(logits: T, targets: FloatInput, options: SigmoidFocalLossOptions & { reduction: 'none' }): T;
export function sigmoidFocalLoss(logits: FloatInput, targets: FloatInput, options?: SigmoidFocalLossOptions): number | FloatArray;
export function sigmoidFocalLoss(logits: FloatInput, targets: FloatInput, opts?: SigmoidFocalLossOptions): number | FloatArray {
  return sigmoidFocalLossWith(native, logits, targets, opts);
}

/** sigmoidFocalLoss written against `n` (the addon, or the promise twin's view of it). */
export function sigmoidFocalLossWith(n: Native, logits: FloatInput, targets: FloatInput, opts?: SigmoidFocalLossOptions): number | FloatArray {
  const fn = 'sigmoidFocalLoss';
  const o = options(fn, opts, SFL_OPTIONS);
  const x = floatArray(fn, 'logits', logits);
  const t = floatArray(fn, 'targets', targets);
  sameLength(fn, 'targets', t, 'logits', x);
  const alpha = o.alpha === undefined ? 0.25 : numberIn(fn, 'alpha', o.alpha, -Infinity, Infinity, true, true);
  const gamma = o.gamma === undefined ? 2 : numberIn(fn, 'gamma', o.gamma, 0, Infinity, false, true);
  const reduction = reductionOf(fn, o.reduction);
  const out = outFor(fn, reduction, 'none', o.out, x, x.length);
  return n.sigmoidFocalLoss(x, t, alpha, gamma, REDUCTION_CODE[reduction], out);
}

// ---------------------------------------------------------------------------------------------
// softmaxFocalLoss

export interface SoftmaxFocalLossOptions {
  /** Number of classes K (inferred as input.length / labels.length when omitted). */
  classes?: number;
  /** α for every class (a number) or per class (length K); default 1 (no balancing). */
  alpha?: number | FloatInput;
  /** Focusing exponent γ >= 0 (default 2). */
  gamma?: number;
  /** Label that contributes nothing (default -100). */
  ignoreIndex?: number;
  reduction?: Reduction;
  /** How scores are given (default 'logits'); probabilities are clipped to [1e-7, 1 - 1e-7] as crossEntropy. */
  inputs?: 'logits' | 'probabilities' | 'log-probabilities';
  out?: FloatArray;
}

const MFL_OPTIONS = new Set(['classes', 'alpha', 'gamma', 'ignoreIndex', 'reduction', 'inputs', 'out']);

/**
 * Multi-class focal loss -α_y (1 - p_y)^γ log p_y over rows of K scores. 'mean' divides by the
 * number of non-ignored samples (NaN when all are ignored); γ = 0 with no α is crossEntropy.
 */
export function softmaxFocalLoss(input: FloatInput, labels: LabelInput, options?: SoftmaxFocalLossOptions & { reduction?: 'mean' | 'sum' }): number;
export function softmaxFocalLoss<T extends FloatArray>(input: T, labels: LabelInput, options: SoftmaxFocalLossOptions & { reduction: 'none' }): T;
export function softmaxFocalLoss(input: FloatInput, labels: LabelInput, options?: SoftmaxFocalLossOptions): number | FloatArray;
export function softmaxFocalLoss(input: FloatInput, labels: LabelInput, opts?: SoftmaxFocalLossOptions): number | FloatArray {
  return softmaxFocalLossWith(native, input, labels, opts);
}

/** softmaxFocalLoss written against `n` (the addon, or the promise twin's view of it). */
export function softmaxFocalLossWith(n: Native, input: FloatInput, labels: LabelInput, opts?: SoftmaxFocalLossOptions): number | FloatArray {
  const fn = 'softmaxFocalLoss';
  const o = options(fn, opts, MFL_OPTIONS);
  const x = floatArray(fn, 'input', input);
  const y = labelArray(fn, 'labels', labels);
  let k: number;
  if (o.classes !== undefined) {
    k = positiveInt(fn, 'classes', o.classes);
  } else {
    if (y.length === 0 || x.length === 0 || x.length % y.length !== 0) {
      throw rangeError(fn, `cannot infer classes: input.length (${x.length}) is not a positive multiple of labels.length (${y.length}); pass classes`);
    }
    k = x.length / y.length;
  }
  if (x.length !== y.length * k) throw rangeError(fn, `input.length (${x.length}) must equal labels.length × classes (${y.length} × ${k})`);
  let alphaArr: Float64Array | null = null;
  let alpha = 1;
  if (typeof o.alpha === 'number') alpha = numberIn(fn, 'alpha', o.alpha, -Infinity, Infinity, true, true);
  else if (o.alpha !== undefined) alphaArr = weightArray(fn, 'alpha', o.alpha, k);
  const gamma = o.gamma === undefined ? 2 : numberIn(fn, 'gamma', o.gamma, 0, Infinity, false, true);
  const ignore = o.ignoreIndex === undefined ? -100 : integer(fn, 'ignoreIndex', o.ignoreIndex);
  const inputs = o.inputs === undefined ? 0 : INPUTS_CODE[oneOf(fn, 'inputs', o.inputs, ['logits', 'probabilities', 'log-probabilities'] as const)];
  const reduction = reductionOf(fn, o.reduction);
  const out = outFor(fn, reduction, 'none', o.out, x, y.length);
  return n.softmaxFocalLoss(x, y, k, inputs, alphaArr, alpha, gamma, ignore, REDUCTION_CODE[reduction], out);
}

// ---------------------------------------------------------------------------------------------
// heatmapFocalLoss

export type HeatmapReduction = 'mean' | 'sum' | 'none' | 'per-sample';

export interface HeatmapFocalLossOptions {
  /** How `pred` is given (default 'probabilities', clamped to [1e-4, 1 - 1e-4] as CornerNet; 'logits' is exact in log space). */
  inputs?: 'probabilities' | 'logits';
  /** Exponent on (1 - p) for positives and on p for negatives (default 2). */
  alpha?: number;
  /** Exponent of the penalty reduction (1 - gt) for negatives (default 4). */
  beta?: number;
  /** Number of images B (pred is B equal images); needed by 'per-sample'. */
  batch?: number;
  /** 'mean' (sum / positives; no positives: the sum), 'sum', 'none' (per pixel), 'per-sample' (B values). */
  reduction?: HeatmapReduction;
  out?: FloatArray;
}

const HFL_OPTIONS = new Set(['inputs', 'alpha', 'beta', 'batch', 'reduction', 'out']);
const HEATMAP_REDUCTIONS = ['mean', 'sum', 'none', 'per-sample'] as const;
const HEATMAP_REDUCTION_CODE = { mean: 0, sum: 1, none: 2, 'per-sample': 3 } as const;

/**
 * CornerNet's penalty-reduced pixel-wise focal loss. Positives are pixels where gt == 1:
 * -(1-p)^α log p; every other pixel: -(1-gt)^β p^α log(1-p). gt must lie in [0, 1] (RangeError
 * naming the first pixel that does not; NaN propagates).
 */
export function heatmapFocalLoss(pred: FloatInput, gt: FloatInput, options?: HeatmapFocalLossOptions & { reduction?: 'mean' | 'sum' }): number;
export function heatmapFocalLoss<T extends FloatArray>(pred: T, gt: FloatInput, options: HeatmapFocalLossOptions & { reduction: 'none' | 'per-sample' }): T;
export function heatmapFocalLoss(pred: FloatInput, gt: FloatInput, options?: HeatmapFocalLossOptions): number | FloatArray;
export function heatmapFocalLoss(pred: FloatInput, gt: FloatInput, opts?: HeatmapFocalLossOptions): number | FloatArray {
  return heatmapFocalLossWith(native, pred, gt, opts);
}

/** heatmapFocalLoss written against `n` (the addon, or the promise twin's view of it). */
export function heatmapFocalLossWith(n: Native, pred: FloatInput, gt: FloatInput, opts?: HeatmapFocalLossOptions): number | FloatArray {
  const fn = 'heatmapFocalLoss';
  const o = options(fn, opts, HFL_OPTIONS);
  const x = floatArray(fn, 'pred', pred);
  const g = floatArray(fn, 'gt', gt);
  sameLength(fn, 'gt', g, 'pred', x);
  const logits = o.inputs !== undefined && oneOf(fn, 'inputs', o.inputs, ['probabilities', 'logits'] as const) === 'logits';
  const alpha = o.alpha === undefined ? 2 : numberIn(fn, 'alpha', o.alpha, 0, Infinity, false, true);
  const beta = o.beta === undefined ? 4 : numberIn(fn, 'beta', o.beta, 0, Infinity, false, true);
  const reduction = o.reduction === undefined ? 'mean' : oneOf(fn, 'reduction', o.reduction, HEATMAP_REDUCTIONS);
  let batch = 1;
  if (o.batch !== undefined) {
    batch = positiveInt(fn, 'batch', o.batch);
    if (x.length % batch !== 0) throw rangeError(fn, `batch (${batch}) must divide pred.length (${x.length})`);
  } else if (reduction === 'per-sample') {
    throw rangeError(fn, "batch is required for reduction 'per-sample'");
  }
  let out: FloatArray | null = null;
  if (reduction === 'none') out = outArray(fn, o.out, x, x.length);
  else if (reduction === 'per-sample') out = outArray(fn, o.out, x, batch);
  else if (o.out !== undefined) throw rangeError(fn, "out is only used with reductions 'none' and 'per-sample'");
  return n.heatmapFocalLoss(x, g, logits, alpha, beta, batch, HEATMAP_REDUCTION_CODE[reduction], out);
}

// ---------------------------------------------------------------------------------------------
// gaussianRadius

export interface GaussianRadiusOptions {
  /** Minimum IoU a box displaced by the radius must keep with the original (default 0.7). */
  minOverlap?: number;
  /** 'cornernet' (default): the corrected formula (mmdetection); 'centernet': the one CenterNet ships. */
  variant?: 'cornernet' | 'centernet';
}

const RADIUS_OPTIONS = new Set(['minOverlap', 'variant']);

/**
 * The largest corner displacement r for which a box of this size still overlaps the ground truth with
 * IoU >= minOverlap (CornerNet, Law & Deng 2018, §3.2): the smallest of three cases, each a quadratic
 * a r² + b r + c = 0. Returned unrounded (callers usually take max(0, floor(r))).
 */
export function gaussianRadius(height: number, width: number, opts?: GaussianRadiusOptions): number {
  const fn = 'gaussianRadius';
  const o = options(fn, opts, RADIUS_OPTIONS);
  const h = numberIn(fn, 'height', height, 0, Infinity, false, true);
  const w = numberIn(fn, 'width', width, 0, Infinity, false, true);
  const ov = o.minOverlap === undefined ? 0.7 : numberIn(fn, 'minOverlap', o.minOverlap, 0, 1, true, true);
  const variant = o.variant === undefined ? 'cornernet' : oneOf(fn, 'variant', o.variant, ['cornernet', 'centernet'] as const);
  // Case 1, one corner inside and one outside the box: (h-r)(w-r) / (2hw - (h-r)(w-r)) = o.
  // Case 2, both corners inside:                       (h-2r)(w-2r) / hw = o.
  // Case 3, both corners outside:                      hw / ((h+2r)(w+2r)) = o.
  const quads: Array<[number, number, number]> = [
    [1, -(h + w), (w * h * (1 - ov)) / (1 + ov)],
    [4, -2 * (h + w), (1 - ov) * w * h],
    [4 * ov, 2 * ov * (h + w), -(1 - ov) * w * h],
  ];
  let r = Infinity;
  quads.forEach(([a, b, c], i) => {
    const sq = Math.sqrt(b * b - 4 * a * c);
    let ri: number;
    if (variant === 'centernet') {
      // CenterNet's code: (-b + sqrt(b² - 4ac)) / 2 in every case, i.e. the larger root of cases 1
      // and 2 and without the division by a; kept to reproduce its targets.
      ri = (-b + sq) / 2;
    } else if (i < 2) {
      // The smaller root, (-b - sq) / 2a, written as 2c / (-b + sq) so it does not cancel.
      ri = c !== 0 ? (2 * c) / (-b + sq) : 0;
    } else {
      ri = (-b + sq) / (2 * a);
    }
    r = Math.min(r, ri);
  });
  return r;
}

// ---------------------------------------------------------------------------------------------
// drawGaussian / renderHeatmaps

export interface MapShape {
  height: number;
  width: number;
}

export interface DrawGaussianOptions {
  /** Peak value (default 1). */
  k?: number;
}

const DRAW_OPTIONS = new Set(['k']);
const SHAPE_KEYS = new Set(['height', 'width']);

// drawGaussian's second argument, `size` ({ height, width } in API.md's signature).
function sizeOf(fn: string, v: unknown): { h: number; w: number } {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || ArrayBuffer.isView(v)) {
    throw typeError(fn, 'size', 'an object { height, width }', v);
  }
  const s = options(fn, v, SHAPE_KEYS);
  return { h: nonNegativeInt(fn, 'size.height', s.height), w: nonNegativeInt(fn, 'size.width', s.width) };
}

/**
 * Paints k·exp(-(dx²+dy²)/(2σ²)), σ = (2r+1)/6, over the (2r+1)² window centred at integer (x, y)
 * of a height×width map, in place, combining by max (CenterNet's draw_umich_gaussian). Kernel values
 * below DBL_EPSILON (relative to its peak) are zeroed. The window is clipped at the borders: a centre
 * on or beyond a border paints the part that reaches inside (nothing if none does). Radius 0 paints
 * the single pixel with k.
 */
export function drawGaussian<T extends FloatArray | number[]>(heatmap: T, size: MapShape, x: number, y: number, radius: number, opts?: DrawGaussianOptions): T {
  return drawGaussianWith(native, heatmap, size, x, y, radius, opts) as T;
}

/**
 * drawGaussian written against `n`; through the promise twin the painting runs off the event loop
 * (one block) and a number[] heatmap is written back when it is done.
 */
export function drawGaussianWith<T extends FloatArray | number[]>(
  n: Native, heatmap: T, size: MapShape, x: number, y: number, radius: number, opts?: DrawGaussianOptions,
): T | Promise<T> {
  const fn = 'drawGaussian';
  const o = options(fn, opts, DRAW_OPTIONS);
  const isArr = Array.isArray(heatmap);
  const hm = floatArray(fn, 'heatmap', heatmap);
  const { h, w } = sizeOf(fn, size);
  if (hm.length !== h * w) throw rangeError(fn, `heatmap.length (${hm.length}) must equal height × width (${h} × ${w})`);
  const cx = integer(fn, 'x', x);
  const cy = integer(fn, 'y', y);
  const r = nonNegativeInt(fn, 'radius', radius);
  if (r > 0x7fffffff) throw rangeError(fn, `radius must be < 2^31 (got ${r})`);
  const k = o.k === undefined ? 1 : numberIn(fn, 'k', o.k, 0, Infinity, false, true);
  const done = (): T => {
    if (isArr) {
      const arr = heatmap as number[];
      for (let i = 0; i < arr.length; i++) arr[i] = hm[i];
    }
    return heatmap;
  };
  const res: unknown = n.drawGaussian(hm, h, w, cx, cy, r, k);
  // The twin's call returns the addon's Promise, which may come from another realm than this
  // module's Promise (jest's vm contexts): test for a thenable, not instanceof.
  const then = res !== null && typeof res === 'object' ? (res as { then?: unknown }).then : undefined;
  return typeof then === 'function' ? (res as Promise<unknown>).then(done) : done();
}

/** One keypoint to render: image, channel (class), integer centre and radius. */
export interface HeatmapPoint {
  batch: number;
  channel: number;
  x: number;
  y: number;
  radius: number;
}

type IntColumn = ArrayLike<number>;
/** The same points as columns (typed arrays of any numeric type or number[], integer values). */
export interface HeatmapPointColumns {
  batch: IntColumn;
  channel: IntColumn;
  x: IntColumn;
  y: IntColumn;
  radius: IntColumn;
}

export interface RenderHeatmapsSpec {
  batch: number;
  channels: number;
  height: number;
  width: number;
  points: readonly HeatmapPoint[] | HeatmapPointColumns;
}

const SPEC_KEYS = new Set(['batch', 'channels', 'height', 'width', 'points']);
const POINT_FIELDS = ['batch', 'channel', 'x', 'y', 'radius'] as const;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/**
 * Renders CenterNet-style targets: a zeroed Float32Array [batch, channels, height, width] with one
 * Gaussian per point (drawGaussian with k = 1) in plane [point.batch, point.channel]. One native call.
 */
export function renderHeatmaps(spec: RenderHeatmapsSpec): Float32Array {
  return renderHeatmapsWith(native, spec);
}

/** renderHeatmaps written against `addon` (the promise twin renders off the event loop, in one block). */
export function renderHeatmapsWith(addon: Native, spec: RenderHeatmapsSpec): Float32Array {
  const fn = 'renderHeatmaps';
  if (spec === undefined) throw typeError(fn, 'spec', 'an object { batch, channels, height, width, points }', spec);
  const s = options(fn, spec, SPEC_KEYS);
  // Positive: a map with no pixels (or no planes) cannot hold the points it is asked to draw.
  const B = positiveInt(fn, 'batch', s.batch);
  const C = positiveInt(fn, 'channels', s.channels);
  const H = positiveInt(fn, 'height', s.height);
  const W = positiveInt(fn, 'width', s.width);
  const total = B * C * H * W;
  if (!Number.isSafeInteger(total) || total > 0x7fffffff) throw rangeError(fn, `batch × channels × height × width (${total}) is too large`);
  const pts = s.points;
  let n: number;
  let get: (f: (typeof POINT_FIELDS)[number], i: number) => unknown;
  let where: (f: string, i: number) => string;
  if (Array.isArray(pts)) {
    n = pts.length;
    for (let i = 0; i < n; i++) {
      const p = pts[i];
      if (p === null || typeof p !== 'object') throw typeError(fn, `points[${i}]`, 'an object { batch, channel, x, y, radius }', p);
    }
    get = (f, i) => (pts[i] as Record<string, unknown>)[f];
    where = (f, i) => `points[${i}].${f}`;
  } else if (pts !== null && typeof pts === 'object' && !ArrayBuffer.isView(pts)) {
    const cols = pts as Record<string, unknown>;
    n = -1;
    for (const f of POINT_FIELDS) {
      const c = cols[f];
      if (!(Array.isArray(c) || isIntArray(c) || isFloatArray(c))) {
        throw typeError(fn, `points.${f}`, 'a typed array or number[] (columnar points)', c);
      }
      if (n < 0) n = c.length;
      else if (c.length !== n) throw rangeError(fn, `points.${f}.length (${c.length}) must equal points.batch.length (${n})`);
    }
    get = (f, i) => (cols[f] as ArrayLike<unknown>)[i];
    where = (f, i) => `points.${f}[${i}]`;
  } else {
    throw typeError(fn, 'points', 'an array of { batch, channel, x, y, radius } or an object of columns', pts);
  }
  const col = POINT_FIELDS.map(() => new Int32Array(n));
  const limit = [B, C];
  for (let i = 0; i < n; i++) {
    POINT_FIELDS.forEach((f, j) => {
      const v = get(f, i);
      if (typeof v !== 'number') throw typeError(fn, where(f, i), 'an integer', v);
      if (!Number.isInteger(v) || v < INT32_MIN || v > INT32_MAX) throw rangeError(fn, `${where(f, i)} = ${v} is not a 32-bit integer`);
      if (j < 2 && (v < 0 || v >= limit[j])) {
        throw rangeError(fn, `${where(f, i)} = ${v} is out of range [0, ${limit[j]}) (${j === 0 ? 'batch' : 'channels'} is ${limit[j]})`);
      }
      if (f === 'radius' && v < 0) throw rangeError(fn, `${where(f, i)} = ${v} must be >= 0`);
      col[j][i] = v;
    });
  }
  const out = new Float32Array(total);
  return addon.renderHeatmaps(B, C, H, W, col[0], col[1], col[2], col[3], col[4], out) as Float32Array;
}

// ---------------------------------------------------------------------------------------------
// mseLoss

export interface MseLossOptions {
  /**
   * Weights of length L dividing n: element i takes weight[floor(i / (n / L))]. L = n: per element;
   * L = C for one [C, H, W] map (or B·C for a batch): per channel.
   */
  weight?: FloatInput;
  reduction?: Reduction;
  out?: FloatArray;
}

const MSE_OPTIONS = new Set(['weight', 'reduction', 'out']);

/** Σ w·(pred - target)² ; 'mean' divides by the element count (as (w * (p - t) ** 2).mean()), not by Σw. */
export function mseLoss(pred: FloatInput, target: FloatInput, options?: MseLossOptions & { reduction?: 'mean' | 'sum' }): number;
export function mseLoss<T extends FloatArray>(pred: T, target: FloatInput, options: MseLossOptions & { reduction: 'none' }): T;
export function mseLoss(pred: FloatInput, target: FloatInput, options?: MseLossOptions): number | FloatArray;
export function mseLoss(pred: FloatInput, target: FloatInput, opts?: MseLossOptions): number | FloatArray {
  return mseLossWith(native, pred, target, opts);
}

/** mseLoss written against `n` (the addon, or the promise twin's view of it). */
export function mseLossWith(n: Native, pred: FloatInput, target: FloatInput, opts?: MseLossOptions): number | FloatArray {
  const fn = 'mseLoss';
  const o = options(fn, opts, MSE_OPTIONS);
  const x = floatArray(fn, 'pred', pred);
  const t = floatArray(fn, 'target', target);
  sameLength(fn, 'target', t, 'pred', x);
  let w: FloatArray | null = null;
  if (o.weight !== undefined) {
    w = floatArray(fn, 'weight', o.weight);
    if (w.length === 0 || x.length % w.length !== 0) {
      throw rangeError(fn, `weight.length (${w.length}) must divide pred.length (${x.length}) (per element, or per channel)`);
    }
  }
  const reduction = reductionOf(fn, o.reduction);
  const out = outFor(fn, reduction, 'none', o.out, x, x.length);
  return n.mseLoss(x, t, w, REDUCTION_CODE[reduction], out);
}

// ---------------------------------------------------------------------------------------------
// Meter kinds. Each update calls the function with reduction 'sum'; the addon leaves the float64
// sums in native.stats (or the promise call's control array): [loss, weight, count].

// binaryCrossEntropy, sigmoidFocalLoss, mseLoss: weight = count = elements ('mean' divides by them).
defineMeterKind('binaryCrossEntropy', {
  sync: binaryCrossEntropy, with: binaryCrossEntropyWith,
  reductions: ['mean', 'sum'], callReduction: 'sum',
  denominator: (reduction, s) => (reduction === 'sum' ? 1 : s.weight),
});
defineMeterKind('sigmoidFocalLoss', {
  sync: sigmoidFocalLoss, with: sigmoidFocalLossWith,
  reductions: ['mean', 'sum'], callReduction: 'sum',
  denominator: (reduction, s) => (reduction === 'sum' ? 1 : s.weight),
});
defineMeterKind('mseLoss', {
  sync: mseLoss, with: mseLossWith,
  reductions: ['mean', 'sum'], callReduction: 'sum',
  denominator: (reduction, s) => (reduction === 'sum' ? 1 : s.weight),
});
// softmaxFocalLoss: weight = count = rows whose label is not ignoreIndex (all ignored: NaN, as the call).
defineMeterKind('softmaxFocalLoss', {
  sync: softmaxFocalLoss, with: softmaxFocalLossWith,
  reductions: ['mean', 'sum'], callReduction: 'sum',
  denominator: (reduction, s) => (reduction === 'sum' ? 1 : s.weight),
});
// heatmapFocalLoss: stats [loss, positives, pixels, positive loss]; 'mean' divides by the positives
// over everything seen, or by 1 when there are none (the negative sum), exactly as one call does.
defineMeterKind('heatmapFocalLoss', {
  sync: heatmapFocalLoss, with: heatmapFocalLossWith,
  reductions: ['mean', 'sum'], callReduction: 'sum',
  denominator: (reduction, s) => (reduction === 'sum' ? 1 : s.weight > 0 ? s.weight : 1),
});
