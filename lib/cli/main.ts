// The `losskit` command: `losskit score …` and `losskit demo`. User errors (a missing file, a bad
// shape or label, a bad flag) print one line on stderr and exit 2; anything else is a bug: its
// stack and exit 1.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { UserError } from './errors';
import { renderReport } from './report';
import { FUNCTION_OF, KINDS, KIND_FLAGS, score, type Kind, type ScoreOptions, type ScoreResult } from './score';

const MAIN_HELP = `losskit: loss functions with a SIMD core, from the shell.

Usage:
  losskit score --loss KIND --input FILE --target FILE [options]   score predictions against targets
  losskit demo [--json] [--report FILE.html | --no-report]           score the bundled real example
  losskit --version

Run 'losskit score --help' for every option.
`;

const SCORE_HELP = `Usage: losskit score --loss KIND --input FILE --target FILE [options]

Scores predictions against targets with one loss, streaming files of any size in blocks of whole
samples; for classification losses also accuracy and calibration.

Files (.npy in C order, .json flat or nested arrays, .csv one row per sample):
  --input FILE            predictions: logits, probabilities or log-probabilities (see --inputs)
  --target FILE           targets: integer labels (cross-entropy, softmax-focal) or values with the
                          input's length (soft-cross-entropy, kl: probability rows; bce, sigmoid-focal:
                          targets in [0, 1]; heatmap-focal: ground-truth heatmaps; mse: targets)

Loss:
  --loss KIND             cross-entropy | soft-cross-entropy | kl | bce | sigmoid-focal |
                          softmax-focal | heatmap-focal | mse
  --classes K             classes; inferred from a 2-D input [N, K] (or [N, K, d1...]), or for flat
                          inputs with hard labels from input length / label count
  --spatial S             spatial positions per sample: input [N, K, S], labels [N, S] (inferred
                          from an input of 3 or more dimensions)
  --inputs KIND           logits | probabilities | log-probabilities (default: logits;
                          kl and heatmap-focal: probabilities; bce: logits | probabilities)
  --epsilon E             clip for probability inputs, [E, 1-E] (default 1e-7)
  --weight FILE           cross-entropy, soft-cross-entropy: one weight per class;
                          bce: one per element; mse: per element, or per channel (L values, each
                          covering n/L consecutive elements)
  --pos-weight X|FILE     bce: weight of positive targets, one number or one per last-axis column
  --ignore-index I        label to ignore (default -100)
  --label-smoothing E     label smoothing epsilon in [0, 1]
  --smoothing MODE        uniform (PyTorch: (1-E)·onehot + E/K) | others (1-E on the label, E/(K-1)
                          on each other class)
  --alpha A|FILE          sigmoid-focal: alpha (default 0.25, < 0 disables); softmax-focal: one
                          number or one per class (FILE); heatmap-focal: alpha (default 2)
  --gamma G               focal exponent (default 2)
  --beta B                heatmap-focal: beta (default 4)
  --batch B               heatmap-focal: images in the input (default: axis 0 of a 3-D or 4-D input)
  --reduction R           mean (default) | sum; kl: batchmean (default) | mean | sum
  --base B                log base of the loss: e (default, nats) | 2 (bits) | 10 | any b > 0, b != 1
  --temperature T         divide logits by T before the loss and the metrics (temperature scaling)

Metrics (classification losses: accuracy, top-k, mean NLL, perplexity, Brier score, ECE):
  --top-k K               also report top-K accuracy (repeat or comma-separate: --top-k 2,5)
  --bins M                confidence bins for ECE (default 15, equal width, as Guo et al. 2017)
  --class-names LIST|FILE class names for the table and report: a,b,c or a .json array / text file

Output:
  --json                  print one JSON object instead of the table
  --per-sample FILE.npy   write the per-sample losses (per position; per element for bce,
                          sigmoid-focal and mse; per image for heatmap-focal)
  --report FILE.html      write a self-contained HTML report (summary, per-class loss, reliability
                          diagram, loss histogram; heatmap previews for heatmap-focal)
  --quiet                 no progress bar (it is shown on a terminal for runs over a second)
  --block-rows N          samples per block (default: about 2^20 values per block)
  -h, --help              this help

Exit status: 0 success; 2 a user error (missing or malformed file, shape mismatch, label out of
range, bad flag), with one line on stderr; 1 an internal error.

Example:
  losskit score --loss cross-entropy --input logits.npy --target labels.npy --top-k 5 --report r.html
`;

