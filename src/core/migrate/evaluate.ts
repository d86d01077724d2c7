import { getLineInfo, parse } from "acorn";
import type {
  ArrayExpression,
  AssignmentExpression,
  CallExpression,
  Expression,
  MemberExpression,
  Node,
  ObjectExpression,
  Pattern,
  PrivateIdentifier,
  Program,
  SpreadElement,
  Statement,
  Super,
  TemplateLiteral,
  ModuleDeclaration,
  Identifier,
} from "acorn";
import { TraitloomError } from "../errors.js";
import { CONFIG_DIR, classifyModule, HASHLIPS_MODE, joinProjectPath, NETWORK, NFTCHEF_MODE, type RequiredModule } from "./constants.js";

/** A value of the exports that could not be read statically: where it is and why. */
export interface UnreadableValue {
  /** Key path in the exports, e.g. `layerConfigurations[0].layersOrder[2].options.blend`; "module.exports" for all of it. */
  path: string;
  /** 1-based line and column of the expression that could not be read. */
  line: number;
  column: number;
  reason: string;
}

/** A value read from one of the engine's constants or from the project folder, as it landed in the exports. */
export interface ResolvedConstant {
  /** Key path in the exports. */
  path: string;
  kind: "blendMode" | "network" | "projectPath";
  /** The expression as written: `MODE.sourceAtop`, `path.join(basePath, "/layers")`. */
  expression: string;
  /** What the engine reads: the canvas operation, the network name, or a path relative to the project ("." for it). */
  value: string;
  /** For a blend mode, the MODE key written (`sourceAtop`). */
  mode?: string;
  /** Where the constant is not what its name says (HashLips' `MODE.sourceAtop` is "source-out"). */
  note?: string;
  line: number;
  column: number;
}

/** A module required by the file, once its name could be read. */
export interface RequireSeen {
  module: RequiredModule;
  line: number;
  column: number;
}

/** What a CommonJS file exports, read without running it. */
export interface StaticExports {
  values: Record<string, unknown>;
  /** Every key module.exports holds, in order, whether its value could be read or not. */
  exportedKeys: string[];
  unreadable: UnreadableValue[];
  resolved: ResolvedConstant[];
  requires: RequireSeen[];
}

// ---------------------------------------------------------------------------------------------------------------
// The values of the evaluation. Plain JSON-like data (strings, numbers, booleans, null, undefined, arrays, plain
// objects) stand for themselves; the classes below stand for what is not data, and never leave this file.

interface Place {
  line: number;
  column: number;
}

class Unreadable {
  constructor(
    readonly reason: string,
    readonly place: Place,
    /** For a function: its body, so that calling it marks what it may change. */
    readonly body?: Node,
  ) {}
}

/** A path inside the project (basePath, `path.join(basePath, …)`): "" is the project folder. */
class ProjectPath {
  constructor(
    readonly path: string,
    readonly expression: string,
    readonly place: Place,
  ) {}
}

/** A member of MODE or NETWORK. */
class Constant {
  constructor(
    readonly kind: "blendMode" | "network",
    readonly value: string,
    readonly expression: string,
    readonly place: Place,
    readonly mode?: string,
    readonly note?: string,
  ) {}
}

class ModuleValue {
  constructor(
    readonly module: RequiredModule,
    readonly place: Place,
  ) {}
}

/** `MODE` or `NETWORK` of a required module. */
class Table {
  constructor(
    readonly name: "MODE" | "NETWORK",
    readonly entries: Readonly<Record<string, string>>,
    readonly module: RequiredModule & { kind: "blendMode" | "network" },
    readonly place: Place,
  ) {}
}

/** `path.join` and `path.resolve`: the only calls read, since they only join strings. */
class PathFunction {
  constructor(
    readonly name: "join" | "resolve",
    readonly place: Place,
  ) {}
}

/** `module` itself: only `module.exports` of it is read. */
class ModuleObject {
  constructor(readonly place: Place) {}
}

type Val =
  | string
  | number
  | boolean
  | null
  | undefined
  | Val[]
  | { [key: string]: Val }
  | Unreadable
  | ProjectPath
  | Constant
  | ModuleValue
  | Table
  | PathFunction
  | ModuleObject;

type Obj = { [key: string]: Val };

/** An optional chain that met null or undefined: the whole chain is undefined. */
const SHORT_CIRCUIT = Symbol("short-circuit");
type Evaluated = Val | typeof SHORT_CIRCUIT;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && Object.getPrototypeOf(v) === Object.prototype;
}

type Primitive = string | number | boolean | null | undefined;

function isPrimitive(v: Val): v is Primitive {
  return v === null || v === undefined || typeof v === "string" || typeof v === "number" || typeof v === "boolean";
}

/** A constant stands for its value in arithmetic and comparisons. */
function prim(v: Val): Val {
  return v instanceof Constant ? v.value : v;
}

