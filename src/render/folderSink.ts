/**
 * A collection in a folder, the CLI's layout: images/, metadata/, the collection files, and .traitloom/ with the
 * run's identity (state.json) and the journal of finished tokens (done.log) that resume reads. Written once over a
 * FileStore, so a folder on disk (src/node/fileStore.ts), a folder the studio's user picked
 * (src/browser/directoryStore.ts) and memory (tests) behave alike, resume included.
 */
import { TraitloomError, isTraitloomError } from "../core/errors.js";
import type { HistoryEntry, PackRecord } from "../core/output.js";
import { parseManifest, parseRunState } from "../core/stored.js";
import { tokenTextFiles, type CollectionSink, type FolderPlacement, type PlannedToken, type RenderedToken, type RunIdentity } from "./pipeline.js";

/** A journal open for appending: lines are durable once `append` returns, or at `close` where the store buffers. */
export interface Appender {
  append(text: string): void;
  close(): Promise<void>;
}

/** A folder of files, by paths relative to it ("images/1.png"); every write is whole or not at all. */
export interface FileStore {
  /** The folder, for messages. */
  readonly location: string;
  /** The folder on disk, where it is one (a backend may write into it directly). */
  readonly diskPath?: string | undefined;
  /** Fails with a one-line OUTPUT_CONFLICT where the folder cannot hold a collection (a file is in its place). */
  checkRoot(): Promise<void>;
  readText(name: string): Promise<string | undefined>;
  /** A file's bytes; undefined where there is none. */
  readBytes(name: string): Promise<Uint8Array | undefined>;
  /** sha256 of a file, hex; undefined where there is none. */
  sha256(name: string): Promise<string | undefined>;
  exists(name: string): Promise<boolean>;
  ensureDir(name: string): Promise<void>;
  /** Removes a file or folder (recursively); nothing where there is none. */
  remove(name: string): Promise<void>;
  /** Removes the temp files a killed run left in folder `dir` ("" for the root). */
  removeTempFiles(dir: string): Promise<void>;
  write(name: string, data: string | Uint8Array): Promise<void>;
  writeChunks(name: string, chunks: Iterable<string>): Promise<void>;
  /**
   * Puts the bytes of file `from` at `to` too, whole or not at all (a hard link where the store can make one, else a
   * copy): the other targets' images (`solana/assets/0.png`) are the collection's own images under other names.
   */
  copy(from: string, to: string): Promise<void>;
  /** Opens a file for appending, creating it; `what` names it in errors. */
  openAppend(name: string, what: string): Promise<Appender>;
  /**
   * Takes the folder for one run, so two runs never write one folder at once: fails with a one-line
   * OUTPUT_CONFLICT naming who holds it; a holder that is gone (killed) does not count.
   */
  lock(): Promise<{ release(): Promise<void> }>;
}

/** Files in .traitloom: what the collection is (state.json) and which tokens are done (done.log). */
export const STATE_DIR = ".traitloom";
const STATE_FILE = `${STATE_DIR}/state.json`;
const JOURNAL_FILE = `${STATE_DIR}/done.log`;
const TEMP_DIR = `${STATE_DIR}/tmp`;
const COLLECTION_FILES = ["_metadata.json", "manifest.json", "rarity.json", "rarity.csv"];
/** The folders the metadata targets write by default (src/core/targets): part of the collection, replaced with it. */
const TARGET_DIRS = ["erc1155", "solana", "cardano", "tezos"];

/** The folders a token's files sit in, "" for the root: "solana/assets" for "solana/assets/0.json". */
function foldersOf(paths: readonly string[]): string[] {
  const dirs = new Set<string>();
  for (const p of paths) {
    const parts = p.split("/").slice(0, -1);
    for (let k = 1; k <= parts.length; k++) dirs.add(parts.slice(0, k).join("/"));
  }
  return [...dirs];
}

/** Every file of a token besides its image: metadata of every target and the image's copies. */
function tokenPathsOf(token: PlannedToken): string[] {
  return [token.image, ...tokenTextFiles(token).map((f) => f.path), ...(token.imageCopies ?? [])];
}
/** Files verified at once when resuming. */
const RESUME_VERIFY_BATCH = 32;

export class FolderSink implements CollectionSink {
  readonly location: string;
  readonly placement: FolderPlacement | undefined;
  private journal: Appender | undefined;
  private held: { release(): Promise<void> } | undefined;

  constructor(
    private readonly store: FileStore,
    private readonly options: { overwrite?: boolean | undefined } = {},
  ) {
    this.location = store.location;
    this.placement = store.diskPath !== undefined ? { root: store.diskPath, tempRoot: joinPath(store.diskPath, TEMP_DIR) } : undefined;
  }