export const VALUE_FLAGS = new Set([
  'loss', 'input', 'target', 'classes', 'spatial', 'inputs', 'epsilon', 'weight', 'pos-weight', 'ignore-index',
  'label-smoothing', 'smoothing', 'reduction', 'base', 'alpha', 'gamma', 'beta', 'batch', 'temperature', 'top-k', 'bins',
  'class-names', 'per-sample', 'report', 'block-rows',
]);
const BOOL_FLAGS = new Set(['json', 'quiet', 'help', 'no-report', 'no-progress']);

type Flags = Map<string, string[]>;

function parseFlags(argv: string[], command: string): Flags {
  const flags: Flags = new Map();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h') {
      flags.set('help', ['']);
      continue;
    }
    if (!a.startsWith('--')) throw new UserError(`unexpected argument '${a}' (flags start with --; see losskit ${command} --help)`);
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    if (BOOL_FLAGS.has(name)) {
      if (eq > 0) throw new UserError(`--${name} takes no value`);
      flags.set(name, ['']);
      continue;
    }
    if (!VALUE_FLAGS.has(name)) throw new UserError(`unknown flag --${name} (see losskit ${command} --help)`);
    let value: string;
    if (eq > 0) value = a.slice(eq + 1);
    else {
      if (i + 1 >= argv.length) throw new UserError(`--${name} needs a value`);
      value = argv[++i];
    }
    const list = flags.get(name) ?? [];
    if (list.length && name !== 'top-k') throw new UserError(`--${name} is given twice`);
    list.push(value);
    flags.set(name, list);
  }
  return flags;
}

function num(flags: Flags, name: string): number | undefined {
  const v = flags.get(name)?.[0];
  if (v === undefined) return undefined;
  const x = v.trim() === '' ? NaN : Number(v);
  if (Number.isNaN(x)) throw new UserError(`--${name} must be a number (got '${v}')`);
  return x;
}

function int(flags: Flags, name: string, min?: number): number | undefined {
  const x = num(flags, name);
  if (x === undefined) return undefined;
  if (!Number.isSafeInteger(x)) throw new UserError(`--${name} must be an integer (got ${flags.get(name)![0]})`);
  if (min !== undefined && x < min) throw new UserError(`--${name} must be at least ${min} (got ${x})`);
  return x;
}

/** A number, or else a file name (alpha, pos-weight). */
function numOrFile(flags: Flags, name: string): number | string | undefined {
  const v = flags.get(name)?.[0];
  if (v === undefined) return undefined;
  const x = Number(v);
  if (v.trim() !== '' && !Number.isNaN(x)) return x;
  if (!fs.existsSync(v)) throw new UserError(`--${name} must be a number or a file (${v}: no such file)`);
  return v;
}

function classNames(spec: string | undefined): string[] | undefined {
  if (spec === undefined) return undefined;
  if (fs.existsSync(spec) && fs.statSync(spec).isFile()) {
    const text = fs.readFileSync(spec, 'utf8');
    if (spec.toLowerCase().endsWith('.json')) {
      let v: unknown;
      try {
        v = JSON.parse(text);
      } catch (e) {
        throw new UserError(`${spec}: not valid JSON (${(e as Error).message})`);
      }
      const names = Array.isArray(v) ? v : (v as { classes?: unknown })?.classes;
      if (!Array.isArray(names)) throw new UserError(`${spec}: must hold an array of class names (or {"classes": [...]})`);
      return names.map(String);
    }
    return text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  }
  return spec.split(',').map((s) => s.trim());
}

