/**
 * A folder the studio's user picked (or one in the origin-private file system) as the folder sink's FileStore:
 * the CLI's layout, .traitloom/ journal and resume included, written through File System Access handles. Each
 * file is written with createWritable, which the browser commits whole on close (a swap file until then), so an
 * interrupted run leaves whole files or none.
 */
import { TraitloomError } from "../core/errors.js";
import type { Appender, FileStore } from "../render/folderSink.js";
import { sha256HexOf } from "./hash.js";

/** Journal lines gathered before one append to the file. */
const JOURNAL_FLUSH_LINES = 64;

function isNotFound(e: unknown): boolean {
  return e instanceof DOMException && (e.name === "NotFoundError" || e.name === "TypeMismatchError");
}

export class DirectoryStore implements FileStore {
  readonly location: string;
  readonly diskPath = undefined;
  constructor(private readonly root: FileSystemDirectoryHandle) {
    this.location = `the folder "${root.name}"`;
  }

  private async dir(parts: string[], create: boolean): Promise<FileSystemDirectoryHandle> {
    let dir = this.root;
    for (const p of parts) if (p !== "") dir = await dir.getDirectoryHandle(p, { create });
    return dir;
  }

  private async file(name: string, create: boolean): Promise<FileSystemFileHandle> {
    const parts = name.split("/");
    const base = parts.pop() ?? name;
    return (await this.dir(parts, create)).getFileHandle(base, { create });
  }

  private async readFile(name: string): Promise<File | undefined> {
    try {
      return await (await this.file(name, false)).getFile();
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  async checkRoot(): Promise<void> {}

  async readText(name: string): Promise<string | undefined> {
    return (await this.readFile(name))?.text();
  }

  async readBytes(name: string): Promise<Uint8Array | undefined> {
    const file = await this.readFile(name);
    return file ? new Uint8Array(await file.arrayBuffer()) : undefined;
  }

  async sha256(name: string): Promise<string | undefined> {
    const file = await this.readFile(name);
    return file ? sha256HexOf(new Uint8Array(await file.arrayBuffer())) : undefined;
  }

  async exists(name: string): Promise<boolean> {
    const parts = name.split("/");
    const base = parts.pop() ?? name;
    try {
      const dir = await this.dir(parts, false);
      try {
        await dir.getDirectoryHandle(base);
        return true;
      } catch {
        await dir.getFileHandle(base);
        return true;
      }
    } catch {
      return false;
    }
  }

  async ensureDir(name: string): Promise<void> {
    await this.dir(name.split("/"), true);
  }

  async remove(name: string): Promise<void> {
    const parts = name.split("/");
    const base = parts.pop() ?? name;
    try {
      await (await this.dir(parts, false)).removeEntry(base, { recursive: true });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  /**
   * One run per folder name at a time across the browser's tabs (Web Locks): a picked folder has no path to
   * compare, so two folders of one name wait for each other, which is safe.
   */
  async lock(): Promise<{ release(): Promise<void> }> {
    const locks: LockManager | undefined = globalThis.navigator?.locks;
    if (!locks) return { release: async () => undefined };
    let release: () => void = () => undefined;
    const taken = await new Promise<boolean>((resolve) => {
      void locks.request(`traitloom-folder:${this.root.name}`, { ifAvailable: true }, (lock: Lock | null) => {
        if (!lock) {
          resolve(false);
          return undefined;
        }
        resolve(true);
        return new Promise<void>((r) => (release = r));
      });
    });
    if (!taken) throw new TraitloomError("OUTPUT_CONFLICT", `${this.location}: expected no other run writing this folder, found one in another tab; wait for it to finish or cancel it`);
    return { release: async () => release() };
  }

  /** createWritable keeps its swap file to itself and drops it when a write is abandoned: nothing to clean. */
  async removeTempFiles(): Promise<void> {}

  async write(name: string, data: string | Uint8Array): Promise<void> {
    const writable = await (await this.file(name, true)).createWritable();
    await writable.write(data as string | Uint8Array<ArrayBuffer>);
    await writable.close();
  }

  /** The File System Access API makes no links: the bytes are written again under the other name. */
  async copy(from: string, to: string): Promise<void> {
    const file = await this.readFile(from);
    if (!file) throw new TraitloomError("WRITE_FAILED", `${this.location}/${to}: expected to copy ${from}, found no such file`);
    await this.write(to, new Uint8Array(await file.arrayBuffer()));
  }

  async writeChunks(name: string, chunks: Iterable<string>): Promise<void> {
    const writable = await (await this.file(name, true)).createWritable();
    let buffered = "";
    for (const chunk of chunks) {
      buffered += chunk;
      if (buffered.length >= 1 << 20) {
        await writable.write(buffered);
        buffered = "";
      }
    }
    await writable.write(buffered);
    await writable.close();
  }

  /**
   * Lines are gathered and appended a few dozen at a time (a createWritable per line would cost more than a
   * token): a stop loses at most the lines not yet appended, and those tokens are rendered again on resume.
   */
  async openAppend(name: string): Promise<Appender> {
    const handle = await this.file(name, true);
    let pending: string[] = [];
    let chain: Promise<void> = Promise.resolve();
    let failure: unknown;
    const flush = (): void => {
      const lines = pending.join("");
      pending = [];
      if (lines === "") return;
      chain = chain.then(async () => {
        try {
          const size = (await handle.getFile()).size;
          const writable = await handle.createWritable({ keepExistingData: true });
          await writable.seek(size);
          await writable.write(lines);
          await writable.close();
        } catch (e) {
          failure ??= e;
        }
      });
    };
    return {
      append(text) {
        if (failure !== undefined) throw failure instanceof Error ? failure : new Error(String(failure));
        pending.push(text);
        if (pending.length >= JOURNAL_FLUSH_LINES) flush();
      },
      async close() {
        flush();
        await chain;
        if (failure !== undefined) throw failure instanceof Error ? failure : new Error(String(failure));
      },
    };
  }
}
