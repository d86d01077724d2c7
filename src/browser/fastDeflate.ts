/**
 * A fast deflate (RFC 1951) for filtered PNG scanlines, in plain JS: the only matches it looks for are runs
 * at distance 1 (a byte repeated: what Up/Sub filtering makes of flat art) and at distance `bpp` (a pixel
 * repeated), like zlib's Z_RLE strategy, which the Node encoder's "balanced" preset also uses; each block of
 * symbols gets its own dynamic Huffman codes. No hash chains, so it runs several times faster than fflate's
 * level 1 at a similar size on composited tokens (docs/benchmarks.md, "Browser studio").
 *
 * Two implementations write the same bytes: the per-byte and per-symbol loops in WebAssembly (fastDeflate.wat,
 * compiled into fastDeflateWasm.ts by `npm run build:wasm`; used wherever WebAssembly runs), and the same loops in
 * TypeScript (the fallback, and the reference the tests compare the WebAssembly with). The block headers are
 * TypeScript in both.
 */
import { kernelMemory, simdKernels, type WasmApi, type WasmMemory } from "../render/png/simd.js";
import { FAST_DEFLATE_WASM } from "./fastDeflateWasm.js";

/** Symbols per Huffman block: small enough to follow the image, large enough to amortise the block header. */
const BLOCK_SYMBOLS = 1 << 15;
const MIN_MATCH = 3;
/** Symbols between reductions of the Adler-32 sums: at most 2048 * 258 bytes, so b stays below 2^53. */
const ADLER_REDUCE_SYMBOLS = 2048;
const MAX_MATCH = 258;
const MAX_BITS = 15;
const MAX_CODE_LENGTH_BITS = 7;
const END_OF_BLOCK = 256;
/** Order in which code-length code lengths are sent (RFC 1951 3.2.7). */
const CL_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

const LEN_CODE = new Uint16Array(MAX_MATCH + 1);
const LEN_EXTRA_BITS = new Uint8Array(MAX_MATCH + 1);
const LEN_EXTRA_VALUE = new Uint16Array(MAX_MATCH + 1);
(() => {
  const base = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
  const extra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
  for (let code = 0; code < base.length; code++) {
    const from = base[code]!;
    const to = code + 1 < base.length ? base[code + 1]! - 1 : 258;
    for (let len = from; len <= to && len <= MAX_MATCH; len++) {
      LEN_CODE[len] = 257 + code;
      LEN_EXTRA_BITS[len] = extra[code]!;
      LEN_EXTRA_VALUE[len] = len - from;
    }
  }
  // 258 has its own code (285) with no extra bits, not 284 + 31.
  LEN_CODE[258] = 285;
  LEN_EXTRA_BITS[258] = 0;
  LEN_EXTRA_VALUE[258] = 0;
})();

class BitWriter {
  buf: Uint8Array;
  pos = 0;
  private bits = 0;
  private count = 0;
  constructor(capacity: number) {
    this.buf = new Uint8Array(capacity);
  }
  put(value: number, length: number): void {
    this.bits |= value << this.count;
    this.count += length;
    while (this.count >= 8) {
      this.buf[this.pos++] = this.bits & 0xff;
      this.bits >>>= 8;
      this.count -= 8;
    }
  }
  ensure(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + bytes));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }
  flush(): void {
    if (this.count > 0) this.buf[this.pos++] = this.bits & 0xff;
    this.bits = 0;
    this.count = 0;
  }
  get pendingBits(): number {
    return this.bits;
  }
  get pendingCount(): number {
    return this.count;
  }
  /** Takes back the state a caller's inlined loop left (fewer than 16 pending bits). */
  restore(bits: number, count: number, pos: number): void {
    this.bits = bits;
    this.count = count;
    this.pos = pos;
    while (this.count >= 8) {
      this.buf[this.pos++] = this.bits & 0xff;
      this.bits >>>= 8;
      this.count -= 8;
    }
  }
  reset(): void {
    this.pos = 0;
    this.bits = 0;
    this.count = 0;
  }
}

