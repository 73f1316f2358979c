import { useEffect, useRef } from "react";
import { useLive, type Viewer } from "./LiveProvider";

const NONE: Viewer[] = [];
/** Typing is announced at most this often while keys are pressed… */
const TYPING_REPEAT_MS = 3_000;
/** …and withdrawn after this long without a key. */
const TYPING_IDLE_MS = 4_000;

/** Watches a conversation while mounted; returns who has it open (the caller included). */
export function useConversationViewers(conversationId: number): Viewer[] {
  const { socket, viewers } = useLive();
  useEffect(() => {
    if (!socket || !Number.isInteger(conversationId)) return;
    return socket.watch(conversationId);
  }, [socket, conversationId]);
  return viewers.get(conversationId) ?? NONE;
}

/** Typing signals for a composer: call `typed()` on each edit and `stopped()` on send or blur. */
export function useTypingSignal(conversationId: number): { typed: () => void; stopped: () => void } {
  const { socket } = useLive();
  const lastSent = useRef(0);
  const idle = useRef<ReturnType<typeof setTimeout> | null>(null);

  const stopped = () => {
    if (idle.current) clearTimeout(idle.current);
    idle.current = null;
    if (lastSent.current === 0) return;
    lastSent.current = 0;
    socket?.send({ type: "typing", conversationId, typing: false });
  };
  const typed = () => {
    const now = Date.now();
    if (now - lastSent.current > TYPING_REPEAT_MS) {
      lastSent.current = now;
      socket?.send({ type: "typing", conversationId, typing: true });
    }
    if (idle.current) clearTimeout(idle.current);
    idle.current = setTimeout(stopped, TYPING_IDLE_MS);
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: withdraw once, when leaving the conversation
  useEffect(() => () => stopped(), [conversationId]);
  return { typed, stopped };
}
