import { createHash } from "node:crypto";
import { closeSync, openSync, writeSync } from "node:fs";
import { readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { TraitloomError } from "../core/errors.js";
import type { Appender, FileStore } from "../render/folderSink.js";
import { ensureDir, removeTempFiles, writeChunksAtomic, writeFailure, writeFileAtomic } from "./files.js";

/** A folder on disk as the folder sink's FileStore: atomic writes, refused writes as one-line WRITE_FAILED errors. */
export class NodeFileStore implements FileStore {
  readonly location: string;
  readonly diskPath: string;
  constructor(root: string) {
    this.location = root;
    this.diskPath = root;
  }
  private path(name: string): string {
    return name === "" ? this.diskPath : join(this.diskPath, name);
  }
  async checkRoot(): Promise<void> {
    const s = await stat(this.diskPath).catch(() => undefined);
    if (s && !s.isDirectory()) {
      throw new TraitloomError("OUTPUT_CONFLICT", `${this.location}: expected an output folder, found a file; choose another -o folder`);
    }
  }
  async readText(name: string): Promise<string | undefined> {
    return readFile(this.path(name), "utf8").catch(() => undefined);
  }
  async sha256(name: string): Promise<string | undefined> {
    try {
      return createHash("sha256").update(await readFile(this.path(name))).digest("hex");
    } catch {
      return undefined;
    }
  }
  async exists(name: string): Promise<boolean> {
    return stat(this.path(name)).then(
      () => true,
      () => false,
    );
  }
  async ensureDir(name: string): Promise<void> {
    await ensureDir(this.path(name));
  }
  async remove(name: string): Promise<void> {
    await rm(this.path(name), { recursive: true, force: true });
  }
  async removeTempFiles(dir: string): Promise<void> {
    await removeTempFiles(this.path(dir));
  }
  async write(name: string, data: string | Uint8Array): Promise<void> {
    await writeFileAtomic(this.path(name), data);
  }
  async writeChunks(name: string, chunks: Iterable<string>): Promise<void> {
    await writeChunksAtomic(this.path(name), chunks);
  }
  /** Appends are synchronous writes: a line is in the file once append returns, whatever kills the process next. */
  async openAppend(name: string, what: string): Promise<Appender> {
    const path = this.path(name);
    let fd: number;
    try {
      fd = openSync(path, "a");
    } catch (e) {
      throw writeFailure(e, path, what);
    }
    return {
      append(text) {
        try {
          writeSync(fd, text);
        } catch (e) {
          throw writeFailure(e, path, what);
        }
      },
      async close() {
        closeSync(fd);
      },
    };
  }
}
