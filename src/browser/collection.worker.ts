/**
 * The collection worker hosts the one pipeline (src/render/pipeline.ts) for the studio: it plans with core (the
 * same calls as the CLI), renders through the render workers behind the ports the page handed it, and stores into
 * the archive (a ZIP in the origin-private file system, or in memory where there is none) or into a folder the user
 * picked (the CLI's layout, resumable). The page only starts a run, cancels it, and hears progress.
 */
import { parseConfig } from "../core/config.js";
import { buildLayerSet, type LayerSet } from "../core/layers.js";
import { ONE_OF_ONES_WITH_EDITIONS } from "../core/editionCapacity.js";
import { editionsCount } from "../core/editions.js";
import { withRules } from "../core/ruleModel.js";
import { oneOfOnesOfFiles } from "../core/oneOfOnes.js";
import { planCollection, type Plan } from "../core/planner.js";
import { hasTokenEdits, oneOfOnesConflict } from "../core/tokenEdits.js";
import { resolveSettings, type CollectionSettings } from "../core/settings.js";
import { FolderSink } from "../render/folderSink.js";
import { plannedToken, runCollection, type CollectionSink } from "../render/pipeline.js";
import { serve, Transfer } from "../render/rpc.js";
import { renderImagesOf, renderPlanOf, traitFileHashes } from "../core/draw.js";
import { sha256Hex } from "../core/hash.js";
import { BrowserRenderBackend, drawSteps } from "./backend.js";
import { DirectoryStore } from "./directoryStore.js";
import { sha256HexOf } from "./hash.js";
import { checkCollectionInput } from "./messages.js";
import type { CollectionEvents, CollectionInput, CollectionMethods, ConnectParams, FinishResult, GenerateParams, RunStage, TraitSource } from "./protocol.js";
import { MemoryBytes, OpfsBytes, ZipCollectionSink } from "./zipSink.js";

declare const self: DedicatedWorkerGlobalScope;

/** The page hears about progress at most this often. */
const PROGRESS_INTERVAL_MS = 100;
const RUNS_DIR = "runs";

/** The run in progress, to cancel. */
let running: AbortController | undefined;
/** Render workers handed over by `connect`, kept for every run that comes without ports of its own. */
let connected: BrowserRenderBackend | undefined;

interface Prepared {
  layerSet: LayerSet;
  settings: CollectionSettings;
  plan: Plan;
}
/** The last plan made, by its inputs: a run of what was just planned (the preview, a repeated run) plans nothing. */
let lastPrepared: { key: string; prepared: Prepared } | undefined;
/** sha256 of each source file (sources[row][k]), by the sources' key (RenderInit.key): the same files are not read and hashed again. */
let lastFileHashes: { key: string; hashes: Promise<string[][]> } | undefined;

function prepare(method: string, input: CollectionInput): Prepared {
  checkCollectionInput(method, input);
  const key = JSON.stringify([input.listing, input.config, input.count, input.seed]);
  if (lastPrepared?.key === key) return lastPrepared.prepared;
  const config = parseConfig(input.config, "studio settings");
  const layerSet = withRules(buildLayerSet(input.listing, config), config, "studio settings");
  const settings = resolveSettings(config, { count: editionsCount(config) ?? input.count, seed: input.seed });
  const plan = planCollection(layerSet, settings.count, settings.seed);
  const prepared = { layerSet, settings, plan };
  lastPrepared = { key, prepared };
  return prepared;
}

/** sha256 of every source file, once per set of sources. */
function sourceHashesOf(sources: TraitSource[][], key: string | undefined): Promise<string[][]> {
  if (key !== undefined && lastFileHashes?.key === key) return lastFileHashes.hashes;
  const hashes = Promise.all(sources.map((row) => Promise.all(row.map(async (s) => sha256HexOf(new Uint8Array(await s.file.arrayBuffer()))))));
  if (key !== undefined) {
    lastFileHashes = { key, hashes };
    hashes.catch(() => lastFileHashes?.hashes === hashes && (lastFileHashes = undefined));
  }
  return hashes;
}

function stage(name: RunStage): void {
  server.emit("stage", { stage: name, at: performance.timeOrigin + performance.now() });
}

async function openArchive(zipName: string): Promise<OpfsBytes | MemoryBytes> {
  try {
    const root = await navigator.storage.getDirectory();
    const dir = await root.getDirectoryHandle(RUNS_DIR, { create: true });
    const file = await dir.getFileHandle(zipName, { create: true });
    const handle = await file.createSyncAccessHandle();
    handle.truncate(0);
    return new OpfsBytes(handle);
  } catch {
    return new MemoryBytes();
  }
}

const server = serve<CollectionMethods, CollectionEvents>(
  self,
  {
    plan(params) {
      const { layerSet, settings, plan } = prepare("plan", params);
      const first = Math.max(0, Math.min(plan.count, params.sample.first));
      const last = Math.min(plan.count, first + Math.max(0, params.sample.count));
      const tokens = [];
      const steps = renderPlanOf(layerSet)?.steps;
      for (let i = first; i < last; i++) {
        const t = plannedToken(layerSet, plan, settings, i);
        const draw = t.draw && steps ? drawSteps(t.draw, steps) : undefined;
        tokens.push({ index: i, id: t.id, traits: t.traits, draw, dna: t.traits.join("-"), metadataJson: t.metadata });
      }
      return { count: plan.count, capacity: plan.capacity, deviations: plan.deviations, tokens, edits: plan.edits };
    },

    async connect(params: ConnectParams) {
      const backend = BrowserRenderBackend.over(params.ports);
      connected = backend;
      if (params.init.key !== undefined) void sourceHashesOf(params.init.sources, params.init.key).catch(() => undefined);
      const { decoded, decodeMs } = await backend.init(params.init);
      return { connected: params.ports.length, decoded, decodeMs };
    },

    async generate(params: GenerateParams) {
      if (running) throw new Error("collection: a run is already in progress");
      const controller = new AbortController();
      running = controller;
      try {
        return await generate(params, controller.signal);
      } finally {
        running = undefined;
      }
    },

    cancel() {
      const was = running !== undefined;
      running?.abort();
      return { cancelled: was };
    },
  },
  { concurrent: ["generate", "cancel", "connect"] },
);

