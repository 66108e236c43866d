// `losskit score`: streams predictions and targets through one loss, in blocks of whole samples,
// with accuracy and calibration alongside for classification losses.
//
// The loss of a block is taken with reduction 'sum' and the denominators are accumulated beside it,
// each exactly as the single-call 'mean' forms it (PyTorch's rules, test/support/README.md):
//   cross-entropy       Σ weight[label] over non-ignored positions (their count without weight)
//   soft-cross-entropy  samples × spatial positions
//   kl                  rows ('batchmean'), rows × K ('mean')
//   bce, sigmoid-focal, mse   elements
//   softmax-focal       non-ignored samples
//   heatmap-focal       positives (gt == 1); none at all → 1 (the un-normalised sum, as CornerNet)
// so sum / denominator over all blocks is the loss one call on the whole file would return.
import * as lk from '../index';
import { fileError, UserError } from './errors';
import { ClassificationMetrics, LossHistogram, type MetricsResult } from './metrics';
import { NpyWriter } from './npy';
import { openSource, readAll, type ArraySource, type NumArray } from './sources';

type FloatArray = Float32Array | Float64Array;
type AnyFn = (...args: unknown[]) => unknown;

export const KINDS = ['cross-entropy', 'soft-cross-entropy', 'kl', 'bce', 'sigmoid-focal', 'softmax-focal', 'heatmap-focal', 'mse'] as const;
export type Kind = (typeof KINDS)[number];

/** The losskit function behind each kind. */
export const FUNCTION_OF: Record<Kind, string> = {
  'cross-entropy': 'crossEntropy',
  'soft-cross-entropy': 'softCrossEntropy',
  kl: 'klDivergence',
  bce: 'binaryCrossEntropy',
  'sigmoid-focal': 'sigmoidFocalLoss',
  'softmax-focal': 'softmaxFocalLoss',
  'heatmap-focal': 'heatmapFocalLoss',
  mse: 'mseLoss',
};

/** The loss-specific flags each kind accepts (beyond the common ones). */
export const KIND_FLAGS: Record<Kind, readonly string[]> = {
  'cross-entropy': ['classes', 'spatial', 'inputs', 'epsilon', 'weight', 'ignore-index', 'label-smoothing', 'smoothing', 'reduction', 'base', 'temperature'],
  'soft-cross-entropy': ['classes', 'spatial', 'inputs', 'epsilon', 'weight', 'label-smoothing', 'reduction', 'base', 'temperature'],
  kl: ['classes', 'inputs', 'reduction', 'base', 'temperature'],
  bce: ['inputs', 'pos-weight', 'weight', 'reduction', 'base', 'temperature'],
  'sigmoid-focal': ['alpha', 'gamma', 'reduction', 'temperature'],
  'softmax-focal': ['classes', 'inputs', 'alpha', 'gamma', 'ignore-index', 'reduction', 'temperature'],
  'heatmap-focal': ['inputs', 'alpha', 'beta', 'batch', 'reduction', 'temperature'],
  mse: ['weight', 'reduction'],
};

const CLASSIFICATION_FLAGS = ['top-k', 'bins', 'class-names'];
const METRIC_KINDS: readonly Kind[] = ['cross-entropy', 'soft-cross-entropy', 'kl', 'softmax-focal', 'bce', 'sigmoid-focal'];

export interface ScoreOptions {
  kind: Kind;
  input: string;
  target: string;
  classes?: number;
  spatial?: number;
  inputs?: string;
  epsilon?: number;
  weight?: string;
  posWeight?: string | number;
  ignoreIndex?: number;
  labelSmoothing?: number;
  smoothing?: string;
  reduction?: string;
  base?: number;
  alpha?: string | number;
  gamma?: number;
  beta?: number;
  batch?: number;
  temperature?: number;
  topK?: number[];
  bins?: number;
  classNames?: string[];
  perSample?: string;
  /** Keep what the HTML report shows (per-sample losses in a histogram, heatmap previews). */
  collect?: boolean;
  /** Rows per block (default: about 2^20 values). */
  blockRows?: number;
  /** Called after each block with the elements of input read so far and the total. */
  progress?: (done: number, total: number) => void;
}

export interface HeatmapPreview {
  height: number;
  width: number;
  /** One entry per previewed image: channel-max planes of prediction and target (as probabilities). */
  images: Array<{ index: number; pred: Float32Array; target: Float32Array }>;
}

