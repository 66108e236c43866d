'use strict';
// losskit/promises on all cores against the memory read bound on as many threads, in the same run:
// a 256 MiB float32 cross-entropy ([65536, 1024] logits, int32 labels) through
// `require('losskit/promises').crossEntropy`, the synchronous call on the same data, the one-thread
// native read-sum, and an N-thread read bound: N worker threads (N = the lanes a promise call uses,
// i.e. min(UV_THREADPOOL_SIZE or 4, os.availableParallelism())) each running the addon's `_readSum`
// over its slice of the same SharedArrayBuffer. The workers are started and parked on a futex
// before timing (a barrier), so thread start-up is not timed; one call of that row is: the main
// thread wakes them, then waits (Atomics.wait) until the last one is done, i.e. the slower thread's
// time plus a wake-up of microseconds. All four go through the round-robin harness like every case.

const os = require('os');
const path = require('path');
const { Worker } = require('worker_threads');
const data = require('./data');
const reference = require('./reference');
const { measure } = require('./harness');
const { nativeReadSum } = require('./bound');

const GEN = 0;
const READY = 1;
const DONE = 2;
const QUIT = 3;

// The inputs are one deterministic block of rows from data.js, repeated: generating 64M Gaussian
// values takes several seconds, and repetition changes nothing for a kernel streaming 256 MiB from
// DRAM (each repeat is at another address). The float64 reference of the whole is the block's.
const BLOCK_ROWS = 4096;

