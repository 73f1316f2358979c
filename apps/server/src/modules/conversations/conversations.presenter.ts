import type {
  AuditEvent,
  Channel,
  Contact,
  ConversationDetail,
  ConversationStatus,
  ConversationSummary,
  ConversationType,
  DeliveryState,
  Language,
  Message,
  MessageEmail,
  MessageKind,
  Priority,
} from "@khidma/contracts";
import type { ConversationRow, EventRow } from "./conversations.repo";
import type { MessageRow } from "./messages.repo";

/** A conversation row as the API shows it in lists. */
export function presentSummary(row: ConversationRow): ConversationSummary {
  return {
    id: row.id,
    number: row.number,
    subject: row.subject,
    status: row.status as ConversationStatus,
    priority: row.priority as Priority,
    type: row.type as ConversationType | null,
    channel: row.channel as Channel,
    language: row.language as Language | null,
    assigneeId: row.assignee_id,
    teamId: row.team_id,
    tags: row.tags,
    contact: { id: row.contact_id, name: row.contact_name },
    preview: row.preview,
    lastMessageAt: row.last_message_at.toISOString(),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** A conversation with its contact's details. */
export function presentDetail(row: ConversationRow, contact: Contact): ConversationDetail {
  return { ...presentSummary(row), contactDetail: contact };
}

/** A message row as the API shows it. */
export function presentMessage(row: MessageRow): Message {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    kind: row.kind as MessageKind,
    body: row.body,
    authorUserId: row.author_user_id,
    authorContactId: row.author_contact_id,
    authorName: row.author_name,
    mentions: row.mentions,
    createdAt: row.created_at.toISOString(),
    deliveryState: (row.delivery_state ?? null) as DeliveryState | null,
    deliveryError: row.delivery_error ?? null,
    deliveredAt: row.delivered_at?.toISOString() ?? null,
    html: row.html ?? null,
    quotedText: row.quoted_text ?? null,
    quotedHtml: row.quoted_html ?? null,
    email: presentEmail(row),
    seq: row.seq,
    clientId: row.client_id,
  };
}

/** The email envelope of a message row; null for messages that never were email. */
function presentEmail(row: MessageRow): MessageEmail | null {
  if (!row.email_message_id && !row.email_meta) return null;
  const meta = (row.email_meta ?? {}) as Partial<Record<"from" | "replyTo" | "subject", string | null>> & {
    to?: string[];
    cc?: string[];
  };
  return {
    messageId: row.email_message_id ?? null,
    inReplyTo: row.email_in_reply_to ?? null,
    from: meta.from ?? null,
    to: meta.to ?? [],
    cc: meta.cc ?? [],
    replyTo: meta.replyTo ?? null,
    subject: meta.subject ?? null,
  };
}

/** An event row as the API shows it. */
export function presentEvent(row: EventRow): AuditEvent {
  return {
    id: row.id,
    actorUserId: row.actor_user_id,
    actorName: row.actor_name,
    type: row.type,
    subjectType: row.subject_type,
    subjectId: row.subject_id,
    before: row.before,
    after: row.after,
    createdAt: row.created_at.toISOString(),
  };
}
