// One self-contained HTML report of a `losskit score` run: inline CSS, inline SVG charts, heatmaps
// as PNG data URIs (encoded here with zlib), no external requests and no scripts.
import * as zlib from 'zlib';
import type { ScoreResult } from './score';

export interface ReportOptions {
  title?: string;
  /** A sentence under the title (what the data and model are). */
  note?: string;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function fmt(x: number, digits = 4): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '-∞';
  if (x !== 0 && (Math.abs(x) >= 1e5 || Math.abs(x) < 1e-3)) return x.toExponential(2);
  return Number(x.toFixed(digits)).toString();
}
const pct = (x: number) => (Number.isNaN(x) ? 'NaN' : `${(100 * x).toFixed(2)}%`);

/** Round axis ticks: about n steps of 1, 2 or 5 × 10^k up to max. */
function ticks(max: number, n = 5): number[] {
  if (!(max > 0) || !Number.isFinite(max)) return [0];
  const raw = max / n, mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const out = [];
  const last = Math.ceil(max / step - 1e-9);
  for (let i = 0; i <= last; i++) out.push(Number((i * step).toPrecision(12)));
  return out;
}

// --- charts ----------------------------------------------------------------------------------------

function barChart(items: Array<{ label: string; value: number; detail: string }>, xLabel: string): string {
  const rowH = 22, left = Math.min(220, 12 + 7 * Math.max(4, ...items.map((d) => d.label.length))), right = 200, width = 780;
  const top = 10, h = top + items.length * rowH + 40;
  const finite = items.map((d) => d.value).filter(Number.isFinite);
  const max = Math.max(1e-12, ...finite);
  const tk = ticks(max);
  const span = tk[tk.length - 1] || max;
  const plotW = width - left - right;
  const x = (v: number) => left + (Math.min(v, span) / span) * plotW;
  const parts: string[] = [];
  for (const t of tk) {
    parts.push(`<line x1="${x(t)}" y1="${top}" x2="${x(t)}" y2="${top + items.length * rowH}" class="grid"/>`);
    parts.push(`<text x="${x(t)}" y="${top + items.length * rowH + 16}" class="tick" text-anchor="middle">${fmt(t, 3)}</text>`);
  }
  items.forEach((d, i) => {
    const y = top + i * rowH;
    const w = Number.isFinite(d.value) ? Math.max(0, x(d.value) - left) : 0;
    parts.push(`<text x="${left - 6}" y="${y + rowH / 2 + 4}" class="label" text-anchor="end">${esc(d.label)}</text>`);
    parts.push(`<rect x="${left}" y="${y + 3}" width="${w.toFixed(2)}" height="${rowH - 6}" class="bar"><title>${esc(d.label)}: ${esc(d.detail)}</title></rect>`);
    parts.push(`<text x="${left + w + 5}" y="${y + rowH / 2 + 4}" class="value">${esc(d.detail)}</text>`);
  });
  parts.push(`<text x="${left + plotW / 2}" y="${h - 4}" class="axis" text-anchor="middle">${esc(xLabel)}</text>`);
  return `<svg class="chart" viewBox="0 0 ${width} ${h}" role="img" aria-label="${esc(xLabel)}">${parts.join('')}</svg>`;
}

