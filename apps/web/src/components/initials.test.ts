import { describe, expect, it } from "vitest";
import { initialsOf } from "./initials";

describe("avatar initials in the web app", () => {
  it("takes first and last initials of Latin names", () => {
    expect(initialsOf("Emily Carter")).toBe("EC");
    expect(initialsOf("omar")).toBe("OM");
  });

  it("takes the first letter of an Arabic name", () => {
    expect(initialsOf("نورة القحطاني")).toBe("ن");
  });

  it("never returns an empty string", () => {
    expect(initialsOf("  ")).toBe("?");
  });
});
