/**
 * What lies in a layers folder besides well-named PNGs: OS junk (skipped), odd but legal trait names (read as
 * written, and safe in rarity.csv), names whose weight does not parse, empty, nested and missing folders, and
 * symlinks of every kind.
 */
import { chmod, mkdir, readFile, rename, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readJson, writeJson, writeLayers } from "../helpers/fixtures.js";
import { COUNT, IS_ROOT, SEED, cli, expectCollection, expectRefused, generate, shape, suiteRoot, writeBase } from "./harness.js";
import { disc } from "./imageBytes.js";

const root = suiteRoot("names");

/** Every value the manifest's tokens give layer `layer`. */
async function valuesOf(out: string, layer: string): Promise<string[]> {
  const m = await readJson<{ tokens: Array<{ traits: Record<string, string> }> }>(join(out, "manifest.json"));
  return [...new Set(m.tokens.map((t) => t.traits[layer] ?? ""))].sort();
}

/** The base layers with a third hat `file`, rendered to every one of the 9 combinations so the hat is drawn. */
async function withHat(label: string, file: string, content: Buffer | string = "") {
  const dir = await root.next(label);
  const layers = await writeBase(dir, { "02-Hat": { [file]: content === "" ? shape() : content } });
  const out = join(dir, "out");
  return { dir, layers, out, run: await generate(layers, out, [], 9) };
}

/** The base layers with `changes`, rendered to COUNT tokens. */
async function withChanges(label: string, changes: Parameters<typeof writeBase>[1], count = COUNT) {
  const dir = await root.next(label);
  const layers = await writeBase(dir, changes);
  const out = join(dir, "out");
  return { dir, layers, out, run: await generate(layers, out, [], count) };
}

/** A minimal CSV reader: rows of unquoted cells. */
function csvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? "";
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === "," || ch === "\n") {
      row.push(cell);
      cell = "";
      if (ch === "\n") {
        rows.push(row);
        row = [];
      }
    } else if (ch !== "\r") cell += ch;
  }
  return rows;
}

describe("junk a file manager leaves in a layers folder: skipped", () => {
  const junk: Array<[string, Parameters<typeof writeBase>[1]]> = [
    [".DS_Store in a layer", { "02-Hat": { ".DS_Store": "Bud1\0\0junk" } }],
    ["Thumbs.db in a layer", { "02-Hat": { "Thumbs.db": "junk" } }],
    ["desktop.ini in a layer", { "02-Hat": { "desktop.ini": "[.ShellClassInfo]\n" } }],
    ["an AppleDouble ._Cap.png in a layer", { "02-Hat": { "._Cap.png": "\0\x05\x16\x07junk" } }],
    ["an editor backup Cap.png~ in a layer", { "02-Hat": { "Cap.png~": "junk" } }],
    ["__MACOSX at the layers root", { __MACOSX: { "._Blue#3.png": "junk" } }],
    [".git at the layers root", { ".git": { HEAD: "ref: refs/heads/main\n" } }],
    ["node_modules at the layers root", { node_modules: { "x.js": "" } }],
  ];
  for (const [what, changes] of junk) {
    it(what, async () => {
      const { run, out } = await withChanges(what, changes);
      await expectCollection(run, out);
    });
  }

  it("__MACOSX inside a layer folder", async () => {
    const dir = await root.next("macosx-in-layer");
    const layers = await writeBase(dir);
    await writeLayers(layers, { "02-Hat/__MACOSX": { "._Cap.png": "junk" } });
    const out = join(dir, "out");
    await expectCollection(await generate(layers, out), out);
  });

  it(".DS_Store and a README.md at the layers root", async () => {
    const dir = await root.next("root-files");
    const layers = await writeBase(dir);
    await writeFile(join(layers, ".DS_Store"), "junk");
    await writeFile(join(layers, "README.md"), "# my layers\n");
    const out = join(dir, "out");
    await expectCollection(await generate(layers, out), out);
  });
});