function reliabilityDiagram(bins: Array<{ lower: number; upper: number; count: number; confidence: number; accuracy: number }>): string {
  const size = 360, left = 50, top = 12, bottom = 44, countH = 70;
  const W = left + size + 20, H = top + size + bottom + countH;
  const x = (v: number) => left + v * size, y = (v: number) => top + size - v * size;
  const parts: string[] = [];
  for (const t of [0, 0.2, 0.4, 0.6, 0.8, 1]) {
    parts.push(`<line x1="${x(t)}" y1="${y(0)}" x2="${x(t)}" y2="${y(1)}" class="grid"/><line x1="${x(0)}" y1="${y(t)}" x2="${x(1)}" y2="${y(t)}" class="grid"/>`);
    parts.push(`<text x="${x(t)}" y="${y(0) + 15}" class="tick" text-anchor="middle">${t}</text>`);
    parts.push(`<text x="${x(0) - 6}" y="${y(t) + 4}" class="tick" text-anchor="end">${t}</text>`);
  }
  for (const b of bins) {
    if (!b.count) continue;
    const x0 = x(b.lower) + 1, w = x(b.upper) - x(b.lower) - 2;
    const acc = Number.isFinite(b.accuracy) ? b.accuracy : 0, conf = Number.isFinite(b.confidence) ? b.confidence : 0;
    parts.push(`<rect x="${x0}" y="${y(acc)}" width="${w}" height="${y(0) - y(acc)}" class="bar"><title>confidence ${fmt(b.lower, 3)}–${fmt(b.upper, 3)}: ${b.count} samples, accuracy ${pct(b.accuracy)}, mean confidence ${pct(b.confidence)}</title></rect>`);
    const lo = Math.min(acc, conf), hi = Math.max(acc, conf);
    parts.push(`<rect x="${x0}" y="${y(hi)}" width="${w}" height="${y(lo) - y(hi)}" class="gap"/>`);
  }
  parts.push(`<line x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(1)}" class="ideal"/>`);
  parts.push(`<rect x="${x(0.04)}" y="${y(0.97)}" width="10" height="10" class="bar"/><text x="${x(0.04) + 14}" y="${y(0.97) + 9}" class="tick">accuracy</text>`);
  parts.push(`<rect x="${x(0.04)}" y="${y(0.91)}" width="10" height="10" class="gap"/><text x="${x(0.04) + 14}" y="${y(0.91) + 9}" class="tick">gap to mean confidence</text>`);
  parts.push(`<text x="${x(0.5)}" y="${y(0) + 32}" class="axis" text-anchor="middle">confidence (top-1 probability)</text>`);
  parts.push(`<text transform="translate(14 ${y(0.5)}) rotate(-90)" class="axis" text-anchor="middle">accuracy</text>`);
  // sample counts per bin underneath
  const base = H - 8, maxC = Math.max(1, ...bins.map((b) => b.count));
  for (const b of bins) {
    const hgt = (b.count / maxC) * (countH - 20);
    parts.push(`<rect x="${x(b.lower) + 1}" y="${base - hgt}" width="${x(b.upper) - x(b.lower) - 2}" height="${hgt}" class="bar2"><title>${b.count} samples</title></rect>`);
  }
  parts.push(`<text x="${x(0) - 6}" y="${base}" class="tick" text-anchor="end">n</text>`);
  const defs = '<defs><pattern id="hatch" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="5" height="5" fill="#fbe3e2"/><line x1="0" y1="0" x2="0" y2="5" stroke="#d9534f" stroke-width="2.2"/></pattern></defs>';
  return `<svg class="chart square" viewBox="0 0 ${W} ${H}" role="img" aria-label="reliability diagram">${defs}${parts.join('')}</svg>`;
}

function histogramChart(bins: Array<{ lower: number; upper: number; count: number }>, xLabel: string): string {
  const W = 760, H = 270, left = 60, right = 20, top = 18, bottom = 44;
  const plotW = W - left - right, plotH = H - top - bottom;
  const maxX = bins.length ? bins[bins.length - 1].upper : 1, maxY = Math.max(1, ...bins.map((b) => b.count));
  const x = (v: number) => left + (v / maxX) * plotW, y = (v: number) => top + plotH - (v / maxY) * plotH;
  const parts: string[] = [];
  for (const t of ticks(maxY, 4)) {
    parts.push(`<line x1="${left}" y1="${y(t)}" x2="${W - right}" y2="${y(t)}" class="grid"/><text x="${left - 6}" y="${y(t) + 4}" class="tick" text-anchor="end">${t}</text>`);
  }
  for (const t of ticks(maxX, 6)) parts.push(`<text x="${x(t)}" y="${top + plotH + 16}" class="tick" text-anchor="middle">${fmt(t, 3)}</text>`);
  for (const b of bins) {
    parts.push(`<rect x="${x(b.lower) + 0.5}" y="${y(b.count)}" width="${Math.max(0.5, x(b.upper) - x(b.lower) - 1)}" height="${y(0) - y(b.count)}" class="bar"><title>${fmt(b.lower, 4)}–${fmt(b.upper, 4)}: ${b.count}</title></rect>`);
  }
  parts.push(`<text x="${left + plotW / 2}" y="${H - 6}" class="axis" text-anchor="middle">${esc(xLabel)}</text>`);
  return `<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(xLabel)}">${parts.join('')}</svg>`;
}

