import type { ConversationQuery } from "./endpoints";

/** Cache keys of TanStack Query, in one place so invalidations stay consistent. */
export const queryKeys = {
  session: ["session"] as const,
  users: ["users"] as const,
  teams: ["teams"] as const,
  invitations: ["invitations"] as const,
  apiTokens: ["api-tokens"] as const,
  auditLog: (filters: { subjectType?: string; subjectId?: number }) => ["audit-log", filters] as const,
  conversations: ["conversations"] as const,
  conversationList: (query: Omit<ConversationQuery, "cursor">) => ["conversations", "list", query] as const,
  counts: ["conversations", "counts"] as const,
  conversation: (id: number) => ["conversation", id] as const,
  messages: (id: number) => ["conversation", id, "messages"] as const,
  conversationEvents: (id: number) => ["conversation", id, "events"] as const,
  contact: (id: number) => ["contact", id] as const,
  contactConversations: (id: number) => ["contact", id, "conversations"] as const,
  search: (q: string) => ["search", q] as const,
  notifications: ["notifications"] as const,
};