/** Defines an own property, so that a key such as "__proto__" is data, not a prototype. */
function setOwn(obj: Obj | Val[], key: string, value: Val): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function hasOwn(obj: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

interface Binding {
  value: Val;
  kind: "const" | "let" | "var" | "function" | "class" | "implicit";
}

interface Change {
  line: number;
  column: number;
  text: string;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

export function formatKeyPath(path: readonly (string | number)[]): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else if (IDENTIFIER.test(p)) out += out ? `.${p}` : p;
    else out += `[${JSON.stringify(p)}]`;
  }
  return out;
}

const FUNCTION_REASON = "a function: Traitloom reads config.js without running it";

/**
 * Reads what a CommonJS config file exports without running any of it: literals, template literals, `+` and
 * arithmetic of known numbers and strings, comparisons, `!`, `?:`, `&&`/`||`/`??` of known values, top-level
 * `const`/`let`/`var` (and destructuring) referenced later, member access of known objects, `MODE.*` and
 * `NETWORK.*` of the engines' constants files, `basePath`/`process.cwd()`/`__dirname` and `path.join`/`path.resolve`
 * of them (as project-relative paths), `require(...)`, `module.exports = {…}`, `module.exports.x = …` and
 * `exports.x = …`. `typeof process.pkg` reads "undefined": the engine is run from its sources, not as a packaged
 * binary. Everything else (calls, functions, `new`, spreads of what could not be read, loops) is reported in
 * `unreadable` with its key path and place, never run; a statement that is not run but names a binding marks
 * that binding's value as possibly changed.
 *
 * @throws TraitloomError BAD_CONFIG where the source does not parse, naming the file, line and column.
 */
export function readExports(source: string, fileName: string): StaticExports {
  let program: Program;
  try {
    program = parse(source, { ecmaVersion: "latest", sourceType: "script", locations: true, allowHashBang: true, allowReturnOutsideFunction: true });
  } catch (e) {
    const err = e as { pos?: number; message?: string };
    const pos = typeof err.pos === "number" ? err.pos : 0;
    const { line, column } = getLineInfo(source, pos);
    const what = (err.message ?? String(e)).replace(/\s*\(\d+:\d+\)$/, "");
    throw new TraitloomError("BAD_CONFIG", `${fileName}: line ${line}, column ${column + 1}: expected JavaScript that parses, found a syntax error: ${what}`);
  }
  return new Reader(source).run(program);
}

class Reader {
  private readonly bindings = new Map<string, Binding>();
  /** Every name declared at the top level, for "used before it is declared". */
  private readonly declared = new Set<string>();
  private readonly exportsAlias: Obj = {};
  private moduleExports: Val = this.exportsAlias;
  /** Spreads and keys that could not be read, per object or array they belong to. */
  private readonly lost = new WeakMap<object, Unreadable[]>();
  /** Objects a statement that is not run may change. */
  private readonly changed = new WeakMap<object, Change>();
  private readonly requires: RequireSeen[] = [];
  /** Where each object or array literal was written, for a value that refers to itself. */
  private readonly madeAt = new WeakMap<object, Place>();

  constructor(private readonly source: string) {}

  run(program: Program): StaticExports {
    for (const stmt of program.body) this.declare(stmt);
    for (const stmt of program.body) {
      if (stmt.type === "FunctionDeclaration" && stmt.id) {
        this.bindings.set(stmt.id.name, { value: new Unreadable(FUNCTION_REASON, this.at(stmt), stmt.body), kind: "function" });
      }
    }
    for (const stmt of program.body) this.statement(stmt);
    return this.collect();
  }

  // ---- places and text -----------------------------------------------------------------------------------

  private at(node: Node): Place {
    const start = node.loc?.start;
    return start ? { line: start.line, column: start.column + 1 } : { line: 1, column: 1 };
  }

  private text(node: Node, max = 60): string {
    const raw = this.source.slice(node.start, node.end).replace(/\s+/g, " ");
    return raw.length > max ? `${raw.slice(0, max - 1)}…` : raw;
  }

  private no(reason: string, node: Node, body?: Node): Unreadable {
    return new Unreadable(reason, this.at(node), body);
  }

  private loseIn(target: object, u: Unreadable): void {
    const list = this.lost.get(target) ?? [];
    list.push(u);
    this.lost.set(target, list);
  }

  // ---- statements ------------------------------------------------------------------------------------------

  private declare(stmt: Statement | ModuleDeclaration): void {
    if (stmt.type === "VariableDeclaration") {
      for (const d of stmt.declarations) for (const name of patternNames(d.id)) this.declared.add(name);
    } else if ((stmt.type === "FunctionDeclaration" || stmt.type === "ClassDeclaration") && stmt.id) {
      this.declared.add(stmt.id.name);
    }
  }