/**
 * Huffman code lengths for `freqs`, none longer than `maxBits` (lengths limited as miniz does: overlong codes
 * are cut to maxBits and the Kraft sum repaired by lengthening the shortest codes that can take it).
 */
export function huffmanLengths(freqs: ArrayLike<number>, maxBits: number): Uint8Array {
  const n = freqs.length;
  const lengths = new Uint8Array(n);
  const used = usedByFrequency(freqs);
  if (used.length === 0) return lengths;
  if (used.length === 1) {
    lengths[used[0]!] = 1;
    return lengths;
  }
  // Two-queue Huffman: leaves sorted by weight, internal nodes made in non-decreasing weight order.
  const m = used.length;
  const weight = new Float64Array(2 * m);
  const parent = new Int32Array(2 * m);
  for (let i = 0; i < m; i++) weight[i] = freqs[used[i]!] ?? 0;
  let leaf = 0;
  let inner = m;
  let next = m;
  while (next < 2 * m - 1) {
    // The two lightest of the next leaf and the next inner node, leaves first on a tie.
    const a = leaf < m && (inner >= next || weight[leaf]! <= weight[inner]!) ? leaf++ : inner++;
    const b = leaf < m && (inner >= next || weight[leaf]! <= weight[inner]!) ? leaf++ : inner++;
    weight[next] = weight[a]! + weight[b]!;
    parent[a] = next;
    parent[b] = next;
    next++;
  }
  const depth = new Int32Array(2 * m);
  const root = 2 * m - 2;
  depth[root] = 0;
  for (let i = root - 1; i >= 0; i--) depth[i] = depth[parent[i]!]! + 1;
  const count = new Int32Array(Math.max(maxBits, 32) + 1);
  for (let i = 0; i < m; i++) count[Math.min(depth[i]!, 32)]!++;
  for (let i = maxBits + 1; i < count.length; i++) {
    count[maxBits]! += count[i]!;
    count[i] = 0;
  }
  let total = 0;
  for (let i = maxBits; i > 0; i--) total += count[i]! << (maxBits - i);
  while (total !== 1 << maxBits) {
    count[maxBits]!--;
    for (let i = maxBits - 1; i > 0; i--) {
      if (count[i]! > 0) {
        count[i]!--;
        count[i + 1]! += 2;
        break;
      }
    }
    total--;
  }
  // Rarest symbols get the longest codes.
  let k = 0;
  for (let len = maxBits; len > 0; len--) for (let c = count[len]!; c > 0; c--) lengths[used[k++]!] = len;
  return lengths;
}

/** Symbols below this many sort as one number each (frequency * SORT_SYMBOLS + symbol). */
const SORT_SYMBOLS = 1024;

/**
 * The symbols with a nonzero frequency, rarest first, ties by symbol. Sorted as packed numbers in a typed array
 * (the engine's numeric sort), several times faster than a comparator over an alphabet of 286.
 */
function usedByFrequency(freqs: ArrayLike<number>): ArrayLike<number> {
  const n = freqs.length;
  const packed: number[] = [];
  let most = 0;
  for (let i = 0; i < n; i++) {
    const f = freqs[i] ?? 0;
    if (f > 0) {
      packed.push(f * SORT_SYMBOLS + i);
      if (f > most) most = f;
    }
  }
  if (n > SORT_SYMBOLS || most * SORT_SYMBOLS >= Number.MAX_SAFE_INTEGER) {
    const used: number[] = [];
    for (let i = 0; i < n; i++) if ((freqs[i] ?? 0) > 0) used.push(i);
    return used.sort((a, b) => (freqs[a] ?? 0) - (freqs[b] ?? 0) || a - b);
  }
  const sorted = Float64Array.from(packed).sort();
  const used = new Int32Array(sorted.length);
  for (let k = 0; k < sorted.length; k++) used[k] = sorted[k]! % SORT_SYMBOLS;
  return used;
}

