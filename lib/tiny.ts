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
  /** [n, k, flags (1: float64), status (1: done), result, ...] */
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

/**
 * Copies x[0, len) into the staging area (len within its capacity for x's type), as float64 when
 * f64. Runs no user code: callers do their checks (instanceof, option getters) first, so nothing
 * can re-enter and overwrite the area between this copy and the native call.
 */
export function stageFloats(t: TinyArea, x: Float32Array | Float64Array, len: number, f64: boolean): void {
  const d = f64 ? t.x64 : t.x32;
  for (let i = 0; i < len; i++) d[i] = x[i];
}
