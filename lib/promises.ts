// losskit/promises: every array-taking function with the same signature, returning a Promise.
// The work runs on the libuv thread pool (large inputs split into blocks across threads); inputs
// are held until the Promise settles and must not be mutated (or transferred) before then.
// Argument errors reject with the same TypeError / RangeError as the synchronous function.
import { twin } from './async';
import type { AsyncOptions } from './async';
import * as cls from './classification';
import type { CrossEntropyOptions, LogSumExpOptions, SoftCrossEntropyOptions, SoftmaxOptions } from './classification';
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
