/**
 * The studio's previews refuse, in one line and before anything is drawn, what `traitloom preview` refuses: a pick
 * by rank without rarity.json, a token image the archive lacks, a collage over core's limits. (Drawing needs a
 * browser's canvas: test/e2e/publish.e2e.ts compares the drawn previews with the CLI's.)
 */
import { describe, expect, it, vi } from "vitest";
import { isTraitloomError } from "../core/errors.js";
import { makeStudioPreviews } from "./previews.js";
import { MemoryBytes } from "./zipSink.js";
import { ZipWriter } from "./zipWriter.js";

// gifenc's CommonJS build hides its named exports from Node's ESM loader; nothing here reaches the GIF encoder.
vi.mock("gifenc", () => ({ GIFEncoder: vi.fn(), quantize: vi.fn(), applyPalette: vi.fn() }));

const MANIFEST = `{
  "seed": "previews",
  "width": 32,
  "height": 32,
  "format": "png",
  "tokens": [
    {"id": 1, "dna": "0-0"},
    {"id": 2, "dna": "0-1"},
    {"id": 3, "dna": "1-0"}
  ]
}
`;

function archiveOf(files: Record<string, string | Uint8Array>): Blob {
  const bytes = new MemoryBytes();
  const zip = new ZipWriter(bytes, new Date(2026, 0, 1));
  for (const [name, data] of Object.entries(files)) zip.addFile(name, typeof data === "string" ? new TextEncoder().encode(data) : data);
  zip.finish();
  return bytes.blob();
}

const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);

async function refusal(archive: Blob, options: Parameters<typeof makeStudioPreviews>[1]): Promise<string> {
  const err = await makeStudioPreviews(archive, options, "loom-3.zip").catch((e: unknown) => e);
  if (!isTraitloomError(err)) throw new Error(`expected a TraitloomError, found ${String(err)}`);
  return err.message;
}

describe("makeStudioPreviews refusals", () => {
  it("names rarity.json when the tokens are picked by rank and it is missing", async () => {
    const archive = archiveOf({ "manifest.json": MANIFEST, "images/1.png": png, "images/2.png": png, "images/3.png": png });
    expect(await refusal(archive, { pick: "rank", collage: { count: 3 } })).toBe("loom-3.zip/rarity.json: expected the collection's rarity ranks (for --pick rank), found no file");
  });

  it("names a token image the archive does not hold", async () => {
    const archive = archiveOf({ "manifest.json": MANIFEST, "images/1.png": png, "images/3.png": png });
    expect(await refusal(archive, { pick: "first", collage: { count: 3 } })).toBe("loom-3.zip/images/2.png: expected token 2's image (manifest.json lists it), found no file");
  });

  it("names a missing manifest", async () => {
    expect(await refusal(archiveOf({ "images/1.png": png }), { collage: {} })).toBe(
      "loom-3.zip/manifest.json: expected the manifest of a finished collection (traitloom generate writes it), found no file",
    );
  });

  it("refuses a collage thumb over core's limit in core's words", async () => {
    const archive = archiveOf({ "manifest.json": MANIFEST, "images/1.png": png, "images/2.png": png, "images/3.png": png });
    expect(await refusal(archive, { collage: { count: 3, thumb: 5000 } })).toBe("--thumb: expected a whole number from 1 to 2048, found 5000");
  });
});
