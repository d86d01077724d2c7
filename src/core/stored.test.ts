import { describe, expect, it } from "vitest";
import { isTraitloomError } from "./errors.js";
import type { ManifestEntry, ManifestHeader } from "./output.js";
import { TOOL_VERSION, manifestChunks } from "./output.js";
import { parseManifest, parseRunState, parseSavedProject } from "./stored.js";

const HEX_A = "a".repeat(64);
const HEX_B = "b".repeat(64);

/** The message of what fn throws, checked to be a TraitloomError of one line. */
function thrown(fn: () => unknown, code: string): string {
  try {
    fn();
  } catch (e) {
    if (!isTraitloomError(e)) throw e;
    expect(e.code).toBe(code);
    expect(e.message).not.toContain("\n");
    return e.message;
  }
  throw new Error("expected a throw, got none");
}

describe("run state (.traitloom/state.json)", () => {
  const PATH = "out/.traitloom/state.json";
  const valid = { tool: "traitloom", version: TOOL_VERSION, inputHash: HEX_A, seed: "demo", count: 1000 };
  const damaged = (patch: Record<string, unknown>): string => thrown(() => parseRunState({ ...valid, ...patch }, PATH), "OUTPUT_CONFLICT");

  it("reads what generate writes, with and without a shard", () => {
    expect(parseRunState(JSON.parse(JSON.stringify(valid)), PATH)).toEqual(valid);
    expect(parseRunState({ ...valid, shard: "2/3" }, PATH)).toEqual({ ...valid, shard: "2/3" });
  });

  it("names the file and the field of each kind of damage", () => {
    expect(damaged({ inputHash: "zz" })).toBe(`${PATH}: inputHash: expected 64 hex digits, received "zz"`);
    expect(damaged({ tool: "hashlips" })).toBe(`${PATH}: tool: expected "traitloom", received "hashlips"`);
    expect(damaged({ count: 0 })).toBe(`${PATH}: count: expected a number >= 1, received 0`);
    expect(damaged({ count: 2.5 })).toBe(`${PATH}: count: expected a whole number, received 2.5`);
    expect(damaged({ count: "1000" })).toBe(`${PATH}: count: expected a number, received "1000"`);
    expect(damaged({ seed: undefined })).toBe(`${PATH}: seed: expected a string, received nothing`);
    expect(damaged({ shard: "half" })).toBe(`${PATH}: shard: expected "i/n" such as "2/3", received "half"`);
    expect(damaged({ shard: "4/3" })).toBe(`${PATH}: shard: expected "i/n" with i <= n, received "4/3"`);
    expect(damaged({ extra: 1 })).toBe(`${PATH}: extra: expected no such field, received 1`);
    expect(damaged({ inputHash: 7, count: -1 })).toBe(`${PATH}: inputHash: expected a string, received 7 (and 1 more problem)`);
    expect(thrown(() => parseRunState(null, PATH), "OUTPUT_CONFLICT")).toBe(`${PATH}: (top level): expected an object, received null`);
    expect(thrown(() => parseRunState([valid], PATH), "OUTPUT_CONFLICT")).toBe(`${PATH}: (top level): expected an object, received an array of 1`);
  });
});

