#!/usr/bin/env node
'use strict';
// npm run bench [-- --quick] [-- --filter REGEX] [-- --json FILE]
// losskit against plain JS, tuned JS, onnxruntime-node, tfjs and (when python3 has torch) PyTorch in
// one run, then losskit/promises on all cores against a multi-thread read bound; see bench/README.md.

const fs = require('fs');
const os = require('os');
const data = require('./data');
const reference = require('./reference');
const { measure } = require('./harness');
const bound = require('./bound');
const losskit = require('./peers/losskit');
const plainJs = require('./peers/plain-js');
const tunedJs = require('./peers/tuned-js');
const onnx = require('./peers/onnx');
const tfjs = require('./peers/tfjs');
const torch = require('./peers/torch');
const { runParallel, availableCores } = require('./parallel');

const USAGE = `usage: node bench/run.js [--quick] [--filter REGEX] [--json FILE]
  --quick         fewer, shorter samples (CI smoke test; figures are rougher)
  --filter REGEX  only cases whose id matches, e.g. 'crossEntropy/f32' or '4096x1000'
  --json FILE     also write every measurement as JSON`;

function parseArgs(argv) {
  const opts = { quick: false, filter: null, json: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) fail(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--quick') opts.quick = true;
    else if (a === '--filter') opts.filter = new RegExp(value());
    else if (a.startsWith('--filter=')) opts.filter = new RegExp(a.slice(9));
    else if (a === '--json') opts.json = value();
    else if (a.startsWith('--json=')) opts.json = a.slice(7);
    else if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else fail(`unknown argument ${a}`);
  }
  return opts;
}

function fail(message) {
  console.error(`bench: ${message}\n${USAGE}`);
  process.exit(2);
}

const CLASS_SHAPES = [
  [1, 10],
  [64, 10],
  [4096, 1000],
  [65536, 128],
  [256, 32000],
];
const HEATMAP = { batch: 8, channels: 80, height: 128, width: 128, perMap: 10 };
const RENDER = { batch: 8, channels: 80, height: 128, width: 128, perImage: 100 };

const SECTIONS = [
  {
    title: 'crossEntropy: float32 logits [N, K], int32 labels, reduction mean',
    cases: CLASS_SHAPES.map(([n, k]) => ({ op: 'crossEntropy', dtype: 'float32', n, k })),
  },
  {
    title: 'logSumExp: float32 [N, K], one value per row (into `out` where the API allows)',
    cases: CLASS_SHAPES.map(([n, k]) => ({ op: 'logSumExp', dtype: 'float32', n, k })),
  },
  {
    title: 'softmax: float32 [N, K] into a preallocated `out` (tfjs returns a new array)',
    cases: [{ op: 'softmax', dtype: 'float32', n: 4096, k: 1000 }],
  },
  {
    title: 'crossEntropy: float64 logits, int32 labels, reduction mean',
    cases: [
      [4096, 1000],
      [65536, 128],
      [256, 32000],
    ].map(([n, k]) => ({ op: 'crossEntropy', dtype: 'float64', n, k })),
    // One line under the table: losskit's float64 speed as a share of its float32 speed, same shape.
    againstFloat32: true,
  },
  {
    title:
      'heatmapFocalLoss: CornerNet penalty-reduced focal loss, probabilities, α=2 β=4, mean over positives ' +
      `(float32 [${HEATMAP.batch}, ${HEATMAP.channels}, ${HEATMAP.height}, ${HEATMAP.width}], ` +
      `${HEATMAP.perMap} Gaussian keypoints per image and channel)`,
    cases: [{ op: 'heatmapFocalLoss', dtype: 'float32', ...HEATMAP }],
  },
  {
    title:
      `renderHeatmaps: Gaussian keypoint targets, ${RENDER.perImage} keypoints per image into a new float32 ` +
      `[${RENDER.batch}, ${RENDER.channels}, ${RENDER.height}, ${RENDER.width}] (radius 1-12; the allocation is part of both)`,
    cases: [{ op: 'renderHeatmaps', dtype: 'float32', ...RENDER }],
  },
  {
    // bench/parallel.js; printed by printParallel with the core and lane counts under the title.
    parallel: true,
    title: 'losskit/promises on all cores against the read bound on as many threads: crossEntropy, float32 logits [65536, 1024] (256 MiB), int32 labels, mean',
    cases: [{ op: 'promises/crossEntropy', dtype: 'float32', n: 65536, k: 1024 }],
  },
];

