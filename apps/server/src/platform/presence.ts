import type { Redis } from "ioredis";
import { hubRedis, type RealtimeHub } from "./realtime";

/** An agent's presence as others see it. */
export type PresenceStatus = "online" | "away" | "offline";
/** The status an agent chooses; offline is having no live connection. */
export type ChosenStatus = "online" | "away";

/** Someone with a conversation open, and whether they are typing in it. */
export interface Viewer {
  userId: number;
  typing: boolean;
}

/**
 * A connection entry lives this long unless its node refreshes it; the agent
 * socket refreshes its entries on every heartbeat (well inside this), so the
 * entries of a node that died vanish within it.
 */
export const CONNECTION_TTL_MS = 75_000;
/** A typing signal lasts this long unless repeated. */
export const TYPING_TTL_MS = 6_000;
const CHOICE_TTL_MS = 30 * 24 * 3600 * 1000;

/** A map of fields that each expire, per key: memory or a Redis hash. */
interface ExpiringMaps {
  put(key: string, field: string, value: string, ttlMs: number): Promise<void>;
  del(key: string, field: string): Promise<void>;
  all(key: string): Promise<Map<string, string>>;
}

class MemoryMaps implements ExpiringMaps {
  private readonly maps = new Map<string, Map<string, { value: string; until: number }>>();
  constructor(private readonly now: () => number) {}
  async put(key: string, field: string, value: string, ttlMs: number): Promise<void> {
    let map = this.maps.get(key);
    if (!map) {
      map = new Map();
      this.maps.set(key, map);
    }
    map.set(field, { value, until: this.now() + ttlMs });
  }
  async del(key: string, field: string): Promise<void> {
    const map = this.maps.get(key);
    map?.delete(field);
    if (map && map.size === 0) this.maps.delete(key);
  }
  async all(key: string): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const map = this.maps.get(key);
    if (!map) return out;
    const now = this.now();
    for (const [field, entry] of map) {
      if (entry.until > now) out.set(field, entry.value);
      else map.delete(field);
    }
    if (map.size === 0) this.maps.delete(key);
    return out;
  }
}

// Values are stored as "<until ms>|<value>" in one hash per key: Redis expires
// whole keys, not hash fields, so each reader drops (and deletes) stale fields.
class RedisMaps implements ExpiringMaps {
  constructor(
    private readonly redis: Redis,
    private readonly now: () => number,
  ) {}
  async put(key: string, field: string, value: string, ttlMs: number): Promise<void> {
    const k = `khidma:presence:${key}`;
    await this.redis
      .multi()
      .hset(k, field, `${this.now() + ttlMs}|${value}`)
      .pexpire(k, Math.max(ttlMs, CHOICE_TTL_MS))
      .exec();
  }
  async del(key: string, field: string): Promise<void> {
    await this.redis.hdel(`khidma:presence:${key}`, field);
  }
  async all(key: string): Promise<Map<string, string>> {
    const k = `khidma:presence:${key}`;
    const raw = await this.redis.hgetall(k);
    const out = new Map<string, string>();
    const stale: string[] = [];
    const now = this.now();
    for (const [field, stored] of Object.entries(raw)) {
      const bar = stored.indexOf("|");
      const until = Number(stored.slice(0, bar));
      if (until > now) out.set(field, stored.slice(bar + 1));
      else stale.push(field);
    }
    if (stale.length) await this.redis.hdel(k, ...stale);
    return out;
  }
}

/** Presence of agents and viewers of conversations, shared across nodes when Redis is used. */
export class PresenceStore {
  constructor(
    private readonly maps: ExpiringMaps,
    private readonly now: () => number = Date.now,
  ) {}

  /** Marks (or refreshes) one live connection of a user. */
  async connect(accountId: number, userId: number, connId: string): Promise<void> {
    await this.maps.put(`conn:${accountId}`, `${userId}|${connId}`, "1", CONNECTION_TTL_MS);
  }

  /** Forgets a connection that closed. */
  async disconnect(accountId: number, userId: number, connId: string): Promise<void> {
    await this.maps.del(`conn:${accountId}`, `${userId}|${connId}`);
  }

  /** Remembers the status an agent chose, for every connection of theirs. */
  async choose(accountId: number, userId: number, status: ChosenStatus): Promise<void> {
    await this.maps.put(`choice:${accountId}`, String(userId), status, CHOICE_TTL_MS);
  }

  /** The status of every agent with a live connection; agents absent from the map are offline. */
  async statuses(accountId: number): Promise<Map<number, Exclude<PresenceStatus, "offline">>> {
    const [conns, choices] = await Promise.all([
      this.maps.all(`conn:${accountId}`),
      this.maps.all(`choice:${accountId}`),
    ]);
    const out = new Map<number, Exclude<PresenceStatus, "offline">>();
    for (const field of conns.keys()) {
      const userId = Number(field.slice(0, field.indexOf("|")));
      out.set(userId, choices.get(String(userId)) === "away" ? "away" : "online");
    }
    return out;
  }

  /** One agent's status. */
  async statusOf(accountId: number, userId: number): Promise<PresenceStatus> {
    return (await this.statuses(accountId)).get(userId) ?? "offline";
  }

  /** Notes that a connection has a conversation open (and whether its agent types in it). */
  async view(
    accountId: number,
    conversationId: number,
    userId: number,
    connId: string,
    typing: boolean,
  ): Promise<void> {
    const typingUntil = typing ? this.now() + TYPING_TTL_MS : 0;
    await this.maps.put(
      `view:${accountId}:${conversationId}`,
      `${userId}|${connId}`,
      String(typingUntil),
      CONNECTION_TTL_MS,
    );
  }

  /** Notes that a connection left a conversation. */
  async leave(accountId: number, conversationId: number, userId: number, connId: string): Promise<void> {
    await this.maps.del(`view:${accountId}:${conversationId}`, `${userId}|${connId}`);
  }

  /** Who has a conversation open, one entry per agent, typing when any of their tabs types. */
  async viewers(accountId: number, conversationId: number): Promise<Viewer[]> {
    const entries = await this.maps.all(`view:${accountId}:${conversationId}`);
    const now = this.now();
    const byUser = new Map<number, boolean>();
    for (const [field, value] of entries) {
      const userId = Number(field.slice(0, field.indexOf("|")));
      byUser.set(userId, (byUser.get(userId) ?? false) || Number(value) > now);
    }
    return [...byUser].map(([userId, typing]) => ({ userId, typing })).sort((a, b) => a.userId - b.userId);
  }
}

const stores = new WeakMap<RealtimeHub, PresenceStore>();

/** The presence store that goes with a hub: in memory for one process, in Redis across nodes. */
export function presenceOf(hub: RealtimeHub): PresenceStore {
  let store = stores.get(hub);
  if (!store) {
    const redis = hubRedis(hub);
    store = new PresenceStore(redis ? new RedisMaps(redis, Date.now) : new MemoryMaps(Date.now));
    stores.set(hub, store);
  }
  return store;
}

/** A presence store on its own, for tests: memory, or Redis with a clock of the test's own. */
export function createPresenceStore(opts: { redis?: Redis | null; now?: () => number } = {}): PresenceStore {
  const now = opts.now ?? Date.now;
  return new PresenceStore(opts.redis ? new RedisMaps(opts.redis, now) : new MemoryMaps(now), now);
}