  private statement(stmt: Statement | ModuleDeclaration): void {
    switch (stmt.type) {
      case "EmptyStatement":
      case "FunctionDeclaration":
        return;
      case "VariableDeclaration":
        for (const d of stmt.declarations) {
          const value = d.init ? this.value(d.init) : undefined;
          this.bind(d.id, value, stmt.kind === "const" ? "const" : stmt.kind === "var" ? "var" : "let");
        }
        return;
      case "ClassDeclaration":
        if (stmt.id) this.bindings.set(stmt.id.name, { value: this.no("a class: Traitloom reads config.js without running it", stmt), kind: "class" });
        return;
      case "ExpressionStatement":
        if (typeof (stmt as { directive?: unknown }).directive === "string") return;
        if (stmt.expression.type === "AssignmentExpression" && stmt.expression.operator === "=" && this.assign(stmt.expression)) return;
        this.notRun(stmt);
        return;
      default:
        this.notRun(stmt);
    }
  }

  /** Binds a declaration's names; destructuring reads members of the value as `a.b` would. */
  private bind(pattern: Pattern, value: Val, kind: Binding["kind"]): void {
    switch (pattern.type) {
      case "Identifier":
        this.bindings.set(pattern.name, { value, kind });
        return;
      case "AssignmentPattern": {
        const v = value === undefined ? this.value(pattern.right) : value;
        this.bind(pattern.left, v, kind);
        return;
      }
      case "ObjectPattern":
        for (const prop of pattern.properties) {
          if (prop.type === "RestElement") {
            this.bind(prop.argument, this.no("a rest pattern (...rest) is not read", prop), kind);
            continue;
          }
          const key = prop.computed ? this.key(prop.key as Expression) : keyName(prop.key);
          const member: Evaluated =
            key instanceof Unreadable ? key : key === undefined ? this.no("a key that is not read", prop.key) : this.member(value, key, prop, this.text(prop.key));
          this.bind(prop.value, member === SHORT_CIRCUIT ? undefined : member, kind);
        }
        return;
      case "ArrayPattern":
        pattern.elements.forEach((el, i) => {
          if (!el) return;
          if (el.type === "RestElement") {
            this.bind(el.argument, this.no("a rest pattern (...rest) is not read", el), kind);
            return;
          }
          const member = this.member(value, String(i), el, `[${i}]`);
          this.bind(el, member === SHORT_CIRCUIT ? undefined : member, kind);
        });
        return;
      default:
        for (const name of patternNames(pattern)) this.bindings.set(name, { value: this.no("a pattern that is not read", pattern), kind });
    }
  }

  /** `x = …`, `module.exports = …`, `module.exports.x = …`, `exports.x = …`, `a.b = …` where `a` is known. */
  private assign(expr: AssignmentExpression): boolean {
    const target = expr.left;
    if (target.type === "Identifier") {
      const binding = this.bindings.get(target.name);
      const value = this.value(expr.right);
      if (!binding) this.bindings.set(target.name, { value, kind: "implicit" });
      else if (binding.kind === "const") binding.value = this.no(`${target.name} is a const assigned again (the engine would throw)`, expr);
      else binding.value = value;
      return true;
    }
    if (target.type !== "MemberExpression") return false;
    if (isModuleExports(target) && !this.bindings.has("module")) {
      this.moduleExports = this.value(expr.right);
      return true;
    }
    const owner = this.evaluate(target.object);
    if (!(isObj(owner) || Array.isArray(owner))) return false;
    const key = target.computed ? this.key(target.property as Expression) : keyName(target.property);
    if (typeof key !== "string") return false;
    setOwn(owner, key, this.value(expr.right));
    return true;
  }

  /**
   * A statement that is not run (a call, a loop, `x.push(…)`): whatever bindings it names may be changed by it,
   * and so may those named in the bodies of functions it calls.
   */
  private notRun(node: Node): void {
    const change: Change = { ...this.at(node), text: this.text(node, 80) };
    const { names, assigned } = this.namesIn(node);
    for (const name of names) {
      if (name === "module" || name === "exports") {
        if (!this.bindings.has(name)) this.markChanged(name === "exports" ? this.exportsAlias : this.moduleExports, change);
        continue;
      }
      const binding = this.bindings.get(name);
      if (!binding) continue;
      if (isObj(binding.value) || Array.isArray(binding.value)) this.markChanged(binding.value, change);
      else if (assigned.has(name)) {
        binding.value = new Unreadable(`may be changed by the statement at line ${change.line} (${change.text}), which is not run`, {
          line: change.line,
          column: change.column,
        });
      }
    }
  }

  private markChanged(value: Val, change: Change, seen = new Set<object>()): void {
    if (!(isObj(value) || Array.isArray(value)) || seen.has(value)) return;
    seen.add(value);
    if (!this.changed.has(value)) this.changed.set(value, change);
    for (const v of Object.values(value)) this.markChanged(v, change, seen);
  }

