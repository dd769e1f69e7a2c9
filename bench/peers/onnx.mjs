// A minimal ONNX writer for the benchmark suite: encodes a ModelProto (protobuf wire format, the
// fields of onnx/onnx.proto the suite needs) from plain JavaScript, so onnxruntime-web runs the same
// graphs with the same weights as convkit and no Python or .onnx files are needed.
// Layout: ONNX Conv is NCHW with weights (M, C/group, kH, kW); the builders take convkit's NHWC data
// and HWIO filters and transpose the weights, so callers only transpose activations.
// Portable: no node: imports (it runs in every runtime of the suite).

const WIRE_VARINT = 0;
const WIRE_FIXED32 = 5;
const WIRE_BYTES = 2;

const FLOAT = 1; // TensorProto.DataType and TypeProto.Tensor.elem_type
const ATTR = { FLOAT: 1, INT: 2, STRING: 3, INTS: 7 };
const IR_VERSION = 8;
const OPSET = 17;

const utf8 = new TextEncoder();

/** Bytes of a protobuf message, built field by field. */
class Message {
  constructor() {
    this.parts = [];
  }

  varint(value) {
    let v = BigInt.asUintN(64, BigInt(value));
    const out = [];
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v) byte |= 0x80;
      out.push(byte);
    } while (v);
    this.parts.push(Uint8Array.from(out));
    return this;
  }

  key(field, wire) {
    return this.varint((field << 3) | wire);
  }

  int(field, value) {
    return this.key(field, WIRE_VARINT).varint(value);
  }

  float(field, value) {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.key(field, WIRE_FIXED32).parts.push(bytes);
    return this;
  }

  bytes(field, value) {
    this.key(field, WIRE_BYTES).varint(value.length).parts.push(value);
    return this;
  }

  string(field, value) {
    return this.bytes(field, utf8.encode(value));
  }

  message(field, message) {
    return this.bytes(field, message.finish());
  }

  finish() {
    const out = new Uint8Array(this.parts.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const p of this.parts) {
      out.set(p, offset);
      offset += p.length;
    }
    return out;
  }
}

function attribute(name, value) {
  const m = new Message().string(1, name);
  if (Array.isArray(value)) {
    for (const v of value) m.int(8, v);
    return m.int(20, ATTR.INTS);
  }
  if (typeof value === 'string') return m.bytes(4, utf8.encode(value)).int(20, ATTR.STRING);
  if (Number.isInteger(value)) return m.int(3, value).int(20, ATTR.INT);
  return m.float(2, value).int(20, ATTR.FLOAT);
}

/** A float32 initializer: TensorProto with dims and raw_data (little-endian). */
function tensorProto(name, dims, values) {
  const m = new Message();
  for (const d of dims) m.int(1, d);
  const data = Float32Array.from(values);
  return m.int(2, FLOAT).string(8, name).bytes(9, new Uint8Array(data.buffer));
}

function valueInfo(name, dims) {
  const shape = new Message();
  for (const d of dims) shape.message(1, new Message().int(1, d));
  const tensorType = new Message().int(1, FLOAT).message(2, shape);
  return new Message().string(1, name).message(2, new Message().message(1, tensorType));
}

/**
 * A ModelProto. graph: { nodes: [{ op, inputs, outputs, attributes }], initializers: [{ name,
 * dims, values }], inputs / outputs: [{ name, dims }] }.
 */
export function encodeModel({ name = 'convkit-bench', nodes, initializers = [], inputs, outputs }) {
  const graph = new Message();
  nodes.forEach((node, i) => {
    const m = new Message();
    for (const input of node.inputs) m.string(1, input);
    for (const output of node.outputs) m.string(2, output);
    m.string(3, `${node.op.toLowerCase()}_${i}`).string(4, node.op);
    for (const [key, value] of Object.entries(node.attributes ?? {})) m.message(5, attribute(key, value));
    graph.message(1, m);
  });
  graph.string(2, name);
  for (const init of initializers) graph.message(5, tensorProto(init.name, init.dims, init.values));
  for (const input of inputs) graph.message(11, valueInfo(input.name, input.dims));
  for (const output of outputs) graph.message(12, valueInfo(output.name, output.dims));
  return new Message()
    .int(1, IR_VERSION)
    .string(2, 'convkit bench/peers/onnx.mjs')
    .message(7, graph)
    .message(8, new Message().string(1, '').int(2, OPSET))
    .finish();
}

/** Transposes a dense row-major array of `shape` by `perm`. */
export function transpose(values, shape, perm) {
  const outShape = perm.map((p) => shape[p]);
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const permStrides = perm.map((p) => strides[p]);
  const out = new Float32Array(values.length);
  const rank = shape.length;
  const index = new Array(rank).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let d = 0; d < rank; d++) src += index[d] * permStrides[d];
    out[o] = values[src];
    for (let d = rank - 1; d >= 0; d--) {
      if (++index[d] < outShape[d]) break;
      index[d] = 0;
    }
  }
  return out;
}

export const nhwcToNchw = (values, [n, h, w, c]) => transpose(values, [n, h, w, c], [0, 3, 1, 2]);
export const nchwToNhwc = (values, [n, c, h, w]) => transpose(values, [n, c, h, w], [0, 2, 3, 1]);

/** TensorFlow's padding as ONNX pads for one spatial axis: [begin, end]. */
export function tfPads(inSize, kernel, stride, padding) {
  if (padding !== 'same') return [0, 0];
  const out = Math.ceil(inSize / stride);
  const total = Math.max((out - 1) * stride + kernel - inSize, 0);
  return [total >> 1, total - (total >> 1)];
}

