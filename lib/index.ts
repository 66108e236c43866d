// losskit: loss functions for Node.js on a SIMD C++ core. The public surface is API.md's.
import { native } from './binding';
import type { Backend } from './types';

export { logSumExp, softmax, logSoftmax, crossEntropy, softCrossEntropy } from './classification';
export type { LogSumExpOptions, SoftmaxOptions, CrossEntropyOptions, SoftCrossEntropyOptions } from './classification';
export {
  binaryCrossEntropy, sigmoidFocalLoss, softmaxFocalLoss, heatmapFocalLoss, gaussianRadius, drawGaussian, renderHeatmaps, mseLoss,
} from './dense';
export type {
  BinaryCrossEntropyOptions, SigmoidFocalLossOptions, SoftmaxFocalLossOptions, HeatmapFocalLossOptions, HeatmapReduction,
  GaussianRadiusOptions, DrawGaussianOptions, MapShape, HeatmapPoint, HeatmapPointColumns, RenderHeatmapsSpec, MseLossOptions,
} from './dense';
export { klDivergence, entropy, smoothLabels, flipLabels, empiricalDistribution } from './distributions';
export type { KlDivergenceOptions, KlReduction, EntropyOptions, SmoothLabelsOptions, FlipLabelsOptions, EmpiricalDistributionOptions } from './distributions';
export type { FloatArray, FloatInput, IntArray, LabelInput, Reduction, InputKind, Backend } from './types';

/** Which instruction set the kernels run with, for bug reports and benchmarks. */
export function backend(): Backend {
  const b = native.backend() as { isa: Backend['isa']; best: string; supported: string[] };
  return { ...b, requested: process.env.LOSSKIT_ISA || undefined, napi: 8 };
}
