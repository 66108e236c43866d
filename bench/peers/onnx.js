'use strict';
// onnxruntime-node on the CPU execution provider, one thread, graphs built here (see onnx-model.js).
// Cross-entropy is LogSoftmax(axis=1) -> NegativeLogLikelihoodLoss(mean), the form onnxruntime runs
// fastest (the fused SoftmaxCrossEntropyLoss op is not faster and also emits log-probabilities).
// Sessions, tensors and feeds are created in prepare(); the timed call is only session.run().

const { buildModel } = require('./onnx-model');

let ort = null;
let loadError = null;
try {
  ort = require('onnxruntime-node');
} catch (err) {
  loadError = err;
}

const SESSION_OPTIONS = {
  executionProviders: ['cpu'],
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
};

function version() {
  if (!ort) return null;
  return (ort.env && ort.env.versions && ort.env.versions.node) || require('onnxruntime-node/package.json').version;
}

async function prepare(task) {
  if (!ort) return { missing: `onnxruntime-node failed to load: ${loadError.message.split('\n')[0]}` };
  const { op, n, k, data } = task;
  const type = data.logits instanceof Float64Array ? 'float64' : 'float32';
  let model;
  let feeds;
  let fetches;
  let pick;
  switch (op) {
    case 'crossEntropy':
      model = buildModel({
        nodes: [
          { op: 'LogSoftmax', inputs: ['x'], outputs: ['logp'], attrs: { axis: 1 } },
          { op: 'NegativeLogLikelihoodLoss', inputs: ['logp', 'y'], outputs: ['loss'] },
        ],
        inputs: [
          { name: 'x', type, dims: [n, k] },
          { name: 'y', type: 'int32', dims: [n] },
        ],
        outputs: [{ name: 'loss', type, dims: [] }],
      });
      feeds = { x: new ort.Tensor(type, data.logits, [n, k]), y: new ort.Tensor('int32', data.labels, [n]) };
      pick = (r) => r.loss.data[0];
      break;
    case 'logSumExp':
      model = buildModel({
        nodes: [{ op: 'ReduceLogSumExp', inputs: ['x'], outputs: ['lse'], attrs: { axes: [1], keepdims: 0 } }],
        inputs: [{ name: 'x', type, dims: [n, k] }],
        outputs: [{ name: 'lse', type, dims: [n] }],
      });
      feeds = { x: new ort.Tensor(type, data.logits, [n, k]) };
      fetches = { lse: new ort.Tensor(type, type === 'float64' ? new Float64Array(n) : new Float32Array(n), [n]) };
      pick = () => fetches.lse.data;
      break;
    case 'softmax':
      model = buildModel({
        nodes: [{ op: 'Softmax', inputs: ['x'], outputs: ['p'], attrs: { axis: 1 } }],
        inputs: [{ name: 'x', type, dims: [n, k] }],
        outputs: [{ name: 'p', type, dims: [n, k] }],
      });
      feeds = { x: new ort.Tensor(type, data.logits, [n, k]) };
      // Pre-allocated output, the counterpart of losskit's `out`.
      fetches = { p: new ort.Tensor(type, type === 'float64' ? new Float64Array(n * k) : new Float32Array(n * k), [n, k]) };
      pick = () => fetches.p.data;
      break;
    default:
      return { skip: `no ${op} graph` };
  }
  const session = await ort.InferenceSession.create(model, SESSION_OPTIONS);
  const run = fetches
    ? () => session.run(feeds, fetches).then(pick)
    : () => session.run(feeds).then(pick);
  return { run, async: true, dispose: () => session.release() };
}

module.exports = { name: 'onnxruntime', prepare, version };
