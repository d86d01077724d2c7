/**
 * 1-of-1s: hand-made images placed into a generated collection (config `oneOfOnes`, FIELD.md F6). Each image of the
 * folder (`legend.png`, with an optional `legend.json` of `name`, `description`, `attributes`) takes one token id,
 * chosen by the seed or given in `place`; the generated combinations fill the other ids, so a 1-of-1 takes no
 * combination and the capacity is only asked for the rest. Their images are what the folder holds, byte for byte,
 * hashed into the manifest before the provenance hash like every other token; they are left out of trait rarity.
 *
 * Pure: the caller lists the folder and reads the files (node:fs in the CLI); placement and records are here.
 */
import { z } from "zod";
import { TraitloomError } from "./errors.js";
import { sha256Hex } from "./hash.js";
import type { TokenMetadata, TokenRecord } from "./metadata.js";
import { createRng } from "./rng.js";
import { imageExtensionOf, type CollectionSettings } from "./settings.js";
import { isJunkFile } from "./weights.js";
import type { OneOfOnesConfig } from "./oneOfOnesConfig.js";

export { oneOfOnesSchema, type OneOfOnesConfig } from "./oneOfOnesConfig.js";

const attributeSchema = z.strictObject({
  trait_type: z.string().min(1),
  value: z.union([z.string(), z.number()]),
  display_type: z.enum(["number", "boost_number", "boost_percentage", "date"]).optional(),
});

const sidecarSchema = z.strictObject({
  name: z.string().min(1).optional(),
  description: z.string().optional(),
  attributes: z.array(attributeSchema).optional(),
});

/** One hand-made token as read from the folder. */
export interface OneOfOne {
  /** The image's file name in the folder ("legend.png"). */
  file: string;
  /** Where it is, as messages name it ("one-of-ones/legend.png"). */
  path: string;
  bytes: Uint8Array;
  sha256: string;
  name?: string | undefined;
  description?: string | undefined;
  attributes: Array<z.infer<typeof attributeSchema>>;
}

/** The folder as the caller listed it: every file name, the bytes of the images, the text of the JSON files. */
export interface OneOfOnesFolder {
  /** As messages name it ("one-of-ones"). */
  dir: string;
  names: string[];
  read: (name: string) => Uint8Array;
  readText: (name: string) => string;
}

function bad(message: string): TraitloomError {
  return new TraitloomError("BAD_CONFIG", message);
}

/**
 * The 1-of-1s of a folder: every image of the collection's format with its JSON where there is one. Junk files
 * (.DS_Store …) are passed over. An image of another format, a JSON without its image, a JSON that does not parse or
 * does not have the shape, any other file, or a folder without images are one-line errors naming the file.
 */
export function readOneOfOnes(folder: OneOfOnesFolder, format: CollectionSettings["format"]): OneOfOne[] {
  const ext = `.${imageExtensionOf(format)}`;
  const names = folder.names.filter((n) => !isJunkFile(n)).sort();
  const base = (n: string): string => n.slice(0, n.lastIndexOf("."));
  const images = names.filter((n) => n.toLowerCase().endsWith(ext) && n.length > ext.length);
  const imageBases = new Set(images.map(base));
  for (const n of names) {
    if (images.includes(n)) continue;
    const lower = n.toLowerCase();
    if (lower.endsWith(".json")) {
      if (!imageBases.has(base(n))) throw bad(`${folder.dir}/${n}: expected the 1-of-1 image ${base(n)}${ext} beside it, found none`);
      continue;
    }
    if (/\.(png|jpe?g|webp)$/.test(lower)) throw bad(`${folder.dir}/${n}: expected a ${ext} image (the collection's format, image.format), found ${lower.slice(lower.lastIndexOf("."))}`);
    throw bad(`${folder.dir}/${n}: expected a ${ext} image or its .json, found another file`);
  }
  if (images.length === 0) throw bad(`${folder.dir}: expected ${ext} images of 1-of-1 tokens, found none`);
  return images.map((file) => {
    const bytes = folder.read(file);
    const one: OneOfOne = { file, path: `${folder.dir}/${file}`, bytes, sha256: sha256Hex(bytes), attributes: [] };
    const jsonName = names.find((n) => n.toLowerCase() === `${base(file).toLowerCase()}.json`);
    if (jsonName === undefined) return one;
    const where = `${folder.dir}/${jsonName}`;
    let raw: unknown;
    try {
      const text = folder.readText(jsonName);
      raw = JSON.parse(text.startsWith("\uFEFF") ? text.slice(1) : text);
    } catch (e) {
      throw bad(`${where}: expected JSON, found a syntax error (${e instanceof Error ? e.message : String(e)})`);
    }
    const parsed = sidecarSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const path = issue && issue.path.length > 0 ? issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("").replace(/^\./, "") : "(top level)";
      const expected = issue?.code === "unrecognized_keys" ? `expected name, description or attributes, found ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}` : `expected ${issue?.message.replace(/^Invalid input: expected /, "").replace(/, received .*$/, "") ?? "another value"}`;
      throw bad(`${where}: ${path}: ${expected.startsWith("expected") ? expected : `expected ${expected}`}`);
    }
    return { ...one, name: parsed.data.name, description: parsed.data.description, attributes: parsed.data.attributes ?? [] };
  });
}

