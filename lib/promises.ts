// losskit/promises: every array-taking function with the same signature, returning a Promise.
// The work runs on the libuv thread pool (large inputs split into blocks across threads); inputs
// are held until the Promise settles and must not be mutated (or transferred) before then.
// Argument errors reject with the same TypeError / RangeError as the synchronous function.
import { twin } from './async';
import type { AsyncOptions } from './async';
import * as cls from './classification';
import type { CrossEntropyOptions, LogSumExpOptions, SoftCrossEntropyOptions, SoftmaxOptions } from './classification';
import * as dense from './dense';
import type {
  BinaryCrossEntropyOptions, DrawGaussianOptions, HeatmapFocalLossOptions, MapShape, MseLossOptions, RenderHeatmapsSpec, SigmoidFocalLossOptions,
  SoftmaxFocalLossOptions,
} from './dense';
import * as dist from './distributions';
import type { EmpiricalDistributionOptions, EntropyOptions, FlipLabelsOptions, KlDivergenceOptions, SmoothLabelsOptions } from './distributions';
import type { FloatArray, FloatInput, LabelInput } from './types';

export type { AsyncOptions } from './async';
export { createMeter, meterFromJSON } from './meter';
export type { Meter, MeterResult, MeterJSON } from './meter';

/** Options of a promise twin: the function's own, plus `signal`. */
export type WithSignal<O> = O & AsyncOptions;

/** log-sum-exp per row of `classes`, or of the whole array (see the synchronous logSumExp). */
export function logSumExp(x: FloatInput, options?: WithSignal<LogSumExpOptions & { classes?: undefined }>): Promise<number>;
export function logSumExp<T extends FloatArray>(x: T, options: WithSignal<LogSumExpOptions & { classes: number }>): Promise<T>;
export function logSumExp(x: FloatInput, options: WithSignal<LogSumExpOptions & { classes: number }>): Promise<FloatArray>;
export function logSumExp(...args: unknown[]): Promise<number | FloatArray> {
  return logSumExpTwin(...args);
}
const logSumExpTwin = twin('logSumExp', cls.logSumExpWith, 1);

/** Row-wise softmax (see the synchronous softmax). */
export function softmax<T extends FloatArray>(x: T, options?: WithSignal<SoftmaxOptions>): Promise<T>;
export function softmax(x: FloatInput, options?: WithSignal<SoftmaxOptions>): Promise<FloatArray>;
export function softmax(...args: unknown[]): Promise<FloatArray> {
  return softmaxTwin(...args);
}
const softmaxTwin = twin('softmax', cls.softmaxWith, 1);

/** Row-wise log-softmax (see the synchronous logSoftmax). */
export function logSoftmax<T extends FloatArray>(x: T, options?: WithSignal<SoftmaxOptions>): Promise<T>;
export function logSoftmax(x: FloatInput, options?: WithSignal<SoftmaxOptions>): Promise<FloatArray>;
export function logSoftmax(...args: unknown[]): Promise<FloatArray> {
  return logSoftmaxTwin(...args);
}
const logSoftmaxTwin = twin('logSoftmax', cls.logSoftmaxWith, 1);

/** Cross-entropy with hard labels (see the synchronous crossEntropy). */
export function crossEntropy(input: FloatInput, labels: LabelInput, options?: WithSignal<CrossEntropyOptions> & { reduction?: 'mean' | 'sum' }): Promise<number>;
export function crossEntropy<T extends FloatArray>(input: T, labels: LabelInput, options: WithSignal<CrossEntropyOptions> & { reduction: 'none' }): Promise<T>;
export function crossEntropy(input: FloatInput, labels: LabelInput, options?: WithSignal<CrossEntropyOptions>): Promise<number | FloatArray>;
export function crossEntropy(...args: unknown[]): Promise<number | FloatArray> {
  return crossEntropyTwin(...args);
}
const crossEntropyTwin = twin('crossEntropy', cls.crossEntropyWith, 2);

