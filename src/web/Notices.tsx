/** What the studio decided for the user on load, and what they should know, that stops nothing (not problems). */
import type { Problem } from "../browser/project.js";

export function Notices({ notices }: { notices: readonly Problem[] }) {
  if (notices.length === 0) return null;
  return (
    <section className="panel notices" aria-labelledby="notices-title" data-testid="notices">
      <h2 id="notices-title">{notices.length === 1 ? "1 thing to know" : `${notices.length} things to know`} about this load</h2>
      <ul>
        {notices.map((n, i) => (
          <li key={i} data-testid="notice-item">
            {n.path ? <code className="path">{n.path}</code> : null} <span>{n.message}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
