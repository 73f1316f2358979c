import type { Redis } from "ioredis";
import { connectRedis } from "../../platform/realtime";

/** The answer of a rate limiter: allowed, or when to try again. */
export interface LimitResult {
  allowed: boolean;
  retryAfterMs: number;
}

/** Counts hits per key in fixed windows; shared across nodes when backed by Redis. */
export interface RateLimiter {
  hit(key: string, limit: number, windowMs: number): Promise<LimitResult>;
  close(): Promise<void>;
}

/** Limits of the public chat surface, per minute unless named otherwise. */
export const CHAT_LIMITS = {
  /** Messages a visitor may send per minute. */
  visitorMessages: 30,
  /** Messages all visitors behind one address may send per minute. */
  ipMessages: 120,
  /** Public REST calls (config, sessions, history, uploads) per address per minute. */
  ipRequests: 300,
  /** New visitor sessions per address per minute. */
  ipSessions: 20,
  /** Uploads per visitor per minute. */
  visitorUploads: 10,
  /** Characters in one chat message. */
  messageChars: 5000,
  /** Bytes of one attachment. */
  attachmentBytes: 10 * 1024 * 1024,
  /** Frames of any kind a socket may send per minute (typing included). */
  socketFrames: 600,
} as const;

/** In-process fixed windows; old windows are swept as the map grows. */
class MemoryLimiter implements RateLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  async hit(key: string, limit: number, windowMs: number): Promise<LimitResult> {
    const now = Date.now();
    let w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      if (this.windows.size > 50_000) this.sweep(now);
      w = { count: 0, resetAt: now + windowMs };
      this.windows.set(key, w);
    }
    w.count += 1;
    return w.count <= limit
      ? { allowed: true, retryAfterMs: 0 }
      : { allowed: false, retryAfterMs: w.resetAt - now };
  }

  private sweep(now: number): void {
    for (const [key, w] of this.windows) if (w.resetAt <= now) this.windows.delete(key);
  }

  async close(): Promise<void> {
    this.windows.clear();
  }
}

/** Redis fixed windows: INCR then PEXPIRE on the first hit, so every node counts together. */
class RedisLimiter implements RateLimiter {
  constructor(private readonly redis: Redis) {}

  async hit(key: string, limit: number, windowMs: number): Promise<LimitResult> {
    const name = `khidma:rl:${key}`;
    const results = await this.redis.multi().incr(name).pttl(name).exec();
    const count = Number(results?.[0]?.[1] ?? 0);
    let ttl = Number(results?.[1]?.[1] ?? -1);
    if (ttl < 0) {
      await this.redis.pexpire(name, windowMs);
      ttl = windowMs;
    }
    return count <= limit ? { allowed: true, retryAfterMs: 0 } : { allowed: false, retryAfterMs: ttl };
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }
}

/** Scales every count limit by `scale` (KHIDMA_CHAT_LIMIT_SCALE), keeping the window. */
class ScaledLimiter implements RateLimiter {
  constructor(
    private readonly inner: RateLimiter,
    private readonly scale: number,
  ) {}
  hit(key: string, limit: number, windowMs: number): Promise<LimitResult> {
    return this.inner.hit(key, limit * this.scale, windowMs);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

/** A limiter on Redis when a URL is given, in memory otherwise. */
export async function createRateLimiter(redisUrl: string | null, scale = 1): Promise<RateLimiter> {
  let limiter: RateLimiter;
  if (!redisUrl) {
    limiter = new MemoryLimiter();
  } else {
    const redis = connectRedis(redisUrl, undefined, "chat-limits");
    await redis.connect();
    limiter = new RedisLimiter(redis);
  }
  return scale === 1 ? limiter : new ScaledLimiter(limiter, scale);
}
