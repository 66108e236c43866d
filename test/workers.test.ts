// The addon in worker_threads: several environments at once scoring concurrently (each has its own
// instance data), and workers that exit while their promise calls are still running.
import { execFileSync } from 'child_process';
import * as path from 'path';
import { Worker } from 'worker_threads';
import * as lk from '../lib';
import * as lp from '../lib/promises';
import { ask } from './support/worker-ask';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const gen = require('./support/async-data.js');

const root = path.join(__dirname, '..');
const workerScript = path.join(__dirname, 'support', 'worker.js');


function bits(a: ArrayBufferView): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

describe('worker_threads', () => {
  test('four workers load losskit at once and score concurrently; results equal the main thread\'s', async () => {
    const workers = Array.from({ length: 4 }, () => new Worker(workerScript, { workerData: { root } }));
    try {
      const results = await Promise.all(
        workers.flatMap((w, i) => [ask<Record<string, unknown>>(w, { op: 'score', seed: 10 * i + 1 })]),
      );
      for (const [i, r] of results.entries()) {
        const seed = 10 * i + 1;
        const n = 3000, k = 100;
        const x = gen.logits(n, k, seed);
        const y = gen.labels(n, k, seed + 1, 0.05);
        const opts = { classes: k, weight: gen.weights(k, seed + 2), labelSmoothing: 0.1 };
        expect(r.isa).toBe(lk.backend().isa);
        expect(r.ceSync).toBe(lk.crossEntropy(x, y, opts));
        // The split depends only on the input's shape, so the promise results are the same bits
        // in every thread.
        expect(r.ce).toBe(await lp.crossEntropy(x, y, opts));
        expect(bits(r.ceNone as Float32Array)).toBe(bits(lk.crossEntropy(x, y, { ...opts, reduction: 'none' }) as Float32Array));
        expect(bits(r.sm as Float32Array)).toBe(bits(lk.softmax(x, { classes: k })));
        expect(r.lse).toBe(await lp.logSumExp(x));
      }
    } finally {
      await Promise.all(workers.map((w) => w.terminate()));
    }
  });

  test('workers exiting (process.exit, terminate) while promise calls run: no crash', () => {
    const out = execFileSync(process.execPath, [path.join(__dirname, 'support', 'workers-exit.js'), root], {
      encoding: 'utf8',
      timeout: 120000,
    });
    expect(out.trim()).toBe('ok');
  });

  test('examples/piscina-fanout.js: shards scored in a piscina pool, meters merged, equal one call', () => {
    const out = execFileSync(process.execPath, [path.join(root, 'examples', 'piscina-fanout.js'), '3000', '50', '5'], {
      encoding: 'utf8',
      timeout: 120000,
    });
    const merged = Number(/merged meters: loss (\S+)/.exec(out)![1]);
    const single = Number(/one call: +loss (\S+)/.exec(out)![1]);
    expect(Math.abs(merged - single)).toBeLessThanOrEqual(1e-12 * single);
  });
});
