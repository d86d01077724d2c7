/**
 * Inputs that need real processes: several runs into one folder at once, a merge into a folder a run is writing,
 * and runs stopped by Ctrl-C (once, twice, after the last token), SIGTERM or SIGKILL, then run again. Whatever
 * the interleaving, every run ends in exit 0 or a one-line refusal naming the folder (never 2), and the folder
 * ends as one correct collection.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { REPO_ROOT, spawnCli, type SpawnedCli } from "../helpers/cli.js";
import type { LayerFiles } from "../helpers/fixtures.js";
import { colorOf, readJson, writeLayers } from "../helpers/fixtures.js";
import { cli, expectCollection, expectRefused, logged, suiteRoot, verifyCollection } from "./harness.js";

const root = suiteRoot("concurrency");

/** Tokens per run here: enough that a run lasts a second or two on one thread, so others can meet it. */
const BIG = 400;

/** Four layers of five 48x48 traits each: 625 combinations, enough work for runs to overlap. */
async function bigLayers(dir: string): Promise<string> {
  const files: LayerFiles = {};
  for (let l = 0; l < 4; l++) {
    const layer: Record<string, { width: number; height: number; color: readonly [number, number, number]; shape: "full" | "disc" | "square"; alpha: number }> = {};
    for (let t = 0; t < 5; t++) layer[`T${t}#${t + 1}.png`] = { width: 48, height: 48, color: colorOf(l * 5 + t), shape: l === 0 ? "full" : t % 2 ? "disc" : "square", alpha: 120 + t * 30 };
    files[`0${l + 1}-L${l}`] = layer;
  }
  return writeLayers(join(dir, "layers"), files);
}

function args(layers: string, out: string, seed: string, extra: string[] = []): string[] {
  return ["generate", layers, "-n", String(BIG), "-o", out, "--seed", seed, "--workers", "1", "-q", ...extra];
}

/** A spawned run's outcome in the in-process shape (code, stderr lines), logged like the others. */
async function outcome(run: SpawnedCli): Promise<{ code: number | null; out: string[]; err: string[]; signal: NodeJS.Signals | null }> {
  const { code, signal } = await run.exited;
  return { ...logged({ code, out: run.stdout().split("\n"), err: run.stderr().split("\n") }), signal };
}

