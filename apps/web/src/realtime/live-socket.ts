/** A frame from the server's agent socket. */
export interface LiveFrame {
  type: string;
  data?: unknown;
  error?: { code: string; message: string };
}

/** Where the socket stands: live, (re)connecting, or given up until sign-in. */
export type LiveState = "connecting" | "open" | "down" | "signed-out";

type Listener = (frame: LiveFrame) => void;

const UNAUTHORIZED = 4401;
const MIN_DELAY_MS = 1_000;
const MAX_DELAY_MS = 30_000;

/** Waits 1 s, 2 s, 4 s … up to 30 s, with jitter, so a restarted server is not stampeded. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_DELAY_MS, MIN_DELAY_MS * 2 ** Math.min(attempt, 10));
  return Math.round(base / 2 + random() * (base / 2));
}

/**
 * The agent app's one WebSocket: reconnects with backoff, re-sends the
 * conversation subscriptions after a reconnect and tells its listeners every
 * frame and every change of state.
 */
export class LiveSocket {
  private ws: WebSocket | null = null;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  private readonly listeners = new Set<Listener>();
  private readonly stateListeners = new Set<(state: LiveState) => void>();
  private readonly subscriptions = new Map<number, number>();
  state: LiveState = "connecting";

  constructor(private readonly url: string) {}

  /** Opens the socket (again). */
  start(): void {
    this.stopped = false;
    this.connect();
  }

  /** Closes the socket for good (sign-out, unmount). */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.ws?.close(1000);
    this.ws = null;
  }

  /** Listens to every frame; returns the unsubscribe function. */
  onFrame(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Listens to state changes; returns the unsubscribe function. */
  onState(listener: (state: LiveState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Sends a frame when the socket is open; drops it otherwise (state is re-sent on reconnect). */
  send(frame: Record<string, unknown>): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(frame));
  }

  /** Watches a conversation (viewers, typing, its notes) until the returned function is called. */
  watch(conversationId: number): () => void {
    const count = this.subscriptions.get(conversationId) ?? 0;
    this.subscriptions.set(conversationId, count + 1);
    if (count === 0) this.send({ type: "subscribe", conversationId });
    return () => {
      const left = (this.subscriptions.get(conversationId) ?? 1) - 1;
      if (left > 0) {
        this.subscriptions.set(conversationId, left);
        return;
      }
      this.subscriptions.delete(conversationId);
      this.send({ type: "unsubscribe", conversationId });
    };
  }

  private setState(state: LiveState): void {
    if (this.state === state) return;
    this.state = state;
    for (const listener of this.stateListeners) listener(state);
  }

  private connect(): void {
    if (this.stopped) return;
    this.setState(this.attempt === 0 ? "connecting" : "down");
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.url);
    } catch {
      this.retry();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      this.attempt = 0;
      this.setState("open");
      for (const conversationId of this.subscriptions.keys()) {
        ws.send(JSON.stringify({ type: "subscribe", conversationId }));
      }
    };
    ws.onmessage = (event) => {
      let frame: LiveFrame;
      try {
        frame = JSON.parse(String(event.data)) as LiveFrame;
      } catch {
        return;
      }
      for (const listener of this.listeners) listener(frame);
    };
    ws.onclose = (event) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.stopped) return;
      if (event.code === UNAUTHORIZED) {
        this.setState("signed-out");
        return;
      }
      this.retry();
    };
  }

  private retry(): void {
    this.setState("down");
    const delay = backoffDelay(this.attempt);
    this.attempt += 1;
    this.timer = setTimeout(() => this.connect(), delay);
  }
}

/** The socket's address on the page's own host. */
export function liveUrl(location: Location = window.location): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/api/v1/ws`;
}
