import { afterEach, describe, expect, it } from "vitest";
import type { PlannedToken } from "../render/pipeline.js";
import { serve, type Handlers } from "../render/rpc.js";
import { BATCH_TOKENS, BrowserRenderBackend } from "./backend.js";
import type { RenderInit, RenderMethods } from "./protocol.js";

/** A render worker behind a real MessageChannel that answers with empty images and records what it was asked. */
function fakeWorker(log: { inits: RenderInit[]; batches: number[] }): { port: MessagePort; close: () => void } {
  const { port1, port2 } = new MessageChannel();
  const handlers: Handlers<RenderMethods> = {
    init(params) {
      log.inits.push(params);
      return { ready: true, decoded: params.eager ? 3 : 0, decodeMs: params.eager ? 5 : 0 };
    },
    attach() {
      return { attached: true };
    },
    render(batch) {
      log.batches.push(batch.tokens.length);
      return { images: batch.tokens.map((t) => ({ index: t.index, bytes: new ArrayBuffer(4), crc32: 0, sha256: "00" })), timing: { draw: 1, encode: 2, hash: 3 } };
    },
  };
  serve<RenderMethods>(port2, handlers);
  port2.start();
  return {
    port: port1,
    close: () => {
      port1.close();
      port2.close();
    },
  };
}

const INIT: RenderInit = { width: 4, height: 4, resize: "error", sources: [], key: "k" };

function tokens(from: number, n: number): PlannedToken[] {
  return Array.from({ length: n }, (_, i) => ({ index: from + i, traits: [0] }) as unknown as PlannedToken);
}

/** Hands out batches as the pipeline does: each as large as the backend says at that moment. */
async function drain(backend: BrowserRenderBackend, total: number): Promise<number[]> {
  const sizes: number[] = [];
  let next = 0;
  const slot = async (): Promise<void> => {
    while (next < total) {
      const n = Math.min(backend.batchTokens, total - next);
      sizes.push(n);
      const batch = tokens(next, n);
      next += n;
      await backend.renderBatch(batch);
    }
  };
  await Promise.all(Array.from({ length: backend.slots }, slot));
  return sizes;
}

describe("BrowserRenderBackend", () => {
  const open: Array<() => void> = [];
  afterEach(() => open.splice(0).forEach((close) => close()));

  function workers(n: number): { ports: MessagePort[]; log: { inits: RenderInit[]; batches: number[] } } {
    const log = { inits: [] as RenderInit[], batches: [] as number[] };
    const ports = Array.from({ length: n }, () => {
      const w = fakeWorker(log);
      open.push(w.close);
      return w.port;
    });
    return { ports, log };
  }

  it("starts each worker on a one-token batch, then doubles up to the full batch, so the first token comes early", async () => {
    const { ports } = workers(2);
    const backend = await BrowserRenderBackend.connect(ports, INIT);
    const sizes = await drain(backend, 200);
    expect(sizes.slice(0, 8)).toEqual([1, 1, 2, 2, 4, 4, 8, 8]);
    expect(sizes.slice(8).every((n, i, all) => n === BATCH_TOKENS || i === all.length - 1)).toBe(true);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(200);
  });

  it("ramps up again after each init (a warm backend's next run), and keeps a smaller full batch as given", async () => {
    const { ports, log } = workers(1);
    const backend = await BrowserRenderBackend.connect(ports, INIT);
    await drain(backend, 20);
    const warm = await backend.init({ ...INIT, eager: true }, 2);
    expect(warm).toEqual({ decoded: 3, decodeMs: 5 });
    expect(backend.timing).toEqual({ draw: 0, encode: 0, hash: 0 });
    expect(await drain(backend, 9)).toEqual([1, 2, 2, 2, 2]);
    expect(log.inits.map((i) => i.key)).toEqual(["k", "k"]);
    expect(backend.timing.encode).toBeGreaterThan(0);
  });
});