/** Waits until `ok`, failing at once where `run` ended first (its stderr says why) or after a minute. */
async function waitFor(what: string, run: SpawnedCli, ok: () => Promise<boolean> | boolean, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (run.child.exitCode !== null || run.child.signalCode !== null) throw new Error(`the run ended before ${what}: exit ${String(run.child.exitCode)}, ${run.stderr()}`);
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Lines in the folder's journal: tokens done so far. */
async function journalLines(out: string): Promise<number> {
  const text = await readFile(join(out, ".traitloom", "done.log"), "utf8").catch(() => "");
  return text.split("\n").filter((l) => l !== "").length;
}

/** Each run ended in exit 0 or in a refusal naming `out`; the folder holds one correct collection of a run that ended 0. */
async function expectOneCollection(runs: Array<{ code: number | null; err: string[] }>, seeds: string[], out: string): Promise<void> {
  for (const r of runs) {
    if (r.code === 0) continue;
    await expectRefused(r, { names: out });
  }
  const won = seeds.filter((_, i) => runs[i]?.code === 0);
  expect(won.length, "at least one run finished").toBeGreaterThan(0);
  await verifyCollection(out, BIG);
  expect(won).toContain((await readJson<{ seed: string }>(join(out, "manifest.json"))).seed);
}

describe("several runs into one folder at once", () => {
  it("two runs of the same collection", async () => {
    const dir = await root.next("two-same");
    const layers = await bigLayers(dir);
    const out = join(dir, "out");
    const runs = await Promise.all([0, 1].map(() => outcome(spawnCli(args(layers, out, "same")))));
    await expectOneCollection(runs, ["same", "same"], out);
  });

  it("three runs, one of another seed", async () => {
    const dir = await root.next("three-mixed");
    const layers = await bigLayers(dir);
    const out = join(dir, "out");
    const seeds = ["a", "a", "b"];
    const runs = await Promise.all(seeds.map((s) => outcome(spawnCli(args(layers, out, s)))));
    await expectOneCollection(runs, seeds, out);
  });

  it("two --overwrite runs of different seeds", async () => {
    const dir = await root.next("two-overwrite");
    const layers = await bigLayers(dir);
    const out = join(dir, "out");
    const seeds = ["x", "y"];
    const runs = await Promise.all(seeds.map((s) => outcome(spawnCli(args(layers, out, s, ["--overwrite"])))));
    await expectOneCollection(runs, seeds, out);
  });

  it("a merge into the folder a generate run is writing", async () => {
    const dir = await root.next("merge-while-generate");
    const layers = await bigLayers(dir);
    const shard = join(dir, "whole");
    expect((await cli(args(layers, shard, "m", ["--workers", "2"]))).code).toBe(0);
    const out = join(dir, "out");
    const gen = spawnCli(args(layers, out, "g"));
    await waitFor("the run's lock", gen, () => existsSync(join(out, ".traitloom.lock")));
    const merged = await cli(["merge", shard, "-o", out, "--overwrite"]);
    const g = await outcome(gen);
    expect(g.code, g.err.join(" | ")).toBe(0);
    await expectRefused(merged, { names: out });
    await verifyCollection(out, BIG);
  });
});

describe("runs stopped by a signal, then run again", () => {
  const signals: Array<[string, NodeJS.Signals, number]> = [
    ["Ctrl-C (SIGINT) mid-run", "SIGINT", 1],
    ["Ctrl-C twice mid-run", "SIGINT", 2],
    ["SIGTERM mid-run", "SIGTERM", 1],
    ["SIGKILL mid-run", "SIGKILL", 1],
  ];
  for (const [what, signal, times] of signals) {
    it(what, async () => {
      const dir = await root.next(what);
      const layers = await bigLayers(dir);
      const out = join(dir, "out");
      const run = spawnCli(args(layers, out, "sig"));
      await waitFor("a few tokens done", run, async () => (await journalLines(out)) >= 5);
      for (let i = 0; i < times; i++) run.child.kill(signal);
      const stopped = await outcome(run);
      if (signal === "SIGKILL") expect(stopped.signal).toBe("SIGKILL");
      else if (stopped.code !== 0) {
        expect(stopped.code, `${what}: ${stopped.err.join(" | ")}`).toBe(130);
        if (times === 1) expect(stopped.err.join("\n")).toMatch(/stopped: \d+ of \d+ tokens done/);
      }
      await expectCollection(await cli(args(layers, out, "sig")), out, BIG);
    });
  }

  it("Ctrl-C just after the last token is rendered, before the collection files", async () => {
    const dir = await root.next("sigint-after-last");
    const layers = await bigLayers(dir);
    const out = join(dir, "out");
    // A real process whose stderr hook presses Ctrl-C the moment progress reaches N of N: no timing luck needed.
    const script = join(dir, "ctrl-c-after-last.mjs");
    await writeFile(
      script,
      [
        `import { main } from ${JSON.stringify(pathToFileURL(join(REPO_ROOT, "dist", "cli", "main.js")).href)};`,
        "const write = process.stderr.write.bind(process.stderr);",
        "let sent = false;",
        "process.stderr.write = (chunk, ...rest) => {",
        "  const m = /progress: (\\d+)\\/(\\d+)/.exec(String(chunk));",
        '  if (!sent && m && m[1] === m[2]) { sent = true; process.emit("SIGINT", "SIGINT"); }',
        "  return write(chunk, ...rest);",
        "};",
        "process.exitCode = await main(process.argv.slice(2));",
      ].join("\n"),
    );
    const child = spawn(process.execPath, [script, "generate", layers, "-n", "40", "-o", out, "--seed", "last", "--workers", "1"], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.stdout.resume();
    const code = await new Promise<number | null>((r) => child.on("close", (c) => r(c)));
    logged({ code, err: stderr.split("\n").filter((l) => !l.startsWith("progress:")) });
    // Every token was done when Ctrl-C came: the run may finish (0) or stop (130), never crash, and the next run
    // of the same command must make the collection.
    expect([0, 130], `exit ${String(code)}: ${stderr}`).toContain(code);
    if (code === 0) await verifyCollection(out, 40);
    await expectCollection(await cli(["generate", layers, "-n", "40", "-o", out, "--seed", "last", "--workers", "1", "-q"]), out, 40);
  });
});