/** Canonical codes for `lengths`, bit-reversed for an LSB-first writer. */
function canonicalCodes(lengths: Uint8Array): Uint16Array {
  const blCount = new Uint16Array(MAX_BITS + 2);
  for (const l of lengths) if (l) blCount[l]!++;
  const nextCode = new Uint16Array(MAX_BITS + 2);
  let code = 0;
  for (let bits = 1; bits <= MAX_BITS + 1; bits++) {
    code = (code + blCount[bits - 1]!) << 1;
    nextCode[bits] = code;
  }
  const codes = new Uint16Array(lengths.length);
  for (let s = 0; s < lengths.length; s++) {
    const len = lengths[s]!;
    if (!len) continue;
    let c = nextCode[len]!++;
    let r = 0;
    for (let i = 0; i < len; i++) {
      r = (r << 1) | (c & 1);
      c >>= 1;
    }
    codes[s] = r;
  }
  return codes;
}

/** Which implementation deflateRuns uses: "auto" is WebAssembly where it runs, else TypeScript. Same bytes. */
export type DeflateEngine = "auto" | "wasm" | "js";

/**
 * Raw deflate of `data` (no zlib header): literals and runs at distance 1 and `bpp`. Where `data` is a view of
 * the PNG filters' WebAssembly memory (what filterRows returns), it is read in place and the view may be detached
 * by the call (the memory may grow): read what is needed of it before.
 * @example unzlibSync(zlibWrap(deflateRuns(rows, 3), rows)) round-trips.
 */
export function deflateRuns(data: Uint8Array, bpp: number, scratch?: DeflateScratch, engine: DeflateEngine = "auto"): Uint8Array {
  const work = scratch ?? new DeflateScratch();
  const k = engine === "js" ? undefined : deflateKernels();
  if (k) return deflateRunsWasm(k, data, bpp, work);
  if (engine === "wasm") throw new Error("deflateRuns: WebAssembly is not available in this runtime");
  return deflateRunsJs(data, bpp, work);
}

/** True where deflateRuns runs its loops in WebAssembly. */
export function hasWasmDeflate(): boolean {
  return deflateKernels() !== undefined;
}

