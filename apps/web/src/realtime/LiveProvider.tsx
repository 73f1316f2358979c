import { useQueryClient } from "@tanstack/react-query";
import { createContext, type ReactNode, useContext, useEffect, useMemo, useState } from "react";
import { applyFrame, refetchAfterGap } from "./live-cache";
import { type LiveFrame, LiveSocket, type LiveState, liveUrl } from "./live-socket";

/** An agent's presence. */
export type Presence = "online" | "away" | "offline";
/** Someone with a conversation open. */
export interface Viewer {
  userId: number;
  typing: boolean;
}

interface LiveContextValue {
  socket: LiveSocket | null;
  state: LiveState;
  presence: ReadonlyMap<number, Presence>;
  viewers: ReadonlyMap<number, Viewer[]>;
  /** Conversations whose customer is typing in the chat widget right now. */
  customerTyping: ReadonlySet<number>;
}

/** A widget that stopped sending typing frames (closed, went away) stops counting after this. */
const CUSTOMER_TYPING_MS = 8_000;

const LiveContext = createContext<LiveContextValue>({
  socket: null,
  state: "down",
  presence: new Map(),
  viewers: new Map(),
  customerTyping: new Set(),
});

/**
 * Holds the agent's live socket while they are signed in and feeds its frames
 * into the query cache, the presence of the team and the viewers of open
 * conversations.
 */
export function LiveProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [socket] = useState(() => new LiveSocket(liveUrl()));
  const [state, setState] = useState<LiveState>(socket.state);
  const [presence, setPresence] = useState<ReadonlyMap<number, Presence>>(new Map());
  const [viewers, setViewers] = useState<ReadonlyMap<number, Viewer[]>>(new Map());
  const [customerTyping, setCustomerTyping] = useState<ReadonlySet<number>>(new Set());

  useEffect(() => {
    let wasDown = false;
    const typingTimers = new Map<number, ReturnType<typeof setTimeout>>();
    const setTyping = (conversationId: number, typing: boolean) => {
      clearTimeout(typingTimers.get(conversationId));
      typingTimers.delete(conversationId);
      if (typing) {
        typingTimers.set(
          conversationId,
          setTimeout(() => setTyping(conversationId, false), CUSTOMER_TYPING_MS),
        );
      }
      setCustomerTyping((old) => {
        if (old.has(conversationId) === typing) return old;
        const next = new Set(old);
        if (typing) next.add(conversationId);
        else next.delete(conversationId);
        return next;
      });
    };
    const offState = socket.onState((next) => {
      setState(next);
      if (next === "open" && wasDown) refetchAfterGap(queryClient);
      if (next !== "open" && next !== "connecting") wasDown = true;
    });
    const offFrame = socket.onFrame((frame: LiveFrame) => {
      switch (frame.type) {
        case "hello": {
          const list = (frame.data as { presence: { userId: number; status: Presence }[] }).presence;
          setPresence(new Map(list.map((p) => [p.userId, p.status])));
          return;
        }
        case "presence.updated": {
          const { userId, status } = frame.data as { userId: number; status: Presence };
          setPresence((old) => new Map(old).set(userId, status));
          return;
        }
        case "conversation.viewers": {
          const data = frame.data as { conversationId: number; viewers: Viewer[] };
          setViewers((old) => new Map(old).set(data.conversationId, data.viewers));
          return;
        }
        case "chat.visitor_typing": {
          const data = frame.data as { conversationId: number; typing: boolean };
          setTyping(data.conversationId, data.typing === true);
          return;
        }
        default:
          // A customer's message ends their typing.
          if (frame.type === "message.created") {
            const data = frame.data as { conversationId: number; message?: { kind?: string } };
            if (data.message?.kind === "inbound") setTyping(data.conversationId, false);
          }
          applyFrame(queryClient, frame);
      }
    });
    socket.start();
    return () => {
      for (const timer of typingTimers.values()) clearTimeout(timer);
      offState();
      offFrame();
      socket.stop();
    };
  }, [socket, queryClient]);

  const value = useMemo(
    () => ({ socket, state, presence, viewers, customerTyping }),
    [socket, state, presence, viewers, customerTyping],
  );
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

/** The live socket and what it knows. */
export function useLive(): LiveContextValue {
  return useContext(LiveContext);
}

/** A polling interval for queries: none while the socket is live, `ms` while it is down. */
export function useFallbackInterval(ms: number): number | false {
  return useLive().state === "open" ? false : ms;
}

/** An agent's presence; offline when unknown. */
export function usePresenceOf(userId: number | null | undefined): Presence {
  const { presence } = useLive();
  return userId == null ? "offline" : (presence.get(userId) ?? "offline");
}

/** Whether the customer of a conversation is typing in the chat widget. */
export function useCustomerTyping(conversationId: number): boolean {
  return useLive().customerTyping.has(conversationId);
}
