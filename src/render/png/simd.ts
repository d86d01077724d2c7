/**
 * The PNG filters' WebAssembly SIMD kernels (source: filters.wat, compiled into filtersWasm.ts by
 * `npm run build:wasm`), instantiated once per thread where the runtime has WebAssembly SIMD: Node, worker
 * threads, and browser workers (Chromium, Firefox, Safari 16.4+). Paeth costs ~0.25 ms per 512x512 RGBA token
 * here against 4-5 ms in JavaScript. filters.ts decides when to use them and falls back to JavaScript.
 */
import { FILTERS_WASM } from "./filtersWasm.js";

/** Rows shorter than this are filtered in JavaScript (the kernels need 16 bytes after the first pixel). */
export const SIMD_MIN_ROW_BYTES = 32;

const WASM_PAGE_BYTES = 65536;

/**
 * The part of the WebAssembly API used here. The Node build's TypeScript libs (ES2023 and @types/node 20) do
 * not declare WebAssembly, so it is typed locally and read off globalThis, the same in Node and in a worker.
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  readonly Memory: new (descriptor: { initial: number }) => WasmMemory;
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object, imports: object) => { readonly exports: object };
}

/** One filter over a row: byte offsets into the kernels' memory (see filters.wat). Writes out[bpp or 0, n). */
export type SimdFilter = (cur: number, prior: number, out: number, n: number, bpp: number) => void;

export interface SimdKernels {
  readonly memory: WasmMemory;
  readonly sub: SimdFilter;
  readonly up: SimdFilter;
  readonly avg: SimdFilter;
  readonly paeth: SimdFilter;
  /** Sum of |int8| over memory[ptr, ptr + n): the adaptive filter's score. */
  readonly sad: (ptr: number, n: number) => number;
}

/** undefined: not tried yet; null: this runtime has no WebAssembly SIMD. */
let kernels: SimdKernels | null | undefined;

/** The kernels of this thread, instantiated on first use; undefined where WebAssembly or its SIMD is missing. */
export function simdKernels(): SimdKernels | undefined {
  if (kernels === undefined) kernels = instantiateKernels();
  return kernels ?? undefined;
}

function instantiateKernels(): SimdKernels | null {
  // `node --jitless` has no WebAssembly; an engine without SIMD fails validation.
  const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
  if (wasm === undefined) return null;
  if (!wasm.validate(FILTERS_WASM)) return null;
  const memory = new wasm.Memory({ initial: 1 });
  const { exports } = new wasm.Instance(new wasm.Module(FILTERS_WASM), { env: { memory } });
  return { memory, ...(exports as unknown as Omit<SimdKernels, "memory">) };
}

/** A view of the kernels' whole memory, grown to at least `length` bytes (growing detaches older views). */
export function kernelMemory(k: { readonly memory: WasmMemory }, length: number): Uint8Array {
  const have = k.memory.buffer.byteLength;
  if (length > have) k.memory.grow(Math.ceil((length - have) / WASM_PAGE_BYTES));
  return new Uint8Array(k.memory.buffer);
}