function deflateRunsJs(data: Uint8Array, bpp: number, work: DeflateScratch): Uint8Array {
  const n = data.length;
  const out = work.writer(Math.max(1024, (n >> 1) + 1024));
  // A symbol: literal byte (< 256), or a match packed as 256 + (length << 3 | distanceCode).
  const syms = work.syms;
  const litFreq = work.litFreq;
  const distFreq = work.distFreq;
  litFreq.fill(0);
  distFreq.fill(0);
  const far = Math.max(2, Math.min(bpp, 4));
  // Word view for scanning long runs 4 bytes at a time, where the bytes are 4-aligned.
  const words = data.byteOffset % 4 === 0 ? new Uint32Array(data.buffer, data.byteOffset, n >>> 2) : undefined;
  let count = 0;
  // Adler-32 of the data (the zlib trailer) is summed here, where every byte is read anyway; a run of one
  // byte value adds in closed form. Sums are reduced every ADLER_REDUCE_SYMBOLS symbols, long before a double
  // stops being exact.
  let a = 1;
  let b = 0;
  let sinceReduce = 0;
  const flushBlock = (final: boolean): void => {
    writeBlock(out, syms, count, litFreq, distFreq, final);
    count = 0;
    litFreq.fill(0);
    distFreq.fill(0);
  };
  // The first bytes have nothing (or too little) behind them: literals.
  let i = 0;
  for (; i < Math.min(far, n); i++) {
    syms[count++] = data[i]!;
    litFreq[data[i]!]!++;
    a += data[i]!;
    b += a;
  }
  while (i < n) {
    if (++sinceReduce === ADLER_REDUCE_SYMBOLS) {
      a %= 65521;
      b %= 65521;
      sinceReduce = 0;
    }
    const c = data[i]!;
    const same1 = c === data[i - 1];
    if (!same1 && c !== data[i - far]) {
      syms[count++] = c;
      litFreq[c]!++;
      a += c;
      b += a;
      i++;
      if (count === BLOCK_SYMBOLS) flushBlock(false);
      continue;
    }
    const limit = n - i < MAX_MATCH ? n - i : MAX_MATCH;
    let best = 0;
    let dist = 1;
    if (same1) {
      // Every byte of the run equals c: scan words once aligned.
      let k = 1;
      if (words) {
        while (k < limit && ((i + k) & 3) !== 0 && data[i + k] === c) k++;
        if (k < limit && ((i + k) & 3) === 0) {
          const pattern = Math.imul(c, 0x01010101) >>> 0;
          while (k + 4 <= limit && words[(i + k) >>> 2] === pattern) k += 4;
        }
      }
      while (k < limit && data[i + k] === c) k++;
      best = k;
    }
    if (best < limit && c === data[i - far]) {
      let j = 1;
      while (j < limit && data[i + j] === data[i + j - far]) j++;
      if (j > best) {
        best = j;
        dist = far;
      }
    }
    if (best >= MIN_MATCH) {
      syms[count++] = 256 + ((best << 3) | (dist - 1));
      litFreq[LEN_CODE[best]!]!++;
      distFreq[dist - 1]!++;
      if (dist === 1) {
        // best bytes of value c: a gains best*c, b gains best*a + c*(1 + 2 + … + best).
        b += best * a + (c * best * (best + 1)) / 2;
        a += best * c;
      } else {
        for (let k = 0; k < best; k++) {
          a += data[i + k]!;
          b += a;
        }
      }
      i += best;
    } else {
      syms[count++] = c;
      litFreq[c]!++;
      a += c;
      b += a;
      i++;
    }
    if (count === BLOCK_SYMBOLS) flushBlock(false);
  }
  flushBlock(true);
  out.flush();
  work.adler = (((b % 65521) << 16) | (a % 65521)) >>> 0;
  return out.buf.subarray(0, out.pos);
}

/** Buffers deflateRuns reuses from call to call, so a worker encoding thousands of tokens allocates little. */
export class DeflateScratch {
  /** Adler-32 of the data of the last deflateRuns call. */
  adler = 1;
  readonly syms = new Uint32Array(BLOCK_SYMBOLS);
  readonly litFreq = new Uint32Array(286);
  readonly distFreq = new Uint32Array(30);
  private bits: BitWriter | undefined;
  writer(capacity: number): BitWriter {
    if (!this.bits || this.bits.buf.length < capacity) this.bits = new BitWriter(capacity);
    this.bits.reset();
    return this.bits;
  }
}

/** A block's Huffman codes, as its header sends them. */
interface BlockCodes {
  readonly litLengths: Uint8Array;
  readonly litCodes: Uint16Array;
  readonly distLengths: Uint8Array;
  readonly distCodes: Uint16Array;
}