export function scoreOptions(flags: Flags): ScoreOptions {
  const loss = flags.get('loss')?.[0];
  if (loss === undefined) throw new UserError('--loss is required (one of: ' + KINDS.join(', ') + ')');
  if (!(KINDS as readonly string[]).includes(loss)) throw new UserError(`--loss must be one of ${KINDS.join(', ')} (got '${loss}')`);
  const input = flags.get('input')?.[0];
  const target = flags.get('target')?.[0];
  if (input === undefined) throw new UserError('--input FILE is required (the predictions)');
  if (target === undefined) throw new UserError('--target FILE is required (labels or targets)');
  const baseText = flags.get('base')?.[0];
  let base: number | undefined;
  if (baseText !== undefined) {
    base = baseText === 'e' ? Math.E : num(flags, 'base');
    if (!(base! > 0 && base !== 1 && Number.isFinite(base))) throw new UserError(`--base must be e or a finite number > 0 other than 1 (got '${baseText}')`);
  }
  const oneOf = (name: string, values: string[]) => {
    const v = flags.get(name)?.[0];
    if (v !== undefined && !values.includes(v)) throw new UserError(`--${name} must be one of ${values.join(', ')} (got '${v}')`);
    return v;
  };
  const topK = flags.get('top-k')?.flatMap((v) => v.split(',')).map((v) => {
    const x = Number(v);
    if (!Number.isSafeInteger(x) || x < 1) throw new UserError(`--top-k must be positive integers (got '${v}')`);
    return x;
  });
  return {
    kind: loss as Kind,
    input,
    target,
    classes: int(flags, 'classes', 1),
    spatial: int(flags, 'spatial', 1),
    inputs: oneOf('inputs', ['logits', 'probabilities', 'log-probabilities']),
    epsilon: num(flags, 'epsilon'),
    weight: flags.get('weight')?.[0],
    posWeight: numOrFile(flags, 'pos-weight'),
    ignoreIndex: int(flags, 'ignore-index'),
    labelSmoothing: num(flags, 'label-smoothing'),
    smoothing: oneOf('smoothing', ['uniform', 'others']),
    reduction: flags.get('reduction')?.[0],
    base,
    alpha: numOrFile(flags, 'alpha'),
    gamma: num(flags, 'gamma'),
    beta: num(flags, 'beta'),
    batch: int(flags, 'batch', 1),
    temperature: num(flags, 'temperature'),
    topK,
    bins: int(flags, 'bins', 1),
    classNames: classNames(flags.get('class-names')?.[0]),
    perSample: flags.get('per-sample')?.[0],
    blockRows: int(flags, 'block-rows', 1),
  };
}

// --- output --------------------------------------------------------------------------------------

function fmt(x: number | undefined, digits = 4): string {
  if (x === undefined) return '-';
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  if (x !== 0 && (Math.abs(x) >= 1e6 || Math.abs(x) < 1e-4)) return x.toExponential(digits - 1);
  return x.toFixed(digits);
}

const pct = (x: number) => (Number.isNaN(x) ? 'NaN' : `${(100 * x).toFixed(2)} %`);

function unit(base: number): string {
  return base === Math.E ? 'nats' : base === 2 ? 'bits' : base === 10 ? 'bans' : `log base ${base}`;
}

function shapeText(s: readonly number[]): string {
  return `(${s.join(', ')}${s.length === 1 ? ',' : ''})`;
}

