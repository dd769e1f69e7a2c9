// Tensor: a shape, a dtype and storage in wasm memory. Ownership is explicit: dispose() frees at
// once, tidy() frees what a function made and did not return; a FinalizationRegistry frees what
// was dropped unreachable, as a safety net only.
import { DisposedError, DTypeError, ShapeError, ValueError, expectation, formatShape } from './errors.js';
import { getHeap } from './wasm.js';

export type DType = 'float32' | 'int32';
export type TypedArray = Float32Array | Int32Array;
export type Shape = readonly number[];

const BYTES_PER_ELEMENT = 4;

interface Storage {
  ptr: number;
  bytes: number;
  /** A packed copy of the values that an op keeps for reuse (a convolution's filter), freed with them. */
  packed: PackedCopy | null;
}

interface PackedCopy {
  ptr: number;
  bytes: number;
  /** What the buffer holds (the tensor's write count and the op's key), or null while it is being filled. */
  key: string | null;
}

const live = { tensors: 0, bytes: 0, packedBytes: 0 };
let nextSerial = 0;
const scopes: Set<Tensor>[] = [];
/** Tensors a gradient computation still needs: tidy() hands them to the enclosing scope. */
const pinned = new Set<Tensor>();

export function pin(t: Tensor): void {
  pinned.add(t);
}

export function unpin(t: Tensor): void {
  pinned.delete(t);
}

function release(storage: Storage): void {
  getHeap('dispose').free(storage.ptr, storage.bytes);
  live.tensors -= 1;
  live.bytes -= storage.bytes;
  releasePacked(storage);
}

function releasePacked(storage: Storage): void {
  if (!storage.packed) return;
  getHeap('dispose').free(storage.packed.ptr, storage.packed.bytes);
  live.packedBytes -= storage.packed.bytes;
  storage.packed = null;
}

const collected = new FinalizationRegistry<Storage>(release);

export function sizeOf(shape: Shape): number {
  return shape.reduce((a, b) => a * b, 1);
}

export class Tensor {
  readonly shape: Shape;
  readonly dtype: DType;
  readonly size: number;
  private storage: Storage | null;
  /** Unique per tensor, never reused: with `writes`, it names these exact values in cache keys. */
  private readonly serial = nextSerial++;
  /** In-place writes so far (Variable.assign, optimizer updates): a packed copy made before one is stale. */
  private writes = 0;

  /** Allocates uninitialised storage; ops fill it. Use tensor(), zeros() ... to make tensors. */
  constructor(shape: Shape, dtype: DType, op = 'tensor') {
    validateShape(op, 'shape', shape);
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    this.size = sizeOf(shape);
    const bytes = this.size * BYTES_PER_ELEMENT;
    this.storage = { ptr: getHeap(op).alloc(bytes, op), bytes, packed: null };
    live.tensors += 1;
    live.bytes += bytes;
    collected.register(this, this.storage, this);
    scopes[scopes.length - 1]?.add(this);
  }

  get rank(): number {
    return this.shape.length;
  }

  get isDisposed(): boolean {
    return this.storage === null;
  }

  /** The byte offset of the data in wasm memory, for ops. Throws if disposed. */
  pointer(op: string, argument: string): number {
    if (!this.storage) throw new DisposedError(op, `argument '${argument}' is a disposed tensor of shape ${formatShape(this.shape)}`);
    return this.storage.ptr;
  }

  /** The byte offset for a kernel that overwrites the values in place: counts a write, so packed copies go stale. */
  writePointer(op: string, argument: string): number {
    const ptr = this.pointer(op, argument);
    this.writes += 1;
    return ptr;
  }

  /** Names these values as they are now (for another tensor's packed-copy key). */
  valuesKey(): string {
    return `${this.serial}.${this.writes}`;
  }

