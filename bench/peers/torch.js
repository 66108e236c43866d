'use strict';
// PyTorch, one thread, in ONE long-lived python3 child for the whole run (torch_peer.py), optional:
// when `python3 -c 'import torch'` fails (no python3, no torch), every PyTorch row is "—" and the
// machine line says why, once. The interpreter is /usr/bin/python3 unless LOSSKIT_BENCH_PYTHON names
// another (LOSSKIT_BENCH_PYTHON=none leaves the peer out).
//
// Inputs go to the child once per case as raw little-endian files in a temporary directory (deleted
// as soon as the child has loaded them); the child wraps them with torch.from_numpy. Ops:
// F.cross_entropy, torch.logsumexp(dim=1, out=), torch.softmax(dim=1, out=), and CornerNet's
// `_neg_loss` written from its formula (see torch_peer.py).
//
// Timing: the harness asks the child for a batch of `reps` calls and the child times the loop with
// perf_counter_ns (see timeBatch in harness.js), so the pipe round trip is not in the figure; the
// batches take their turn in the same round-robin rounds as the in-process peers.

const fs = require('fs');
const os = require('os');
const path = require('path');
const readline = require('readline');
const { spawn, spawnSync } = require('child_process');

const SCRIPT = path.join(__dirname, 'torch_peer.py');
const OPS = ['crossEntropy', 'logSumExp', 'softmax', 'heatmapFocalLoss'];

let state = null; // { child, request, info, dir } once started
let unavailable = null; // why the peer is off

function python() {
  return process.env.LOSSKIT_BENCH_PYTHON || '/usr/bin/python3';
}

function lastLine(text) {
  const lines = String(text || '').split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.length ? lines[lines.length - 1] : '';
}

async function init(log = () => {}) {
  if (state || unavailable) return;
  const exe = python();
  if (exe === 'none') {
    unavailable = 'LOSSKIT_BENCH_PYTHON=none';
    return;
  }
  if (os.endianness() !== 'LE') {
    unavailable = 'the data files are written little-endian; this machine is big-endian';
    return;
  }
  const probe = spawnSync(exe, ['-c', 'import torch, numpy'], { encoding: 'utf8', timeout: 120000 });
  if (probe.error) {
    unavailable = `${exe}: ${probe.error.code === 'ENOENT' ? 'not found' : probe.error.message}`;
    return;
  }
  if (probe.status !== 0) {
    unavailable = `${exe} -c 'import torch, numpy' failed: ${lastLine(probe.stderr) || `exit ${probe.status}`}`;
    return;
  }
  // PyTorch at its best, not at glibc's defaults: with the default mmap threshold every temporary of
  // 32 MiB or more is mapped and unmapped per call, and the page faults doubled PyTorch's time on
  // the heatmap loss here (760 -> 370 ms). Production PyTorch servers usually run jemalloc or
  // tcmalloc, which keep such blocks; these two settings give glibc the same behaviour.
  const env = {
    ...process.env,
    OMP_NUM_THREADS: '1',
    MKL_NUM_THREADS: '1',
    PYTHONUNBUFFERED: '1',
    MALLOC_MMAP_THRESHOLD_: process.env.MALLOC_MMAP_THRESHOLD_ ?? String(1 << 30),
    MALLOC_TRIM_THRESHOLD_: process.env.MALLOC_TRIM_THRESHOLD_ ?? String(1 << 30),
  };
  const child = spawn(exe, [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'], env });
  const pending = [];
  let dead = null;
  let stderrTail = '';
  const fail = (why) => {
    if (dead) return;
    dead = why;
    for (const p of pending.splice(0)) p.reject(new Error(why));
  };
  child.on('error', (err) => fail(`${exe}: ${err.message}`));
  child.on('exit', (code, signal) => fail(`PyTorch peer exited (${signal || `code ${code}`}) ${lastLine(stderrTail)}`.trim()));
  readline.createInterface({ input: child.stderr }).on('line', (line) => {
    stderrTail = `${stderrTail}\n${line}`.slice(-2000);
    log(`  [torch] ${line}`);
  });
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    const p = pending.shift();
    if (!p) return;
    try {
      p.resolve(JSON.parse(line));
    } catch {
      p.reject(new Error(`PyTorch peer: unexpected output ${line.slice(0, 200)}`));
    }
  });
  const ready = new Promise((resolve, reject) => pending.push({ resolve, reject }));
  const request = (obj) => {
    if (dead) return Promise.reject(new Error(dead));
    return new Promise((resolve, reject) => {
      pending.push({ resolve, reject });
      child.stdin.write(`${JSON.stringify(obj)}\n`);
    });
  };
  let info;
  try {
    info = await ready;
  } catch (err) {
    unavailable = err.message;
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'losskit-bench-torch-'));
  state = { child, request, info, dir };
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
}

