import type { ChatServerFrame, VisitorMessage, WidgetWithSecret } from "@khidma/contracts";
import WebSocket from "ws";
import { call, type TestApp, type TestUser } from "../../test/harness";

/** Creates a widget through the API. */
export async function makeWidget(t: TestApp, admin: TestUser, payload: Record<string, unknown> = {}) {
  const res = await call<WidgetWithSecret>(t.app, {
    method: "POST",
    url: "/api/v1/widgets",
    headers: admin.headers,
    payload: { name: "Shop", ...payload },
  });
  if (res.status !== 201) throw new Error(`widget not created: ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Starts a visitor session through the API; returns its token. */
export async function startSession(t: TestApp, key: string, headers: Record<string, string> = {}) {
  const res = await call<{ token: string; conversationId: number | null }>(t.app, {
    method: "POST",
    url: "/api/v1/widget/session",
    headers,
    payload: { key },
  });
  if (res.status !== 200) throw new Error(`session not started: ${JSON.stringify(res.body)}`);
  return res.body.token;
}

/**
 * A visitor client with the widget's delivery rules: every message has a
 * client id and stays in the outbox until acked; on (re)connect it says
 * hello with its last sequence number and resends the outbox in order.
 * Messages are kept by sequence number, so replays never duplicate.
 */
export class ChatTestClient {
  socket: WebSocket | null = null;
  readonly bySeq = new Map<number, VisitorMessage>();
  readonly outbox: { clientId: string; body: string }[] = [];
  readonly frames: ChatServerFrame[] = [];
  readonly closes: number[] = [];
  lastSeq = 0;
  private readyWaiters: (() => void)[] = [];
  private changeWaiters: (() => void)[] = [];

  constructor(
    private readonly url: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  /** Opens a socket, says hello and resends the outbox; resolves on `ready`. */
  connect(): Promise<void> {
    this.ready = false;
    const socket = new WebSocket(this.url, { headers: this.headers });
    this.socket = socket;
    socket.on("message", (raw) => this.onFrame(JSON.parse(String(raw)) as ChatServerFrame));
    socket.on("close", (code) => {
      this.closes.push(code);
      this.notify();
      // Over a limit or after a server fault, come back and resend in order.
      if ((code === 4429 || code === 1011 || code === 1013) && this.socket === socket) {
        const wait = [...this.frames].reverse().find((f) => f.type === "error" && f.retryAfterMs);
        const ms = wait?.type === "error" ? (wait.retryAfterMs ?? 50) : 50;
        setTimeout(() => void this.connect().catch(() => undefined), Math.min(ms, 5000));
      }
    });
    socket.on("error", () => undefined);
    return new Promise((resolve, reject) => {
      socket.once("open", () => {
        socket.send(JSON.stringify({ type: "hello", lastSeq: this.lastSeq }));
        for (const m of this.outbox) socket.send(JSON.stringify({ type: "message", ...m }));
        this.readyWaiters.push(resolve);
      });
      socket.once("close", (code) => reject(new Error(`closed ${code}`)));
    });
  }

  /** Queues a message and sends it when connected. */
  send(clientId: string, body: string): void {
    this.outbox.push({ clientId, body });
    if (this.socket?.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify({ type: "message", clientId, body }));
    }
  }

  /** Sends a raw frame. */
  raw(data: string | Buffer): void {
    this.socket?.send(data);
  }

  /** Cuts the connection abruptly (no close handshake). */
  cut(): void {
    this.ready = false;
    this.socket?.terminate();
    this.socket = null;
  }

  /** Resolves once the condition holds, re-checked after every frame. */
  async until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) {
        throw new Error(
          `timed out waiting for the chat client: ${JSON.stringify(this.frames.slice(-3)).slice(0, 500)}`,
        );
      }
      await new Promise<void>((resolve) => {
        this.changeWaiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  /** The messages held, in sequence order. */
  messages(): VisitorMessage[] {
    return [...this.bySeq.values()].sort((a, b) => a.seq - b.seq);
  }

  // The last sequence number moves only on `ready` and on live messages after
  // it: a message that overtakes a replay must not make the replay's rest look seen.
  private ready = false;
  private keep(message: VisitorMessage): void {
    this.bySeq.set(message.seq, message);
    if (this.ready && message.seq > this.lastSeq) this.lastSeq = message.seq;
  }

  private onFrame(frame: ChatServerFrame): void {
    this.frames.push(frame);
    if (frame.type === "ack") {
      const i = this.outbox.findIndex((m) => m.clientId === frame.clientId);
      if (i >= 0) this.outbox.splice(i, 1);
      this.keep(frame.message);
    } else if (frame.type === "message") {
      this.keep(frame.message);
    } else if (frame.type === "ready") {
      this.ready = true;
      if (frame.lastSeq > this.lastSeq) this.lastSeq = frame.lastSeq;
      for (const done of this.readyWaiters.splice(0)) done();
    }
    this.notify();
  }

  private notify(): void {
    for (const done of this.changeWaiters.splice(0)) done();
  }
}

/** The base ws:// URL of a listening app. */
export function wsBase(t: TestApp): string {
  const address = t.app.server.address();
  if (!address || typeof address === "string") throw new Error("app is not listening");
  return `ws://127.0.0.1:${address.port}`;
}