describe("odd but legal trait names: read as written", () => {
  const legal: Array<[string, string, string]> = [
    ["spaces in the name", "Blue Sky Hat#3.png", "Blue Sky Hat"],
    ["spaces before the weight and the extension", "Top Hat  #2 .png", "Top Hat"],
    ["unicode NFC (Café)", "Caf\u00e9.png", "Caf\u00e9"],
    ["unicode NFD (Cafe + combining accent): NFC in the metadata", "Cafe\u0301.png", "Caf\u00e9"],
    ["an emoji", "\u{1F525}Fire#2.png", "\u{1F525}Fire"],
    ["a named weight #Rare", "Gold#Rare.png", "Gold"],
    ["a named weight in lower case #rare", "Silver#rare.png", "Silver"],
    ["a decimal comma #0,5", "Bronze#0,5.png", "Bronze"],
    ["a decimal point #0.5", "Iron#0.5.png", "Iron"],
    ["leading zeros #007", "Bond#007.png", "Bond"],
    ["a 200-character name", `${"L".repeat(200)}#2.png`, "L".repeat(200)],
    ["a 240-byte multibyte name", `${"\u00e9".repeat(118)}.png`, "\u00e9".repeat(118)],
    ["a name starting with =", "=SUM(1+1).png", "=SUM(1+1)"],
    ["a name starting with +", "+Plus.png", "+Plus"],
    ["a name starting with -", "-Minus.png", "-Minus"],
    ["a name starting with @", "@At.png", "@At"],
  ];
  for (const [what, file, value] of legal) {
    it(what, async () => {
      const { run, out } = await withHat(what, file);
      await expectCollection(run, out, 9);
      expect(await valuesOf(out, "Hat")).toContain(value);
      // rarity.csv opens in spreadsheets: no cell may start with = + - @ (a formula), whatever the trait is called.
      for (const row of csvRows(await readFile(join(out, "rarity.csv"), "utf8")).slice(1)) {
        for (const cell of row.slice(0, 2)) expect(cell, `rarity.csv cell ${JSON.stringify(cell)} would run as a formula`).not.toMatch(/^[=+\-@\t\r]/);
      }
    });
  }

  it("# several times (Crown#1#5.png): as HashLips reads it, the name to the first #, the weight after the last", async () => {
    const { run, out } = await withHat("several-hashes", "Crown#1#5.png");
    await expectCollection(run, out, 9);
    expect(await valuesOf(out, "Hat")).toContain("Crown");
    const row = csvRows(await readFile(join(out, "rarity.csv"), "utf8")).find((r) => r[1] === "Crown");
    expect(row?.[2], "Crown's weight in rarity.csv").toBe("5");
  });

  it("#0: a trait that is never chosen", async () => {
    const { run, out } = await withChanges("weight-0", { "02-Hat": { "Gold#0.png": shape() } }, 6);
    await expectCollection(run, out, 6);
    expect(await valuesOf(out, "Hat")).not.toContain("Gold");
  });

  it("a config weight override keyed in NFC for an NFD file name", async () => {
    const dir = await root.next("nfd-override");
    const layers = await writeBase(dir, { "02-Hat": { "Cafe\u0301.png": shape() } });
    await writeJson(join(dir, "c.json"), { layers: ["Background", { name: "Hat", traits: { "Caf\u00e9": 0 } }] });
    const out = join(dir, "out");
    await expectCollection(await generate(layers, out, ["-c", join(dir, "c.json")], 6), out, 6);
    expect(await valuesOf(out, "Hat")).not.toContain("Caf\u00e9");
  });

  it("an nftool layer (10-Blue.png, 5-Red.png)", async () => {
    const { run, out } = await withChanges("nftool", { "01-Background": { "Blue#3.png": null, "Green#2.png": null, "Red.png": null, "10-Blue.png": shape({ shape: "full" }), "5-Red.png": shape({ shape: "full", color: [200, 0, 0] }) } });
    await expectCollection(run, out);
    expect(await valuesOf(out, "Background")).toEqual(["Blue", "Red"]);
  });

  it("a layer folder named with spaces and unicode (03-Hüte und Mützen)", async () => {
    const { run, out } = await withChanges("unicode-folder", { "03-H\u00fcte und M\u00fctzen": { "Beret.png": shape(), "Fez.png": shape({ shape: "square" }) } });
    await expectCollection(run, out);
  });

  it("a file named like a layer folder at the layers root (no config): skipped", async () => {
    const dir = await root.next("file-like-layer");
    const layers = await writeBase(dir);
    await writeFile(join(layers, "03-Eyes"), "not a folder");
    const out = join(dir, "out");
    await expectCollection(await generate(layers, out), out);
  });
});

