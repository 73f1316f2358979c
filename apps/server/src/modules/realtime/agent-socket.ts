import { randomUUID } from "node:crypto";
import type { Language } from "@khidma/contracts";
import type { WebSocket } from "ws";
import type { AppContext } from "../../app";
import type { Principal } from "../../platform/auth";
import { AppError } from "../../platform/errors";
import { t } from "../../platform/i18n";
import { type ChosenStatus, presenceOf } from "../../platform/presence";
import {
  accountRoom,
  conversationRoom,
  hubReady,
  type RealtimeMessage,
  userRoom,
} from "../../platform/realtime";
import { getConversation } from "../conversations/conversations.service";
import { routeWaiting } from "../routing/routing.service";
import { type AgentFrame, type FrameProblem, parseFrame } from "./realtime.frames";

/** Close codes of the agent socket beyond the standard ones. */
export const CLOSE = {
  unauthorized: 4401,
  forbiddenOrigin: 4403,
  policy: 1008,
  slowConsumer: 1013,
  goingAway: 1001,
} as const;

/** Conversations one socket may watch at once. */
export const MAX_ROOMS = 20;
/** A socket whose unsent data passes this is too slow to keep up and is closed. */
const MAX_BUFFERED_BYTES = 1024 * 1024;
// Token bucket: bursts of BURST frames, REFILL_PER_SEC on average.
const BURST = 40;
const REFILL_PER_SEC = 10;
/** After this many refused frames the socket is closed as abusive. */
const MAX_STRIKES = 50;
/** Every this many heartbeats the session is checked again, so signing out (or being disabled) ends the socket. */
const REVALIDATE_EVERY = 4;

interface Log {
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Publishes who has a conversation open and who types in it, to its room. */
export async function publishViewers(ctx: AppContext, accountId: number, conversationId: number) {
  const viewers = await presenceOf(ctx.hub).viewers(accountId, conversationId);
  await ctx.hub.publish(conversationRoom(accountId, conversationId), {
    type: "conversation.viewers",
    accountId,
    data: { conversationId, viewers },
  });
}

/** Tells the account an agent's presence changed. */
export async function publishPresence(ctx: AppContext, accountId: number, userId: number) {
  const status = await presenceOf(ctx.hub).statusOf(accountId, userId);
  await ctx.hub.publish(accountRoom(accountId), {
    type: "presence.updated",
    accountId,
    data: { userId, status },
  });
}

/**
 * One agent's socket: forwards the live updates of their account, their own
 * room and the conversations they open; keeps their presence and viewer
 * entries fresh; answers every frame it cannot use with an error frame.
 */
export class AgentConnection {
  readonly id = randomUUID();
  /** Whether a pong (or any frame) came since the last heartbeat. */
  alive = true;
  private readonly unsubscribers = new Map<string, () => void>();
  private readonly viewing = new Set<number>();
  private tokens = BURST;
  private lastRefill = Date.now();
  private strikes = 0;
  private beats = 0;
  private closed = false;
  // Frames are handled one after another, so "subscribe" then "typing" keep their order.
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: AppContext,
    private readonly socket: WebSocket,
    private readonly principal: Principal,
    private readonly lang: Language,
    private readonly log: Log,
    /** Resolves the socket's credentials again; null once they no longer sign anyone in. */
    private readonly revalidate: () => Promise<{ userId: number } | null> = async () => principal,
  ) {}

  private get accountId() {
    return this.principal.accountId;
  }
  private get userId() {
    return this.principal.userId;
  }

