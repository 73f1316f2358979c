import { describe, expect, it } from "vitest";
import { highlightParts } from "./highlight";

describe("search snippet highlighting in the web app", () => {
  it("marks query words whatever their case", () => {
    expect(highlightParts("Refund for a Blender", "blender")).toEqual([
      { text: "Refund for a ", match: false },
      { text: "Blender", match: true },
    ]);
  });

  it("matches Arabic letter variants", () => {
    expect(highlightParts("متى سيصل الطلب؟", "الطلب")).toEqual([
      { text: "متى سيصل ", match: false },
      { text: "الطلب", match: true },
      { text: "؟", match: false },
    ]);
    expect(highlightParts("أرجو الرد", "ارجو").map((p) => p.match)).toEqual([true, false]);
  });

  it("leaves text alone for one-letter queries", () => {
    expect(highlightParts("a b c", "a")).toEqual([{ text: "a b c", match: false }]);
  });
});
