/** The studio's `reroll` and `ban` settings: written to traitloom.json, read back from it, named in run keys. */
import { describe, expect, it } from "vitest";
import type { LayersListing } from "../core/layers.js";
import { parseConfig } from "../core/config.js";
import { settingsChanges } from "../web/runKey.js";
import { settingsFromConfigText } from "./importConfig.js";
import { DEFAULT_SETTINGS, defaultLayers, studioConfig, type StudioSettings } from "./project.js";

const listing: LayersListing = {
  root: "mem",
  rootFiles: [],
  folders: ["01-Background", "02-Eyes"].map((folder) => ({ folder, files: [{ name: "a.png", size: 1 }], subfolders: [] })),
};
const edited: StudioSettings = { ...DEFAULT_SETTINGS, layers: defaultLayers(listing), reroll: [{ id: 3 }, { id: 9, times: 2 }], ban: [["Background/a", "Eyes/a"]] };

describe("reroll and ban in the studio's settings", () => {
  it("are written to traitloom.json as the CLI reads them, and left out when empty", () => {
    const config = parseConfig(studioConfig(edited));
    expect(config.reroll).toEqual([{ id: 3 }, { id: 9, times: 2 }]);
    expect(config.ban).toEqual([["Background/a", "Eyes/a"]]);
    const none = studioConfig({ ...edited, reroll: [], ban: [] });
    expect("reroll" in none || "ban" in none).toBe(false);
  });

  it("come back from a traitloom.json, with a note", () => {
    const { settings, notes } = settingsFromConfigText(JSON.stringify(studioConfig(edited)), "traitloom.json", listing, DEFAULT_SETTINGS);
    expect(settings.reroll).toEqual(edited.reroll);
    expect(settings.ban).toEqual(edited.ban);
    expect(notes).toContain("traitloom.json: 2 re-rolled token(s) and 1 banned combination(s) loaded: see the preview");
  });

  it("are named when a finished run is outdated by them", () => {
    const { reroll: _reroll, ban: _ban, ...plain } = edited;
    expect(settingsChanges(plain, edited)).toEqual(["the re-rolled tokens", "the banned combinations"]);
    expect(settingsChanges(edited, { ...edited, ban: [] })).toEqual(["the banned combinations"]);
  });
});