  /** Identifiers a node refers to (not property names), and those it assigns; through the bodies of functions it names. */
  private namesIn(root: Node): { names: Set<string>; assigned: Set<string> } {
    const names = new Set<string>();
    const assigned = new Set<string>();
    const bodies = new Set<Node>();
    const visit = (node: Node): void => {
      walk(node, (n, parent, field) => {
        if (n.type === "Identifier") {
          const name = (n as Identifier).name;
          if (isPropertyName(parent, field)) return;
          names.add(name);
          if (
            (parent?.type === "AssignmentExpression" && field === "left") ||
            (parent?.type === "UpdateExpression" && field === "argument")
          ) {
            assigned.add(name);
          }
          const fn = this.bindings.get(name)?.value;
          if (fn instanceof Unreadable && fn.body && !bodies.has(fn.body)) {
            bodies.add(fn.body);
            visit(fn.body);
          }
        }
      });
    };
    visit(root);
    return { names, assigned };
  }

  // ---- expressions -----------------------------------------------------------------------------------------

  /** The value of an expression, with an optional chain that stopped at null read as undefined. */
  private value(node: Expression): Val {
    const v = this.evaluate(node);
    return v === SHORT_CIRCUIT ? undefined : v;
  }

  private evaluate(node: Expression | Super | PrivateIdentifier): Evaluated {
    switch (node.type) {
      case "Literal":
        if ("regex" in node && node.regex) return this.no("a regular expression", node);
        if (typeof node.value === "bigint") return this.no("a BigInt", node);
        return node.value as Primitive;
      case "TemplateLiteral":
        return this.template(node);
      case "Identifier":
        return this.identifier(node);
      case "UnaryExpression": {
        if (node.operator === "typeof" && isProcessPkg(node.argument) && !this.bindings.has("process")) return "undefined";
        if (node.operator === "void") return undefined;
        const arg = this.value(node.argument);
        if (arg instanceof Unreadable) return arg;
        const v = prim(arg);
        if (node.operator === "-" && typeof v === "number") return -v;
        if (node.operator === "+" && typeof v === "number") return v;
        if (node.operator === "!") {
          const t = truthy(v);
          return t === undefined ? this.no(`!${this.text(node.argument)}: not a value that is known`, node) : !t;
        }
        if (node.operator === "typeof" && (isPrimitive(v) || isObj(v) || Array.isArray(v))) return v === null || typeof v === "object" ? "object" : typeof v;
        return this.no(`${node.operator} of ${describe(v)}`, node);
      }
      case "BinaryExpression":
        return this.binary(node.operator, node.left, node.right, node);
      case "LogicalExpression": {
        const left = this.value(node.left);
        if (left instanceof Unreadable) return left;
        if (node.operator === "??") return left === null || left === undefined ? this.value(node.right) : left;
        const t = truthy(prim(left));
        if (t === undefined) return this.no(`${this.text(node.left)} ${node.operator} …: the left side is not a value that is known`, node);
        return node.operator === "&&" ? (t ? this.value(node.right) : left) : t ? left : this.value(node.right);
      }
      case "ConditionalExpression": {
        const test = this.value(node.test);
        if (test instanceof Unreadable) return test;
        const t = truthy(prim(test));
        if (t === undefined) return this.no(`${this.text(node.test)} ? …: the condition is not a value that is known`, node);
        return this.value(t ? node.consequent : node.alternate);
      }
      case "ObjectExpression":
        return this.object(node);
      case "ArrayExpression":
        return this.array(node);
      case "MemberExpression":
        return this.memberExpression(node);
      case "ChainExpression":
        return this.value(node.expression);
      case "ParenthesizedExpression":
        return this.evaluate(node.expression);
      case "CallExpression":
        return this.call(node);
      case "ArrowFunctionExpression":
      case "FunctionExpression":
        return this.no(FUNCTION_REASON, node, node.body);
      case "ClassExpression":
        return this.no("a class: Traitloom reads config.js without running it", node);
      case "NewExpression":
        this.notRun(node);
        return this.no(`${this.text(node, 50)}: a constructor call, never run`, node);
      case "TaggedTemplateExpression":
        this.notRun(node);
        return this.no(`${this.text(node, 50)}: a tagged template, a call never run`, node);
      case "AssignmentExpression":
      case "UpdateExpression":
        this.notRun(node);
        return this.no("an assignment inside an expression is not run", node);
      case "SequenceExpression":
        return this.no("a sequence (a, b) is not read", node);
      case "AwaitExpression":
      case "YieldExpression":
        return this.no(`${node.type === "AwaitExpression" ? "await" : "yield"}: never run`, node);
      case "ThisExpression":
        return this.no("this is not read", node);
      default:
        return this.no(`${this.text(node)}: not a value Traitloom reads`, node);
    }
  }

  private identifier(node: Identifier): Val {
    const binding = this.bindings.get(node.name);
    if (binding) return binding.value;
    if (this.declared.has(node.name)) return this.no(`${node.name} is used before it is declared`, node);
    switch (node.name) {
      case "undefined":
        return undefined;
      case "NaN":
        return NaN;
      case "Infinity":
        return Infinity;
      case "__dirname":
        return new ProjectPath(CONFIG_DIR, node.name, this.at(node));
      case "module":
        return new ModuleObject(this.at(node));
      case "exports":
        return this.exportsAlias;
      case "process":
        return this.no("process is known only when the engine runs", node);
      default:
        return this.no(`${node.name} is not defined in this file`, node);
    }
  }