const PEERS = [losskit, plainJs, tunedJs, onnx, tfjs, torch];

function caseId(c) {
  const dt = c.dtype === 'float64' ? 'f64' : 'f32';
  const shape = c.op === 'heatmapFocalLoss' || c.op === 'renderHeatmaps' ? `${c.batch}x${c.channels}x${c.height}x${c.width}` : `${c.n}x${c.k}`;
  return `${c.op}/${dt}/${shape}`;
}

function makeInputs(c) {
  if (c.op === 'renderHeatmaps') {
    const points = data.keypoints(c);
    const spec = { batch: c.batch, channels: c.channels, height: c.height, width: c.width, points };
    return {
      inputs: { spec },
      expected: plainJs.kernels.renderHeatmaps(spec),
      elements: points.length,
      readBytes: c.batch * c.channels * c.height * c.width * 4,
      note: `${points.length} keypoints; elements = keypoints`,
    };
  }
  if (c.op === 'heatmapFocalLoss') {
    const h = data.heatmaps(c);
    return {
      inputs: { pred: h.pred, gt: h.gt },
      expected: reference.heatmapFocalLoss(h.pred, h.gt),
      elements: h.pred.length,
      readBytes: h.pred.byteLength + h.gt.byteLength,
      note: `${h.positives} positives`,
    };
  }
  const { logits, labels } = data.classification(c.n, c.k, { dtype: c.dtype });
  const expected =
    c.op === 'crossEntropy'
      ? reference.crossEntropy(logits, labels, c.k)
      : c.op === 'logSumExp'
        ? reference.logSumExp(logits, c.k)
        : reference.softmax(logits, c.k);
  return {
    inputs: { logits, labels },
    expected,
    elements: logits.length,
    readBytes: logits.byteLength + (c.op === 'crossEntropy' ? labels.byteLength : 0),
  };
}

const TOLERANCE = 1e-4;

// Largest relative difference to the float64 reference (elementwise for arrays).
function relativeError(actual, expected) {
  if (typeof expected === 'number') {
    const a = Number(actual);
    return Math.abs(a - expected) / Math.max(Math.abs(expected), 1e-30);
  }
  if (!actual || actual.length !== expected.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.abs(actual[i] - expected[i]) / Math.max(Math.abs(expected[i]), 1e-30);
    if (!(e <= worst)) worst = e; // NaN counts as worst
  }
  return worst;
}

function formatTime(msValue) {
  if (msValue < 1e-3) return `${(msValue * 1e6).toFixed(msValue < 1e-4 ? 1 : 0)} ns`;
  if (msValue < 1) return `${(msValue * 1e3).toFixed(msValue < 1e-2 ? 2 : 1)} µs`;
  return `${msValue.toFixed(msValue < 10 ? 2 : 1)} ms`;
}

function formatRate(g) {
  return g >= 10 ? g.toFixed(1) : g >= 0.1 ? g.toFixed(2) : g.toPrecision(2);
}

function formatBytes(b) {
  if (b < 1024) return `${b} B`;
  if (b < 2 ** 20) return `${(b / 1024).toFixed(1)} KiB`;
  return `${(b / 2 ** 20).toFixed(1)} MiB`;
}

function cpuModel() {
  try {
    const info = fs.readFileSync('/proc/cpuinfo', 'utf8');
    const m = info.match(/^model name\s*:\s*(.+)$/m) || info.match(/^Hardware\s*:\s*(.+)$/m);
    if (m) return m[1].trim();
  } catch {
    // not Linux
  }
  return (os.cpus()[0] && os.cpus()[0].model) || 'unknown CPU';
}

