import type { ChatServerFrame, Message } from "@khidma/contracts";
import type { WebSocket } from "ws";
import type { AppContext } from "../../app";
import { AppError } from "../../platform/errors";
import { t } from "../../platform/i18n";
import { conversationRoom, type RealtimeMessage } from "../../platform/realtime";
import { publishAfterCommit } from "../../platform/realtime-publish";
import { findVisitor, type VisitorRow } from "./chat.repo";
import { markVisitorRead, presentVisitorMessage, sendVisitorMessage, visitorHistory } from "./chat.service";
import { CHAT_LIMITS, type RateLimiter } from "./chat-limits";
import type { VisitorContext } from "./visitors.service";

/** Close codes of the visitor socket. */
export const CHAT_CLOSE = {
  unauthorized: 4401,
  forbiddenOrigin: 4403,
  notFound: 4404,
  /** Over a rate limit: reconnect after the error frame's retryAfterMs and resend in order. */
  rateLimited: 4429,
  policy: 1008,
  internal: 1011,
} as const;

/** Bytes of one frame; the WebSocket layer closes with 1009 far above this. */
const MAX_FRAME_BYTES = 16 * 1024;
/** Bad frames a socket may send before it is closed. */
const MAX_STRIKES = 20;
/** Sequence numbers are PostgreSQL ints. */
const MAX_SEQ = 2_147_483_647;
const CLIENT_ID = /^[A-Za-z0-9_-]{8,64}$/;

/**
 * One visitor's socket. Frames are handled one after another, so a visitor's
 * messages are stored in the order they were sent; each is acknowledged with
 * its sequence number. Agent replies and typing arrive from the conversation
 * room; notes never leave the server.
 */
export class VisitorConnection {
  private vc: VisitorContext;
  private unsubscribe: (() => void) | null = null;
  private room: string | null = null;
  private chain: Promise<void> = Promise.resolve();
  private strikes = 0;
  private closed = false;

  constructor(
    private readonly ctx: AppContext,
    private readonly socket: WebSocket,
    vc: VisitorContext,
    private readonly limiter: RateLimiter,
    private readonly ip: string,
    private readonly lang: "ar" | "en",
  ) {
    this.vc = vc;
    this.follow(vc.visitor);
  }

  onFrame(raw: Buffer, isBinary: boolean): void {
    if (this.closed) return;
    this.chain = this.chain
      .then(() => this.handle(raw, isBinary))
      .catch((err: unknown) => this.fail(err, undefined));
  }

  stop(): void {
    this.closed = true;
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  // Listens on the visitor's conversation room once there is a conversation.
  private follow(visitor: VisitorRow): void {
    if (visitor.conversation_id === null) return;
    const room = conversationRoom(visitor.account_id, visitor.conversation_id);
    if (room === this.room) return;
    this.unsubscribe?.();
    this.room = room;
    this.unsubscribe = this.ctx.hub.subscribe(room, (m) => this.onRoom(m));
  }

  private onRoom(m: RealtimeMessage): void {
    const data = m.data as Record<string, unknown> | null;
    if (!data || m.accountId !== this.vc.visitor.account_id) return;
    if (m.type === "message.created") {
      const message = data.message as Message | undefined;
      if (!message || message.kind === "note") return;
      this.send({ type: "message", message: presentVisitorMessage(message) });
    } else if (m.type === "typing" && typeof data.userId === "number") {
      this.send({
        type: "typing",
        name: typeof data.name === "string" ? data.name : null,
        typing: !!data.typing,
      });
    } else if (m.type === "conversation.viewers" && Array.isArray(data.viewers)) {
      const typing = (data.viewers as { typing?: boolean }[]).some((v) => v.typing === true);
      this.send({ type: "typing", name: null, typing });
    } else if (m.type === "chat.read" && data.by === "agent" && typeof data.seq === "number") {
      this.send({ type: "read", seq: data.seq });
    }
  }

  private send(frame: ChatServerFrame): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    this.socket.send(JSON.stringify(frame));
  }

