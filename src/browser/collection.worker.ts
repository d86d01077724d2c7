/**
 * The collection worker: plans the collection with core (the same calls as the CLI), then writes the archive as
 * images arrive from the render workers' ports: images/<id>.png, metadata/<id>.json, and at the end
 * _metadata.json, manifest.json, rarity.json and rarity.csv. The archive is a file in the origin-private file
 * system written through a sync access handle, so images never pile up in memory; where the browser offers no
 * such file, it is kept as a Blob (the browser may page it to disk).
 */
import { parseConfig } from "../core/config.js";
import { buildLayerSet, type LayerSet } from "../core/layers.js";
import { tokenMetadata, tokenRecord } from "../core/metadata.js";
import { allMetadataChunks, layerSetFingerprint, manifestChunks, rarityJsonChunks, TOOL_VERSION, manifestEntry, type ManifestEntry, type ManifestHeader } from "../core/output.js";
import { planCollection, type Plan } from "../core/planner.js";
import { rarityCsv, rarityReport } from "../core/rarity.js";
import { resolveSettings, type CollectionSettings } from "../core/settings.js";
import type { CollectionEvent, CollectionInput, CollectionMethods, FinishResult, ImageMessage, StartRequest } from "../render/protocol.js";
import { sha256HexOf } from "./hash.js";
import { checkCollectionInput } from "./messages.js";
import { tokenMetadataJson } from "./output.js";
import { toWorkerError } from "../render/protocol.js";
import { serve, Transfer } from "./rpc.js";
import { ZipWriter, type ZipSink } from "./zipWriter.js";

declare const self: DedicatedWorkerGlobalScope;

/** The page hears about progress at most this often. */
const PROGRESS_INTERVAL_MS = 100;
const RUNS_DIR = "runs";
/** Bytes gathered before one write into the archive file. */
const OPFS_BUFFER_BYTES = 4 << 20;

const utf8 = new TextEncoder();

interface Run {
  request: StartRequest;
  layerSet: LayerSet;
  plan: Plan;
  settings: CollectionSettings;
  configHash: string;
  inputHash: string;
  zip: ZipWriter;
  sink: OpfsSink | MemorySink;
  written: number;
  hashes: string[];
  imageOffsets: Float64Array;
  imageSizes: Uint32Array;
  progressTimer: ReturnType<typeof setTimeout> | undefined;
  failed: boolean;
  /** Milliseconds spent writing images and their metadata into the archive. */
  writeMs: number;
}

let run: Run | undefined;

/**
 * The archive file in the origin-private file system. Writes are gathered into one buffer and handed to the
 * sync access handle a few MiB at a time: each write() is a call into the browser's file backend, and a call
 * per ZIP header cost more than the whole render of a token.
 */
class OpfsSink implements ZipSink {
  readonly kind = "opfs";
  private readonly buffer = new Uint8Array(OPFS_BUFFER_BYTES);
  private used = 0;
  /** Archive offset of buffer[0]. */
  private base = 0;
  constructor(private readonly handle: FileSystemSyncAccessHandle) {}
  write(bytes: Uint8Array): void {
    if (this.used + bytes.length > this.buffer.length) this.flushBuffer();
    if (bytes.length >= this.buffer.length) {
      this.writeThrough(bytes, this.base);
      this.base += bytes.length;
      return;
    }
    this.buffer.set(bytes, this.used);
    this.used += bytes.length;
  }
  writeAt(bytes: Uint8Array, offset: number): void {
    if (offset >= this.base && offset + bytes.length <= this.base + this.used) this.buffer.set(bytes, offset - this.base);
    else this.writeThrough(bytes, offset);
  }
  close(): void {
    this.flushBuffer();
    this.handle.flush();
    this.handle.close();
  }
  private flushBuffer(): void {
    if (this.used === 0) return;
    this.writeThrough(this.buffer.subarray(0, this.used), this.base);
    this.base += this.used;
    this.used = 0;
  }
  private writeThrough(bytes: Uint8Array, at: number): void {
    let done = 0;
    while (done < bytes.length) done += this.handle.write(bytes.subarray(done) as Uint8Array<ArrayBuffer>, { at: at + done });
  }
}

