/**
 * The trait model in the layers panel: a layer read as a tree (nftchef's nested weighted folders, multi-part
 * traits, datlips' variant art) shown as nested <details>, each folder with its local share and each trait with its
 * overall share (the product of local shares, as core plans it), its parts (file, z, blend, opacity) and its variant
 * art (the blend and opacity controls are DrawSettings.tsx, under every layer). Flat layers keep the layers panel's
 * plain table: `needsTree` says which layers get this. `ReadingNotes` says the dialect and why, and
 * the warnings the CLI prints for the same folder.
 */
import { useEffect, useMemo, useState } from "react";
import type { Analysis, LayerState } from "../browser/project.js";
import type { Layer, Trait } from "../core/layers.js";
import { shownPath } from "../core/layers.js";
import type { PartSpec } from "../core/model.js";
import type { CountNode } from "../core/treeCounts.js";
import type { Project } from "./useProject.js";

/** A layer that is more than one folder of single images: the tree view shows what the table cannot. */
export function needsTree(layer: Layer): boolean {
  if (layer.tree !== undefined || layer.variantOf !== undefined) return true;
  return layer.traits.some(
    (t) => (t.parts?.length ?? 1) > 1 || t.variants !== undefined || (t.path?.length ?? 0) > 0 || (t.parts ?? []).some((p) => p.blend !== "source-over" || p.opacity !== 1),
  );
}

const pct = (share: number): string => `${(share * 100).toFixed(1)}%`;

type Branch = { kind: "folder"; name: string; local: number; children: Branch[] } | { kind: "trait"; trait: Trait; local: number };

/** The layer's choice tree with names: folders named by the paths of the traits under them (core numbers leaves as flattenLayer lists them). */
function branchesOf(layer: Layer): Branch[] {
  const byIndex = new Map(layer.traits.map((t) => [t.index, t]));
  const walk = (node: Extract<CountNode, { children: CountNode[] }>, depth: number): Branch[] => {
    const sum = node.children.reduce((a, c) => a + c.weight, 0);
    const out: Branch[] = [];
    for (const child of node.children) {
      const local = sum > 0 ? child.weight / sum : 0;
      if ("trait" in child) {
        const trait = byIndex.get(child.trait);
        if (trait) out.push({ kind: "trait", trait, local });
        continue;
      }
      const inner = walk(child, depth + 1);
      const first = firstTrait(inner);
      out.push({ kind: "folder", name: first?.path?.[depth] ?? "?", local, children: inner });
    }
    return out;
  };
  if (layer.tree && "children" in layer.tree) return walk(layer.tree, 0);
  const total = layer.traits.reduce((a, t) => a + t.weight, 0);
  return layer.traits.map((trait) => ({ kind: "trait", trait, local: total > 0 ? trait.weight / total : 0 }));
}

function firstTrait(branches: readonly Branch[]): Trait | undefined {
  for (const b of branches) {
    if (b.kind === "trait") return b.trait;
    const t = firstTrait(b.children);
    if (t) return t;
  }
  return undefined;
}

function shareOf(layer: Layer, trait: Trait): number {
  if (layer.tree) return trait.weight;
  const total = layer.traits.reduce((a, t) => a + t.weight, 0);
  return total > 0 ? trait.weight / total : 0;
}

function PartList({ parts, layerFolder, testId }: { parts: readonly PartSpec[]; layerFolder: string; testId: string }) {
  return (
    <ul className="parts" data-testid={testId}>
      {parts.map((p, i) => (
        <li key={`${p.file}-${i}`} data-testid="part" data-file={p.file} data-z={p.z} data-blend={p.blend} data-opacity={p.opacity}>
          <code className="path">{p.file.startsWith(`${layerFolder}/`) ? p.file.slice(layerFolder.length + 1) : p.file}</code>
          <span className="part-facts">
            z {p.z}
            {p.blend !== "source-over" ? ` · ${p.blend}` : ""}
            {p.opacity !== 1 ? ` · opacity ${p.opacity}` : ""}
            {p.x !== 0 || p.y !== 0 ? ` · at ${p.x},${p.y}` : ""}
          </span>
        </li>
      ))}
    </ul>
  );
}

function TraitItem({ layer, trait, local, parentTraits, thumbs, count, visible }: { layer: Layer; trait: Trait; local: number; parentTraits: readonly string[] | undefined; thumbs: Map<string, string>; count: number; visible: boolean }) {
  const share = shareOf(layer, trait);
  const parts = trait.parts ?? [];
  const own = parts.length > 0 ? parts : [];
  const variants = Object.entries(trait.variants ?? {});
  const missing = trait.variants && parentTraits ? parentTraits.filter((p) => trait.variants?.[p] === undefined) : [];
  // An empty choice (NONE, often a 0-byte file) draws nothing: no thumbnail.
  const thumb = own.length > 0 ? thumbs.get(own[own.length - 1]?.file ?? trait.file) : undefined;
  const path = [...(trait.path ?? []), trait.name].join("/");
  return (
    <li className="tree-trait" data-testid="tree-trait" data-trait={path} data-share={share}>
      <div className="tree-row">
        {thumb ? <img className="thumb" src={thumb} alt="" loading="lazy" /> : <span className="thumb" aria-hidden="true" />}
        <span className="trait-name">
          {trait.name}
          {trait.inMetadata === false ? <small className="muted"> (no attribute)</small> : null}
        </span>
        <span className="num" title="Share among its siblings">
          {pct(local)}
        </span>
        <span className="num" title={`Share of all tokens; expected ${(count * share).toFixed(1)} of ${count}`}>
          {visible ? <strong>{pct(share)}</strong> : "–"}
        </span>
      </div>
      {own.length > 1 || own.some((p) => p.z !== own[0]?.z || p.blend !== "source-over" || p.opacity !== 1) ? <PartList parts={own} layerFolder={layer.folder} testId="trait-parts" /> : null}
      {variants.length > 0 ? (
        <div className="variants" data-testid="variants">
          <span className="muted">Variant art by the trait drawn below it:</span>
          <ul>
            {variants.map(([parent, vparts]) => (
              <li key={parent} data-testid="variant" data-parent={parent}>
                <strong>{parent}</strong>: {vparts.map((p) => (p.file.startsWith(`${layer.folder}/`) ? p.file.slice(layer.folder.length + 1) : p.file)).join(", ")}
              </li>
            ))}
          </ul>
          {missing.length > 0 ? (
            <p className="warning-note" data-testid="missing-variants">
              No art for {missing.join(", ")}: drawn with {trait.name}’s own art there.
            </p>
          ) : null}
        </div>
      ) : null}
    </li>
  );
}

