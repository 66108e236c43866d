// The staging area for tiny calls (native/addon/tiny.cc). A typed array argument costs the addon
// two N-API queries, the element-type one alone ~50 ns on Node 20: for a 1×10 input that was half
// of the call. Small inputs are copied here instead (a few ns for ten values) and the addon is
// called with no arguments; it reads n, k and the float type from the header and checks them
// against its own capacities. The area is a SharedArrayBuffer because one cannot be detached: the
// addon keeps a pointer to it (see tiny.cc). Every copy of this module in a process (jest gives
// each test file its own) shares the one the addon holds: calls are synchronous, and nothing runs
// between a copy into the area and the native call that reads it.
import { native } from './binding';

export interface TinyArea {
  /** [n, k, flags (1: float64), status (1: done), result, -, -, staging count] */
  hdr: Float64Array;
  x32: Float32Array;
  x64: Float64Array;
  labels: Int32Array;
  out32: Float32Array;
  out64: Float64Array;
}

function create(): TinyArea | null {
  const layout = native.tinyLayout as Record<string, number> | undefined;
  // Without SharedArrayBuffer (some embedders remove it) the tiny calls take the usual paths.
  if (typeof SharedArrayBuffer !== 'function' || layout === undefined || typeof native.tinyInit !== 'function') return null;
  try {
    // The addon keeps the first area it is given and returns it to every later call.
    const held = native.tinyInit(new Float64Array(new SharedArrayBuffer(layout.bytes))) as Float64Array;
    const sab = held.buffer;
    return {
      hdr: new Float64Array(sab, 0, 8),
      x32: new Float32Array(sab, layout.x, layout.xBytes / 4),
      x64: new Float64Array(sab, layout.x, layout.xBytes / 8),
      labels: new Int32Array(sab, layout.labels, layout.labelCount),
      out32: new Float32Array(sab, layout.out, layout.outBytes / 4),
      out64: new Float64Array(sab, layout.out, layout.outBytes / 8),
    };
  } catch {
    return null;
  }
}

export const tiny: TinyArea | null = create();

// Header slot 7, which the addon never reads, counts stagings: every copy into the area bumps it
// first. A caller whose copy can run user code (an element getter of a plain array, or a Proxy of
// one, which may call losskit again and use the area) takes the mark its first copy returns and
// checks stagingIntact() after the last: a nested call in between changed the count, and the
// caller then takes the general path, which reads its arguments again.
const MARK = 7;

/** True when no other staging began since the one that returned `mark`. */
export function stagingIntact(t: TinyArea, mark: number): boolean {
  return t.hdr[MARK] === mark;
}

/**
 * Copies x[0, len) into the staging area (len within its capacity for x's type), as float64 when
 * f64. Runs no user code. Returns the staging mark (see stagingIntact).
 */
export function stageFloats(t: TinyArea, x: Float32Array | Float64Array, len: number, f64: boolean): number {
  const mark = ++t.hdr[MARK];
  const d = f64 ? t.x64 : t.x32;
  for (let i = 0; i < len; i++) d[i] = x[i];
  return mark;
}

/**
 * Copies a plain array's first len values into the area as float64 (len within its capacity),
 * or returns -1 at the first element that is not a number (the general path then reports it).
 * Element reads may run user code: the caller checks stagingIntact(mark) once it has copied all.
 */
export function stageNumbers(t: TinyArea, x: readonly unknown[], len: number): number {
  const mark = ++t.hdr[MARK];
  const d = t.x64;
  for (let i = 0; i < len; i++) {
    const v = x[i];
    if (typeof v !== 'number') return -1;
    d[i] = v;
  }
  return mark;
}