  /**
   * Runs `kernel` with the buffer of `bytes` kept with this tensor for a packed form of its values, and
   * whether the buffer already holds that form of the current values. `key` names everything else the
   * form depends on. A kernel that succeeds (status 0) leaves the form there for the next call.
   */
  withPackedCopy(op: string, key: string, bytes: number, kernel: (ptr: number, ready: boolean) => number): number {
    const storage = this.storage;
    if (!storage) throw new DisposedError(op, `a disposed tensor of shape ${formatShape(this.shape)} has no packed copy`);
    if (storage.packed?.bytes !== bytes) {
      releasePacked(storage);
      storage.packed = { ptr: getHeap(op).alloc(bytes, op), bytes, key: null };
      live.packedBytes += bytes;
    }
    const packed = storage.packed!;
    const full = `${this.writes}|${key}`;
    const ready = packed.key === full;
    if (!ready) packed.key = null;
    const status = kernel(packed.ptr, ready);
    if (status === 0) packed.key = full;
    return status;
  }

  /** A copy of the values. */
  dataSync(): TypedArray {
    const heap = getHeap('dataSync');
    const ptr = this.pointer('dataSync', 'this');
    const view = this.dtype === 'float32' ? heap.f32(ptr, this.size) : heap.i32(ptr, this.size);
    return view.slice();
  }

  async data(): Promise<TypedArray> {
    return this.dataSync();
  }

  dispose(): void {
    if (!this.storage) return;
    collected.unregister(this);
    release(this.storage);
    this.storage = null;
    for (const scope of scopes) scope.delete(this);
  }

  toString(): string {
    return `Tensor(${formatShape(this.shape)}, ${this.dtype}${this.isDisposed ? ', disposed' : ''})`;
  }
}

function validateShape(op: string, argument: string, shape: Shape): void {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ShapeError(op, expectation(argument, 'an array of non-negative integers', JSON.stringify(shape)));
  }
}

function validateDType(op: string, dtype: unknown): DType {
  if (dtype !== 'float32' && dtype !== 'int32') {
    throw new DTypeError(op, expectation('dtype', "'float32' or 'int32'", String(dtype)));
  }
  return dtype;
}

type Nested = number | readonly Nested[];

function inferShape(values: Nested): number[] {
  const shape: number[] = [];
  let level: Nested = values;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0] as Nested;
  }
  return shape;
}

/** Writes values into a fresh tensor's storage. */
function fill(t: Tensor, values: ArrayLike<number>): Tensor {
  const heap = getHeap('tensor');
  const ptr = t.pointer('tensor', 'values');
  (t.dtype === 'float32' ? heap.f32(ptr, t.size) : heap.i32(ptr, t.size)).set(values);
  return t;
}

/**
 * A tensor from values: a flat array or typed array with a shape, or nested arrays whose nesting
 * gives the shape. float32 unless a dtype is given (an Int32Array implies 'int32').
 */
export function tensor(values: Nested | TypedArray, shape?: Shape, dtype?: DType): Tensor {
  const op = 'tensor';
  const type = validateDType(op, dtype ?? (values instanceof Int32Array ? 'int32' : 'float32'));
  const flat: ArrayLike<number> =
    ArrayBuffer.isView(values) ? values : Array.isArray(values) ? (values as unknown[]).flat(Infinity) as number[] : [values as number];
  const finalShape = shape ?? (ArrayBuffer.isView(values) ? [values.length] : inferShape(values as Nested));
  validateShape(op, 'shape', finalShape);
  if (sizeOf(finalShape) !== flat.length) {
    throw new ShapeError(op, expectation('values', `${sizeOf(finalShape)} values for shape ${formatShape(finalShape)}`, `${flat.length}`));
  }
  for (let i = 0; i < flat.length; i++) {
    if (typeof flat[i] !== 'number') throw new ValueError(op, expectation('values', 'numbers', `${typeof flat[i]} at index ${i}`));
  }
  return fill(new Tensor(finalShape, type, op), flat);
}

