/**
 * Shared by the browser tests and bench/browser.ts: find Debian's Chromium, build and serve the studio,
 * launch a headless browser. Playwright's own browser download does not work here, so the system
 * Chromium is used; where none is found, tests skip loudly outside CI and fail in CI.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { build, preview, type PreviewServer } from "vite";

export const REPO = resolve(import.meta.dirname, "../..");

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable"];

/** The Chromium to drive: $CHROMIUM_PATH, else the first system install found. */
export function findChromium(): string | undefined {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  return CANDIDATES.find((p) => existsSync(p));
}

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export async function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
}

/**
 * Builds the studio into web-dist/ (vite build with the repo's vite.config.ts), or into `outDir`: a suite of
 * its own there cannot have its site emptied by another suite's build in the same checkout.
 */
export async function buildStudio(outDir?: string): Promise<void> {
  await build({ configFile: resolve(REPO, "vite.config.ts"), logLevel: "warn", ...(outDir ? { build: { outDir } } : {}) });
}

/** Serves web-dist/ (or `outDir`) on a free localhost port (a secure context, so OPFS and crypto.subtle are there). */
export async function serveStudio(outDir?: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server: PreviewServer = await preview({
    configFile: resolve(REPO, "vite.config.ts"),
    logLevel: "warn",
    preview: { port: 0, host: "127.0.0.1", strictPort: false, open: false },
    ...(outDir ? { build: { outDir } } : {}),
  });
  const address = server.httpServer.address();
  if (!address || typeof address === "string") throw new Error("preview server has no port");
  return { url: `http://localhost:${address.port}/`, close: () => server.close() };
}
