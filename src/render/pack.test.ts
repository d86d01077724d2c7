import { describe, expect, it } from "vitest";
import type { PreparedTrait } from "./composite.js";
import { compositeTraits, prepareTrait } from "./composite.js";
import { PACK_BUFFER_BYTES, TraitPackBuilder, packTraits, packedBytesOf, unpackTraits } from "./pack.js";

const W = 24;
const H = 20;

/** A seeded trait: a box of random colours and alphas (some rows empty, so spans vary), at canvas size. */
function trait(seed: number, box: { x: number; y: number; w: number; h: number }): PreparedTrait {
  let s = seed;
  const rand = (): number => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296;
  const px = new Uint8Array(W * H * 4);
  for (let y = box.y; y < box.y + box.h; y++) {
    for (let x = box.x; x < box.x + box.w; x++) {
      const a = rand() < 0.2 ? 0 : rand() < 0.5 ? 255 : 1 + Math.floor(rand() * 254);
      px.set([Math.floor(rand() * 256), Math.floor(rand() * 256), Math.floor(rand() * 256), a], (y * W + x) * 4);
    }
  }
  return prepareTrait(px, W, H);
}

/** Three layers of a few traits each, one of them fully transparent, one covering the canvas. */
function layers(): PreparedTrait[][] {
  const full = prepareTrait(new Uint8Array(W * H * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 7) % 256)), W, H);
  return [
    [full, trait(1, { x: 0, y: 0, w: W, h: H })],
    [trait(2, { x: 3, y: 2, w: 10, h: 9 }), prepareTrait(new Uint8Array(W * H * 4), W, H), trait(3, { x: 10, y: 5, w: 14, h: 15 })],
    [trait(4, { x: 1, y: 12, w: 5, h: 4 }), trait(5, { x: 0, y: 0, w: 24, h: 2 })],
  ];
}

/** Every token of the layers (one trait per layer) composited from `traits`, as one byte string per token. */
function everyToken(traits: PreparedTrait[][]): string[] {
  const out: string[] = [];
  const canvas = new Uint8Array(W * H * 4);
  const [a = [], b = [], c = []] = traits;
  for (const x of a) for (const y of b) for (const z of c) {
    compositeTraits(canvas, [x, y, z]);
    out.push(Buffer.from(canvas).toString("base64"));
  }
  return out;
}

describe("packTraits", () => {
  it("with a small per-buffer limit spreads traits over several buffers, each within the limit, and composites the same bytes", () => {
    const prepared = layers();
    const biggest = Math.max(...prepared.flat().map(packedBytesOf));
    const limit = biggest + 64;
    const made: number[] = [];
    const split = packTraits(prepared, W, H, { maxBufferBytes: limit, makeBuffer: (n) => (made.push(n), new SharedArrayBuffer(n)) });
    const one = packTraits(prepared, W, H);

    expect(one.buffers).toHaveLength(1);
    expect(split.buffers.length).toBeGreaterThanOrEqual(3);
    expect(made).toEqual(split.buffers.map((b) => b.byteLength));
    for (const b of split.buffers) expect(b.byteLength).toBeLessThanOrEqual(limit);
    // Every byte of every buffer belongs to a trait: buffers are made at the size of what they hold.
    expect(made.reduce((a, b) => a + b, 0)).toBe(one.buffers[0]?.byteLength);

    const fromSplit = unpackTraits(split);
    prepared.forEach((layer, l) =>
      layer.forEach((t, i) => {
        const u = fromSplit[l]?.[i];
        expect(u && Buffer.from(u.pixels).equals(Buffer.from(t.pixels)), `layer ${l} trait ${i} pixels`).toBe(true);
        expect(Array.from(u?.spans ?? [])).toEqual(Array.from(t.spans));
        expect({ ...u, pixels: 0, spans: 0 }).toEqual({ ...t, pixels: 0, spans: 0 });
      }),
    );
    expect(everyToken(fromSplit)).toEqual(everyToken(unpackTraits(one)));
    expect(everyToken(fromSplit)).toEqual(everyToken(prepared));
  });

  it("gives a trait larger than the limit a buffer of its own", () => {
    const prepared = layers();
    const pack = packTraits(prepared, W, H, { maxBufferBytes: 64 });
    const nonEmpty = prepared.flat().filter((t) => packedBytesOf(t) > 0).length;
    expect(pack.buffers.length).toBeGreaterThanOrEqual(nonEmpty);
    expect(everyToken(unpackTraits(pack))).toEqual(everyToken(prepared));
  });

  it("references traits already in shared buffers (as loadTraits leaves them) instead of copying them", () => {
    const builder = new TraitPackBuilder(W, H, { maxBufferBytes: 4096 });
    layers().forEach((layer, l) => layer.forEach((t, i) => builder.add(l, i, t)));
    const built = builder.finish();
    let copies = 0;
    const again = packTraits(built.prepared, W, H, { makeBuffer: (n) => (copies++, new SharedArrayBuffer(n)) });
    expect(copies).toBe(0);
    expect(again.buffers).toEqual(built.pack.buffers);
    expect(everyToken(unpackTraits(again))).toEqual(everyToken(layers()));
  });

  it("keeps offsets right past 2 GiB, where 32-bit bitwise rounding went negative", () => {
    // A trait of just over 2^31 bytes, described without allocating it: its size in a buffer rounds up to 4.
    const huge = { pixels: { length: 2 ** 31 + 1 }, spans: { length: 3 } } as unknown as PreparedTrait;
    expect(packedBytesOf(huge)).toBe(2 ** 31 + 4 + 12);
    expect(packedBytesOf({ pixels: new Uint8Array(5), spans: new Int32Array(2) })).toBe(8 + 8);
  });

  it("keeps the default buffer well inside what one typed-array view addresses, and refuses a limit under 4 bytes", () => {
    expect(PACK_BUFFER_BYTES).toBeLessThan(2 ** 31);
    expect(() => packTraits(layers(), W, H, { maxBufferBytes: 0 })).toThrow(/maxBufferBytes: expected at least 4, received 0/);
  });
});