  async open(run: RunIdentity, range: { first: number; end: number }, token: (index: number) => PlannedToken): Promise<Array<[number, string]>> {
    const store = this.store;
    await store.checkRoot();
    await store.ensureDir("");
    this.held = await store.lock();
    const previous = await this.previousRun(run);
    const same = previous !== undefined && previous.state.inputHash === run.inputHash && previous.state.shard === run.shard;
    if (!same) {
      const occupied = previous !== undefined || (await store.exists("images")) || (await store.exists("metadata"));
      if (occupied && !this.options.overwrite) {
        const what = previous
          ? `a different collection (seed "${previous.state.seed}", ${previous.state.count} tokens${previous.state.shard ? `, shard ${previous.state.shard}` : ""})`
          : "images/ or metadata/ from another tool";
        throw new TraitloomError(
          "OUTPUT_CONFLICT",
          `${store.location}: expected an empty folder or this collection's earlier run, found ${what}; choose another -o folder or pass --overwrite to replace it`,
        );
      }
      if (occupied) {
        const targetRoots = new Set([...TARGET_DIRS, ...foldersOf(tokenPathsOf(token(range.first))).map((d) => d.split("/")[0] ?? d)]);
        targetRoots.delete("images");
        targetRoots.delete("metadata");
        targetRoots.delete("");
        for (const p of ["images", "metadata", STATE_DIR, ...COLLECTION_FILES, ...targetRoots]) await store.remove(p);
      }
    }
    await store.ensureDir("");
    // The folders of every target this run writes (the first token's files show them all).
    const dirs = range.end > range.first ? foldersOf(tokenPathsOf(token(range.first))) : [];
    const folders = [...new Set(["images", "metadata", ...dirs])];
    for (const d of [...folders, STATE_DIR]) await store.ensureDir(d);
    // A run killed between writing a temp file and renaming it leaves the temp file behind: never part of the output.
    await Promise.all(["", ...folders, STATE_DIR].map((d) => store.removeTempFiles(d)));
    await store.remove(TEMP_DIR);

    const held: Array<[number, string]> = [];
    if (same) {
      const claimed = previous.claimed;
      const verify = async (i: number): Promise<[number, string] | undefined> => {
        const t = token(i);
        const want = claimed.get(t.id);
        if (!want) return undefined;
        const have = await store.sha256(t.image);
        if (have !== want) return undefined;
        // The image is this collection's: every target's files must be what this run writes. Where only metadata
        // settings changed (base URI, names, outputs), they are rewritten here and the image is kept.
        for (const f of tokenTextFiles(t)) if ((await store.readText(f.path)) !== f.text) await store.write(f.path, f.text);
        for (const copy of t.imageCopies ?? []) if ((await store.sha256(copy)) !== want) await store.copy(t.image, copy);
        return [i, want];
      };
      for (let i = range.first; i < range.end; i += RESUME_VERIFY_BATCH) {
        const batch: Array<Promise<[number, string] | undefined>> = [];
        for (let k = i; k < Math.min(range.end, i + RESUME_VERIFY_BATCH); k++) batch.push(verify(k));
        for (const ok of await Promise.all(batch)) if (ok) held.push(ok);
      }
    }
    await store.write(STATE_FILE, `${JSON.stringify(run, null, 2)}\n`);
    // The journal is rewritten with what was verified, then appended to as tokens finish.
    await store.writeChunks(
      JOURNAL_FILE,
      held.map(([i, hash]) => `${token(i).id} ${hash}\n`),
    );
    this.journal = await store.openAppend(JOURNAL_FILE, "the run's journal");
    return held;
  }

  /**
   * What the folder holds of an earlier run: its identity and the image hash it claims per token id, from
   * .traitloom/ (state.json + done.log); where .traitloom/ is gone (a copy without hidden files) but manifest.json
   * is whole, from the manifest, whose image hashes are then checked file by file like the journal's.
   */
  private async previousRun(run: RunIdentity): Promise<{ state: RunIdentity; claimed: Map<number, string> } | undefined> {
    const store = this.store;
    const claimed = new Map<number, string>();
    const stateText = await store.readText(STATE_FILE);
    if (stateText !== undefined) {
      const state = this.readState(stateText);
      if (!state) return undefined;
      for (const line of ((await store.readText(JOURNAL_FILE)) ?? "").split("\n")) {
        const m = /^(\d+) ([0-9a-f]{64})$/.exec(line);
        if (m?.[1] && m[2]) claimed.set(Number(m[1]), m[2]);
      }
      return { state, claimed };
    }
    const manifestText = await store.readText("manifest.json");
    if (manifestText === undefined) return undefined;
    try {
      const manifest = parseManifest(JSON.parse(manifestText), `${store.location}/manifest.json`);
      const shard = manifest.shard ? `${manifest.shard.index}/${manifest.shard.of}` : undefined;
      if (manifest.inputHash !== run.inputHash || shard !== run.shard) return undefined;
      for (const t of manifest.tokens) claimed.set(t.id, t.image);
      return { state: { ...run }, claimed };
    } catch {
      return undefined;
    }
  }

  /** The earlier run's identity; a damaged state.json is refused by name unless --overwrite replaces it. */
  private readState(text: string): RunIdentity | undefined {
    const path = `${this.store.location}/${STATE_FILE}`;
    try {
      return parseRunState(JSON.parse(text), path);
    } catch (e) {
      if (this.options.overwrite) return undefined;
      const found = isTraitloomError(e) ? e.message : `${path}: expected the run's state as JSON, found a syntax error`;
      throw new TraitloomError("OUTPUT_CONFLICT", `${found}; the folder's run state is damaged: pass --overwrite to replace the collection, or choose another -o folder`);
    }
  }

