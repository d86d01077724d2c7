import { describe, expect, it } from "vitest";
import { TraitloomError } from "../core/errors.js";
import { writeFailure } from "./files.js";

const fsError = (code: string): Error => Object.assign(new Error(`${code}: something, open 'x'`), { code });

describe("writeFailure", () => {
  it("turns a full disk into one line naming the file, what was written and what the file system said", () => {
    const e = writeFailure(fsError("ENOSPC"), "out/images/7.png", "token 7's image");
    expect(e).toBeInstanceOf(TraitloomError);
    expect((e as TraitloomError).code).toBe("WRITE_FAILED");
    expect((e as TraitloomError).message).toBe("out/images/7.png: expected to write token 7's image, found no space left on the device (ENOSPC)");
  });

  it("names refusals it knows and still reports codes it does not", () => {
    expect((writeFailure(fsError("EROFS"), "o/a", "the file") as Error).message).toBe("o/a: expected to write the file, found a read-only file system (EROFS)");
    expect((writeFailure(fsError("EACCES"), "o/a", "the file") as Error).message).toContain("no permission to write there (EACCES)");
    expect((writeFailure(fsError("EXDEV"), "o/a", "the file") as Error).message).toBe("o/a: expected to write the file, found the file system refusing (EXDEV)");
  });

  it("returns anything that is not a file system error unchanged", () => {
    const bug = new TypeError("x is undefined");
    expect(writeFailure(bug, "o/a", "the file")).toBe(bug);
    expect(writeFailure("text", "o/a", "the file")).toBe("text");
    const coded = Object.assign(new Error("zlib"), { code: "Z_BUF_ERROR" });
    expect(writeFailure(coded, "o/a", "the file")).toBe(coded);
  });
});
