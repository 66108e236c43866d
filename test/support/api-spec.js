'use strict';
// Every function of API.md with one valid call and the kind of each argument and option, for the
// generated robustness tests (test/bad-input.test.ts, test/lifetime.test.ts, ...). A function that
// lib/index.ts does not export yet is skipped, and counted, by those tests; it is included as soon
// as it is exported. Plain CommonJS so child processes can use it too.
//
// Argument kinds:
//   float   Float32Array | Float64Array | number[]       labels  integer typed array | number[]
//   number  a finite number (min/max/integer say more)   object  a plain object with `fields`
//   string  a name from `values`
// Option kinds: count (positive integer), int, real {min, max, minOpen, maxOpen}, enum {values},
// floatArray, out (float array for reduction 'none'), floatOrArray (number | float array).
// `sized: true` marks an array whose length is fixed by the others (so a wrong length is an error);
// `names` lists the words an error message may use for the argument (its name first).
// `twin: false` marks a function without a promise twin (it takes no arrays; API.md requires twins
// of the array-taking ones), which losskit/promises may still re-export as it is.

const f32 = (a) => Float32Array.from(a);
const f64 = (a) => Float64Array.from(a);
const i32 = (a) => Int32Array.from(a);

const REDUCTION = { kind: 'enum', values: ['mean', 'sum', 'none'] };
const BASE = { kind: 'real', min: 0, max: Infinity, minOpen: true, maxOpen: true, not: [1] };