export interface ScoreResult {
  kind: Kind;
  fn: string;
  loss: number;
  reduction: string;
  base: number;
  /** Samples scored: positions (N·S) for classification, elements for element-wise losses, images for heatmaps. */
  count: number;
  /** The denominator of the mean (1 for 'sum'). */
  weight: number;
  ignored?: number;
  classes?: number;
  spatial?: number;
  positives?: number;
  metrics?: MetricsResult;
  classNames?: string[];
  histogram?: LossHistogram;
  heatmaps?: HeatmapPreview;
  input: { file: string; shape: number[]; dtype: string };
  target: { file: string; shape: number[]; dtype: string };
  perSample?: { file: string; shape: number[] };
  seconds: number;
}

const BLOCK_VALUES = 1 << 20;

function lib(): Record<string, AnyFn> {
  return lk as unknown as Record<string, AnyFn>;
}

/** The losskit function for a kind, or a user error saying this build does not have it. */
export function lossFunction(kind: Kind): AnyFn {
  const name = FUNCTION_OF[kind];
  const f = lib()[name];
  if (typeof f !== 'function') {
    throw new UserError(`--loss ${kind} needs losskit.${name}, which is not available in this build of losskit (${version()})`);
  }
  return f;
}

function version(): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return 'version ' + (require('../../package.json') as { version: string }).version;
  } catch {
    return 'unknown version';
  }
}

const prod = (a: readonly number[]) => a.reduce((x, y) => x * y, 1);
const shapeText = (s: readonly number[]) => `(${s.join(', ')}${s.length === 1 ? ',' : ''})`;

function toFloat(a: NumArray): FloatArray {
  return a instanceof Float32Array || a instanceof Float64Array ? a : Float64Array.from(a);
}

/** Integer labels from any numeric block, checked against [0, K) (ignoreIndex allowed). */
function toLabels(a: NumArray, file: string, first: number, k: number, ignore: number | undefined): Int32Array {
  const out = new Int32Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (!Number.isInteger(v)) throw fileError(file, `labels[${first + i}] = ${v} is not an integer class index`);
    if (v !== ignore && (v < 0 || v >= k)) {
      throw fileError(file, `labels[${first + i}] = ${v} is out of range [0, ${k})${ignore !== undefined ? ` and is not the ignore index ${ignore}` : ''}`);
    }
    out[i] = v;
  }
  return out;
}

/** Reads a small whole file (weights, per-class alpha) as float64. */
function readVector(file: string): Float64Array {
  const src = openSource(file);
  try {
    return Float64Array.from(readAll(src));
  } finally {
    src.close();
  }
}

/**
 * Calls a losskit function; a RangeError/TypeError it raises about its arguments (a flag value out
 * of range, say) is a user error, reported with the function's own message.
 */
function call(f: AnyFn, fn: string, args: unknown[]): unknown {
  try {
    return f(...args);
  } catch (e) {
    if ((e instanceof RangeError || e instanceof TypeError) && e.message.startsWith(fn + ': ')) throw new UserError(e.message);
    throw e;
  }
}

interface Plan {
  n: number; // samples (rows of the first axis we stream over)
  inRow: number; // input values per sample
  tgRow: number; // target values per sample
  k?: number;
  s?: number;
  batch?: number;
  outShape: number[]; // per-sample output shape
}

