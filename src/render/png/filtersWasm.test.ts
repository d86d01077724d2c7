import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compileWat, expectedModuleSource, MODULE_PATH, wasmModuleSource } from "../../../scripts/build-wasm.js";
import { FILTERS_WASM } from "./filtersWasm.js";

/** What the test reads of the WebAssembly API, which the Node build's TypeScript libs do not declare. */
interface WasmModuleApi {
  validate(bytes: Uint8Array): boolean;
  readonly Module: {
    new (bytes: Uint8Array): object;
    exports(module: object): { name: string; kind: string }[];
    imports(module: object): { module: string; name: string; kind: string }[];
  };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmModuleApi }).WebAssembly;

describe("filtersWasm.ts", () => {
  it("is what filters.wat compiles to now", async () => {
    const committed = readFileSync(MODULE_PATH, "utf8");
    const expected = await expectedModuleSource();
    expect(committed === expected, "src/render/png/filtersWasm.ts is stale: run npm run build:wasm").toBe(true);
  });

  it("holds a module that validates and exports the four filters and the row score", () => {
    expect(wasm.validate(FILTERS_WASM)).toBe(true);
    const module = new wasm.Module(FILTERS_WASM);
    expect(wasm.Module.exports(module).map((e) => `${e.kind} ${e.name}`)).toEqual([
      "function sub",
      "function up",
      "function avg",
      "function paeth",
      "function sad",
    ]);
    expect(wasm.Module.imports(module).map((i) => `${i.kind} ${i.module}.${i.name}`)).toEqual(["memory env.memory"]);
  });

  it("writes the binary as an array literal that reads back to the same bytes", () => {
    const bytes = Uint8Array.of(0, 0x61, 0x73, 0x6d, 255, 16, 17);
    const literal = /new Uint8Array\(\[([^\]]*)\]\)/.exec(wasmModuleSource(bytes))?.[1] ?? "";
    expect(literal.split(",").map((s) => s.trim()).filter((s) => s !== "").map(Number)).toEqual([...bytes]);
  });

  it("rejects a .wat that does not validate, naming the problem", async () => {
    await expect(compileWat('(module (func (export "f") (result i32) (i64.const 1)))', "bad.wat")).rejects.toThrow(/type mismatch/);
  });
});