  async putToken(token: PlannedToken, rendered: RenderedToken): Promise<void> {
    if (!this.journal) throw new Error("folder sink: open first");
    if (rendered.image) {
      await this.store.write(token.image, rendered.image);
      await this.store.write(token.metadataPath, token.metadata);
    } else if (!this.placement) {
      throw new Error(`folder sink: token ${token.id} came without its image, and ${this.location} is no disk folder a backend could write into`);
    }
    for (const f of token.targetFiles ?? []) await this.store.write(f.path, f.text);
    for (const copy of token.imageCopies ?? []) {
      if (rendered.image) await this.store.write(copy, rendered.image);
      else await this.store.copy(token.image, copy);
    }
    // The journal line only after both files are whole: a token in the journal is a token on disk.
    this.journal.append(`${token.id} ${rendered.sha256}\n`);
  }

  async putFile(name: string, chunks: Iterable<string>): Promise<void> {
    await this.store.writeChunks(name, chunks);
  }

  async putBytes(name: string, bytes: Uint8Array): Promise<void> {
    await this.store.write(name, bytes);
  }

  /** History and pack record of the manifest.json in the folder, where it is this collection's (same inputHash, no shard). */
  async previousManifest(inputHash: string): Promise<{ history?: HistoryEntry[] | undefined; pack?: PackRecord | undefined; metadataHash?: string | undefined } | undefined> {
    const text = await this.store.readText("manifest.json");
    if (text === undefined) return undefined;
    try {
      const manifest = parseManifest(JSON.parse(text), `${this.store.location}/manifest.json`);
      if (manifest.inputHash !== inputHash || manifest.shard) return undefined;
      return { history: manifest.history, pack: manifest.pack, metadataHash: manifest.metadataHash };
    } catch {
      return undefined;
    }
  }

  readImage(path: string): Promise<Uint8Array | undefined> {
    return this.store.readBytes(path);
  }

  async finish(): Promise<void> {
    await this.close();
  }

  async close(): Promise<void> {
    const journal = this.journal;
    this.journal = undefined;
    const held = this.held;
    this.held = undefined;
    try {
      await journal?.close();
      if (held) await this.store.remove(TEMP_DIR).catch(() => undefined);
    } finally {
      await held?.release();
    }
  }
}

function joinPath(root: string, name: string): string {
  return `${root.replace(/[\\/]+$/, "")}/${name}`;
}

/** A FileStore in memory: the in-memory sink of tests is `new FolderSink(new MemoryFileStore())`. */
export class MemoryFileStore implements FileStore {
  readonly location: string;
  readonly files = new Map<string, Uint8Array>();
  private readonly dirs = new Set<string>();
  constructor(location = "memory") {
    this.location = location;
  }
  async checkRoot(): Promise<void> {}
  async readText(name: string): Promise<string | undefined> {
    const bytes = this.files.get(name);
    return bytes ? new TextDecoder().decode(bytes) : undefined;
  }
  async readBytes(name: string): Promise<Uint8Array | undefined> {
    return this.files.get(name)?.slice();
  }
  async sha256(name: string): Promise<string | undefined> {
    const bytes = this.files.get(name);
    if (!bytes) return undefined;
    const { sha256Hex } = await import("../core/hash.js");
    return sha256Hex(bytes);
  }
  async exists(name: string): Promise<boolean> {
    return this.dirs.has(name) || this.files.has(name) || [...this.files.keys()].some((k) => k.startsWith(`${name}/`));
  }
  async ensureDir(name: string): Promise<void> {
    this.dirs.add(name);
  }
  async remove(name: string): Promise<void> {
    this.dirs.delete(name);
    for (const k of [...this.files.keys()]) if (k === name || k.startsWith(`${name}/`)) this.files.delete(k);
  }
  async removeTempFiles(): Promise<void> {}
  async write(name: string, data: string | Uint8Array): Promise<void> {
    this.files.set(name, typeof data === "string" ? new TextEncoder().encode(data) : data.slice());
  }
  async writeChunks(name: string, chunks: Iterable<string>): Promise<void> {
    await this.write(name, [...chunks].join(""));
  }
  async copy(from: string, to: string): Promise<void> {
    const bytes = this.files.get(from);
    if (!bytes) throw new TraitloomError("WRITE_FAILED", `${this.location}/${to}: expected to copy ${from}, found no such file`);
    this.files.set(to, bytes.slice());
  }
  private locked = false;
  async lock(): Promise<{ release(): Promise<void> }> {
    if (this.locked) throw new TraitloomError("OUTPUT_CONFLICT", `${this.location}: expected no other run writing this collection, found one`);
    this.locked = true;
    return { release: async () => void (this.locked = false) };
  }
  async openAppend(name: string): Promise<Appender> {
    let text = (await this.readText(name)) ?? "";
    return {
      append: (line) => {
        text += line;
        this.files.set(name, new TextEncoder().encode(text));
      },
      close: async () => undefined,
    };
  }
}