function planShapes(o: ScoreOptions, inp: ArraySource, tgt: ArraySource): Plan {
  const kind = o.kind;
  const ish = inp.shape, tsh = tgt.shape;
  const inDesc = `${inp.file} has shape ${shapeText(ish)}`;
  const mismatch = (why: string): never => {
    throw fileError(tgt.file, `${why} (${inDesc}, ${tgt.file} has shape ${shapeText(tsh)})`);
  };
  if (kind === 'cross-entropy' || kind === 'softmax-focal' || kind === 'soft-cross-entropy' || kind === 'kl') {
    const labels = kind === 'cross-entropy' || kind === 'softmax-focal';
    let k = o.classes, s = o.spatial;
    if (ish.length >= 2) {
      if (k !== undefined && ish[1] !== k) throw fileError(inp.file, `shape ${shapeText(ish)} has ${ish[1]} classes on axis 1, but --classes is ${k}`);
      k = ish[1];
      const sp = prod(ish.slice(2));
      if (s !== undefined && s !== sp) throw fileError(inp.file, `shape ${shapeText(ish)} has ${sp} spatial positions, but --spatial is ${s}`);
      s = sp;
    }
    s ??= 1;
    if ((kind === 'kl' || kind === 'softmax-focal') && s !== 1) {
      throw fileError(inp.file, `--loss ${kind} takes [N, K] rows; shape ${shapeText(ish)} has spatial positions`);
    }
    if (k === undefined) {
      if (!labels || s !== 1) throw fileError(inp.file, `is flat (shape ${shapeText(ish)}): pass --classes K`);
      if (tgt.length === 0 || inp.length % tgt.length !== 0) {
        throw fileError(inp.file, `cannot infer the number of classes: ${inp.length} values is not a multiple of ${tgt.length} labels in ${tgt.file}; pass --classes K`);
      }
      k = inp.length / tgt.length;
    }
    if (inp.length % (k * s) !== 0) throw fileError(inp.file, `${inp.length} values is not a multiple of classes × spatial (${k} × ${s})`);
    const n = inp.length / (k * s);
    if (labels) {
      if (tgt.length !== n * s) mismatch(`has ${tgt.length} labels, expected ${n * s} (one per sample${s > 1 ? ' and position' : ''})`);
    } else if (tgt.length !== inp.length) {
      mismatch(`has ${tgt.length} values, expected ${inp.length} (a distribution per row, like the input)`);
    }
    const outShape = s === 1 ? [n] : ish.length >= 3 ? [n, ...ish.slice(2)] : [n, s];
    return { n, inRow: k * s, tgRow: labels ? s : k * s, k, s, outShape };
  }
  if (tgt.length !== inp.length) mismatch(`has ${tgt.length} values, expected ${inp.length} (one target per prediction)`);
  if (kind === 'heatmap-focal') {
    const b = o.batch ?? (ish.length >= 3 ? ish[0] : 1);
    if (b < 1 || inp.length % b !== 0) throw fileError(inp.file, `${inp.length} values cannot be split into --batch ${b} images`);
    return { n: b, inRow: inp.length / b, tgRow: inp.length / b, batch: b, outShape: [b] };
  }
  const n = ish.length === 0 ? 1 : ish[0];
  const row = n === 0 ? 1 : inp.length / n;
  return { n, inRow: row, tgRow: row, outShape: ish.length === 0 ? [1] : ish };
}

function checkFlags(o: ScoreOptions): void {
  const given = Object.entries({
    classes: o.classes, spatial: o.spatial, inputs: o.inputs, epsilon: o.epsilon, weight: o.weight, 'pos-weight': o.posWeight,
    'ignore-index': o.ignoreIndex, 'label-smoothing': o.labelSmoothing, smoothing: o.smoothing, reduction: o.reduction, base: o.base,
    alpha: o.alpha, gamma: o.gamma, beta: o.beta, batch: o.batch, temperature: o.temperature, 'top-k': o.topK, bins: o.bins,
    'class-names': o.classNames,
  }).filter(([, v]) => v !== undefined);
  const allowed = new Set([...KIND_FLAGS[o.kind], ...(METRIC_KINDS.includes(o.kind) ? CLASSIFICATION_FLAGS : [])]);
  for (const [name] of given) {
    if (!allowed.has(name)) throw new UserError(`--${name} does not apply to --loss ${o.kind} (it takes: ${[...allowed].map((f) => '--' + f).join(' ')})`);
  }
  const r = o.reduction;
  if (r !== undefined) {
    const ok = o.kind === 'kl' ? ['batchmean', 'mean', 'sum'] : ['mean', 'sum'];
    if (r === 'none' || r === 'per-sample') throw new UserError(`--reduction ${r}: use --per-sample FILE.npy for one value per sample`);
    if (!ok.includes(r)) throw new UserError(`--reduction must be one of ${ok.join(', ')} for --loss ${o.kind} (got '${r}')`);
  }
  if (o.temperature !== undefined) {
    if (!(o.temperature > 0) || !Number.isFinite(o.temperature)) throw new UserError(`--temperature must be a positive number (got ${o.temperature})`);
    const inputs = o.inputs ?? (o.kind === 'heatmap-focal' || o.kind === 'kl' ? 'probabilities' : 'logits');
    if (inputs !== 'logits') throw new UserError(`--temperature divides logits; it does not apply to --inputs ${inputs}`);
  }
}

