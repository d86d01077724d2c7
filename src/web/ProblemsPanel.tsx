/**
 * The project's problems, said before anyone generates: what is wrong, where, and what will happen (the file is
 * left out, the ZIP entry was not extracted, or generation is blocked). The full list sits above the workspace;
 * ProblemSummary repeats the gist beside Generate and links to it, so no problem is ever only off-screen.
 */
import type { Analysis, Problem } from "../browser/project.js";

export type ProblemEffect = "left-out" | "not-extracted" | "blocks";

export interface ProjectProblem {
  path: string;
  message: string;
  effect: ProblemEffect;
  /** The file left out, relative to the layers folder ("04-Eyes/Broken#3.png"), where one is. */
  file: string | undefined;
  /** The layer folder it is in, where it is in one. */
  folder: string | undefined;
}

/** Every problem of the project, each with what it does to the collection. */
export function projectProblems(analysis: Analysis | undefined, loadProblems: readonly Problem[]): ProjectProblem[] {
  const out: ProjectProblem[] = loadProblems.map((p) => ({ path: p.path, message: p.message, effect: "not-extracted", file: undefined, folder: undefined }));
  if (!analysis) return out;
  for (const p of analysis.layerProblems) {
    const folder = p.file?.includes("/") ? p.file.split("/")[0] : undefined;
    out.push({ path: p.path, message: p.detail, effect: p.file !== undefined ? "left-out" : "blocks", file: p.file, folder });
  }
  if (analysis.error) out.push({ path: "", message: analysis.error, effect: "blocks", file: undefined, folder: undefined });
  return out;
}

const EFFECT_LABEL: Record<ProblemEffect, string> = {
  "left-out": "left out",
  "not-extracted": "not extracted",
  blocks: "blocks generation",
};

function consequence(problems: readonly ProjectProblem[]): string {
  const leftOut = problems.filter((p) => p.effect === "left-out").length;
  const blocking = problems.filter((p) => p.effect === "blocks").length;
  const parts: string[] = [];
  if (blocking > 0) parts.push(`${blocking === 1 ? "One problem stops" : `${blocking} problems stop`} generation until fixed.`);
  if (leftOut > 0) parts.push(`${leftOut === 1 ? "1 file is" : `${leftOut} files are`} left out of the collection; the other traits are used${blocking > 0 ? " once generation can run" : ""}.`);
  const refused = problems.filter((p) => p.effect === "not-extracted").length;
  if (refused > 0) parts.push(`${refused === 1 ? "1 ZIP entry was" : `${refused} ZIP entries were`} not extracted.`);
  return parts.join(" ");
}

export function ProblemsPanel({ problems, skipped }: { problems: readonly ProjectProblem[]; skipped: readonly string[] }) {
  if (problems.length === 0 && skipped.length === 0) return <ul data-testid="error-list" className="error-list empty" aria-hidden="true" />;
  return (
    <section className="panel problems-panel" id="problems" aria-labelledby="problems-title" tabIndex={-1} data-testid="problems-panel">
      {problems.length > 0 ? (
        <>
          <h2 id="problems-title">
            {problems.length === 1 ? "1 problem" : `${problems.length} problems`} with these layers
          </h2>
          <p className="consequence" data-testid="problems-consequence">
            {consequence(problems)}
          </p>
        </>
      ) : (
        <h2 id="problems-title">Files skipped</h2>
      )}
      <ul data-testid="error-list" className={problems.length > 0 ? "error-list" : "error-list empty"}>
        {problems.map((p, i) => (
          <li key={i} data-testid="error-item" data-effect={p.effect}>
            {p.path ? <code className="path">{p.path}</code> : null}
            <span className="message">{p.message}</span>
            <span className={`pill${p.effect === "blocks" ? " bad" : ""}`}>{EFFECT_LABEL[p.effect]}</span>
          </li>
        ))}
      </ul>
      {skipped.length > 0 ? <p className="muted skipped">Skipped as OS junk (never traits): {skipped.join(", ")}</p> : null}
    </section>
  );
}

/** Beside Generate: whether problems stop the run, which files it will leave out, and a link to the full list. */
export function ProblemSummary({ problems }: { problems: readonly ProjectProblem[] }) {
  if (problems.length === 0) return null;
  const blocking = problems.filter((p) => p.effect === "blocks");
  const leftOut = problems.filter((p) => p.effect === "left-out" && p.file !== undefined);
  const shown = leftOut.slice(0, 5);
  return (
    <section className={`panel problem-summary${blocking.length > 0 ? " blocking" : ""}`} aria-labelledby="problem-summary-title" data-testid="problem-summary">
      <h2 id="problem-summary-title">{blocking.length > 0 ? "Generation is blocked" : "Before you generate"}</h2>
      {blocking.length > 0 ? <p>{blocking[0]?.path ? `${blocking[0].path}: ${blocking[0].message}` : blocking[0]?.message}</p> : null}
      {leftOut.length > 0 ? (
        <>
          <p>
            {leftOut.length === 1 ? "1 file will be left out:" : `${leftOut.length} files will be left out:`}
          </p>
          <ul data-testid="left-out-files">
            {shown.map((p) => (
              <li key={p.path}>
                <code>{p.file}</code>
              </li>
            ))}
            {leftOut.length > shown.length ? <li>… and {leftOut.length - shown.length} more</li> : null}
          </ul>
        </>
      ) : null}
      <a href="#problems" className="button" data-testid="problems-link">
        See all {problems.length === 1 ? "1 problem" : `${problems.length} problems`}
      </a>
    </section>
  );
}
