// NumPy .npy files, read and written without NumPy, following the format's specification
// (numpy/lib/format.py, "NEP 1"): the magic "\x93NUMPY", a version byte pair (1.0: 2-byte header
// length; 2.0: 4-byte; 3.0: 4-byte and a UTF-8 header), then a Python dict literal
// {'descr': '<f4', 'fortran_order': False, 'shape': (N, K), } padded to a multiple of 64 bytes,
// then the raw data. The data section is read in blocks with fs.readSync so files larger than
// memory stream.
import * as fs from 'fs';
import { fileError } from './errors';

export type NpyKind = 'f' | 'i' | 'u' | 'b';

export interface NpyDType {
  /** The descr as written in the file, e.g. '<f4'. */
  descr: string;
  kind: NpyKind;
  /** Bytes per element. */
  size: number;
  littleEndian: boolean;
}

export interface NpyHeader {
  version: [number, number];
  dtype: NpyDType;
  shape: number[];
  fortranOrder: boolean;
  /** Byte offset of the data section. */
  dataOffset: number;
  /** Number of elements (product of the shape). */
  length: number;
}

/** What reading returns: the natural typed array of the dtype (int64 narrowed, float16 widened). */
export type NpyArray =
  | Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array;

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY
const SUPPORTED = 'float16/32/64, int8/16/32/64, uint8/16/32/64 and bool';
const NATIVE_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function parseDType(descr: string, file: string): NpyDType {
  const m = /^([<>|=]?)([fiub])(\d+)$/.exec(descr);
  if (!m) throw fileError(file, `unsupported dtype '${descr}' (losskit reads ${SUPPORTED})`);
  const order = m[1], kind = m[2] as NpyKind, size = Number(m[3]);
  const ok = kind === 'f' ? [2, 4, 8].includes(size) : kind === 'b' ? size === 1 : [1, 2, 4, 8].includes(size);
  if (!ok) throw fileError(file, `unsupported dtype '${descr}' (losskit reads ${SUPPORTED})`);
  return { descr, kind, size, littleEndian: order === '>' ? false : order === '=' ? NATIVE_LE : true };
}

// --- the header's Python literal -----------------------------------------------------------------

type PyValue = string | number | boolean | null | PyValue[] | { [k: string]: PyValue };

/** Parses the small subset of Python literals a .npy header uses (dict, tuple, list, str, int, bool). */
function parsePyLiteral(text: string, file: string): PyValue {
  let i = 0;
  const fail = (what: string): never => {
    throw fileError(file, `not a valid .npy header (${what} at character ${i} of ${JSON.stringify(text.trim())})`);
  };
  const ws = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const value = (): PyValue => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: Record<string, PyValue> = {};
      for (;;) {
        ws();
        if (text[i] === '}') { i++; return obj; }
        const key = value();
        if (typeof key !== 'string') fail('a non-string key');
        ws();
        if (text[i++] !== ':') fail("a missing ':'");
        obj[key as string] = value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== '}') fail("a missing ',' or '}'");
      }
    }
    if (c === '(' || c === '[') {
      const close = c === '(' ? ')' : ']';
      i++;
      const arr: PyValue[] = [];
      for (;;) {
        ws();
        if (text[i] === close) { i++; return arr; }
        arr.push(value());
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== close) fail(`a missing ',' or '${close}'`);
      }
    }
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      if (end < 0) fail('an unterminated string');
      const s = text.slice(i + 1, end);
      i = end + 1;
      return s;
    }
    const m = /^(True|False|None|-?\d+L?)/.exec(text.slice(i));
    if (!m) return fail('an unexpected character');
    i += m[0].length;
    if (m[0] === 'True') return true;
    if (m[0] === 'False') return false;
    if (m[0] === 'None') return null;
    return Number(m[0].replace('L', '')); // Python 2 wrote longs as 3L
  };
  const v = value();
  ws();
  if (i !== text.length) fail('trailing characters');
  return v;
}