  private error(
    code: string,
    key: string,
    extra: Record<string, unknown> = {},
    params: Record<string, string | number> = {},
  ): void {
    this.send({ type: "error", code, message: t(this.lang, key, params), ...extra } as ChatServerFrame);
  }

  private strike(): void {
    this.strikes += 1;
    if (this.strikes > MAX_STRIKES) this.socket.close(CHAT_CLOSE.policy, "too many bad frames");
  }

  private fail(err: unknown, clientId: string | undefined): void {
    const extra = clientId ? { clientId } : {};
    if (err instanceof AppError) {
      const key = err.detail?.startsWith("chat.") ? err.detail : `error.${err.code}`;
      const params =
        err.detail && !err.detail.startsWith("chat.") ? { ...err.params, detail: err.detail } : err.params;
      this.send({ type: "error", code: err.code, message: t(this.lang, key, params), ...extra });
      return;
    }
    this.send({ type: "error", code: "internal", message: t(this.lang, "error.internal"), ...extra });
  }

  private async handle(raw: Buffer, isBinary: boolean): Promise<void> {
    // Frames still queued when the socket went away are dropped: the client
    // resends what was not acked, in order, on its next connection.
    if (this.closed) return;
    if (isBinary || raw.length > MAX_FRAME_BYTES) {
      this.strike();
      return this.error(
        "frame_invalid",
        "chat.frame_invalid",
        {},
        { part: isBinary ? "binary" : "too large" },
      );
    }
    const frames = await this.limiter.hit(
      `vframe:${this.vc.visitor.account_id}:${this.vc.visitor.id}`,
      CHAT_LIMITS.socketFrames,
      60_000,
    );
    if (!frames.allowed) return this.refuseForNow(frames.retryAfterMs, undefined);
    let frame: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(raw.toString("utf8"));
      if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("not an object");
      frame = parsed as Record<string, unknown>;
    } catch {
      this.strike();
      return this.error("frame_invalid", "chat.frame_invalid", {}, { part: "JSON" });
    }
    switch (frame.type) {
      case "ping":
        return this.send({ type: "pong" });
      case "hello":
        return this.hello(frame);
      case "message":
        return this.message(frame);
      case "typing":
        return this.typing(frame);
      case "read":
        return this.read(frame);
      default:
        this.strike();
        return this.error("frame_invalid", "chat.frame_invalid", {}, { part: "type" });
    }
  }

  // A (re)connected client names the last sequence number it holds; it gets
  // every later message, then `ready`.
  private async hello(frame: Record<string, unknown>): Promise<void> {
    const lastSeq = frame.lastSeq;
    if (typeof lastSeq !== "number" || !Number.isInteger(lastSeq) || lastSeq < 0 || lastSeq > MAX_SEQ) {
      this.strike();
      return this.error("frame_invalid", "chat.frame_invalid", {}, { part: "lastSeq" });
    }
    const visitor = await this.refresh();
    let after = lastSeq;
    // `ready` names the last message this replay sent, not the conversation's
    // counter: one committed after the query arrives live, and a socket cut
    // before it does must not have the client believe it already holds it.
    let last = lastSeq;
    for (;;) {
      const page = await visitorHistory(this.ctx, visitor, after, 200);
      for (const message of page.items) this.send({ type: "message", message });
      const tail = page.items[page.items.length - 1];
      if (tail) last = Math.max(last, tail.seq);
      if (!tail || page.items.length < 200) break;
      after = tail.seq;
    }
    this.send({
      type: "ready",
      conversationId: visitor.conversation_id,
      lastSeq: last,
      agentReadSeq: visitor.agent_read_seq,
    });
  }

  // The visitor row again: another tab may have started a conversation.
  private async refresh(): Promise<VisitorRow> {
    const row = await findVisitor(this.ctx.db, this.vc.visitor.account_id, this.vc.visitor.id);
    if (!row) return this.vc.visitor;
    this.vc = { ...this.vc, visitor: row };
    this.follow(row);
    return row;
  }

  private async message(frame: Record<string, unknown>): Promise<void> {
    const { clientId, body, attachmentIds } = frame;
    if (typeof clientId !== "string" || !CLIENT_ID.test(clientId)) {
      this.strike();
      return this.error("frame_invalid", "chat.frame_invalid", {}, { part: "clientId" });
    }
    if (typeof body !== "string" || (attachmentIds !== undefined && !validIds(attachmentIds))) {
      this.strike();
      return this.error("frame_invalid", "chat.frame_invalid", { clientId }, { part: "body" });
    }
    const accountId = this.vc.visitor.account_id;
    for (const [key, max] of [
      [`vmsg:${accountId}:${this.vc.visitor.id}`, CHAT_LIMITS.visitorMessages],
      [`imsg:${this.ip}`, CHAT_LIMITS.ipMessages],
    ] as const) {
      const result = await this.limiter.hit(key, max, 60_000);
      if (!result.allowed) return this.refuseForNow(result.retryAfterMs, clientId);
    }
    try {
      const sent = await sendVisitorMessage(this.ctx, this.vc, {
        clientId,
        body,
        attachmentIds: attachmentIds as number[] | undefined,
        language: this.lang,
      });
      if (sent.visitor.conversation_id !== this.vc.visitor.conversation_id) {
        this.vc = { ...this.vc, visitor: sent.visitor };
        this.follow(sent.visitor);
      }
      this.send({ type: "ack", clientId, seq: sent.message.seq, message: sent.message });
    } catch (err) {
      this.fail(err, clientId);
      // A message that failed for a reason of ours is retried; the ones after
      // it must not overtake it, so the connection ends and the client resends
      // its outbox, in order, on the next.
      if (!(err instanceof AppError) || err.status >= 500) this.end(CHAT_CLOSE.internal, "retry");
    }
  }

  // Over a limit, a later message must not slip in before this one once the
  // window turns: the connection ends and the client comes back after the wait.
  private refuseForNow(retryAfterMs: number, clientId: string | undefined): void {
    this.error(
      "too_many_requests",
      "chat.rate_limited",
      { retryAfterMs, ...(clientId ? { clientId } : {}) },
      { seconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) },
    );
    this.end(CHAT_CLOSE.rateLimited, "rate limited");
  }

  private end(code: number, reason: string): void {
    this.closed = true;
    this.socket.close(code, reason);
  }

  private async typing(frame: Record<string, unknown>): Promise<void> {
    if (typeof frame.typing !== "boolean") {
      this.strike();
      return this.error("frame_invalid", "chat.frame_invalid", {}, { part: "typing" });
    }
    const { visitor } = this.vc;
    if (visitor.conversation_id === null) return;
    publishAfterCommit(this.ctx, [
      {
        rooms: [conversationRoom(visitor.account_id, visitor.conversation_id)],
        message: {
          type: "chat.visitor_typing",
          accountId: visitor.account_id,
          data: { conversationId: visitor.conversation_id, typing: frame.typing },
        },
      },
    ]);
  }

  private async read(frame: Record<string, unknown>): Promise<void> {
    const seq = frame.seq;
    if (typeof seq !== "number" || !Number.isInteger(seq) || seq < 0 || seq > MAX_SEQ) {
      this.strike();
      return this.error("frame_invalid", "chat.frame_invalid", {}, { part: "seq" });
    }
    await markVisitorRead(this.ctx, this.vc.visitor, seq);
  }
}

function validIds(value: unknown): boolean {
  return (
    Array.isArray(value) &&
    value.length <= 5 &&
    value.every((v) => typeof v === "number" && Number.isSafeInteger(v) && v > 0)
  );
}
