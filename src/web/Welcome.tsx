/** The first screen, before any layers are loaded: what to pick, how files are named, and the demo one click away. */
interface Props {
  onDemo: () => void;
  onFolder: () => void;
  onZip: () => void;
  disabled: boolean;
}

export function Welcome({ onDemo, onFolder, onZip, disabled }: Props) {
  return (
    <div className="welcome" data-testid="welcome">
      <section className="panel" aria-labelledby="welcome-title">
        <h2 id="welcome-title">Make a collection from your trait layers</h2>
        <p className="lead">Transparent PNGs in, one image, metadata and rarity per token out. Nothing is uploaded: your files stay on this machine.</p>
        <ol className="steps">
          <li>Load a layers folder (or a ZIP of it), or try the demo.</li>
          <li>Order the layers, tune the weights, look at the preview.</li>
          <li>Generate, then download one ZIP: images, metadata, rarity.</li>
        </ol>
        <div className="actions">
          <button type="button" className="primary large" data-testid="welcome-demo-button" disabled={disabled} onClick={onDemo}>
            Try the demo layers
          </button>
          <button type="button" className="large" disabled={disabled} onClick={onFolder}>
            Choose layers folder…
          </button>
          <button type="button" className="large" disabled={disabled} onClick={onZip}>
            Open ZIP…
          </button>
        </div>
        <p className="hint drop-note">
          Or drop a folder or a ZIP anywhere on this page.
        </p>
      </section>
      <section className="panel" aria-labelledby="layout-title">
        <h2 id="layout-title">How to lay out the folder</h2>
        <p className="hint">
          Pick the folder that holds the layer folders (here <code>layers/</code>), not its parent and not one layer.
        </p>
        <pre className="tree" aria-label="Example layers folder" tabIndex={0}>
          {`layers/
  01-Background/   Sky#30.png   Night#8.png   Gold#2.png
  02-Body/         Blue Blob#35.png   Cosmic#3.png
  03-Hat/          None#35.png   Cap#25.png   Crown#Rare.png`}
        </pre>
        <ul className="rules">
          <li>
            <strong>One folder per layer</strong>, bottom layer first. A number prefix (<code>01-</code>) sets the order and is not part of the name.
          </li>
          <li>
            <strong>
              <code>Name#weight.png</code>
            </strong>
            : the weight sets how often a trait appears (<code>Sky#30</code> is 15 times as common as <code>Gold#2</code>). Also <code>#0.5</code>,{" "}
            <code>#Rare</code> (Common … Mythic); no weight means 1.
          </li>
          <li>
            <strong>
              <code>None.png</code>
            </strong>
            , a transparent image, gives "no hat"; it is left out of the metadata.
          </li>
          <li>All traits share one size (the most common one); other sizes are listed as problems or scaled, as you choose.</li>
        </ul>
      </section>
    </div>
  );
}