/** Parses a header from the first bytes of a file (at least the whole header must be present). */
export function parseNpyHeader(buf: Buffer, file: string, fileSize = buf.length): NpyHeader {
  if (buf.length < 10 || !buf.subarray(0, 6).equals(MAGIC)) {
    throw fileError(file, 'not a .npy file (it does not start with the magic string \\x93NUMPY)');
  }
  const major = buf[6], minor = buf[7];
  if (![1, 2, 3].includes(major) || minor !== 0) {
    throw fileError(file, `unsupported .npy format version ${major}.${minor} (losskit reads 1.0, 2.0 and 3.0)`);
  }
  const lenBytes = major === 1 ? 2 : 4;
  if (buf.length < 8 + lenBytes) throw fileError(file, 'truncated .npy header');
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = 8 + lenBytes;
  if (buf.length < start + headerLen) {
    throw fileError(file, `truncated .npy header (needs ${start + headerLen} bytes, the file has ${fileSize})`);
  }
  const text = buf.subarray(start, start + headerLen).toString(major === 3 ? 'utf8' : 'latin1');
  const dict = parsePyLiteral(text, file);
  if (dict === null || typeof dict !== 'object' || Array.isArray(dict)) throw fileError(file, 'not a valid .npy header (not a dict)');
  const { descr, fortran_order: fortran, shape } = dict as Record<string, PyValue>;
  if (typeof descr !== 'string') {
    throw fileError(file, `unsupported dtype ${JSON.stringify(descr)} (structured arrays are not read; losskit reads ${SUPPORTED})`);
  }
  if (typeof fortran !== 'boolean') throw fileError(file, "not a valid .npy header (no boolean 'fortran_order')");
  if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)) {
    throw fileError(file, "not a valid .npy header (no 'shape' tuple of non-negative integers)");
  }
  const dtype = parseDType(descr, file);
  const dims = shape as number[];
  if (fortran && dims.filter((d) => d > 1).length > 1) {
    throw fileError(file, 'is in Fortran (column-major) order; losskit reads C order: save it with np.ascontiguousarray(a)');
  }
  const length = dims.reduce((a, b) => a * b, 1);
  return { version: [major, minor], dtype, shape: dims, fortranOrder: fortran, dataOffset: start + headerLen, length };
}

// --- element conversion ----------------------------------------------------------------------------

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

/**
 * Turns raw little- or big-endian bytes (a fresh, aligned buffer) into the dtype's typed array.
 * int64 / uint64 become Int32Array when every value fits, else Float64Array (exact to 2^53; a
 * value beyond that is an error naming the element). `first` is the index of the buffer's first
 * element in the file, for messages.
 */
export function decode(bytes: Buffer, dtype: NpyDType, file: string, first = 0): NpyArray {
  const n = bytes.length / dtype.size;
  if (dtype.littleEndian !== NATIVE_LE && dtype.size > 1) {
    if (dtype.size === 2) bytes.swap16();
    else if (dtype.size === 4) bytes.swap32();
    else bytes.swap64();
  }
  const ab = bytes.buffer, off = bytes.byteOffset;
  const { kind, size } = dtype;
  if (kind === 'f') {
    if (size === 4) return new Float32Array(ab, off, n);
    if (size === 8) return new Float64Array(ab, off, n);
    const h = new Uint16Array(ab, off, n), out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = halfToFloat(h[i]);
    return out;
  }
  if (kind === 'b') return new Uint8Array(ab, off, n);
  if (size === 1) return kind === 'i' ? new Int8Array(ab, off, n) : new Uint8Array(ab, off, n);
  if (size === 2) return kind === 'i' ? new Int16Array(ab, off, n) : new Uint16Array(ab, off, n);
  if (size === 4) return kind === 'i' ? new Int32Array(ab, off, n) : new Uint32Array(ab, off, n);
  // 64-bit integers: two 32-bit words each, low word first (native order after the swap above).
  const w32 = new Uint32Array(ab, off, 2 * n);
  const w = NATIVE_LE ? w32 : w32.map((_, j) => w32[j ^ 1]);
  let fits = true;
  for (let i = 0; i < n && fits; i++) {
    const lo = w[2 * i], hi = w[2 * i + 1];
    fits = kind === 'i' ? (hi === 0 && lo < 0x80000000) || (hi === 0xffffffff && lo >= 0x80000000) : hi === 0 && lo < 0x80000000;
  }
  if (fits) {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = w[2 * i] | 0;
    return out;
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const lo = w[2 * i], hi = w[2 * i + 1];
    const v = kind === 'i' ? (hi | 0) * 4294967296 + lo : hi * 4294967296 + lo;
    if (!Number.isSafeInteger(v)) {
      throw fileError(file, `element ${first + i} does not fit in a double exactly (an ${dtype.descr} beyond 2^53)`);
    }
    out[i] = v;
  }
  return out;
}

// --- reading -------------------------------------------------------------------------------------

/** Reads a .npy file's data section sequentially, in blocks of elements. */
export class NpyReader {
  readonly header: NpyHeader;
  private fd: number;
  private position = 0; // elements read so far

