'use strict';
// `node --expose-gc test/support/churn.js ROOT CALLS [name...]`: calls each exported API.md
// function CALLS times with its small valid call (test/support/api-spec.js), and prints one JSON
// line per function: { name, calls, ms, rssGrowthMB } where the growth is measured after a
// warm-up and a full GC, so it shows memory the calls keep (leaks), not V8's working set.
const path = require('path');
const root = path.resolve(process.argv[2] || path.join(__dirname, '..', '..'));
const calls = Number(process.argv[3] || 1e6);
const only = process.argv.slice(4);
const lk = require(root);
const { SPEC } = require('./api-spec.js');

const gc = global.gc;
if (!gc) throw new Error('run with --expose-gc');
const settle = () => { for (let i = 0; i < 3; i++) gc(); return process.memoryUsage().rss; };

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
  console.log(JSON.stringify({ name: s.name, calls, ms: Math.round(ms), rssGrowthMB: +((after - before) / 1048576).toFixed(2) }));
}