/** The dynamic Huffman block header for these symbol counts (RFC 1951 3.2.7), written to `out`; returns its codes. */
function writeBlockHeader(out: BitWriter, litFreq: Uint32Array | Int32Array, distFreq: Uint32Array | Int32Array, final: boolean): BlockCodes {
  litFreq[END_OF_BLOCK] = 1;
  let anyDist = false;
  for (const f of distFreq) if (f) anyDist = true;
  // A distance tree must have a code even where no match uses it.
  if (!anyDist) distFreq[0] = 1;
  const litLengths = huffmanLengths(litFreq, MAX_BITS);
  const distLengths = huffmanLengths(distFreq, MAX_BITS);
  const litCodes = canonicalCodes(litLengths);
  const distCodes = canonicalCodes(distLengths);
  let hlit = 286;
  while (hlit > 257 && litLengths[hlit - 1] === 0) hlit--;
  let hdist = 30;
  while (hdist > 1 && distLengths[hdist - 1] === 0) hdist--;
  // Code lengths of both trees as one sequence, run-length coded with 16/17/18 (RFC 1951 3.2.7).
  const all = new Uint8Array(hlit + hdist);
  all.set(litLengths.subarray(0, hlit), 0);
  all.set(distLengths.subarray(0, hdist), hlit);
  const clSyms: number[] = [];
  const clFreq = new Uint32Array(19);
  for (let p = 0; p < all.length; ) {
    const v = all[p]!;
    let run = 1;
    while (p + run < all.length && all[p + run] === v) run++;
    p += run;
    if (v === 0) {
      while (run >= 11) {
        const r = Math.min(run, 138);
        clSyms.push(18, r - 11);
        clFreq[18]!++;
        run -= r;
      }
      if (run >= 3) {
        clSyms.push(17, run - 3);
        clFreq[17]!++;
        run = 0;
      }
    } else {
      clSyms.push(v, -1);
      clFreq[v]!++;
      run--;
      while (run >= 3) {
        const r = Math.min(run, 6);
        clSyms.push(16, r - 3);
        clFreq[16]!++;
        run -= r;
      }
    }
    for (; run > 0; run--) {
      clSyms.push(v, -1);
      clFreq[v]!++;
    }
  }
  const clLengths = huffmanLengths(clFreq, MAX_CODE_LENGTH_BITS);
  const clCodes = canonicalCodes(clLengths);
  let hclen = 19;
  while (hclen > 4 && clLengths[CL_ORDER[hclen - 1]!] === 0) hclen--;

  out.put(final ? 1 : 0, 1);
  out.put(2, 2);
  out.put(hlit - 257, 5);
  out.put(hdist - 1, 5);
  out.put(hclen - 4, 4);
  for (let k = 0; k < hclen; k++) out.put(clLengths[CL_ORDER[k]!]!, 3);
  for (let k = 0; k < clSyms.length; k += 2) {
    const s = clSyms[k]!;
    out.put(clCodes[s]!, clLengths[s]!);
    const extra = clSyms[k + 1]!;
    if (s === 16) out.put(extra, 2);
    else if (s === 17) out.put(extra, 3);
    else if (s === 18) out.put(extra, 7);
  }
  return { litLengths, litCodes, distLengths, distCodes };
}

function writeBlock(out: BitWriter, syms: Uint32Array, count: number, litFreq: Uint32Array, distFreq: Uint32Array, final: boolean): void {
  out.ensure(count * 4 + 512);
  const { litLengths, litCodes, distLengths, distCodes } = writeBlockHeader(out, litFreq, distFreq, final);
  // The symbol loop is the encoder's hottest: the bit writer's state lives in locals here, and a match's
  // length code, extra bits and distance code go out as one value (at most 15 + 5 + 15 bits, in two puts).
  const packed = new Uint32Array(256);
  for (let b = 0; b < 256; b++) packed[b] = (litCodes[b]! << 5) | litLengths[b]!;
  const buf = out.buf;
  let bits = out.pendingBits;
  let nbits = out.pendingCount;
  let pos = out.pos;
  for (let k = 0; k < count; k++) {
    const s = syms[k]!;
    if (s < 256) {
      const p = packed[s]!;
      bits |= (p >>> 5) << nbits;
      nbits += p & 31;
    } else {
      const m = s - 256;
      const len = m >>> 3;
      const d = m & 7;
      const code = LEN_CODE[len]!;
      bits |= litCodes[code]! << nbits;
      nbits += litLengths[code]!;
      if (nbits >= 16) {
        buf[pos++] = bits & 0xff;
        buf[pos++] = (bits >>> 8) & 0xff;
        bits >>>= 16;
        nbits -= 16;
      }
      const extra = LEN_EXTRA_BITS[len]!;
      if (extra) {
        bits |= LEN_EXTRA_VALUE[len]! << nbits;
        nbits += extra;
      }
      if (nbits >= 16) {
        buf[pos++] = bits & 0xff;
        buf[pos++] = (bits >>> 8) & 0xff;
        bits >>>= 16;
        nbits -= 16;
      }
      bits |= distCodes[d]! << nbits;
      nbits += distLengths[d]!;
    }
    if (nbits >= 16) {
      buf[pos++] = bits & 0xff;
      buf[pos++] = (bits >>> 8) & 0xff;
      bits >>>= 16;
      nbits -= 16;
    }
  }
  out.restore(bits, nbits, pos);
  out.put(litCodes[END_OF_BLOCK]!, litLengths[END_OF_BLOCK]!);
}

