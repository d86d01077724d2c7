/**
 * The studio's web build: a static site in web-dist/ (any static host; no server code). The project's sample
 * layers (assets/demo-layers) are copied in under demo-layers/ with an index.json listing, for "Load demo".
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

const DEMO_DIR = resolve(import.meta.dirname, "assets/demo-layers");
const DEMO_URL = "demo-layers";

/**
 * Files of the demo layer folders (one level of layer folders): the path under DEMO_DIR and the plain name the
 * site serves it under. Trait names hold "#" and spaces, which some static servers do not map back to files.
 */
function demoFiles(): Array<{ path: string; size: number; url: string }> {
  const out: Array<{ path: string; size: number; url: string }> = [];
  for (const folder of readdirSync(DEMO_DIR).sort()) {
    const dir = join(DEMO_DIR, folder);
    if (!statSync(dir).isDirectory()) continue;
    for (const name of readdirSync(dir).sort()) {
      const ext = name.includes(".") ? name.slice(name.lastIndexOf(".")).toLowerCase() : "";
      out.push({ path: `${folder}/${name}`, size: statSync(join(dir, name)).size, url: `file-${out.length}${ext}` });
    }
  }
  return out;
}

function demoLayers(): Plugin {
  return {
    name: "traitloom-demo-layers",
    configureServer(server) {
      server.middlewares.use(`/${DEMO_URL}/`, (req, res, next) => {
        const rel = decodeURIComponent((req.url ?? "").split("?")[0]?.replace(/^\//, "") ?? "");
        if (rel === "index.json") {
          res.setHeader("content-type", "application/json");
          res.end(JSON.stringify(demoFiles()));
          return;
        }
        const file = demoFiles().find((f) => f.url === rel);
        if (!file) return next();
        res.setHeader("content-type", "image/png");
        res.end(readFileSync(join(DEMO_DIR, file.path)));
      });
    },
    generateBundle() {
      const files = demoFiles();
      this.emitFile({ type: "asset", fileName: `${DEMO_URL}/index.json`, source: JSON.stringify(files) });
      for (const f of files) this.emitFile({ type: "asset", fileName: `${DEMO_URL}/${f.url}`, source: readFileSync(join(DEMO_DIR, f.path)) });
    },
  };
}

export default defineConfig({
  root: resolve(import.meta.dirname, "src/web"),
  base: "./",
  plugins: [react(), demoLayers()],
  build: {
    outDir: resolve(import.meta.dirname, "web-dist"),
    emptyOutDir: true,
    target: "es2022",
    rollupOptions: {
      input: {
        index: resolve(import.meta.dirname, "src/web/index.html"),
        bench: resolve(import.meta.dirname, "src/web/bench.html"),
        contract: resolve(import.meta.dirname, "src/web/contract.html"),
      },
    },
  },
  worker: { format: "es" },
  server: { port: 5173, fs: { allow: [import.meta.dirname] } },
  preview: { port: 4173 },
});