  constructor(readonly file: string) {
    try {
      this.fd = fs.openSync(file, 'r');
    } catch (e) {
      throw fileError(file, openProblem(e));
    }
    try {
      const size = fs.fstatSync(this.fd).size;
      const head = Buffer.alloc(Math.min(size, 1 << 16));
      fs.readSync(this.fd, head, 0, head.length, 0);
      let header: NpyHeader;
      try {
        header = parseNpyHeader(head, file, size);
      } catch (e) {
        // a header longer than 64 KiB (v2/v3 allow it): read exactly what it says
        if (size > head.length && head.length >= 12 && head[6] !== 1) {
          const full = Buffer.alloc(Math.min(size, 12 + head.readUInt32LE(8)));
          fs.readSync(this.fd, full, 0, full.length, 0);
          header = parseNpyHeader(full, file, size);
        } else throw e;
      }
      const need = header.dataOffset + header.length * header.dtype.size;
      if (size < need) {
        throw fileError(
          file,
          `truncated: its header says shape (${header.shape.join(', ')}) of '${header.dtype.descr}', ` +
            `${need - header.dataOffset} bytes of data, but the file has ${Math.max(0, size - header.dataOffset)}`,
        );
      }
      this.header = header;
    } catch (e) {
      fs.closeSync(this.fd);
      throw e;
    }
  }

  get remaining(): number {
    return this.header.length - this.position;
  }

  /** The next `count` elements (fewer at the end). */
  read(count: number): NpyArray {
    const n = Math.max(0, Math.min(count, this.remaining));
    const size = this.header.dtype.size;
    const bytes = Buffer.from(new ArrayBuffer(n * size));
    let got = 0;
    const at = this.header.dataOffset + this.position * size;
    while (got < bytes.length) {
      const r = fs.readSync(this.fd, bytes, got, bytes.length - got, at + got);
      if (r === 0) throw fileError(this.file, 'truncated while reading (the file shrank?)');
      got += r;
    }
    const out = decode(bytes, this.header.dtype, this.file, this.position);
    this.position += n;
    return out;
  }

  close(): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
  }
}

export function openProblem(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return (e as Error)?.message ?? String(e);
}

/** Reads a whole .npy file. */
export function readNpy(file: string): { shape: number[]; data: NpyArray; header: NpyHeader } {
  const r = new NpyReader(file);
  try {
    return { shape: r.header.shape, data: r.read(r.header.length), header: r.header };
  } finally {
    r.close();
  }
}

// --- writing -------------------------------------------------------------------------------------

export interface EncodeOptions {
  /** Format version (default: 1.0 when the header fits, else 2.0). */
  version?: 1 | 2 | 3;
  /** Write '>' big-endian data. */
  bigEndian?: boolean;
  /** Set the header's fortran_order flag (the data is written as given). */
  fortranOrder?: boolean;
}

const DESCR_OF: Array<[new (...a: never[]) => ArrayBufferView, string]> = [
  [Float32Array, 'f4'], [Float64Array, 'f8'], [Int8Array, 'i1'], [Uint8Array, 'u1'], [Int16Array, 'i2'],
  [Uint16Array, 'u2'], [Int32Array, 'i4'], [Uint32Array, 'u4'], [BigInt64Array, 'i8'], [BigUint64Array, 'u8'],
];

/** The dtype (without byte order) matching a typed array, e.g. 'f4' for Float32Array. */
export function typeCode(data: ArrayBufferView): string {
  for (const [ctor, code] of DESCR_OF) if (data instanceof ctor) return code;
  throw new TypeError('npy: unsupported array type ' + data.constructor.name);
}

/** The header bytes (magic through padding) for a dtype and shape. */
export function npyHeader(descr: string, shape: readonly number[], opts: EncodeOptions = {}): Buffer {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${descr}', 'fortran_order': ${opts.fortranOrder ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  let version = opts.version ?? 1;
  const body = Buffer.from(dict, version === 3 ? 'utf8' : 'latin1');
  if (opts.version === undefined && body.length + 11 > 65535) version = 2;
  const pre = version === 1 ? 10 : 12;
  const total = Math.ceil((pre + body.length + 1) / 64) * 64;
  const out = Buffer.alloc(total, 0x20);
  MAGIC.copy(out, 0);
  out[6] = version;
  out[7] = 0;
  if (version === 1) {
    if (total - pre > 65535) throw new RangeError('npy: header too long for format 1.0');
    out.writeUInt16LE(total - pre, 8);
  } else out.writeUInt32LE(total - pre, 8);
  body.copy(out, pre);
  out[total - 1] = 0x0a;
  return out;
}

