// The machinery behind losskit/promises. A family writes each function once as `fooWith(n, ...)`
// against `n`, an object with the addon's functions; the synchronous function passes the addon
// itself, the promise twin passes a view of it in which `n.foo(...)` calls the addon's `fooAsync`
// (the same arguments plus a control array) and returns a Promise. Validation runs the same code
// either way, so the errors are the same; in a twin they reject instead of throwing.
import * as os from 'os';
import { native } from './binding';
import type { Native } from './binding';
import { typeError } from './validate';

/**
 * Input bytes per block: the rows of a call are cut into blocks of about this size (whole rows),
 * which run concurrently on the libuv pool and are merged in block order. An input smaller than
 * one block is one kernel call, bit for bit the synchronous result. Chosen by measurement
 * (bench/async.js): below ~1 MiB the second thread's start-up and the extra completion cost more
 * than they save on this kind of machine, and a block of 1 MiB takes 0.1 to 0.5 ms, which bounds
 * how long an abort waits.
 */
export const DEFAULT_BLOCK_BYTES = 1 << 20;

/** Pool threads one call may use: UV_THREADPOOL_SIZE (default 4), at most the usable cores. */
export function defaultLanes(): number {
  const env = Number(process.env.UV_THREADPOOL_SIZE);
  const pool = Number.isInteger(env) && env >= 1 ? Math.min(env, 1024) : 4;
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(pool, cores || 1));
}

export interface AsyncConfig {
  /** Pool threads one call may use. */
  lanes: number;
  /** Input bytes per block. */
  blockBytes: number;
}

/**
 * Reads or changes how this thread's promise calls are split (internal: for tests and tuning).
 * The split decides the exact bits of a reduction over several blocks; see CONTRIBUTING.md.
 */
export function asyncConfig(next?: Partial<AsyncConfig>): AsyncConfig {
  if (next !== undefined) {
    const cur = asyncConfig();
    native.asyncConfig(next.lanes ?? cur.lanes, next.blockBytes ?? cur.blockBytes);
  }
  const [lanes, blockBytes] = native.asyncConfig() as [number, number];
  return { lanes, blockBytes };
}

asyncConfig({ lanes: defaultLanes(), blockBytes: DEFAULT_BLOCK_BYTES });

/**
 * What losskit uses of an AbortSignal, written out so the declarations need neither the DOM lib nor
 * @types/node; pass a real AbortSignal (anything else is a TypeError).
 */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** The extra option every promise twin takes. */
export interface AsyncOptions {
  /** Aborts the call: the Promise rejects with an AbortError and blocks not yet started are skipped. */
  signal?: AbortSignalLike;
}

/** An AbortError as Node's own APIs give it: a DOMException named 'AbortError', cause = signal.reason. */
export function abortError(signal?: AbortSignalLike): Error {
  const msg = 'The operation was aborted';
  const cause = signal?.reason;
  let e = new DOMException(msg, { name: 'AbortError', cause } as unknown as string);
  if (e.name !== 'AbortError') {
    // Node versions whose DOMException takes only a name.
    e = new DOMException(msg, 'AbortError');
    Object.defineProperty(e, 'cause', { value: cause, configurable: true, writable: true });
  }
  return e;
}

function isAbortSignal(v: unknown): v is AbortSignalLike {
  return typeof AbortSignal !== 'undefined' && v instanceof AbortSignal;
}

/** What a twin's call settles with: the function's value and the control array. */
export interface Settled<R> {
  value: R;
  /** [task id, loss sum, weight sum, count] of the reduction (natural-log units, before `base`). */
  ctl: Float64Array;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type With<R> = (n: Native, ...args: any[]) => R;

/**
 * Runs `impl` (a family's `fooWith`) as a promise twin. `args` are the public arguments and
 * `optionsIndex` says which one is the options object, from which `signal` is taken.
 */
export function runAsync<R>(fn: string, impl: With<R>, args: unknown[], optionsIndex: number): Promise<Settled<Awaited<R>>> {
  return new Promise<Settled<Awaited<R>>>((resolve, reject) => {
    let a = args;
    let signal: AbortSignalLike | undefined;
    const o = args[optionsIndex];
    if (o !== null && typeof o === 'object' && !Array.isArray(o) && !ArrayBuffer.isView(o) && 'signal' in o) {
      const { signal: s, ...rest } = o as Record<string, unknown>;
      if (s !== undefined && !isAbortSignal(s)) throw typeError(fn, 'signal', 'an AbortSignal', s);
      signal = s as AbortSignalLike | undefined;
      a = args.slice();
      a[optionsIndex] = rest;
    }
    const ctl = new Float64Array(4);
    let scheduled = false;
    const view = new Proxy(native, {
      get(target, name) {
        const sync = target[name as string];
        if (typeof name !== 'string' || typeof sync !== 'function') return sync;
        const twin = target[`${name}Async`];
        return (...x: unknown[]) => {
          // Validation has passed by the time the family calls the addon; an aborted signal now
          // means no work is queued at all.
          if (signal?.aborted) throw abortError(signal);
          if (typeof twin !== 'function') return sync(...x); // not a block op: small, runs inline
          scheduled = true;
          return twin(...x, ctl);
        };
      },
    });
    const r = impl(view, ...a); // a validation error thrown here rejects the Promise
    let onAbort: (() => void) | undefined;
    if (signal && scheduled) {
      onAbort = () => native.abortTask(ctl[0]);
      signal.addEventListener('abort', onAbort, { once: true });
    }
    Promise.resolve(r).then(
      (value) => {
        if (onAbort) signal!.removeEventListener('abort', onAbort);
        resolve({ value: value as Awaited<R>, ctl });
      },
      (e: unknown) => {
        if (onAbort) signal!.removeEventListener('abort', onAbort);
        const aborted = e instanceof Error && e.name === 'AbortError';
        reject(aborted && signal ? abortError(signal) : e);
      },
    );
  });
}

/** The promise twin of a function written as `fooWith(n, ...args)`. */
export function twin<R>(fn: string, impl: With<R>, optionsIndex: number): (...args: unknown[]) => Promise<Awaited<R>> {
  return (...args: unknown[]) => runAsync(fn, impl, args, optionsIndex).then((s) => s.value);
}
