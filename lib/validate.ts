// Argument checks for every public function, in one place so messages read the same everywhere:
// "<function>: <argument> must be <expected> (got <actual>)". TypeError for the wrong kind of
// value, RangeError for the wrong size or value. Every check here is O(1) except turning a plain
// number[] into a typed array; label ranges are checked inside the kernels.
import type { FloatArray, IntArray } from './types';

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 20 ? v.slice(0, 20) + '…' : v)}`;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return `an Array(${v.length})`;
  if (ArrayBuffer.isView(v)) {
    const n = (v as { length?: number }).length;
    return `${v.constructor.name}${n === undefined ? '' : `(${n})`}`;
  }
  if (typeof v === 'function') return 'a function';
  return `an ${(v as object).constructor?.name ?? 'object'}`;
}

export function typeError(fn: string, name: string, expected: string, actual: unknown): TypeError {
  return new TypeError(`${fn}: ${name} must be ${expected} (got ${describe(actual)})`);
}

export function rangeError(fn: string, message: string): RangeError {
  return new RangeError(`${fn}: ${message}`);
}

const EMPTY: Readonly<Record<string, unknown>> = Object.freeze({});

/** The options object (or an empty one); unknown option names are a TypeError. */
export function options(fn: string, opts: unknown, allowed: ReadonlySet<string>): Record<string, unknown> {
  if (opts === undefined) return EMPTY;
  if (opts === null || typeof opts !== 'object' || Array.isArray(opts) || ArrayBuffer.isView(opts)) {
    throw typeError(fn, 'options', 'an object', opts);
  }
  for (const key in opts) {
    if (!allowed.has(key)) {
      throw new TypeError(`${fn}: unknown option '${key}' (allowed: ${[...allowed].join(', ')})`);
    }
  }
  return opts as Record<string, unknown>;
}

export function isFloatArray(v: unknown): v is FloatArray {
  return v instanceof Float32Array || v instanceof Float64Array;
}

export function isIntArray(v: unknown): v is IntArray {
  return (
    v instanceof Int32Array || v instanceof Uint8Array || v instanceof Int8Array || v instanceof Int16Array ||
    v instanceof Uint16Array || v instanceof Uint32Array
  );
}

/** Is v a view on a detached ArrayBuffer? O(1); only empty-looking views need a closer look. */
export function isDetached(v: ArrayBufferView): boolean {
  if (v.byteLength !== 0) return false;
  const buf = v.buffer as ArrayBuffer & { detached?: boolean };
  if (typeof buf.detached === 'boolean') return buf.detached;  // Node >= 21
  if (buf.byteLength !== 0) return false;
  try {
    new Uint8Array(buf, 0, 0);  // throws on a detached buffer only (Node 18/20 have no .detached)
    return false;
  } catch {
    return true;
  }
}

function checkDetached(fn: string, name: string, v: ArrayBufferView): void {
  // A view on a detached buffer reads as empty; say what happened instead of computing on nothing.
  if (isDetached(v)) throw new TypeError(`${fn}: ${name} is a view on a detached ArrayBuffer`);
}

/** A float typed array as is, or a number[] copied into a Float64Array. */
export function floatArray(fn: string, name: string, v: unknown): FloatArray {
  if (v instanceof Float32Array || v instanceof Float64Array) {
    checkDetached(fn, name, v);
    return v;
  }
  if (Array.isArray(v)) {
    const out = new Float64Array(v.length);
    for (let i = 0; i < v.length; i++) {
      const e = v[i];
      if (typeof e !== 'number') throw typeError(fn, `${name}[${i}]`, 'a number', e);
      out[i] = e;
    }
    return out;
  }
  throw typeError(fn, name, 'a Float32Array, Float64Array or number[]', v);
}

/** Integer labels: an integer typed array as is, or a number[] of integers copied into an Int32Array. */
export function labelArray(fn: string, name: string, v: unknown): IntArray {
  if (isIntArray(v)) {
    checkDetached(fn, name, v);
    return v;
  }
  if (Array.isArray(v)) {
    const out = new Int32Array(v.length);
    for (let i = 0; i < v.length; i++) {
      const e = v[i];
      if (typeof e !== 'number') throw typeError(fn, `${name}[${i}]`, 'an integer', e);
      if (!Number.isInteger(e) || e < -2147483648 || e > 2147483647) {
        throw rangeError(fn, `${name}[${i}] = ${e} is not a 32-bit integer`);
      }
      out[i] = e;
    }
    return out;
  }
  throw typeError(fn, name, 'an integer typed array (Int8/16/32Array, Uint8/16/32Array) or number[]', v);
}

export function positiveInt(fn: string, name: string, v: unknown): number {
  if (typeof v !== 'number') throw typeError(fn, name, 'a positive integer', v);
  if (!Number.isSafeInteger(v) || v < 1) throw rangeError(fn, `${name} must be a positive integer (got ${v})`);
  return v;
}

export function integer(fn: string, name: string, v: unknown): number {
  if (typeof v !== 'number') throw typeError(fn, name, 'an integer', v);
  if (!Number.isSafeInteger(v)) throw rangeError(fn, `${name} must be an integer (got ${v})`);
  return v;
}

/** A finite number in [min, max] (bounds inclusive unless said otherwise). */
export function numberIn(
  fn: string,
  name: string,
  v: unknown,
  min: number,
  max: number,
  minOpen = false,
  maxOpen = false,
): number {
  if (typeof v !== 'number') throw typeError(fn, name, 'a number', v);
  const ok = Number.isFinite(v) && (minOpen ? v > min : v >= min) && (maxOpen ? v < max : v <= max);
  if (!ok) {
    throw rangeError(fn, `${name} must be in ${minOpen ? '(' : '['}${min}, ${max}${maxOpen ? ')' : ']'} (got ${v})`);
  }
  return v;
}

export function oneOf<T extends string>(fn: string, name: string, v: unknown, values: readonly T[]): T {
  if (typeof v !== 'string') throw typeError(fn, name, `one of ${values.map((s) => `'${s}'`).join(', ')}`, v);
  if (!(values as readonly string[]).includes(v)) {
    throw rangeError(fn, `${name} must be one of ${values.map((s) => `'${s}'`).join(', ')} (got '${v}')`);
  }
  return v as T;
}

/** 1 / ln(base): log-domain results are divided by ln(base). */
export function baseScale(fn: string, v: unknown): number {
  if (v === undefined) return 1;
  if (typeof v !== 'number') throw typeError(fn, 'base', 'a number', v);
  if (!(Number.isFinite(v) && v > 0 && v !== 1)) throw rangeError(fn, `base must be a finite number > 0 and != 1 (got ${v})`);
  return v === Math.E ? 1 : 1 / Math.log(v);
}

/** Float weights of an exact length, as float64 (what the kernels read). */
export function weightArray(fn: string, name: string, v: unknown, length: number): Float64Array {
  const w = floatArray(fn, name, v);
  if (w.length !== length) throw rangeError(fn, `${name} must have ${length} values, one per class (got ${w.length})`);
  return w instanceof Float64Array ? w : Float64Array.from(w);
}

/** The output array for per-sample results: the caller's (checked) or a new one like `like`. */
export function outArray(fn: string, v: unknown, like: FloatArray, length: number): FloatArray {
  if (v === undefined) return like instanceof Float32Array ? new Float32Array(length) : new Float64Array(length);
  if (!isFloatArray(v) || v.constructor !== like.constructor) {
    throw typeError(fn, 'out', `a ${like.constructor.name} (the type of the input)`, v);
  }
  checkDetached(fn, 'out', v);
  if (v.length !== length) throw rangeError(fn, `out must have length ${length} (got ${v.length})`);
  return v;
}

export const REDUCTION_CODE = { mean: 0, sum: 1, none: 2 } as const;
export const INPUTS_CODE = { logits: 0, probabilities: 1, 'log-probabilities': 2 } as const;
