// Leaks and lifetimes (issue 8): 10^6 calls of every exported API.md function in child processes
// started with --expose-gc (test/support/churn.js), with RSS growth after warm-up and GC bounded
// (less the young generation's capacity, which V8 keeps after a GC although it is empty: see churn.js);
// and the addon loaded and unloaded with its environment by worker threads.
// LOSSKIT_CHURN_CALLS overrides the number of calls (e.g. 1e5 for a quick local run).
import { execFile } from 'child_process';
import * as path from 'path';
import { Worker } from 'worker_threads';
import * as lk from '../lib';
/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any */
const { SPEC } = require('./support/api-spec.js');

const root = path.join(__dirname, '..');
const churn = path.join(__dirname, 'support', 'churn.js');
// Under ASan (tools/asan.sh) every free goes through the allocator's quarantine, so RSS says
// nothing about leaks there: fewer calls, and the bound is not asserted.
const UNDER_ASAN = /asan/.test(process.env.LD_PRELOAD || '');
const CALLS = Number(process.env.LOSSKIT_CHURN_CALLS || (UNDER_ASAN ? 2e4 : 1e6));
const BOUND_MB = 20;
const names: string[] = SPEC.map((s: any) => s.name).filter((n: string) => typeof (lk as any)[n] === 'function');

function run(list: string[]): Promise<any[]> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--expose-gc', churn, root, String(CALLS), ...list], { cwd: root, maxBuffer: 1 << 20, timeout: 600000 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`churn failed: ${err.message}\n${stderr}`));
        else resolve(stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)));
      });
  });
}

describe('memory over many calls', () => {
  test(`${CALLS} calls of each exported function keep RSS growth under ${BOUND_MB} MB`, async () => {
    // Two children (CI has two cores), each taking every other function.
    const halves = [names.filter((_, i) => i % 2 === 0), names.filter((_, i) => i % 2 === 1)].filter((h) => h.length);
    const rows = (await Promise.all(halves.map(run))).flat();
    expect(rows.map((r) => r.name).sort()).toEqual([...names].sort());
    const worst = Math.max(...rows.map((r) => r.rssGrowthMB));
    console.log(`RSS growth over ${CALLS} calls each (after warm-up and GC), worst ${worst} MB:\n` +
      rows.map((r) => `  ${r.name}: ${r.rssGrowthMB} MB in ${r.ms} ms (V8 young generation grew ${r.youngGrowthMB} MB, not counted)`).join('\n'));
    if (!UNDER_ASAN) for (const r of rows) expect(r.rssGrowthMB).toBeLessThan(BOUND_MB);
  }, 900000);
});

describe('the addon lives and dies with its environment', () => {
  // Each worker loads the addon (its own per-environment state), computes, and exits; the state is
  // freed by the environment's cleanup. Any crash at unload would kill this process.
  const script = `
    const { parentPort, workerData } = require('worker_threads');
    const lk = require(workerData.root);
    const x = new Float32Array(300).map((_, i) => Math.sin(i));
    const y = new Int32Array(100).map((_, i) => i % 3);
    let s = 0;
    for (let i = 0; i < 200; i++) s += lk.crossEntropy(x, y, { classes: 3 }) + lk.logSumExp(x);
    parentPort.postMessage({ s, isa: lk.backend().isa });`;
  const once = () =>
    new Promise<{ s: number; code: number }>((resolve, reject) => {
      const w = new Worker(script, { eval: true, workerData: { root } });
      let s = NaN;
      w.on('message', (m) => { s = m.s; });
      w.on('error', reject);
      w.on('exit', (code) => resolve({ s, code }));
    });

  test('40 workers load, compute, exit (4 at a time) and all agree', async () => {
    const results: number[] = [];
    for (let round = 0; round < 10; round++) {
      const r = await Promise.all([once(), once(), once(), once()]);
      for (const { s, code } of r) {
        expect(code).toBe(0);
        results.push(s);
      }
    }
    expect(new Set(results).size).toBe(1);
  });

  test('a worker terminated mid-work unloads cleanly', async () => {
    const w = new Worker(`
      const lk = require(${JSON.stringify(root)});
      const x = new Float64Array(1 << 16).map((_, i) => Math.cos(i));
      for (;;) lk.logSumExp(x);`, { eval: true });
    await new Promise((r) => setTimeout(r, 300));
    expect(await w.terminate()).toBe(1);
  });

  test('a process that loaded the addon in workers exits cleanly', async () => {
    const code = await new Promise<number | null>((resolve) => {
      const child = execFile(process.execPath, ['-e', `
        const { Worker } = require('worker_threads');
        let left = 8;
        for (let i = 0; i < 8; i++) {
          const w = new Worker('require(' + JSON.stringify(${JSON.stringify(root)}) + ').logSumExp([1, 2, 3])', { eval: true });
          w.on('exit', () => { if (--left === 0) require(${JSON.stringify(root)}).logSumExp([1]); });
        }`], { cwd: root }, () => undefined);
      child.on('exit', (c) => resolve(c));
    });
    expect(code).toBe(0);
  });
});

describe('the stats buffer the addon writes its sums to', () => {
  // The addon keeps a Float64Array of its own memory for the [loss, weight, count] of the last
  // reduction. Before it was an external buffer, a transfer of it from JS (reachable through
  // dist/binding.js) moved V8's backing store away and the next call wrote into freed memory: the
  // child crashed (exit 139). Now Node cannot detach it (the transfer copies it) and every kind of
  // call keeps working.
  test('a transfer of native.stats takes no memory from the addon; results are unchanged', async () => {
    const script = path.join(__dirname, 'support', 'detach-stats.js');
    const out = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['--expose-gc', script, root], { cwd: root, timeout: 120000 }, (err, stdout, stderr) => {
        if (err) reject(new Error(`detach-stats failed: ${err.message}\n${stderr}`));
        else resolve(stdout.trim());
      });
    });
    expect(out).toBe('ok 12000 attached');
  });
});