  private template(node: TemplateLiteral): Val {
    let head: ProjectPath | undefined;
    let text = "";
    for (let i = 0; i < node.quasis.length; i++) {
      const quasi = node.quasis[i];
      if (!quasi) break;
      if (quasi.value.cooked === null || quasi.value.cooked === undefined) return this.no("a template with an invalid escape", quasi);
      text += quasi.value.cooked;
      const expr = node.expressions[i];
      if (!expr) continue;
      const v = this.value(expr);
      if (v instanceof Unreadable) return v;
      if (v instanceof ProjectPath && i === 0 && text === "") {
        head = v;
        continue;
      }
      const p = prim(v);
      if (!isPrimitive(p)) return this.no(`\${${this.text(expr)}} in a template: ${describe(p)}, not a string or number`, expr);
      text += String(p);
    }
    return head ? this.projectPath(joinProjectPath(head.path, text), text, node) : text;
  }

  private projectPath(path: string, suffix: string, node: Node): Val {
    // basePath + "x" (no separator) would name a sibling of the project folder: a path of the user's machine.
    if (suffix !== "" && !/^[\\/]/.test(suffix)) return this.no(`${this.text(node)}: a path next to the project folder, not inside it`, node);
    return new ProjectPath(path, this.text(node, 200), this.at(node));
  }

  private binary(op: string, leftNode: Expression | PrivateIdentifier, rightNode: Expression, node: Node): Val {
    if (leftNode.type === "PrivateIdentifier") return this.no("a private name", leftNode);
    const left = this.value(leftNode);
    if (left instanceof Unreadable) return left;
    const right = this.value(rightNode);
    if (right instanceof Unreadable) return right;
    if (op === "+" && left instanceof ProjectPath) {
      const r = prim(right);
      if (typeof r === "string") return this.projectPath(joinProjectPath(left.path, r), r, node);
    }
    const l = prim(left);
    const r = prim(right);
    if (!isPrimitive(l) || !isPrimitive(r)) {
      return this.no(`${this.text(node)}: ${describe(isPrimitive(l) ? r : l)} in ${op}`, node);
    }
    switch (op) {
      case "+":
        if (typeof l === "string" || typeof r === "string") return String(l) + String(r);
        if (typeof l === "number" && typeof r === "number") return l + r;
        break;
      case "-":
      case "*":
      case "/":
      case "%":
      case "**":
        if (typeof l === "number" && typeof r === "number") {
          return op === "-" ? l - r : op === "*" ? l * r : op === "/" ? l / r : op === "%" ? l % r : l ** r;
        }
        break;
      case "===":
        return l === r;
      case "!==":
        return l !== r;
      case "==":
        return l == r;
      case "!=":
        return l != r;
      case "<":
      case ">":
      case "<=":
      case ">=":
        if ((typeof l === "number" && typeof r === "number") || (typeof l === "string" && typeof r === "string")) {
          return op === "<" ? l < r : op === ">" ? l > r : op === "<=" ? l <= r : l >= r;
        }
        break;
    }
    return this.no(`${this.text(node)}: the operator ${op} on ${describe(l)} and ${describe(r)} is not read`, node);
  }

  private key(node: Expression): string | Unreadable {
    const v = prim(this.value(node));
    if (v instanceof Unreadable) return v;
    if (typeof v === "string" || typeof v === "number") return String(v);
    return this.no(`[${this.text(node)}]: a key that is not a string or number`, node);
  }

  private object(node: ObjectExpression): Val {
    const obj: Obj = {};
    this.madeAt.set(obj, this.at(node));
    for (const prop of node.properties) {
      if (prop.type === "SpreadElement") {
        this.spreadInto(obj, prop);
        continue;
      }
      const key = prop.computed ? this.key(prop.key as Expression) : keyName(prop.key);
      if (key instanceof Unreadable || key === undefined) {
        this.loseIn(obj, key ?? this.no("a key that is not read", prop.key));
        continue;
      }
      if (!prop.computed && !prop.shorthand && key === "__proto__") {
        this.loseIn(obj, this.no("__proto__ sets the prototype: not read", prop));
        continue;
      }
      if (prop.kind !== "init") setOwn(obj, key, this.no(`a ${prop.kind}ter: never run`, prop));
      else if (prop.method) setOwn(obj, key, this.no(FUNCTION_REASON, prop, (prop.value as Expression & { body: Node }).body));
      else setOwn(obj, key, this.value(prop.value as Expression));
    }
    return obj;
  }

