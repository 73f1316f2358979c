import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { principalOf, resolvePrincipal } from "../../platform/auth";
import { AppError } from "../../platform/errors";
import { presenceOf } from "../../platform/presence";
import { AgentConnection, CLOSE, setPresence } from "./agent-socket";
import { canUseRealtime } from "./realtime.policy";

const tags = ["realtime"];

const PresenceStatusSchema = Type.Union([
  Type.Literal("online"),
  Type.Literal("away"),
  Type.Literal("offline"),
]);
const PresenceListReply = Type.Object({
  items: Type.Array(Type.Object({ userId: Type.Integer(), status: PresenceStatusSchema })),
});
const SetPresenceBody = Type.Object(
  { status: Type.Union([Type.Literal("online"), Type.Literal("away")]) },
  { additionalProperties: false },
);

/**
 * A browser sends the page's Origin with a WebSocket handshake and attaches
 * the session cookie whatever the page: the socket only opens for pages of
 * this site (Origin matching the Host, or the configured public URL).
 */
function originAllowed(request: FastifyRequest, publicUrl: string | null): boolean {
  const origin = request.headers.origin;
  if (!origin) return true; // not a browser: it holds the credentials itself
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return false;
  }
  if (host === request.host || host === request.headers.host) return true;
  if (publicUrl) {
    try {
      return new URL(publicUrl).host === host;
    } catch {
      return false;
    }
  }
  return false;
}

/** The agent socket (GET /ws) and presence. */
export async function registerRealtimeRoutes(api: FastifyInstance): Promise<void> {
  const r = api.withTypeProvider<TypeBoxTypeProvider>();
  const connections = new Set<AgentConnection>();

  const timer = setInterval(() => {
    for (const conn of connections) {
      conn.heartbeat().catch((err: unknown) => api.log.warn({ err }, "agent socket heartbeat failed"));
    }
  }, api.ctx.config.wsHeartbeatMs);
  timer.unref();
  api.addHook("onClose", async () => {
    clearInterval(timer);
    const closing = [...connections];
    for (const conn of closing) conn.close(CLOSE.goingAway, "server shutting down");
    await Promise.allSettled(closing.map((conn) => conn.stop()));
  });

  r.get(
    "/ws",
    {
      websocket: true,
      // Public so an unsigned socket gets a close code it can read (4401)
      // instead of a refused handshake a browser cannot tell from a network error.
      config: { public: true },
      schema: {
        tags,
        summary: "Agent live updates (WebSocket; session cookie)",
        description:
          "Frames are JSON {type,...}. Send ping, subscribe/unsubscribe {conversationId}, typing {conversationId, typing}, " +
          "presence {status: online|away}. Receive hello, message.created, " +
          "message.delivery (an email sent, failed or queued again), conversation.created, conversation.updated, " +
          "conversation.viewers, presence.updated, notification.created, error. Closes 4401 when not signed in, " +
          "4403 for a foreign Origin.",
      },
    },
    (socket, request) => {
      if (!originAllowed(request, api.ctx.config.publicUrl)) {
        socket.close(CLOSE.forbiddenOrigin, "origin not allowed");
        return;
      }
      const principal = request.principal;
      if (!principal) {
        socket.close(CLOSE.unauthorized, "sign in first");
        return;
      }
      try {
        canUseRealtime(principal);
      } catch {
        socket.close(CLOSE.unauthorized, "not allowed");
        return;
      }
      const conn = new AgentConnection(api.ctx, socket, principal, request.lang, request.log, () =>
        resolvePrincipal(api.ctx.db, api.ctx.clock, request),
      );
      connections.add(conn);
      socket.on("close", () => connections.delete(conn));
      conn.start().catch((err: unknown) => {
        request.log.error({ err }, "agent socket failed to start");
        socket.close(1011, "internal error");
      });
    },
  );

  r.get(
    "/presence",
    {
      schema: {
        tags,
        summary: "Agents of the account who are online or away (the others are offline)",
        response: { 200: PresenceListReply },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      canUseRealtime(principal);
      const statuses = await presenceOf(api.ctx.hub).statuses(principal.accountId);
      return { items: [...statuses].map(([userId, status]) => ({ userId, status })) };
    },
  );

  r.put(
    "/presence/me",
    {
      schema: {
        tags,
        summary: "Set your own presence: online or away (offline is having no live socket)",
        body: SetPresenceBody,
        response: { 200: Type.Object({ status: PresenceStatusSchema }) },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      canUseRealtime(principal);
      if (principal.via !== "session" && principal.via !== "token") throw new AppError("forbidden");
      await setPresence(api.ctx, principal.accountId, principal.userId, request.body.status, request.log);
      return { status: await presenceOf(api.ctx.hub).statusOf(principal.accountId, principal.userId) };
    },
  );
}
