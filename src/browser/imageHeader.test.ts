import { describe, expect, it } from "vitest";
import { checkPixels, LARGE_INPUT_PIXELS, MAX_INPUT_PIXELS, readHeaderSize } from "./imageHeader.js";

function png(width: number, height: number): Uint8Array {
  const b = new Uint8Array(33);
  b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  new DataView(b.buffer).setUint32(16, width);
  new DataView(b.buffer).setUint32(20, height);
  return b;
}

function riff(chunk: string, body: number[]): Uint8Array {
  const b = new Uint8Array(40);
  b.set([..."RIFF"].map((c) => c.charCodeAt(0)), 0);
  b.set([..."WEBP"].map((c) => c.charCodeAt(0)), 8);
  b.set([...chunk].map((c) => c.charCodeAt(0)), 12);
  b.set(body, 20);
  return b;
}

describe("image size from the header", () => {
  it("reads PNG's IHDR", () => {
    expect(readHeaderSize(png(20000, 20000))).toEqual({ width: 20000, height: 20000, format: "png" });
    expect(readHeaderSize(png(512, 300))).toEqual({ width: 512, height: 300, format: "png" });
  });

  it("reads WebP's VP8, VP8L and VP8X headers", () => {
    // VP8: frame tag (3 bytes), start code 9d 01 2a, 14-bit width and height.
    expect(readHeaderSize(riff("VP8 ", [0, 0, 0, 0x9d, 0x01, 0x2a, 0x00, 0x02, 0x2c, 0x01]))).toEqual({ width: 512, height: 300, format: "webp" });
    // VP8L: signature 2f, then width-1 and height-1 in 14 bits each.
    const bits = (512 - 1) | ((300 - 1) << 14);
    expect(readHeaderSize(riff("VP8L", [0x2f, bits & 255, (bits >> 8) & 255, (bits >> 16) & 255, (bits >>> 24) & 255]))).toEqual({ width: 512, height: 300, format: "webp" });
    // VP8X: flags (4 bytes), then 24-bit width-1 and height-1.
    expect(readHeaderSize(riff("VP8X", [0, 0, 0, 0, 0x1f, 0x4e, 0, 0x1f, 0x4e, 0]))).toEqual({ width: 20000, height: 20000, format: "webp" });
  });

  it("reads JPEG's first SOF after other segments", () => {
    const app0 = [0xff, 0xe0, 0, 6, 1, 2, 3, 4];
    const sof0 = [0xff, 0xc0, 0, 11, 8, 0x01, 0x2c, 0x02, 0x00, 3, 0, 0, 0];
    expect(readHeaderSize(new Uint8Array([0xff, 0xd8, ...app0, ...sof0]))).toEqual({ width: 512, height: 300, format: "jpeg" });
  });

  it("gives undefined for what is no header it knows, or too short", () => {
    expect(readHeaderSize(new TextEncoder().encode("not an image at all, just text"))).toBeUndefined();
    expect(readHeaderSize(png(1, 1).subarray(0, 20))).toBeUndefined();
    expect(readHeaderSize(new Uint8Array([0xff, 0xd8, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0]))).toBeUndefined();
  });

  it("refuses past MAX_INPUT_PIXELS (the CLI's limit), warns from LARGE_INPUT_PIXELS, passes the rest", () => {
    const refuse = checkPixels({ width: 20000, height: 20000 });
    expect(refuse && "refuse" in refuse ? refuse.refuse : "").toBe(
      "20000×20000 is 400 megapixels: expected at most 268,402,689 pixels (16383×16383, the CLI's limit); not decoded, scale it down",
    );
    expect(checkPixels({ width: 16383, height: 16383 })).toHaveProperty("warn");
    expect(16383 * 16383).toBe(MAX_INPUT_PIXELS);
    expect(checkPixels({ width: 16384, height: 16384 })).toHaveProperty("refuse");
    expect(checkPixels({ width: 0, height: 10 })).toHaveProperty("refuse");
    const warn = checkPixels({ width: 4096, height: 4096 });
    expect(4096 * 4096).toBe(LARGE_INPUT_PIXELS);
    expect(warn && "warn" in warn ? warn.warn : "").toMatch(/^4096×4096: a large image, 64 MiB per decoded copy/);
    expect(checkPixels({ width: 4095, height: 4096 })).toBeUndefined();
  });
});