// Each entry: name, args (kinds), call(lib) -> fresh valid [args..., options], options (kinds), and
// optionally outLength (per-sample length for an `out` with reduction 'none').
const SPEC = [
  {
    name: 'logSumExp',
    family: 'classification',
    args: [{ name: 'x', kind: 'float', sized: true }],
    call: () => [f32([1, 2, 3, 4, 5, 6]), { classes: 3 }],
    options: { classes: { kind: 'count' }, out: { kind: 'out', length: 2 } },
  },
  {
    name: 'softmax',
    family: 'classification',
    args: [{ name: 'x', kind: 'float', sized: true }],
    call: () => [f32([1, 2, 3, 4, 5, 6]), { classes: 3 }],
    options: {
      classes: { kind: 'count' },
      temperature: { kind: 'real', min: 0, max: Infinity, minOpen: true, maxOpen: true },
      out: { kind: 'out', length: 6 },
    },
  },
  {
    name: 'logSoftmax',
    family: 'classification',
    args: [{ name: 'x', kind: 'float', sized: true }],
    call: () => [f64([1, 2, 3, 4, 5, 6]), { classes: 3 }],
    options: {
      classes: { kind: 'count' },
      temperature: { kind: 'real', min: 0, max: Infinity, minOpen: true, maxOpen: true },
      out: { kind: 'out', length: 6 },
    },
  },
  {
    name: 'crossEntropy',
    family: 'classification',
    args: [
      { name: 'input', kind: 'float', sized: true },
      { name: 'labels', kind: 'labels', sized: true },
    ],
    call: () => [f32([1, 2, 3, 4, 5, 6]), i32([0, 2]), { classes: 3 }],
    options: {
      classes: { kind: 'count' },
      spatial: { kind: 'count' },
      inputs: { kind: 'enum', values: ['logits', 'probabilities', 'log-probabilities'] },
      epsilon: { kind: 'real', min: 0, max: 0.5, maxOpen: true },
      weight: { kind: 'floatArray', length: 3 },
      ignoreIndex: { kind: 'int' },
      labelSmoothing: { kind: 'real', min: 0, max: 1 },
      smoothing: { kind: 'enum', values: ['uniform', 'others'] },
      reduction: REDUCTION,
      base: BASE,
      out: { kind: 'out', length: 2 },
    },
  },
  {
    name: 'softCrossEntropy',
    family: 'classification',
    args: [
      { name: 'input', kind: 'float', sized: true },
      { name: 'targets', kind: 'float', sized: true },
    ],
    call: () => [f32([1, 2, 3, 4, 5, 6]), f64([0, 0, 1, 0.5, 0.5, 0]), { classes: 3 }],
    options: {
      classes: { kind: 'count' },
      spatial: { kind: 'count' },
      inputs: { kind: 'enum', values: ['logits', 'probabilities', 'log-probabilities'] },
      epsilon: { kind: 'real', min: 0, max: 0.5, maxOpen: true },
      weight: { kind: 'floatArray', length: 3 },
      labelSmoothing: { kind: 'real', min: 0, max: 1 },
      reduction: REDUCTION,
      base: BASE,
      out: { kind: 'out', length: 2 },
    },
  },
  {
    name: 'klDivergence',
    family: 'distributions',
    args: [
      { name: 'p', kind: 'float', sized: true },
      { name: 'q', kind: 'float', sized: true },
    ],
    call: () => [f32([0.2, 0.3, 0.5, 0.1, 0.1, 0.8]), f32([0.3, 0.3, 0.4, 0.2, 0.2, 0.6]), { classes: 3, inputs: 'probabilities' }],
    options: {
      classes: { kind: 'count' },
      inputs: { kind: 'enum', values: ['probabilities', 'log-probabilities', 'logits'] },
      reduction: { kind: 'enum', values: ['batchmean', 'sum', 'mean', 'none'] },
      base: BASE,
    },
  },
  {
    name: 'entropy',
    family: 'distributions',
    args: [{ name: 'p', kind: 'float', sized: true }],
    call: () => [f32([0.2, 0.3, 0.5, 0.1, 0.1, 0.8]), { classes: 3, inputs: 'probabilities' }],
    options: {
      classes: { kind: 'count' },
      inputs: { kind: 'enum', values: ['probabilities', 'log-probabilities', 'logits'] },
      base: BASE,
      out: { kind: 'out', length: 2, always: true },
    },
  },
  {
    name: 'smoothLabels',
    family: 'distributions',
    args: [{ name: 'labels', kind: 'labels' }],
    call: () => [i32([0, 2, 1]), { classes: 3, epsilon: 0.1 }],
    options: {
      classes: { kind: 'count', required: true },
      epsilon: { kind: 'real', min: 0, max: 1, required: true },
      smoothing: { kind: 'enum', values: ['uniform', 'others'] },
    },
  },
  {
    name: 'flipLabels',
    family: 'distributions',
    args: [{ name: 'labels', kind: 'labels' }],
    call: () => [i32([0, 2, 1]), { classes: 3, epsilon: 0.1, seed: 7 }],
    options: {
      classes: { kind: 'count', required: true },
      epsilon: { kind: 'real', min: 0, max: 1, required: true },
      seed: { kind: 'int', required: true },
    },
  },
  {
    name: 'empiricalDistribution',
    family: 'distributions',
    args: [{ name: 'samples', kind: 'labels' }],
    call: () => [i32([0, 2, 1, 1]), { classes: 3 }],
    options: { classes: { kind: 'count', required: true } },
  },
  {
    name: 'binaryCrossEntropy',
    family: 'dense',
    args: [
      { name: 'input', kind: 'float', sized: true },
      { name: 'targets', kind: 'float', sized: true },
    ],
    call: () => [f32([-1, 0.5, 2, 3]), f32([0, 1, 1, 0]), {}],
    options: {
      inputs: { kind: 'enum', values: ['logits', 'probabilities'] },
      posWeight: { kind: 'floatArray', length: 4 },
      weight: { kind: 'floatArray', length: 4 },
      reduction: REDUCTION,
      base: BASE,
    },
  },
  {
    name: 'sigmoidFocalLoss',
    family: 'dense',
    args: [
      { name: 'logits', kind: 'float', sized: true },
      { name: 'targets', kind: 'float', sized: true },
    ],
    call: () => [f32([-1, 0.5, 2, 3]), f32([0, 1, 1, 0]), {}],
    options: {
      alpha: { kind: 'real', min: -Infinity, max: Infinity, open: true },
      gamma: { kind: 'real', min: 0, max: Infinity, maxOpen: true },
      reduction: REDUCTION,
    },
  },
  {
    name: 'softmaxFocalLoss',
    family: 'dense',
    args: [
      { name: 'input', kind: 'float', sized: true },
      { name: 'labels', kind: 'labels', sized: true },
    ],
    call: () => [f32([1, 2, 3, 4, 5, 6]), i32([0, 2]), { classes: 3 }],
    options: {
      classes: { kind: 'count' },
      alpha: { kind: 'floatOrArray', length: 3 },
      gamma: { kind: 'real', min: 0, max: Infinity, maxOpen: true },
      ignoreIndex: { kind: 'int' },
      reduction: REDUCTION,
      inputs: { kind: 'enum', values: ['logits', 'probabilities', 'log-probabilities'] },
    },
  },
  {
    name: 'heatmapFocalLoss',
    family: 'dense',
    args: [
      { name: 'pred', kind: 'float', sized: true },
      { name: 'gt', kind: 'float', sized: true },
    ],
    call: () => [f32([0.1, 0.9, 0.5, 0.2]), f32([0, 1, 0.5, 0]), {}],
    options: {
      inputs: { kind: 'enum', values: ['probabilities', 'logits'] },
      alpha: { kind: 'real', min: 0, max: Infinity, maxOpen: true },
      beta: { kind: 'real', min: 0, max: Infinity, maxOpen: true },
      batch: { kind: 'count' },
      reduction: { kind: 'enum', values: ['mean', 'sum', 'none', 'per-sample'] },
    },
  },
  {
    name: 'gaussianRadius',
    family: 'dense',
    args: [
      { name: 'height', kind: 'number', min: 0 },
      { name: 'width', kind: 'number', min: 0 },
    ],
    call: () => [10, 12, {}],
    options: {
      minOverlap: { kind: 'real', min: 0, max: 1, minOpen: true, maxOpen: true },
      variant: { kind: 'enum', values: ['cornernet', 'centernet'] },
    },
  },
  {
    name: 'drawGaussian',
    family: 'dense',
    args: [
      { name: 'heatmap', kind: 'float', sized: true, floatOnly: true },
      {
        // API.md: drawGaussian(heatmap, { height, width }, ...); the library calls it `size`.
        name: 'size', names: ['size', 'height', 'width'], kind: 'object',
        fields: { height: { kind: 'count' }, width: { kind: 'count' } },
      },
      { name: 'x', kind: 'number', integer: true },
      { name: 'y', kind: 'number', integer: true },
      { name: 'radius', kind: 'number', integer: true, min: 0 },
    ],
    call: () => [new Float32Array(9 * 9), { height: 9, width: 9 }, 4, 4, 2, {}],
    inplace: true,
    options: { k: { kind: 'real', min: -Infinity, max: Infinity, open: true } },
  },
  {
    name: 'renderHeatmaps',
    family: 'dense',
    args: [
      {
        name: 'spec', names: ['batch', 'channels', 'height', 'width', 'points', 'spec', 'options'], kind: 'object',
        fields: {
          batch: { kind: 'count' },
          channels: { kind: 'count' },
          height: { kind: 'count' },
          width: { kind: 'count' },
        },
      },
    ],
    call: () => [{ batch: 1, channels: 2, height: 8, width: 8, points: [{ batch: 0, channel: 1, x: 3, y: 4, radius: 2 }] }],
    options: null,
  },
  {
    name: 'mseLoss',
    family: 'dense',
    args: [
      { name: 'pred', kind: 'float', sized: true },
      { name: 'target', kind: 'float', sized: true },
    ],
    call: () => [f32([0.1, 0.9, 0.5, 0.2]), f32([0, 1, 0.5, 0]), {}],
    options: { weight: { kind: 'floatArray', length: 4 }, reduction: REDUCTION },
  },
  {
    name: 'createMeter',
    family: 'meters',
    // Takes no arrays, so it has no promise twin (API.md: "every function that takes arrays has a
    // twin"); losskit/promises re-exports the same synchronous function, and meter.updateAsync
    // is the asynchronous part.
    twin: false,
    args: [{ name: 'kind', kind: 'string', values: ['crossEntropy'] }],
    call: () => ['crossEntropy', { classes: 3 }],
    options: null,
  },
  {
    name: 'meterFromJSON',
    family: 'meters',
    twin: false,  // as createMeter
    args: [{ name: 'json', names: ['json', 'kind', 'meter'], kind: 'json' }],
    call: (lk) => [lk.createMeter('crossEntropy', { classes: 3 }).toJSON()],
    options: null,
  },
];

const NAMES = SPEC.map((s) => s.name);

module.exports = { SPEC, NAMES, f32, f64, i32 };
