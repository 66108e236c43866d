'use strict';
// node --expose-gc gc-in-flight.js <package root>
// Starts promise calls on arrays nobody else references, then forces garbage collection again and
// again while they run: the addon's references must keep every input (and the out array it will
// return) alive until the Promise settles. Prints "ok N calls" or exits non-zero.
const path = require('path');
const root = process.argv[2];
const lk = require(root);
const lp = require(path.join(root, 'dist', 'promises.js'));
const { asyncConfig } = require(path.join(root, 'dist', 'async.js'));
const gen = require('./async-data.js');

if (typeof global.gc !== 'function') throw new Error('run with --expose-gc');
asyncConfig({ blockBytes: 16 << 10 });

const n = 3000, k = 200;
const expected = [];
for (let seed = 1; seed <= 6; seed++) {
  expected.push(lk.crossEntropy(gen.logits(n, k, seed), gen.labels(n, k, seed + 100), { reduction: 'sum' }));
}

function start(seed) {
  // Everything made here is unreachable from JS once this returns, except through the Promise.
  const x = gen.logits(n, k, seed);
  const y = gen.labels(n, k, seed + 100);
  return {
    sum: lp.crossEntropy(x, y, { reduction: 'sum' }),
    none: lp.crossEntropy(gen.logits(n, k, seed), gen.labels(n, k, seed + 100), { reduction: 'none' }),
    soft: lp.softmax(gen.logits(n, k, seed), { classes: k }),
  };
}

async function main() {
  let calls = 0;
  for (let round = 0; round < 5; round++) {
    const pending = [];
    for (let seed = 1; seed <= 6; seed++) pending.push({ seed, ...start(seed) });
    let settled = false;
    const all = Promise.all(pending.flatMap((p) => [p.sum, p.none, p.soft])).finally(() => { settled = true; });
    while (!settled) {
      global.gc();
      await new Promise((r) => setImmediate(r));
    }
    await all;
    for (const p of pending) {
      const sum = await p.sum;
      const none = await p.none;
      const soft = await p.soft;
      const want = expected[p.seed - 1];
      let s = 0;
      for (const v of none) s += v;
      if (Math.abs(sum - want) > 1e-9 * Math.abs(want)) throw new Error(`seed ${p.seed}: ${sum} != ${want}`);
      if (!(none instanceof Float32Array) || none.length !== n || Math.abs(s - want) > 1e-4 * Math.abs(want)) throw new Error('bad none result');
      if (!(soft instanceof Float32Array) || soft.length !== n * k) throw new Error('bad softmax result');
      calls += 3;
    }
    global.gc();
  }
  console.log(`ok ${calls} calls`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
