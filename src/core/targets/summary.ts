/**
 * How a validation run is told, in the CLI (`traitloom validate`) and the studio (its "Validate a folder") alike:
 * each target in the words of the rules it checks, and the closing line after the problems.
 */
import type { ValidateTarget, ValidationReport } from "./types.js";

/** The targets a folder can be checked against, as `--target` names them (erc721 is opensea's alias). */
export const VALIDATE_TARGETS: readonly ValidateTarget[] = ["opensea", "erc1155", "solana", "cardano", "tezos"];

/** Each target in the words of the rules it checks, for the closing line. */
export const TARGET_RULES: Record<ValidateTarget, string> = {
  opensea: "ERC-721 / OpenSea metadata",
  erc721: "ERC-721 / OpenSea metadata",
  erc1155: "ERC-1155 metadata",
  solana: "a Sugar / Candy Machine assets folder",
  cardano: "Cardano CIP-25 metadata",
  tezos: "Tezos TZIP-21 metadata",
};

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/**
 * The line after the problems: "ok: 12 tokens, no problems (…, in out/solana/assets)" or "2 problems in 11 tokens
 * (…)". `checked` is the folder checked as the user knows it (the one given, joined with `report.folder`).
 */
export function validationSummary(report: ValidationReport, checked: string): string {
  const what = `${TARGET_RULES[report.target]}, in ${checked}`;
  if (report.problems.length === 0) return `ok: ${plural(report.tokens, "token")}, no problems (${what})`;
  return `${plural(report.problems.length, "problem")} in ${plural(report.tokens, "token")} (${what})`;
}