function availableCores() {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

function loadLosskit() {
  const root = path.join(__dirname, '..');
  try {
    const sync = require(root);
    const promises = require(path.join(root, 'dist', 'promises'));
    const { asyncConfig } = require(path.join(root, 'dist', 'async'));
    return { sync, promises, config: asyncConfig() };
  } catch (err) {
    return { error: String(err.message || err).split('\n')[0] };
  }
}

function sharedInputs(n, k) {
  const block = data.classification(BLOCK_ROWS, k);
  const logits = new Float32Array(new SharedArrayBuffer(n * k * 4));
  const labels = new Int32Array(n);
  for (let r = 0; r < n; r += BLOCK_ROWS) {
    const rows = Math.min(BLOCK_ROWS, n - r);
    logits.set(rows === BLOCK_ROWS ? block.logits : block.logits.subarray(0, rows * k), r * k);
    labels.set(rows === BLOCK_ROWS ? block.labels : block.labels.subarray(0, rows), r);
  }
  const expected =
    n % BLOCK_ROWS === 0 ? reference.crossEntropy(block.logits, block.labels, k) : reference.crossEntropy(logits, labels, k);
  return { logits, labels, expected };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts `threads` parked readers over `array` (a Float32Array on a SharedArrayBuffer). */
async function startReaders(array, threads) {
  const control = new SharedArrayBuffer(4 * 4);
  const results = new SharedArrayBuffer(8 * 2 * threads);
  const ctl = new Int32Array(control);
  const res = new Float64Array(results);
  const per = Math.ceil(array.length / threads / 16) * 16; // 64-byte aligned slices
  const workers = [];
  let failure = null;
  for (let i = 0; i < threads; i++) {
    const start = Math.min(array.length, i * per);
    const length = Math.min(array.length, start + per) - start;
    const w = new Worker(path.join(__dirname, 'read-worker.js'), {
      workerData: { control, results, buffer: array.buffer, byteOffset: array.byteOffset + start * 4, length, index: i, threads },
    });
    w.on('error', (err) => {
      failure = failure || err;
    });
    workers.push(w);
  }
  // Barrier: every reader has loaded the addon, made a first call and is parked.
  const deadline = Date.now() + 60000;
  while (Atomics.load(ctl, READY) < threads) {
    if (failure) throw failure;
    if (Date.now() > deadline) throw new Error('read workers did not start within 60 s');
    await sleep(5);
  }
  const threadMs = [];
  function run() {
    Atomics.store(ctl, DONE, 0);
    Atomics.add(ctl, GEN, 1);
    Atomics.notify(ctl, GEN);
    const until = Date.now() + 30000;
    for (;;) {
      const done = Atomics.load(ctl, DONE);
      if (done >= threads) break;
      if (failure || Date.now() > until) throw failure || new Error('a read worker did not finish within 30 s');
      Atomics.wait(ctl, DONE, done, 1000);
    }
    let sum = 0;
    let slowest = 0;
    for (let i = 0; i < threads; i++) {
      sum += res[2 * i];
      slowest = Math.max(slowest, res[2 * i + 1]);
    }
    threadMs.push(slowest);
    return sum;
  }
  async function stop() {
    Atomics.store(ctl, QUIT, 1);
    Atomics.add(ctl, GEN, 1);
    Atomics.notify(ctl, GEN);
    await Promise.all(workers.map((w) => new Promise((resolve) => (w.threadId === -1 ? resolve() : w.once('exit', resolve)))));
  }
  return { run, stop, threadMs };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * Runs the case `{ n, k }` and returns rows (promise, sync, 1-thread bound, N-thread bound) with
 * medianMs/minMs/GB/s, the ratio of each row's GB/s to the N-thread bound's, and the check.
 */
async function runParallel(c, cfg, log, relativeError, tolerance) {
  const { n, k } = c;
  const cores = availableCores();
  const lk = loadLosskit();
  const threads = lk.config ? lk.config.lanes : Math.max(1, Math.min(4, cores));
  log(`… ${c.id} (${cores} cores available, ${threads} lanes)`);
  const t0 = Date.now();
  const loadAverage = os.loadavg();
  const { logits, labels, expected } = sharedInputs(n, k);
  const ceBytes = logits.byteLength + labels.byteLength;
  const rows = [];
  const entries = [];
  const opts = { classes: k };
  const addRow = (row, impl) => {
    rows.push(row);
    if (!impl) return;
    entries.push({ key: row.impl, impl });
  };
  for (const [name, threadsUsed, make, isAsync] of [
    ['losskit/promises crossEntropy', threads, () => lk.promises && ((x) => lk.promises.crossEntropy(x, labels, opts)), true],
    ['losskit crossEntropy (sync)', 1, () => lk.sync && ((x) => lk.sync.crossEntropy(x, labels, opts)), false],
  ]) {
    const row = { impl: name, threads: threadsUsed, bytes: ceBytes };
    const fn = make();
    if (!fn) {
      addRow({ ...row, status: 'missing', note: `losskit did not load (${lk.error})` });
      continue;
    }
    try {
      const result = await fn(logits);
      row.maxRelErr = relativeError(result, expected);
      row.checkOk = row.maxRelErr <= tolerance;
      row.status = 'ok';
      addRow(row, { run: () => fn(logits), async: isAsync });
    } catch (err) {
      addRow({ ...row, status: 'error', note: String(err.message || err).split('\n')[0] });
    }
  }
  let readers = null;
  if (!nativeReadSum) {
    const note = "the addon's _readSum is not available (build the addon)";
    addRow({ impl: 'read bound, 1 thread (native sum)', threads: 1, status: 'missing', note, isBound: true });
    addRow({ impl: `read bound, ${threads} threads (native sum)`, threads, status: 'missing', note, isBound: true });
  } else {
    addRow({ impl: 'read bound, 1 thread (native sum)', threads: 1, bytes: logits.byteLength, status: 'ok', isBound: true }, {
      run: () => nativeReadSum(logits),
    });
    try {
      readers = await startReaders(logits, threads);
      addRow(
        { impl: `read bound, ${threads} threads (native sum)`, threads, bytes: logits.byteLength, status: 'ok', isBound: true, isMulti: true },
        { run: readers.run },
      );
    } catch (err) {
      addRow({ impl: `read bound, ${threads} threads (native sum)`, threads, status: 'error', note: String(err.message || err), isBound: true });
    }
  }
  let timings;
  try {
    timings = await measure(entries, cfg);
  } finally {
    if (readers) await readers.stop();
  }
  for (const row of rows) {
    const t = timings.get(row.impl);
    if (!t) continue;
    if (t.error) {
      Object.assign(row, { status: 'error', note: `while timing: ${t.error}` });
      continue;
    }
    Object.assign(row, t);
    row.gbPerSec = row.bytes / (t.medianMs * 1e6);
    row.bestGbPerSec = row.bytes / (t.minMs * 1e6);
    row.gElemPerSec = logits.length / (t.medianMs * 1e6);
  }
  const multi = rows.find((r) => r.isMulti && r.gbPerSec);
  for (const row of rows) {
    if (row.gbPerSec && multi) {
      row.ofBound = row.gbPerSec / multi.gbPerSec;
      row.bestOfBound = row.bestGbPerSec / multi.bestGbPerSec;
    }
  }
  if (readers && multi) multi.slowestThreadMedianMs = median(readers.threadMs);
  log(`  done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return {
    ...c,
    cores,
    loadAverage,
    lanes: threads,
    blockBytes: lk.config ? lk.config.blockBytes : null,
    uvThreadpoolSize: process.env.UV_THREADPOOL_SIZE || null,
    logitsBytes: logits.byteLength,
    readBytes: ceBytes,
    elements: logits.length,
    rows,
  };
}

module.exports = { runParallel, availableCores };
