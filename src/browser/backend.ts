/**
 * The studio's render backend, as the collection worker holds it: render workers reached over MessagePorts (the
 * page made the workers and handed the collection worker one end of a channel to each). Each batch goes to the
 * worker with the least work queued; images come back transferred, straight into the sink.
 */
import type { PlannedToken, RenderBackend, RenderedToken } from "../render/pipeline.js";
import { createClient, type RpcClient } from "../render/rpc.js";
import type { RenderStep } from "../core/draw.js";
import type { RenderInit, RenderMethods, RenderTiming } from "./protocol.js";

/** A token's draw list (step indices) as the steps themselves, for a render worker. */
export function drawSteps(draw: readonly number[], steps: readonly RenderStep[]): RenderStep[] {
  return draw.map((d) => {
    const s = steps[d];
    if (!s) throw new Error(`render plan: no step ${d}`);
    return s;
  });
}

/** Tokens handed to a worker at once: large enough to amortise messages, small enough for cancel and balance. */
export const BATCH_TOKENS = 8;
/** Batches queued per worker, so a worker never waits for the collection worker between batches. */
const BATCHES_PER_WORKER = 2;

export class BrowserRenderBackend implements RenderBackend {
  readonly slots: number;
  /** Render workers' time per stage, summed over workers and tokens since the last `init`. */
  timing: RenderTiming = { draw: 0, encode: 0, hash: 0 };
  /** Tokens per batch once the run is going. */
  private fullBatch: number;
  /** Batches handed out since `init`. */
  private handed = 0;
  /** The render plan's steps (core/draw.ts) where the layer set has one: draw lists are sent as the steps they name. */
  steps: readonly RenderStep[] | undefined;
  private readonly workers: Array<{ client: RpcClient<RenderMethods>; queued: number }>;

  private constructor(clients: Array<RpcClient<RenderMethods>>, batchTokens: number) {
    this.workers = clients.map((client) => ({ client, queued: 0 }));
    this.slots = clients.length * BATCHES_PER_WORKER;
    this.fullBatch = batchTokens;
  }

  /**
   * Tokens for the next batch: 1 for each worker's first, then 2, 4… up to the full batch. The first token is
   * stored after one token's render rather than a whole batch's, and no worker waits for work meanwhile.
   */
  get batchTokens(): number {
    return Math.min(this.fullBatch, 2 ** Math.floor(this.handed / this.workers.length));
  }

  /**
   * Connects to the render workers behind `ports` and hands each the traits and canvas; `steps` are the render
   * plan's (core/draw.ts), where the layer set has one: tokens' draw lists are sent as the steps they name.
   */
  static async connect(ports: MessagePort[], init: RenderInit, batchTokens = BATCH_TOKENS, steps?: readonly RenderStep[]): Promise<BrowserRenderBackend> {
    const backend = BrowserRenderBackend.over(ports, batchTokens);
    await backend.init(init, undefined, steps);
    return backend;
  }

  /** The render workers behind `ports`, not yet told what to render (`init`). */
  static over(ports: MessagePort[], batchTokens = BATCH_TOKENS): BrowserRenderBackend {
    if (ports.length === 0) throw new Error("render backend: no render workers");
    const clients = ports.map((port) => {
      const client = createClient<RenderMethods>(port);
      port.start();
      return client;
    });
    return new BrowserRenderBackend(clients, Math.max(1, Math.floor(batchTokens)));
  }

  /**
   * Hands every worker the traits and canvas (a worker that holds `init.key` already keeps its decoded traits) and
   * starts the timing afresh; `steps` as in `connect`, for this run (or set `steps` once planned). Resolves with the traits decoded per worker
   * and the slowest worker's decode time.
   */
  async init(init: RenderInit, batchTokens?: number, steps?: readonly RenderStep[]): Promise<{ decoded: number; decodeMs: number }> {
    if (batchTokens !== undefined) this.fullBatch = Math.max(1, Math.floor(batchTokens));
    this.steps = steps;
    this.timing = { draw: 0, encode: 0, hash: 0 };
    this.handed = 0;
    const ready = await Promise.all(this.workers.map((w) => w.client.call("init", init)));
    return { decoded: Math.max(0, ...ready.map((r) => r.decoded ?? 0)), decodeMs: Math.max(0, ...ready.map((r) => r.decodeMs ?? 0)) };
  }

  async renderBatch(tokens: PlannedToken[]): Promise<RenderedToken[]> {
    const w = this.workers.reduce((a, b) => (b.queued < a.queued ? b : a));
    w.queued++;
    this.handed++;
    try {
      const steps = this.steps;
      const done = await w.client.call("render", {
        tokens: tokens.map((t) => ({ index: t.index, traits: t.traits, draw: t.draw && steps ? drawSteps(t.draw, steps) : undefined })),
      });
      this.timing.draw += done.timing.draw;
      this.timing.encode += done.timing.encode;
      this.timing.hash += done.timing.hash;
      return done.images.map((img) => ({ index: img.index, sha256: img.sha256, bytes: img.bytes.byteLength, image: new Uint8Array(img.bytes), crc32: img.crc32 }));
    } finally {
      w.queued--;
    }
  }
}
