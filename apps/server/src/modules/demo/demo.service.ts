import type { AppContext } from "../../app";
import type { Clock } from "../../platform/clock";
import { assignConversation, updateConversation } from "../conversations/assignment.service";
import { createConversation } from "../conversations/conversations.service";
import { addMessage } from "../conversations/messages.service";
import { demoConversations } from "./demo.data";

/** A clock that starts in the past and moves forward as the seeder works, so the inbox shows real ages. */
class BackdatedClock implements Clock {
  private at: number;
  constructor(start: Date) {
    this.at = start.getTime();
  }
  now(): Date {
    return new Date(this.at);
  }
  step(ms: number): void {
    this.at += ms;
  }
}

/**
 * Adds a few Arabic and English contacts and conversations to a new account,
 * through the same services the API uses, so every row has its events and
 * search text.
 */
export async function seedDemoData(ctx: AppContext, accountId: number, ownerId: number): Promise<void> {
  const hour = 3600_000;
  const clock = new BackdatedClock(new Date(ctx.clock.now().getTime() - demoConversations.length * 5 * hour));
  const demo: AppContext = { ...ctx, clock };
  const customer = { accountId, userId: null };
  const owner = { accountId, userId: ownerId, role: "owner" as const };

  for (const item of demoConversations) {
    const conversation = await createConversation(demo, customer, {
      subject: item.subject,
      contact: item.contact,
      body: item.body,
      priority: item.priority,
      type: item.type,
      language: item.contact.language,
      tags: item.tags,
      channel: "web",
    });
    clock.step(40 * 60_000);
    if (item.assignToOwner) {
      await assignConversation(demo, owner, conversation.id, { assigneeId: ownerId });
    }
    if (item.note) {
      clock.step(10 * 60_000);
      await addMessage(demo, owner, conversation.id, { body: item.note, kind: "note" });
    }
    if (item.reply) {
      clock.step(25 * 60_000);
      await addMessage(demo, owner, conversation.id, { body: item.reply, kind: "reply" });
    }
    if (item.status !== "new" && item.status !== "open") {
      await updateConversation(demo, owner, conversation.id, { status: item.status });
    }
    clock.step(4 * hour);
  }
}
