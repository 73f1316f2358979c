import type { ConversationDetail, Message } from "@khidma/contracts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type ConversationPatch, conversationsApi } from "../../api/endpoints";
import { queryKeys } from "../../api/query-keys";
import { useFallbackInterval } from "../../realtime/LiveProvider";

/** Never load more than this many pages of messages for one timeline. */
const MAX_MESSAGE_PAGES = 20;

/** One conversation with its contact. */
export function useConversation(id: number) {
  return useQuery({
    queryKey: queryKeys.conversation(id),
    queryFn: () => conversationsApi.get(id),
    // Live updates keep it fresh; polling only while the socket is down.
    refetchInterval: useFallbackInterval(30_000),
  });
}

/** All messages of a conversation, oldest first (pages are followed to the end). */
export function useMessages(id: number) {
  return useQuery({
    queryKey: queryKeys.messages(id),
    queryFn: async () => {
      const all: Message[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < MAX_MESSAGE_PAGES; page++) {
        const result = await conversationsApi.messages(id, cursor);
        all.push(...result.items);
        if (!result.nextCursor) break;
        cursor = result.nextCursor;
      }
      return all;
    },
    refetchInterval: useFallbackInterval(15_000),
  });
}

/** Status, assignment and tag changes, for the timeline. */
export function useConversationEvents(id: number) {
  return useQuery({
    queryKey: queryKeys.conversationEvents(id),
    queryFn: async () => (await conversationsApi.events(id)).items,
    refetchInterval: useFallbackInterval(30_000),
    // Older servers may not have the endpoint; the timeline still shows messages.
    meta: { silent: true },
  });
}

/** Refreshes everything a change to a conversation can affect. */
export function useRefreshConversation(id: number) {
  const queryClient = useQueryClient();
  return async (detail?: ConversationDetail) => {
    if (detail) queryClient.setQueryData(queryKeys.conversation(id), detail);
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: queryKeys.conversation(id) }),
      queryClient.invalidateQueries({ queryKey: queryKeys.conversations }),
      queryClient.invalidateQueries({ queryKey: queryKeys.notifications }),
    ]);
  };
}

/** PATCH a conversation (status, priority, type, team, tags…). */
export function useUpdateConversation(id: number) {
  const refresh = useRefreshConversation(id);
  return useMutation({
    mutationFn: (patch: ConversationPatch) => conversationsApi.update(id, patch),
    onSuccess: (detail) => refresh(detail),
  });
}

/** Assign (or transfer) a conversation to an agent, optionally with a team and reason. */
export function useAssignConversation(id: number) {
  const refresh = useRefreshConversation(id);
  return useMutation({
    mutationFn: (body: { assigneeId: number | null; teamId?: number | null; reason?: string }) =>
      conversationsApi.assign(id, body),
    onSuccess: (detail) => refresh(detail),
  });
}
