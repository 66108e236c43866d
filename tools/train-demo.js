'use strict';
// Trains the model behind `losskit demo` and writes its held-out predictions to examples/:
// softmax regression (multinomial logistic regression) on the Seattle daily weather records that
// ship in the vega-datasets package (NOAA, 2012-2015), predicting the day's weather category
// (drizzle, fog, rain, snow, sun) from precipitation, temperatures, wind and the season.
// Plain full-batch gradient descent; probabilities and the loss come from losskit itself.
//
//   npm run build:ts && node tools/train-demo.js      (needs the devDependency vega-datasets)
//
// Deterministic: a fixed seed for the split, so the committed examples/ files are reproducible.
const fs = require('fs');
const path = require('path');
const lk = require('..');
const { encodeNpy } = require('../dist/cli/npy.js');

const CLASSES = ['drizzle', 'fog', 'rain', 'snow', 'sun'];
// the package's exports map hides data/, so find the package folder through node_modules
const csvPath = path.join(__dirname, '..', 'node_modules', 'vega-datasets', 'data', 'seattle-weather.csv');
if (!fs.existsSync(csvPath)) throw new Error(`${csvPath} is missing: npm install (vega-datasets is a devDependency)`);
const rows = fs
  .readFileSync(csvPath, 'utf8')
  .trim()
  .split(/\r?\n/)
  .slice(1)
  .map((l) => l.split(','));

function features(r) {
  const [date, precip, tmax, tmin, wind] = [r[0], +r[1], +r[2], +r[3], +r[4]];
  const d = new Date(date + 'T00:00:00Z');
  const day = (d - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86400000;
  const angle = (2 * Math.PI * day) / 365.25;
  const lp = Math.log1p(precip);
  return [lp, precip > 0 ? 1 : 0, tmax, tmin, tmax - tmin, wind, Math.sin(angle), Math.cos(angle), lp * tmax, Math.min(tmin, 2) ** 2, (d.getUTCFullYear() - 2013.5)];
}
const FEATURE_NAMES = ['log1p(precipitation)', 'precipitation > 0', 'temp_max', 'temp_min', 'temp range', 'wind', 'sin(season)', 'cos(season)', 'log1p(precipitation)·temp_max', 'min(temp_min, 2)²', 'year'];

const X0 = rows.map(features);
const Y0 = rows.map((r) => {
  const c = CLASSES.indexOf(r[5]);
  if (c < 0) throw new Error('unknown class ' + r[5]);
  return c;
});

// a seeded shuffle (mulberry32), then 75 % train / 25 % held-out test
let seed = 20240607;
const rand = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const order = X0.map((_, i) => i);
for (let i = order.length - 1; i > 0; i--) {
  const j = Math.floor(rand() * (i + 1));
  [order[i], order[j]] = [order[j], order[i]];
}
const nTest = Math.round(order.length / 4);
const testIdx = order.slice(0, nTest), trainIdx = order.slice(nTest);

// standardise with the training statistics; a constant 1 for the bias
const F = X0[0].length, D = F + 1, K = CLASSES.length;
const mean = new Float64Array(F), std = new Float64Array(F);
for (const i of trainIdx) X0[i].forEach((v, f) => (mean[f] += v / trainIdx.length));
for (const i of trainIdx) X0[i].forEach((v, f) => (std[f] += (v - mean[f]) ** 2 / trainIdx.length));
std.forEach((v, f) => (std[f] = Math.sqrt(v) || 1));
function design(idx) {
  const x = new Float64Array(idx.length * D);
  idx.forEach((i, r) => {
    X0[i].forEach((v, f) => (x[r * D + f] = (v - mean[f]) / std[f]));
    x[r * D + F] = 1;
  });
  return x;
}
const Xtr = design(trainIdx), Xte = design(testIdx);
const ytr = Int32Array.from(trainIdx, (i) => Y0[i]), yte = Int32Array.from(testIdx, (i) => Y0[i]);

function logits(x, W, n) {
  const z = new Float64Array(n * K);
  for (let r = 0; r < n; r++) for (let c = 0; c < K; c++) {
    let s = 0;
    for (let d = 0; d < D; d++) s += x[r * D + d] * W[d * K + c];
    z[r * K + c] = s;
  }
  return z;
}

// full-batch gradient descent on mean cross-entropy + (λ/2)‖W‖² (bias not penalised)
const W = new Float64Array(D * K), lambda = 1e-3, lr = 0.5, epochs = 3000;
const n = trainIdx.length;
for (let epoch = 0; epoch <= epochs; epoch++) {
  const z = logits(Xtr, W, n);
  const p = lk.softmax(z, { classes: K });
  if (epoch % 500 === 0) {
    const ce = lk.crossEntropy(z, ytr, { classes: K });
    process.stdout.write(`epoch ${String(epoch).padStart(4)}  train cross-entropy ${ce.toFixed(4)}\n`);
  }
  if (epoch === epochs) break;
  for (let r = 0; r < n; r++) p[r * K + ytr[r]] -= 1; // dL/dz = p - onehot
  const g = new Float64Array(D * K);
  for (let r = 0; r < n; r++) for (let d = 0; d < D; d++) {
    const xv = Xtr[r * D + d];
    if (xv === 0) continue;
    for (let c = 0; c < K; c++) g[d * K + c] += xv * p[r * K + c];
  }
  for (let j = 0; j < W.length; j++) {
    const reg = Math.floor(j / K) < F ? lambda * W[j] : 0;
    W[j] -= lr * (g[j] / n + reg);
  }
}

const zte = Float32Array.from(logits(Xte, W, nTest));
const out = path.join(__dirname, '..', 'examples');
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, 'seattle-weather-logits.npy'), encodeNpy(zte, [nTest, K]));
// labels as int64, like a PyTorch label tensor saved with numpy
fs.writeFileSync(path.join(out, 'seattle-weather-labels.npy'), encodeNpy(BigInt64Array.from(yte, BigInt), [nTest]));
const meta = {
  dataset: `Seattle daily weather 2012-2015, ${rows.length} days`,
  source: 'NOAA records as shipped in the vega-datasets npm package, data/seattle-weather.csv',
  model: `softmax regression on ${F} features (${FEATURE_NAMES.join(', ')}), trained by tools/train-demo.js with full-batch gradient descent`,
  split: `Held-out test set: a seeded random ${nTest} of the ${rows.length} days (25 %); the other ${trainIdx.length} trained the model.`,
  classes: CLASSES,
  features: FEATURE_NAMES,
  training: { examples: trainIdx.length, epochs, learningRate: lr, l2: lambda, seed: 20240607 },
};
fs.writeFileSync(path.join(out, 'seattle-weather.json'), JSON.stringify(meta, null, 2) + '\n');
const test = lk.crossEntropy(zte, yte, { classes: K });
process.stdout.write(`held-out cross-entropy ${test.toFixed(4)} on ${nTest} days; wrote examples/seattle-weather-{logits,labels}.npy and .json\n`);
