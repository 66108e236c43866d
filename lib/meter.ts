// Meters: a loss accumulated over many calls, shards, threads or machines. A meter keeps the
// float64 sums every reduction produces (loss, weight, count: what the addon writes to
// native.stats, or to a promise call's control array), so merging meters and then dividing gives
// the loss of one call over all the data: PyTorch's weighted mean with ignoreIndex and weights,
// CornerNet's mean over positives, and so on. Each family registers its kinds with
// defineMeterKind() in its own file.
import { native } from './binding';
import type { Native } from './binding';
import { runAsync } from './async';
import type { AsyncOptions } from './async';
import { baseScale, describe, oneOf, rangeError, typeError } from './validate';

/** Sums of a reduction: loss in natural-log units, the weight the mean divides by, samples counted. */
export interface MeterSums {
  loss: number;
  weight: number;
  count: number;
}

export interface MeterKind {
  /** The synchronous function, called as fn(input, target, options). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  sync: (input: any, target: any, options?: any) => unknown;
  /** The same written against `n` (the promise twin's view of the addon). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  with: (n: Native, input: any, target: any, options?: any) => unknown;
  /** Reductions a meter of this kind accepts; the first is the function's default. */
  reductions: readonly string[];
  /** The reduction each update calls the function with (one that needs no `out`). */
  callReduction: string;
  /** What `reduction` divides the loss sum by ('sum': 1), given the meter's options. */
  denominator(reduction: string, sums: MeterSums, options: Readonly<Record<string, unknown>>): number;
}

const KINDS = new Map<string, MeterKind>();

/** Registers a meter kind under its function's name (called once by each family's module). */
export function defineMeterKind(name: string, kind: MeterKind): void {
  KINDS.set(name, kind);
}

/** Kinds available in this build, for tests and error messages. */
export function meterKinds(): string[] {
  return [...KINDS.keys()];
}

export interface MeterResult {
  /** The loss over everything seen, reduced as the meter's options say (in units of `base`). */
  loss: number;
  /** Samples (positions) that counted: ignored labels excluded. */
  count: number;
  /**
   * The denominator of the meter's mean (of the function's default mean for a 'sum' meter): the
   * summed weights (crossEntropy), the rows (klDivergence 'batchmean'), the positives (heatmaps), ...
   */
  weight: number;
}

export interface MeterJSON {
  type: 'losskit.meter';
  version: 1;
  kind: string;
  options: Record<string, unknown>;
  /** float64 sums; non-finite values as the strings 'NaN', 'Infinity', '-Infinity'. */
  sums: { loss: number | string; weight: number | string; count: number };
}

const FORBIDDEN = new Set(['out', 'signal']);

function encode(v: number): number | string {
  return Number.isFinite(v) ? v : String(v);
}

function decode(fn: string, name: string, v: unknown): number {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  throw typeError(fn, name, 'a number', v);
}

// Options as plain JSON values: typed arrays and number[] become number[] (copied, so the caller
// may reuse theirs), numbers and strings stay.
function normalizeOptions(fn: string, kind: string, options: unknown): Record<string, unknown> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options) || ArrayBuffer.isView(options)) {
    throw typeError(fn, 'options', 'an object', options);
  }
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(options as Record<string, unknown>)) {
    if (v === undefined) continue;
    if (FORBIDDEN.has(key)) throw new TypeError(`${fn}: option '${key}' is not used by a meter (of kind '${kind}')`);
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) out[key] = Array.from(v as unknown as ArrayLike<number>);
    else if (Array.isArray(v)) out[key] = v.slice();
    else if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') out[key] = v;
    else throw typeError(fn, `options.${key}`, 'a number, string, boolean or array', v);
  }
  return out;
}

function sameOptions(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return JSON.stringify(ka.map((k) => [k, a[k]])) === JSON.stringify(kb.map((k) => [k, b[k]]));
}

export class Meter {
  readonly kind: string;
  private readonly def: MeterKind;
  private readonly opts: Record<string, unknown>;
  private readonly call: Record<string, unknown>;
  private readonly reduction: string;
  private readonly scale: number;
  private loss = 0;
  private weight = 0;
  private count = 0;
  private tail: Promise<unknown> = Promise.resolve();

  /** Use createMeter() or meterFromJSON(). */
  constructor(kind: string, options?: object, fn = 'createMeter') {
    if (typeof kind !== 'string') throw typeError(fn, 'kind', 'a function name', kind);
    const def = KINDS.get(kind);
    if (!def) throw rangeError(fn, `kind must be one of ${meterKinds().map((k) => `'${k}'`).join(', ')} (got ${describe(kind)})`);
    this.kind = kind;
    this.def = def;
    this.opts = normalizeOptions(fn, kind, options);
    this.reduction = this.opts.reduction === undefined ? def.reductions[0] : oneOf(fn, 'options.reduction', this.opts.reduction, def.reductions);
    this.scale = baseScale(kind, this.opts.base);
    const call: Record<string, unknown> = { ...this.opts, reduction: def.callReduction };
    for (const [k, v] of Object.entries(call)) if (Array.isArray(v)) call[k] = Float64Array.from(v as number[]);
    this.call = call;
  }

