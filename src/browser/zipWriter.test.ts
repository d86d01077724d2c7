import { strFromU8, strToU8, unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { crc32 } from "./crc32.js";
import { ZipWriter, type ZipSink } from "./zipWriter.js";
import { entryBlob, readZipIndex } from "./zipIndex.js";

/** A sink into memory with random access, as the OPFS sink is. */
class MemorySink implements ZipSink {
  buf: Uint8Array<ArrayBuffer> = new Uint8Array(1 << 16);
  size = 0;
  write(bytes: Uint8Array): void {
    this.writeAt(bytes, this.size);
  }
  writeAt(bytes: Uint8Array, offset: number): void {
    const end = offset + bytes.length;
    if (end > this.buf.length) {
      const next = new Uint8Array(Math.max(end, this.buf.length * 2));
      next.set(this.buf.subarray(0, this.size));
      this.buf = next;
    }
    this.buf.set(bytes, offset);
    this.size = Math.max(this.size, end);
  }
  bytes(): Uint8Array<ArrayBuffer> {
    return this.buf.slice(0, this.size);
  }
}

describe("crc32", () => {
  it("gives the check value of CRC-32/ISO-HDLC, in one piece and in pieces", () => {
    expect(crc32(strToU8("123456789"))).toBe(0xcbf43926);
    expect(crc32(strToU8("56789"), crc32(strToU8("1234")))).toBe(0xcbf43926);
  });
});

describe("ZipWriter", () => {
  it("writes stored files and streamed files that another unzipper reads back, names in UTF-8", async () => {
    const sink = new MemorySink();
    const zip = new ZipWriter(sink, new Date(2026, 0, 2, 3, 4, 6));
    zip.addFile("images/1.png", Uint8Array.of(1, 2, 3));
    zip.addFile("metadata/1.json", strToU8('{"name":"ü #1"}\n'), crc32(strToU8('{"name":"ü #1"}\n')));
    const stream = zip.beginFile("_metadata.json");
    stream.append(strToU8("[\n"));
    stream.append(strToU8("  {}\n]\n"));
    stream.end();
    zip.addFile("Kürbis/ä.txt", strToU8("x"));
    zip.finish();
    const files = unzipSync(sink.bytes());
    expect(Object.keys(files)).toEqual(["images/1.png", "metadata/1.json", "_metadata.json", "Kürbis/ä.txt"]);
    expect([...(files["images/1.png"] ?? [])]).toEqual([1, 2, 3]);
    expect(strFromU8(files["_metadata.json"] ?? new Uint8Array())).toBe("[\n  {}\n]\n");
    const archive = new Blob([sink.bytes()]);
    const index = await readZipIndex(archive);
    expect(index.map((e) => [e.name, e.size])).toEqual([
      ["images/1.png", 3],
      ["metadata/1.json", 17],
      ["_metadata.json", 9],
      ["Kürbis/ä.txt", 1],
    ]);
    expect(await (await entryBlob(archive, index[1]!)).text()).toBe('{"name":"ü #1"}\n');
  });

  it("refuses to add after finish or while a streamed file is open", () => {
    const zip = new ZipWriter(new MemorySink(), new Date());
    const s = zip.beginFile("a");
    expect(() => zip.addFile("b", new Uint8Array(1))).toThrow(/still open/);
    s.end();
    zip.finish();
    expect(() => zip.addFile("c", new Uint8Array(1))).toThrow(/finished/);
  });

  it("switches to ZIP64 end records past 65,535 entries, readable by fflate and by readZipIndex", async () => {
    const sink = new MemorySink();
    const zip = new ZipWriter(sink, new Date(2026, 0, 1));
    const count = 65_540;
    for (let i = 0; i < count; i++) zip.addFile(`m/${i}.json`, strToU8(String(i)));
    zip.finish();
    const bytes = sink.bytes();
    const view = new DataView(bytes.buffer);
    // The classic end record caps the entry count at 0xffff; the ZIP64 locator sits right before it.
    expect(view.getUint16(bytes.length - 22 + 10, true)).toBe(0xffff);
    expect(view.getUint32(bytes.length - 22 - 20, true)).toBe(0x07064b50);
    // fflate takes the entry count and central directory offset from the ZIP64 end record where the locator is there,
    // so reading all 65,540 entries back means those records are right (the classic record alone gives 65,535).
    const files = unzipSync(bytes);
    const names = Array.from({ length: count }, (_, i) => `m/${i}.json`);
    expect(Object.keys(files)).toEqual(names);
    expect(names.filter((name, i) => strFromU8(files[name] ?? new Uint8Array()) !== String(i))).toEqual([]);
    const index = await readZipIndex(new Blob([bytes]));
    expect(index).toHaveLength(count);
    expect(index[count - 1]?.name).toBe(`m/${count - 1}.json`);
    // fflate does not check CRCs: check each local header's against the entry's bytes.
    const badCrc = index.filter((e) => view.getUint32(e.headerOffset + 14, true) !== crc32(files[e.name] ?? new Uint8Array()));
    expect(badCrc.map((e) => e.name)).toEqual([]);
  });
});