function describe() {
  if (!state) return null;
  const { torch, threads, interop, capability, python: py } = state.info;
  return `PyTorch ${torch} (python ${py}, ${threads} thread${threads === 1 ? '' : 's'}, ${interop} inter-op, ATen CPU capability ${capability})`;
}

function whyUnavailable() {
  return unavailable;
}

function writeRaw(file, array) {
  fs.writeFileSync(file, new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
  return file;
}

async function prepare(task) {
  const { op, data } = task;
  if (!OPS.includes(op)) return { skip: `no ${op}` };
  if (!state) return { missing: 'PyTorch not available (see the machine line)' };
  const { request, dir } = state;
  let dtype;
  let shape;
  const files = {};
  if (op === 'heatmapFocalLoss') {
    dtype = 'float32';
    shape = [task.batch, task.channels, task.height, task.width];
    files.pred = writeRaw(path.join(dir, 'pred.bin'), data.pred);
    files.gt = writeRaw(path.join(dir, 'gt.bin'), data.gt);
  } else {
    dtype = data.logits instanceof Float64Array ? 'float64' : 'float32';
    shape = [task.n, task.k];
    files.logits = writeRaw(path.join(dir, 'logits.bin'), data.logits);
    if (op === 'crossEntropy') files.labels = writeRaw(path.join(dir, 'labels.bin'), data.labels);
  }
  let r;
  try {
    r = await request({ cmd: 'prepare', op, dtype, shape, files });
  } finally {
    for (const f of Object.values(files)) fs.rmSync(f, { force: true });
  }
  if (!r.ok) return { missing: `error: ${r.error}` };
  if (r.missing) return { missing: r.missing };
  const Out = dtype === 'float64' ? Float64Array : Float32Array;
  const resultFile = path.join(dir, 'result.bin');
  return {
    async: true,
    // One call, for the correctness check: a scalar comes back in the message, an array as a file.
    run: async () => {
      const res = await request({ cmd: 'check', path: resultFile });
      if (!res.ok) throw new Error(res.error);
      if (!res.array) return res.value;
      const bytes = fs.readFileSync(res.array);
      fs.rmSync(res.array, { force: true });
      return new Out(new Uint8Array(bytes).buffer); // copied: the Buffer may not be aligned
    },
    timeBatch: async (reps) => {
      const res = await request({ cmd: 'time', reps });
      if (!res.ok) throw new Error(`PyTorch peer: ${res.error}`);
      return { ms: res.ms, value: res.value };
    },
    dispose: () => {
      request({ cmd: 'dispose' }).catch(() => {});
    },
  };
}

async function close() {
  if (!state) return;
  const { child, request, dir } = state;
  state = null;
  try {
    await request({ cmd: 'quit' });
  } catch {
    // already gone
  }
  child.stdin.end();
  fs.rmSync(dir, { recursive: true, force: true });
}

module.exports = { name: 'PyTorch', prepare, init, describe, whyUnavailable, close };