  /** Joins the account and user rooms, marks the agent present and greets the app. */
  async start(): Promise<void> {
    this.socket.on("message", (data, isBinary) => this.onRaw(data, isBinary));
    this.socket.on("pong", () => {
      this.alive = true;
    });
    this.socket.on("close", () => void this.stop());
    this.socket.on("error", (err) => this.log.warn({ err }, "agent socket error"));
    this.listen(accountRoom(this.accountId));
    this.listen(userRoom(this.accountId, this.userId));
    const presence = presenceOf(this.ctx.hub);
    const wasOffline = (await presence.statusOf(this.accountId, this.userId)) === "offline";
    await presence.connect(this.accountId, this.userId, this.id);
    if (wasOffline) await publishPresence(this.ctx, this.accountId, this.userId);
    const statuses = await presence.statuses(this.accountId);
    if (wasOffline && statuses.get(this.userId) === "online")
      handOutWaiting(this.ctx, this.accountId, this.log);
    // Hello means "listening": on Redis, once the room subscriptions are confirmed.
    await hubReady(this.ctx.hub);
    this.send({
      type: "hello",
      data: {
        userId: this.userId,
        presence: [...statuses].map(([userId, status]) => ({ userId, status })),
      },
    });
  }

  /** Heartbeat: drops a socket that did not answer the last ping, else pings and refreshes its entries. */
  async heartbeat(): Promise<void> {
    if (this.closed) return;
    if (!this.alive) {
      this.socket.terminate();
      return;
    }
    this.alive = false;
    this.socket.ping();
    this.beats += 1;
    if (this.beats % REVALIDATE_EVERY === 0) {
      const now = await this.revalidate();
      if (!now || now.userId !== this.userId) {
        this.socket.close(CLOSE.unauthorized, "signed out");
        return;
      }
    }
    const presence = presenceOf(this.ctx.hub);
    await presence.connect(this.accountId, this.userId, this.id);
    for (const conversationId of this.viewing) {
      await presence.view(this.accountId, conversationId, this.userId, this.id, false);
    }
  }

  /** Closes the socket with a code, e.g. when the server shuts down. */
  close(code: number, reason: string): void {
    this.socket.close(code, reason);
  }

  private listen(room: string): void {
    if (this.unsubscribers.has(room)) return;
    this.unsubscribers.set(
      room,
      this.ctx.hub.subscribe(room, (message: RealtimeMessage) => {
        if (message.accountId !== this.accountId) return;
        this.send({ type: message.type, data: message.data });
      }),
    );
  }

  private unlisten(room: string): void {
    this.unsubscribers.get(room)?.();
    this.unsubscribers.delete(room);
  }

  private send(frame: { type: string; [key: string]: unknown }): void {
    if (this.closed || this.socket.readyState !== this.socket.OPEN) return;
    if (this.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.socket.close(CLOSE.slowConsumer, "slow consumer");
      return;
    }
    this.socket.send(JSON.stringify(frame));
  }

  private sendError(code: string, key: string, params: Record<string, string | number> = {}): void {
    this.send({ type: "error", error: { code, message: t(this.lang, key, params) } });
  }

