// Input files as sequential streams of numbers with a shape: .npy (streamed from disk), .csv
// (streamed line by line; one row per sample) and .json (flat or nested arrays, parsed whole).
import * as fs from 'fs';
import * as path from 'path';
import { fileError } from './errors';
import { NpyReader, openProblem, type NpyArray } from './npy';

export type NumArray = NpyArray;

export interface ArraySource {
  readonly file: string;
  /** Shape as stored: .npy its header, .json its nesting, .csv [rows, columns] ([rows] for one column). */
  readonly shape: number[];
  /** Total number of elements. */
  readonly length: number;
  /** A short description of the element type, e.g. "'<f4'", "int64", "numbers". */
  readonly dtype: string;
  /** True when every element is known to be an integer from the file's type (.npy integer dtypes). */
  readonly integerType: boolean;
  /** The next `count` elements, in C order (fewer at the end). */
  read(count: number): NumArray;
  close(): void;
}

export function openSource(file: string): ArraySource {
  const ext = path.extname(file).toLowerCase();
  if (!fs.existsSync(file)) throw fileError(file, 'no such file');
  if (ext === '.npy') return new NpySource(file);
  if (ext === '.json') return new JsonSource(file);
  if (ext === '.csv' || ext === '.txt' || ext === '.tsv') return new CsvSource(file);
  throw fileError(file, `unknown file type '${ext || '(none)'}' (losskit reads .npy, .json and .csv)`);
}

/** Reads a whole source into one array. */
export function readAll(src: ArraySource): NumArray {
  return src.read(src.length);
}

class NpySource implements ArraySource {
  private r: NpyReader;
  readonly shape: number[];
  readonly length: number;
  readonly dtype: string;
  readonly integerType: boolean;
  constructor(readonly file: string) {
    this.r = new NpyReader(file);
    this.shape = this.r.header.shape;
    this.length = this.r.header.length;
    this.dtype = `'${this.r.header.dtype.descr}'`;
    this.integerType = this.r.header.dtype.kind !== 'f';
  }
  read(count: number): NumArray {
    return this.r.read(count);
  }
  close(): void {
    this.r.close();
  }
}

function parseNumber(text: string): number {
  const t = text.trim();
  if (t === '') return NaN;
  const v = Number(t);
  if (!Number.isNaN(v)) return v;
  const l = t.toLowerCase();
  if (l === 'nan') return NaN;
  if (l === 'inf' || l === 'infinity' || l === '+inf' || l === '+infinity') return Infinity;
  if (l === '-inf' || l === '-infinity') return -Infinity;
  return NaN; // callers check isNumberText first
}

function isNumberText(text: string): boolean {
  const t = text.trim();
  return t !== '' && (!Number.isNaN(Number(t)) || /^[+-]?(nan|inf|infinity)$/i.test(t));
}

class JsonSource implements ArraySource {
  readonly shape: number[];
  readonly length: number;
  readonly dtype = 'numbers';
  readonly integerType = false;
  private data: Float64Array;
  private pos = 0;
  constructor(readonly file: string) {
    let v: unknown;
    try {
      v = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code) throw fileError(file, openProblem(e));
      throw fileError(file, `not valid JSON (${(e as Error).message})`);
    }
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && Array.isArray((v as { data?: unknown }).data)) {
      v = (v as { data: unknown }).data; // {"data": [...]} as some exporters write
    }
    if (!Array.isArray(v)) throw fileError(file, 'must hold an array of numbers (flat or nested)');
    // the shape from the first element at each depth; every other element must agree
    const shape: number[] = [];
    for (let a: unknown = v; Array.isArray(a); a = a[0]) {
      shape.push(a.length);
      if (a.length === 0) break;
    }
    this.shape = shape;
    this.length = shape.reduce((a, b) => a * b, 1);
    this.data = new Float64Array(this.length);
    let k = 0;
    const walk = (a: unknown, depth: number, where: string): void => {
      if (depth === shape.length) {
        if (typeof a === 'number') this.data[k++] = a;
        else if (typeof a === 'string' && isNumberText(a)) this.data[k++] = parseNumber(a);
        else if (a === null) this.data[k++] = NaN;
        else throw fileError(file, `element ${where} is ${Array.isArray(a) ? 'an array' : JSON.stringify(a)}, expected a number (ragged nesting?)`);
        return;
      }
      if (!Array.isArray(a) || a.length !== shape[depth]) {
        throw fileError(
          file,
          `ragged array: element ${where || '[]'} ${Array.isArray(a) ? `has length ${a.length}` : 'is not an array'}, expected ${shape[depth]} values like the first`,
        );
      }
      for (let i = 0; i < a.length; i++) walk(a[i], depth + 1, `${where}[${i}]`);
    };
    walk(v, 0, '');
  }
  read(count: number): NumArray {
    const n = Math.max(0, Math.min(count, this.length - this.pos));
    const out = this.data.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  close(): void {}
}