function convAttributes({ x: [, h, w], filter: [kh, kw], padding, strides = 1 }, group) {
  const [top, bottom] = tfPads(h, kh, strides, padding);
  const [left, right] = tfPads(w, kw, strides, padding);
  return { kernel_shape: [kh, kw], strides: [strides, strides], pads: [top, left, bottom, right], group };
}

function convOutputDims({ x: [n, h, w], filter: [kh, kw], padding, strides = 1 }, channels) {
  const size = (s, k) => (padding === 'same' ? Math.ceil(s / strides) : Math.floor((s - k) / strides) + 1);
  return [n, channels, size(h, kh), size(w, kw)];
}

/** One Conv node (NCHW in and out) for a bench/shapes.mjs conv2d row and its HWIO filter values. */
export function conv2dModel(shape, filterValues) {
  const [n, h, w, cin] = shape.x;
  const [kh, kw, , cout] = shape.filter;
  return encodeModel({
    nodes: [{ op: 'Conv', inputs: ['x', 'w'], outputs: ['y'], attributes: convAttributes(shape, 1) }],
    initializers: [{ name: 'w', dims: [cout, cin, kh, kw], values: transpose(filterValues, shape.filter, [3, 2, 0, 1]) }],
    inputs: [{ name: 'x', dims: [n, cin, h, w] }],
    outputs: [{ name: 'y', dims: convOutputDims(shape, cout) }],
  });
}

/** Depthwise conv (multiplier 1) as Conv with group = channels, for a DEPTHWISE_SHAPES row. */
export function depthwiseModel(shape, filterValues) {
  const [n, h, w, c] = shape.x;
  const [kh, kw, , m] = shape.filter;
  if (m !== 1) throw new Error('depthwiseModel: channel multiplier 1 only');
  return encodeModel({
    nodes: [{ op: 'Conv', inputs: ['x', 'w'], outputs: ['y'], attributes: convAttributes(shape, c) }],
    // (kh, kw, c, 1) -> (c, 1, kh, kw)
    initializers: [{ name: 'w', dims: [c, 1, kh, kw], values: transpose(filterValues, shape.filter, [2, 3, 0, 1]) }],
    inputs: [{ name: 'x', dims: [n, c, h, w] }],
    outputs: [{ name: 'y', dims: convOutputDims(shape, c) }],
  });
}

/**
 * The small CNN (bench/smallcnn.mjs) for NCHW input (batch, 1, 28, 28), returning logits (batch,
 * 10). weights: conv1, bias1, conv2, bias2, dense1, bias3, dense2, bias4 as { name, shape, values }
 * in convkit's layouts. dense1's rows are reordered from NHWC to NCHW flattening order, so the graph
 * needs no Transpose and computes the same function.
 */
export function smallCnnModel(weights, batch) {
  const byName = Object.fromEntries(weights.map((w) => [w.name, w]));
  const { conv1, bias1, conv2, bias2, dense1, bias3, dense2, bias4 } = byName;
  const pool = { kernel_shape: [2, 2], strides: [2, 2] };
  const same3 = { kernel_shape: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1] };
  const [, , c2in, c2out] = conv2.shape;
  // dense1 rows are (h, w, c) flattened; ONNX's Flatten of NCHW gives (c, h, w).
  const dense1Nchw = transpose(dense1.values, [7, 7, c2out, dense1.shape[1]], [2, 0, 1, 3]);
  return encodeModel({
    name: 'small_cnn',
    nodes: [
      { op: 'Conv', inputs: ['x', 'conv1', 'bias1'], outputs: ['c1'], attributes: same3 },
      { op: 'Relu', inputs: ['c1'], outputs: ['r1'] },
      { op: 'MaxPool', inputs: ['r1'], outputs: ['p1'], attributes: pool },
      { op: 'Conv', inputs: ['p1', 'conv2', 'bias2'], outputs: ['c2'], attributes: same3 },
      { op: 'Relu', inputs: ['c2'], outputs: ['r2'] },
      { op: 'MaxPool', inputs: ['r2'], outputs: ['p2'], attributes: pool },
      { op: 'Flatten', inputs: ['p2'], outputs: ['f'], attributes: { axis: 1 } },
      { op: 'Gemm', inputs: ['f', 'dense1', 'bias3'], outputs: ['d1'] },
      { op: 'Relu', inputs: ['d1'], outputs: ['r3'] },
      { op: 'Gemm', inputs: ['r3', 'dense2', 'bias4'], outputs: ['logits'] },
    ],
    initializers: [
      { name: 'conv1', dims: [conv1.shape[3], conv1.shape[2], 3, 3], values: transpose(conv1.values, conv1.shape, [3, 2, 0, 1]) },
      { name: 'bias1', dims: bias1.shape, values: bias1.values },
      { name: 'conv2', dims: [c2out, c2in, 3, 3], values: transpose(conv2.values, conv2.shape, [3, 2, 0, 1]) },
      { name: 'bias2', dims: bias2.shape, values: bias2.values },
      { name: 'dense1', dims: dense1.shape, values: dense1Nchw },
      { name: 'bias3', dims: bias3.shape, values: bias3.values },
      { name: 'dense2', dims: dense2.shape, values: dense2.values },
      { name: 'bias4', dims: bias4.shape, values: bias4.values },
    ],
    inputs: [{ name: 'x', dims: [batch, 1, 28, 28] }],
    outputs: [{ name: 'logits', dims: [batch, dense2.shape[1]] }],
  });
}
