import type {
  ApiToken,
  AuditEvent,
  Contact,
  ConversationDetail,
  ConversationStatus,
  ConversationSummary,
  ConversationType,
  Invitation,
  Language,
  Me,
  Message,
  MessageKind,
  Notification,
  Page,
  Priority,
  Role,
  SearchResults,
  Team,
  UserSummary,
} from "@khidma/contracts";
import { api } from "./client";

/** A session as the login, invitation and /auth/me endpoints return it. */
export interface SessionPayload {
  user: Me;
  csrfToken: string | null;
}

/** Inbox views of GET /conversations. */
export type InboxView = "mine" | "unassigned" | "all";

/** Sidebar counts. */
export interface ConversationCounts {
  mine: number;
  unassigned: number;
  all: number;
  byStatus: Partial<Record<ConversationStatus, number>>;
  /** Solved and closed counts stop here: a count equal to it means "at least". */
  cap?: number;
}

/** Filters of the conversation list. */
export interface ConversationQuery {
  view: InboxView;
  status?: ConversationStatus | undefined;
  assigneeId?: number | undefined;
  teamId?: number | undefined;
  tag?: string | undefined;
  contactId?: number | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}

/** Editable fields of a conversation. */
export interface ConversationPatch {
  subject?: string;
  status?: ConversationStatus;
  priority?: Priority;
  type?: ConversationType | null;
  language?: Language | null;
  assigneeId?: number | null;
  teamId?: number | null;
  tags?: string[];
  reason?: string;
}

/** A bulk change on several conversations. */
export interface BulkChange {
  ids: number[];
  status?: ConversationStatus;
  assigneeId?: number | null;
  addTags?: string[];
  removeTags?: string[];
}

/** Authentication and the signed-in user. */
export const authApi = {
  me: () => api.get<SessionPayload>("/auth/me"),
  login: (body: { email: string; password: string; totp?: string }) =>
    api.post<SessionPayload>("/auth/login", body),
  logout: () => api.post<void>("/auth/logout"),
  logoutAll: () => api.post<void>("/auth/logout-all"),
  updateMe: (body: {
    name?: string;
    language?: Language | null;
    currentPassword?: string;
    newPassword?: string;
  }) => api.patch<SessionPayload | { user: Me } | Me>("/auth/me", body),
  totpSetup: () => api.post<{ secret: string; otpauthUrl: string }>("/auth/totp/setup"),
  totpEnable: (code: string) => api.post<unknown>("/auth/totp/enable", { code }),
  totpDisable: (password: string) => api.post<unknown>("/auth/totp/disable", { password }),
};

/** People, teams, invitations and API tokens. */
export const peopleApi = {
  users: () => api.get<{ items: UserSummary[] }>("/users"),
  updateUser: (id: number, body: { name?: string; role?: Role; disabled?: boolean }) =>
    api.patch<UserSummary>(`/users/${id}`, body),
  invitations: () => api.get<{ items: Invitation[] }>("/invitations"),
  invite: (body: { email: string; role: Role; name?: string }) =>
    api.post<{ invitation: Invitation; url: string }>("/invitations", body),
  revokeInvitation: (id: number) => api.del(`/invitations/${id}`),
  lookupInvitation: (token: string) =>
    api.get<{ email: string; role: Role; accountName: string }>(
      `/invitations/lookup/${encodeURIComponent(token)}`,
    ),
  acceptInvitation: (body: { token: string; name: string; password: string }) =>
    api.post<SessionPayload>("/invitations/accept", body),
  teams: () => api.get<{ items: Team[] }>("/teams"),
  createTeam: (body: { name: string; memberIds?: number[] }) => api.post<Team>("/teams", body),
  updateTeam: (id: number, body: { name?: string; memberIds?: number[] }) =>
    api.patch<Team>(`/teams/${id}`, body),
  deleteTeam: (id: number) => api.del(`/teams/${id}`),
  apiTokens: () => api.get<{ items: ApiToken[] }>("/api-tokens"),
  createApiToken: (name: string) => api.post<{ apiToken: ApiToken; token: string }>("/api-tokens", { name }),
  revokeApiToken: (id: number) => api.del(`/api-tokens/${id}`),
  auditLog: (query: { subjectType?: string; subjectId?: number; cursor?: string; limit?: number }) =>
    api.get<Page<AuditEvent>>("/events", query),
};

/** Conversations, messages and contacts. */
export const conversationsApi = {
  list: (query: ConversationQuery) => api.get<Page<ConversationSummary>>("/conversations", { ...query }),
  counts: () => api.get<ConversationCounts>("/conversations/counts"),
  get: (id: number) => api.get<ConversationDetail>(`/conversations/${id}`),
  update: (id: number, body: ConversationPatch) =>
    api.patch<ConversationDetail>(`/conversations/${id}`, body),
  assign: (id: number, body: { assigneeId: number | null; teamId?: number | null; reason?: string }) =>
    api.post<ConversationDetail>(`/conversations/${id}/assign`, body),
  bulk: (body: BulkChange) => api.post<{ updated: number }>("/conversations/bulk", body),
  messages: (id: number, cursor?: string) =>
    api.get<Page<Message>>(`/conversations/${id}/messages`, { cursor, limit: 100 }),
  send: (id: number, body: { body: string; kind: Exclude<MessageKind, "inbound"> }) =>
    api.post<Message>(`/conversations/${id}/messages`, body),
  events: (id: number) => api.get<{ items: AuditEvent[] }>(`/conversations/${id}/events`),
  contact: (id: number) => api.get<Contact>(`/contacts/${id}`),
  contactConversations: (id: number) =>
    api.get<Page<ConversationSummary>>(`/contacts/${id}/conversations`, { limit: 20 }),
};

/** Search and notifications. */
export const miscApi = {
  search: (q: string, type: "all" | "conversations" | "contacts" = "all") =>
    api.get<SearchResults>("/search", { q, type, limit: 20 }),
  notifications: () => api.get<Page<Notification>>("/notifications", { limit: 30 }),
  readNotification: (id: number) => api.post<unknown>(`/notifications/${id}/read`),
  readAllNotifications: () => api.post<unknown>("/notifications/read-all"),
};
