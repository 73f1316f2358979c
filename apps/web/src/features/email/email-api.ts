import type { Inbox, Message } from "@khidma/contracts";
import { api } from "../../api/client";

/** Outgoing or incoming server settings as an admin writes them; the password is write-only. */
export interface ServerSettingsInput {
  host: string;
  port: number;
  secure?: boolean;
  user?: string | null;
  /** Omit to keep the stored password; null removes it. */
  password?: string | null;
  mailbox?: string;
}

/** The fields of POST and PATCH /inboxes. */
export interface InboxInput {
  name?: string;
  address?: string;
  signature?: string | null;
  autoAck?: boolean;
  smtp?: ServerSettingsInput | null;
  imap?: ServerSettingsInput | null;
}

/** The channel and inbox of a conversation. */
export interface ConversationInbox {
  channel: string;
  inbox: { id: number; name: string; address: string } | null;
}

/** Email inboxes (admins), the inbox of a conversation, and retrying a failed email. */
export const emailApi = {
  inboxes: () => api.get<Inbox[] | { items: Inbox[] }>("/inboxes"),
  createInbox: (body: InboxInput & { channel: "email"; name: string; address: string }) =>
    api.post<Inbox>("/inboxes", body),
  updateInbox: (id: number, body: InboxInput) => api.patch<Inbox>(`/inboxes/${id}`, body),
  disableInbox: (id: number) => api.del(`/inboxes/${id}`),
  conversationInbox: (conversationId: number) =>
    api.get<ConversationInbox>(`/conversations/${conversationId}/inbox`),
  retry: (conversationId: number, messageId: number) =>
    api.post<Message>(`/conversations/${conversationId}/messages/${messageId}/retry`),
};

/** Cache keys of the email features. */
export const emailKeys = {
  inboxes: ["inboxes"] as const,
  conversationInbox: (id: number) => ["conversation", id, "inbox"] as const,
};

/** GET /inboxes answers a list or a page; the screens want the list. */
export function inboxList(data: Inbox[] | { items: Inbox[] } | undefined): Inbox[] {
  if (!data) return [];
  return Array.isArray(data) ? data : data.items;
}
