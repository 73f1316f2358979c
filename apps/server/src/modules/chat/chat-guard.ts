import type { FastifyReply, FastifyRequest } from "fastify";
import { AppError } from "../../platform/errors";
import { authorizeVisitor, authorizeWidgetOrigin } from "./chat.policy";
import type { RateLimiter } from "./chat-limits";
import { invalidToken, type VisitorContext, visitorByToken } from "./visitors.service";
import type { WidgetRow } from "./widgets.repo";
import { widgetByKey } from "./widgets.service";

/**
 * The widget a request names by key, after its origin check. Answers carry
 * CORS headers for allowed origins only, so another site's page cannot read
 * them even where the request itself is harmless.
 */
export async function widgetOf(
  request: FastifyRequest,
  reply: FastifyReply,
  key: string,
): Promise<WidgetRow> {
  const widget = await widgetByKey(request.server.ctx.db, key);
  if (!widget) throw new AppError("not_found", { resource: "resource.widget" });
  const origin = request.headers.origin;
  authorizeWidgetOrigin(widget, origin);
  if (origin) {
    reply.header("access-control-allow-origin", origin);
    reply.header("vary", "Origin");
  }
  return widget;
}

/** The widget and the visitor a request's key and token name; 401 for a bad token. */
export async function visitorOf(
  request: FastifyRequest,
  reply: FastifyReply,
  key: string,
  token: string | undefined,
): Promise<VisitorContext> {
  const widget = await widgetOf(request, reply, key);
  const header = request.headers["x-visitor-token"];
  const value = token ?? (typeof header === "string" ? header : undefined);
  if (!value) throw invalidToken();
  const visitor = await visitorByToken(request.server.ctx, widget, value);
  if (!visitor) throw invalidToken();
  authorizeVisitor(widget, visitor);
  return { widget, visitor };
}

/** Throws 429 with the seconds to wait when a key is over its limit. */
export async function limit(
  limiter: RateLimiter,
  key: string,
  max: number,
  windowMs = 60_000,
): Promise<void> {
  const result = await limiter.hit(key, max, windowMs);
  if (!result.allowed) {
    throw new AppError("too_many_requests", { seconds: Math.max(1, Math.ceil(result.retryAfterMs / 1000)) });
  }
}