function BranchList({ branches, ...rest }: { branches: readonly Branch[]; layer: Layer; parentTraits: readonly string[] | undefined; thumbs: Map<string, string>; count: number; visible: boolean }) {
  return (
    <ul className="tree-level">
      {branches.map((b, i) =>
        b.kind === "trait" ? (
          <TraitItem key={`t-${b.trait.index}`} trait={b.trait} local={b.local} {...rest} />
        ) : (
          <li key={`f-${b.name}-${i}`} className="tree-folder" data-testid="tree-folder" data-folder={b.name}>
            <details open>
              <summary>
                <span className="folder-name">{b.name}/</span>
                <span className="num" title="Share among its siblings">
                  {pct(b.local)}
                </span>
              </summary>
              <BranchList branches={b.children} {...rest} />
            </details>
          </li>
        ),
      )}
    </ul>
  );
}

interface TreeProps {
  layer: Layer;
  state: LayerState;
  /** The layer whose drawn trait picks this layer's variant art, where it has one. */
  parent: Layer | undefined;
  thumbs: Map<string, string>;
  count: number;
}

/** One layer as a tree of folders, traits, parts and variant art. */
export function LayerTree({ layer, state, parent, thumbs, count }: TreeProps) {
  const branches = useMemo(() => branchesOf(layer), [layer]);
  const parentTraits = parent?.traits.filter((t) => t.absent !== true).map((t) => t.name);
  return (
    <div className="layer-tree" data-testid="layer-tree" data-folder={layer.folder}>
      {parent ? (
        <p className="hint" data-testid="variant-of">
          Art varies with the {parent.traitType ?? parent.name} drawn ({parent.folder}).
        </p>
      ) : null}
      <div className="tree-row tree-head" aria-hidden="true">
        <span />
        <span>Trait</span>
        <span className="num">Local</span>
        <span className="num">Overall</span>
      </div>
      <BranchList branches={branches} layer={layer} parentTraits={parentTraits} thumbs={thumbs} count={count} visible={state.visible} />
    </div>
  );
}

/**
 * Files of the project with the same bytes, for the CLI's identical-art warning: the CLI compares decoded pixels,
 * the studio compares bytes (the same bytes decode to the same pixels; two encodings of one image are not caught).
 */
function useIdenticalArt(project: Project, files: readonly string[]): string[] {
  const [warnings, setWarnings] = useState<string[]>([]);
  const key = files.join("\n");
  useEffect(() => {
    let live = true;
    void (async () => {
      const byHash = new Map<string, string[]>();
      for (const file of files) {
        const blob = project.files.get(file);
        if (!blob || blob.size === 0) continue;
        const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", await blob.arrayBuffer()));
        const hex = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
        byHash.set(hex, [...(byHash.get(hex) ?? []), file]);
      }
      const out: string[] = [];
      for (const group of byHash.values()) {
        if (group.length < 2) continue;
        const sorted = [...group].sort().map(shownPath);
        out.push(`identical images: ${sorted.join(", ")} decode to the same pixels; they stay ${sorted.length} traits, which tokens tell apart by metadata only`);
      }
      if (live) setWarnings(out.sort());
    })().catch(() => undefined);
    return () => {
      live = false;
    };
    // `key` stands for `files` (a new array on every render).
  }, [project, key]);
  return warnings;
}

/**
 * The dialect the folders were read in and why (the file that decided it, where settings say "auto"), and the
 * warnings the CLI prints for the same folder. Nothing at all for a plain Traitloom/HashLips folder without warnings.
 */
export function ReadingNotes({ project, analysis }: { project: Project; analysis: Analysis }) {
  const traitFiles = useMemo(() => [...new Set(analysis.layers.flatMap((l) => l.traits.filter((t) => t.file !== "" && (t.parts?.length ?? 1) === 1).map((t) => t.parts?.[0]?.file ?? t.file)))], [analysis.layers]);
  const identical = useIdenticalArt(project, traitFiles);
  const warnings = [...analysis.warnings, ...identical];
  const plain = analysis.dialect === "traitloom" && analysis.detected === undefined;
  if (plain && warnings.length === 0) return null;
  return (
    <div className="reading-notes" data-testid="reading-notes">
      <p data-testid="dialect" data-dialect={analysis.dialect} data-file={analysis.detected?.file ?? ""}>
        Read as <strong>{analysis.dialect}</strong> folders
        {analysis.detected ? <>: {analysis.detected.reason}</> : " (the dialect setting)"}.
      </p>
      {warnings.length > 0 ? (
        <details>
          <summary data-testid="reading-warnings-summary">
            {warnings.length} warning{warnings.length === 1 ? "" : "s"}, as the CLI prints them
          </summary>
          <ul className="hint" data-testid="reading-warnings">
            {warnings.map((w) => (
              <li key={w} data-testid="reading-warning">
                {w}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </div>
  );
}