async function generate(params: GenerateParams, signal: AbortSignal): Promise<Transfer<FinishResult>> {
  if (params.ports.length > 0) connected = BrowserRenderBackend.over(params.ports, params.batchTokens);
  const backend = connected;
  if (!backend) throw new Error("collection: no render workers (connect first, or send ports)");
  // Told first, so the render workers take the traits (decoding them, unless they hold them already) while this
  // worker plans and hashes.
  const ready = backend.init({ width: params.width, height: params.height, resize: params.resize, sources: params.sources, variant: params.variant, key: params.key }, params.batchTokens);
  ready.catch(() => undefined);
  const sourceHashes = sourceHashesOf(params.sources, params.key);
  sourceHashes.catch(() => undefined);
  const prepared = prepare("generate", params);
  const { layerSet, settings } = prepared;
  // 1-of-1s as the CLI places them (core's same code): the plan holds the other tokens, planned as the CLI plans them.
  const oneOfOnes = params.oneOfOnes ? oneOfOnesOfFiles(params.oneOfOnes.files, params.oneOfOnes.config, settings) : undefined;
  if (oneOfOnes && layerSet.editions) throw new Error(ONE_OF_ONES_WITH_EDITIONS);
  // As the CLI refuses `oneOfOnes` with `reroll`/`ban` (core's withTokenEdits): their ids would move around the 1-of-1s.
  if (oneOfOnes && hasTokenEdits(layerSet)) throw oneOfOnesConflict("studio settings", layerSet.tokenEdits.reroll.length > 0 ? "reroll" : "ban");
  const plan = oneOfOnes ? planCollection(layerSet, oneOfOnes.generated, settings.seed) : prepared.plan;
  backend.steps = renderPlanOf(layerSet)?.steps;
  stage("planned");
  // The CLI's hashes of the same inputs, so a studio manifest and a CLI manifest agree: sources are in the rows of
  // renderImagesOf (traits per layer, or the render plan's images), hashed per file, then per trait as the CLI does.
  const images = renderImagesOf(layerSet);
  const byFile = new Map<string, string>();
  (await sourceHashes).forEach((row, r) =>
    row.forEach((hash, k) => {
      const file = images[r]?.[k]?.file;
      if (file !== undefined) byFile.set(file, hash);
    }),
  );
  const hashes = traitFileHashes(layerSet, (file) => byFile.get(file) ?? "", (text) => sha256Hex(text));
  await ready;
  stage("connected");
  const target = params.target;
  let zip: ZipCollectionSink | undefined;
  let sink: CollectionSink;
  if (target.kind === "zip") sink = zip = new ZipCollectionSink(await openArchive(target.zipName), new Date(target.modified), plan.count);
  else sink = new FolderSink(new DirectoryStore(target.handle), { overwrite: target.overwrite });

  let last = -Infinity;
  let first = true;
  const result = await runCollection({ layerSet, settings, width: params.width, height: params.height, fileHashes: hashes, plan, oneOfOnes, projectFiles: params.projectFiles }, backend, sink, {
    signal,
    onProgress: (p) => {
      if (first && p.done > p.resumed) {
        first = false;
        stage("first-token");
      }
      if (p.done === p.total) stage("rendered");
      const now = performance.now();
      if (p.done < p.total && now - last < PROGRESS_INTERVAL_MS) return;
      last = now;
      server.emit("progress", { ...p, bytes: zip?.size ?? 0 });
    },
  });
  stage("stored");
  // Rarity is the generated tokens' (plan order); the page reads ranks and scores by output order, where a 1-of-1
  // has rank 0 (none) and score 0.
  let { ranks, scores } = result.rarity;
  if (oneOfOnes) {
    const byPlan = { ranks, scores };
    ranks = new Uint32Array(result.count);
    scores = new Float64Array(result.count);
    for (let p = 0; p < byPlan.ranks.length; p++) {
      const i = oneOfOnes.indexOfPlan(p);
      ranks[i] = byPlan.ranks[p] ?? 0;
      scores[i] = byPlan.scores[p] ?? 0;
    }
  }
  const finished: FinishResult = {
    target: target.kind,
    zipName: target.kind === "zip" ? target.zipName : "",
    storage: zip ? zip.bytes.kind : "directory",
    blob: zip && zip.bytes instanceof MemoryBytes ? zip.bytes.blob() : undefined,
    bytes: zip?.size ?? result.imageBytes,
    count: result.count,
    startId: settings.startId,
    rendered: result.rendered,
    resumed: result.resumed,
    deviations: result.deviations,
    imageOffsets: zip?.imageOffsets ?? new Float64Array(0),
    imageSizes: zip?.imageSizes ?? new Uint32Array(0),
    traits: result.rarity.traits,
    ranks,
    scores,
    provenance: result.provenance,
    writeMs: zip?.writeMs ?? 0,
    timing: backend.timing,
  };
  return new Transfer(finished, [finished.imageOffsets.buffer, finished.imageSizes.buffer, finished.ranks.buffer, finished.scores.buffer]);
}