/** Cross-entropy against probability targets (see the synchronous softCrossEntropy). */
export function softCrossEntropy(input: FloatInput, targets: FloatInput, options: WithSignal<SoftCrossEntropyOptions> & { reduction?: 'mean' | 'sum' }): Promise<number>;
export function softCrossEntropy<T extends FloatArray>(input: T, targets: FloatInput, options: WithSignal<SoftCrossEntropyOptions> & { reduction: 'none' }): Promise<T>;
export function softCrossEntropy(input: FloatInput, targets: FloatInput, options: WithSignal<SoftCrossEntropyOptions>): Promise<number | FloatArray>;
export function softCrossEntropy(...args: unknown[]): Promise<number | FloatArray> {
  return softCrossEntropyTwin(...args);
}
const softCrossEntropyTwin = twin('softCrossEntropy', cls.softCrossEntropyWith, 2);

/** KL divergence per row, reduced (see the synchronous klDivergence). */
export function klDivergence(p: FloatInput, q: FloatInput, options: WithSignal<KlDivergenceOptions> & { reduction?: 'batchmean' | 'sum' | 'mean' }): Promise<number>;
export function klDivergence<T extends FloatArray>(p: T, q: FloatInput, options: WithSignal<KlDivergenceOptions> & { reduction: 'none' }): Promise<T>;
export function klDivergence(p: FloatInput, q: FloatInput, options: WithSignal<KlDivergenceOptions>): Promise<number | FloatArray>;
export function klDivergence(...args: unknown[]): Promise<number | FloatArray> {
  return klDivergenceTwin(...args);
}
const klDivergenceTwin = twin('klDivergence', dist.klDivergenceWith, 2);

/** Entropy per row (see the synchronous entropy). */
export function entropy<T extends FloatArray>(p: T, options: WithSignal<EntropyOptions>): Promise<T>;
export function entropy(p: FloatInput, options: WithSignal<EntropyOptions>): Promise<FloatArray>;
export function entropy(...args: unknown[]): Promise<FloatArray> {
  return entropyTwin(...args);
}
const entropyTwin = twin('entropy', dist.entropyWith, 1);

/** Soft targets for hard labels (see the synchronous smoothLabels). */
export function smoothLabels(labels: LabelInput, options: WithSignal<SmoothLabelsOptions>): Promise<Float32Array> {
  return smoothLabelsTwin(labels, options);
}
const smoothLabelsTwin = twin('smoothLabels', dist.smoothLabelsWith, 1);

/** Seeded label flipping (see the synchronous flipLabels); one block: the bits depend on the index. */
export function flipLabels(labels: LabelInput, options: WithSignal<FlipLabelsOptions>): Promise<Int32Array> {
  return flipLabelsTwin(labels, options);
}
const flipLabelsTwin = twin('flipLabels', dist.flipLabelsWith, 1);

/** The empirical distribution of integer samples (see the synchronous empiricalDistribution). */
export function empiricalDistribution(samples: LabelInput, options: WithSignal<EmpiricalDistributionOptions>): Promise<Float64Array> {
  return empiricalDistributionTwin(samples, options);
}
const empiricalDistributionTwin = twin('empiricalDistribution', dist.empiricalDistributionWith, 1);

/** Binary cross-entropy (see the synchronous binaryCrossEntropy). */
export function binaryCrossEntropy(input: FloatInput, targets: FloatInput, options?: WithSignal<BinaryCrossEntropyOptions> & { reduction?: 'mean' | 'sum' }): Promise<number>;
export function binaryCrossEntropy<T extends FloatArray>(input: T, targets: FloatInput, options: WithSignal<BinaryCrossEntropyOptions> & { reduction: 'none' }): Promise<T>;
export function binaryCrossEntropy(input: FloatInput, targets: FloatInput, options?: WithSignal<BinaryCrossEntropyOptions>): Promise<number | FloatArray>;
export function binaryCrossEntropy(...args: unknown[]): Promise<number | FloatArray> {
  return binaryCrossEntropyTwin(...args);
}
const binaryCrossEntropyTwin = twin('binaryCrossEntropy', dense.binaryCrossEntropyWith, 2);

