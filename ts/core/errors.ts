// Typed errors. Each names the op, the argument, what was expected and what was received, and is
// raised before any kernel runs, so the runtime stays usable after it.

export class ConvkitError extends Error {
  readonly op: string;
  constructor(op: string, message: string) {
    super(`${op}: ${message}`);
    this.name = new.target.name;
    this.op = op;
  }
}

/** A tensor's shape or rank does not fit the op. */
export class ShapeError extends ConvkitError {}
/** A tensor's dtype does not fit the op. */
export class DTypeError extends ConvkitError {}
/** A tensor was used after dispose(). */
export class DisposedError extends ConvkitError {}
/** WebAssembly memory could not grow to hold a tensor or a kernel's scratch space. */
export class OutOfMemoryError extends ConvkitError {}
/** An option has a value outside what the op accepts (a stride of 0, an unknown padding ...). */
export class ValueError extends ConvkitError {}
/** The library was used before `await init()`. */
export class NotInitializedError extends ConvkitError {}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

export function expectation(argument: string, expected: string, received: string): string {
  return `argument '${argument}' expected ${expected}, received ${received}`;
}

/** A data file (IDX ...) is malformed: bad magic, unknown type code, wrong dims, truncated. */
export class DataFormatError extends ConvkitError {}
