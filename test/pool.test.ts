/**
 * The Node render backend on its own: tokens written into the placement folder (or returned, without one), and
 * a worker that cannot make its temp folder failing the run with a one-line WRITE_FAILED error rather than an
 * internal crash.
 */
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isTraitloomError } from "../src/core/errors.js";
import { prepareTrait } from "../src/render/composite.js";
import { packTraits } from "../src/render/pack.js";
import type { PlannedToken } from "../src/render/pipeline.js";
import type { NodeRenderInit } from "../src/node/protocol.js";
import { NodeRenderBackend } from "../src/node/pool.js";
import { removeDir, tempDir } from "./helpers/fixtures.js";

const PX = 4;
let root: string;
beforeAll(async () => {
  root = await tempDir("traitloom-pool-");
});
afterAll(async () => {
  await removeDir(root);
});

function init(placement?: { root: string; tempRoot: string }): NodeRenderInit {
  const red = new Uint8Array(PX * PX * 4).map((_, i) => (i % 4 === 0 || i % 4 === 3 ? 255 : 0));
  return { pack: packTraits([[prepareTrait(red, PX, PX)]], PX, PX), placement, format: "png", compression: "balanced", quality: 90, flattenColor: "ffffff" };
}

const tasks: PlannedToken[] = [1, 2, 3].map((id) => ({ index: id - 1, id, traits: [0], image: `images/${id}.png`, metadataPath: `metadata/${id}.json`, metadata: `{"id":${id}}\n` }));

describe("NodeRenderBackend", () => {
  it("writes every token's image and metadata into the placement folder and reports each once", async () => {
    const out = join(root, "ok");
    await Promise.all([mkdir(join(out, "images"), { recursive: true }), mkdir(join(out, "metadata"), { recursive: true })]);
    const backend = new NodeRenderBackend(init({ root: out, tempRoot: join(out, "tmp") }), 2);
    try {
      const results = (await Promise.all([backend.renderBatch(tasks.slice(0, 2)), backend.renderBatch(tasks.slice(2))])).flat();
      expect(results.map((r) => r.index).sort()).toEqual([0, 1, 2]);
      expect(results.every((r) => r.image === undefined)).toBe(true);
      expect((await readdir(join(out, "images"))).sort()).toEqual(["1.png", "2.png", "3.png"]);
      expect(await readFile(join(out, "metadata", "2.json"), "utf8")).toBe('{"id":2}\n');
      const png = await readFile(join(out, "images", "1.png"));
      expect(results.find((r) => r.index === 0)?.sha256).toBe(createHash("sha256").update(png).digest("hex"));
    } finally {
      await backend.close();
    }
  });

  it("without a placement, images come back with their hashes and nothing is written", async () => {
    const backend = new NodeRenderBackend(init(), 1);
    try {
      const results = await backend.renderBatch(tasks);
      expect(results).toHaveLength(3);
      for (const r of results) {
        expect(r.image).toBeInstanceOf(Uint8Array);
        expect(r.bytes).toBe(r.image?.length);
        expect(createHash("sha256").update(r.image ?? new Uint8Array()).digest("hex")).toBe(r.sha256);
      }
    } finally {
      await backend.close();
    }
  });

  it("a temp folder that cannot be made is a WRITE_FAILED error naming it", async () => {
    const out = join(root, "blocked");
    await mkdir(out, { recursive: true });
    await writeFile(join(out, "tmp"), "a file where the temp folder would go");
    const backend = new NodeRenderBackend(init({ root: out, tempRoot: join(out, "tmp") }), 1);
    try {
      await expect(backend.renderBatch(tasks)).rejects.toSatisfy(
        (e) => isTraitloomError(e) && e.code === "WRITE_FAILED" && /\/tmp\/worker-\d+: expected to write a temp folder, found a file where a folder should be \(ENOTDIR\)$/.test(e.message),
      );
    } finally {
      await backend.close();
    }
  });
});
