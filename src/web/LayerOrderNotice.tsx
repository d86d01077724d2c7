/**
 * How the layers were ordered and why, above the layers: from numeric prefixes, read from a traitloom.json or an
 * engine's config.js, set by the user, or (said as a warning) alphabetical, which is what a HashLips folder gives
 * without its config.js. With the fixes at hand: drag or ↑/↓, or read the order from the engine's config.js.
 */
import { useRef } from "react";
import type { LayerOrder, StudioSettings } from "../browser/project.js";

const TITLE: Record<LayerOrder["source"], string> = {
  prefix: "Layer order: numeric prefixes",
  alphabetical: "Check the layer order: it is alphabetical",
  "config.js": "Layer order: from config.js",
  "traitloom.json": "Layer order: from traitloom.json",
  you: "Layer order: yours",
};

export function LayerOrderNotice({ settings, applyFile, disabled }: { settings: StudioSettings; applyFile: (file: File) => Promise<void>; disabled: boolean }) {
  const input = useRef<HTMLInputElement>(null);
  const order = settings.layerOrder;
  if (!order) return null;
  const warn = order.source === "alphabetical";
  return (
    <div className={`notice layer-order${warn ? " warning" : ""}`} data-testid="layer-order" data-source={order.source} role={warn ? "alert" : undefined}>
      <p>
        <strong>{TITLE[order.source]}.</strong> <span data-testid="layer-order-detail">{order.detail}</span>
      </p>
      {warn ? (
        <p>
          Folders without numeric prefixes (HashLips, nftchef) are ordered by their engine’s config.js, which the folder does not carry: the bottom layer
          may be drawn over the others. Fix it: drag the layers (or focus a layer’s ↑/↓ buttons), or read the order from the engine’s config.js.
        </p>
      ) : null}
      <p className="row">
        <button type="button" data-testid="read-config-js-button" disabled={disabled} onClick={() => input.current?.click()}>
          Read the order from config.js…
        </button>
        <input
          ref={input}
          className="visually-hidden"
          data-testid="config-js-input"
          type="file"
          tabIndex={-1}
          aria-label="An engine’s config.js (HashLips, nftchef, datlips): read for its layer order, never run"
          accept=".js,text/javascript,application/javascript"
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = "";
            if (file) void applyFile(file);
          }}
        />
        <span className="muted">read for its layersOrder, never run</span>
      </p>
    </div>
  );
}
