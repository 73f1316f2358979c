import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import cookie from "@fastify/cookie";
import fastifyStatic from "@fastify/static";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import websocket from "@fastify/websocket";
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from "fastify";
import { modules } from "./modules";
import { registerWidgetAsset } from "./modules/chat/widget-asset";
import { checkCsrf, clearTokenCache, PRINCIPALS_ROOM, resolvePrincipal } from "./platform/auth";
import type { Clock } from "./platform/clock";
import type { Config } from "./platform/config";
import type { Db } from "./platform/db";
import { AppError, statusOf } from "./platform/errors";
import { pickLanguage, t } from "./platform/i18n";
import { registerIdempotency } from "./platform/idempotency";
import { registerPolicyGuard } from "./platform/policy-guard";
import type { RealtimeHub } from "./platform/realtime";
import { describeValidation, validatorCompiler } from "./platform/validation";

/** What every module needs: the database, the clock, the configuration and the live-update hub. */
export interface AppContext {
  db: Db;
  clock: Clock;
  config: Config;
  dbKind: "pglite" | "postgres";
  /** Live updates; publish only after the change commits (platform/realtime-publish.ts). */
  hub: RealtimeHub;
}

declare module "fastify" {
  interface FastifyInstance {
    ctx: AppContext;
  }
}

/** Builds the Fastify app: platform hooks, every module's routes, the API docs and the web app. */
export async function buildApp(
  ctx: AppContext,
  options: { logger?: FastifyBaseLogger } = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    bodyLimit: ctx.config.bodyLimit,
    trustProxy: ctx.config.trustProxy,
    ajv: { customOptions: { removeAdditional: false } },
    frameworkErrors: answerFrameworkError,
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.decorate("ctx", ctx);
  app.decorateRequest("principal", null);
  app.decorateRequest("lang", "en");

  await app.register(cookie);
  // Frames past 64 KiB close the socket (1009); sockets' own routes check sizes below that.
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Khidma API",
        version: "1",
        description:
          "REST API of the Khidma help desk. Authenticate with `Authorization: Bearer <token>` " +
          "(an API token) or with the session cookie plus an `X-CSRF-Token` header on writes. " +
          "Errors are `{error:{code,message}}` with the message in the Accept-Language language (ar or en).",
      },
      components: {
        securitySchemes: {
          bearer: { type: "http", scheme: "bearer" },
          session: { type: "apiKey", in: "cookie", name: "khidma_session" },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: "/api/docs", uiConfig: { deepLinking: true } });

  app.addHook("onRequest", async (request) => {
    request.lang = pickLanguage(request.headers["accept-language"]);
    const url = request.url;
    if (!url.startsWith("/api/v1/") || url.startsWith("/api/v1/openapi.json")) return;
    request.principal = await resolvePrincipal(ctx.db, ctx.clock, request);
    if (request.routeOptions.config?.public) return;
    if (!request.principal) throw new AppError("unauthorized");
    checkCsrf(request, request.principal);
  });

  const stopForgetting = ctx.hub.subscribe(PRINCIPALS_ROOM, () => clearTokenCache());
  app.addHook("onClose", async () => stopForgetting());

  if (ctx.config.policyGuard) registerPolicyGuard(app);
  registerIdempotency(app, ctx.db);

  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    const lang = request.lang ?? pickLanguage(request.headers["accept-language"]);
    if (error instanceof AppError) {
      if (error.code === "too_many_requests" && error.params.seconds) {
        reply.header("retry-after", String(error.params.seconds));
      }
      return reply.code(error.status).send({
        error: { code: error.code, message: error.detail ?? t(lang, `error.${error.code}`, error.params) },
      });
    }
    const fe = error as FastifyError;
    if (fe.validation) {
      const detail = describeValidation(lang, fe.validation, fe.validationContext);
      return reply.code(400).send({
        error: { code: "validation_failed", message: t(lang, "error.validation_failed", { detail }) },
      });
    }
    const mapped = mapFastifyError(fe);
    if (mapped) {
      return reply.code(statusOf(mapped)).send({
        error: { code: mapped, message: t(lang, `error.${mapped}`, { limit: ctx.config.bodyLimit }) },
      });
    }
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      return reply
        .code(fe.statusCode)
        .send({ error: { code: "bad_request", message: t(lang, "error.bad_request") } });
    }
    request.log.error({ err: error }, "unhandled error");
    return reply.code(500).send({ error: { code: "internal", message: t(lang, "error.internal") } });
  });

  app.get("/api/health", { schema: { hide: true }, config: { public: true } }, async () => {
    return { status: "ok", database: ctx.dbKind };
  });

  await app.register(
    async (api) => {
      for (const register of modules) await register(api);
    },
    { prefix: "/api/v1" },
  );

  app.get("/api/v1/openapi.json", { schema: { hide: true }, config: { public: true } }, async () =>
    app.swagger(),
  );

  registerWidgetAsset(app);

  const webDist = ctx.config.webDist ?? defaultWebDist();
  const hasWeb = fs.existsSync(path.join(webDist, "index.html"));
  if (hasWeb) {
    await app.register(fastifyStatic, { root: webDist, wildcard: false, index: false });
  }
  app.setNotFoundHandler((request, reply) => {
    const lang = request.lang ?? "en";
    if (
      !request.url.startsWith("/api") &&
      hasWeb &&
      (request.method === "GET" || request.method === "HEAD")
    ) {
      // The web app routes on the client: any other page gets its shell.
      return reply.type("text/html").sendFile("index.html");
    }
    return reply.code(404).send({
      error: { code: "not_found", message: t(lang, "error.not_found", { resource: "resource.route" }) },
    });
  });

  return app;
}

// The router refuses a path it cannot read (a bad %-escape, a parameter past
// its length limit) before any hook runs; the answer is still the API's error
// body in the caller's language.
function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const lang = pickLanguage(request.headers["accept-language"]);
  const code = error.code === "FST_ERR_ASYNC_CONSTRAINT" ? "internal" : "bad_request";
  void reply.code(statusOf(code)).send({ error: { code, message: t(lang, `error.${code}`) } });
}

function mapFastifyError(error: FastifyError) {
  switch (error.code) {
    case "FST_ERR_CTP_INVALID_JSON_BODY":
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return "invalid_json" as const;
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return "payload_too_large" as const;
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return error.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE" ? ("unsupported_media_type" as const) : null;
    default:
      if (error instanceof SyntaxError && error.statusCode === 400) return "invalid_json" as const;
      return null;
  }
}

function defaultWebDist(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  // Source (src/) and bundle (dist/) both sit one level below apps/server.
  return path.resolve(here, "../../web/dist");
}
