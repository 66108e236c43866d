'use strict';
// TensorFlow.js core with the WebAssembly backend (SIMD, one thread), falling back to the plain-JS
// cpu backend when wasm cannot start. Input tensors are uploaded once in prepare(); the timed call
// runs the ops inside tf.tidy and reads the result back with dataSync(), as a user would.
// Cross-entropy is mean(logSumExp(x, 1)) - mean(x[i, y_i]): the same value as
// -mean(gather(logSoftmax(x), y)) or tf.losses.softmaxCrossEntropy, without materialising an N×K
// log-softmax; it was the fastest of the three on the wasm backend.

let tf = null;
let loadError = null;
let backendName = null;

async function init() {
  if (tf || loadError) return;
  try {
    tf = require('@tensorflow/tfjs-core');
    require('@tensorflow/tfjs-backend-cpu');
    try {
      const wasm = require('@tensorflow/tfjs-backend-wasm');
      wasm.setThreadsCount(1);
      if (await tf.setBackend('wasm')) backendName = 'wasm';
    } catch {
      backendName = null;
    }
    if (!backendName) {
      await tf.setBackend('cpu');
      backendName = 'cpu';
    }
    await tf.ready();
    if (backendName === 'wasm' && (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'))) backendName = 'wasm-simd';
  } catch (err) {
    loadError = err;
    tf = null;
  }
}

function describe() {
  return tf ? `tfjs ${tf.version_core} (${backendName})` : null;
}

// Read a result tensor back and free it. Not `tf.tidy(() => t.dataSync())`: tidy walks whatever
// its callback returns, element by element for a typed array (seconds for 4M values).
function read(t) {
  const values = t.dataSync();
  t.dispose();
  return values;
}

async function prepare(task) {
  await init();
  if (!tf) return { missing: `tfjs failed to start: ${loadError.message.split('\n')[0]}` };
  const { op, n, k, data } = task;
  if (!['crossEntropy', 'logSumExp', 'softmax'].includes(op)) return { skip: `no ${op}` };
  if (data.logits instanceof Float64Array) return { missing: 'tfjs has no float64 dtype' };
  const x = tf.tensor2d(data.logits, [n, k], 'float32');
  switch (op) {
    case 'crossEntropy': {
      const flat = tf.reshape(x, [n * k]);
      const picks = new Int32Array(n);
      for (let i = 0; i < n; i++) picks[i] = i * k + data.labels[i];
      const idx = tf.tensor1d(picks, 'int32');
      const run = () =>
        tf.tidy(() => tf.sub(tf.mean(tf.logSumExp(x, 1)), tf.mean(tf.gather(flat, idx))).dataSync()[0]);
      return { run, dispose: () => tf.dispose([x, flat, idx]) };
    }
    case 'logSumExp':
      return { run: () => read(tf.tidy(() => tf.logSumExp(x, 1))), dispose: () => x.dispose() };
    case 'softmax':
      return { run: () => read(tf.tidy(() => tf.softmax(x))), dispose: () => x.dispose() };
    default:
      throw new Error(`tfjs peer: unhandled ${op}`);
  }
}

module.exports = { name: 'tfjs', prepare, init, describe };
