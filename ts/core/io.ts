// Bytes in and out in any runtime: file paths and file: URLs through node:fs (Node, Deno, Bun),
// everything else through fetch; gzip and zlib through the web streams where present, else node:zlib.
// Node modules are imported through a variable specifier so browser bundles never pull them in.

export type ByteSource = URL | string | ArrayBuffer | ArrayBufferView;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function nodeModule(specifier: string): Promise<any> {
  return import(/* @vite-ignore */ specifier);
}

const hasFileSystem = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';
const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

export function asBytes(source: ArrayBuffer | ArrayBufferView): Uint8Array {
  return source instanceof ArrayBuffer ? new Uint8Array(source) : new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
}

/** The bytes of a buffer, a URL, or a string: a file path where there is a file system, else a URL. */
export async function readBytes(source: ByteSource): Promise<Uint8Array> {
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) return asBytes(source);
  const isPath = typeof source === 'string' && hasFileSystem && (!SCHEME.test(source) || /^[a-z]:[\\/]/i.test(source));
  const url = isPath ? null : new URL(source, (globalThis as { location?: { href: string } }).location?.href);
  if (!url || url.protocol === 'file:') {
    const fs = await nodeModule('node:fs/promises');
    return new Uint8Array(await fs.readFile(url ?? source));
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`convkit: could not fetch ${url.href}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

async function throughStream(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Blob([bytes as BlobPart]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(out).arrayBuffer());
}

/** Inflates a gzip stream; rejects on corrupt or truncated input. */
export async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  if (typeof DecompressionStream === 'function') return throughStream(bytes, new DecompressionStream('gzip'));
  const zlib = await nodeModule('node:zlib');
  return new Uint8Array(zlib.gunzipSync(bytes));
}

/** A zlib stream (RFC 1950), as PNG's IDAT wants. */
export async function deflate(bytes: Uint8Array): Promise<Uint8Array> {
  if (typeof CompressionStream === 'function') return throughStream(bytes, new CompressionStream('deflate'));
  const zlib = await nodeModule('node:zlib');
  return new Uint8Array(zlib.deflateSync(bytes));
}
