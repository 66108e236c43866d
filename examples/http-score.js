'use strict';
// A plain `http` server that scores request bodies with losskit/promises, so a large batch never
// stalls the other requests. POST /score?classes=K with a binary body: N·K float32 logits, then N
// int32 labels (little-endian). Answers {"loss": ..., "rows": N}.
//
//   node examples/http-score.js            # listens on :8080 (PORT=... to change)
//   curl --data-binary @batch.bin 'http://localhost:8080/score?classes=1000'
const http = require('http');
const path = require('path');
const { crossEntropy } = require(path.join(__dirname, '..', 'dist', 'promises.js')); // require('losskit/promises')

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (req.method !== 'POST' || url.pathname !== '/score') return void res.writeHead(404).end();
  const k = Number(url.searchParams.get('classes'));
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const bytes = new Uint8Array(Buffer.concat(chunks)); // a copy at offset 0: aligned for Float32Array
  const n = bytes.length / (4 * k + 4);
  if (!Number.isSafeInteger(k) || k < 1 || !Number.isInteger(n)) {
    return void res.writeHead(400).end('body must be N*classes float32 logits then N int32 labels\n');
  }
  const logits = new Float32Array(bytes.buffer, 0, n * k);
  const labels = new Int32Array(bytes.buffer, n * k * 4, n);
  // Stop scoring if the client goes away before the answer.
  const ac = new AbortController();
  res.on('close', () => ac.abort());
  try {
    const loss = await crossEntropy(logits, labels, { classes: k, signal: ac.signal });
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ loss, rows: n }));
  } catch (e) {
    if (e.name === 'AbortError') return;
    res.writeHead(e.name === 'RangeError' || e.name === 'TypeError' ? 400 : 500).end(`${e.message}\n`);
  }
});

server.listen(Number(process.env.PORT || 8080), () => console.log(`listening on :${server.address().port}`));
module.exports = server;
