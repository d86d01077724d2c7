/**
 * The collection worker hosts the one pipeline (src/render/pipeline.ts) for the studio: it plans with core (the
 * same calls as the CLI), renders through the render workers behind the ports the page handed it, and stores into
 * the archive (a ZIP in the origin-private file system, or in memory where there is none) or into a folder the user
 * picked (the CLI's layout, resumable). The page only starts a run, cancels it, and hears progress.
 */
import { parseConfig } from "../core/config.js";
import { buildLayerSet, type LayerSet } from "../core/layers.js";
import { editionsCount } from "../core/editions.js";
import { withRules } from "../core/ruleModel.js";
import { planCollection, type Plan } from "../core/planner.js";
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
import type { CollectionEvents, CollectionInput, CollectionMethods, FinishResult, GenerateParams } from "./protocol.js";
import { MemoryBytes, OpfsBytes, ZipCollectionSink } from "./zipSink.js";

declare const self: DedicatedWorkerGlobalScope;

/** The page hears about progress at most this often. */
const PROGRESS_INTERVAL_MS = 100;
const RUNS_DIR = "runs";

/** The run in progress, to cancel. */
let running: AbortController | undefined;

function prepare(method: string, input: CollectionInput): { layerSet: LayerSet; settings: CollectionSettings; plan: Plan } {
  checkCollectionInput(method, input);
  const config = parseConfig(input.config, "studio settings");
  const layerSet = withRules(buildLayerSet(input.listing, config), config, "studio settings");
  const settings = resolveSettings(config, { count: editionsCount(config) ?? input.count, seed: input.seed });
  const plan = planCollection(layerSet, settings.count, settings.seed);
  return { layerSet, settings, plan };
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
      return { count: plan.count, capacity: plan.capacity, deviations: plan.deviations, tokens };
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
  { concurrent: ["generate", "cancel"] },
);

async function generate(params: GenerateParams, signal: AbortSignal): Promise<Transfer<FinishResult>> {
  const { layerSet, settings, plan } = prepare("generate", params);
  // The CLI's hashes of the same inputs, so a studio manifest and a CLI manifest agree: sources are in the rows of
  // renderImagesOf (traits per layer, or the render plan's images), hashed per file, then per trait as the CLI does.
  const images = renderImagesOf(layerSet);
  const byFile = new Map<string, string>();
  await Promise.all(
    params.sources.map((row, r) =>
      Promise.all(
        row.map(async (s, k) => {
          const file = images[r]?.[k]?.file;
          if (file !== undefined) byFile.set(file, await sha256HexOf(new Uint8Array(await s.file.arrayBuffer())));
        }),
      ),
    ),
  );
  const fileHashes = traitFileHashes(layerSet, (file) => byFile.get(file) ?? "", (text) => sha256Hex(text));
  const backend = await BrowserRenderBackend.connect(
    params.ports,
    { width: params.width, height: params.height, resize: params.resize, sources: params.sources, variant: params.variant },
    params.batchTokens,
    renderPlanOf(layerSet)?.steps,
  );
  const target = params.target;
  let zip: ZipCollectionSink | undefined;
  let sink: CollectionSink;
  if (target.kind === "zip") sink = zip = new ZipCollectionSink(await openArchive(target.zipName), new Date(target.modified), plan.count);
  else sink = new FolderSink(new DirectoryStore(target.handle), { overwrite: target.overwrite });

  let last = -Infinity;
  const result = await runCollection({ layerSet, settings, width: params.width, height: params.height, fileHashes, plan }, backend, sink, {
    signal,
    onProgress: (p) => {
      const now = performance.now();
      if (p.done < p.total && now - last < PROGRESS_INTERVAL_MS) return;
      last = now;
      server.emit("progress", { ...p, bytes: zip?.size ?? 0 });
    },
  });
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
    ranks: result.rarity.ranks,
    scores: result.rarity.scores,
    provenance: result.provenance,
    writeMs: zip?.writeMs ?? 0,
    timing: backend.timing,
  };
  return new Transfer(finished, [finished.imageOffsets.buffer, finished.imageSizes.buffer, finished.ranks.buffer, finished.scores.buffer]);
}