/** Rows [1-p, p] and labels t >= 0.5 for the binary kinds' metrics. */
function binaryRows(x: FloatArray, t: FloatArray, logits: boolean): { probs: Float64Array; logProbs: Float64Array; labels: Int32Array } {
  const n = x.length, probs = new Float64Array(2 * n), logProbs = new Float64Array(2 * n), labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let lp1: number, lp0: number;
    if (logits) {
      // log σ(x) = -log1p(exp(-x)), stable on both sides
      const v = x[i];
      const sp = (z: number) => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));
      lp1 = -sp(-v);
      lp0 = -sp(v);
    } else {
      const p = Math.min(Math.max(x[i], 1e-7), 1 - 1e-7);
      lp1 = Math.log(p);
      lp0 = Math.log1p(-p);
    }
    logProbs[2 * i] = lp0;
    logProbs[2 * i + 1] = lp1;
    probs[2 * i] = Math.exp(lp0);
    probs[2 * i + 1] = Math.exp(lp1);
    labels[i] = t[i] >= 0.5 ? 1 : 0;
  }
  return { probs, logProbs, labels };
}

/** [K, S] blocks of a sample → [S, K] rows (the class axis last), for the metrics. */
function classLast(x: FloatArray, k: number, s: number): FloatArray {
  if (s === 1) return x;
  const out = new (x.constructor as Float64ArrayConstructor)(x.length);
  const per = k * s;
  for (let base = 0; base < x.length; base += per) {
    for (let c = 0; c < k; c++) for (let j = 0; j < s; j++) out[base + j * k + c] = x[base + c * s + j];
  }
  return out;
}

function argmaxRows(t: FloatArray, k: number): Int32Array {
  const n = t.length / k, out = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (t[r * k + c] > t[r * k + best]) best = c;
    out[r] = best;
  }
  return out;
}

