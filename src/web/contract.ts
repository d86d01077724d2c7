/**
 * The page test/e2e/contract.e2e.ts drives: the browser half of the render contract (test/contract/cases.ts). Given
 * a layers folder's files and a case, it runs the studio's engine as the studio does, into a ZIP (`zip`) or into a
 * fresh folder of the origin-private file system cut off half-way and run again to resume (`folder`), and hands
 * back what was written, for the test to compare with the Node backend's collection of the same case.
 */
import { chooseCanvasSize, type ImageSize } from "../core/canvas.js";
import { parseConfig, type TraitloomConfig } from "../core/config.js";
import { renderImagesOf } from "../core/draw.js";
import { isTraitloomError } from "../core/errors.js";
import { buildLayerSet } from "../core/layers.js";
import { generateCollection, generateIntoFolder, newRenderWorker, removeArchive, type GenerateRequest } from "../browser/engine.js";
import { analyzeProject, DEFAULT_SETTINGS } from "../browser/project.js";
import { decodeSize } from "./loaders.js";

/** A layers folder: its name and every file under it, by path relative to it, as base64. */
export interface ContractFixture {
  root: string;
  files: Array<{ path: string; base64: string }>;
}

export interface ContractRun {
  seed: string;
  count: number;
  workers: number;
  /** A traitloom.json's content; undefined: the folder alone, read through the studio's default settings. */
  config?: TraitloomConfig | undefined;
}

export interface ZipOutcome {
  /** The archive's bytes. */
  archive: string;
  rendered: number;
  resumed: number;
  provenance: string;
}

export interface FolderOutcome {
  /** How the cut-off run ended: the error's code ("ABORTED") and message, or "finished" where it was not stopped. */
  cut: { code: string; message: string; doneAtAbort: number };
  /** What the cut-off run left, by path → base64. */
  afterCut: Record<string, string>;
  /** The second run on the same folder. */
  rendered: number;
  resumed: number;
  provenance: string;
  /** Every file of the folder after the second run, by path → base64. */
  files: Record<string, string>;
}

/**
 * How long each render batch waits on its way to a render worker in the cut-off run. The fixture's 24x24 tokens
 * render in well under a millisecond, faster than progress reaches the page and a cancel gets back: without a
 * pace the run is over before it can be stopped half-way. The pace only delays messages; the bytes are the workers'.
 */
const PACE_MS = 250;
/** Tokens per batch in the cut-off run, so a stop half-way leaves the rest unrendered. */
const CUT_BATCH_TOKENS = 1;

function fromBase64(b64: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

function toBase64(bytes: Uint8Array): string {
  let s = "";
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) s += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(s);
}

/** The request the studio would make for these files and this case (bench.ts builds its own the same way). */
async function request(fixture: ContractFixture, run: ContractRun): Promise<GenerateRequest> {
  const blobs = new Map(fixture.files.map((f) => [f.path, new Blob([fromBase64(f.base64)])]));
  const decoded = new Map(await Promise.all([...blobs].map(async ([path, blob]) => [path, await decodeSize(blob)] as const)));
  const analysis = analyzeProject(
    fixture.root,
    [...blobs].map(([path, blob]) => ({ path, size: blob.size })),
    decoded,
    { ...DEFAULT_SETTINGS, count: run.count, seed: run.seed, workers: run.workers },
  );
  if (analysis.problems.length > 0 || analysis.error !== undefined) {
    throw new Error(`contract: the fixture does not load: ${analysis.error ?? analysis.problems.map((p) => `${p.path}: ${p.message}`).join("; ")}`);
  }
  const config = run.config ?? analysis.config;
  // The layer set the collection worker will build from the same listing and config, for the order of the sources.
  const layerSet = buildLayerSet(analysis.listing, parseConfig(config, "contract config"), "contract config");
  const sizes: ImageSize[] = [];
  // Traits per layer, or the render plan's images (core/draw.ts renderImagesOf), as the studio's sources.
  const sources = renderImagesOf(layerSet).map((row) =>
    row.map((t) => {
      const d = decoded.get(t.file);
      const file = blobs.get(t.file);
      if (!d || "error" in d || !file) throw new Error(`contract: ${t.file} does not decode`);
      sizes.push({ file: t.file, width: d.width, height: d.height });
      return { file, width: d.width, height: d.height, ...(t.x !== 0 || t.y !== 0 ? { x: t.x, y: t.y } : {}) };
    }),
  );
  const canvas = chooseCanvasSize(sizes, config);
  return {
    listing: analysis.listing,
    config,
    count: run.count,
    seed: run.seed,
    width: canvas.width,
    height: canvas.height,
    resize: config.resize ?? "error",
    sources,
    workers: run.workers,
  };
}

