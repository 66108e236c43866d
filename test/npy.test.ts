// The .npy reader and writer: against files NumPy wrote (test/fixtures/npy, tools/gen_npy_fixtures.py),
// round trips of every dtype, header versions and byte orders, and the files it must refuse.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { encodeNpy, npyHeader, NpyReader, NpyWriter, readNpy, writeNpy } from '../lib/cli/npy';
import { UserError } from '../lib/cli/errors';

const FIX = path.join(__dirname, 'fixtures', 'npy');
const expected: { cases: Record<string, { shape: number[]; values: number[] }> } = JSON.parse(
  fs.readFileSync(path.join(FIX, 'expected.json'), 'utf8'),
);
let dir: string;
beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'losskit-npy-'))));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('files written by NumPy', () => {
  test.each(Object.keys(expected.cases))('%s', (name) => {
    const { shape, data } = readNpy(path.join(FIX, name));
    expect(shape).toEqual(expected.cases[name].shape);
    expect(Array.from(data)).toEqual(expected.cases[name].values);
  });

  test('natural array types per dtype', () => {
    const type = (n: string) => readNpy(path.join(FIX, n)).data.constructor.name;
    expect(type('v1_le_f4.npy')).toBe('Float32Array');
    expect(type('v1_be_f8.npy')).toBe('Float64Array');
    expect(type('v1_le_f2.npy')).toBe('Float32Array');
    expect(type('v1_i1.npy')).toBe('Int8Array');
    expect(type('v1_u1.npy')).toBe('Uint8Array');
    expect(type('v1_be_i2.npy')).toBe('Int16Array');
    expect(type('v1_le_u4.npy')).toBe('Uint32Array');
    expect(type('v1_le_i8.npy')).toBe('Int32Array'); // int64 labels that fit are narrowed
    expect(type('big_i8.npy')).toBe('Float64Array'); // beyond int32: exact doubles
    expect(type('v1_b1.npy')).toBe('Uint8Array');
  });

  test('header bytes match NumPy exactly', () => {
    for (const name of ['v1_le_f4.npy', 'v1_be_i8.npy', 'v1_b1.npy']) {
      const file = fs.readFileSync(path.join(FIX, name));
      const { data, shape, header } = readNpy(path.join(FIX, name));
      const again = encodeNpy(data, shape, header.dtype.descr);
      expect(again.subarray(0, header.dataOffset).toString('latin1')).toBe(file.subarray(0, header.dataOffset).toString('latin1'));
      expect(again.equals(file)).toBe(true);
    }
  });

  test('Fortran order is refused with the file name and the fix; 1-D Fortran arrays are fine', () => {
    const f = path.join(FIX, 'fortran_f4.npy');
    expect(() => readNpy(f)).toThrow(UserError);
    expect(() => readNpy(f)).toThrow(/fortran_f4\.npy: .*Fortran .*order.*np\.ascontiguousarray/);
  });

  test('unsupported dtypes name the file and the dtype', () => {
    expect(() => readNpy(path.join(FIX, 'complex_c8.npy'))).toThrow(/complex_c8\.npy: unsupported dtype '<c8'/);
    expect(() => readNpy(path.join(FIX, 'structured.npy'))).toThrow(/structured\.npy: unsupported dtype .*structured/);
  });
});