class MemorySink implements ZipSink {
  readonly kind = "memory";
  private readonly parts: Uint8Array[] = [];
  private readonly starts: number[] = [];
  private at = 0;
  write(bytes: Uint8Array): void {
    this.starts.push(this.at);
    this.parts.push(bytes.slice());
    this.at += bytes.length;
  }
  writeAt(bytes: Uint8Array, offset: number): void {
    // Patches are headers written in one piece: find that piece.
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    const part = this.parts[lo];
    if (!part) throw new Error("zip: patch outside the archive");
    part.set(bytes, offset - (this.starts[lo] ?? 0));
  }
  blob(): Blob {
    return new Blob(this.parts as Uint8Array<ArrayBuffer>[], { type: "application/zip" });
  }
  close(): void {}
}

function prepare(method: string, input: CollectionInput): { layerSet: LayerSet; settings: CollectionSettings; plan: Plan } {
  checkCollectionInput(method, input);
  const config = parseConfig(input.config, "studio settings");
  const layerSet = buildLayerSet(input.listing, config);
  const settings = resolveSettings(config, { count: input.count, seed: input.seed });
  const plan = planCollection(layerSet, settings.count, settings.seed);
  return { layerSet, settings, plan };
}

async function openSink(zipName: string): Promise<OpfsSink | MemorySink> {
  try {
    const root = await navigator.storage.getDirectory();
    const dir = await root.getDirectoryHandle(RUNS_DIR, { create: true });
    const file = await dir.getFileHandle(zipName, { create: true });
    const handle = await file.createSyncAccessHandle();
    handle.truncate(0);
    return new OpfsSink(handle);
  } catch {
    return new MemorySink();
  }
}

function post(event: CollectionEvent): void {
  self.postMessage(event);
}

function reportProgress(r: Run, now: boolean): void {
  if (now) {
    if (r.progressTimer !== undefined) clearTimeout(r.progressTimer);
    r.progressTimer = undefined;
    post({ type: "event", event: "progress", written: r.written, bytes: r.zip.size });
    return;
  }
  r.progressTimer ??= setTimeout(() => {
    r.progressTimer = undefined;
    post({ type: "event", event: "progress", written: r.written, bytes: r.zip.size });
  }, PROGRESS_INTERVAL_MS);
}

function onImage(message: ImageMessage): void {
  const r = run;
  if (!r || r.failed) return;
  const t0 = performance.now();
  try {
    const index = message.index;
    if (!Number.isInteger(index) || index < 0 || index >= r.plan.count || r.hashes[index] !== undefined) {
      throw new Error(`collection: unexpected image for token index ${index}`);
    }
    const id = r.settings.startId + index;
    const bytes = new Uint8Array(message.bytes);
    const { dataOffset } = r.zip.addFile(`images/${id}.png`, bytes, message.crc32);
    r.imageOffsets[index] = dataOffset;
    r.imageSizes[index] = bytes.length;
    r.zip.addFile(`metadata/${id}.json`, utf8.encode(tokenMetadataJson(r.layerSet, r.plan, r.settings, index).json));
    r.hashes[index] = message.sha256;
    r.written++;
    r.writeMs += performance.now() - t0;
    reportProgress(r, r.written === r.plan.count);
  } catch (e) {
    r.failed = true;
    post({ type: "event", event: "error", error: toWorkerError(e) });
  }
}

function writeStreamed(zip: ZipWriter, name: string, pieces: Iterable<string>): void {
  const entry = zip.beginFile(name);
  for (const piece of pieces) entry.append(utf8.encode(piece));
  entry.end();
}

