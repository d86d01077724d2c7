/**
 * The preview's list of token edits: the tokens re-rolled and the combinations banned (the settings' `reroll` and
 * `ban`, traitloom.json's keys), each with what core's planner made of it and a way to remove it, and the trait
 * counts the edits moved. The buttons that add them are in the preview's token detail (PreviewPanel.tsx).
 */
import type { StudioSettings } from "../browser/project.js";
import type { PlanEdits } from "../core/tokenEdits.js";

interface Props {
  settings: StudioSettings;
  /** What the last plan made of the edits; undefined while planning or where it failed. */
  edits: PlanEdits | undefined;
  /** The plan's capacity, less the banned combinations. */
  capacity: number | undefined;
  update: (patch: Partial<StudioSettings>) => void;
  disabled: boolean;
}

export function TokenEditsList({ settings, edits, capacity, update, disabled }: Props) {
  const reroll = settings.reroll ?? [];
  const ban = settings.ban ?? [];
  if (reroll.length === 0 && ban.length === 0) return null;
  const made = (by: string) => edits?.tokens.find((t) => t.by === by);
  const moved = edits?.moved ?? [];
  return (
    <div className="token-edits" data-testid="token-edits">
      <h3 id="token-edits-title">Edits of the planned tokens</h3>
      <p className="hint">
        Saved with the project and written to the exported traitloom.json as <code>reroll</code> and <code>ban</code>, so the CLI makes the same tokens. Every other token keeps
        its combination.
      </p>
      <ul aria-labelledby="token-edits-title" className="edit-list">
        {reroll.map((r, i) => {
          const t = made(`reroll[${i}]`);
          const label = `Token #${r.id} re-rolled${(r.times ?? 1) > 1 ? ` ${r.times} times` : ""}`;
          return (
            <li key={`r${i}`} data-testid="token-edit" data-kind="reroll" data-id={r.id}>
              <span>
                <strong>{label}</strong>
                {r.avoid ? `, without ${r.avoid.join(", ")}` : ""}
                {t ? (
                  <span className="muted">
                    {" "}
                    (combination <code>{t.from}</code> → <code>{t.to}</code>)
                  </span>
                ) : null}
              </span>
              <button type="button" disabled={disabled} aria-label={`Remove the re-roll of token #${r.id}`} onClick={() => update({ reroll: reroll.filter((_, j) => j !== i) })}>
                Remove
              </button>
            </li>
          );
        })}
        {ban.map((b, i) => {
          const t = made(`ban[${i}]`);
          return (
            <li key={`b${i}`} data-testid="token-edit" data-kind="ban">
              <span>
                <strong>Banned</strong> {b.join(" · ")}
                <span className="muted">{t ? ` (token #${t.id} had it: now ${t.to})` : " (no planned token has it)"}</span>
              </span>
              <button type="button" disabled={disabled} aria-label={`Remove the ban of ${b.join(", ")}`} onClick={() => update({ ban: ban.filter((_, j) => j !== i) })}>
                Remove
              </button>
            </li>
          );
        })}
      </ul>
      {edits && edits.banned > 0 && capacity !== undefined ? (
        <p className="hint" data-testid="token-edits-capacity">
          The bans take {edits.banned === 1 ? "1 combination" : `${edits.banned} combinations`} out of the capacity: {capacity.toLocaleString("en-US")} unique combinations left.
        </p>
      ) : null}
      {moved.length > 0 ? (
        <div data-testid="token-edits-moved">
          <p className="hint">Trait counts these edits moved:</p>
          <ul className="hint moved-list">
            {moved.map((m) => (
              <li key={`${m.layer}/${m.trait}`} data-testid="token-edits-moved-count">
                {m.layer}: {m.trait}, {m.from} → {m.to} (expected {m.expected.toFixed(1)})
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
