import { type Static, Type } from "@sinclair/typebox";
import { nullable, stringEnum } from "../contacts/contacts.schemas";

export { errorResponses } from "../contacts/contacts.schemas";

// The key's shape (kw_<account>_…) is checked by the look-up: a malformed key is an unknown one.
const Key = Type.String({ minLength: 10, maxLength: 100, pattern: "^[A-Za-z0-9_-]+$" });
const Token = Type.String({ minLength: 10, maxLength: 200 });
/** A chat client's message id: 8 to 64 URL-safe characters (a UUID fits). */
export const ClientId = Type.String({ minLength: 8, maxLength: 64, pattern: "^[A-Za-z0-9_-]+$" });
const Body = Type.String({ maxLength: 5000 });
const FieldRule = stringEnum(["off", "optional", "required"] as const);

/** `?key=` of the widget routes. */
export const KeyQuery = Type.Object({ key: Key }, { additionalProperties: false });
export type KeyQuery = Static<typeof KeyQuery>;

/** `?key=&token=` of GET routes (a browser cannot set headers on an image link). */
export const KeyTokenQuery = Type.Object(
  {
    key: Key,
    token: Type.Optional(Token),
    after: Type.Optional(Type.Integer({ minimum: 0, maximum: 2147483647 })),
  },
  { additionalProperties: false },
);
export type KeyTokenQuery = Static<typeof KeyTokenQuery>;

/** POST /widget/session. */
export const SessionBody = Type.Object(
  { key: Key, token: Type.Optional(Token) },
  { additionalProperties: false },
);
export type SessionBody = Static<typeof SessionBody>;

/** POST /widget/identify: the host's user id and HMAC-SHA256(user id, widget secret) in hex. */
export const IdentifyBody = Type.Object(
  {
    key: Key,
    token: Token,
    userId: Type.String({ minLength: 1, maxLength: 200 }),
    // Compared in constant time with the expected hex digest; anything else simply does not match.
    hmac: Type.String({ minLength: 64, maxLength: 64 }),
    name: Type.Optional(Type.String({ maxLength: 200 })),
    email: Type.Optional(Type.String({ maxLength: 254 })),
  },
  { additionalProperties: false },
);
export type IdentifyBody = Static<typeof IdentifyBody>;

/** POST /widget/prechat. */
export const PrechatBody = Type.Object(
  {
    key: Key,
    token: Token,
    name: Type.Optional(Type.String({ maxLength: 200 })),
    email: Type.Optional(Type.String({ maxLength: 254 })),
    phone: Type.Optional(Type.String({ maxLength: 40 })),
  },
  { additionalProperties: false },
);
export type PrechatBody = Static<typeof PrechatBody>;

/** POST /widget/messages: the REST way to send (the socket is the usual one). */
export const SendBody = Type.Object(
  {
    key: Key,
    token: Token,
    clientId: ClientId,
    body: Body,
    attachmentIds: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 5 })),
  },
  { additionalProperties: false },
);
export type SendBody = Static<typeof SendBody>;

/** POST /widget/read. */
export const ReadBody = Type.Object(
  { key: Key, token: Token, seq: Type.Integer({ minimum: 0, maximum: 2147483647 }) },
  { additionalProperties: false },
);
export type ReadBody = Static<typeof ReadBody>;

/** POST /widget/offline. */
export const OfflineBody = Type.Object(
  {
    key: Key,
    token: Token,
    clientId: ClientId,
    name: Type.String({ minLength: 1, maxLength: 200, pattern: "\\S" }),
    email: Type.String({ minLength: 3, maxLength: 254 }),
    body: Type.String({ minLength: 1, maxLength: 5000, pattern: "\\S" }),
  },
  { additionalProperties: false },
);
export type OfflineBody = Static<typeof OfflineBody>;

/** `?key=&filename=` of an upload. */
export const UploadQuery = Type.Object(
  { key: Key, filename: Type.String({ minLength: 1, maxLength: 200, pattern: "^[^/\\\\\\x00-\\x1f]+$" }) },
  { additionalProperties: false },
);
export type UploadQuery = Static<typeof UploadQuery>;

/** `/widget/attachments/{id}`. */
export const AttachmentParams = Type.Object(
  { id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) },
  { additionalProperties: false },
);

const VisitorAttachment = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  contentType: Type.String(),
  size: Type.Integer(),
});

/** A message as the visitor sees it. */
export const VisitorMessageSchema = Type.Object({
  id: Type.Integer(),
  seq: Type.Integer(),
  clientId: nullable(Type.String()),
  from: stringEnum(["visitor", "agent"] as const),
  body: Type.String(),
  authorName: nullable(Type.String()),
  attachments: Type.Array(VisitorAttachment),
  createdAt: Type.String({ format: "date-time" }),
});

export const VisitorAttachmentSchema = VisitorAttachment;

/** The visitor's session. */
export const SessionSchema = Type.Object({
  token: Type.String(),
  expiresAt: Type.String({ format: "date-time" }),
  conversationId: nullable(Type.Integer()),
  known: Type.Boolean(),
  verified: Type.Boolean(),
  agentReadSeq: Type.Integer(),
});

/** The public configuration of a widget. */
export const PublicConfigSchema = Type.Object({
  color: Type.String(),
  greeting: Type.Object({ ar: Type.String(), en: Type.String() }),
  position: stringEnum(["start", "end"] as const),
  prechat: Type.Object({ name: FieldRule, email: FieldRule, phone: FieldRule }),
  offlineMode: stringEnum(["message", "hidden"] as const),
  online: Type.Boolean(),
});

/** GET /widget/messages. */
export const HistorySchema = Type.Object({
  items: Type.Array(VisitorMessageSchema),
  lastSeq: Type.Integer(),
  conversationId: nullable(Type.Integer()),
});

/** POST /widget/messages. */
export const SentSchema = Type.Object({ message: VisitorMessageSchema, duplicate: Type.Boolean() });