// ---------------------------------------------------------------------------------------
// The WebAssembly loops (fastDeflate.wat), in the PNG filters' memory where that exists.

interface DeflateKernels {
  readonly memory: WasmMemory;
  readonly scan: (
    data: number, n: number, i: number, far: number, syms: number, count: number, max: number,
    litFreq: number, distFreq: number, lenTab: number, state: number,
  ) => number;
  readonly table: (litTab: number, distTab: number, lenTab: number, symTab: number) => void;
  readonly emit: (syms: number, count: number, symTab: number, out: number, pos: number, bits: number, nbits: number, state: number) => number;
  readonly adler32: (data: number, n: number) => number;
}

/** undefined: not tried yet; null: this runtime has no WebAssembly. */
let kernels: DeflateKernels | null | undefined;

function deflateKernels(): DeflateKernels | undefined {
  if (kernels === undefined) kernels = instantiateKernels();
  return kernels ?? undefined;
}

function instantiateKernels(): DeflateKernels | null {
  const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
  if (wasm === undefined || !wasm.validate(FAST_DEFLATE_WASM)) return null;
  // The filters' memory where their kernels run, so filtered rows are deflated where they were written.
  const memory = simdKernels()?.memory ?? new wasm.Memory({ initial: 1 });
  const { exports } = new wasm.Instance(new wasm.Module(FAST_DEFLATE_WASM), { env: { memory } });
  return { memory, ...(exports as unknown as Omit<DeflateKernels, "memory">) };
}

/** Each length 0..258 as the WebAssembly loops read it: code | extra-bit count << 9 | extra value << 12. */
const LEN_PACKED = new Int32Array(MAX_MATCH + 1);
for (let len = 0; len <= MAX_MATCH; len++) LEN_PACKED[len] = LEN_CODE[len]! | (LEN_EXTRA_BITS[len]! << 9) | (LEN_EXTRA_VALUE[len]! << 12);

/** Bytes of each table in the work area, 16-aligned: syms, litFreq, distFreq, litTab, distTab, lenTab, state. */
const SYMS_BYTES = BLOCK_SYMBOLS * 4;
const LIT_BYTES = 1152;
const DIST_BYTES = 128;
const LEN_BYTES = 1040;
/** An i64 per symbol value, 0 .. 256 + (258 << 3 | 3). */
const SYM_TAB_BYTES = 18_608;
const STATE_BYTES = 16;
/** Most bytes one symbol can take (15 + 5 + 15 bits), and a block header's (with the 8 bytes emit stores past its end). */
const SYMBOL_MAX_BYTES = 5;
const HEADER_MAX_BYTES = 1024;

function align16(n: number): number {
  return (n + 15) & ~15;
}

