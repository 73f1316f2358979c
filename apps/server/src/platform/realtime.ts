import type { Redis } from "ioredis";
import { lazyPackage } from "./lazy";

const ioredis = lazyPackage<typeof import("ioredis")>("ioredis");

/** One live update: its type, the account it belongs to and its payload. */
export interface RealtimeMessage {
  type: string;
  accountId: number;
  data: unknown;
}

/**
 * Fans live updates out to the sockets of every node. Rooms are named
 * `account:${accountId}`, `conversation:${accountId}:${conversationId}` and
 * `user:${accountId}:${userId}` (see the room helpers below).
 */
export interface RealtimeHub {
  /** Fans a message out to every subscriber of the room on every node. */
  publish(room: string, message: RealtimeMessage): Promise<void>;
  /** Listens on a room on this node; returns the unsubscribe function. */
  subscribe(room: string, listener: (message: RealtimeMessage) => void): () => void;
  close(): Promise<void>;
}

/** The smallest logger the hub needs (pino's fits). */
export interface HubLogger {
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Room of everything in an account. */
export const accountRoom = (accountId: number) => `account:${accountId}`;
/** Room of one conversation. */
export const conversationRoom = (accountId: number, conversationId: number) =>
  `conversation:${accountId}:${conversationId}`;
/** Room of one user (their notifications and assignments). */
export const userRoom = (accountId: number, userId: number) => `user:${accountId}:${userId}`;

/** Redis channels carry this prefix so the hub shares a Redis with other uses. */
const CHANNEL_PREFIX = "khidma:rt:";

type Listener = (message: RealtimeMessage) => void;

/** Local rooms: listeners per room on this node, and the delivery to them. */
class LocalRooms {
  private readonly rooms = new Map<string, Set<Listener>>();
  constructor(private readonly logger: HubLogger | undefined) {}

  /** Adds a listener; returns whether it was the room's first (so Redis must subscribe). */
  add(room: string, listener: Listener): boolean {
    let set = this.rooms.get(room);
    const first = !set;
    if (!set) {
      set = new Set();
      this.rooms.set(room, set);
    }
    set.add(listener);
    return first;
  }

  /** Removes a listener; returns whether the room is now empty (so Redis may unsubscribe). */
  remove(room: string, listener: Listener): boolean {
    const set = this.rooms.get(room);
    if (!set) return false;
    set.delete(listener);
    if (set.size > 0) return false;
    this.rooms.delete(room);
    return true;
  }

  deliver(room: string, message: RealtimeMessage): void {
    const set = this.rooms.get(room);
    if (!set) return;
    // A copy: a listener may unsubscribe (itself or others) while we iterate.
    for (const listener of [...set]) {
      try {
        listener(message);
      } catch (err) {
        // One broken listener must not keep the message from the others.
        this.logger?.error({ err, room }, "realtime listener failed");
      }
    }
  }

  clear(): void {
    this.rooms.clear();
  }
}

/** The hub of a single process: publish delivers to this node's listeners. */
class InProcessHub implements RealtimeHub {
  private readonly local: LocalRooms;
  constructor(logger: HubLogger | undefined) {
    this.local = new LocalRooms(logger);
  }
  async publish(room: string, message: RealtimeMessage): Promise<void> {
    // Asynchronous like the Redis hub, so callers never depend on delivery
    // happening inside their own call stack.
    queueMicrotask(() => this.local.deliver(room, message));
  }
  subscribe(room: string, listener: Listener): () => void {
    this.local.add(room, listener);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.local.remove(room, listener);
    };
  }
  async close(): Promise<void> {
    this.local.clear();
  }
}

/**
 * The hub of several nodes: every publish goes through Redis pub/sub, and each
 * node subscribes to a Redis channel only while a local listener is on it, so
 * a node receives just the rooms its sockets watch. Delivery is at most once,
 * as Redis pub/sub is: clients re-read state after a reconnect.
 */
class RedisHub implements RealtimeHub {
  private readonly local: LocalRooms;
  private closed = false;
  constructor(
    readonly commands: Redis,
    private readonly sub: Redis,
    private readonly logger: HubLogger | undefined,
  ) {
    this.local = new LocalRooms(logger);
    sub.on("message", (channel: string, raw: string) => {
      if (!channel.startsWith(CHANNEL_PREFIX)) return;
      let message: RealtimeMessage;
      try {
        message = JSON.parse(raw) as RealtimeMessage;
      } catch (err) {
        logger?.warn({ err, channel }, "realtime message is not JSON");
        return;
      }
      this.local.deliver(channel.slice(CHANNEL_PREFIX.length), message);
    });
  }

  async publish(room: string, message: RealtimeMessage): Promise<void> {
    if (this.closed) return;
    await this.commands.publish(CHANNEL_PREFIX + room, JSON.stringify(message));
  }

  subscribe(room: string, listener: Listener): () => void {
    if (this.local.add(room, listener)) {
      this.sub.subscribe(CHANNEL_PREFIX + room).catch((err: unknown) => {
        this.logger?.error({ err, room }, "realtime subscribe failed");
      });
    }
    let done = false;
    return () => {
      if (done) return;
      done = true;
      if (this.local.remove(room, listener) && !this.closed) {
        this.sub.unsubscribe(CHANNEL_PREFIX + room).catch((err: unknown) => {
          this.logger?.warn({ err, room }, "realtime unsubscribe failed");
        });
      }
    };
  }

  /** Resolves once Redis has confirmed every pending subscription (for tests and start-up). */
  async ready(): Promise<void> {
    await this.sub.ping();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.local.clear();
    await Promise.allSettled([this.commands.quit(), this.sub.quit()]);
  }
}

/** Opens a Redis connection that retries with a capped backoff and reports its errors to the log. */
export function connectRedis(url: string, logger?: HubLogger, name = "redis"): Redis {
  const client = new (ioredis().Redis)(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 3,
    retryStrategy: (times) => Math.min(times * 200, 5000),
  });
  client.on("error", (err: unknown) => logger?.warn({ err, name }, "redis connection error"));
  return client;
}

/**
 * Creates the hub: in-process when no Redis URL is given, Redis pub/sub
 * otherwise, so several server processes share live updates.
 */
export async function createHub(opts: {
  redisUrl?: string | null;
  logger?: HubLogger;
}): Promise<RealtimeHub> {
  if (!opts.redisUrl) return new InProcessHub(opts.logger);
  const pub = connectRedis(opts.redisUrl, opts.logger, "realtime-pub");
  const sub = connectRedis(opts.redisUrl, opts.logger, "realtime-sub");
  try {
    await Promise.all([pub.connect(), sub.connect()]);
  } catch (err) {
    pub.disconnect();
    sub.disconnect();
    throw err;
  }
  return new RedisHub(pub, sub, opts.logger);
}

/** The Redis connection of a hub for ordinary commands (presence), or null in-process. */
export function hubRedis(hub: RealtimeHub): Redis | null {
  return hub instanceof RedisHub ? hub.commands : null;
}

/** Waits until a hub's pending Redis subscriptions are in place; immediate in-process. */
export async function hubReady(hub: RealtimeHub): Promise<void> {
  if (hub instanceof RedisHub) await hub.ready();
}
