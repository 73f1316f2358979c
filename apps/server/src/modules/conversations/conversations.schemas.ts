import {
  CHANNELS,
  CONVERSATION_STATUSES,
  CONVERSATION_TYPES,
  DELIVERY_STATES,
  LANGUAGES,
  MESSAGE_KINDS,
  PRIORITIES,
} from "@khidma/contracts";
import { type Static, Type } from "@sinclair/typebox";
import {
  ContactSchema,
  IdSchema,
  nullable,
  nullableEnum,
  stringEnum,
  text,
} from "../contacts/contacts.schemas";

export { ErrorSchema, errorResponses, IdParams, PageQuery } from "../contacts/contacts.schemas";

const Timestamp = Type.String({ format: "date-time" });
const Tags = Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { maxItems: 20 });
const Reason = Type.String({ maxLength: 500 });
const NullableId = Type.Unsafe<number | null>({
  type: ["integer", "null"],
  minimum: 1,
  maximum: Number.MAX_SAFE_INTEGER,
});
const MessageBody = Type.String({ minLength: 1, maxLength: 50_000, pattern: "\\S" });

/** A conversation in lists. */
export const ConversationSummarySchema = Type.Object({
  id: Type.Integer(),
  number: Type.Integer(),
  subject: Type.String(),
  status: stringEnum(CONVERSATION_STATUSES),
  priority: stringEnum(PRIORITIES),
  type: nullableEnum(CONVERSATION_TYPES),
  channel: stringEnum(CHANNELS),
  language: nullableEnum(LANGUAGES),
  assigneeId: nullable(Type.Integer()),
  teamId: nullable(Type.Integer()),
  tags: Type.Array(Type.String()),
  contact: Type.Object({ id: Type.Integer(), name: Type.String() }),
  preview: Type.String(),
  lastMessageAt: Timestamp,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

/** One conversation with its contact's details. */
export const ConversationDetailSchema = Type.Composite([
  ConversationSummarySchema,
  Type.Object({ contactDetail: ContactSchema }),
]);

/** A page of conversations. */
export const ConversationPage = Type.Object({
  items: Type.Array(ConversationSummarySchema),
  nextCursor: nullable(Type.String()),
});

/** GET /conversations query. */
export const ListConversationsQuery = Type.Object(
  {
    view: Type.Optional(stringEnum(["mine", "unassigned", "all"] as const, { default: "all" })),
    status: Type.Optional(stringEnum(CONVERSATION_STATUSES)),
    assigneeId: Type.Optional(IdSchema),
    teamId: Type.Optional(IdSchema),
    tag: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
    contactId: Type.Optional(IdSchema),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 400 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  },
  { additionalProperties: false },
);
export type ListConversationsQuery = Static<typeof ListConversationsQuery>;

/** GET /conversations/counts. */
export const CountsSchema = Type.Object({
  mine: Type.Integer({ description: "Unsolved conversations assigned to the caller" }),
  unassigned: Type.Integer({ description: "Unsolved conversations without an assignee" }),
  all: Type.Integer({ description: "Unsolved conversations (new, open, pending, on hold)" }),
  byStatus: Type.Object(
    Object.fromEntries(CONVERSATION_STATUSES.map((s) => [s, Type.Integer()])) as Record<
      (typeof CONVERSATION_STATUSES)[number],
      ReturnType<typeof Type.Integer>
    >,
    { description: "Every status; solved and closed are counted up to `cap`" },
  ),
  cap: Type.Integer({
    description: "Solved and closed counts stop at this number (it means at least this many)",
  }),
});

/** POST /conversations. */
export const CreateConversationBody = Type.Object(
  {
    subject: text(500),
    contact: Type.Object(
      {
        name: text(200),
        email: Type.Optional(Type.String({ minLength: 1, maxLength: 254 })),
        phone: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
      },
      { additionalProperties: false },
    ),
    body: MessageBody,
    priority: Type.Optional(stringEnum(PRIORITIES)),
    type: Type.Optional(nullableEnum(CONVERSATION_TYPES)),
    language: Type.Optional(stringEnum(LANGUAGES)),
    tags: Type.Optional(Tags),
    // Email and chat conversations are opened by their channels, not through this route.
    channel: Type.Optional(stringEnum(["web", "api"] as const)),
  },
  { additionalProperties: false },
);
export type CreateConversationBody = Static<typeof CreateConversationBody>;

/** PATCH /conversations/{id}. */
export const UpdateConversationBody = Type.Object(
  {
    subject: Type.Optional(text(500)),
    status: Type.Optional(stringEnum(CONVERSATION_STATUSES)),
    priority: Type.Optional(stringEnum(PRIORITIES)),
    type: Type.Optional(nullableEnum(CONVERSATION_TYPES)),
    language: Type.Optional(nullableEnum(LANGUAGES)),
    assigneeId: Type.Optional(NullableId),
    teamId: Type.Optional(NullableId),
    tags: Type.Optional(Tags),
    reason: Type.Optional(Reason),
  },
  { additionalProperties: false },
);
export type UpdateConversationBody = Static<typeof UpdateConversationBody>;

/** POST /conversations/{id}/assign. */
export const AssignBody = Type.Object(
  { assigneeId: NullableId, teamId: Type.Optional(NullableId), reason: Type.Optional(Reason) },
  { additionalProperties: false },
);
export type AssignBody = Static<typeof AssignBody>;

/** POST /conversations/bulk. */
export const BulkBody = Type.Object(
  {
    ids: Type.Array(IdSchema, { minItems: 1, maxItems: 100 }),
    status: Type.Optional(stringEnum(CONVERSATION_STATUSES)),
    assigneeId: Type.Optional(NullableId),
    addTags: Type.Optional(Tags),
    removeTags: Type.Optional(Tags),
  },
  { additionalProperties: false },
);
export type BulkBody = Static<typeof BulkBody>;

/** The answer of a bulk change. */
export const BulkResult = Type.Object({ updated: Type.Integer() });

/** A message as the API returns it. */
export const MessageSchema = Type.Object({
  id: Type.Integer(),
  conversationId: Type.Integer(),
  kind: stringEnum(MESSAGE_KINDS),
  body: Type.String(),
  authorUserId: nullable(Type.Integer()),
  authorContactId: nullable(Type.Integer()),
  authorName: nullable(Type.String()),
  mentions: Type.Array(Type.Integer()),
  createdAt: Timestamp,
  deliveryState: Type.Optional(nullableEnum(DELIVERY_STATES)),
  deliveryError: Type.Optional(nullable(Type.String())),
  deliveredAt: Type.Optional(nullable(Timestamp)),
  html: Type.Optional(
    nullable(Type.String({ description: "sanitised HTML of the visible part of an email" })),
  ),
  quotedText: Type.Optional(nullable(Type.String())),
  quotedHtml: Type.Optional(nullable(Type.String())),
  email: Type.Optional(
    nullable(
      Type.Object({
        messageId: nullable(Type.String()),
        inReplyTo: nullable(Type.String()),
        from: nullable(Type.String()),
        to: Type.Array(Type.String()),
        cc: Type.Array(Type.String()),
        replyTo: nullable(Type.String()),
        subject: nullable(Type.String()),
      }),
    ),
  ),
  attachments: Type.Optional(
    Type.Array(
      Type.Object({
        id: Type.Integer(),
        filename: Type.String(),
        contentType: Type.String(),
        size: Type.Integer(),
        inline: Type.Boolean(),
        url: Type.String(),
      }),
    ),
  ),
  seq: Type.Integer(),
  clientId: nullable(Type.String()),
});

/** A page of messages, oldest first. */
export const MessagePage = Type.Object({
  items: Type.Array(MessageSchema),
  nextCursor: nullable(Type.String()),
});

/** POST /conversations/{id}/messages. */
export const CreateMessageBody = Type.Object(
  { body: MessageBody, kind: stringEnum(["reply", "note"] as const) },
  { additionalProperties: false },
);
export type CreateMessageBody = Static<typeof CreateMessageBody>;

/** An event of the audit log. */
export const AuditEventSchema = Type.Object({
  id: Type.Integer(),
  actorUserId: nullable(Type.Integer()),
  actorName: nullable(Type.String()),
  type: Type.String(),
  subjectType: Type.String(),
  subjectId: nullable(Type.Integer()),
  before: Type.Unknown(),
  after: Type.Unknown(),
  createdAt: Timestamp,
});

/** GET /conversations/{id}/events. */
export const EventList = Type.Object({ items: Type.Array(AuditEventSchema) });
