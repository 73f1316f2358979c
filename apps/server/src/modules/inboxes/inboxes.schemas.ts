import { Type } from "@sinclair/typebox";

const Host = Type.String({ minLength: 1, maxLength: 253, pattern: "^[A-Za-z0-9.:\\[\\]-]+$" });
const Port = Type.Integer({ minimum: 1, maximum: 65535 });
const User = Type.String({ minLength: 1, maxLength: 320 });
const Password = Type.String({ minLength: 1, maxLength: 1000, description: "write-only; never returned" });
const Address = Type.String({ minLength: 3, maxLength: 254, format: "email" });

/** Outgoing server settings as given; omit password to keep the stored one. */
export const SmtpInput = Type.Object(
  {
    host: Host,
    port: Port,
    secure: Type.Optional(Type.Boolean({ description: "TLS from the start (465); STARTTLS otherwise" })),
    user: Type.Optional(Type.Union([User, Type.Null()])),
    password: Type.Optional(Type.Union([Password, Type.Null()])),
  },
  { additionalProperties: false },
);

/** Mailbox settings for IMAP fetching as given; omit password to keep the stored one. */
export const ImapInput = Type.Object(
  {
    host: Host,
    port: Port,
    secure: Type.Optional(Type.Boolean()),
    user: User,
    password: Type.Optional(Password),
    mailbox: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);

const Name = Type.String({ minLength: 1, maxLength: 100, pattern: "\\S" });
const Signature = Type.Union([Type.String({ maxLength: 5000 }), Type.Null()]);

/** POST /inboxes. */
export const CreateInboxBody = Type.Object(
  {
    channel: Type.Literal("email"),
    name: Name,
    address: Address,
    signature: Type.Optional(Signature),
    autoAck: Type.Optional(Type.Boolean()),
    smtp: Type.Optional(Type.Union([SmtpInput, Type.Null()])),
    imap: Type.Optional(Type.Union([ImapInput, Type.Null()])),
  },
  { additionalProperties: false },
);

/** PATCH /inboxes/{id}: null clears signature, smtp or imap. */
export const UpdateInboxBody = Type.Object(
  {
    name: Type.Optional(Name),
    address: Type.Optional(Address),
    signature: Type.Optional(Signature),
    autoAck: Type.Optional(Type.Boolean()),
    smtp: Type.Optional(Type.Union([SmtpInput, Type.Null()])),
    imap: Type.Optional(Type.Union([ImapInput, Type.Null()])),
  },
  { additionalProperties: false },
);

const SmtpOut = Type.Object({
  host: Type.String(),
  port: Type.Integer(),
  secure: Type.Boolean(),
  user: Type.Union([Type.String(), Type.Null()]),
  hasPassword: Type.Boolean(),
});

/** An inbox as the API shows it (contracts: Inbox); passwords never appear. */
export const InboxSchema = Type.Object({
  id: Type.Integer(),
  channel: Type.Literal("email"),
  name: Type.String(),
  address: Type.String(),
  signature: Type.Union([Type.String(), Type.Null()]),
  autoAck: Type.Boolean(),
  smtp: Type.Union([SmtpOut, Type.Null()]),
  imap: Type.Union([Type.Composite([SmtpOut, Type.Object({ mailbox: Type.String() })]), Type.Null()]),
  imapStatus: Type.Union([
    Type.Object({
      lastError: Type.Union([Type.String(), Type.Null()]),
      lastPollAt: Type.Union([Type.String(), Type.Null()]),
    }),
    Type.Null(),
  ]),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

/** GET /inboxes. */
export const InboxListReply = Type.Object({ items: Type.Array(InboxSchema) });
