import { describe, expect, it } from "vitest";
import { activeMentionQuery, mentionMarkup, plainMentions, splitMentions } from "./mentions";

describe("mention markup in the web composer", () => {
  it("splits text around mentions", () => {
    expect(splitMentions("Hi @[Sara Ali](user:7), see this")).toEqual([
      { kind: "text", text: "Hi " },
      { kind: "mention", name: "Sara Ali", userId: 7 },
      { kind: "text", text: ", see this" },
    ]);
  });

  it("shows mentions as @Name in plain text", () => {
    expect(plainMentions("@[سارة](user:3) راجعي هذا")).toBe("@سارة راجعي هذا");
  });

  it("builds markup that parses back, even from awkward names", () => {
    const markup = mentionMarkup("Omar [ops]", 12);
    expect(splitMentions(markup)).toEqual([{ kind: "mention", name: "Omar ops", userId: 12 }]);
  });

  it("finds the @query before the caret", () => {
    expect(activeMentionQuery("hello @sa", 9)).toEqual({ start: 6, query: "sa" });
    expect(activeMentionQuery("@", 1)).toEqual({ start: 0, query: "" });
    expect(activeMentionQuery("mail me at a@b", 14)).toBeNull();
    expect(activeMentionQuery("hello @sa more", 14)).toBeNull();
  });
});
