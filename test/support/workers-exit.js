'use strict';
// node workers-exit.js <package root>
// Workers that leave (process.exit inside, or terminate() from here) while their promise calls
// are still running on the pool: the process must not crash, and the addon must keep working on
// the main thread afterwards. Prints "ok" or exits non-zero.
const path = require('path');
const { Worker } = require('worker_threads');
const root = process.argv[2];
const lp = require(path.join(root, 'dist', 'promises.js'));
const lk = require(root);

function round(exit) {
  return new Promise((resolve, reject) => {
    const w = new Worker(path.join(__dirname, 'worker.js'), { workerData: { root } });
    w.on('error', reject);
    w.on('exit', () => resolve());
    w.on('message', (m) => {
      if (!m.ok) reject(new Error(m.error));
      else if (!exit) setTimeout(() => w.terminate(), 1 + Math.floor(Math.random() * 5));
    });
    w.postMessage({ op: 'inflight', exit });
  });
}

async function main() {
  for (let i = 0; i < 4; i++) await Promise.all([round(true), round(false), round(i % 2 === 0)]);
  const x = new Float32Array(1000 * 100).map((_, i) => Math.sin(i));
  const y = new Int32Array(1000).map((_, i) => i % 100);
  const a = await lp.crossEntropy(x, y);
  if (a !== lk.crossEntropy(x, y)) throw new Error('addon broken after worker exits');
  console.log('ok');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
