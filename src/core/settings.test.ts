import { describe, expect, it } from "vitest";
import { isTraitloomError } from "./errors.js";
import { resolveSettings } from "./settings.js";

describe("resolveSettings", () => {
  it("refuses ids past JavaScript's safe integers, which would collide (startId + count beyond 2^53)", () => {
    const start = Number.MAX_SAFE_INTEGER - 2;
    expect(resolveSettings({ startId: start }, { count: 3, seed: "s" }).startId).toBe(start);
    let message = "";
    try {
      resolveSettings({ startId: start }, { count: 5, seed: "s" });
    } catch (e) {
      if (isTraitloomError(e)) message = e.message;
    }
    expect(message).toBe(`startId: expected token ids up to 9007199254740991 (the largest whole number JSON readers keep exact), found ids from ${start} to ${start + 4}`);
  });
});