function deflateRunsWasm(k: DeflateKernels, data: Uint8Array, bpp: number, work: DeflateScratch): Uint8Array {
  const n = data.length;
  const far = Math.max(2, Math.min(bpp, 4));
  const inPlace = data.buffer === k.memory.buffer;
  const dataPtr = inPlace ? data.byteOffset : 0;
  const syms = align16(dataPtr + n);
  const litFreq = syms + SYMS_BYTES;
  const distFreq = litFreq + LIT_BYTES;
  const litTab = distFreq + DIST_BYTES;
  const distTab = litTab + LIT_BYTES;
  const lenTab = distTab + DIST_BYTES;
  const symTab = lenTab + LEN_BYTES;
  const state = symTab + SYM_TAB_BYTES;
  const outPtr = state + STATE_BYTES;
  let mem8: Uint8Array = new Uint8Array(0);
  let mem32: Int32Array = new Int32Array(0);
  const out = new BitWriter(0);
  /** Grows the memory to hold `bytes` (growing detaches every view: they are made again). */
  const reserve = (bytes: number): void => {
    const view = kernelMemory(k, bytes);
    if (mem8.buffer !== view.buffer) {
      mem8 = view;
      mem32 = new Int32Array(view.buffer);
      out.buf = mem8.subarray(outPtr);
    }
  };
  reserve(outPtr + (n >> 1) + HEADER_MAX_BYTES);
  if (!inPlace) mem8.set(data, dataPtr);
  mem32.set(LEN_PACKED, lenTab >> 2);
  const litFreqAt = litFreq >> 2;
  const distFreqAt = distFreq >> 2;
  mem32.fill(0, litFreqAt, litFreqAt + 286);
  mem32.fill(0, distFreqAt, distFreqAt + 30);
  // The first bytes have nothing (or too little) behind them: literals.
  let count = 0;
  let i = 0;
  for (; i < Math.min(far, n); i++) {
    const c = mem8[dataPtr + i]!;
    mem32[(syms >> 2) + count++] = c;
    mem32[litFreqAt + c]!++;
  }
  for (;;) {
    i = k.scan(dataPtr, n, i, far, syms, count, BLOCK_SYMBOLS, litFreq, distFreq, lenTab, state);
    count = mem32[state >> 2]!;
    // A block that fills up at the very end is not the last: an empty final block follows, as in deflateRunsJs.
    const final = i >= n && count < BLOCK_SYMBOLS;
    reserve(outPtr + out.pos + count * SYMBOL_MAX_BYTES + HEADER_MAX_BYTES);
    const codes = writeBlockHeader(out, mem32.subarray(litFreqAt, litFreqAt + 286), mem32.subarray(distFreqAt, distFreqAt + 30), final);
    for (let s = 0; s < 286; s++) mem32[(litTab >> 2) + s] = (codes.litCodes[s]! << 5) | codes.litLengths[s]!;
    for (let d = 0; d < 30; d++) mem32[(distTab >> 2) + d] = (codes.distCodes[d]! << 5) | codes.distLengths[d]!;
    k.table(litTab, distTab, lenTab, symTab);
    const pos = k.emit(syms, count, symTab, outPtr, out.pos, out.pendingBits, out.pendingCount, state);
    out.restore(mem32[state >> 2]!, mem32[(state >> 2) + 1]!, pos);
    out.put(codes.litCodes[END_OF_BLOCK]!, codes.litLengths[END_OF_BLOCK]!);
    if (final) break;
    count = 0;
    mem32.fill(0, litFreqAt, litFreqAt + 286);
    mem32.fill(0, distFreqAt, distFreqAt + 30);
  }
  out.flush();
  work.adler = k.adler32(dataPtr, n) >>> 0;
  return mem8.slice(outPtr, outPtr + out.pos);
}

/** A zlib stream (RFC 1950) of `data` made with deflateRuns: what a PNG's IDAT holds. */
export function zlibRuns(data: Uint8Array, bpp: number, scratch: DeflateScratch = new DeflateScratch(), engine: DeflateEngine = "auto"): Uint8Array {
  const body = deflateRuns(data, bpp, scratch, engine);
  const out = new Uint8Array(body.length + 6);
  out[0] = 0x78;
  out[1] = 0x01;
  out.set(body, 2);
  new DataView(out.buffer).setUint32(out.length - 4, scratch.adler);
  return out;
}
