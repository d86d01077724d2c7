import { describe, expect, it } from "vitest";
import { TraitloomError } from "../errors.js";
import { readExports } from "./evaluate.js";

/** The file's lines joined, so that a test says on which line each construct sits. */
function file(...lines: string[]): string {
  return lines.join("\n");
}

function read(...lines: string[]) {
  return readExports(file(...lines), "src/config.js");
}

describe("readExports: what it evaluates", () => {
  it("reads object, array, string, number, boolean and null literals", () => {
    const r = read(`module.exports = { s: "a", n: 1.5, t: true, f: false, z: null, a: [1, "b", [null]], o: { "quoted key": 2, 3: "three" } };`);
    expect(r.values).toEqual({ s: "a", n: 1.5, t: true, f: false, z: null, a: [1, "b", [null]], o: { "quoted key": 2, "3": "three" } });
    expect(r.unreadable).toEqual([]);
  });

  it("reads template literals without expressions and with expressions of known constants", () => {
    const r = read("const name = `Fish`;", "const n = 3;", "module.exports = { plain: `a\\tb`, withConsts: `${name} #${n} ${true}` };");
    expect(r.values).toEqual({ plain: "a\tb", withConsts: "Fish #3 true" });
  });

  it("reads unary minus and plus, ! and void", () => {
    const r = read("const x = 4;", "module.exports = { minus: -x, plus: +2, not: !0, notObj: ![], v: void 0, neg: -(-1.5) };");
    expect(r.values).toEqual({ minus: -4, plus: 2, not: true, notObj: false, neg: 1.5 });
  });

  it("reads + of known strings and numbers and the arithmetic of known numbers", () => {
    const r = read(
      "const format = { width: 1000, height: 500 };",
      `module.exports = { s: "a" + "b", mixed: "#" + 12, sum: 2 + 3, ratio: format.height / format.width, px: 2 / 128, m: 7 % 3, p: 2 ** 3, d: 10 - 4 * 2 };`,
    );
    expect(r.values).toEqual({ s: "ab", mixed: "#12", sum: 5, ratio: 0.5, px: 2 / 128, m: 1, p: 8, d: 2 });
  });

  it("reads const, let and var declarations referenced later, reassignments and destructuring with defaults", () => {
    const r = read(
      "const a = 1;",
      "let b = 2;",
      "b = 3;",
      "var c = a + b;",
      "const { x, y: why = 'fallback', z = 9 } = { x: 'ex', z: 4 };",
      "const [first, , third] = [10, 20, 30];",
      "module.exports = { a, b, c, x, why, z, first, third };",
    );
    expect(r.values).toEqual({ a: 1, b: 3, c: 4, x: "ex", why: "fallback", z: 4, first: 10, third: 30 });
  });

  it("reads members of known objects and arrays; a member that is not there is undefined, as in the engine", () => {
    const r = read(
      "const cfg = [{ layersOrder: [{ name: 'A' }, { name: 'B' }] }];",
      "module.exports = { second: cfg[0].layersOrder[1].name, n: cfg[0].layersOrder.length, len: 'abc'.length, missing: cfg[0].nope, ch: cfg?.[0]?.zz?.deep };",
    );
    expect(r.values).toEqual({ second: "B", n: 2, len: 3 });
  });

  it("reads comparisons, ?: and && || ?? of known values", () => {
    const r = read(
      "const { NETWORK } = require(`${process.cwd()}/constants/network.js`);",
      "const network = NETWORK.sol;",
      "module.exports = { start: network === NETWORK.sol ? 0 : 1, ne: 1 !== 1, lt: 2 < 3, or: '' || 'x', and: 1 && 'y', nn: null ?? 'z', keep: 0 ?? 5 };",
    );
    expect(r.values).toEqual({ start: 0, ne: false, lt: true, or: "x", and: "y", nn: "z", keep: 0 });
  });

  it("reads MODE members of HashLips' blend_mode.js as their canvas names, sourceAtop as the source-out it is there", () => {
    const r = read(
      "const basePath = process.cwd();",
      "const { MODE } = require(`${basePath}/constants/blend_mode.js`);",
      "module.exports = { over: MODE.sourceOver, atop: MODE.sourceAtop, dodge: MODE['colorDodge'] };",
    );
    expect(r.values).toEqual({ over: "source-over", atop: "source-out", dodge: "color-dodge" });
    expect(r.resolved.find((x) => x.path === "atop")).toEqual({
      path: "atop",
      kind: "blendMode",
      expression: "MODE.sourceAtop",
      value: "source-out",
      mode: "sourceAtop",
      note: 'constants/blend_mode.js maps MODE.sourceAtop to "source-out", not "source-atop": the engine drew it source-out',
      line: 3,
      column: 49,
    });
    expect(r.resolved.find((x) => x.path === "over")?.note).toBeUndefined();
  });

  it("reads MODE of nftchef's src/blendMode.js (sourceAtop is source-atop there) through path.join and a relative require", () => {
    const r = read(
      '"use strict";',
      'const path = require("path");',
      'const isLocal = typeof process.pkg === "undefined";',
      "const basePath = isLocal ? process.cwd() : path.dirname(process.execPath);",
      'const { MODE } = require(path.join(basePath, "src/blendMode.js"));',
      'const NC = require("./blendMode.js").MODE;',
      "module.exports = { a: MODE.sourceAtop, b: NC.multiply };",
    );
    expect(r.values).toEqual({ a: "source-atop", b: "multiply" });
    expect(r.resolved.map((x) => x.note)).toEqual([undefined, undefined]);
    expect(r.requires.map((q) => q.module)).toEqual([
      { kind: "path" },
      { kind: "blendMode", file: "src/blendMode.js", flavour: "nftchef" },
      { kind: "blendMode", file: "src/blendMode.js", flavour: "nftchef" },
    ]);
  });

  it("reads NETWORK.eth and NETWORK.sol, and a datlips-style require relative to src/", () => {
    const r = read('const { NETWORK } = require("../constants/network.js");', "module.exports = { a: NETWORK.eth, b: NETWORK.sol };");
    expect(r.values).toEqual({ a: "eth", b: "sol" });
    expect(r.resolved.map((x) => [x.kind, x.expression, x.value])).toEqual([
      ["network", "NETWORK.eth", "eth"],
      ["network", "NETWORK.sol", "sol"],
    ]);
  });

  it("reads basePath, path.join(basePath, …), `${basePath}/…`, basePath + '/…' and __dirname as paths relative to the project", () => {
    const r = read(
      "const path = require('path');",
      "const basePath = process.cwd();",
      "module.exports = {",
      "  root: basePath,",
      '  layersDir: path.join(basePath, "/layers"),',
      "  build: `${basePath}/build/`,",
      '  plus: basePath + "/out/../json",',
      '  here: path.join(__dirname, "../layers"),',
      '  resolved: path.resolve(basePath, "a", "b"),',
      '  strings: path.join("a", "./b"),',
      "};",
    );
    expect(r.values).toEqual({ root: ".", layersDir: "layers", build: "build", plus: "json", here: "layers", resolved: "a/b", strings: "a/b" });
    expect(r.resolved.find((x) => x.path === "layersDir")).toEqual({
      path: "layersDir",
      kind: "projectPath",
      expression: 'path.join(basePath, "/layers")',
      value: "layers",
      line: 5,
      column: 14,
    });
  });

  it("reads module.exports = { a, b } shorthand, module.exports.x = …, exports.x = … and module['exports']", () => {
    const shorthand = read("const a = 1;", "const b = 'two';", "module.exports = { a, b };", "module.exports.c = a + 2;", "module['exports'].d = 4;");
    expect(shorthand.values).toEqual({ a: 1, b: "two", c: 3, d: 4 });
    expect(shorthand.exportedKeys).toEqual(["a", "b", "c", "d"]);
    const aliased = read("exports.x = 1;", "module.exports.y = 2;");
    expect(aliased.values).toEqual({ x: 1, y: 2 });
    // As in Node: exports keeps pointing at the first object once module.exports is replaced.
    const replaced = read("exports.x = 1;", "module.exports = { y: 2 };", "exports.z = 3;");
    expect(replaced.values).toEqual({ y: 2 });
  });

  it("copies spreads of known objects and arrays, and reads a property set on a known object later", () => {
    const r = read("const base = { a: 1 };", "base.b = 2;", "const list = [1, 2];", "module.exports = { ...base, c: 3, list: [0, ...list] };");
    expect(r.values).toEqual({ a: 1, b: 2, c: 3, list: [0, 1, 2] });
    expect(r.unreadable).toEqual([]);
  });

  it("skips statements that touch no binding (require('dotenv').config(), console.log)", () => {
    const r = read("require('dotenv').config();", "console.log('x');", "module.exports = { a: 1 };");
    expect(r.values).toEqual({ a: 1 });
    expect(r.unreadable).toEqual([]);
  });
});