export function score(o: ScoreOptions): ScoreResult {
  const t0 = Date.now();
  checkFlags(o);
  const f = lossFunction(o.kind);
  const fn = FUNCTION_OF[o.kind];
  const inp = openSource(o.input);
  let tgt: ArraySource | undefined;
  let writer: NpyWriter | undefined;
  try {
    tgt = openSource(o.target);
    const plan = planShapes(o, inp, tgt);
    const { n, k, s } = plan;
    const kind = o.kind;
    const labelKind = kind === 'cross-entropy' || kind === 'softmax-focal';
    const defaultInputs = kind === 'heatmap-focal' || kind === 'kl' ? 'probabilities' : 'logits';
    const inputs = o.inputs ?? defaultInputs;
    const reduction = o.reduction ?? (kind === 'kl' ? 'batchmean' : 'mean');
    const ignore = labelKind ? (o.ignoreIndex ?? -100) : undefined;

    // options for the losskit call (reduction added per call)
    const opts: Record<string, unknown> = {};
    let classWeight: Float64Array | undefined;
    let elementWeight: Float64Array | undefined;
    if (k !== undefined) opts.classes = k;
    if (s !== undefined && s > 1) opts.spatial = s;
    if (o.inputs !== undefined) opts.inputs = o.inputs;
    if (o.epsilon !== undefined) opts.epsilon = o.epsilon;
    if (o.labelSmoothing !== undefined) opts.labelSmoothing = o.labelSmoothing;
    if (o.smoothing !== undefined) opts.smoothing = o.smoothing;
    if (labelKind && o.ignoreIndex !== undefined) opts.ignoreIndex = o.ignoreIndex;
    if (o.base !== undefined) opts.base = o.base;
    if (o.gamma !== undefined) opts.gamma = o.gamma;
    if (o.beta !== undefined) opts.beta = o.beta;
    if (o.alpha !== undefined) opts.alpha = typeof o.alpha === 'string' ? readVector(o.alpha) : o.alpha;
    if (kind === 'softmax-focal' && opts.alpha instanceof Float64Array && opts.alpha.length !== k) {
      throw fileError(o.alpha as string, `has ${opts.alpha.length} values, expected one alpha per class (${k})`);
    }
    if (o.posWeight !== undefined) opts.posWeight = typeof o.posWeight === 'string' ? readVector(o.posWeight) : new Float64Array([o.posWeight]);
    if (o.weight !== undefined) {
      const w = readVector(o.weight);
      if (kind === 'cross-entropy' || kind === 'soft-cross-entropy') {
        if (w.length !== k) throw fileError(o.weight, `has ${w.length} values, expected one weight per class (${k})`);
        classWeight = w;
        opts.weight = w;
      } else {
        if (w.length === 0 || inp.length % w.length !== 0) {
          throw fileError(o.weight, `has ${w.length} weights, which does not divide the ${inp.length} values of ${inp.file}`);
        }
        elementWeight = w;
      }
    }
    const posC = opts.posWeight instanceof Float64Array ? opts.posWeight.length : 1;

    // rows per block: whole samples, about BLOCK_VALUES values; a multiple of posWeight's period
    let rows = o.blockRows ?? Math.max(1, Math.floor(BLOCK_VALUES / Math.max(1, plan.inRow)));
    if (posC > 1 && plan.inRow % posC !== 0) rows = Math.ceil(rows / posC) * posC;

    const wantMetrics = METRIC_KINDS.includes(kind);
    const metricsK = kind === 'bce' || kind === 'sigmoid-focal' ? 2 : k!;
    const metrics = wantMetrics
      ? new ClassificationMetrics({ classes: metricsK, topK: [...new Set([1, ...(o.topK ?? [])])], bins: o.bins ?? 15, binary: metricsK === 2 && !k })
      : undefined;
    const wantPerSample = !!o.perSample || !!o.collect || (wantMetrics && (kind === 'cross-entropy' || kind === 'softmax-focal' || kind === 'soft-cross-entropy' || kind === 'kl'));
    const histogram = wantPerSample ? new LossHistogram() : undefined;
    const outFloat64 = !(inp.dtype === "'<f4'" || inp.dtype === "'>f4'" || inp.dtype === "'<f2'" || inp.dtype === "'>f2'");
    if (o.perSample) {
      if (!o.perSample.toLowerCase().endsWith('.npy')) throw fileError(o.perSample, '--per-sample writes a .npy file; give the name a .npy extension');
      writer = new NpyWriter(o.perSample, outFloat64 ? '<f8' : '<f4', plan.outShape);
    }
    let preview: HeatmapPreview | undefined;
    if (kind === 'heatmap-focal' && o.collect) {
      const ish = inp.shape;
      const h = ish.length >= 2 ? ish[ish.length - 2] : 1, w = ish.length >= 1 ? ish[ish.length - 1] : 1;
      if (h * w > 0 && plan.inRow % (h * w) === 0) preview = { height: h, width: w, images: [] };
    }

    let sum = 0, denom = 0, ignored = 0, positives = 0, elementsDone = 0;
    const scale = o.temperature !== undefined ? 1 / o.temperature : 1;
    for (let r0 = 0; r0 < n; r0 += rows) {
      const m = Math.min(rows, n - r0);
      let x = toFloat(inp.read(m * plan.inRow));
      if (x.length !== m * plan.inRow) throw fileError(inp.file, 'ended early');
      if (scale !== 1) {
        x = x.slice(); // the reader's block may be shared (.json)
        for (let i = 0; i < x.length; i++) x[i] *= scale;
      }
      const raw = tgt.read(m * plan.tgRow);
      if (raw.length !== m * plan.tgRow) throw fileError(tgt.file, 'ended early');
      let y: Int32Array | FloatArray;
      if (labelKind) y = toLabels(raw, tgt.file, r0 * plan.tgRow, k!, ignore);
      else y = toFloat(raw);

      const callOpts = { ...opts };
      if (elementWeight) {
        const g = inp.length / elementWeight.length, a = r0 * plan.inRow, bw = new Float64Array(x.length);
        for (let i = 0; i < bw.length; i++) bw[i] = elementWeight[Math.floor((a + i) / g)];
        callOpts.weight = bw;
      }
      const args = kind === 'kl' ? [y, x] : [x, y]; // klDivergence(p = target, q = prediction)
      sum += call(f, fn, [...args, { ...callOpts, reduction: 'sum' }]) as number;

      // the denominators of 'mean'
      switch (kind) {
        case 'cross-entropy':
        case 'softmax-focal': {
          for (let i = 0; i < y.length; i++) {
            if (y[i] === ignore) ignored++;
            else denom += classWeight && kind === 'cross-entropy' ? classWeight[y[i]] : 1;
          }
          break;
        }
        case 'soft-cross-entropy':
          denom += m * s!;
          break;
        case 'kl':
          denom += reduction === 'mean' ? m * k! : m;
          break;
        case 'heatmap-focal':
          for (let i = 0; i < y.length; i++) if (y[i] === 1) positives++;
          break;
        default:
          denom += x.length;
      }

      let perSample: FloatArray | undefined;
      if (wantPerSample) {
        const pr = kind === 'heatmap-focal' ? { reduction: 'per-sample', batch: m } : { reduction: 'none' };
        perSample = call(f, fn, [...args, { ...callOpts, ...pr }]) as FloatArray;
        writer?.write(perSample);
        histogram?.add(perSample);
      }

      if (metrics) {
        if (kind === 'bce' || kind === 'sigmoid-focal') {
          const b = binaryRows(x, y as FloatArray, inputs === 'logits');
          metrics.update(b.probs, b.labels, { logProbs: b.logProbs, losses: perSample });
        } else {
          const kk = k!;
          const rowsX = classLast(x, kk, s!);
          let probs: FloatArray, logProbs: FloatArray;
          if (inputs === 'logits') {
            logProbs = lk.logSoftmax(rowsX, { classes: kk });
            probs = lk.softmax(rowsX, { classes: kk });
          } else if (inputs === 'log-probabilities') {
            logProbs = rowsX;
            probs = rowsX.map(Math.exp);
          } else {
            // probabilities: the log is clipped like the loss's (epsilon, default 1e-7)
            const eps = o.epsilon ?? 1e-7;
            probs = rowsX;
            logProbs = rowsX.map((p) => Math.log(Math.min(Math.max(p, eps), 1 - eps)));
          }
          const labels = labelKind ? (y as Int32Array) : argmaxRows(classLast(y as FloatArray, kk, s!), kk);
          const losses = perSample && perSample.length === labels.length ? perSample : undefined;
          metrics.update(probs, labels, { logProbs, losses });
        }
      }

      if (preview && preview.images.length < 4) {
        const hw = preview.height * preview.width, ch = plan.inRow / hw;
        const logits = inputs === 'logits';
        for (let im = 0; im < m && preview.images.length < 4; im++) {
          const pred = new Float32Array(hw).fill(-Infinity), tg = new Float32Array(hw).fill(-Infinity);
          for (let c = 0; c < ch; c++) {
            for (let p = 0; p < hw; p++) {
              const at = im * plan.inRow + c * hw + p;
              const v = logits ? 1 / (1 + Math.exp(-x[at])) : x[at];
              if (v > pred[p]) pred[p] = v;
              if (y[at] > tg[p]) tg[p] = y[at];
            }
          }
          preview.images.push({ index: r0 + im, pred, target: tg });
        }
      }

      elementsDone += x.length;
      o.progress?.(elementsDone, inp.length);
    }
    if (kind === 'heatmap-focal') denom = positives > 0 ? positives : 1;
    const loss = reduction === 'sum' ? sum : sum / denom;
    writer?.close();
    writer = undefined;

    const count = kind === 'heatmap-focal' ? n : labelKind || kind === 'soft-cross-entropy' || kind === 'kl' ? n * (s ?? 1) : inp.length;
    const result: ScoreResult = {
      kind,
      fn,
      loss,
      reduction,
      base: o.base ?? Math.E,
      count,
      weight: reduction === 'sum' ? 1 : denom,
      input: { file: inp.file, shape: inp.shape, dtype: inp.dtype },
      target: { file: tgt.file, shape: tgt.shape, dtype: tgt.dtype },
      seconds: (Date.now() - t0) / 1000,
    };
    if (labelKind) result.ignored = ignored;
    if (k !== undefined) result.classes = k;
    if (s !== undefined) result.spatial = s;
    if (kind === 'heatmap-focal') result.positives = positives;
    if (metrics) result.metrics = metrics.result();
    if (o.classNames) {
      if (k !== undefined && o.classNames.length !== k) throw new UserError(`--class-names gives ${o.classNames.length} names for ${k} classes`);
      result.classNames = o.classNames;
    }
    if (histogram) result.histogram = histogram;
    if (preview) result.heatmaps = preview;
    if (o.perSample) result.perSample = { file: o.perSample, shape: plan.outShape };
    return result;
  } finally {
    inp.close();
    tgt?.close();
    if (writer) {
      try {
        writer.close();
      } catch {
        /* an error is already on its way */
      }
    }
  }
}