function filled(op: string, shape: Shape, value: number, dtype: DType): Tensor {
  const t = new Tensor(shape, validateDType(op, dtype), op);
  const heap = getHeap(op);
  const ptr = t.pointer(op, 'shape');
  (t.dtype === 'float32' ? heap.f32(ptr, t.size) : heap.i32(ptr, t.size)).fill(value);
  return t;
}

export function full(shape: Shape, value: number, dtype: DType = 'float32'): Tensor {
  return filled('full', shape, value, dtype);
}

export function zeros(shape: Shape, dtype: DType = 'float32'): Tensor {
  return filled('zeros', shape, 0, dtype);
}

export function ones(shape: Shape, dtype: DType = 'float32'): Tensor {
  return filled('ones', shape, 1, dtype);
}

/** mulberry32: a small, fast, seedable generator of uniform floats in [0, 1). */
export function uniformGenerator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RandomNormalOptions {
  mean?: number;
  stddev?: number;
  /** Same seed, same values, in every runtime. Default: Math.random. */
  seed?: number;
}

export function randomNormal(shape: Shape, options: RandomNormalOptions = {}): Tensor {
  const { mean = 0, stddev = 1, seed } = options;
  const uniform = seed === undefined ? Math.random : uniformGenerator(seed);
  validateShape('randomNormal', 'shape', shape);
  const values = new Float32Array(sizeOf(shape));
  for (let i = 0; i < values.length; i += 2) {
    // Box-Muller: two independent normals from two uniforms.
    const r = Math.sqrt(-2 * Math.log(1 - uniform()));
    const theta = 2 * Math.PI * uniform();
    values[i] = mean + stddev * r * Math.cos(theta);
    if (i + 1 < values.length) values[i + 1] = mean + stddev * r * Math.sin(theta);
  }
  return tensor(values, shape);
}

export interface MemoryInfo {
  /** Tensors allocated and not yet disposed. */
  numTensors: number;
  /** Bytes held by those tensors. */
  numBytes: number;
  /** Bytes of the packed filter copies that convolutions keep with their filters for reuse (freed with them). */
  packedBytes: number;
  /** Size of the wasm linear memory (it grows, it never shrinks). */
  wasmBytes: number;
}

export function memory(): MemoryInfo {
  return { numTensors: live.tensors, numBytes: live.bytes, packedBytes: live.packedBytes, wasmBytes: getHeap('memory').memoryBytes };
}

function collectTensors(value: unknown, into: Set<Tensor>): void {
  if (value instanceof Tensor) into.add(value);
  else if (Array.isArray(value)) for (const v of value) collectTensors(v, into);
  else if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) collectTensors(v, into);
  }
}

/**
 * Runs fn and disposes every tensor it created except those it returns (a tensor, or tensors
 * inside returned arrays and plain objects) and those passed to keep(). Returned tensors belong
 * to the enclosing scope. fn must be synchronous.
 */
export function tidy<T>(fn: () => T): T {
  const scope = new Set<Tensor>();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (error) {
    scopes.pop();
    closeScope(scope, new Set());
    throw error;
  }
  scopes.pop();
  if (result && typeof (result as { then?: unknown }).then === 'function') {
    closeScope(scope, new Set());
    throw new ValueError('tidy', expectation('fn', 'a synchronous function', 'a function that returned a Promise'));
  }
  const kept = new Set<Tensor>();
  collectTensors(result, kept);
  closeScope(scope, kept);
  return result;
}

/** Disposes a scope's tensors except those kept or pinned, which move to the enclosing scope. */
function closeScope(scope: Set<Tensor>, kept: Set<Tensor>): void {
  for (const t of scope) {
    if (kept.has(t) || pinned.has(t)) scopes[scopes.length - 1]?.add(t);
    else t.dispose();
  }
}

/** Exempts a tensor from the enclosing tidy() scopes. */
export function keep<T extends Tensor>(t: T): T {
  for (const scope of scopes) scope.delete(t);
  return t;
}
