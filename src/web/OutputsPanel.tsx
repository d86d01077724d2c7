/**
 * The outputs panel: which metadata targets go into the run's ZIP besides ERC-721 (always written), and the few
 * options each chosen one needs (Solana's symbol, royalties and creators; Cardano's policy id; …). What it saves is
 * the settings' `outputs`, in traitloom.json's shape, and only once core's schema takes it: a draft with a problem
 * stays in the panel with core's messages, and the run keeps the last outputs that were valid.
 */
import { useEffect, useId, useState } from "react";
import type { StudioSettings } from "../browser/project.js";
import { parseConfig } from "../core/config.js";
import { isTraitloomError } from "../core/errors.js";
import { outputsSchema, SOLANA_MAX_CREATORS, TARGET_NAMES, type OutputsConfig } from "../core/targets/options.js";
import type { TargetName } from "../core/targets/types.js";

interface Props {
  settings: StudioSettings;
  update: (patch: Partial<StudioSettings>) => void;
  disabled: boolean;
  /** The name of the Solana collection image held for the run (App keeps its bytes; they are not saved). */
  collectionImage?: string | undefined;
  /** A Solana collection image chosen (its name becomes `collection.image`), or dropped. */
  onCollectionImage?: ((image: { name: string; bytes: Uint8Array } | undefined) => void) | undefined;
}

/** A target's options as the form holds them: traitloom.json's object, with what the user typed where it is no valid value yet. */
type Options = Record<string, unknown>;
export type OutputsDraft = Partial<Record<TargetName, Options>>;

const TARGET_LABELS: Record<TargetName, string> = {
  erc721: "ERC-721 / OpenSea",
  erc1155: "ERC-1155",
  solana: "Solana (Sugar / Candy Machine)",
  cardano: "Cardano (CIP-25)",
  tezos: "Tezos (TZIP-21)",
};

const TARGET_FILES: Record<TargetName, string> = {
  erc721: "metadata/<id>.json, always written",
  erc1155: "erc1155/metadata/<64 hex>.json",
  solana: "solana/assets/0.json + 0.png …, numbered from 0",
  cardano: "cardano/<id>.json",
  tezos: "tezos/<id>.json",
};

const SOURCE = "studio settings";

/** The draft the settings' outputs amount to. */
export function draftOf(outputs: OutputsConfig | undefined): OutputsDraft {
  return structuredClone((outputs ?? {}) as OutputsDraft);
}

/**
 * The outputs a draft amounts to, checked by core's config schema: `erc721` always (the studio writes it in
 * every ZIP), undefined where no other target is chosen; or core's messages, one per problem, each naming the field
 * (`outputs.solana.sellerFeeBasisPoints: expected a number <= 10000, found 20000`).
 */
export function checkDraft(draft: OutputsDraft): { ok: true; outputs: OutputsConfig | undefined } | { ok: false; errors: string[]; fields: string[] } {
  const others = TARGET_NAMES.filter((t) => t !== "erc721" && draft[t] !== undefined);
  if (others.length === 0) return { ok: true, outputs: undefined };
  const raw = { outputs: { ...draft, erc721: draft.erc721 ?? {} } };
  try {
    return { ok: true, outputs: parseConfig(raw, SOURCE).outputs };
  } catch (e) {
    if (!isTraitloomError(e)) throw e;
    const result = outputsSchema.safeParse(raw.outputs);
    const fields = result.success ? [] : result.error.issues.map((i) => i.path.map(String).join("."));
    return { ok: false, errors: e.message.replace(`${SOURCE}: `, "").split("; "), fields };
  }
}

/** What the user typed into a number field: the number where it is one, else the text (core's schema names it). */
function numberOrText(text: string): number | string | undefined {
  if (text.trim() === "") return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : text;
}

function shown(value: unknown): string {
  return typeof value === "string" || typeof value === "number" ? String(value) : "";
}

interface Creator {
  address: unknown;
  share: unknown;
}

/** A list option typed as text, `separator`-separated: the text is kept as typed, the option gets its items. */
function ListInput(props: { id: string; testId: string; value: unknown; separator: "," | "\n"; disabled: boolean; invalid: boolean; hint: string; onChange: (items: string[] | undefined) => void }) {
  const items = Array.isArray(props.value) ? (props.value as unknown[]).map(String) : [];
  const parse = (t: string): string[] => t.split(props.separator).map((x) => x.trim()).filter((x) => x !== "");
  const [text, setText] = useState(items.join(props.separator === "," ? ", " : "\n"));
  // The option changed elsewhere (a reload, an applied traitloom.json): show it, unless the text already says so.
  useEffect(() => {
    if (JSON.stringify(parse(text)) !== JSON.stringify(items)) setText(items.join(props.separator === "," ? ", " : "\n"));
  }, [JSON.stringify(items)]);
  const common = {
    id: props.id,
    "data-testid": props.testId,
    value: text,
    disabled: props.disabled,
    "aria-invalid": props.invalid,
    "aria-describedby": `${props.id}-hint`,
    spellCheck: false,
  };
  const change = (t: string) => {
    setText(t);
    const next = parse(t);
    props.onChange(next.length > 0 ? next : undefined);
  };
  return (
    <>
      {props.separator === "\n" ? <textarea {...common} rows={3} onChange={(e) => change(e.target.value)} /> : <input {...common} type="text" onChange={(e) => change(e.target.value)} />}
      <small className="hint" id={`${props.id}-hint`}>
        {props.hint}
      </small>
    </>
  );
}