/**
 * Encodes values as a .npy file. `descr` defaults to the typed array's own dtype; any supported
 * dtype may be given (values are converted; 'b1' writes 0/1), with '<' or '>' byte order.
 */
export function encodeNpy(
  data: ArrayLike<number> | ArrayLike<bigint> | ArrayBufferView,
  shape: readonly number[] = [(data as ArrayLike<unknown>).length],
  descr?: string,
  opts: EncodeOptions = {},
): Buffer {
  const values = data as ArrayLike<number | bigint>;
  const n = values.length;
  if (shape.reduce((a, b) => a * b, 1) !== n) throw new RangeError(`npy: shape (${shape}) does not hold ${n} values`);
  const code = descr ?? (opts.bigEndian ? '>' : '<') + typeCode(data as ArrayBufferView);
  const dt = parseDType(code, 'npy');
  const finalDescr = dt.size === 1 ? '|' + code.replace(/^[<>|=]/, '') : code;
  const head = npyHeader(finalDescr, shape, opts);
  const body = Buffer.alloc(n * dt.size);
  const dv = new DataView(body.buffer, body.byteOffset, body.length);
  const le = dt.littleEndian;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    const o = i * dt.size;
    const num = typeof v === 'bigint' ? Number(v) : v;
    switch (dt.kind + dt.size) {
      case 'f2': dv.setUint16(o, floatToHalf(num), le); break;
      case 'f4': dv.setFloat32(o, num, le); break;
      case 'f8': dv.setFloat64(o, num, le); break;
      case 'b1': dv.setUint8(o, num ? 1 : 0); break;
      case 'i1': dv.setInt8(o, num); break;
      case 'u1': dv.setUint8(o, num); break;
      case 'i2': dv.setInt16(o, num, le); break;
      case 'u2': dv.setUint16(o, num, le); break;
      case 'i4': dv.setInt32(o, num, le); break;
      case 'u4': dv.setUint32(o, num, le); break;
      case 'i8': dv.setBigInt64(o, typeof v === 'bigint' ? v : BigInt(num), le); break;
      case 'u8': dv.setBigUint64(o, typeof v === 'bigint' ? v : BigInt(num), le); break;
    }
  }
  return Buffer.concat([head, body]);
}

function floatToHalf(x: number): number {
  // round-to-nearest-even through float32 bits
  const f = new Float32Array([x]), u = new Uint32Array(f.buffer)[0];
  const sign = (u >>> 16) & 0x8000, exp = (u >>> 23) & 0xff, mant = u & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    const m = (mant | 0x800000) >>> (1 - e + 13);
    const rem = (mant | 0x800000) & ((1 << (1 - e + 13)) - 1), half = 1 << (1 - e + 12);
    return sign | (m + (rem > half || (rem === half && m & 1) ? 1 : 0));
  }
  const m = mant >>> 13, rem = mant & 0x1fff;
  const h = sign | (e << 10) | m;
  return h + (rem > 0x1000 || (rem === 0x1000 && m & 1) ? 1 : 0);
}

/** Writes a typed array as a .npy file (little-endian, its own dtype). */
export function writeNpy(file: string, data: ArrayBufferView, shape?: readonly number[], opts: EncodeOptions = {}): void {
  fs.writeFileSync(file, encodeNpy(data, shape, undefined, opts));
}

/** Writes a .npy file of a known shape block by block (little-endian float32 or float64). */
export class NpyWriter {
  private fd: number;
  private written = 0;
  private readonly length: number;

  constructor(readonly file: string, readonly descr: '<f4' | '<f8', readonly shape: readonly number[]) {
    this.length = shape.reduce((a, b) => a * b, 1);
    try {
      this.fd = fs.openSync(file, 'w');
    } catch (e) {
      throw fileError(file, `cannot write: ${openProblem(e)}`);
    }
    fs.writeSync(this.fd, npyHeader(descr, shape));
  }

  write(values: ArrayLike<number>): void {
    const chunk = this.descr === '<f4' ? Float32Array.from(values) : Float64Array.from(values);
    const b = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (!NATIVE_LE) (this.descr === '<f4' ? b.swap32() : b.swap64());
    fs.writeSync(this.fd, b);
    this.written += chunk.length;
  }

  close(): void {
    fs.closeSync(this.fd);
    if (this.written !== this.length) throw new Error(`npy: wrote ${this.written} values, the header says ${this.length}`);
  }
}
