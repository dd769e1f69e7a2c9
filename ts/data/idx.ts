// IDX, the MNIST family's format: bytes 0-1 zero, byte 2 a type code, byte 3 the rank, then one
// big-endian u32 per dimension, then the values row-major and big-endian. parseIdx checks every
// field and the exact length before reading; readIdx also loads and gunzips.
import { DataFormatError, ValueError, expectation, formatShape } from '../core/errors.js';
import { gunzip, isGzip, readBytes } from '../core/io.js';
import type { ByteSource } from '../core/io.js';

export type IdxDType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxArray {
  dtype: IdxDType;
  shape: number[];
  data: IdxData;
}

/** What the caller requires of a file; null in a shape matches any size. */
export interface IdxExpectation {
  dtype?: IdxDType;
  shape?: readonly (number | null)[];
}

export interface ReadIdxOptions extends IdxExpectation {
  /** How errors name the data; default: the path or URL, or 'bytes'. */
  name?: string;
}

type Accessor = 'Uint8' | 'Int8' | 'Int16' | 'Int32' | 'Float32' | 'Float64';

interface IdxType {
  code: number;
  dtype: IdxDType;
  bytes: number;
  array: { new (length: number): IdxData; new (buffer: ArrayBuffer): IdxData };
  /** DataView's getX / setX for one big-endian value. */
  accessor: Accessor;
}

const TYPES: readonly IdxType[] = [
  { code: 0x08, dtype: 'uint8', bytes: 1, array: Uint8Array, accessor: 'Uint8' },
  { code: 0x09, dtype: 'int8', bytes: 1, array: Int8Array, accessor: 'Int8' },
  { code: 0x0b, dtype: 'int16', bytes: 2, array: Int16Array, accessor: 'Int16' },
  { code: 0x0c, dtype: 'int32', bytes: 4, array: Int32Array, accessor: 'Int32' },
  { code: 0x0d, dtype: 'float32', bytes: 4, array: Float32Array, accessor: 'Float32' },
  { code: 0x0e, dtype: 'float64', bytes: 8, array: Float64Array, accessor: 'Float64' },
];

const hex = (bytes: ArrayLike<number>) => Array.from(bytes, (b) => `0x${b.toString(16).padStart(2, '0')}`).join(' ');
const shapeText = (shape: readonly (number | null)[]) => formatShape(shape.map((d) => (d === null ? '*' : d)) as number[]);

function formatError(op: string, name: string, expected: string, received: string): DataFormatError {
  return new DataFormatError(op, `argument 'source' (${name}) expected ${expected}, received ${received}`);
}