  private spreadInto(obj: Obj, spread: SpreadElement): void {
    const v = prim(this.value(spread.argument));
    if (v === null || v === undefined) return;
    if (isObj(v) || Array.isArray(v)) {
      for (const [k, val] of Object.entries(v)) setOwn(obj, k, val);
      for (const u of this.lost.get(v) ?? []) this.loseIn(obj, u);
      const change = this.changed.get(v);
      if (change) this.changed.set(obj, change);
      return;
    }
    if (typeof v === "string") {
      [...v].forEach((ch, i) => setOwn(obj, String(i), ch));
      return;
    }
    if (typeof v === "number" || typeof v === "boolean") return;
    const inner = v instanceof Unreadable ? `: ${v.reason}` : "";
    this.loseIn(obj, this.no(`...${this.text(spread.argument)} spreads what could not be read${inner}; its keys are missing`, spread));
  }

  private array(node: ArrayExpression): Val {
    const arr: Val[] = [];
    this.madeAt.set(arr, this.at(node));
    for (const el of node.elements) {
      if (el === null) {
        arr.push(undefined);
        continue;
      }
      if (el.type !== "SpreadElement") {
        arr.push(this.value(el));
        continue;
      }
      const v = prim(this.value(el.argument));
      if (Array.isArray(v)) {
        arr.push(...v);
        for (const u of this.lost.get(v) ?? []) this.loseIn(arr, u);
      } else if (typeof v === "string") arr.push(...v);
      else {
        const inner = v instanceof Unreadable ? `: ${v.reason}` : "";
        this.loseIn(arr, this.no(`...${this.text(el.argument)} spreads what could not be read${inner}; its items are missing (the items after it are numbered without them)`, el));
      }
    }
    return arr;
  }

  private memberExpression(node: MemberExpression): Evaluated {
    const root = rootOf(node);
    if (root.type === "Identifier" && (root as Identifier).name === "process" && !this.bindings.has("process")) {
      const env = /^process\??\.env\b/.test(this.text(node));
      return this.no(`${this.text(node)}: ${env ? "read from the environment" : "known only"} when the engine runs`, node);
    }
    const owner = this.evaluate(node.object);
    if (owner === SHORT_CIRCUIT) return SHORT_CIRCUIT;
    if (node.optional && (owner === null || owner === undefined)) return SHORT_CIRCUIT;
    if (node.property.type === "PrivateIdentifier") return this.no("a private name", node.property);
    const key = node.computed ? this.key(node.property) : keyName(node.property);
    if (key instanceof Unreadable) return key;
    if (key === undefined) return this.no("a key that is not read", node.property);
    return this.member(owner, key, node, this.text(node));
  }

  /** `owner[key]` as the engine would read it. `text` names the expression in messages. */
  private member(owner: Val, key: string, node: Node, text: string): Evaluated {
    if (owner instanceof Unreadable) return owner;
    if (owner === null || owner === undefined) return this.no(`${text}: reads a member of ${String(owner)} (the engine would throw)`, node);
    if (owner instanceof ModuleObject) {
      return key === "exports" ? this.moduleExports : this.no(`module.${key} is not read`, node);
    }
    if (owner instanceof ModuleValue) return this.moduleMember(owner.module, key, node, text);
    if (owner instanceof Table) {
      const value = hasOwn(owner.entries, key) ? owner.entries[key] : undefined;
      const file = owner.module.file;
      if (value === undefined) return this.no(`${text}: ${owner.name} of ${file} has no ${key} (the engine reads undefined)`, node);
      if (owner.name === "NETWORK") return new Constant("network", value, this.text(node), this.at(node));
      const note =
        owner.module.kind === "blendMode" && owner.module.flavour === "hashlips" && key === "sourceAtop"
          ? `${file} maps MODE.sourceAtop to "source-out", not "source-atop": the engine drew it source-out`
          : undefined;
      return new Constant("blendMode", value, this.text(node), this.at(node), key, note);
    }
    if (owner instanceof PathFunction || owner instanceof ProjectPath) return this.no(`${text}: not read`, node);
    const v = prim(owner);
    if (typeof v === "string") return key === "length" ? v.length : /^\d+$/.test(key) ? v[Number(key)] : undefined;
    if (typeof v === "number" || typeof v === "boolean") return undefined;
    if (Array.isArray(v)) {
      if (key === "length") return v.length;
      if (hasOwn(v, key)) return v[Number(key)];
      if (this.lost.has(v)) return this.no(`${text}: the array holds items that could not be read`, node);
      return undefined;
    }
    if (isObj(v)) {
      if (hasOwn(v, key)) return v[key];
      if (this.lost.has(v)) return this.no(`${text}: not written, but may come from what could not be read`, node);
      return undefined;
    }
    return this.no(`${text}: not read`, node);
  }

  private moduleMember(module: RequiredModule, key: string, node: Node, text: string): Val {
    switch (module.kind) {
      case "path":
        if (key === "join" || key === "resolve") return new PathFunction(key, this.at(node));
        if (key === "posix") return new ModuleValue(module, this.at(node));
        return this.no(`${text}: only path.join and path.resolve are read`, node);
      case "blendMode":
        return key === "MODE" ? new Table("MODE", module.flavour === "nftchef" ? NFTCHEF_MODE : HASHLIPS_MODE, module, this.at(node)) : undefined;
      case "network":
        return key === "NETWORK" ? new Table("NETWORK", NETWORK, module, this.at(node)) : undefined;
      case "other":
        return this.no(`${text}: require("${module.name}") is a module Traitloom does not read`, node);
    }
  }