describe("manifest.json as merge reads it back", () => {
  const PATH = "shard-2/manifest.json";
  const header: ManifestHeader = { seed: "sh", count: 10, startId: 1, width: 16, height: 16, format: "png", configHash: HEX_A, inputHash: HEX_B };
  const entries: ManifestEntry[] = Array.from({ length: 5 }, (_, i) => ({
    id: 4 + i,
    dna: `0-${i}-1`,
    dnaHash: HEX_B,
    image: (i % 10).toString(16).repeat(64),
    metadata: ((i + 3) % 10).toString(16).repeat(64),
    traits: { Background: "Black", Eyes: `Eye ${i}` },
  }));
  const shard = { index: 2, of: 2, firstId: 4, lastId: 8 };
  const text = [...manifestChunks(header, entries, undefined, shard)].join("");
  const valid = JSON.parse(text) as Record<string, unknown> & { tokens: Array<Record<string, unknown>> };
  const damaged = (edit: (m: typeof valid) => void): string => {
    const m = JSON.parse(text) as typeof valid;
    edit(m);
    return thrown(() => parseManifest(m, PATH), "BAD_ARGUMENT");
  };

  it("reads what manifestChunks writes, and writes it back to the same bytes", () => {
    const parsed = parseManifest(valid, PATH);
    expect(parsed.shard).toEqual(shard);
    expect(parsed.tokens).toEqual(entries);
    const { tool: _t, version: _v, shard: s, tokens, provenance: _p, ...rest } = parsed;
    expect([...manifestChunks(rest, tokens, undefined, s)].join("")).toBe(text);
    const whole = JSON.parse([...manifestChunks(header, entries)].join("")) as unknown;
    expect(parseManifest(whole, PATH).shard).toBeUndefined();
  });

  it("reads the manifest of a shard that holds no token (lastId = firstId - 1, -1 from id 0)", () => {
    for (const [startId, firstId] of [[1, 4], [0, 0]] as const) {
      const empty = { index: 1, of: 3, firstId, lastId: firstId - 1 };
      const m = JSON.parse([...manifestChunks({ ...header, startId }, [], undefined, empty)].join("")) as unknown;
      expect(parseManifest(m, PATH).shard).toEqual(empty);
    }
  });

  it("names the file and the field of each kind of damage", () => {
    expect(
      damaged((m) => {
        const t = m.tokens[3];
        if (t) t.image = "zz";
      }),
    ).toBe(`${PATH}: tokens[3].image: expected 64 hex digits, received "zz"`);
    expect(
      damaged((m) => {
        const t = m.tokens[1];
        if (t) t.traits = { Eyes: 3 };
      }),
    ).toBe(`${PATH}: tokens[1].traits.Eyes: expected a string, received 3`);
    expect(
      damaged((m) => {
        const t = m.tokens[0];
        if (t) t.dna = "0,1";
      }),
    ).toBe(`${PATH}: tokens[0].dna: expected trait indexes joined by "-" such as "0-2-1", or "1-of-1", received "0,1"`);
    expect(
      damaged((m) => {
        const t = m.tokens[2];
        if (t) delete t.id;
      }),
    ).toBe(`${PATH}: tokens[2].id: expected a number, received nothing`);
    expect(damaged((m) => (m.version = "0.0.1"))).toBe(`${PATH}: version: expected "${TOOL_VERSION}", received "0.0.1"`);
    expect(damaged((m) => (m.format = "gif"))).toBe(`${PATH}: format: expected "png" or "webp" or "jpeg", received "gif"`);
    expect(damaged((m) => (m.width = 0))).toBe(`${PATH}: width: expected a number >= 1, received 0`);
    expect(damaged((m) => (m.shard = { ...shard, index: 3 }))).toBe(`${PATH}: shard.index: expected index <= of, received 3`);
    expect(damaged((m) => (m.shard = { ...shard, lastId: 2 }))).toBe(`${PATH}: shard.lastId: expected lastId >= firstId (or firstId - 1 for a shard that holds no token), received 2`);
    expect(damaged((m) => delete m.provenance)).toBe(`${PATH}: provenance: expected a string, received nothing`);
    expect(damaged((m) => (m.tokens = {} as never))).toBe(`${PATH}: tokens: expected an array, received an object`);
    expect(damaged((m) => (m.rarity = true))).toBe(`${PATH}: rarity: expected no such field, received true`);
  });
});

