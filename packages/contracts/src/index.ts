/**
 * Shared vocabulary of the Khidma API: enums and response shapes used by the
 * server, the agent web app and the widget. Imports nothing from apps/.
 */

export const ROLES = ["owner", "admin", "supervisor", "agent"] as const;
export type Role = (typeof ROLES)[number];

export const CONVERSATION_STATUSES = ["new", "open", "pending", "on_hold", "solved", "closed"] as const;
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];

export const PRIORITIES = ["low", "normal", "high", "urgent"] as const;
export type Priority = (typeof PRIORITIES)[number];

export const CONVERSATION_TYPES = [
  "question",
  "complaint",
  "technical",
  "return",
  "suggestion",
  "sales",
] as const;
export type ConversationType = (typeof CONVERSATION_TYPES)[number];

export const CHANNELS = ["web", "api", "email", "chat"] as const;
export type Channel = (typeof CHANNELS)[number];

export const MESSAGE_KINDS = ["inbound", "reply", "note"] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

export const DELIVERY_STATES = ["queued", "sent", "failed"] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/** A file of a message; `url` downloads it (agents of the account only). */
export interface Attachment {
  id: number;
  filename: string;
  contentType: string;
  size: number;
  inline: boolean;
  url: string;
}

/** The email headers of a message, as addresses and ids. */
export interface MessageEmail {
  messageId: string | null;
  inReplyTo: string | null;
  from: string | null;
  to: string[];
  cc: string[];
  replyTo: string | null;
  subject: string | null;
}

/** An inbox's outgoing server; the password is write-only (`hasPassword` tells whether one is kept). */
export interface InboxSmtp {
  host: string;
  port: number;
  secure: boolean;
  user: string | null;
  hasPassword: boolean;
}

/** An inbox's mailbox to fetch from by IMAP. */
export interface InboxImap extends InboxSmtp {
  mailbox: string;
}

/** An email inbox: a support address of the account. */
export interface Inbox {
  id: number;
  channel: "email";
  name: string;
  address: string;
  signature: string | null;
  autoAck: boolean;
  smtp: InboxSmtp | null;
  imap: InboxImap | null;
  /** The IMAP fetcher's progress: last error and last poll time. */
  imapStatus: { lastError: string | null; lastPollAt: string | null } | null;
  createdAt: string;
  updatedAt: string;
}

export const LANGUAGES = ["ar", "en"] as const;
export type Language = (typeof LANGUAGES)[number];