describe("readExports: what it refuses, with the key path and place", () => {
  it.each([
    ["an arrow function", "const extraAttributes = () => [];", "extraAttributes", 1, 25, "a function: Traitloom reads config.js without running it"],
    ["a function expression", "const f = function () { return 1; };", "f", 1, 11, "a function: Traitloom reads config.js without running it"],
    ["a call", "const r = Math.random();", "r", 1, 11, "Math.random(): a call, never run"],
    ["new", "const d = new Date();", "d", 1, 11, "new Date(): a constructor call, never run"],
    ["process.env", "const key = process.env.KEY;", "key", 1, 13, "process.env.KEY: read from the environment when the engine runs"],
    ["an undefined name", "const x = missing;", "x", 1, 11, "missing is not defined in this file"],
    ["a regular expression", "const re = /a/;", "re", 1, 12, "a regular expression"],
    ["a BigInt", "const big = 10n;", "big", 1, 13, "a BigInt"],
    ["a tagged template", "const t = tag`x`;", "t", 1, 11, "tag`x`: a tagged template, a call never run"],
    ["a member of another module", "const fs = require('fs');", "fs", 1, 12, "a module or one of its functions, not a setting"],
  ])("%s", (_what, line, key, lineNo, column, reason) => {
    const r = read(line, `module.exports = { ${key} };`);
    expect(r.values).toEqual({});
    expect(r.unreadable).toEqual([{ path: key, line: lineNo, column, reason }]);
  });

  it("reports a method, a getter and a spread of what could not be read at their places, keeping the rest", () => {
    const r = read("module.exports = {", "  a: 1,", "  m() { return 2; },", "  get g() { return 3; },", "  ...unknownThing,", "  list: [1, ...other(), 2],", "};");
    expect(r.values).toEqual({ a: 1, list: [1, 2] });
    expect(r.unreadable).toEqual([
      { path: "m", line: 3, column: 3, reason: "a function: Traitloom reads config.js without running it" },
      { path: "g", line: 4, column: 3, reason: "a getter: never run" },
      {
        path: "module.exports",
        line: 5,
        column: 3,
        reason: "...unknownThing spreads what could not be read: unknownThing is not defined in this file; its keys are missing",
      },
      {
        path: "list",
        line: 6,
        column: 13,
        reason: "...other() spreads what could not be read: other(): a call, never run; its items are missing (the items after it are numbered without them)",
      },
    ]);
  });

  it("reports deep key paths: layerConfigurations[0].layersOrder[1].options.blend", () => {
    const r = read("const layerConfigurations = [", "  { layersOrder: [{ name: 'A' }, { name: 'B', options: { blend: pick() } }] },", "];", "module.exports = { layerConfigurations };");
    expect(r.unreadable).toEqual([{ path: "layerConfigurations[0].layersOrder[1].options.blend", line: 2, column: 65, reason: "pick(): a call, never run" }]);
    expect(r.values).toEqual({ layerConfigurations: [{ layersOrder: [{ name: "A" }, { name: "B", options: {} }] }] });
  });

  it("reports a name used before its declaration", () => {
    const r = read("const a = b;", "const b = 1;", "module.exports = { a, b };");
    expect(r.values).toEqual({ b: 1 });
    expect(r.unreadable).toEqual([{ path: "a", line: 1, column: 11, reason: "b is used before it is declared" }]);
  });

  it("marks a value a statement that is not run may change: a push, a loop, a call of a function that changes it", () => {
    const r = read(
      "const layerConfigurations = [{ growEditionSizeTo: 5 }];",
      "layerConfigurations.push({ growEditionSizeTo: 10 });",
      "const extra = {};",
      "function fill() { extra.x = Math.random(); }",
      "fill();",
      "let size = 1;",
      "if (Math.random() > 0.5) size = 2;",
      "module.exports = { layerConfigurations, extra, size };",
    );
    expect(r.values).toEqual({ layerConfigurations: [{ growEditionSizeTo: 5 }], extra: {} });
    expect(r.unreadable).toEqual([
      {
        path: "layerConfigurations",
        line: 2,
        column: 1,
        reason: "may be changed by the statement at line 2 (layerConfigurations.push({ growEditionSizeTo: 10 });), which is not run; read as written before it",
      },
      { path: "extra", line: 5, column: 1, reason: "may be changed by the statement at line 5 (fill();), which is not run; read as written before it" },
      { path: "size", line: 7, column: 1, reason: "may be changed by the statement at line 7 (if (Math.random() > 0.5) size = 2;), which is not run" },
    ]);
  });

  it("refuses what only looks like a path of the project: basePath in the middle, basePath + a name, an absolute path.resolve", () => {
    const r = read(
      "const path = require('path');",
      "const basePath = process.cwd();",
      "module.exports = {",
      "  middle: `file://${basePath}`,",
      "  sibling: basePath + 'layers',",
      "  absolute: path.resolve(basePath, '/etc'),",
      "};",
    );
    expect(r.values).toEqual({});
    expect(r.unreadable).toEqual([
      { path: "middle", line: 4, column: 21, reason: "${basePath} in a template: a path, not a string or number" },
      { path: "sibling", line: 5, column: 12, reason: "basePath + 'layers': a path next to the project folder, not inside it" },
      { path: "absolute", line: 6, column: 13, reason: "path.resolve(…): an absolute path of the user's machine" },
    ]);
  });

  it("refuses a MODE name the module does not have, and a condition that is not known", () => {
    const r = read("const { MODE } = require('../constants/blend_mode.js');", "module.exports = { blend: MODE.multipy, pick: Math.random() > 0.5 ? 'a' : 'b' };");
    expect(r.unreadable).toEqual([
      { path: "blend", line: 2, column: 27, reason: "MODE.multipy: MODE of constants/blend_mode.js has no multipy (the engine reads undefined)" },
      { path: "pick", line: 2, column: 47, reason: "Math.random(): a call, never run" },
    ]);
  });

  it("refuses module.exports that is not an object, and a value that contains itself", () => {
    expect(read("module.exports = makeConfig();").unreadable).toEqual([{ path: "module.exports", line: 1, column: 18, reason: "makeConfig(): a call, never run" }]);
    expect(read("module.exports = 3;").unreadable).toEqual([{ path: "module.exports", line: 1, column: 1, reason: "expected an object of settings, found 3" }]);
    const cycle = read("const a = { n: 1 };", "a.self = a;", "module.exports = { a };");
    expect(cycle.values).toEqual({ a: { n: 1 } });
    expect(cycle.unreadable).toEqual([{ path: "a.self", line: 1, column: 11, reason: "refers to itself (a value that contains itself)" }]);
  });

  it("never runs anything: a config that would throw or loop is read as written", () => {
    const r = read("while (true) {}", "throw new Error('boom');", "module.exports = { ok: 1 };");
    expect(r.values).toEqual({ ok: 1 });
  });
});

describe("readExports: parse errors", () => {
  it("names the file, line and column of a syntax error", () => {
    const source = file("const a = {", "  width: 512,", "  height 512,", "};");
    expect(() => readExports(source, "layers-project/src/config.js")).toThrow(
      "layers-project/src/config.js: line 3, column 10: expected JavaScript that parses, found a syntax error: Unexpected token",
    );
    try {
      readExports(source, "config.js");
    } catch (e) {
      expect(e).toBeInstanceOf(TraitloomError);
      expect((e as TraitloomError).code).toBe("BAD_CONFIG");
    }
  });

  it("refuses ES module syntax with the place of the import", () => {
    expect(() => readExports("\nimport x from 'y';", "config.js")).toThrow(/^config\.js: line 2, column 1: .*'import' and 'export' may appear only with 'sourceType: module'/);
  });
});