export function OutputsPanel({ settings, update, disabled, collectionImage, onCollectionImage }: Props) {
  const saved = JSON.stringify(settings.outputs ?? null);
  const [draft, setDraft] = useState<OutputsDraft>(() => draftOf(settings.outputs));
  // Options of a target unticked and ticked again come back as they were.
  const [put, setPut] = useState<OutputsDraft>({});
  useEffect(() => {
    // By value: an update to the same outputs keeps the draft.
    setDraft(draftOf(JSON.parse(saved) as OutputsConfig | undefined ?? undefined));
  }, [saved]);
  const id = useId();
  const checked = checkDraft(draft);
  const bad = (path: string) => !checked.ok && checked.fields.some((f) => f === path || f.startsWith(`${path}.`));

  function change(next: OutputsDraft): void {
    setDraft(next);
    const result = checkDraft(next);
    if (result.ok && JSON.stringify(result.outputs ?? null) !== saved) update({ outputs: result.outputs });
  }

  function toggle(target: TargetName, on: boolean): void {
    const next = { ...draft };
    if (on) next[target] = put[target] ?? {};
    else {
      setPut({ ...put, [target]: draft[target] });
      delete next[target];
    }
    change(next);
  }

  function setOption(target: TargetName, key: string, value: unknown): void {
    const options: Options = { ...draft[target] };
    if (value === undefined || value === "") delete options[key];
    else options[key] = value;
    change({ ...draft, [target]: options });
  }

  function text(target: TargetName, key: string, label: string, hint?: string) {
    const inputId = `${id}-${target}-${key}`;
    const path = `${target}.${key}`;
    return (
      <label className="field" htmlFor={inputId}>
        <span>{label}</span>
        <input
          id={inputId}
          data-testid={`output-${target}-${key}`}
          type="text"
          spellCheck={false}
          value={shown(draft[target]?.[key])}
          disabled={disabled}
          aria-invalid={bad(path)}
          aria-describedby={hint ? `${inputId}-hint` : undefined}
          onChange={(e) => setOption(target, key, e.target.value)}
        />
        {hint ? (
          <small className="hint" id={`${inputId}-hint`}>
            {hint}
          </small>
        ) : null}
      </label>
    );
  }

  function number(target: TargetName, key: string, label: string, hint: string) {
    const inputId = `${id}-${target}-${key}`;
    return (
      <label className="field" htmlFor={inputId}>
        <span>{label}</span>
        <input
          id={inputId}
          data-testid={`output-${target}-${key}`}
          type="text"
          inputMode="numeric"
          value={shown(draft[target]?.[key])}
          disabled={disabled}
          aria-invalid={bad(`${target}.${key}`)}
          aria-describedby={`${inputId}-hint`}
          onChange={(e) => setOption(target, key, numberOrText(e.target.value))}
        />
        <small className="hint" id={`${inputId}-hint`}>
          {hint}
        </small>
      </label>
    );
  }

  const collection = typeof draft.solana?.collection === "object" && draft.solana.collection !== null ? (draft.solana.collection as Options) : undefined;
  function setCollection(key: string, value: unknown, required = false): void {
    const next: Options = { ...collection };
    if ((value === undefined || value === "") && !required) delete next[key];
    else next[key] = value ?? "";
    setOption("solana", "collection", next);
  }
  function collectionText(key: "name" | "family" | "description", label: string, hint: string, required = false) {
    const inputId = `${id}-solana-collection-${key}`;
    return (
      <label className="field" htmlFor={inputId}>
        <span>{label}</span>
        <input
          id={inputId}
          data-testid={`output-solana-collection-${key}`}
          type="text"
          value={shown(collection?.[key])}
          disabled={disabled}
          aria-invalid={bad(`solana.collection.${key}`)}
          aria-describedby={`${inputId}-hint`}
          onChange={(e) => setCollection(key, e.target.value, required)}
        />
        <small className="hint" id={`${inputId}-hint`}>
          {hint}
        </small>
      </label>
    );
  }
  const chosenImage = shown(collection?.image);

  const creators: Creator[] = Array.isArray(draft.solana?.creators) ? (draft.solana.creators as Creator[]) : [];
  function setCreators(next: Creator[]): void {
    setOption("solana", "creators", next.length > 0 ? next : undefined);
  }

  function optionsOf(target: TargetName) {
    switch (target) {
      case "erc721":
        return null;
      case "erc1155":
        return (
          <>
            {text("erc1155", "metadataUri", "Metadata URI", 'Where erc1155/metadata/ is uploaded; the contract\'s uri is "<this>/{id}.json". Empty: a placeholder.')}
            {text("erc1155", "imageBaseUri", "Image base URI", "Where erc1155/images/ is uploaded. Empty: the base URI.")}
          </>
        );
      case "solana":
        return (
          <>
            {text("solana", "symbol", "Symbol", "At most 10 bytes, e.g. LOOM.")}
            {number("solana", "sellerFeeBasisPoints", "Royalties (basis points)", "seller_fee_basis_points: 500 = 5%, at most 10000.")}
            <fieldset className="creators">
              <legend>Creators (shares add up to 100, at most {SOLANA_MAX_CREATORS})</legend>
              {creators.length === 0 ? <p className="hint">None: Sugar fills in the wallet that uploads.</p> : null}
              <ol className="creator-list">
                {creators.map((c, i) => (
                  <li key={i} className="row" data-testid="solana-creator">
                    <label className="field" htmlFor={`${id}-creator-${i}-address`}>
                      <span>Address {i + 1}</span>
                      <input
                        id={`${id}-creator-${i}-address`}
                        data-testid={`output-solana-creator-address-${i}`}
                        type="text"
                        spellCheck={false}
                        value={shown(c.address)}
                        disabled={disabled}
                        aria-invalid={bad(`solana.creators.${i}.address`)}
                        onChange={(e) => setCreators(creators.map((x, j) => (j === i ? { ...x, address: e.target.value } : x)))}
                      />
                    </label>
                    <label className="field" htmlFor={`${id}-creator-${i}-share`}>
                      <span>Share {i + 1} (%)</span>
                      <input
                        id={`${id}-creator-${i}-share`}
                        data-testid={`output-solana-creator-share-${i}`}
                        type="text"
                        inputMode="numeric"
                        value={shown(c.share)}
                        disabled={disabled}
                        aria-invalid={bad(`solana.creators.${i}.share`)}
                        onChange={(e) => setCreators(creators.map((x, j) => (j === i ? { ...x, share: numberOrText(e.target.value) } : x)))}
                      />
                    </label>
                    <button type="button" data-testid={`output-solana-creator-remove-${i}`} disabled={disabled} onClick={() => setCreators(creators.filter((_, j) => j !== i))}>
                      Remove creator {i + 1}
                    </button>
                  </li>
                ))}
              </ol>
              <button
                type="button"
                data-testid="output-solana-creator-add"
                disabled={disabled || creators.length >= SOLANA_MAX_CREATORS}
                onClick={() => setCreators([...creators, { address: "", share: creators.length === 0 ? 100 : 0 }])}
              >
                Add a creator
              </button>
            </fieldset>
            <fieldset className="creators" data-testid="output-solana-collection">
              <legend>Collection (collection.json + image)</legend>
              <div className="check">
                <input
                  id={`${id}-solana-collection`}
                  type="checkbox"
                  data-testid="output-solana-collection-toggle"
                  checked={collection !== undefined}
                  disabled={disabled}
                  onChange={(e) => setOption("solana", "collection", e.target.checked ? { name: "", image: collectionImage ?? "" } : undefined)}
                />
                <label htmlFor={`${id}-solana-collection`}>Write them, so Sugar sets the Candy Machine’s collection</label>
              </div>
              {collection ? (
                <>
                  {collectionText("name", "Collection name (required)", "At most 32 bytes.", true)}
                  {collectionText("family", "Family", "Written to every token as collection: {name, family}. Empty: none.")}
                  {collectionText("description", "Collection description", "Empty: the collection’s description.")}
                  <label className="field" htmlFor={`${id}-solana-collection-image`}>
                    <span>Collection image (required: png, jpg or gif)</span>
                    <input
                      id={`${id}-solana-collection-image`}
                      data-testid="output-solana-collection-image"
                      type="file"
                      accept=".png,.jpg,.jpeg,.gif,image/png,image/jpeg,image/gif"
                      disabled={disabled}
                      aria-invalid={bad("solana.collection.image")}
                      aria-describedby={`${id}-solana-collection-image-hint`}
                      onChange={(e) => {
                        const file = e.target.files?.[0];
                        e.target.value = "";
                        if (!file) return;
                        void file.arrayBuffer().then((b) => {
                          onCollectionImage?.({ name: file.name, bytes: new Uint8Array(b) });
                          setCollection("image", file.name, true);
                        });
                      }}
                    />
                    <small className="hint" id={`${id}-solana-collection-image-hint`} data-testid="output-solana-collection-image-state">
                      {chosenImage === ""
                        ? "None chosen yet."
                        : chosenImage === collectionImage
                          ? `${chosenImage}: copied in as collection.${chosenImage.split(".").pop()?.toLowerCase() ?? "png"}.`
                          : `${chosenImage}: choose the file again (the image is not kept across reloads).`}
                    </small>
                  </label>
                </>
              ) : null}
            </fieldset>
          </>
        );
      case "cardano":
        return (
          <>
            {text("cardano", "policyId", "Policy id (required)", "The minting policy id: 56 lower-case hex digits.")}
            {text("cardano", "assetName", "Asset name", 'Each token\'s asset name, "{id}" replaced by its id. Empty: the name prefix and the id.')}
            <div className="check">
              <input
                id={`${id}-cardano-files`}
                type="checkbox"
                data-testid="output-cardano-files"
                checked={draft.cardano?.files === true}
                disabled={disabled}
                aria-describedby={`${id}-cardano-files-hint`}
                onChange={(e) => setOption("cardano", "files", e.target.checked ? true : undefined)}
              />
              <label htmlFor={`${id}-cardano-files`}>List the image in files[] too</label>
            </div>
            <small className="hint" id={`${id}-cardano-files-hint`}>
              CIP-25 files: {"{"}name, mediaType, src{"}"} per token, beside image.
            </small>
          </>
        );
      case "tezos":
        return (
          <>
            {text("tezos", "symbol", "Symbol")}
            {text("tezos", "minter", "Minter address", "tz1…, tz2…, tz3…, tz4… or KT1…; empty: none.")}
            <label className="field" htmlFor={`${id}-tezos-creators`}>
              <span>Creators</span>
              <ListInput
                id={`${id}-tezos-creators`}
                testId="output-tezos-creators"
                value={draft.tezos?.creators}
                separator={"\n"}
                disabled={disabled}
                invalid={bad("tezos.creators")}
                hint="One per line: addresses or names, each once. Empty: none."
                onChange={(items) => setOption("tezos", "creators", items)}
              />
            </label>
            {text("tezos", "rights", "Rights", "A rights statement, such as “© 2026 Studio, all rights reserved”.")}
            <label className="field" htmlFor={`${id}-tezos-tags`}>
              <span>Tags</span>
              <ListInput
                id={`${id}-tezos-tags`}
                testId="output-tezos-tags"
                value={draft.tezos?.tags}
                separator=","
                disabled={disabled}
                invalid={bad("tezos.tags")}
                hint="Comma-separated, each once."
                onChange={(items) => setOption("tezos", "tags", items)}
              />
            </label>
          </>
        );
    }
  }

  const applied = ["erc721" as const, ...TARGET_NAMES.filter((t) => t !== "erc721" && settings.outputs?.[t] !== undefined)];
  return (
    <section className="panel outputs" aria-labelledby={`${id}-title`} data-testid="outputs-panel">
      <h2 id={`${id}-title`}>Outputs</h2>
      <p className="hint">Metadata for each chain, in the ZIP beside the images (the same image bytes).</p>
      {TARGET_NAMES.map((target) => {
        const on = target === "erc721" || draft[target] !== undefined;
        const boxId = `${id}-${target}`;
        return (
          <fieldset key={target} className="output-target" data-testid={`output-${target}`} disabled={disabled}>
            <legend className="visually-hidden">{TARGET_LABELS[target]}</legend>
            <div className="check">
              <input
                id={boxId}
                type="checkbox"
                data-testid={`output-${target}-toggle`}
                checked={on}
                disabled={target === "erc721"}
                aria-describedby={`${boxId}-files`}
                onChange={(e) => toggle(target, e.target.checked)}
              />
              <label htmlFor={boxId}>{TARGET_LABELS[target]}</label>
            </div>
            <small className="hint" id={`${boxId}-files`}>
              {TARGET_FILES[target]}
            </small>
            {on ? optionsOf(target) : null}
          </fieldset>
        );
      })}
      {!checked.ok ? (
        <div role="alert" data-testid="outputs-errors">
          <ul className="error-list">
            {checked.errors.map((e) => (
              <li key={e} className="field-error">
                {e}
              </li>
            ))}
          </ul>
          <p className="hint">Not applied until fixed: a run now writes {applied.map((t) => TARGET_LABELS[t]).join(", ")}.</p>
        </div>
      ) : null}
    </section>
  );
}
