// `losskit score` and `losskit demo` as a user runs them: `node bin/losskit.js …` in a child process
// on small files written to a temp dir, checked against the library called directly.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as lk from '../lib';
import { encodeNpy, readNpy } from '../lib/cli/npy';
import { ClassificationMetrics } from '../lib/cli/metrics';
import { VALUE_FLAGS } from '../lib/cli/main';

const BIN = path.join(__dirname, '..', 'bin', 'losskit.js');
let dir: string;
beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'losskit-cli-'))));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function run(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
function json(...args: string[]): Record<string, any> {
  const r = run(...args, '--json');
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout);
}
function put(name: string, b: Buffer | string): string {
  fs.writeFileSync(path.join(dir, name), b);
  return name;
}
/** A user error: exit 2, one line on stderr that names `what`, no stack trace. */
function expectUserError(r: ReturnType<typeof run>, what: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(what);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

// deterministic data
let seed = 12345;
const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
const N = 53, K = 7;
const logits = new Float32Array(N * K).map(() => (rand() - 0.5) * 6);
const labels = new Int32Array(N).map(() => Math.floor(rand() * K));
for (let i = 0; i < N; i++) logits[i * K + labels[i]] += 1.5; // a better than random model

beforeAll(() => {
  put('logits.npy', encodeNpy(logits, [N, K]));
  put('labels.npy', encodeNpy(BigInt64Array.from(labels, (v) => BigInt(v)), [N])); // int64, as PyTorch saves
});

describe('score --loss cross-entropy', () => {
  test('--json matches the library call and the metrics module', () => {
    const out = json('score', '--loss', 'cross-entropy', '--input', 'logits.npy', '--target', 'labels.npy', '--top-k', '3');
    expect(out.loss).toBeCloseTo(lk.crossEntropy(logits, labels, { classes: K }), 12);
    expect(out).toMatchObject({ kind: 'cross-entropy', count: N, classes: K, reduction: 'mean', weight: N });
    const m = new ClassificationMetrics({ classes: K, topK: [1, 3] }).update(lk.softmax(logits, { classes: K }), labels, { logProbs: lk.logSoftmax(logits, { classes: K }) }).result();
    expect(out.accuracy).toBeCloseTo(m.accuracy, 15);
    expect(out.topK['3']).toBeCloseTo(m.topK['3'], 15);
    expect(out.ece).toBeCloseTo(m.ece, 12);
    expect(out.brier).toBeCloseTo(m.brier, 12);
    expect(out.nll).toBeCloseTo(out.loss, 6);
    expect(out.calibration).toHaveLength(15);
  });

  test('the table names every figure', () => {
    const r = run('score', '--loss', 'cross-entropy', '--input', 'logits.npy', '--target', 'labels.npy', '--top-k', '2');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(''); // no progress bar when stderr is not a terminal
    for (const s of ['loss (mean, nats)', 'accuracy (top-1)', 'accuracy (top-2)', 'mean NLL', 'perplexity', 'Brier score', 'ECE (15 bins)', 'mean loss']) {
      expect(r.stdout).toContain(s);
    }
  });

  test('.json (nested) and .csv (with a header) inputs give the same loss; flat JSON infers K', () => {
    const rows = Array.from({ length: N }, (_, i) => Array.from(logits.subarray(i * K, i * K + K)));
    put('logits.json', JSON.stringify(rows));
    put('labels.json', JSON.stringify(Array.from(labels)));
    put('logits.csv', [rows[0].map((_, j) => `c${j}`).join(','), ...rows.map((r) => r.join(','))].join('\n') + '\n');
    put('labels.csv', Array.from(labels).join('\r\n') + '\r\n');
    put('flat.json', JSON.stringify(rows.flat()));
    const ref = lk.crossEntropy(logits, labels, { classes: K });
    for (const [input, target] of [['logits.json', 'labels.json'], ['logits.csv', 'labels.csv'], ['logits.csv', 'labels.npy'], ['flat.json', 'labels.csv']]) {
      const out = json('score', '--loss', 'cross-entropy', '--input', input, '--target', target);
      expect(out.loss).toBeCloseTo(ref, 7); // text files read as float64, the .npy as float32 (1e-6 contract)
      expect(out.classes).toBe(K);
    }
  });

  test('streaming in small blocks gives the single-call loss and the per-sample file', () => {
    const out = json('score', '--loss', 'cross-entropy', '--input', 'logits.npy', '--target', 'labels.npy', '--block-rows', '5', '--per-sample', 'ps.npy');
    expect(out.loss).toBeCloseTo(lk.crossEntropy(logits, labels, { classes: K }), 13);
    const ps = readNpy(path.join(dir, 'ps.npy'));
    expect(ps.shape).toEqual([N]);
    expect(ps.data).toBeInstanceOf(Float32Array);
    expect(Array.from(ps.data)).toEqual(Array.from(lk.crossEntropy(logits, labels, { classes: K, reduction: 'none' })));
  });

  test('weight, ignore index, label smoothing (others), base 2, sum', () => {
    const w = new Float64Array(K).map((_, i) => 0.5 + i / 4);
    put('w.npy', encodeNpy(w));
    const y = labels.map((v, i) => (i % 9 === 0 ? -1 : v));
    put('y-ign.npy', encodeNpy(y, [N]));
    const o = { classes: K, weight: w, ignoreIndex: -1, labelSmoothing: 0.1, smoothing: 'others' as const, base: 2 };
    for (const reduction of ['mean', 'sum'] as const) {
      const out = json('score', '--loss', 'cross-entropy', '--input', 'logits.npy', '--target', 'y-ign.npy', '--weight', 'w.npy', '--ignore-index', '-1',
        '--label-smoothing', '0.1', '--smoothing', 'others', '--base', '2', '--reduction', reduction, '--block-rows', '4');
      expect(out.loss).toBeCloseTo(lk.crossEntropy(logits, y, { ...o, reduction }), 12);
      expect(out.ignored).toBe(6);
    }
  });

  test('spatial: input [N, K, H, W] and labels [N, H, W]', () => {
    const n = 3, k = 4, h = 2, wd = 5, s = h * wd;
    const x = new Float64Array(n * k * s).map(() => rand() * 4 - 2);
    const y = new Uint8Array(n * s).map(() => Math.floor(rand() * k));
    put('sx.npy', encodeNpy(x, [n, k, h, wd]));
    put('sy.npy', encodeNpy(y, [n, h, wd]));
    const out = json('score', '--loss', 'cross-entropy', '--input', 'sx.npy', '--target', 'sy.npy', '--per-sample', 'sps.npy', '--block-rows', '2');
    expect(out.loss).toBeCloseTo(lk.crossEntropy(x, y, { classes: k, spatial: s }), 13);
    expect(out).toMatchObject({ count: n * s, classes: k, spatial: s });
    expect(readNpy(path.join(dir, 'sps.npy')).shape).toEqual([n, h, wd]);
  });

  test('probabilities input, and temperature scaling of logits', () => {
    const p = lk.softmax(logits, { classes: K });
    put('p.npy', encodeNpy(p, [N, K]));
    const out = json('score', '--loss', 'cross-entropy', '--input', 'p.npy', '--target', 'labels.npy', '--inputs', 'probabilities');
    expect(out.loss).toBeCloseTo(lk.crossEntropy(p, labels, { classes: K, inputs: 'probabilities' }), 12);
    const t = json('score', '--loss', 'cross-entropy', '--input', 'logits.npy', '--target', 'labels.npy', '--temperature', '2');
    expect(t.loss).toBeCloseTo(lk.crossEntropy(logits.map((v) => v / 2), labels, { classes: K }), 6);
  });
});

describe('score, the other kinds', () => {
  const soft = lk.softmax(new Float64Array(N * K).map(() => rand() * 3), { classes: K });
  const bx = new Float32Array(40 * 3).map(() => rand() * 6 - 3);
  const bt = new Float32Array(40 * 3).map(() => (rand() < 0.4 ? 1 : 0));
  const B = 2, C = 2, H = 6, W = 5;
  const hp = new Float32Array(B * C * H * W).map(() => 0.02 + 0.9 * rand());
  const hg = new Float32Array(B * C * H * W).map(() => rand() * 0.9);
  [3, 17, 40, 71, 100].forEach((i) => (hg[i] = 1));
  beforeAll(() => {
    put('soft.npy', encodeNpy(soft, [N, K]));
    put('bx.npy', encodeNpy(bx, [40, 3]));
    put('bt.npy', encodeNpy(bt, [40, 3]));
    put('hp.npy', encodeNpy(hp, [B, C, H, W]));
    put('hg.npy', encodeNpy(hg, [B, C, H, W]));
  });

  const cases: Array<[string, string, string[], () => number]> = [
    ['soft-cross-entropy', 'softCrossEntropy', ['--input', 'logits.npy', '--target', 'soft.npy'], () => lk.softCrossEntropy(logits, soft, { classes: K })],
    ['kl', 'klDivergence', ['--input', 'soft.npy', '--target', 'soft.npy'], () => call('klDivergence', soft, soft, { classes: K, inputs: 'probabilities' })],
    ['bce', 'binaryCrossEntropy', ['--input', 'bx.npy', '--target', 'bt.npy'], () => call('binaryCrossEntropy', bx, bt, {})],
    ['sigmoid-focal', 'sigmoidFocalLoss', ['--input', 'bx.npy', '--target', 'bt.npy', '--gamma', '1.5'], () => call('sigmoidFocalLoss', bx, bt, { gamma: 1.5 })],
    ['softmax-focal', 'softmaxFocalLoss', ['--input', 'logits.npy', '--target', 'labels.npy'], () => call('softmaxFocalLoss', logits, labels, { classes: K })],
    ['heatmap-focal', 'heatmapFocalLoss', ['--input', 'hp.npy', '--target', 'hg.npy'], () => call('heatmapFocalLoss', hp, hg, {})],
    ['mse', 'mseLoss', ['--input', 'hp.npy', '--target', 'hg.npy'], () => call('mseLoss', hp, hg, {})],
  ];
  function call(fn: string, ...args: unknown[]): number {
    return (lk as unknown as Record<string, (...a: unknown[]) => number>)[fn](...args);
  }

  test.each(cases)('%s (losskit.%s): the library result, or a clear "not available" until it lands', (kind, fn, files, ref) => {
    const available = typeof (lk as unknown as Record<string, unknown>)[fn] === 'function';
    const args = ['score', '--loss', kind, ...files, '--block-rows', '3'];
    if (!available) {
      expectUserError(run(...args), new RegExp(`--loss ${kind} needs losskit\\.${fn}, which is not available in this build`));
      return;
    }
    const out = json(...args);
    expect(out.loss).toBeCloseTo(ref(), 10);
    if (!['heatmap-focal', 'mse'].includes(kind)) {
      expect(typeof out.accuracy).toBe('number');
      expect(typeof out.ece).toBe('number');
      expect(typeof out.brier).toBe('number');
    }
  });
});

describe('score --loss kl', () => {
  test('batchmean / mean / sum, base 2, logits for q, streamed, per-row file; accuracy against argmax p', () => {
    const p = lk.softmax(new Float64Array(N * K).map(() => rand() * 4), { classes: K });
    put('kl-p.npy', encodeNpy(p, [N, K]));
    put('kl-q.json', JSON.stringify(Array.from({ length: N }, (_, i) => Array.from(logits.subarray(i * K, i * K + K)))));
    const kl = (o: Record<string, unknown>) => (lk as any).klDivergence(p, Float64Array.from(logits), { classes: K, inputs: 'logits', ...o });
    for (const reduction of ['batchmean', 'mean', 'sum']) {
      const out = json('score', '--loss', 'kl', '--input', 'kl-q.json', '--target', 'kl-p.npy', '--inputs', 'logits', '--base', '2',
        '--reduction', reduction, '--block-rows', '6', '--per-sample', 'kl-rows.npy');
      expect(out.loss).toBeCloseTo(kl({ reduction, base: 2 }), 12);
      expect(out.weight).toBe(reduction === 'batchmean' ? N : reduction === 'mean' ? N * K : 1);
    }
    expect(Array.from(readNpy(path.join(dir, 'kl-rows.npy')).data)).toEqual(Array.from(kl({ reduction: 'none', base: 2 })));
    const out = json('score', '--loss', 'kl', '--input', 'kl-q.json', '--target', 'kl-p.npy', '--inputs', 'logits');
    const argmax = Int32Array.from({ length: N }, (_, i) => {
      const row = Array.from(p.subarray(i * K, i * K + K));
      return row.indexOf(Math.max(...row));
    });
    const m = new ClassificationMetrics({ classes: K }).update(lk.softmax(Float64Array.from(logits), { classes: K }), argmax).result();
    expect(out.accuracy).toBeCloseTo(m.accuracy, 15);
    expect(out.ece).toBeCloseTo(m.ece, 12);
  });
});

describe('user errors: one line, exit 2', () => {
  const ce = ['score', '--loss', 'cross-entropy'];
  test('a missing file', () => {
    expectUserError(run(...ce, '--input', 'nope.npy', '--target', 'labels.npy'), /^losskit: nope\.npy: no such file$/m);
  });
  test('a shape mismatch', () => {
    put('short.npy', encodeNpy(labels.subarray(0, N - 1)));
    expectUserError(run(...ce, '--input', 'logits.npy', '--target', 'short.npy'), /short\.npy: has 52 labels, expected 53 .*logits\.npy has shape \(53, 7\)/);
    expectUserError(run(...ce, '--input', 'logits.npy', '--target', 'labels.npy', '--classes', '5'), /logits\.npy: shape \(53, 7\) has 7 classes on axis 1, but --classes is 5/);
  });
  test('a label out of range, indexed in the whole file', () => {
    const y = labels.slice();
    y[41] = K;
    put('bad-labels.npy', encodeNpy(y));
    expectUserError(run(...ce, '--input', 'logits.npy', '--target', 'bad-labels.npy', '--block-rows', '4'), /bad-labels\.npy: labels\[41\] = 7 is out of range \[0, 7\)/);
    put('frac.csv', '0\n1.5\n');
    put('x2.csv', '0,1\n1,0\n');
    expectUserError(run(...ce, '--input', 'x2.csv', '--target', 'frac.csv'), /frac\.csv: labels\[1\] = 1\.5 is not an integer/);
  });
  test('a truncated .npy file', () => {
    const b = encodeNpy(logits, [N, K]);
    put('trunc.npy', b.subarray(0, b.length - 10));
    expectUserError(run(...ce, '--input', 'trunc.npy', '--target', 'labels.npy'), /trunc\.npy: truncated/);
  });
  test('Fortran order and unsupported dtypes', () => {
    put('fortran.npy', encodeNpy(logits, [N, K], undefined, { fortranOrder: true }));
    expectUserError(run(...ce, '--input', 'fortran.npy', '--target', 'labels.npy'), /fortran\.npy: is in Fortran/);
    const c8 = fs.readFileSync(path.join(__dirname, 'fixtures', 'npy', 'complex_c8.npy'));
    put('c8.npy', c8);
    expectUserError(run(...ce, '--input', 'c8.npy', '--target', 'labels.npy'), /c8\.npy: unsupported dtype '<c8'/);
  });
  test('malformed .csv and .json', () => {
    put('ragged.json', '[[1, 2], [3]]');
    expectUserError(run(...ce, '--input', 'ragged.json', '--target', 'labels.npy'), /ragged\.json: ragged array: element \[1\] has length 1/);
    put('bad.json', '[1, 2');
    expectUserError(run(...ce, '--input', 'bad.json', '--target', 'labels.npy'), /bad\.json: not valid JSON/);
    put('bad.csv', '1,2\n3,x\n');
    put('two.csv', '0\n1\n');
    expectUserError(run(...ce, '--input', 'bad.csv', '--target', 'two.csv'), /bad\.csv: line 2, column 2: "x" is not a number/);
  });
  test('bad flags', () => {
    expectUserError(run(...ce, '--input', 'logits.npy', '--target', 'labels.npy', '--frobnicate', '1'), /unknown flag --frobnicate/);
    expectUserError(run('score', '--loss', 'hinge', '--input', 'a.npy', '--target', 'b.npy'), /--loss must be one of cross-entropy, /);
    expectUserError(run(...ce, '--input', 'logits.npy', '--target', 'labels.npy', '--gamma', '2'), /--gamma does not apply to --loss cross-entropy/);
    expectUserError(run(...ce, '--input', 'logits.npy', '--target', 'labels.npy', '--classes', 'seven'), /--classes must be a number/);
    expectUserError(run(...ce, '--input', 'logits.npy', '--target', 'labels.npy', '--label-smoothing', '2'), /crossEntropy: labelSmoothing must be in \[0, 1\]/);
    expectUserError(run(...ce, '--input', 'logits.npy', '--target', 'labels.npy', '--reduction', 'none'), /--per-sample/);
    expectUserError(run(...ce, '--input', 'logits.npy'), /--target FILE is required/);
    expectUserError(run('frob'), /unknown command 'frob'/);
  });
});

describe('help and the demo', () => {
  test('score --help documents every flag', () => {
    const r = run('score', '--help');
    expect(r.code).toBe(0);
    for (const f of [...VALUE_FLAGS, 'json', 'quiet', 'help']) expect(r.stdout).toContain(`--${f}`);
    for (const k of ['cross-entropy', 'soft-cross-entropy', 'kl', 'bce', 'sigmoid-focal', 'softmax-focal', 'heatmap-focal', 'mse']) expect(r.stdout).toContain(k);
  });

  test('demo prints the table and writes its report', () => {
    const r = run('demo', '--report', 'demo.html');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Seattle/);
    expect(r.stdout).toMatch(/accuracy \(top-1\)\s+\d+\.\d\d %/);
    expect(r.stdout).toContain('Report written to demo.html');
    expect(fs.readFileSync(path.join(dir, 'demo.html'), 'utf8')).toMatch(/<svg/);
    const out = json('demo', '--no-report');
    expect(out.count).toBe(365);
    expect(out.accuracy).toBeGreaterThan(0.8);
    for (const key of ['loss', 'ece', 'brier', 'nll']) expect(typeof out[key]).toBe('number');
  });
});