  private add(loss: number, weight: number, count: number): void {
    this.loss += loss;
    this.weight += weight;
    this.count += count;
  }

  /** Scores one batch (or shard) synchronously and adds its sums. */
  update(input: unknown, target: unknown): this {
    const st = native.stats as Float64Array;
    st[0] = 0;
    st[1] = 0;
    st[2] = 0;
    this.def.sync(input, target, this.call);
    this.add(st[0], st[1], st[2]);
    return this;
  }

  /**
   * Scores one batch on the libuv pool (as losskit/promises) and adds its sums. Concurrent calls
   * are added in call order, so the result does not depend on which finishes first; each Promise
   * settles once its own sums are in.
   */
  updateAsync(input: unknown, target: unknown, options?: AsyncOptions): Promise<this> {
    const args: unknown[] = [input, target, options?.signal ? { ...this.call, signal: options.signal } : this.call];
    const work = runAsync(this.kind, this.def.with, args, 2);
    work.catch(() => undefined); // handled below, in order
    const done = this.tail.then(() => work).then(({ ctl }) => {
      this.add(ctl[1], ctl[2], ctl[3]);
      return this;
    });
    this.tail = done.catch(() => undefined);
    return done;
  }

  /** Adds another meter's sums (same kind and options: a shard of the same evaluation). */
  merge(other: Meter): this {
    if (!(other instanceof Meter)) throw typeError('merge', 'other', 'a Meter', other);
    if (other.kind !== this.kind) throw rangeError('merge', `cannot merge a '${other.kind}' meter into a '${this.kind}' meter`);
    if (!sameOptions(this.opts, other.opts)) throw rangeError('merge', `the meters' options differ (${JSON.stringify(this.opts)} vs ${JSON.stringify(other.opts)})`);
    this.add(other.loss, other.weight, other.count);
    return this;
  }

  /** The loss over everything added so far, with its count and the denominator of the mean. */
  result(): MeterResult {
    const sums = { loss: this.loss, weight: this.weight, count: this.count };
    const den = this.def.denominator(this.reduction === 'sum' ? this.def.reductions[0] : this.reduction, sums, this.opts);
    const loss = this.reduction === 'sum' ? this.loss * this.scale : (this.loss / this.def.denominator(this.reduction, sums, this.opts)) * this.scale;
    return { loss, count: this.count, weight: den };
  }

  /** Plain JSON (exact: float64 sums survive JSON.stringify/parse); restore with meterFromJSON. */
  toJSON(): MeterJSON {
    return {
      type: 'losskit.meter',
      version: 1,
      kind: this.kind,
      options: { ...this.opts },
      sums: { loss: encode(this.loss), weight: encode(this.weight), count: this.count },
    };
  }

  /** @internal */
  static fromJSON(json: unknown): Meter {
    const fn = 'meterFromJSON';
    let j = json;
    if (typeof j === 'string') {
      try {
        j = JSON.parse(j);
      } catch {
        throw rangeError(fn, 'json is not valid JSON');
      }
    }
    if (j === null || typeof j !== 'object') throw typeError(fn, 'json', 'a meter.toJSON() object or its string', json);
    const o = j as Partial<MeterJSON>;
    if (o.type !== 'losskit.meter' || o.version !== 1) throw rangeError(fn, "json is not a losskit meter (type 'losskit.meter', version 1)");
    if (o.sums === null || typeof o.sums !== 'object') throw typeError(fn, 'json.sums', 'an object', o.sums);
    const m = new Meter(o.kind as string, o.options ?? {}, fn);
    const count = o.sums.count;
    if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0) throw rangeError(fn, `json.sums.count must be a non-negative integer (got ${describe(count)})`);
    m.add(decode(fn, 'json.sums.loss', o.sums.loss), decode(fn, 'json.sums.weight', o.sums.weight), count);
    return m;
  }
}

/**
 * A meter for `kind` (a function name: 'crossEntropy', 'softCrossEntropy', ...) with that
 * function's options (reduction 'mean' or 'sum'; no `out`).
 */
export function createMeter(kind: string, options?: object): Meter {
  return new Meter(kind, options);
}

/** A meter back from meter.toJSON() (the object or its JSON string). */
export function meterFromJSON(json: unknown): Meter {
  return Meter.fromJSON(json);
}