export function formatTable(r: ScoreResult): string {
  const lines: string[] = [];
  const row = (label: string, value: string) => lines.push(`  ${label.padEnd(22)} ${value}`);
  lines.push(`losskit score: ${r.kind} (${r.fn})`);
  row('input', `${r.input.file}  ${shapeText(r.input.shape)} ${r.input.dtype}`);
  row('target', `${r.target.file}  ${shapeText(r.target.shape)} ${r.target.dtype}`);
  let what = `${r.count}`;
  if (r.classes !== undefined) what += ` (${r.classes} classes${r.spatial && r.spatial > 1 ? `, ${r.spatial} positions per sample` : ''})`;
  if (r.ignored) what += `, ${r.ignored} ignored`;
  if (r.positives !== undefined) what += `, ${r.positives} positive pixels`;
  row(r.kind === 'heatmap-focal' ? 'images' : r.kind === 'bce' || r.kind === 'sigmoid-focal' || r.kind === 'mse' ? 'elements' : 'samples', what);
  lines.push('');
  const logDomain = !['mse', 'sigmoid-focal', 'heatmap-focal', 'softmax-focal'].includes(r.kind);
  row(`loss (${r.reduction}${logDomain ? ', ' + unit(r.base) : ''})`, fmt(r.loss, 6));
  const m = r.metrics;
  if (m) {
    row('accuracy (top-1)', pct(m.accuracy));
    for (const [k, v] of Object.entries(m.topK)) if (k !== '1') row(`accuracy (top-${k})`, pct(v));
    row('mean NLL (nats)', fmt(m.nll));
    row('perplexity', fmt(m.perplexity));
    row('Brier score', fmt(m.brier));
    row(`ECE (${m.bins.length} bins)`, pct(m.ece));
    if (m.ignored && !r.ignored) row('skipped', `${m.ignored}`);
    if (m.perClass.length <= 20 && m.perClass.length > 2) {
      lines.push('');
      const names = r.classNames ?? m.perClass.map((_, i) => String(i));
      const w = Math.max(5, ...names.map((s) => s.length));
      lines.push(`  ${'class'.padEnd(w)}  ${'count'.padStart(8)}  ${'accuracy'.padStart(9)}  ${'mean loss'.padStart(10)}`);
      m.perClass.forEach((c, i) => {
        const loss = Number.isNaN(c.loss) ? c.nll : c.loss;
        lines.push(`  ${names[i].padEnd(w)}  ${String(c.count).padStart(8)}  ${(c.count ? pct(c.accuracy) : '-').padStart(9)}  ${(c.count ? fmt(loss) : '-').padStart(10)}`);
      });
    }
  }
  if (r.perSample) {
    lines.push('');
    row('per-sample losses', `${r.perSample.file} ${shapeText(r.perSample.shape)}`);
  }
  return lines.join('\n') + '\n';
}

export function toJSON(r: ScoreResult): Record<string, unknown> {
  const out: Record<string, unknown> = {
    kind: r.kind,
    function: r.fn,
    loss: r.loss,
    reduction: r.reduction,
    base: r.base,
    count: r.count,
    weight: r.weight,
  };
  if (r.ignored !== undefined) out.ignored = r.ignored;
  if (r.classes !== undefined) out.classes = r.classes;
  if (r.spatial !== undefined && r.spatial > 1) out.spatial = r.spatial;
  if (r.positives !== undefined) out.positives = r.positives;
  const m = r.metrics;
  if (m) {
    Object.assign(out, {
      accuracy: m.accuracy,
      topK: m.topK,
      nll: m.nll,
      perplexity: m.perplexity,
      brier: m.brier,
      ece: m.ece,
      mce: m.mce,
      calibration: m.bins.map((b) => ({ lower: b.lower, upper: b.upper, count: b.count, confidence: b.count ? b.confidence : null, accuracy: b.count ? b.accuracy : null })),
    });
  }
  out.input = r.input;
  out.target = r.target;
  if (r.perSample) out.perSample = r.perSample;
  out.seconds = r.seconds;
  return out;
}

// --- progress ------------------------------------------------------------------------------------

/** A progress bar on stderr, only on a terminal and only once a run has taken a second. */
export class Progress {
  private start = Date.now();
  private last = 0;
  private shown = false;
  constructor(private readonly enabled: boolean, private readonly label: string) {}
  update = (done: number, total: number): void => {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.start < 1000 || now - this.last < 100) return;
    this.last = now;
    this.shown = true;
    const frac = total > 0 ? done / total : 1;
    const width = 30, full = Math.round(frac * width);
    const secs = (now - this.start) / 1000;
    const eta = frac > 0 ? secs / frac - secs : 0;
    process.stderr.write(`\r${this.label} [${'#'.repeat(full)}${'.'.repeat(width - full)}] ${(100 * frac).toFixed(0).padStart(3)}%  ${secs.toFixed(1)} s, ${eta.toFixed(0)} s left `);
  };
  finish(): void {
    if (this.shown) process.stderr.write('\r' + ' '.repeat(80) + '\r');
  }
}

// --- commands ------------------------------------------------------------------------------------