  private takeToken(): boolean {
    const now = Date.now();
    this.tokens = Math.min(BURST, this.tokens + ((now - this.lastRefill) / 1000) * REFILL_PER_SEC);
    this.lastRefill = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private strike(): void {
    this.strikes += 1;
    if (this.strikes > MAX_STRIKES) this.socket.close(CLOSE.policy, "too many bad frames");
  }

  private refuse(problem: FrameProblem): void {
    this.sendError(problem.code, `realtime.${problem.code}`, problem.params);
    this.strike();
  }

  private onRaw(data: unknown, isBinary: boolean): void {
    this.alive = true;
    if (!this.takeToken()) {
      this.sendError("rate_limited", "realtime.rate_limited");
      this.strike();
      return;
    }
    if (isBinary) {
      this.refuse({ code: "frame_invalid", params: { detail: "realtime.detail_binary" } });
      return;
    }
    const raw = Buffer.isBuffer(data)
      ? data.toString("utf8")
      : Array.isArray(data)
        ? Buffer.concat(data as Buffer[]).toString("utf8")
        : Buffer.from(data as ArrayBuffer).toString("utf8");
    const parsed = parseFrame(raw);
    if ("problem" in parsed) {
      this.refuse(parsed.problem);
      return;
    }
    this.chain = this.chain
      .then(() => this.handle(parsed.frame))
      .catch((err: unknown) => {
        if (err instanceof AppError) {
          this.sendError(err.code, `error.${err.code}`, err.params as Record<string, string | number>);
          return;
        }
        this.log.error({ err }, "agent socket frame failed");
        this.sendError("internal", "error.internal");
      });
  }

  private async handle(frame: AgentFrame): Promise<void> {
    if (this.closed) return;
    const presence = presenceOf(this.ctx.hub);
    switch (frame.type) {
      case "ping":
        this.send({ type: "pong" });
        return;
      case "subscribe": {
        const id = frame.conversationId;
        if (!this.viewing.has(id) && this.viewing.size >= MAX_ROOMS) {
          this.sendError("too_many_rooms", "realtime.too_many_rooms", { limit: MAX_ROOMS });
          return;
        }
        // 404 for a conversation of another account: rooms cannot be probed.
        await getConversation(this.ctx.db, this.accountId, id);
        this.listen(conversationRoom(this.accountId, id));
        this.viewing.add(id);
        await presence.view(this.accountId, id, this.userId, this.id, false);
        await hubReady(this.ctx.hub);
        this.send({ type: "subscribed", data: { conversationId: id } });
        await publishViewers(this.ctx, this.accountId, id);
        return;
      }
      case "unsubscribe": {
        const id = frame.conversationId;
        if (!this.viewing.delete(id)) return;
        this.unlisten(conversationRoom(this.accountId, id));
        await presence.leave(this.accountId, id, this.userId, this.id);
        this.send({ type: "unsubscribed", data: { conversationId: id } });
        await publishViewers(this.ctx, this.accountId, id);
        return;
      }
      case "typing": {
        const id = frame.conversationId;
        if (!this.viewing.has(id)) {
          this.sendError("not_subscribed", "realtime.not_subscribed");
          return;
        }
        await presence.view(this.accountId, id, this.userId, this.id, frame.typing);
        await publishViewers(this.ctx, this.accountId, id);
        return;
      }
      case "presence":
        await setPresence(this.ctx, this.accountId, this.userId, frame.status, this.log);
        return;
    }
  }

  /** Leaves every room and viewer list; announces the agent offline when this was their last socket. */
  async stop(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const off of this.unsubscribers.values()) off();
    this.unsubscribers.clear();
    try {
      const presence = presenceOf(this.ctx.hub);
      await presence.disconnect(this.accountId, this.userId, this.id);
      for (const id of this.viewing) {
        await presence.leave(this.accountId, id, this.userId, this.id);
        await publishViewers(this.ctx, this.accountId, id);
      }
      this.viewing.clear();
      if ((await presence.statusOf(this.accountId, this.userId)) === "offline") {
        await publishPresence(this.ctx, this.accountId, this.userId);
      }
    } catch (err) {
      // The hub may be closing with the server; entries then expire on their own.
      this.log.warn({ err }, "agent socket cleanup incomplete");
    }
  }
}

/** Saves the status an agent chose and tells the account. */
export async function setPresence(
  ctx: AppContext,
  accountId: number,
  userId: number,
  status: ChosenStatus,
  log: WarnLog,
): Promise<void> {
  await presenceOf(ctx.hub).choose(accountId, userId, status);
  await publishPresence(ctx, accountId, userId);
  if (status === "online") handOutWaiting(ctx, accountId, log);
}

interface WarnLog {
  warn(obj: object, msg?: string): void;
}

/**
 * An agent came online: conversations that waited for one are handed out,
 * in the background (the socket or request does not wait for it).
 */
function handOutWaiting(ctx: AppContext, accountId: number, log: WarnLog): void {
  routeWaiting(ctx, accountId).catch((err: unknown) => {
    log.warn({ err, accountId }, "waiting conversations not handed out");
  });
}
