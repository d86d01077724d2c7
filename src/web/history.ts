/**
 * Undo and redo of the project's edits (weights, layer order and visibility, settings): a stack of whole settings
 * snapshots, since every edit is a new StudioSettings. Typing into one field makes one step, not one per key.
 */
import { useEffect } from "react";

/** Steps kept; the oldest are dropped past it. */
export const HISTORY_LIMIT = 200;
/** Edits of the same field closer together than this are one step (typing "250" is one edit, not three). */
export const COALESCE_MS = 1000;

export interface History<T> {
  present: T;
  past: T[];
  future: T[];
  /** The field the last step edited and when, for coalescing; undefined: the next edit is a step of its own. */
  group: string | undefined;
  at: number;
}

export function startHistory<T>(present: T): History<T> {
  return { present, past: [], future: [], group: undefined, at: 0 };
}

/**
 * `next` as the present. Where it edits the same `group` as the step before within COALESCE_MS, it replaces
 * that step's result instead of adding one; `group` undefined never coalesces (a reorder, a file applied).
 */
export function record<T>(h: History<T>, next: T, group: string | undefined, now: number): History<T> {
  if (Object.is(next, h.present)) return h;
  if (group !== undefined && group === h.group && now - h.at < COALESCE_MS) return { ...h, present: next, future: [], at: now };
  return { present: next, past: [...h.past, h.present].slice(-HISTORY_LIMIT), future: [], group, at: now };
}

export function undo<T>(h: History<T>): History<T> {
  const prev = h.past[h.past.length - 1];
  if (prev === undefined) return h;
  return { present: prev, past: h.past.slice(0, -1), future: [h.present, ...h.future], group: undefined, at: 0 };
}

export function redo<T>(h: History<T>): History<T> {
  const next = h.future[0];
  if (next === undefined) return h;
  return { present: next, past: [...h.past, h.present], future: h.future.slice(1), group: undefined, at: 0 };
}

/**
 * Ctrl+Z / Cmd+Z undoes, Ctrl+Shift+Z / Cmd+Shift+Z and Ctrl+Y redo, anywhere on the page: the fields are the
 * studio's own (controlled inputs), so the browser's own undo inside a field would only fight the state.
 */
export function useUndoKeys(onUndo: () => void, onRedo: () => void, enabled: boolean): void {
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent): void => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
      const key = e.key.toLowerCase();
      if (key === "z" && !e.shiftKey) onUndo();
      else if ((key === "z" && e.shiftKey) || (key === "y" && !e.shiftKey)) onRedo();
      else return;
      e.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onUndo, onRedo, enabled]);
}