serve<CollectionMethods>(self, {
  plan(params) {
    const { layerSet, settings, plan } = prepare("plan", params);
    const first = Math.max(0, Math.min(plan.count, params.sample.first));
    const last = Math.min(plan.count, first + Math.max(0, params.sample.count));
    const tokens = [];
    for (let i = first; i < last; i++) {
      const { record, json } = tokenMetadataJson(layerSet, plan, settings, i);
      tokens.push({ index: i, id: record.id, traits: record.dna.split("-").map(Number), dna: record.dna, metadataJson: json });
    }
    return { count: plan.count, capacity: plan.capacity, deviations: plan.deviations, tokens };
  },
  async start(params) {
    if (run) run.sink.close();
    run = undefined;
    const { layerSet, settings, plan } = prepare("start", params);
    // The CLI's hashes of the same inputs (src/node/generate.ts), so a studio manifest and a CLI manifest agree.
    const fileHashes = await Promise.all(params.traitFiles.map((row) => Promise.all(row.map(async (f) => sha256HexOf(new Uint8Array(await (f as Blob).arrayBuffer()))))));
    const settingsJson = JSON.stringify({ ...settings, width: params.width, height: params.height });
    const configHash = await sha256HexOf(utf8.encode(settingsJson));
    const inputHash = await sha256HexOf(utf8.encode(JSON.stringify([TOOL_VERSION, settingsJson, layerSetFingerprint(layerSet), fileHashes])));
    const sink = await openSink(params.zipName);
    run = {
      request: params,
      layerSet,
      plan,
      settings,
      configHash,
      inputHash,
      zip: new ZipWriter(sink, new Date(params.modified)),
      sink,
      written: 0,
      hashes: new Array<string>(plan.count),
      imageOffsets: new Float64Array(plan.count),
      imageSizes: new Uint32Array(plan.count),
      progressTimer: undefined,
      failed: false,
      writeMs: 0,
    };
    for (const p of params.ports) {
      const port = p as MessagePort;
      port.onmessage = (e: MessageEvent<ImageMessage>) => onImage(e.data);
    }
    const traits = plan.traits.slice();
    return new Transfer(
      { count: plan.count, layerCount: plan.layerCount, startId: settings.startId, traits, deviations: plan.deviations, storage: sink.kind },
      [traits.buffer],
    );
  },
  finish() {
    const r = run;
    if (!r) throw new Error("collection: start first");
    if (r.written !== r.plan.count) throw new Error(`collection: ${r.written} of ${r.plan.count} images written`);
    const report = rarityReport(r.layerSet, r.plan);
    const { layerSet, plan, settings } = r;
    function* metadataOfAll(): Generator<Record<string, unknown>> {
      for (let i = 0; i < plan.count; i++) yield tokenMetadata(tokenRecord(layerSet, plan, i, settings), settings);
    }
    function* manifestTokens(hashes: readonly string[]): Generator<ManifestEntry> {
      for (let i = 0; i < plan.count; i++) yield manifestEntry(tokenRecord(layerSet, plan, i, settings), hashes[i] ?? "");
    }
    writeStreamed(r.zip, "_metadata.json", allMetadataChunks(metadataOfAll()));
    const header: ManifestHeader = {
      seed: settings.seed,
      count: plan.count,
      startId: settings.startId,
      width: r.request.width,
      height: r.request.height,
      format: settings.format,
      configHash: r.configHash,
      inputHash: r.inputHash,
    };
    let provenance = "";
    writeStreamed(r.zip, "manifest.json", manifestChunks(header, manifestTokens(r.hashes), (p) => (provenance = p)));
    writeStreamed(r.zip, "rarity.json", rarityJsonChunks(report, (i) => settings.startId + i));
    r.zip.addFile("rarity.csv", utf8.encode(rarityCsv(report)));
    r.zip.finish();
    r.sink.close();
    const result: FinishResult = {
      zipName: r.request.zipName,
      storage: r.sink.kind,
      bytes: r.zip.size,
      imageOffsets: r.imageOffsets,
      imageSizes: r.imageSizes,
      traits: report.traits,
      ranks: report.ranks,
      scores: report.scores,
      provenance,
      writeMs: r.writeMs,
    };
    if (r.sink instanceof MemorySink) result.blob = r.sink.blob();
    run = undefined;
    return new Transfer(result, [result.imageOffsets.buffer, result.imageSizes.buffer, result.ranks.buffer, result.scores.buffer]);
  },
});