describe('round trips', () => {
  const values = [0, 1, -2, 3, 100, -101, 7, 42];
  const descrs = ['<f2', '>f2', '<f4', '>f4', '<f8', '>f8', '|i1', '|u1', '<i2', '>i2', '<u2', '>u2', '<i4', '>i4', '<u4', '>u4', '<i8', '>i8', '<u8', '>u8', '|b1'];
  test.each(descrs)('%s, versions 1.0 / 2.0 / 3.0', (descr) => {
    const v = descr[1] === 'u' ? values.map(Math.abs) : descr[1] === 'b' ? values.map((x) => (x ? 1 : 0)) : values;
    for (const version of [1, 2, 3] as const) {
      const file = path.join(dir, `rt-${descr.replace(/[<>|]/, '')}-${version}.npy`);
      fs.writeFileSync(file, encodeNpy(v, [2, 4], descr, { version }));
      const r = readNpy(file);
      expect(r.header.version).toEqual([version, 0]);
      expect(r.header.dtype.descr).toBe(descr);
      expect(r.shape).toEqual([2, 4]);
      expect(Array.from(r.data)).toEqual(v);
    }
  });

  test('float specials and float16 rounding survive', () => {
    const v = [NaN, Infinity, -Infinity, -0, 65504, 6.1e-5, 1e-7, 0.1];
    const file = path.join(dir, 'special.npy');
    fs.writeFileSync(file, encodeNpy(new Float64Array(v)));
    expect(Array.from(readNpy(file).data)).toEqual(v);
    fs.writeFileSync(file, encodeNpy(v, [8], '<f2'));
    const h = Array.from(readNpy(file).data);
    expect(h.slice(0, 5)).toEqual([NaN, Infinity, -Infinity, -0, 65504]);
    expect(h[5]).toBeCloseTo(6.1e-5, 7);
    expect(h[7]).toBeCloseTo(0.1, 3);
  });

  test('writeNpy of typed arrays; the header is padded to 64 bytes and ends in a newline', () => {
    for (const a of [new Float32Array([1.5, -2]), new Int32Array([3, -4]), new BigInt64Array([5n, -6n]), new Uint8Array([7, 8])]) {
      const file = path.join(dir, 'w.npy');
      writeNpy(file, a, [2]);
      const buf = fs.readFileSync(file);
      const { header, data } = readNpy(file);
      expect(header.dataOffset % 64).toBe(0);
      expect(buf[header.dataOffset - 1]).toBe(0x0a);
      expect(Array.from(data)).toEqual(Array.from(a as ArrayLike<number | bigint>, Number));
    }
  });

  test('a long shape switches to format 2.0 automatically', () => {
    const shape = Array(25000).fill(1); // a header over 64 KiB
    const head = npyHeader('<f4', shape);
    expect(head[6]).toBe(2);
    const file = path.join(dir, 'long.npy');
    fs.writeFileSync(file, Buffer.concat([head, Buffer.from(new Float32Array([9]).buffer)]));
    const r = readNpy(file);
    expect(r.shape.length).toBe(25000);
    expect(Array.from(r.data)).toEqual([9]);
  });

  test('blocked reads give the same values as one read; NpyWriter streams blocks', () => {
    const n = 1001, a = new Float64Array(n).map((_, i) => Math.sin(i));
    const file = path.join(dir, 'blocks.npy');
    const w = new NpyWriter(file, '<f8', [7, 143]);
    for (let i = 0; i < n; i += 100) w.write(a.subarray(i, i + 100));
    w.close();
    const r = new NpyReader(file);
    const got: number[] = [];
    while (r.remaining > 0) got.push(...r.read(37));
    r.close();
    expect(got).toEqual(Array.from(a));
    expect(readNpy(file).shape).toEqual([7, 143]);
  });
});

describe('malformed files', () => {
  const good = () => encodeNpy(new Float32Array(12), [3, 4]);
  const write = (name: string, b: Buffer) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, b);
    return f;
  };
  test('truncated data says how much is missing', () => {
    const f = write('trunc.npy', good().subarray(0, 128 + 20));
    expect(() => readNpy(f)).toThrow(/trunc\.npy: truncated: its header says shape \(3, 4\) of '<f4', 48 bytes of data, but the file has 20/);
  });
  test('truncated header', () => {
    const f = write('trunc-head.npy', good().subarray(0, 40));
    expect(() => readNpy(f)).toThrow(/trunc-head\.npy: truncated \.npy header/);
  });
  test('not a .npy file', () => {
    const f = write('text.npy', Buffer.from('hello, world\n'));
    expect(() => readNpy(f)).toThrow(/text\.npy: not a \.npy file/);
  });
  test('unknown version', () => {
    const b = good();
    b[6] = 9;
    expect(() => readNpy(write('v9.npy', b))).toThrow(/v9\.npy: unsupported \.npy format version 9\.0/);
  });
  test('a garbled header dict', () => {
    const b = good();
    b.write("{'descr' '<f4'", 10, 'latin1');
    expect(() => readNpy(write('garbled.npy', b))).toThrow(/garbled\.npy: not a valid \.npy header/);
  });
  test('int64 beyond 2^53', () => {
    const f = write('huge.npy', encodeNpy([1n, 2n ** 60n], [2], '<i8'));
    expect(() => readNpy(f)).toThrow(/huge\.npy: element 1 does not fit in a double exactly/);
  });
  test('a missing file', () => {
    expect(() => readNpy(path.join(dir, 'nope.npy'))).toThrow(/nope\.npy: no such file/);
  });
});