/** A 1-of-1 at its place: collection index (0-based, id − startId) and the record and metadata it is written as. */
export interface PlacedOneOfOne {
  index: number;
  one: OneOfOne;
  record: TokenRecord;
  metadata: TokenMetadata;
}

/**
 * Where the 1-of-1s sit among `count` tokens, and the generated tokens around them: the generated plan has
 * `generated` tokens, its token p at collection index `indexOfPlan(p)`.
 */
export class OneOfOnes {
  /** Placed, by collection index, ascending. */
  readonly placed: PlacedOneOfOne[];
  private readonly byIndex: Map<number, PlacedOneOfOne>;
  /** Collection indices of the 1-of-1s, ascending. */
  private readonly indices: number[];

  constructor(
    placed: PlacedOneOfOne[],
    readonly count: number,
  ) {
    this.placed = [...placed].sort((a, b) => a.index - b.index);
    this.indices = this.placed.map((p) => p.index);
    this.byIndex = new Map(this.placed.map((p) => [p.index, p]));
  }

  /** Tokens the generated plan holds: every token but the 1-of-1s. */
  get generated(): number {
    return this.count - this.placed.length;
  }

  at(index: number): PlacedOneOfOne | undefined {
    return this.byIndex.get(index);
  }

  /** How many 1-of-1s sit before collection index `index`. */
  private before(index: number): number {
    let lo = 0;
    let hi = this.indices.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.indices[mid] ?? 0) < index) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The generated plan's token at collection index `index` (not a 1-of-1's). */
  planIndex(index: number): number {
    return index - this.before(index);
  }

  /** The collection index of the generated plan's token p. */
  indexOfPlan(p: number): number {
    // The k-th free index: p plus the 1-of-1s at or before it.
    let index = p;
    for (const i of this.indices) {
      if (i <= index) index++;
      else break;
    }
    return index;
  }

  /** What the inputHash must cover besides the layers: each 1-of-1's id, image and metadata. */
  fingerprint(): string[] {
    return this.placed.map((p) => `${p.record.id}:${p.one.file}:${p.one.sha256}:${sha256Hex(JSON.stringify(p.metadata))}`);
  }
}

/** A 1-of-1's record: its attributes as its traits, its DNA the mark "1-of-1" and a hash of its image. */
function recordOf(one: OneOfOne, id: number, dir: string): TokenRecord {
  return {
    id,
    dna: "1-of-1",
    dnaHash: sha256Hex(`1-of-1\u0000${one.sha256}`),
    traits: one.attributes.map((a) => ({ layer: a.trait_type, trait: String(a.value), value: String(a.value), file: `${dir}/${one.file}` })),
  };
}

/** A 1-of-1's metadata, in the key order of every token's (metadata.ts): its own name and attributes where its JSON gives them. */
function metadataOf(one: OneOfOne, record: TokenRecord, settings: CollectionSettings): TokenMetadata {
  const meta: TokenMetadata = {
    name: one.name ?? `${settings.namePrefix} #${record.id}`,
    description: one.description ?? settings.description,
    image: `${settings.baseUri}/${record.id}.${imageExtensionOf(settings.format)}`,
    dna: record.dnaHash,
    edition: record.id,
    attributes: [...one.attributes.map((a) => ({ ...a })), ...settings.extraAttributes.map((a) => ({ ...a }))],
  };
  if (settings.externalUrl !== undefined) meta.external_url = settings.externalUrl.replaceAll("{id}", String(record.id));
  if (settings.backgroundColor !== undefined) meta.background_color = settings.backgroundColor;
  for (const [k, v] of Object.entries(settings.extraMetadata)) if (!(k in meta)) meta[k] = v;
  meta.compiler = "Traitloom";
  return meta;
}