/** RetinaNet's sigmoid focal loss (see the synchronous sigmoidFocalLoss). */
export function sigmoidFocalLoss(logits: FloatInput, targets: FloatInput, options?: WithSignal<SigmoidFocalLossOptions> & { reduction?: 'mean' | 'sum' }): Promise<number>;
export function sigmoidFocalLoss<T extends FloatArray>(logits: T, targets: FloatInput, options: WithSignal<SigmoidFocalLossOptions> & { reduction: 'none' }): Promise<T>;
export function sigmoidFocalLoss(logits: FloatInput, targets: FloatInput, options?: WithSignal<SigmoidFocalLossOptions>): Promise<number | FloatArray>;
export function sigmoidFocalLoss(...args: unknown[]): Promise<number | FloatArray> {
  return sigmoidFocalLossTwin(...args);
}
const sigmoidFocalLossTwin = twin('sigmoidFocalLoss', dense.sigmoidFocalLossWith, 2);

/** Multi-class focal loss (see the synchronous softmaxFocalLoss). */
export function softmaxFocalLoss(input: FloatInput, labels: LabelInput, options?: WithSignal<SoftmaxFocalLossOptions> & { reduction?: 'mean' | 'sum' }): Promise<number>;
export function softmaxFocalLoss<T extends FloatArray>(input: T, labels: LabelInput, options: WithSignal<SoftmaxFocalLossOptions> & { reduction: 'none' }): Promise<T>;
export function softmaxFocalLoss(input: FloatInput, labels: LabelInput, options?: WithSignal<SoftmaxFocalLossOptions>): Promise<number | FloatArray>;
export function softmaxFocalLoss(...args: unknown[]): Promise<number | FloatArray> {
  return softmaxFocalLossTwin(...args);
}
const softmaxFocalLossTwin = twin('softmaxFocalLoss', dense.softmaxFocalLossWith, 2);

/**
 * CornerNet's heatmap focal loss (see the synchronous heatmapFocalLoss). Pixels are split across
 * blocks; with 'per-sample' whole images are, so each image's value has the synchronous bits.
 */
export function heatmapFocalLoss(pred: FloatInput, gt: FloatInput, options?: WithSignal<HeatmapFocalLossOptions> & { reduction?: 'mean' | 'sum' }): Promise<number>;
export function heatmapFocalLoss<T extends FloatArray>(pred: T, gt: FloatInput, options: WithSignal<HeatmapFocalLossOptions> & { reduction: 'none' | 'per-sample' }): Promise<T>;
export function heatmapFocalLoss(pred: FloatInput, gt: FloatInput, options?: WithSignal<HeatmapFocalLossOptions>): Promise<number | FloatArray>;
export function heatmapFocalLoss(...args: unknown[]): Promise<number | FloatArray> {
  return heatmapFocalLossTwin(...args);
}
const heatmapFocalLossTwin = twin('heatmapFocalLoss', dense.heatmapFocalLossWith, 2);

/** Mean squared error (see the synchronous mseLoss). */
export function mseLoss(pred: FloatInput, target: FloatInput, options?: WithSignal<MseLossOptions> & { reduction?: 'mean' | 'sum' }): Promise<number>;
export function mseLoss<T extends FloatArray>(pred: T, target: FloatInput, options: WithSignal<MseLossOptions> & { reduction: 'none' }): Promise<T>;
export function mseLoss(pred: FloatInput, target: FloatInput, options?: WithSignal<MseLossOptions>): Promise<number | FloatArray>;
export function mseLoss(...args: unknown[]): Promise<number | FloatArray> {
  return mseLossTwin(...args);
}
const mseLossTwin = twin('mseLoss', dense.mseLossWith, 2);

/**
 * Paints one Gaussian into `heatmap` in place (see the synchronous drawGaussian), off the event loop
 * in one block; resolves with `heatmap` once it is painted (a number[] is written back then).
 */
export function drawGaussian<T extends FloatArray | number[]>(
  heatmap: T, size: MapShape, x: number, y: number, radius: number, options?: WithSignal<DrawGaussianOptions>,
): Promise<T> {
  return drawGaussianTwin(heatmap, size, x, y, radius, options) as Promise<T>;
}
const drawGaussianTwin = twin('drawGaussian', dense.drawGaussianWith, 5);

/** Renders CenterNet-style targets (see the synchronous renderHeatmaps), off the event loop in one block; `signal` goes in the spec. */
export function renderHeatmaps(spec: WithSignal<RenderHeatmapsSpec>): Promise<Float32Array> {
  return renderHeatmapsTwin(spec);
}
const renderHeatmapsTwin = twin('renderHeatmaps', dense.renderHeatmapsWith, 0);