describe("trait names whose weight or name does not parse: refused naming the file", () => {
  const bad: Array<[string, string]> = [
    ["a negative weight #-1", "Crown#-1.png"],
    ["a word that is no named weight #abc", "Crown#abc.png"],
    ["an exponent #1e3", "Crown#1e3.png"],
    ["a # with nothing after it", "Crown#.png"],
    ["#Infinity", "Crown#Infinity.png"],
    ["a weight with no name (#5.png)", "#5.png"],
    ["a non-image file (notes.txt)", "notes.txt"],
    ["a file without extension", "Crown"],
    ["a space after the extension (Crown.png )", "Crown.png "],
  ];
  for (const [what, file] of bad) {
    it(what, async () => {
      const { run, out } = await withHat(what, file);
      await expectRefused(run, { names: `02-Hat/${file}`, out, before: undefined });
    });
  }

  it("two files for one trait (Cap.png and Cap#2.png)", async () => {
    const { run, out } = await withHat("dup", "Cap#2.png");
    await expectRefused(run, { names: "02-Hat/Cap", out, before: undefined });
  });

  it("one trait in two formats (Cap.png and Cap.webp)", async () => {
    const { run, out } = await withHat("dup-ext", "Cap.webp", await disc((i) => i.webp({ lossless: true })));
    await expectRefused(run, { names: "02-Hat/Cap", out, before: undefined });
  });

  it("one name in NFC and in NFD (Café.png twice)", async () => {
    const dir = await root.next("nfc-nfd");
    const layers = await writeBase(dir, { "02-Hat": { "Caf\u00e9.png": shape(), "Cafe\u0301.png": shape({ shape: "square" }) } });
    const out = join(dir, "out");
    await expectRefused(await generate(layers, out, [], 6), { names: /02-Hat\/Caf/, out, before: undefined });
  });

  it("every trait of a layer #0", async () => {
    const { run, out } = await withChanges("all-zero", { "02-Hat": { "None.png": null, "Cap.png": null, "None#0.png": shape({ shape: "none" }), "Cap#0.png": shape() } });
    await expectRefused(run, { names: "02-Hat", out, before: undefined });
  });
});

describe("layer folders that are empty, missing, nested or not folders", () => {
  it("an empty layer folder", async () => {
    const { run, out } = await withChanges("empty-layer", { "03-Eyes": {} });
    await expectRefused(run, { names: "03-Eyes", out, before: undefined });
  });

  it("a layer folder holding only .DS_Store", async () => {
    const { run, out } = await withChanges("junk-only", { "03-Eyes": { ".DS_Store": "junk" } });
    await expectRefused(run, { names: "03-Eyes", out, before: undefined });
  });

  it("a layers folder without sub-folders", async () => {
    const dir = await root.next("no-subfolders");
    const layers = join(dir, "layers");
    await mkdir(layers);
    await writeFile(join(layers, "Cap.png"), await disc());
    const out = join(dir, "out");
    await expectRefused(await generate(layers, out), { names: layers, out, before: undefined });
  });

  it("a layers folder that does not exist", async () => {
    const dir = await root.next("missing");
    const out = join(dir, "out");
    await expectRefused(await generate(join(dir, "nope"), out), { names: join(dir, "nope"), out, before: undefined });
  });

  it("a layers folder that is a file", async () => {
    const dir = await root.next("layers-file");
    await writeFile(join(dir, "layers"), "x");
    const out = join(dir, "out");
    await expectRefused(await generate(join(dir, "layers"), out), { names: join(dir, "layers"), out, before: undefined });
  });

  it("a layer the config lists that is a file, not a folder", async () => {
    const dir = await root.next("config-layer-file");
    const layers = await writeBase(dir);
    await writeFile(join(layers, "Eyes"), await disc());
    await writeJson(join(dir, "c.json"), { layers: ["Background", "Hat", "Eyes"] });
    const out = join(dir, "out");
    await expectRefused(await generate(layers, out, ["-c", join(dir, "c.json")]), { names: "Eyes", out, before: undefined });
  });

  it("a sub-folder inside a layer (nftchef-style): read as a group drawn on every token, with a warning naming it", async () => {
    const dir = await root.next("nested");
    const layers = await writeBase(dir);
    await writeLayers(layers, { "02-Hat/Crown": { "Front.png": shape() } });
    const out = join(dir, "out");
    // Without -q, so the warning is printed.
    const run = await cli(["generate", layers, "-n", String(COUNT), "-o", out, "--seed", SEED, "--workers", "1"]);
    await expectCollection(run, out);
    expect([...run.err, ...run.out].find((l) => l.startsWith("warning:") && l.includes("02-Hat/Crown"))).toMatch(/a group of parts drawn on every token/);
  });

  it("the layer folders one level too deep (layers/collection/01-Background/…)", async () => {
    const dir = await root.next("too-deep");
    const inner = await writeBase(join(dir, "wrap"));
    const layers = join(dir, "wrap");
    await rename(inner, join(layers, "collection"));
    const out = join(dir, "out");
    await expectRefused(await generate(layers, out), { names: "collection", out, before: undefined });
  });

  it("two folders giving one layer name (02-Hat and 03-Hat)", async () => {
    const { run, out } = await withChanges("dup-layer", { "03-Hat": { "Beret.png": shape() } });
    await expectRefused(run, { names: "03-Hat", out, before: undefined });
  });
});

