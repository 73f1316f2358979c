import type { FastifyInstance, FastifyRequest } from "fastify";
import type { WebSocket } from "ws";
import type { AppContext } from "../../app";
import { authorizeVisitor } from "./chat.policy";
import type { RateLimiter } from "./chat-limits";
import { CHAT_CLOSE, VisitorConnection } from "./chat-socket";
import { type VisitorContext, visitorByToken } from "./visitors.service";
import { originAllowed } from "./widgets.rules";
import { widgetByKey } from "./widgets.service";

/** Frames (and bytes) held while a new socket's token is checked. */
const EARLY_FRAMES = 5000;
const EARLY_BYTES = 2 * 1024 * 1024;

type Auth = { ok: true; vc: VisitorContext } | { ok: false; code: number; reason: string };

async function authenticate(ctx: AppContext, request: FastifyRequest): Promise<Auth> {
  const query = request.query as Record<string, unknown>;
  const key = typeof query.key === "string" ? query.key : "";
  const token = typeof query.token === "string" ? query.token : "";
  const widget = key ? await widgetByKey(ctx.db, key) : null;
  if (!widget) return { ok: false, code: CHAT_CLOSE.notFound, reason: "unknown widget" };
  if (!originAllowed(widget.allowed_origins, request.headers.origin)) {
    return { ok: false, code: CHAT_CLOSE.forbiddenOrigin, reason: "origin not allowed" };
  }
  const visitor = token ? await visitorByToken(ctx, widget, token) : null;
  if (!visitor) return { ok: false, code: CHAT_CLOSE.unauthorized, reason: "token invalid or expired" };
  authorizeVisitor(widget, visitor);
  return { ok: true, vc: { widget, visitor } };
}

/**
 * GET /widget/ws?key=&token=: the visitor socket. A bad key, a foreign
 * origin or a bad token close it with 4404, 4403 or 4401 (a browser can read
 * a close code; it cannot read a refused handshake).
 */
export function registerVisitorSocket(scope: FastifyInstance, limiter: RateLimiter): void {
  const connections = new Set<WebSocket>();
  scope.addHook("onClose", async () => {
    for (const socket of connections) socket.close(1001, "server shutting down");
  });
  scope.get(
    "/widget/ws",
    {
      websocket: true,
      config: { public: true },
      schema: {
        hide: true,
      },
    },
    (socket, request) => {
      // Frames that arrive while the token is checked wait in order.
      const early: [Buffer, boolean][] = [];
      let earlyBytes = 0;
      let conn: VisitorConnection | null = null;
      socket.on("message", (data, isBinary) => {
        const raw = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
        if (conn) return conn.onFrame(raw, isBinary);
        earlyBytes += raw.length;
        // A reconnecting client resends its whole outbox at once; past a bound
        // it is told to come back (1013) rather than have frames dropped.
        if (early.length >= EARLY_FRAMES || earlyBytes > EARLY_BYTES) socket.close(1013, "try again");
        else early.push([raw, isBinary]);
      });
      socket.on("error", () => undefined);
      socket.on("close", () => {
        connections.delete(socket);
        conn?.stop();
      });
      connections.add(socket);
      authenticate(scope.ctx, request)
        .then((auth) => {
          if (!auth.ok) {
            socket.close(auth.code, auth.reason);
            return;
          }
          if (socket.readyState !== socket.OPEN) return;
          conn = new VisitorConnection(scope.ctx, socket, auth.vc, limiter, request.ip, request.lang);
          for (const [raw, isBinary] of early.splice(0)) conn.onFrame(raw, isBinary);
        })
        .catch((err: unknown) => {
          request.log.error({ err }, "visitor socket failed to start");
          socket.close(1011, "internal error");
        });
    },
  );
}
