import type { ChatServerFrame, VisitorMessage } from "@khidma/contracts";

/** A message waiting for its ack; kept across page loads. */
export interface Pending {
  clientId: string;
  body: string;
  attachmentIds?: number[];
}

/** What the connection tells the view. */
export interface ConnectionEvents {
  messages(list: VisitorMessage[]): void;
  pending(list: Pending[]): void;
  typing(name: string | null, typing: boolean): void;
  read(seq: number): void;
  status(connected: boolean): void;
  expired(): void;
}

/** A random client id for a new message. */
export function newClientId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The visitor's socket with the delivery rules: every message waits in the
 * outbox (saved in localStorage) until the server acks it with a sequence
 * number; on each (re)connect the client says hello with the last sequence
 * number it is sure of, receives everything after it, and resends the outbox
 * in order. Messages are kept by sequence number, so nothing shows twice.
 */
export class ChatConnection {
  private socket: WebSocket | null = null;
  private readonly bySeq = new Map<number, VisitorMessage>();
  private lastSeq = 0;
  private ready = false;
  private attempt = 0;
  private retryAfter = 0;
  private stopped = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private ping: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly url: string,
    private readonly storeKey: string,
    private readonly on: ConnectionEvents,
  ) {}

  get outbox(): Pending[] {
    try {
      return JSON.parse(localStorage.getItem(this.storeKey) ?? "[]") as Pending[];
    } catch {
      return [];
    }
  }

  private saveOutbox(list: Pending[]): void {
    try {
      localStorage.setItem(this.storeKey, JSON.stringify(list));
    } catch {
      // Private mode: the outbox lives only as long as the page.
    }
    this.on.pending(list);
  }

  start(): void {
    this.stopped = false;
    this.open();
    this.on.pending(this.outbox);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.ping);
    this.socket?.close();
  }

  send(message: Pending): void {
    this.saveOutbox([...this.outbox, message]);
    this.frame({ type: "message", ...message });
  }

  typing(typing: boolean): void {
    this.frame({ type: "typing", typing });
  }

  markRead(seq: number): void {
    this.frame({ type: "read", seq });
  }

  private frame(data: object): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(data));
  }

  private open(): void {
    const socket = new WebSocket(this.url);
    this.socket = socket;
    this.ready = false;
    socket.onopen = () => {
      this.attempt = 0;
      socket.send(JSON.stringify({ type: "hello", lastSeq: this.lastSeq }));
      for (const m of this.outbox) socket.send(JSON.stringify({ type: "message", ...m }));
      clearInterval(this.ping);
      this.ping = setInterval(() => this.frame({ type: "ping" }), 25_000);
    };
    socket.onmessage = (event) => {
      try {
        this.handle(JSON.parse(String(event.data)) as ChatServerFrame);
      } catch {
        // A frame we cannot read is skipped; the next hello repairs the state.
      }
    };
    socket.onclose = (event) => {
      clearInterval(this.ping);
      this.on.status(false);
      if (this.stopped) return;
      if (event.code === 4401) return this.on.expired();
      if (event.code === 4403 || event.code === 4404) return;
      // Back off up to 30 s, with jitter so a restarted server is not stampeded.
      const backoff = Math.min(30_000, 500 * 2 ** this.attempt) * (0.5 + Math.random() / 2);
      const delay = event.code === 4429 ? Math.max(this.retryAfter, 1000) : backoff;
      this.attempt += 1;
      this.timer = setTimeout(() => this.open(), delay);
    };
  }

  private keep(message: VisitorMessage): void {
    this.bySeq.set(message.seq, { ...this.bySeq.get(message.seq), ...message });
    // A live message may overtake the replay after hello; only after `ready`
    // does the newest sequence number mean everything before it is here.
    if (this.ready && message.seq > this.lastSeq) this.lastSeq = message.seq;
  }

  private publish(): void {
    this.on.messages([...this.bySeq.values()].sort((a, b) => a.seq - b.seq));
  }

  private handle(frame: ChatServerFrame): void {
    if (frame.type === "ack") {
      this.retryAfter = 0;
      this.saveOutbox(this.outbox.filter((m) => m.clientId !== frame.clientId));
      this.keep(frame.message);
      this.publish();
    } else if (frame.type === "message") {
      this.keep(frame.message);
      this.publish();
    } else if (frame.type === "ready") {
      this.ready = true;
      if (frame.lastSeq > this.lastSeq) this.lastSeq = frame.lastSeq;
      this.on.status(true);
      this.on.read(frame.agentReadSeq);
      this.publish();
    } else if (frame.type === "typing") {
      this.on.typing(frame.name, frame.typing);
    } else if (frame.type === "read") {
      this.on.read(frame.seq);
    } else if (frame.type === "error") {
      // A refused message (too long, empty) is dropped. Over a limit or after
      // a server fault the socket closes (4429, 1011) and the outbox is resent
      // in order on the next one.
      if (frame.code === "too_many_requests") this.retryAfter = frame.retryAfterMs ?? 0;
      else if (frame.clientId && frame.code !== "internal") {
        this.saveOutbox(this.outbox.filter((m) => m.clientId !== frame.clientId));
      }
    }
  }
}