describe("symlinks", () => {
  it("a trait that is a symlink to an image outside the layers folder", async () => {
    const dir = await root.next("link-out");
    const layers = await writeBase(dir);
    await writeFile(join(dir, "outside.png"), await disc());
    await symlink(join(dir, "outside.png"), join(layers, "02-Hat", "Linked.png"));
    const out = join(dir, "out");
    await expectCollection(await generate(layers, out, [], 9), out, 9);
  });

  it("a layer folder that is a symlink to a folder outside", async () => {
    const dir = await root.next("link-layer");
    const layers = await writeBase(dir);
    await writeLayers(join(dir, "elsewhere"), { Eyes: { "Dot.png": shape(), "Ring.png": shape({ shape: "square" }) } });
    await symlink(join(dir, "elsewhere", "Eyes"), join(layers, "03-Eyes"));
    const out = join(dir, "out");
    await expectCollection(await generate(layers, out), out);
  });

  it("the layers folder itself a symlink", async () => {
    const dir = await root.next("link-root");
    const layers = await writeBase(dir);
    await symlink(layers, join(dir, "alias"));
    const out = join(dir, "out");
    await expectCollection(await generate(join(dir, "alias"), out), out);
  });

  it("a dangling symlink as a trait", async () => {
    const dir = await root.next("dangling-trait");
    const layers = await writeBase(dir);
    await symlink(join(dir, "gone.png"), join(layers, "02-Hat", "Ghost.png"));
    const out = join(dir, "out");
    await expectRefused(await generate(layers, out), { names: "02-Hat/Ghost.png", out, before: undefined });
  });

  it("a dangling symlink as a layer folder", async () => {
    const dir = await root.next("dangling-layer");
    const layers = await writeBase(dir);
    await symlink(join(dir, "gone"), join(layers, "03-Eyes"));
    const out = join(dir, "out");
    await expectRefused(await generate(layers, out), { names: "03-Eyes", out, before: undefined });
  });

  it("a symlink loop as a trait (Loop.png -> Loop.png)", async () => {
    const dir = await root.next("loop-trait");
    const layers = await writeBase(dir);
    await symlink("Loop.png", join(layers, "02-Hat", "Loop.png"));
    const out = join(dir, "out");
    await expectRefused(await generate(layers, out), { names: "02-Hat/Loop.png", out, before: undefined });
  });

  it("a symlink in a layer pointing back to the layers folder (a folder loop)", async () => {
    const dir = await root.next("loop-dir");
    const layers = await writeBase(dir);
    await symlink(layers, join(layers, "02-Hat", "up"));
    const out = join(dir, "out");
    await expectRefused(await generate(layers, out), { names: "02-Hat/up", out, before: undefined });
  });

  it("a trait that is a symlink to a device (/dev/zero)", async () => {
    const dir = await root.next("device");
    const layers = await writeBase(dir);
    await symlink("/dev/zero", join(layers, "02-Hat", "Zero.png"));
    const out = join(dir, "out");
    await expectRefused(await generate(layers, out), { names: "02-Hat/Zero.png", out, before: undefined });
  });

  it("a trait without read permission", async (ctx) => {
    if (IS_ROOT) {
      // Root reads every file whatever its mode bits: there is no unreadable file to make, so nothing to check.
      console.log("a trait without read permission: skipped, running as root (root reads any file)");
      ctx.skip();
      return;
    }
    const dir = await root.next("unreadable");
    const layers = await writeBase(dir);
    await chmod(join(layers, "02-Hat", "Cap.png"), 0o000);
    const out = join(dir, "out");
    try {
      await expectRefused(await generate(layers, out), { names: "02-Hat/Cap.png", out, before: undefined });
    } finally {
      await chmod(join(layers, "02-Hat", "Cap.png"), 0o644);
    }
  });
});
