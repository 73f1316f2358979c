import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance } from "fastify";
import { AppError } from "../../platform/errors";

/** Requests per minute a client address may make to the public sign-in and invitation routes. */
export const PUBLIC_RATE_LIMIT = 30;

/**
 * Registers routes in their own scope behind a per-address rate limit, so the
 * routes anyone can call without signing in cannot be hammered. The limit
 * lives in this scope only; the rest of the API is not affected. Its 429 is an
 * AppError, so it reads like every other error and carries Retry-After.
 */
export async function registerRateLimited(
  api: FastifyInstance,
  routes: (scope: FastifyInstance) => void | Promise<void>,
): Promise<void> {
  await api.register(async (scope) => {
    await scope.register(rateLimit, {
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
