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
  /** Render workers' time per stage, summed over workers and tokens. */
  readonly timing: RenderTiming = { draw: 0, encode: 0, hash: 0 };
  private readonly workers: Array<{ client: RpcClient<RenderMethods>; queued: number }>;

  private constructor(
    clients: Array<RpcClient<RenderMethods>>,
    readonly batchTokens: number,
    private readonly steps: readonly RenderStep[] | undefined,
  ) {
    this.workers = clients.map((client) => ({ client, queued: 0 }));
    this.slots = clients.length * BATCHES_PER_WORKER;
  }

  /**
   * Connects to the render workers behind `ports` and hands each the traits and canvas; `steps` are the render
   * plan's (core/draw.ts), where the layer set has one: tokens' draw lists are sent as the steps they name.
   */
  static async connect(ports: MessagePort[], init: RenderInit, batchTokens = BATCH_TOKENS, steps?: readonly RenderStep[]): Promise<BrowserRenderBackend> {
    if (ports.length === 0) throw new Error("render backend: no render workers");
    const clients = ports.map((port) => {
      const client = createClient<RenderMethods>(port);
      port.start();
      return client;
    });
    await Promise.all(clients.map((c) => c.call("init", init)));
    return new BrowserRenderBackend(clients, Math.max(1, Math.floor(batchTokens)), steps);
  }

  async renderBatch(tokens: PlannedToken[]): Promise<RenderedToken[]> {
    const w = this.workers.reduce((a, b) => (b.queued < a.queued ? b : a));
    w.queued++;
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
