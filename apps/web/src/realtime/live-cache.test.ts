import type { ConversationDetail, Message } from "@khidma/contracts";
import { QueryClient } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import { queryKeys } from "../api/query-keys";
import { applyFrame } from "./live-cache";
import { backoffDelay } from "./live-socket";

const message = (id: number) =>
  ({ id, conversationId: 4, kind: "reply", body: `m${id}` }) as unknown as Message;

describe("live updates into the query cache", () => {
  it("appends a new message once, and leaves timelines nobody loaded alone", () => {
    const client = new QueryClient();
    client.setQueryData(queryKeys.messages(4), [message(1)]);
    const frame = { type: "message.created", data: { conversationId: 4, message: message(2) } };
    applyFrame(client, frame);
    applyFrame(client, frame);
    expect(client.getQueryData<Message[]>(queryKeys.messages(4))?.map((m) => m.id)).toEqual([1, 2]);
    applyFrame(client, { type: "message.created", data: { conversationId: 5, message: message(3) } });
    expect(client.getQueryData(queryKeys.messages(5))).toBeUndefined();
  });

  it("shows an email's new delivery state on its message", () => {
    const client = new QueryClient();
    const queued = { ...message(1), deliveryState: "queued", deliveryError: null } as Message;
    client.setQueryData(queryKeys.messages(4), [queued, message(2)]);
    applyFrame(client, {
      type: "message.delivery",
      data: {
        conversationId: 4,
        messageId: 1,
        deliveryState: "failed",
        deliveryError: "550 Mailbox unavailable",
        deliveredAt: null,
      },
    });
    const [first, second] = client.getQueryData<Message[]>(queryKeys.messages(4)) ?? [];
    expect(first).toMatchObject({ id: 1, deliveryState: "failed", deliveryError: "550 Mailbox unavailable" });
    expect(second).toEqual(message(2));
    applyFrame(client, {
      type: "message.delivery",
      data: {
        conversationId: 9,
        messageId: 1,
        deliveryState: "sent",
        deliveryError: null,
        deliveredAt: null,
      },
    });
    expect(client.getQueryData(queryKeys.messages(9))).toBeUndefined();
  });

  it("merges a changed conversation into its open page and marks the lists stale", () => {
    const client = new QueryClient();
    const detail = { id: 4, status: "new", contactDetail: { id: 1 } } as unknown as ConversationDetail;
    client.setQueryData(queryKeys.conversation(4), detail);
    client.setQueryData(queryKeys.counts, { all: 1 });
    applyFrame(client, {
      type: "conversation.updated",
      data: { conversation: { id: 4, status: "open", assigneeId: 7 } },
    });
    expect(client.getQueryData(queryKeys.conversation(4))).toEqual({
      id: 4,
      status: "open",
      assigneeId: 7,
      contactDetail: { id: 1 },
    });
    expect(client.getQueryState(queryKeys.counts)?.isInvalidated).toBe(true);
  });
});

describe("reconnect backoff", () => {
  it("doubles from one second up to thirty, with jitter within half of each step", () => {
    expect(backoffDelay(0, () => 0)).toBe(500);
    expect(backoffDelay(0, () => 1)).toBe(1000);
    expect(backoffDelay(3, () => 1)).toBe(8000);
    expect(backoffDelay(20, () => 1)).toBe(30_000);
    expect(backoffDelay(20, () => 0)).toBe(15_000);
  });
});