describe("the studio's saved project", () => {
  const isBlob = (v: unknown): v is Blob => v instanceof Blob;
  const settings = {
    count: 100,
    seed: "traitloom",
    namePrefix: "Traitloom",
    description: "",
    baseUri: "",
    startId: 1,
    width: undefined,
    height: 512,
    resize: "error",
    workers: 0,
    layers: [{ folder: "01-Background", name: "Background", visible: true, weights: { Sky: 30 } }],
  };
  const project = () => ({
    root: "layers",
    files: [{ path: "01-Background/Sky#30.png", blob: new Blob([new Uint8Array([1, 2, 3])]) }],
    loadProblems: [{ path: "notes.txt", message: "not an image" }],
    settings: { ...settings, layers: settings.layers.map((l) => ({ ...l, weights: { ...l.weights } })) },
  });
  const damaged = (edit: (p: ReturnType<typeof project> & Record<string, unknown>) => void): string => {
    const p = project();
    edit(p);
    const result = parseSavedProject(p, isBlob);
    if (result.ok) throw new Error("expected the project to be refused");
    expect(result.error).not.toContain("\n");
    return result.error;
  };

  it("reads a project as the studio stores it, its Blobs as they are", () => {
    const p = project();
    const result = parseSavedProject(p, isBlob);
    if (!result.ok) throw new Error(result.error);
    expect(result.project.files[0]?.blob).toBe(p.files[0]?.blob);
    expect(result.project.settings).toEqual({ ...settings, width: undefined });
    expect(result.project.loadProblems).toEqual(p.loadProblems);
    const named = parseSavedProject({ ...p, settings: { ...p.settings, weightSyntax: "nftool", namedWeights: { Rare: 5 } } }, isBlob);
    expect(named.ok && [named.project.settings.weightSyntax, named.project.settings.namedWeights]).toEqual(["nftool", { Rare: 5 }]);
  });

  it("names the field of each kind of damage, without throwing", () => {
    expect(damaged((p) => (p.files = [{ path: "a/b.png", blob: { size: 3 } as unknown as Blob }]))).toBe(
      "saved project: files[0].blob: expected a Blob, received an object",
    );
    expect(damaged((p) => (p.files = "a/b.png" as never))).toBe('saved project: files: expected an array, received "a/b.png"');
    expect(damaged((p) => delete (p as Partial<typeof p>).settings)).toBe("saved project: settings: expected an object, received nothing");
    expect(damaged((p) => (p.settings.count = 0))).toBe("saved project: settings.count: expected a number >= 1, received 0");
    expect(damaged((p) => (p.settings.resize = "crop"))).toBe('saved project: settings.resize: expected "error" or "fit" or "stretch", received "crop"');
    expect(damaged((p) => (p.settings.width = 0 as never))).toBe("saved project: settings.width: expected a number >= 1, received 0");
    expect(
      damaged((p) => {
        const l = p.settings.layers[0];
        if (l) l.weights.Sky = -1;
      }),
    ).toBe("saved project: settings.layers[0].weights.Sky: expected a number >= 0, received -1");
    expect(
      damaged((p) => {
        const l = p.settings.layers[0] as Record<string, unknown> | undefined;
        if (l) l.visible = "yes";
      }),
    ).toBe('saved project: settings.layers[0].visible: expected a boolean, received "yes"');
    expect(damaged((p) => Object.assign(p.settings, { weightSyntax: "csv" }))).toBe(
      'saved project: settings.weightSyntax: expected "auto" or "hashlips" or "nftool", received "csv"',
    );
    expect(damaged((p) => Object.assign(p.settings, { namedWeights: { Rare: "5" } }))).toBe('saved project: settings.namedWeights.Rare: expected a number, received "5"');
    expect(damaged((p) => (p.loadProblems = [{ path: "x" }] as never))).toBe("saved project: loadProblems[0].message: expected a string, received nothing");
  });

  it("keeps the layer order, the CLI's metadata settings and per-layer uniqueness and renames; names their damage", () => {
    const full = {
      ...settings,
      layerOrder: { source: "config.js", detail: "layer order read from src/config.js" },
      externalUrl: "https://x.test/{id}",
      backgroundColor: "ff00aa",
      extraAttributes: [{ trait_type: "Artist", value: "Me" }],
      extraMetadata: { creator: "me" },
      noneTraitNames: ["Nothing"],
      image: { format: "png", compression: "small" },
      layers: [{ folder: "01-Background", name: "Background", visible: true, weights: {}, countsForUniqueness: false, values: { Sky: "Blue Sky" } }],
    };
    const result = parseSavedProject({ ...project(), settings: full }, isBlob);
    if (!result.ok) throw new Error(result.error);
    expect(result.project.settings).toEqual(full);
    expect(damaged((p) => Object.assign(p.settings, { layerOrder: { source: "random", detail: "" } }))).toBe(
      'saved project: settings.layerOrder.source: expected "prefix" or "alphabetical" or "config.js" or "traitloom.json" or "you", received "random"',
    );
    expect(damaged((p) => Object.assign(p.settings, { image: { quality: 101 } }))).toBe("saved project: settings.image.quality: expected a number <= 100, received 101");
    expect(damaged((p) => Object.assign(p.settings, { extraAttributes: [{ trait_type: "A", value: true }] }))).toMatch(/^saved project: settings\.extraAttributes\[0\]\.value: /);
  });

  it("refuses what is not a project at all", () => {
    const result = parseSavedProject("v1:layers", isBlob);
    expect(result).toEqual({ ok: false, error: 'saved project: (top level): expected an object, received "v1:layers"' });
  });
});
