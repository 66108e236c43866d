'use strict';
// Timing: warm up each implementation, estimate its cost, then time all of a case's
// implementations round-robin (the starting one rotating every round) so that clock or thermal
// drift hits every row alike. Each sample is a batch of calls sized to ~targetMs/rounds, so calls
// of a few nanoseconds are timed as a batch and divided; the reported figure is the median.
//
// An implementation that runs in another process (the PyTorch peer) supplies
// `timeBatch(reps) -> Promise<{ ms, value }>`: the batch of `reps` calls is run and timed there, with
// its own clock around the same back-to-back loop, so the message round trip is not counted. It
// still takes its turn in every round like the others.

const now = () => process.hrtime.bigint();
const ms = (ns) => Number(ns) / 1e6;

let sink = 0; // results land here so no call can be optimised away
function keep(value) {
  sink ^= typeof value === 'number' ? (value > 0 ? 1 : 0) : value ? value.length & 1 : 0;
}

async function timeBatch(impl, reps) {
  if (impl.timeBatch) {
    const { ms: t, value } = await impl.timeBatch(reps);
    keep(value);
    return t;
  }
  const { run } = impl;
  let last;
  const t0 = now();
  if (impl.async) {
    for (let i = 0; i < reps; i++) last = await run();
  } else {
    for (let i = 0; i < reps; i++) last = run();
  }
  const t = now() - t0;
  keep(last);
  return ms(t);
}

async function warmAndEstimate(impl, { warmupMs }) {
  // Warm-up: enough calls for the JIT (and any lazy native setup) to settle.
  const start = now();
  let calls = 0;
  let last = 0;
  while (calls < 2 || ms(now() - start) < warmupMs) {
    last = await timeBatch(impl, 1);
    calls++;
    if (calls > 1e6) break;
  }
  // A warm call long enough to trust the clock is its own estimate (saves a slow call).
  if (last >= 2) return last;
  // Otherwise grow the batch until it lasts long enough.
  let reps = 1;
  for (;;) {
    const t = await timeBatch(impl, reps);
    if (t >= 2 || reps >= 1 << 22) return t / reps;
    reps *= t < 0.05 ? 16 : 4;
  }
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * @param {{key: string, impl: {run: Function, async?: boolean, timeBatch?: Function}}[]} entries
 * @param {{targetMs: number, rounds: number, warmupMs: number}} cfg
 * @returns {Promise<Map<string, {medianMs: number, minMs: number, samples: number, batch: number, totalMs: number} | {error: string}>>}
 */
async function measure(entries, cfg) {
  const slice = cfg.targetMs / cfg.rounds;
  const plan = [];
  const out = new Map();
  // An implementation that throws while being timed (say, the PyTorch child died) is reported as
  // an error and left out of the remaining rounds; the others go on.
  const failed = (key, err) => out.set(key, { error: String((err && err.message) || err).split('\n')[0] });
  for (const e of entries) {
    try {
      const est = await warmAndEstimate(e.impl, cfg);
      plan.push({ ...e, batch: Math.max(1, Math.round(slice / est)), samples: [], total: 0 });
    } catch (err) {
      failed(e.key, err);
    }
  }
  for (let r = 0; r < cfg.rounds; r++) {
    for (let j = 0; j < plan.length; j++) {
      const p = plan[(r + j) % plan.length];
      if (out.has(p.key)) continue;
      try {
        const t = await timeBatch(p.impl, p.batch);
        p.samples.push(t / p.batch);
        p.total += t;
      } catch (err) {
        failed(p.key, err);
      }
    }
  }
  for (const p of plan) {
    if (out.has(p.key)) continue;
    out.set(p.key, {
      medianMs: median(p.samples),
      minMs: Math.min(...p.samples),
      samples: p.samples.length,
      batch: p.batch,
      totalMs: p.total,
    });
  }
  return out;
}

module.exports = { measure, median, sink: () => sink };
