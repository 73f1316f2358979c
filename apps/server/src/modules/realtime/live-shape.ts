import type { ConversationSummary, Message } from "@khidma/contracts";
import type { TObject, TSchema } from "@sinclair/typebox";
import { ConversationSummarySchema, MessageSchema } from "../conversations/conversations.schemas";

function isArraySchema(schema: TSchema): boolean {
  return (schema as { type?: unknown }).type === "array";
}

/**
 * Keeps the top-level fields a response schema lists, as the API's
 * serializer does, and gives a listed array the caller did not load an empty
 * value. Never throws: a live update is not worth failing a request over.
 */
function shapeLike<T>(schema: TObject, value: T): T {
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(schema.properties)) {
    if (source[key] !== undefined) out[key] = source[key];
    else if (isArraySchema(field)) out[key] = [];
  }
  return out as T;
}

/**
 * A message exactly as GET /conversations/{id}/messages shows it, so a client
 * can put a live one and a fetched one in the same cache.
 */
export function liveMessage(message: Message): Message {
  return shapeLike(MessageSchema, message);
}

/** A conversation exactly as the inbox list shows it (see liveMessage). */
export function liveSummary(summary: ConversationSummary): ConversationSummary {
  return shapeLike(ConversationSummarySchema, summary);
}
