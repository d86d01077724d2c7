/**
 * The Node render pool on its own: tokens written where init says, and a worker that cannot make its temp
 * folder failing the run with a one-line WRITE_FAILED error rather than an internal crash.
 */
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isTraitloomError } from "../src/core/errors.js";
import { prepareTrait } from "../src/render/composite.js";
import { packTraits } from "../src/render/pack.js";
import type { NodeRenderInit, NodeRenderTask } from "../src/render/protocol.js";
import { renderTokens } from "../src/node/pool.js";
import { removeDir, tempDir } from "./helpers/fixtures.js";

const PX = 4;
let root: string;
beforeAll(async () => {
  root = await tempDir("traitloom-pool-");
});
afterAll(async () => {
  await removeDir(root);
});

function init(out: string, tempRoot: string): NodeRenderInit {
  const red = new Uint8Array(PX * PX * 4).map((_, i) => (i % 4 === 0 || i % 4 === 3 ? 255 : 0));
  return {
    pack: packTraits([[prepareTrait(red, PX, PX)]], PX, PX),
    imagesDir: join(out, "images"),
    metadataDir: join(out, "metadata"),
    tempRoot,
    extension: "png",
    format: "png",
    compression: "balanced",
    quality: 90,
    flattenColor: "ffffff",
  };
}

const tasks: NodeRenderTask[] = [1, 2, 3].map((id) => ({ id, traits: [0], metadata: `{"id":${id}}\n` }));

describe("renderTokens", () => {
  it("writes every token's image and metadata and reports each once", async () => {
    const out = join(root, "ok");
    await Promise.all([mkdir(join(out, "images"), { recursive: true }), mkdir(join(out, "metadata"), { recursive: true })]);
    const seen: number[] = [];
    await renderTokens(init(out, join(out, "tmp")), tasks, { workers: 2, onRendered: (r) => seen.push(r.id) });
    expect(seen.sort()).toEqual([1, 2, 3]);
    expect((await readdir(join(out, "images"))).sort()).toEqual(["1.png", "2.png", "3.png"]);
  });

  it("a temp folder that cannot be made is a WRITE_FAILED error naming it", async () => {
    const out = join(root, "blocked");
    await mkdir(out, { recursive: true });
    await writeFile(join(out, "tmp"), "a file where the temp folder would go");
    const run = renderTokens(init(out, join(out, "tmp")), tasks, { workers: 1, onRendered: () => undefined });
    await expect(run).rejects.toSatisfy(
      (e) => isTraitloomError(e) && e.code === "WRITE_FAILED" && /\/tmp\/worker-\d+: expected to write a temp folder, found a file where a folder should be \(ENOTDIR\)$/.test(e.message),
    );
  });
});
