const encoder = new TextEncoder();

/** Length in UTF-8 bytes: what Rust's `str::len()` (Sugar), Cardano's 64-byte metadata strings and Metaplex count. */
export function utf8Length(text: string): number {
  return encoder.encode(text).length;
}

/**
 * Splits `text` into strings of at most `maxBytes` UTF-8 bytes each, never inside a character, so the pieces join
 * back to the text. Cardano transaction metadata allows no string over 64 bytes, and CIP-25 viewers join an array of
 * strings into one (`"image": ["ipfs://Qm…", "…/12.png"]`).
 *
 * @example splitUtf8("ipfs://" + "a".repeat(70), 64) // ["ipfs://aaa…a" (64 bytes), "aaaaaaaaaaaaa"]
 */
export function splitUtf8(text: string, maxBytes: number): string[] {
  if (maxBytes < 4) throw new Error(`splitUtf8: expected at least 4 bytes per piece (one character), found ${maxBytes}`);
  const pieces: string[] = [];
  let current = "";
  let currentBytes = 0;
  // for…of walks code points, so a surrogate pair (an emoji, 4 bytes) is never cut in two.
  for (const ch of text) {
    const bytes = utf8Length(ch);
    if (currentBytes + bytes > maxBytes) {
      pieces.push(current);
      current = "";
      currentBytes = 0;
    }
    current += ch;
    currentBytes += bytes;
  }
  if (current !== "" || pieces.length === 0) pieces.push(current);
  return pieces;
}

/** A string as one piece where it fits in `maxBytes`, else as pieces (CIP-25 `<string | array>`). */
export function stringOrPieces(text: string, maxBytes: number): string | string[] {
  return utf8Length(text) <= maxBytes ? text : splitUtf8(text, maxBytes);
}
