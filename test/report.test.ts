// The HTML report: self-contained (no scripts, no external requests), its charts and heatmap PNGs,
// and, when Debian's chromium is installed (/usr/bin/chromium), that a real browser renders it.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { encodeNpy } from '../lib/cli/npy';
import { encodePng, renderReport } from '../lib/cli/report';
import { score, type ScoreResult } from '../lib/cli/score';
import { LossHistogram } from '../lib/cli/metrics';

const CHROMIUM = '/usr/bin/chromium';
let dir: string;
let classification: string;
let heatmap: string;

function heatmapResult(): ScoreResult {
  const h = 12, w = 16;
  const blob = (cx: number, cy: number) => Float32Array.from({ length: h * w }, (_, i) => Math.exp(-(((i % w) - cx) ** 2 + (Math.floor(i / w) - cy) ** 2) / 6));
  return {
    kind: 'heatmap-focal', fn: 'heatmapFocalLoss', loss: 1.25, reduction: 'mean', base: Math.E, count: 2, weight: 3, positives: 3,
    histogram: new LossHistogram().add([0.9, 1.6]),
    heatmaps: { height: h, width: w, images: [{ index: 0, pred: blob(5, 4), target: blob(6, 4) }, { index: 1, pred: blob(10, 8), target: blob(11, 7) }] },
    input: { file: 'pred.npy', shape: [2, 1, h, w], dtype: "'<f4'" }, target: { file: 'gt.npy', shape: [2, 1, h, w], dtype: "'<f4'" }, seconds: 0,
  };
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'losskit-report-'));
  const n = 200, k = 4;
  let s = 7;
  const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  const y = new Int32Array(n).map(() => Math.floor(rand() * k));
  const x = new Float32Array(n * k).map(() => rand() * 4 - 2);
  for (let i = 0; i < n; i++) x[i * k + y[i]] += 2;
  fs.writeFileSync(path.join(dir, 'x.npy'), encodeNpy(x, [n, k]));
  fs.writeFileSync(path.join(dir, 'y.npy'), encodeNpy(y));
  const r = score({ kind: 'cross-entropy', input: path.join(dir, 'x.npy'), target: path.join(dir, 'y.npy'), topK: [2], collect: true, classNames: ['cat', 'dog', 'bird', 'fish'] });
  classification = path.join(dir, 'classification.html');
  fs.writeFileSync(classification, renderReport(r));
  heatmap = path.join(dir, 'heatmap.html');
  fs.writeFileSync(heatmap, renderReport(heatmapResult(), { title: 'heatmaps' }));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('report HTML', () => {
  test('self-contained: no scripts, no external URLs', () => {
    for (const f of [classification, heatmap]) {
      const html = fs.readFileSync(f, 'utf8');
      expect(html).not.toMatch(/<script/i);
      expect(html).not.toMatch(/(src|href)\s*=\s*["']?(https?:)?\/\//i);
      expect(html).not.toMatch(/@import|url\((?!#)/i); // CSS may only reference in-page SVG patterns
    }
  });
  test('classification: summary cards, per-class bars, reliability diagram, loss histogram', () => {
    const html = fs.readFileSync(classification, 'utf8');
    for (const s of ['Loss per class', 'Reliability diagram', 'Loss histogram', 'accuracy (top-2)', 'ECE (15 bins)', 'Brier score', '>bird<']) expect(html).toContain(s);
    expect(html.match(/<svg/g)).toHaveLength(3);
  });
  test('heatmaps: predicted and target side by side as PNG data URIs', () => {
    const html = fs.readFileSync(heatmap, 'utf8');
    const pngs = [...html.matchAll(/src="data:image\/png;base64,([^"]+)"/g)].map((m) => Buffer.from(m[1], 'base64'));
    expect(pngs).toHaveLength(5); // 2 images × (predicted, target) + the colour scale
    for (const p of pngs) expect(p.subarray(1, 4).toString()).toBe('PNG');
    const maps = pngs.filter((p) => p.readUInt32BE(16) === 16 && p.readUInt32BE(20) === 12); // width, height
    expect(maps).toHaveLength(4);
    expect(html).toContain('image 1: target');
  });
  test('encodePng writes a valid zlib stream of filtered RGB rows', () => {
    const rgb = Uint8Array.from({ length: 2 * 3 * 3 }, (_, i) => i * 10);
    const png = encodePng(3, 2, rgb);
    const idatLen = png.readUInt32BE(33);
    expect(png.subarray(37, 41).toString()).toBe('IDAT');
    const raw = zlib.inflateSync(png.subarray(41, 41 + idatLen));
    expect(Array.from(raw)).toEqual([0, ...rgb.subarray(0, 9), 0, ...rgb.subarray(9)]);
  });
});

const haveChromium = fs.existsSync(CHROMIUM);
if (!haveChromium) {
  // eslint-disable-next-line no-console
  console.warn(`report.test: ${CHROMIUM} not found, skipping the headless-browser check (apt-get install -y chromium to run it)`);
}
(haveChromium ? describe : describe.skip)('report in headless Chromium', () => {
  const flags = (profile: string) => [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`,
  ];
  test('the DOM has the plots and the images decode', () => {
    for (const [file, svgs, imgs] of [[classification, 3, 0], [heatmap, 1, 5]] as const) {
      const profile = fs.mkdtempSync(path.join(dir, 'profile-'));
      const r = spawnSync(CHROMIUM, [...flags(profile), '--dump-dom', 'file://' + file], { encoding: 'utf8', timeout: 90000 });
      expect(r.status).toBe(0);
      const dom = r.stdout;
      expect(dom.match(/<svg/g) ?? []).toHaveLength(svgs);
      expect(dom.match(/<img /g) ?? []).toHaveLength(imgs);
      expect(dom).toContain('</main>');
    }
  });
  test('a screenshot is taken and is not blank', () => {
    const profile = fs.mkdtempSync(path.join(dir, 'profile-'));
    const shot = path.join(dir, 'shot.png');
    const r = spawnSync(CHROMIUM, [...flags(profile), `--screenshot=${shot}`, '--window-size=1000,1600', 'file://' + classification], { encoding: 'utf8', timeout: 90000 });
    expect(r.status).toBe(0);
    const png = fs.readFileSync(shot);
    expect(png.readUInt32BE(16)).toBe(1000);
    // a blank page compresses to a few KB; charts and text make it far larger
    expect(png.length).toBeGreaterThan(30000);
  });
});
