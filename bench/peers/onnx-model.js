'use strict';
// A minimal protobuf writer for the handful of ONNX messages the bench needs (ModelProto, GraphProto,
// NodeProto, AttributeProto, ValueInfoProto, TypeProto). Written against onnx/onnx.proto field numbers
// so the bench carries no protobuf dependency; only what it emits is supported.

const DTYPE = { float32: 1, int32: 6, int64: 7, float64: 11 };
const ATTR = { INT: 2, INTS: 7 };

function varint(value) {
  // int64 on the wire: negative numbers are 10-byte two's complement.
  let v = BigInt.asUintN(64, BigInt(value));
  const out = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return Buffer.from(out);
}

const key = (field, wire) => varint((field << 3) | wire);
const int = (field, value) => Buffer.concat([key(field, 0), varint(value)]);
const bytes = (field, buf) => Buffer.concat([key(field, 2), varint(buf.length), buf]);
const str = (field, s) => bytes(field, Buffer.from(s, 'utf8'));
const msg = (field, parts) => bytes(field, Buffer.concat(parts));

function attribute(name, value) {
  if (Array.isArray(value)) {
    return [str(1, name), ...value.map((v) => int(8, v)), int(20, ATTR.INTS)];
  }
  if (typeof value === 'number' && Number.isInteger(value)) {
    return [str(1, name), int(3, value), int(20, ATTR.INT)];
  }
  throw new TypeError(`onnx-model: unsupported attribute ${name}`);
}

// dims: array of integers (fixed) or strings (symbolic); null means shape unknown.
function valueInfo(field, { name, type, dims }) {
  const tensorType = [int(1, DTYPE[type])];
  if (dims) {
    const dimMsgs = dims.map((d) => msg(1, [typeof d === 'string' ? str(2, d) : int(1, d)]));
    tensorType.push(msg(2, dimMsgs));
  }
  return msg(field, [str(1, name), msg(2, [msg(1, tensorType)])]);
}

function node({ op, inputs, outputs, attrs = {} }, index) {
  const parts = [
    ...inputs.map((n) => str(1, n)),
    ...outputs.map((n) => str(2, n)),
    str(3, `${op}_${index}`),
    str(4, op),
  ];
  for (const [name, value] of Object.entries(attrs)) parts.push(msg(5, attribute(name, value)));
  return msg(1, parts);
}

/**
 * Serialise a single-graph ONNX model.
 * @param {{nodes: object[], inputs: object[], outputs: object[], opset?: number, name?: string}} g
 * @returns {Uint8Array} bytes accepted by InferenceSession.create
 */
function buildModel({ nodes, inputs, outputs, opset = 17, name = 'bench' }) {
  const graph = [
    ...nodes.map(node),
    str(2, name),
    ...inputs.map((v) => valueInfo(11, v)),
    ...outputs.map((v) => valueInfo(12, v)),
  ];
  const model = Buffer.concat([
    int(1, 8), // ir_version 8 (ONNX 1.10+), understood by every recent runtime
    str(2, 'losskit-bench'),
    msg(7, graph),
    msg(8, [str(1, ''), int(2, opset)]),
  ]);
  return new Uint8Array(model.buffer, model.byteOffset, model.length);
}

module.exports = { buildModel };
