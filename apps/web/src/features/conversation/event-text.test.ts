import type { AuditEvent } from "@khidma/contracts";
import { describe, expect, it } from "vitest";
import { describeEvent, isMessageEvent } from "./event-text";

function event(partial: Partial<AuditEvent>): AuditEvent {
  return {
    id: 1,
    actorUserId: 1,
    actorName: "Sara",
    type: "conversation.updated",
    subjectType: "conversation",
    subjectId: 5,
    before: null,
    after: null,
    createdAt: "2025-01-01T00:00:00.000Z",
    ...partial,
  };
}

describe("timeline event lines in the web app", () => {
  it("reads status, assignment and tag changes", () => {
    const lines = describeEvent(
      event({
        before: { status: "open", assigneeId: null, tags: ["a"] },
        after: { status: "solved", assigneeId: 4, tags: ["b"] },
      }),
    );
    expect(lines).toEqual([
      { key: "status", from: "open", to: "solved" },
      { key: "assigned", userId: 4 },
      { key: "tagsAdded", tags: ["b"] },
      { key: "tagsRemoved", tags: ["a"] },
    ]);
  });

  it("shows a transfer reason and an unassignment", () => {
    expect(
      describeEvent(event({ before: { assigneeId: 3 }, after: { assigneeId: null, reason: "shift over" } })),
    ).toEqual([{ key: "unassigned" }, { key: "reason", reason: "shift over" }]);
  });

  it("falls back to the event type", () => {
    expect(describeEvent(event({ type: "conversation.merged" }))).toEqual([
      { key: "other", type: "conversation.merged" },
    ]);
  });

  it("recognises a creation and message events", () => {
    expect(describeEvent(event({ type: "conversation.created", after: { status: "new" } }))).toEqual([
      { key: "created" },
    ]);
    expect(isMessageEvent(event({ type: "message.created", subjectType: "message" }))).toBe(true);
  });
});
