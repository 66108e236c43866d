// losskit: loss functions for Node.js on a SIMD C++ core. The public surface is API.md's.
import { native } from './binding';
import type { Backend } from './types';

import * as classification from './classification';
import * as dense from './dense';
import * as distributions from './distributions';
import * as meter from './meter';

// Plain data properties, not `export { ... } from`: TypeScript compiles those to getters, which
// leave this module's exports object in dictionary mode, so every `lk.crossEntropy(...)` paid an
// inline-cache miss and a getter call (~10 ns, a twentieth of a 1×10 call).
export const logSumExp = classification.logSumExp;
export const softmax = classification.softmax;
export const logSoftmax = classification.logSoftmax;
export const crossEntropy = classification.crossEntropy;
export const softCrossEntropy = classification.softCrossEntropy;
export type { LogSumExpOptions, SoftmaxOptions, CrossEntropyOptions, SoftCrossEntropyOptions } from './classification';
export const binaryCrossEntropy = dense.binaryCrossEntropy;
export const sigmoidFocalLoss = dense.sigmoidFocalLoss;
export const softmaxFocalLoss = dense.softmaxFocalLoss;
export const heatmapFocalLoss = dense.heatmapFocalLoss;
export const gaussianRadius = dense.gaussianRadius;
export const drawGaussian = dense.drawGaussian;
export const renderHeatmaps = dense.renderHeatmaps;
export const mseLoss = dense.mseLoss;
export type {
  BinaryCrossEntropyOptions, SigmoidFocalLossOptions, SoftmaxFocalLossOptions, HeatmapFocalLossOptions, HeatmapReduction,
  GaussianRadiusOptions, DrawGaussianOptions, MapShape, HeatmapPoint, HeatmapPointColumns, RenderHeatmapsSpec, MseLossOptions,
} from './dense';
export const klDivergence = distributions.klDivergence;
export const entropy = distributions.entropy;
export const smoothLabels = distributions.smoothLabels;
export const flipLabels = distributions.flipLabels;
export const empiricalDistribution = distributions.empiricalDistribution;
export type { KlDivergenceOptions, KlReduction, EntropyOptions, SmoothLabelsOptions, FlipLabelsOptions, EmpiricalDistributionOptions } from './distributions';
export const createMeter = meter.createMeter;
export const meterFromJSON = meter.meterFromJSON;
export type { Meter, MeterResult, MeterJSON, MeterKind, MeterSums } from './meter';
export type { FloatArray, FloatInput, IntArray, LabelInput, Reduction, InputKind, Backend } from './types';

/** Which instruction set the kernels run with, for bug reports and benchmarks. */
export function backend(): Backend {
  const b = native.backend() as { isa: Backend['isa']; best: string; supported: string[] };
  return { ...b, requested: process.env.LOSSKIT_ISA || undefined, napi: 8 };
}