/**
 * Places the 1-of-1s among the collection's `settings.count` ids: those `place` gives at their ids, the others at
 * ids drawn by the seed (its own stream, so the generated plan is the plan of that many tokens whatever the
 * 1-of-1s). Errors, each one line: more 1-of-1s than tokens leave room for, an id out of the collection's range,
 * a `place` key that names no file of the folder, two files at one id.
 *
 * @example placeOneOfOnes(readOneOfOnes(folder, "png"), { place: { "legend.png": 7 } }, settings, "one-of-ones")
 */
export function placeOneOfOnes(ones: readonly OneOfOne[], config: Pick<OneOfOnesConfig, "place">, settings: CollectionSettings, dir: string): OneOfOnes {
  const N = settings.count;
  const first = settings.startId;
  const last = first + N - 1;
  if (ones.length >= N) {
    throw bad(`oneOfOnes: ${dir} holds ${ones.length} 1-of-1s, expected fewer than the ${N} tokens of the collection (count): raise the count or remove some`);
  }
  const taken = new Map<number, string>();
  const given = config.place === undefined || config.place === "seeded" ? {} : config.place;
  const placedIndex = new Map<string, number>();
  for (const [file, id] of Object.entries(given)) {
    const path = `oneOfOnes.place[${JSON.stringify(file)}]`;
    const one = ones.find((o) => o.file === file || o.file.slice(0, o.file.lastIndexOf(".")) === file);
    if (!one) throw bad(`${path}: expected a 1-of-1 of ${dir} (${ones.map((o) => o.file).join(", ")}), found none named "${file}"`);
    if (id < first || id > last) throw bad(`${path}: expected an id from ${first} to ${last}, found ${id}`);
    const other = taken.get(id);
    if (other !== undefined) throw bad(`${path}: "${other}" and "${one.file}" are both at id ${id}; expected one 1-of-1 per id`);
    if (placedIndex.has(one.file)) throw bad(`${path}: "${one.file}" is given twice; expected one id per 1-of-1`);
    taken.set(id, one.file);
    placedIndex.set(one.file, id - first);
  }
  const rng = createRng(settings.seed, "one-of-ones");
  const used = new Set([...placedIndex.values()]);
  for (const one of ones) {
    if (placedIndex.has(one.file)) continue;
    let index = rng.int(N);
    while (used.has(index)) index = rng.int(N);
    used.add(index);
    placedIndex.set(one.file, index);
  }
  const placed = ones.map((one) => {
    const index = placedIndex.get(one.file) ?? 0;
    const record = recordOf(one, first + index, dir);
    return { index, one, record, metadata: metadataOf(one, record, settings) };
  });
  return new OneOfOnes(placed, N);
}

/** 1-of-1 files as a caller without a folder holds them (the studio's dropped files): names and bytes. */
export interface OneOfOneFile {
  name: string;
  bytes: Uint8Array;
}

/**
 * The 1-of-1s of dropped files placed among the collection's ids: readOneOfOnes and placeOneOfOnes over the files
 * as if they were the folder `dir`, so the studio's 1-of-1s and the CLI's of the same files and `place` agree. The
 * same one-line errors.
 *
 * @example oneOfOnesOfFiles([{ name: "legend.png", bytes }], { dir: "one-of-ones", place: { "legend.png": 7 } }, settings)
 */
export function oneOfOnesOfFiles(files: readonly OneOfOneFile[], config: OneOfOnesConfig, settings: CollectionSettings): OneOfOnes {
  const byName = new Map(files.map((f) => [f.name, f.bytes]));
  const read = (name: string): Uint8Array => byName.get(name) ?? new Uint8Array(0);
  const ones = readOneOfOnes({ dir: config.dir, names: [...byName.keys()], read, readText: (name) => new TextDecoder().decode(read(name)) }, settings.format);
  return placeOneOfOnes(ones, config, settings, config.dir);
}
