import { describe, expect, it } from "vitest";
import { checkCanvasLimit, chooseCanvasSize, MAX_CANVAS_SIDE } from "./canvas.js";

describe("checkCanvasLimit", () => {
  it("lets a canvas of MAX_CANVAS_SIDE through and refuses one wider, naming the trait that set it and the limit", () => {
    const at = [{ file: "L/a.png", width: MAX_CANVAS_SIDE, height: 8 }];
    expect(() => checkCanvasLimit(chooseCanvasSize(at, {}), at)).not.toThrow();
    const wide = [
      { file: "L/a.png", width: 16400, height: 8 },
      { file: "L/b.png", width: 16400, height: 8 },
    ];
    expect(() => checkCanvasLimit(chooseCanvasSize(wide, {}), wide)).toThrow(
      /^L\/a\.png: expected a canvas of at most 16384x16384 \(the most common trait size sets it\), found 16400x8; /,
    );
  });
});
