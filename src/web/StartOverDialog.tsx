/** "Start over" asks first: it forgets the loaded layers and every edit (past runs are kept). */
import { useEffect, useRef } from "react";

export function StartOverDialog({ open, root, onConfirm, onClose }: { open: boolean; root: string; onConfirm: () => void; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} className="confirm" data-testid="start-over-dialog" aria-labelledby="start-over-title" onClose={onClose}>
      <h2 id="start-over-title">Start over?</h2>
      <p>
        This forgets the layers of “{root}” and every setting and edit made to them; undo cannot bring them back. Finished runs stay under Past runs. To keep the
        project, save it first (Save project).
      </p>
      <p className="row">
        <button type="button" data-testid="start-over-confirm" className="danger" onClick={onConfirm}>
          Start over
        </button>
        <button type="button" data-testid="start-over-cancel" autoFocus onClick={onClose}>
          Keep the project
        </button>
      </p>
    </dialog>
  );
}