function header(op: string, bytes: Uint8Array, name: string): { type: IdxType; shape: number[]; offset: number } {
  if (bytes.length < 4) throw formatError(op, name, 'an IDX header of at least 4 bytes', `${bytes.length} bytes (truncated)`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const hint = isGzip(bytes) ? ' (gzip data: use readIdx, which gunzips)' : '';
    throw formatError(op, name, 'magic bytes 0x00 0x00', `${hex(bytes.subarray(0, 2))}${hint}`);
  }
  const type = TYPES.find((t) => t.code === bytes[2]);
  if (!type) throw formatError(op, name, `a type code in ${hex(TYPES.map((t) => t.code))}`, hex([bytes[2]!]));
  const rank = bytes[3]!;
  if (rank === 0) throw formatError(op, name, 'at least 1 dimension', '0');
  const offset = 4 + 4 * rank;
  if (bytes.length < offset) throw formatError(op, name, `a header of ${offset} bytes for rank ${rank}`, `${bytes.length} bytes (truncated)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  return { type, shape, offset };
}

function checkExpectation(op: string, name: string, dtype: IdxDType, shape: number[], expected: IdxExpectation): void {
  if (expected.dtype && expected.dtype !== dtype) throw formatError(op, name, `dtype ${expected.dtype}`, dtype);
  const want = expected.shape;
  if (want && (want.length !== shape.length || want.some((d, i) => d !== null && d !== shape[i]))) {
    throw formatError(op, name, `dims ${shapeText(want)}`, formatShape(shape));
  }
}

/** A fresh array of `size` big-endian values (a copy: it never aliases the input). */
function values(bytes: Uint8Array, type: IdxType, size: number): IdxData {
  if (type.bytes === 1) return new type.array(bytes.slice(0, size).buffer as ArrayBuffer);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const get = view[`get${type.accessor}`].bind(view) as (offset: number, littleEndian: boolean) => number;
  const out = new type.array(size);
  for (let i = 0; i < size; i++) out[i] = get(i * type.bytes, false);
  return out;
}

/** Decodes raw (not gzipped) IDX bytes into a fresh array; throws DataFormatError on any defect. */
export function parseIdx(bytes: Uint8Array, options: ReadIdxOptions = {}): IdxArray {
  return decode('parseIdx', bytes, options.name ?? 'bytes', options);
}

function decode(op: string, bytes: Uint8Array, name: string, options: IdxExpectation): IdxArray {
  const { type, shape, offset } = header(op, bytes, name);
  checkExpectation(op, name, type.dtype, shape, options);
  const size = shape.reduce((a, b) => a * b, 1);
  const length = offset + size * type.bytes;
  if (bytes.length !== length) {
    const defect = bytes.length < length ? 'truncated' : 'trailing bytes';
    throw formatError(op, name, `${length} bytes for ${type.dtype} ${formatShape(shape)}`, `${bytes.length} bytes (${defect})`);
  }
  return { dtype: type.dtype, shape, data: values(bytes.subarray(offset), type, size) };
}

/** Encodes an array as raw IDX bytes (gzip them with your own tools if wanted). */
export function encodeIdx(array: IdxArray): Uint8Array {
  const op = 'encodeIdx';
  const type = TYPES.find((t) => t.dtype === array.dtype);
  if (!type) throw new ValueError(op, expectation('array.dtype', TYPES.map((t) => t.dtype).join(' | '), String(array.dtype)));
  const { shape, data } = array;
  const size = shape.reduce((a, b) => a * b, 1);
  if (shape.length < 1 || shape.length > 255 || shape.some((d) => !Number.isInteger(d) || d < 0 || d > 0xffff_ffff) || size !== data.length) {
    throw new ValueError(op, expectation('array.shape', `1 to 255 dims holding data.length = ${data.length} values`, formatShape(shape)));
  }
  const offset = 4 + 4 * shape.length;
  const bytes = new Uint8Array(offset + size * type.bytes);
  const view = new DataView(bytes.buffer);
  bytes[2] = type.code;
  bytes[3] = shape.length;
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  const set = view[`set${type.accessor}`].bind(view) as (offset: number, value: number, littleEndian: boolean) => void;
  for (let i = 0; i < size; i++) set(offset + i * type.bytes, data[i]!, false);
  return bytes;
}

function nameOf(source: ByteSource): string {
  if (source instanceof URL) return source.href;
  return typeof source === 'string' ? source : 'bytes';
}

/**
 * Reads an IDX file, gzipped or raw (told apart by the gzip magic), from a Node Buffer, a Uint8Array
 * or ArrayBuffer, a file path (Node, Deno, Bun) or a URL (fetched; file: URLs read from disk).
 */
export async function readIdx(source: ByteSource, options: ReadIdxOptions = {}): Promise<IdxArray> {
  const name = options.name ?? nameOf(source);
  let bytes = await readBytes(source);
  if (isGzip(bytes)) {
    try {
      bytes = await gunzip(bytes);
    } catch (error) {
      throw formatError('readIdx', name, 'a complete gzip stream', `corrupt or truncated gzip data (${(error as Error).message})`);
    }
  }
  return decode('readIdx', bytes, name, options);
}
