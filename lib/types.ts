/** A floating-point input: float32 or float64 typed array, or a plain number[] (treated as float64). */
export type FloatArray = Float32Array | Float64Array;
export type FloatInput = FloatArray | readonly number[];
/** Integer class labels. */
export type IntArray = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array;
export type LabelInput = IntArray | readonly number[];
export type Reduction = 'mean' | 'sum' | 'none';
export type InputKind = 'logits' | 'probabilities' | 'log-probabilities';

export interface Backend {
  /** The instruction set the kernels run with. */
  isa: 'avx512' | 'avx2' | 'sse2' | 'neon' | 'scalar';
  /** The best instruction set this CPU offers (LOSSKIT_ISA may force a lower one). */
  best: string;
  /** Every instruction set this build can run here, best first. */
  supported: string[];
  /** The LOSSKIT_ISA value in force, if any. */
  requested: string | undefined;
  /** N-API version the addon was built against. */
  napi: number;
}
