/**
 * Reads the central directory of a ZIP held in a Blob (the studio's own archive, on disk in OPFS) so single
 * entries can be read back without loading the archive: the token browser's images, "save to folder".
 */
export interface ZipIndexEntry {
  name: string;
  /** Offset of the local header. */
  headerOffset: number;
  size: number;
}

async function bytesOf(blob: Blob, start: number, end: number): Promise<DataView> {
  return new DataView(await blob.slice(start, end).arrayBuffer());
}

function u64(v: DataView, at: number): number {
  return v.getUint32(at, true) + v.getUint32(at + 4, true) * 0x100000000;
}

/** Lists the entries of a stored (or any) ZIP, ZIP64 included. */
export async function readZipIndex(blob: Blob): Promise<ZipIndexEntry[]> {
  const tailStart = Math.max(0, blob.size - 22 - 0xffff - 20);
  const tail = await bytesOf(blob, tailStart, blob.size);
  let eocd = -1;
  for (let i = tail.byteLength - 22; i >= 0; i--) {
    if (tail.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error("zip: no end of central directory");
  let count = tail.getUint16(eocd + 10, true);
  let cdSize = tail.getUint32(eocd + 12, true);
  let cdOffset = tail.getUint32(eocd + 16, true);
  if (eocd >= 20 && tail.getUint32(eocd - 20, true) === 0x07064b50) {
    const z64At = u64(tail, eocd - 20 + 8);
    const z = await bytesOf(blob, z64At, z64At + 56);
    count = u64(z, 32);
    cdSize = u64(z, 40);
    cdOffset = u64(z, 48);
  }
  const cd = await bytesOf(blob, cdOffset, cdOffset + cdSize);
  const decoder = new TextDecoder();
  const out: ZipIndexEntry[] = [];
  let at = 0;
  for (let n = 0; n < count; n++) {
    if (cd.getUint32(at, true) !== 0x02014b50) throw new Error("zip: bad central directory");
    let size = cd.getUint32(at + 24, true);
    const nameLength = cd.getUint16(at + 28, true);
    const extraLength = cd.getUint16(at + 30, true);
    const commentLength = cd.getUint16(at + 32, true);
    let headerOffset = cd.getUint32(at + 42, true);
    const name = decoder.decode(new Uint8Array(cd.buffer, cd.byteOffset + at + 46, nameLength));
    let x = at + 46 + nameLength;
    const extraEnd = x + extraLength;
    while (x + 4 <= extraEnd) {
      const id = cd.getUint16(x, true);
      const len = cd.getUint16(x + 2, true);
      if (id === 0x0001) {
        let y = x + 4;
        if (size === 0xffffffff) {
          size = u64(cd, y + 8);
          y += 16;
        }
        if (headerOffset === 0xffffffff) headerOffset = u64(cd, y);
      }
      x += 4 + len;
    }
    out.push({ name, headerOffset, size });
    at = extraEnd + commentLength;
  }
  return out;
}

/** The bytes of one stored entry, as a Blob slice of the archive (nothing read until used). */
export async function entryBlob(archive: Blob, entry: ZipIndexEntry, type = ""): Promise<Blob> {
  const h = await bytesOf(archive, entry.headerOffset, entry.headerOffset + 30);
  const start = entry.headerOffset + 30 + h.getUint16(26, true) + h.getUint16(28, true);
  return archive.slice(start, start + entry.size, type);
}
