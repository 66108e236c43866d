'use strict';
// `node --expose-gc test/support/churn.js ROOT CALLS [name...]`: calls each exported API.md
// function CALLS times with its small valid call (test/support/api-spec.js), and prints one JSON
// line per function: { name, calls, ms, rssGrowthMB, youngGrowthMB } where the growth is measured
// after a warm-up and a full GC, so it shows memory the calls keep (leaks), not V8's working set.
//
// One part of V8's working set survives any number of gc() calls: the young generation's capacity.
// Under a high allocation rate V8 grows the semi-spaces (new_space) step by step up to their
// maximum (16 MB each on 64-bit: new_space 32 MB) and does not give the pages back on a forced GC,
// although they hold nothing (new_space used = 0 after it). createMeter allocates a few small
// objects per call, so 10^6 calls grow new_space from ~4 to 32 MB, which showed as ~26-29 MB of
// "RSS growth" while old space, external memory and the native heap stayed flat (and 2-4·10^6
// calls add nothing more). So the figure reported (and bounded) is the RSS growth minus the growth
// of new_space's committed size; youngGrowthMB is printed beside it.
const v8 = require('v8');
const path = require('path');
const root = path.resolve(process.argv[2] || path.join(__dirname, '..', '..'));
const calls = Number(process.argv[3] || 1e6);
const only = process.argv.slice(4);
const lk = require(root);
const { SPEC } = require('./api-spec.js');

const gc = global.gc;
if (!gc) throw new Error('run with --expose-gc');
const youngBytes = () => v8.getHeapSpaceStatistics().filter((sp) => sp.space_name === 'new_space').reduce((a, sp) => a + sp.space_size, 0);
const settle = () => {
  for (let i = 0; i < 3; i++) gc();
  return { rss: process.memoryUsage().rss, young: youngBytes() };
};

for (const s of SPEC) {
  if (typeof lk[s.name] !== 'function' || (only.length && !only.includes(s.name))) continue;
  const fn = lk[s.name];
  // Fresh arguments per batch (not per call, so the loop measures the call, not the test).
  const warm = Math.min(20000, calls / 10);
  let args = s.call(lk);
  for (let i = 0; i < warm; i++) fn(...args);
  const before = settle();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) {
    if (i % 1000 === 0) args = s.call(lk);
    fn(...args);
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const after = settle();
  const mb = (v) => +(v / 1048576).toFixed(2);
  console.log(JSON.stringify({
    name: s.name, calls, ms: Math.round(ms),
    rssGrowthMB: mb(after.rss - after.young - (before.rss - before.young)),
    youngGrowthMB: mb(after.young - before.young),
  }));
}