  private call(node: CallExpression): Val {
    const callee = node.callee;
    if (callee.type === "Identifier" && callee.name === "require" && !this.bindings.has("require")) return this.require(node);
    if (
      callee.type === "MemberExpression" &&
      callee.object.type === "Identifier" &&
      callee.object.name === "process" &&
      !callee.computed &&
      callee.property.type === "Identifier" &&
      callee.property.name === "cwd" &&
      !this.bindings.has("process")
    ) {
      return new ProjectPath("", this.text(node), this.at(node));
    }
    const fn = callee.type === "Super" ? undefined : this.value(callee);
    if (fn instanceof PathFunction) return this.pathCall(fn, node);
    this.notRun(node);
    return this.no(`${this.text(node, 50)}: a call, never run`, node);
  }

  private require(node: CallExpression): Val {
    const arg = node.arguments[0];
    if (!arg || arg.type === "SpreadElement") return this.no("require() without a module name", node);
    const v = prim(this.value(arg));
    if (v instanceof Unreadable) return v;
    let module: RequiredModule;
    if (v instanceof ProjectPath) module = classifyModule(v.path, true);
    else if (typeof v === "string") {
      const relative = v.startsWith("./") || v.startsWith("../");
      module = classifyModule(relative ? joinProjectPath(CONFIG_DIR, v) : v, relative);
    } else return this.no(`require(${this.text(arg)}): not a module name`, node);
    this.requires.push({ module, ...this.at(node) });
    return new ModuleValue(module, this.at(node));
  }

  private pathCall(fn: PathFunction, node: CallExpression): Val {
    const parts: Val[] = [];
    for (const a of node.arguments) {
      if (a.type === "SpreadElement") return this.no(`path.${fn.name} of a spread is not read`, a);
      const v = this.value(a);
      if (v instanceof Unreadable) return v;
      parts.push(prim(v));
    }
    const [first, ...rest] = parts;
    const strings = rest.filter((p): p is string => typeof p === "string");
    if (strings.length !== rest.length) return this.no(`path.${fn.name}(…): its parts after the first must be strings`, node);
    // path.resolve starts again at an absolute part: that is a path of the user's machine, not of the project.
    if (fn.name === "resolve" && strings.some((s) => s.startsWith("/"))) return this.no(`path.resolve(…): an absolute path of the user's machine`, node);
    if (first instanceof ProjectPath) return new ProjectPath(joinProjectPath(first.path, ...strings), this.text(node, 200), this.at(node));
    if (typeof first === "string" && fn.name === "join") {
      const joined = joinProjectPath(first, ...strings);
      return first.startsWith("/") ? `/${joined}` : joined || ".";
    }
    return this.no(`path.${fn.name}(…): its first part is ${describe(first)}, not basePath or a string`, node);
  }

  // ---- the result ------------------------------------------------------------------------------------------

  private collect(): StaticExports {
    const unreadable: UnreadableValue[] = [];
    const resolved: ResolvedConstant[] = [];
    const seen = new Set<object>();
    const out = (v: Val, path: (string | number)[], reportedChange: Change | undefined): unknown => {
      const where = formatKeyPath(path) || "module.exports";
      if (v instanceof Unreadable) {
        unreadable.push({ path: where, ...v.place, reason: v.reason });
        return undefined;
      }
      if (v instanceof ProjectPath) {
        const value = v.path || ".";
        resolved.push({ path: where, kind: "projectPath", expression: v.expression, value, ...v.place });
        return value;
      }
      if (v instanceof Constant) {
        resolved.push({
          path: where,
          kind: v.kind,
          expression: v.expression,
          value: v.value,
          ...(v.mode !== undefined ? { mode: v.mode } : {}),
          ...(v.note !== undefined ? { note: v.note } : {}),
          ...v.place,
        });
        return v.value;
      }
      if (v instanceof ModuleValue || v instanceof Table || v instanceof PathFunction || v instanceof ModuleObject) {
        unreadable.push({ path: where, ...v.place, reason: "a module or one of its functions, not a setting" });
        return undefined;
      }
      if (!(isObj(v) || Array.isArray(v))) return v;
      if (seen.has(v)) {
        unreadable.push({ path: where, ...(this.madeAt.get(v) ?? { line: 1, column: 1 }), reason: "refers to itself (a value that contains itself)" });
        return undefined;
      }
      seen.add(v);
      const change = this.changed.get(v);
      if (change && change !== reportedChange) {
        unreadable.push({
          path: where,
          line: change.line,
          column: change.column,
          reason: `may be changed by the statement at line ${change.line} (${change.text}), which is not run; read as written before it`,
        });
      }
      const inChange = change ?? reportedChange;
      for (const u of this.lost.get(v) ?? []) unreadable.push({ path: where, ...u.place, reason: u.reason });
      let result: unknown;
      if (Array.isArray(v)) result = v.map((item, i) => out(item, [...path, i], inChange));
      else {
        const o: Record<string, unknown> = {};
        for (const [k, item] of Object.entries(v)) {
          const r = out(item, [...path, k], inChange);
          if (r !== undefined) Object.defineProperty(o, k, { value: r, enumerable: true, writable: true, configurable: true });
        }
        result = o;
      }
      seen.delete(v);
      return result;
    };
    const root = this.moduleExports;
    let values: Record<string, unknown> = {};
    const exportedKeys = isObj(root) ? Object.keys(root) : [];
    if (isObj(root)) values = out(root, [], undefined) as Record<string, unknown>;
    else if (root instanceof Unreadable) unreadable.push({ path: "module.exports", ...root.place, reason: root.reason });
    else unreadable.push({ path: "module.exports", line: 1, column: 1, reason: `expected an object of settings, found ${describe(root)}` });
    const byPlace = (a: UnreadableValue, b: UnreadableValue): number => a.line - b.line || a.column - b.column;
    return { values, exportedKeys, unreadable: unreadable.sort(byPlace), resolved, requires: this.requires };
  }
}

