/**
 * The studio's "Validate a folder" reads picked files and ZIPs of any tool as core's validators' FolderView: a ZIP's
 * deflated JSON inflated, its images known by name only, the one folder around everything dropped, and a file that
 * is no ZIP refused naming it.
 */
import { zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { validateFolder } from "../core/targets/index.js";
import { blobFolder, withoutTopFolder, zipFiles } from "./folderView.js";

const asset = (n: number): string => JSON.stringify({ name: `Loom #${n + 1}`, symbol: "LOOM", image: `${n}.png`, attributes: [], properties: { files: [{ uri: `${n}.png`, type: "image/png" }], category: "image" } });

describe("folderView", () => {
  it("lists a folder's entries and reads its files' text", async () => {
    const view = blobFolder(new Map([["metadata/1.json", new Blob(['{"a":1}'])], ["metadata/2.json", new Blob(["{}"])], ["manifest.json", new Blob(["{}"])]]));
    expect(await view.list("")).toEqual([{ name: "metadata", folder: true }, { name: "manifest.json", folder: false }]);
    expect((await view.list("metadata")).map((e) => e.name)).toEqual(["1.json", "2.json"]);
    expect(await view.list("nothing")).toEqual([]);
    expect(await view.readText("metadata/1.json")).toBe('{"a":1}');
    await expect(view.readText("metadata/3.json")).rejects.toThrow("metadata/3.json: no such file");
  });

  it("drops the one folder around every file, and keeps files that share none", () => {
    const { files, top } = withoutTopFolder(new Map([["build/json/1.json", new Blob()], ["build/images/1.png", new Blob()]]));
    expect(top).toBe("build");
    expect([...files.keys()]).toEqual(["json/1.json", "images/1.png"]);
    const flat = withoutTopFolder(new Map([["1.json", new Blob()], ["build/2.json", new Blob()]]));
    expect(flat.top).toBeUndefined();
    expect([...flat.files.keys()]).toEqual(["1.json", "build/2.json"]);
  });

  it("reads a deflated ZIP of another tool: the validator names the missing asset as traitloom validate does", async () => {
    const zip = zipSync({ "0.json": new TextEncoder().encode(asset(0)), "0.png": new Uint8Array([1]), "2.json": new TextEncoder().encode(asset(2)), "2.png": new Uint8Array([2]), "sub/": new Uint8Array() }, { level: 9 });
    const files = await zipFiles(new Blob([zip]), "assets.zip");
    expect([...files.keys()].sort()).toEqual(["0.json", "0.png", "2.json", "2.png"]);
    expect(await files.get("0.json")?.text()).toBe(asset(0));
    expect(files.get("0.png")?.size).toBe(0);
    const report = await validateFolder(blobFolder(files), "solana");
    expect(report.problems.map((p) => p.message)).toContain('1.json: expected assets numbered 0 to 1 without gaps, 1.json is missing (Sugar: "Assets list isn\'t continuous")');
  });

  it("refuses a file that is no ZIP, naming it", async () => {
    await expect(zipFiles(new Blob(["hello"]), "notes.zip")).rejects.toThrow("notes.zip: expected a ZIP archive, found zip: no end of central directory");
  });
});