function isRequest(data: unknown, method: string): data is { type: "request"; id: number; method: string; params: Record<string, unknown> } {
  return typeof data === "object" && data !== null && (data as { type?: unknown }).type === "request" && (data as { method?: unknown }).method === method;
}

/** The rendered images of a render response, to pass on transferred rather than copied. */
function imagesOf(data: unknown): ArrayBuffer[] {
  const images = (data as { result?: { images?: Array<{ bytes?: unknown }> } } | undefined)?.result?.images;
  return Array.isArray(images) ? images.map((i) => i.bytes).filter((b): b is ArrayBuffer => b instanceof ArrayBuffer) : [];
}

/**
 * The studio's render worker behind a relay that holds each render request PACE_MS before passing it on: the
 * engine attaches it to the collection worker as it would the worker itself, and the relay sits on that channel.
 */
class PacedRenderWorker {
  private readonly worker = newRenderWorker();
  private readonly ports: MessagePort[] = [];

  addEventListener(type: string, listener: EventListenerOrEventListenerObject): void {
    this.worker.addEventListener(type, listener);
  }

  postMessage(message: unknown, transfer: Transferable[] = []): void {
    if (!isRequest(message, "attach")) {
      this.worker.postMessage(message, transfer);
      return;
    }
    const outer = message.params.port as MessagePort;
    const channel = new MessageChannel();
    outer.onmessage = (e: MessageEvent) => {
      const forward = (): void => channel.port2.postMessage(e.data);
      if (isRequest(e.data, "render")) setTimeout(forward, PACE_MS);
      else forward();
    };
    channel.port2.onmessage = (e: MessageEvent) => outer.postMessage(e.data, imagesOf(e.data));
    this.ports.push(outer, channel.port2);
    this.worker.postMessage({ ...message, params: { ...message.params, port: channel.port1 } }, [channel.port1]);
  }

  terminate(): void {
    this.worker.terminate();
    for (const p of this.ports) p.close();
  }
}

async function readFolder(dir: FileSystemDirectoryHandle, prefix = "", out: Record<string, string> = {}): Promise<Record<string, string>> {
  for await (const [name, handle] of dir.entries()) {
    if (handle.kind === "directory") await readFolder(handle as FileSystemDirectoryHandle, `${prefix}${name}/`, out);
    else out[`${prefix}${name}`] = toBase64(new Uint8Array(await (await (handle as FileSystemFileHandle).getFile()).arrayBuffer()));
  }
  return out;
}

async function zip(fixture: ContractFixture, run: ContractRun): Promise<ZipOutcome> {
  const result = await generateCollection(await request(fixture, run));
  const archive = toBase64(new Uint8Array(await result.file.arrayBuffer()));
  // A run no longer deletes the archives before it (the studio keeps finished runs): the contract page drops its own.
  await removeArchive(result.zipName);
  return { archive, rendered: result.rendered, resumed: result.resumed, provenance: result.provenance };
}

let folders = 0;

async function folder(fixture: ContractFixture, run: ContractRun): Promise<FolderOutcome> {
  const req = await request(fixture, run);
  const root = await navigator.storage.getDirectory();
  const name = `contract-${Date.now().toString(36)}-${folders++}`;
  const dir = await root.getDirectoryHandle(name, { create: true });
  try {
    const controller = new AbortController();
    const half = Math.ceil(run.count / 2);
    let doneAtAbort = -1;
    // A clock that moves a second per reading: the engine then passes on every progress report, not 4 a second.
    let clock = 0;
    const cut = await generateIntoFolder({ ...req, renderWorker: () => new PacedRenderWorker() as unknown as Worker, batchTokens: CUT_BATCH_TOKENS }, dir, {
      signal: controller.signal,
      now: () => (clock += 1000),
      onProgress: (p) => {
        if (p.done >= half && !controller.signal.aborted) {
          doneAtAbort = p.done;
          controller.abort();
        }
      },
    }).then(
      () => ({ code: "finished", message: "" }),
      (e: unknown) => ({ code: isTraitloomError(e) ? e.code : "other", message: e instanceof Error ? e.message : String(e) }),
    );
    const afterCut = await readFolder(dir);
    const again = await generateIntoFolder(req, dir);
    return { cut: { ...cut, doneAtAbort }, afterCut, rendered: again.rendered, resumed: again.resumed, provenance: again.provenance, files: await readFolder(dir) };
  } finally {
    await root.removeEntry(name, { recursive: true });
  }
}

export interface ContractApi {
  zip: typeof zip;
  folder: typeof folder;
}

(window as unknown as { traitloomContract: ContractApi }).traitloomContract = { zip, folder };
document.getElementById("log")!.textContent = "contract page ready";
