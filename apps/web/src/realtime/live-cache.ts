import type { ConversationDetail, ConversationSummary, Message } from "@khidma/contracts";
import type { QueryClient } from "@tanstack/react-query";
import { queryKeys } from "../api/query-keys";
import type { LiveFrame } from "./live-socket";

/**
 * Puts a live update into the query cache: a new message is appended to its
 * conversation's timeline (once), an email's delivery state replaces the one
 * its message showed, a changed conversation is merged into its
 * open page, and the lists, counts and timeline events that a change can
 * move are refetched, since their filters live on the server.
 */
export function applyFrame(queryClient: QueryClient, frame: LiveFrame): void {
  switch (frame.type) {
    case "message.created": {
      const { conversationId, message } = frame.data as { conversationId: number; message: Message };
      queryClient.setQueryData<Message[]>(queryKeys.messages(conversationId), (old) => {
        if (!old || old.some((m) => m.id === message.id)) return old;
        return [...old, message];
      });
      return;
    }
    case "message.delivery": {
      const { conversationId, messageId, deliveryState, deliveryError, deliveredAt } = frame.data as {
        conversationId: number;
        messageId: number;
      } & Pick<Message, "deliveryState" | "deliveryError" | "deliveredAt">;
      queryClient.setQueryData<Message[]>(queryKeys.messages(conversationId), (old) =>
        old?.map((m) => (m.id === messageId ? { ...m, deliveryState, deliveryError, deliveredAt } : m)),
      );
      return;
    }
    case "conversation.created":
    case "conversation.updated": {
      const { conversation } = frame.data as { conversation: ConversationSummary };
      const key = queryKeys.conversation(conversation.id);
      const before = queryClient.getQueryData<ConversationDetail>(key);
      queryClient.setQueryData<ConversationDetail>(key, (old) => (old ? { ...old, ...conversation } : old));
      // A channel that announces only the conversation (an inbound email) still moves its timeline.
      if (before && before.lastMessageAt !== conversation.lastMessageAt) {
        void queryClient.invalidateQueries({ queryKey: queryKeys.messages(conversation.id) });
      }
      void queryClient.invalidateQueries({ queryKey: queryKeys.conversations });
      void queryClient.invalidateQueries({ queryKey: queryKeys.conversationEvents(conversation.id) });
      return;
    }
    case "notification.created":
      void queryClient.invalidateQueries({ queryKey: queryKeys.notifications });
      return;
  }
}

/** After a reconnect: refetch what may have changed while the socket was down. */
export function refetchAfterGap(queryClient: QueryClient): void {
  void queryClient.invalidateQueries({ queryKey: queryKeys.conversations });
  void queryClient.invalidateQueries({ queryKey: ["conversation"] });
  void queryClient.invalidateQueries({ queryKey: queryKeys.notifications });
}