export const ERROR_CODES = [
  "bad_request",
  "validation_failed",
  "invalid_json",
  "payload_too_large",
  "unsupported_media_type",
  "unauthorized",
  "invalid_credentials",
  "totp_required",
  "invalid_totp",
  "csrf_failed",
  "forbidden",
  "not_found",
  "conflict",
  "duplicate_contact",
  "idempotency_conflict",
  "invalid_cursor",
  "invitation_invalid",
  "too_many_requests",
  "internal",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ApiError {
  error: { code: ErrorCode; message: string; details?: unknown };
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface UserSummary {
  id: number;
  name: string;
  email: string;
  role: Role;
  language: Language | null;
  /** Present in GET /users: a disabled user cannot sign in and should not be offered for assignment. */
  disabled?: boolean;
}

export interface Me extends UserSummary {
  accountId: number;
  accountName: string;
  totpEnabled: boolean;
}

export interface Team {
  id: number;
  name: string;
  memberIds: number[];
}

export const INVITATION_STATUSES = ["pending", "accepted", "revoked", "expired"] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];

export interface Invitation {
  id: number;
  email: string;
  name: string | null;
  role: Role;
  status: InvitationStatus;
  invitedBy: number | null;
  expiresAt: string;
  acceptedAt: string | null;
  revokedAt: string | null;
  createdAt: string;
}

export interface ApiToken {
  id: number;
  name: string;
  /** The first characters of the token, to recognise it; the full value is shown only once. */
  prefix: string;
  userId: number;
  lastUsedAt: string | null;
  createdAt: string;
}

export interface Contact {
  id: number;
  name: string;
  emails: string[];
  phones: string[];
  /** Addresses whose mail bounced (a delivery report came back), with the server's reason. */
  bounces?: { email: string; bouncedAt: string; reason: string | null }[];
  language: Language | null;
  company: string | null;
  attributes: Record<string, unknown>;
  createdAt: string;
}

export interface ConversationSummary {
  id: number;
  number: number;
  subject: string;
  status: ConversationStatus;
  priority: Priority;
  type: ConversationType | null;
  channel: Channel;
  language: Language | null;
  assigneeId: number | null;
  teamId: number | null;
  tags: string[];
  contact: { id: number; name: string };
  preview: string;
  lastMessageAt: string;
  createdAt: string;
  updatedAt: string;
}

export interface Message {
  id: number;
  conversationId: number;
  kind: MessageKind;
  body: string;
  authorUserId: number | null;
  authorContactId: number | null;
  authorName: string | null;
  mentions: number[];
  createdAt: string;
  /** Sanitised HTML of the visible part of an email (null for other channels). */
  html?: string | null;
  /** Quoted history and signature cut from the visible part, kept for a collapsible view. */
  quotedText?: string | null;
  quotedHtml?: string | null;
  /** Outgoing email: queued, sent or failed (with the reason). */
  deliveryState?: DeliveryState | null;
  deliveryError?: string | null;
  deliveredAt?: string | null;
  /** The email envelope of the message, when it came or went by email. */
  email?: MessageEmail | null;
  attachments?: Attachment[];
  /** Order in the conversation, from 1; a chat client asks for what came after the last one it saw. */
  seq: number;
  /** The chat client's id of a message it sent. */
  clientId: string | null;
}

export interface AuditEvent {
  id: number;
  actorUserId: number | null;
  actorName: string | null;
  type: string;
  subjectType: string;
  subjectId: number | null;
  before: unknown;
  after: unknown;
  createdAt: string;
}

export interface Notification {
  id: number;
  kind: "mention" | "assigned";
  conversationId: number;
  conversationNumber: number;
  actorName: string | null;
  readAt: string | null;
  createdAt: string;
}

export interface SearchResults {
  conversations: (ConversationSummary & { highlight: string | null })[];
  contacts: Contact[];
}

export interface ConversationDetail extends ConversationSummary {
  contactDetail: Contact;
}

/**
 * GET /conversations/counts. mine, unassigned and all count unsolved
 * conversations (new, open, pending, on hold). byStatus is exact for those;
 * solved and closed are counted up to `cap` (a value equal to cap means at
 * least that many).
 */
export interface ConversationCounts {
  mine: number;
  unassigned: number;
  all: number;
  byStatus: Record<ConversationStatus, number>;
  cap: number;
}

/** A pre-chat form field: not asked, optional or required. */
export type WidgetFieldRule = "off" | "optional" | "required";

/** Settings of a live-chat widget that its admin screen edits. */
export interface WidgetSettings {
  name: string;
  /** #rrggbb */
  color: string;
  greeting: { ar: string; en: string };
  /** Which side of the page the launcher sits on: start (left in English, right in Arabic) or end. */
  position: "start" | "end";
  prechat: { name: WidgetFieldRule; email: WidgetFieldRule; phone: WidgetFieldRule };
  /** null: always open. Days are 0 (Sunday) to 6; open and close are "HH:MM". */
  businessHours: { timezone: string; days: { day: number; open: string; close: string }[] } | null;
  /** Outside business hours: take a message with an email address, or hide the launcher. */
  offlineMode: "message" | "hidden";
  /** The email inbox that answers messages left outside business hours; null: the account's first. */
  replyInboxId: number | null;
  /** Origins allowed to embed the widget (https://shop.example, https://*.example.com); empty allows any. */
  allowedOrigins: string[];
}

/** A widget as the admin API returns it. */
export interface Widget extends WidgetSettings {
  id: number;
  /** The public key the embed snippet carries. */
  key: string;
  snippet: string;
  createdAt: string;
  updatedAt: string;
}

/** A widget with its identity-verification secret, shown only when created or regenerated. */
export interface WidgetWithSecret extends Widget {
  identitySecret: string;
}

/** What the widget script loads: looks and whether someone is there to answer. */
export interface WidgetPublicConfig {
  color: string;
  greeting: { ar: string; en: string };
  position: "start" | "end";
  prechat: WidgetSettings["prechat"];
  offlineMode: "message" | "hidden";
  online: boolean;
}

/** A chat message as a visitor sees it (never an internal note). */
export interface VisitorMessage {
  id: number;
  seq: number;
  clientId: string | null;
  from: "visitor" | "agent";
  body: string;
  authorName: string | null;
  attachments: VisitorAttachment[];
  createdAt: string;
}

/** A file a visitor sent, as the widget lists it. */
export interface VisitorAttachment {
  id: number;
  name: string;
  contentType: string;
  size: number;
}

/** A visitor's session with the widget. */
export interface VisitorSession {
  token: string;
  expiresAt: string;
  conversationId: number | null;
  /** Whether the visitor gave the pre-chat details (or was identified by the host). */
  known: boolean;
  verified: boolean;
  agentReadSeq: number;
}

/** Frames a visitor's socket sends. */
export type ChatClientFrame =
  | { type: "hello"; lastSeq: number }
  | { type: "message"; clientId: string; body: string; attachmentIds?: number[] }
  | { type: "typing"; typing: boolean }
  | { type: "read"; seq: number }
  | { type: "ping" };

/** Frames the server sends to a visitor's socket. */
export type ChatServerFrame =
  | { type: "ready"; conversationId: number | null; lastSeq: number; agentReadSeq: number }
  | { type: "ack"; clientId: string; seq: number; message: VisitorMessage }
  | { type: "message"; message: VisitorMessage }
  | { type: "typing"; name: string | null; typing: boolean }
  | { type: "read"; seq: number }
  | { type: "pong" }
  | { type: "error"; code: string; message: string; clientId?: string; retryAfterMs?: number };
