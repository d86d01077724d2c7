/** Adler-32 (RFC 1950), the checksum that ends a zlib stream: PNG's IDAT in both render backends. */

const ADLER_BASE = 65521;
/** Bytes summed before the sums must be reduced to stay exact (zlib's NMAX). */
const ADLER_NMAX = 5552;

/** Adler-32 of `data`, continuing from `start` (1 for a fresh checksum). */
export function adler32(data: Uint8Array, start = 1): number {
  let a = start & 0xffff;
  let b = start >>> 16;
  const n = data.length;
  let i = 0;
  while (i < n) {
    const end = Math.min(i + ADLER_NMAX, n);
    // Eight bytes a step: b gains 8a plus the bytes weighted 8..1.
    for (; i + 8 <= end; i += 8) {
      const d0 = data[i]!, d1 = data[i + 1]!, d2 = data[i + 2]!, d3 = data[i + 3]!;
      const d4 = data[i + 4]!, d5 = data[i + 5]!, d6 = data[i + 6]!, d7 = data[i + 7]!;
      b += 8 * a + 8 * d0 + 7 * d1 + 6 * d2 + 5 * d3 + 4 * d4 + 3 * d5 + 2 * d6 + d7;
      a += d0 + d1 + d2 + d3 + d4 + d5 + d6 + d7;
    }
    for (; i < end; i++) {
      a += data[i]!;
      b += a;
    }
    a %= ADLER_BASE;
    b %= ADLER_BASE;
  }
  return ((b << 16) | a) >>> 0;
}

/** Adler-32 of A followed by B from adler(A), adler(B) and B's length (zlib's adler32_combine). */
export function adler32Combine(adlerA: number, adlerB: number, lengthB: number): number {
  const rem = lengthB % ADLER_BASE;
  let sum1 = adlerA & 0xffff;
  let sum2 = (rem * sum1) % ADLER_BASE;
  sum1 += (adlerB & 0xffff) + ADLER_BASE - 1;
  sum2 += (adlerA >>> 16) + (adlerB >>> 16) + ADLER_BASE - rem;
  if (sum1 >= ADLER_BASE) sum1 -= ADLER_BASE;
  if (sum1 >= ADLER_BASE) sum1 -= ADLER_BASE;
  if (sum2 >= ADLER_BASE * 2) sum2 -= ADLER_BASE * 2;
  if (sum2 >= ADLER_BASE) sum2 -= ADLER_BASE;
  return ((sum2 << 16) | sum1) >>> 0;
}
