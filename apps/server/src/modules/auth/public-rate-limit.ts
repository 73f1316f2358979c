import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance } from "fastify";
import { AppError } from "../../platform/errors";
import { connectRedis } from "../../platform/realtime";

/** Requests per minute a client address may make to the public sign-in and invitation routes. */
export const PUBLIC_RATE_LIMIT = 30;

/**
 * Registers routes in their own scope behind a per-address rate limit, so the
 * routes anyone can call without signing in cannot be hammered; shared by
 * every node through Redis when REDIS_URL is set. The limit lives in this scope only; the rest of the API is not affected. Its 429 is an
 * AppError, so it reads like every other error and carries Retry-After.
 */
export async function registerRateLimited(
  api: FastifyInstance,
  routes: (scope: FastifyInstance) => void | Promise<void>,
): Promise<void> {
  // With REDIS_URL every node counts in one place; otherwise each process counts alone.
  const redisUrl = api.ctx.config.redisUrl;
  const redis = redisUrl ? connectRedis(redisUrl, api.log, "public-rate-limit") : null;
  if (redis) api.addHook("onClose", async () => void (await redis.quit().catch(() => undefined)));
  await api.register(async (scope) => {
    await scope.register(rateLimit, {
      ...(redis ? { redis, nameSpace: "khidma:rl:public:" } : {}),
      global: true,
      max: PUBLIC_RATE_LIMIT,
      timeWindow: 60_000,
      keyGenerator: (request) => request.ip,
      errorResponseBuilder: (_request, context) =>
        new AppError("too_many_requests", { seconds: Math.max(1, Math.ceil(context.ttl / 1000)) }),
    });
    await routes(scope);
  });
}
