/**
 * The 1-of-1s panel's state, kept across reloads (IndexedDB, beside the project) like the layers and settings:
 * restored once at start, saved on every change, cleared with the project by "Start over".
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { NO_ONE_OF_ONES, type OneOfOnesDrop } from "./OneOfOnesPanel.js";
import { loadOneOfOnes, saveOneOfOnes } from "./storage.js";

export function useOneOfOnes(): { value: OneOfOnesDrop; set: (next: OneOfOnesDrop) => void; clear: () => void } {
  const [value, setValue] = useState<OneOfOnesDrop>(NO_ONE_OF_ONES);
  // A change made before the saved ones are read wins over them.
  const touched = useRef(false);
  useEffect(() => {
    let live = true;
    void loadOneOfOnes().then((saved) => {
      if (live && saved && !touched.current) setValue(saved);
    });
    return () => {
      live = false;
    };
  }, []);
  const set = useCallback((next: OneOfOnesDrop) => {
    touched.current = true;
    setValue(next);
    void saveOneOfOnes(next).catch(() => undefined);
  }, []);
  const clear = useCallback(() => set(NO_ONE_OF_ONES), [set]);
  return { value, set, clear };
}