// --- PNG -----------------------------------------------------------------------------------------

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** An 8-bit RGB PNG from rows of [r, g, b] bytes. */
export function encodePng(width: number, height: number, rgb: Uint8Array): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let r = 0; r < height; r++) {
    raw[r * (width * 3 + 1)] = 0; // filter: none
    Buffer.from(rgb.buffer, rgb.byteOffset + r * width * 3, width * 3).copy(raw, r * (width * 3 + 1) + 1);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([sig, chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

// a perceptually ordered dark-blue → teal → yellow ramp (anchors sampled by eye, not copied)
const RAMP = [
  [20, 14, 60], [48, 60, 140], [33, 120, 150], [40, 170, 120], [150, 205, 60], [250, 230, 40],
];

function colour(v: number): [number, number, number] {
  if (!Number.isFinite(v)) return [255, 0, 255];
  const t = Math.min(1, Math.max(0, v)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(t)), f = t - i;
  const a = RAMP[i], b = RAMP[i + 1];
  return [0, 1, 2].map((c) => Math.round(a[c] + (b[c] - a[c]) * f)) as [number, number, number];
}

function heatmapPng(values: Float32Array, width: number, height: number): string {
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < values.length; i++) rgb.set(colour(values[i]), 3 * i);
  return 'data:image/png;base64,' + encodePng(width, height, rgb).toString('base64');
}

// --- the page ------------------------------------------------------------------------------------

const CSS = `
:root { --fg: #1d2330; --muted: #5b6475; --accent: #2f6fb0; --accent2: #9db8d6; --bad: #d9534f; --bg: #ffffff; --panel: #f5f7fa; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--fg); background: var(--bg); margin: 0; }
main { max-width: 980px; margin: 0 auto; padding: 28px 24px 48px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 8px; border-bottom: 1px solid #e3e7ee; padding-bottom: 4px; }
p.note, p.meta { color: var(--muted); margin: 4px 0; }
code { font: 13px ui-monospace, "DejaVu Sans Mono", monospace; background: var(--panel); padding: 1px 4px; border-radius: 3px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 10px; margin-top: 16px; }
.card { background: var(--panel); border-radius: 8px; padding: 10px 14px; }
.card .k { color: var(--muted); font-size: 13px; }
.card .v { font-size: 22px; font-weight: 600; font-variant-numeric: tabular-nums; }
svg.chart { width: 100%; height: auto; display: block; }
svg.square { max-width: 460px; }
.grid { stroke: #e3e7ee; stroke-width: 1; }
.tick, .value { font-size: 11px; fill: var(--muted); }
.label { font-size: 12px; fill: var(--fg); }
.axis { font-size: 12px; fill: var(--fg); }
.bar { fill: var(--accent); }
.bar2 { fill: var(--accent2); }
.gap { fill: url(#hatch); stroke: var(--bad); stroke-width: 1; }
.ideal { stroke: var(--fg); stroke-dasharray: 4 3; stroke-width: 1.2; }
.explain { color: var(--muted); font-size: 13px; max-width: 760px; }
.pairs { display: grid; grid-template-columns: repeat(auto-fill, minmax(280px, 1fr)); gap: 16px; }
.pair figure { margin: 0; display: inline-block; width: 48%; }
.pair img { width: 100%; image-rendering: pixelated; border: 1px solid #d0d6e0; }
.pair figcaption { font-size: 12px; color: var(--muted); text-align: center; }
.ramp { height: 10px; width: 240px; border: 1px solid #d0d6e0; display: inline-block; vertical-align: middle; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
`;

function shapeText(s: readonly number[]): string {
  return `(${s.join(', ')}${s.length === 1 ? ',' : ''})`;
}

/** The report's HTML. */
export function renderReport(r: ScoreResult, opts: ReportOptions = {}): string {
  const title = opts.title ?? `losskit report: ${r.kind}`;
  const m = r.metrics;
  const unit = r.base === Math.E ? 'nats' : r.base === 2 ? 'bits' : `log base ${fmt(r.base)}`;
  const cards: Array<[string, string]> = [[`loss (${r.reduction})`, fmt(r.loss, 5)], [r.kind === 'heatmap-focal' ? 'images' : 'samples', String(r.count)]];
  if (m) {
    cards.push(['accuracy (top-1)', pct(m.accuracy)]);
    for (const [k, v] of Object.entries(m.topK)) if (k !== '1') cards.push([`accuracy (top-${k})`, pct(v)]);
    cards.push(['mean NLL (nats)', fmt(m.nll)], ['perplexity', fmt(m.perplexity)], ['Brier score', fmt(m.brier)], [`ECE (${m.bins.length} bins)`, pct(m.ece)]);
  }
  if (r.classes !== undefined) cards.push(['classes', String(r.classes)]);
  if (r.ignored) cards.push(['ignored', String(r.ignored)]);
  if (r.positives !== undefined) cards.push(['positive pixels', String(r.positives)]);

  const sections: string[] = [];
  if (m && m.perClass.length > 0) {
    const names = r.classNames ?? m.perClass.map((_, i) => `class ${i}`);
    let items = m.perClass.map((c, i) => {
      const loss = Number.isNaN(c.loss) ? c.nll : c.loss;
      return { label: names[i], value: c.count ? loss : NaN, detail: c.count ? `${fmt(loss, 3)}  (n=${c.count}, ${(100 * c.accuracy).toFixed(1)}% correct)` : 'no samples' };
    });
    let caption = '';
    if (items.length > 40) {
      items = items.filter((d) => !Number.isNaN(d.value)).sort((a, b) => b.value - a.value).slice(0, 40);
      caption = ` The 40 classes with the highest mean loss of ${m.perClass.length}.`;
    }
    const lossName = r.kind === 'bce' || r.kind === 'sigmoid-focal' ? 'mean loss per target class (0 = negative, 1 = positive)' : 'mean loss per true class';
    sections.push(`<h2>Loss per class</h2><p class="explain">Mean per-sample ${esc(r.kind)} loss of the samples whose label is each class, with the sample count and top-1 accuracy.${caption}</p>${barChart(items, lossName)}`);
    sections.push(
      `<h2>Reliability diagram</h2><p class="explain">Samples binned by confidence (the top-1 probability) into ${m.bins.length} equal-width bins. ` +
        `Bars show each bin's accuracy; the hatched red band is the gap to its mean confidence; a calibrated model follows the dashed diagonal. ` +
        `ECE is the count-weighted mean gap: ${pct(m.ece)} (largest bin gap ${pct(m.mce)}). The small bars show how many samples fall in each bin.</p>${reliabilityDiagram(m.bins)}`,
    );
  }
  if (r.histogram) {
    const h = r.histogram;
    const extra = h.nonFinite ? ` ${h.nonFinite} non-finite values are not shown.` : '';
    const what = r.kind === 'heatmap-focal' ? 'per-image loss' : r.kind === 'bce' || r.kind === 'sigmoid-focal' || r.kind === 'mse' ? 'per-element loss' : 'per-sample loss';
    sections.push(`<h2>Loss histogram</h2><p class="explain">Distribution of the ${what} (range ${fmt(h.min)} to ${fmt(h.max)}).${extra}</p>${histogramChart(h.bins(), what + (r.kind === 'mse' || r.kind.includes('focal') ? '' : ` (${unit})`))}`);
  }
  if (r.heatmaps && r.heatmaps.images.length) {
    const { width, height, images } = r.heatmaps;
    const pairs = images
      .map((im) => `<div class="pair"><figure><img alt="predicted heatmap, image ${im.index}" src="${heatmapPng(im.pred, width, height)}"><figcaption>image ${im.index}: predicted</figcaption></figure> <figure><img alt="target heatmap, image ${im.index}" src="${heatmapPng(im.target, width, height)}"><figcaption>image ${im.index}: target</figcaption></figure></div>`)
      .join('');
    const ramp = `<img class="ramp" alt="colour scale" src="${heatmapPng(Float32Array.from({ length: 64 }, (_, i) => i / 63), 64, 1)}">`;
    sections.push(`<h2>Heatmaps</h2><p class="explain">Predicted and target heatmaps of the first ${images.length} image${images.length > 1 ? 's' : ''} (${height} × ${width}; the maximum over channels, as probabilities). Scale: 0 ${ramp} 1.</p><div class="pairs">${pairs}</div>`);
  }

  const files = `<code>${esc(r.input.file)}</code> ${shapeText(r.input.shape)} ${esc(r.input.dtype)} against <code>${esc(r.target.file)}</code> ${shapeText(r.target.shape)} ${esc(r.target.dtype)}`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><style>${CSS}</style></head>
<body><main>
<h1>${esc(title)}</h1>
${opts.note ? `<p class="note">${esc(opts.note)}</p>` : ''}
<p class="meta">${esc(r.kind)} (<code>losskit.${esc(r.fn)}</code>, loss in ${esc(unit)}) on ${files}.</p>
<div class="cards">${cards.map(([k, v]) => `<div class="card"><div class="k">${esc(k)}</div><div class="v">${esc(v)}</div></div>`).join('')}</div>
${sections.join('\n')}
<footer>Written by <code>losskit score</code> on ${new Date().toISOString().slice(0, 19).replace('T', ' ')} UTC. Self-contained: no scripts, no external requests.</footer>
</main></body></html>
`;
}