// ---- helpers ---------------------------------------------------------------------------------------------------

function keyName(key: Node): string | undefined {
  if (key.type === "Identifier") return (key as Identifier).name;
  if (key.type === "Literal") {
    const v = (key as Node & { value: unknown }).value;
    if (typeof v === "string" || typeof v === "number") return String(v);
  }
  return undefined;
}

function isModuleExports(node: MemberExpression): boolean {
  return (
    node.object.type === "Identifier" &&
    node.object.name === "module" &&
    ((!node.computed && node.property.type === "Identifier" && node.property.name === "exports") ||
      (node.computed && node.property.type === "Literal" && node.property.value === "exports"))
  );
}

/** The object a chain of members starts from: `process` of `process.env.KEY`. */
function rootOf(node: MemberExpression): Node {
  let cur: Node = node;
  while (cur.type === "MemberExpression") cur = (cur as MemberExpression).object;
  return cur;
}

function isProcessPkg(node: Expression): boolean {
  return (
    node.type === "MemberExpression" &&
    node.object.type === "Identifier" &&
    node.object.name === "process" &&
    !node.computed &&
    node.property.type === "Identifier" &&
    node.property.name === "pkg"
  );
}

/** JavaScript truthiness where the value is known; undefined where it is not. */
function truthy(v: Val): boolean | undefined {
  if (isPrimitive(v)) return Boolean(v);
  if (isObj(v) || Array.isArray(v) || v instanceof ProjectPath) return true;
  return undefined;
}

function describe(v: unknown): string {
  if (v === undefined) return "undefined";
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "string") return JSON.stringify(v.length > 30 ? `${v.slice(0, 30)}…` : v);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (v instanceof Unreadable) return "a value that could not be read";
  if (v instanceof ProjectPath) return "a path";
  if (v instanceof ModuleValue || v instanceof Table || v instanceof PathFunction || v instanceof ModuleObject) return "a module";
  return "an object";
}

function patternNames(pattern: Pattern): string[] {
  switch (pattern.type) {
    case "Identifier":
      return [pattern.name];
    case "AssignmentPattern":
      return patternNames(pattern.left);
    case "RestElement":
      return patternNames(pattern.argument);
    case "ArrayPattern":
      return pattern.elements.flatMap((e) => (e ? patternNames(e) : []));
    case "ObjectPattern":
      return pattern.properties.flatMap((p) => (p.type === "RestElement" ? patternNames(p.argument) : patternNames(p.value)));
    default:
      return [];
  }
}

/** A non-computed property name (`a.b`'s b, `{ b: 1 }`'s b) is not a reference to a binding. */
function isPropertyName(parent: Node | undefined, field: string | undefined): boolean {
  if (!parent) return false;
  if (parent.type === "MemberExpression" && field === "property") return !(parent as MemberExpression).computed;
  if ((parent.type === "Property" || parent.type === "PropertyDefinition" || parent.type === "MethodDefinition") && field === "key") {
    return !(parent as Node & { computed: boolean }).computed;
  }
  return false;
}

/** Visits every node under `root` (itself included) with its parent and the field it sits in. */
function walk(root: Node, visit: (node: Node, parent: Node | undefined, field: string | undefined) => void): void {
  const stack: Array<{ node: Node; parent: Node | undefined; field: string | undefined }> = [{ node: root, parent: undefined, field: undefined }];
  while (stack.length > 0) {
    const item = stack.pop();
    if (!item) break;
    visit(item.node, item.parent, item.field);
    for (const [field, child] of Object.entries(item.node)) {
      if (field === "loc") continue;
      const children = Array.isArray(child) ? child : [child];
      for (const c of children) {
        if (c && typeof c === "object" && typeof (c as Node).type === "string" && typeof (c as Node).start === "number") {
          stack.push({ node: c as Node, parent: item.node, field });
        }
      }
    }
  }
}
