import type { ConversationDetail, Message } from "@khidma/contracts";
import { useEffect, useRef } from "react";
import { api } from "../../api/client";

/**
 * While an agent has a live chat open, tells the visitor how far it has been
 * read (their widget shows "Seen" under their last message).
 */
export function useChatReadReceipt(
  conversation: ConversationDetail | undefined,
  messages: Message[] | undefined,
) {
  const sent = useRef(0);
  const seq = messages?.reduce((top, m) => (m.kind === "inbound" && m.seq > top ? m.seq : top), 0) ?? 0;
  useEffect(() => {
    if (conversation?.channel !== "chat" || seq <= sent.current) return;
    sent.current = seq;
    api.post(`/conversations/${conversation.id}/chat-read`, { seq }).catch(() => {
      // A missed receipt is sent again with the next message.
      sent.current = 0;
    });
  }, [conversation, seq]);
}