/** Sequential line reader over fs.readSync, so CSV files of any size stream. */
class LineReader {
  private fd: number;
  private buf = Buffer.alloc(1 << 20);
  private text = '';
  private eof = false;
  lineNo = 0;
  constructor(file: string) {
    try {
      this.fd = fs.openSync(file, 'r');
    } catch (e) {
      throw fileError(file, openProblem(e));
    }
  }
  /** The next line (without its end), or null at the end of the file. */
  next(): string | null {
    for (;;) {
      const nl = this.text.indexOf('\n');
      if (nl >= 0) {
        const line = this.text.slice(0, nl);
        this.text = this.text.slice(nl + 1);
        this.lineNo++;
        return line.endsWith('\r') ? line.slice(0, -1) : line;
      }
      if (this.eof) {
        if (this.text === '') return null;
        const line = this.text;
        this.text = '';
        this.lineNo++;
        return line.endsWith('\r') ? line.slice(0, -1) : line;
      }
      const r = fs.readSync(this.fd, this.buf, 0, this.buf.length, null);
      if (r === 0) this.eof = true;
      else this.text += this.buf.toString('utf8', 0, r);
    }
  }
  close(): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
  }
}

class CsvSource implements ArraySource {
  readonly shape: number[];
  readonly length: number;
  readonly dtype = 'numbers';
  readonly integerType = false;
  private lines: LineReader;
  private sep: string;
  private columns: number;
  private pending: number[] = [];
  private pendingPos = 0;
  private header: boolean;

  constructor(readonly file: string) {
    // First pass: the separator, a header line if any, the column count and the number of rows.
    const probe = new LineReader(file);
    let first: string | null;
    do first = probe.next();
    while (first !== null && first.trim() === '');
    if (first === null) {
      probe.close();
      throw fileError(file, 'is empty');
    }
    this.sep = first.includes(',') ? ',' : first.includes('\t') ? '\t' : first.includes(';') ? ';' : /\s/.test(first.trim()) ? ' ' : ',';
    const cells = this.split(first);
    this.header = !cells.every(isNumberText);
    this.columns = cells.length;
    let rows = this.header ? 0 : 1;
    for (let line = probe.next(); line !== null; line = probe.next()) if (line.trim() !== '') rows++;
    probe.close();
    this.shape = this.columns === 1 ? [rows] : [rows, this.columns];
    this.length = rows * this.columns;
    this.lines = new LineReader(file);
    if (this.header) {
      let l: string | null;
      do l = this.lines.next();
      while (l !== null && l.trim() === '');
    }
  }

  private split(line: string): string[] {
    const t = line.trim();
    return this.sep === ' ' ? t.split(/\s+/) : t.split(this.sep);
  }

  read(count: number): NumArray {
    const out = new Float64Array(Math.max(0, count));
    let k = 0;
    while (k < count) {
      if (this.pendingPos < this.pending.length) {
        out[k++] = this.pending[this.pendingPos++];
        continue;
      }
      const line = this.lines.next();
      if (line === null) break;
      if (line.trim() === '') continue;
      const cells = this.split(line);
      if (cells.length !== this.columns) {
        throw fileError(this.file, `line ${this.lines.lineNo} has ${cells.length} values, the first row has ${this.columns}`);
      }
      this.pending = cells.map((c, j) => {
        if (!isNumberText(c)) throw fileError(this.file, `line ${this.lines.lineNo}, column ${j + 1}: ${JSON.stringify(c.trim())} is not a number`);
        return parseNumber(c);
      });
      this.pendingPos = 0;
    }
    return k === out.length ? out : out.subarray(0, k);
  }

  close(): void {
    this.lines.close();
  }
}