async function runCase(c, cfg, log) {
  const id = caseId(c);
  log(`… ${id}`);
  const t0 = Date.now();
  const { inputs, expected, elements, readBytes, note } = makeInputs(c);
  const task = { ...c, data: inputs };
  const rows = [];
  const entries = [];
  const disposers = [];
  for (const peer of PEERS) {
    const row = { impl: peer.name };
    let prepared;
    try {
      prepared = await peer.prepare(task);
    } catch (err) {
      prepared = { missing: `error: ${String(err.message || err).split('\n')[0]}` };
    }
    if (prepared.skip) continue;
    rows.push(row);
    if (prepared.missing) {
      row.status = 'missing';
      row.note = prepared.missing;
      continue;
    }
    if (prepared.dispose) disposers.push(prepared.dispose);
    try {
      const result = await prepared.run();
      row.maxRelErr = relativeError(result, expected);
      row.checkOk = row.maxRelErr <= TOLERANCE;
    } catch (err) {
      row.status = 'error';
      row.note = String(err.message || err).split('\n')[0];
      continue;
    }
    row.status = 'ok';
    entries.push({ key: peer.name, impl: prepared });
  }
  const boundRow = { impl: bound.name, status: 'ok', isBound: true };
  rows.push(boundRow);
  entries.push({ key: bound.name, impl: bound.readBound(readBytes) });

  const timings = await measure(entries, cfg);
  for (const d of disposers) d();

  const base = timings.get(losskit.name);
  const baseMs = base && !base.error ? base.medianMs : null;
  for (const row of rows) {
    const t = timings.get(row.impl);
    if (!t) continue;
    if (t.error) {
      Object.assign(row, { status: 'error', note: `while timing: ${t.error}` });
      continue;
    }
    Object.assign(row, t);
    row.gElemPerSec = elements / (t.medianMs * 1e6);
    row.vsLosskit = baseMs ? t.medianMs / baseMs : null;
  }
  log(`  done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return { id, ...c, elements, readBytes, note, rows };
}

function printSection(title, results) {
  const lines = [];
  lines.push(`### ${title}`, '');
  lines.push('| shape | implementation | time / call | G elem/s | vs losskit | check |');
  lines.push('|---|---|--:|--:|--:|---|');
  for (const r of results) {
    const shape = r.op === 'heatmapFocalLoss' || r.op === 'renderHeatmaps' ? `${r.batch}×${r.channels}×${r.height}×${r.width}` : `${r.n}×${r.k}`;
    r.rows.forEach((row, i) => {
      const cells = [i === 0 ? shape : ''];
      if (row.status !== 'ok') {
        cells.push(row.impl, '—', '—', '—', `${row.status}: ${row.note}`);
      } else {
        const check = row.isBound
          ? `reads ${formatBytes(r.readBytes)}`
          : row.checkOk
            ? `✓ ${row.maxRelErr.toExponential(0)}`
            : `✗ MISMATCH rel ${row.maxRelErr.toExponential(1)}`;
        cells.push(
          row.impl,
          formatTime(row.medianMs),
          formatRate(row.gElemPerSec),
          row.vsLosskit === null ? '—' : `${row.vsLosskit.toFixed(2)}×`,
          check,
        );
      }
      lines.push(`| ${cells.join(' | ')} |`);
    });
  }
  console.log(lines.join('\n') + '\n');
}

function formatPercent(x) {
  return `${(100 * x).toFixed(x < 0.1 ? 1 : 0)} %`;
}

function printParallel(title, r) {
  const multi = r.rows.find((row) => row.isMulti);
  const boundName = multi ? multi.impl : `read bound, ${r.lanes} threads`;
  const lines = [];
  lines.push(
    `### ${title}`,
    '',
    `${r.cores} cores available (os.availableParallelism()); a promise call uses ${r.lanes} lanes of the libuv pool ` +
      `(UV_THREADPOOL_SIZE ${r.uvThreadpoolSize || 'unset: 4'}), blocks of ${r.blockBytes ? formatBytes(r.blockBytes) : '?'}. ` +
      `GB/s = bytes read / time (10⁹ B/s); "of bound" = that row's GB/s / the ${r.lanes}-thread read bound's, from medians ` +
      `(best: from each row's fastest sample). Load average when the case started: ${r.loadAverage.map((v) => v.toFixed(2)).join(' ')}.`,
    '',
    '| implementation | threads | time / call | best | GB/s | G elem/s | of bound | of bound (best) | check |',
    '|---|--:|--:|--:|--:|--:|--:|--:|---|',
  );
  for (const row of r.rows) {
    if (row.status !== 'ok' || row.medianMs === undefined) {
      lines.push(`| ${row.impl} | ${row.threads} | — | — | — | — | — | — | ${row.status || 'missing'}: ${row.note || 'not timed'} |`);
      continue;
    }
    const check = row.isBound
      ? `reads ${formatBytes(row.bytes)}`
      : row.checkOk
        ? `✓ ${row.maxRelErr.toExponential(0)}`
        : `✗ MISMATCH rel ${row.maxRelErr.toExponential(1)}`;
    lines.push(
      `| ${row.impl} | ${row.threads} | ${formatTime(row.medianMs)} | ${formatTime(row.minMs)} | ${row.gbPerSec.toFixed(2)} | ` +
        `${formatRate(row.gElemPerSec)} | ${row.ofBound === undefined ? '—' : formatPercent(row.ofBound)} | ` +
        `${row.bestOfBound === undefined ? '—' : formatPercent(row.bestOfBound)} | ${check} |`,
    );
  }
  const promise = r.rows.find((row) => row.impl.startsWith('losskit/promises') && row.gbPerSec);
  const sync = r.rows.find((row) => row.impl.includes('(sync)') && row.gbPerSec);
  const one = r.rows.find((row) => row.isBound && !row.isMulti && row.gbPerSec);
  const facts = [];
  if (promise && multi && multi.gbPerSec) {
    facts.push(
      `**losskit/promises crossEntropy: ${promise.gbPerSec.toFixed(2)} GB/s = ${formatPercent(promise.ofBound)} of the ` +
        `${r.lanes}-thread read bound (${multi.gbPerSec.toFixed(2)} GB/s) measured in this run** (issue target ≥ 70 %; ` +
        `best samples: ${formatPercent(promise.bestOfBound)})`,
    );
  } else {
    facts.push(`promise / ${boundName}: not measured (see the rows)`);
  }
  if (promise && sync) facts.push(`speed-up of the promise over the sync call: ${(sync.medianMs / promise.medianMs).toFixed(2)}×`);
  if (one && multi && multi.gbPerSec) {
    const scaling = multi.gbPerSec / one.gbPerSec;
    facts.push(`${r.lanes}-thread / 1-thread read bound: ${scaling.toFixed(2)}×`);
    if (scaling < 1.2) facts.push('the extra threads barely helped: another process probably had the other core(s), so this row is not the hardware\'s bound');
  }
  lines.push('', facts.join('; ') + '.');
  console.log(lines.join('\n') + '\n');
}

// losskit's G elem/s on float64 as a share of the float32 case of the same op and shape run earlier
// (the target: at least half). Float64 reads twice the bytes, so a shape whose float32
// input fits in the last-level cache may not fit as float64: the read bound is printed beside it.
function printAgainstFloat32(results, all) {
  const speed = (r, impl) => {
    const row = r && r.rows.find((x) => x.impl === impl && x.status === 'ok');
    return row ? row.gElemPerSec : null;
  };
  const parts = [];
  for (const r of results) {
    const twin = all.find((x) => x.op === r.op && x.dtype === 'float32' && x.n === r.n && x.k === r.k);
    const f64 = speed(r, losskit.name), f32 = speed(twin, losskit.name);
    if (!f64 || !f32) continue;
    const b64 = speed(r, bound.name), b32 = speed(twin, bound.name);
    const boundNote = b64 && b32 ? ` (read bound: ${((100 * b64) / b32).toFixed(0)} %)` : '';
    parts.push(`${r.n}×${r.k}: ${f64.toFixed(2)} / ${f32.toFixed(2)} G elem/s = ${((100 * f64) / f32).toFixed(0)} %${boundNote}`);
  }
  if (parts.length) console.log(`**float64 / float32, losskit ${results[0].op}, same shape** (issue target ≥ 50 %): ${parts.join('; ')}.\n`);
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const cfg = opts.quick
    ? { targetMs: 40, rounds: 5, warmupMs: 15 }
    : { targetMs: 300, rounds: 11, warmupMs: 100 };
  const log = (m) => process.stderr.write(`${m}\n`);
  const selected = (c) => !opts.filter || opts.filter.test(caseId(c));
  if (!SECTIONS.some((s) => s.cases.some(selected))) fail(`--filter ${opts.filter} matches no case`);
  const started = Date.now();

  await tfjs.init();
  const wantsTorch = PEERS.includes(torch) && SECTIONS.some((s) => !s.parallel && s.cases.some(selected));
  if (wantsTorch) await torch.init(log);
  const be = losskit.backend();
  const machine = {
    cpu: cpuModel(),
    cores: os.cpus().length,
    availableParallelism: availableCores(),
    node: process.version,
    losskitIsa: be ? be.isa : null,
    losskitLoaded: losskit.loaded(),
    onnxruntime: onnx.version(),
    tfjs: tfjs.describe(),
    torch: torch.describe(),
    torchUnavailable: torch.whyUnavailable(),
    bound: bound.name,
  };
  const torchLine = machine.torch
    ? machine.torch
    : machine.torchUnavailable
      ? `PyTorch: — (${machine.torchUnavailable})`
      : 'PyTorch not started (no case needs it)';
  const isa = be ? be.isa : losskit.loaded() ? 'backend() not exported' : 'not built';
  console.log('# losskit bench\n');
  console.log(
    `**Machine:** ${machine.cpu}, ${machine.cores} CPUs (${machine.availableParallelism} available to Node) · ` +
      `Node ${machine.node} · losskit isa: ${isa} · ` +
      `onnxruntime-node ${machine.onnxruntime || 'not loaded'} (CPU EP, 1 thread) · ${machine.tfjs || 'tfjs not loaded'}` +
      ` · ${torchLine} · ${machine.bound}\n`,
  );
  console.log(
    `**Run:** ${opts.quick ? 'quick' : 'full'}; per case every implementation is warmed up, then timed ` +
      `round-robin in ${cfg.rounds} rounds of ~${(cfg.targetMs / cfg.rounds).toFixed(0)} ms; ` +
      `median time per call (PyTorch: each batch timed inside the python3 child, in the same rounds). ` +
      `vs losskit = that row's time / losskit's time (>1: losskit faster). ` +
      `Check: max relative difference to a float64 reference (✓ within ${TOLERANCE}).\n`,
  );

  const all = [];
  let losskitMismatch = false;
  for (const section of SECTIONS) {
    const cases = section.cases.filter(selected);
    if (cases.length === 0) continue;
    if (section.parallel) {
      for (const c of cases) {
        // Calls of 20-100 ms: one per sample; the full run takes more rounds (it costs a few seconds).
        const rounds = opts.quick ? cfg.rounds : 2 * cfg.rounds - 1;
        const parallelCfg = { ...cfg, rounds, targetMs: (cfg.targetMs * rounds) / cfg.rounds };
        const r = await runParallel({ ...c, id: caseId(c) }, parallelCfg, log, relativeError, TOLERANCE);
        all.push(r);
        printParallel(section.title, r);
        if (r.rows.some((row) => !row.isBound && row.status === 'ok' && !row.checkOk)) losskitMismatch = true;
      }
      continue;
    }
    const results = [];
    for (const c of cases) {
      const r = await runCase(c, cfg, log);
      results.push(r);
      all.push(r);
      if (r.rows.some((row) => row.impl === losskit.name && row.status === 'ok' && !row.checkOk)) {
        losskitMismatch = true;
      }
    }
    printSection(section.title, results);
    if (section.againstFloat32) printAgainstFloat32(results, all);
  }

  await torch.close();
  const seconds = (Date.now() - started) / 1000;
  console.log(`_Total bench time ${seconds.toFixed(0)} s._`);
  if (opts.json) {
    const json = { machine, mode: opts.quick ? 'quick' : 'full', config: cfg, tolerance: TOLERANCE, seconds, cases: all };
    fs.writeFileSync(opts.json, JSON.stringify(json, (k, v) => (v === Infinity ? 'Infinity' : v), 2) + '\n');
    log(`wrote ${opts.json}`);
  }
  if (losskitMismatch) {
    console.error('bench: losskit disagrees with the float64 reference (see ✗ above)');
    process.exitCode = 1;
  }
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  process.exit(1);
});
