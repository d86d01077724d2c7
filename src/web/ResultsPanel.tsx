/** What a finished run shows below the workspace: the rarity table and the token browser, side by side where there is room. */
import type { GeneratedCollection } from "../browser/engine.js";
import { RarityPanel } from "./RarityPanel.js";
import { TokenBrowser } from "./TokenBrowser.js";

export { RarityPanel } from "./RarityPanel.js";
export { TokenBrowser } from "./TokenBrowser.js";

export function ResultsPanel({ result }: { result: GeneratedCollection }) {
  return (
    <div className="results" data-testid="results">
      <RarityPanel result={result} />
      <TokenBrowser result={result} />
    </div>
  );
}