function writeReport(file: string, r: ScoreResult, title?: string, note?: string): void {
  if (!file.toLowerCase().endsWith('.html') && !file.toLowerCase().endsWith('.htm')) {
    throw new UserError(`${file}: --report writes an HTML file; give it a .html extension`);
  }
  try {
    fs.writeFileSync(file, renderReport(r, { title, note }));
  } catch (e) {
    throw new UserError(`${file}: cannot write the report (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

function runScore(argv: string[]): number {
  const flags = parseFlags(argv, 'score');
  if (flags.has('help')) {
    process.stdout.write(SCORE_HELP);
    return 0;
  }
  const opts = scoreOptions(flags);
  const report = flags.get('report')?.[0];
  const progress = new Progress(!!process.stderr.isTTY && !flags.has('quiet') && !flags.has('no-progress'), 'scoring');
  opts.progress = progress.update;
  opts.collect = report !== undefined;
  let r: ScoreResult;
  try {
    r = score(opts);
  } finally {
    progress.finish();
  }
  if (report) writeReport(report, r);
  if (flags.has('json')) process.stdout.write(JSON.stringify({ ...toJSON(r), ...(report ? { report } : {}) }) + '\n');
  else {
    process.stdout.write(formatTable(r));
    if (report) process.stdout.write(`  ${'report'.padEnd(22)} ${report}\n`);
  }
  return 0;
}

export interface DemoMeta {
  dataset: string;
  source: string;
  model: string;
  split: string;
  classes: string[];
}

/** The bundled example: a real model's held-out predictions on a real data set (examples/). */
export function demoFiles(): { logits: string; labels: string; meta: DemoMeta } {
  const dir = path.join(__dirname, '..', '..', 'examples');
  const metaFile = path.join(dir, 'seattle-weather.json');
  if (!fs.existsSync(metaFile)) throw new UserError(`${metaFile}: no such file (the demo data ships in examples/)`);
  const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as DemoMeta;
  return { logits: path.join(dir, 'seattle-weather-logits.npy'), labels: path.join(dir, 'seattle-weather-labels.npy'), meta };
}

function runDemo(argv: string[]): number {
  const flags = parseFlags(argv, 'demo');
  if (flags.has('help')) {
    process.stdout.write(MAIN_HELP);
    return 0;
  }
  for (const name of flags.keys()) {
    if (!['json', 'report', 'no-report', 'quiet', 'no-progress'].includes(name)) throw new UserError(`--${name} does not apply to losskit demo (it takes --json, --report FILE.html, --no-report)`);
  }
  const { logits, labels, meta } = demoFiles();
  const rel = (f: string) => path.relative(process.cwd(), f) || f;
  const r = score({ kind: 'cross-entropy', input: rel(logits), target: rel(labels), topK: [2], classNames: meta.classes, collect: true });
  const report = flags.has('no-report') ? undefined : (flags.get('report')?.[0] ?? path.join(os.tmpdir(), 'losskit-demo-report.html'));
  const note = `${meta.dataset} (${meta.source}). Model: ${meta.model}. ${meta.split}`;
  if (report) writeReport(report, r, 'losskit demo: ' + meta.dataset, note);
  if (flags.has('json')) {
    process.stdout.write(JSON.stringify({ ...toJSON(r), dataset: meta.dataset, model: meta.model, ...(report ? { report } : {}) }) + '\n');
    return 0;
  }
  process.stdout.write(`Data:  ${meta.dataset} (${meta.source})\nModel: ${meta.model}\nSplit: ${meta.split}\n\n`);
  process.stdout.write(formatTable(r));
  process.stdout.write(`\nSame from the shell:\n  npx losskit score --loss cross-entropy --input ${rel(logits)} --target ${rel(labels)} --top-k 2\n`);
  if (report) process.stdout.write(`\nReport written to ${report}\n`);
  return 0;
}

/** Runs the command line; returns the exit code. */
export function main(argv: string[]): number {
  try {
    const [command, ...rest] = argv;
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      process.stdout.write(MAIN_HELP);
      return command === undefined ? 2 : 0;
    }
    if (command === '--version' || command === '-v') {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      process.stdout.write((require('../../package.json') as { version: string }).version + '\n');
      return 0;
    }
    if (command === 'score') return runScore(rest);
    if (command === 'demo') return runDemo(rest);
    throw new UserError(`unknown command '${command}' (commands: score, demo; see losskit --help)`);
  } catch (e) {
    if (e instanceof UserError) {
      process.stderr.write(`losskit: ${e.message.replace(/\s*\n\s*/g, ' ')}\n`);
      return 2;
    }
    process.stderr.write(`losskit: internal error, please report it with the command you ran:\n${(e as Error)?.stack ?? String(e)}\n`);
    return 1;
  }
}

export { FUNCTION_OF, KIND_FLAGS };
