import { createHash } from "node:crypto";
import { closeSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { copyFile, link, readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { TraitloomError } from "../core/errors.js";
import type { Appender, FileStore } from "../render/folderSink.js";
import { ensureDir, removeTempFiles, replaceAtomically, writeChunksAtomic, writeFailure, writeFileAtomic } from "./files.js";

/** The lock file of a run, beside (not inside) .traitloom/, which --overwrite replaces. */
const LOCK_FILE = ".traitloom.lock";

interface LockHolder {
  pid: number;
  host: string;
  started: string;
}

/** Whether process `pid` of this machine still runs (EPERM: it does, as another user). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: unknown }).code === "EPERM";
  }
}

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
  async readBytes(name: string): Promise<Uint8Array | undefined> {
    return readFile(this.path(name)).catch(() => undefined);
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
  /** A hard link (no second copy of the bytes on disk), renamed into place; a copy where the file system links none. */
  async copy(from: string, to: string): Promise<void> {
    const source = this.path(from);
    await replaceAtomically(this.path(to), "a copy of the image", async (tmp) => {
      try {
        await link(source, tmp);
      } catch (e) {
        const code = (e as { code?: unknown }).code;
        if (code !== "EXDEV" && code !== "EPERM" && code !== "ENOTSUP" && code !== "EMLINK") throw e;
        await copyFile(source, tmp);
      }
    });
  }
  /**
   * Creates the lock file exclusively (O_EXCL), holding this process's pid. One left by a process that no longer
   * runs on this machine (a kill -9, a crash) is stale: it is replaced. One of another machine (a shared disk) is
   * respected, since its process cannot be checked from here.
   */
  async lock(): Promise<{ release(): Promise<void> }> {
    const path = this.path(LOCK_FILE);
    const mine: LockHolder = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
    for (let attempt = 0; ; attempt++) {
      try {
        writeFileSync(path, `${JSON.stringify(mine)}\n`, { flag: "wx" });
        return { release: async () => rmSync(path, { force: true }) };
      } catch (e) {
        if ((e as { code?: unknown }).code !== "EEXIST") throw writeFailure(e, path, "the run's lock file");
      }
      let holder: Partial<LockHolder> = {};
      try {
        holder = JSON.parse(readFileSync(path, "utf8")) as Partial<LockHolder>;
      } catch {
        // A lock file cut short by a crash while it was written: its process is gone too.
      }
      const here = holder.host === undefined || holder.host === mine.host;
      const alive = typeof holder.pid === "number" && (here ? isRunning(holder.pid) : true);
      if (alive || attempt > 0) {
        const who = typeof holder.pid === "number" ? `process ${holder.pid}${here ? "" : ` on ${holder.host}`} (started ${holder.started ?? "at an unknown time"})` : "another run";
        const fix = here ? "wait for it to finish or stop it, then run again" : `if that run is over, delete ${path}`;
        throw new TraitloomError("OUTPUT_CONFLICT", `${this.location}: expected no other run writing this folder, found ${who} writing it; ${fix}`);
      }
      rmSync(path, { force: true });
    }
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
