import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { AppError } from "../../platform/errors";
import { t } from "../../platform/i18n";
import { normalizeContactEmail } from "../contacts/contacts.service";
import {
  AttachmentParams,
  errorResponses,
  HistorySchema,
  IdentifyBody,
  KeyQuery,
  KeyTokenQuery,
  OfflineBody,
  PrechatBody,
  PublicConfigSchema,
  ReadBody,
  SendBody,
  SentSchema,
  SessionBody,
  SessionSchema,
  UploadQuery,
  VisitorAttachmentSchema,
  VisitorMessageSchema,
} from "./chat.schemas";
import {
  leaveOfflineMessage,
  markVisitorRead,
  openVisitorFile,
  savePrechat,
  sendVisitorMessage,
  storeVisitorFile,
  visitorHistory,
} from "./chat.service";
import { limit, visitorOf, widgetOf } from "./chat-guard";
import { CHAT_LIMITS, createRateLimiter, type RateLimiter } from "./chat-limits";
import { registerVisitorSocket } from "./chat-socket.routes";
import { identifyVisitor, isVerified, openVisitorSession, presentSession } from "./visitors.service";
import { isOpenAt } from "./widgets.rules";
import { settingsOf } from "./widgets.service";

const tags = ["widget (public)"];
const pub = { public: true };

/**
 * The public surface of the chat widget under /widget: its configuration,
 * visitor sessions, identity verification, history, sending, files, read
 * receipts and the visitor socket. No sign-in; a widget key, the page's
 * origin and (after the session starts) a visitor token stand in for it, and
 * every call counts against the caller's address.
 */
export async function registerChatRoutes(api: FastifyInstance): Promise<void> {
  const limiter: RateLimiter = await createRateLimiter(
    api.ctx.config.redisUrl,
    api.ctx.config.chatLimitScale,
  );
  await api.register(async (scope) => {
    scope.addHook("onClose", async () => limiter.close());

    // Texts of the chat's own refusals live under chat.* keys.
    scope.setErrorHandler((error, request, reply) => {
      if (error instanceof AppError && error.detail?.startsWith("chat.")) {
        if (error.code === "too_many_requests" && error.params.seconds) {
          reply.header("retry-after", String(error.params.seconds));
        }
        return reply
          .code(error.status)
          .send({ error: { code: error.code, message: t(request.lang, error.detail, error.params) } });
      }
      throw error;
    });

    scope.addHook("onRequest", async (request, reply) => {
      const origin = request.headers.origin;
      if (request.method === "OPTIONS") {
        // Preflights carry no key to check; the real request is checked.
        if (origin) reply.header("access-control-allow-origin", origin).header("vary", "Origin");
        reply
          .header("access-control-allow-methods", "GET, POST")
          .header("access-control-allow-headers", "content-type, x-visitor-token, accept-language")
          .header("access-control-max-age", "600");
        return reply.code(204).send();
      }
      await limit(limiter, `ip:${request.ip}`, CHAT_LIMITS.ipRequests);
    });
    scope.options("/widget/*", { schema: { hide: true }, config: pub }, async (_request, reply) =>
      reply.code(204).send(),
    );

    // Uploads are the bytes of the file, not JSON or a form.
    scope.addContentTypeParser(
      ["application/octet-stream", "application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp"],
      { parseAs: "buffer", bodyLimit: CHAT_LIMITS.attachmentBytes + 1 },
      (_request, body, done) => done(null, body),
    );

    const r = scope.withTypeProvider<TypeBoxTypeProvider>();

    r.get(
      "/widget/config",
      {
        config: pub,
        schema: {
          tags,
          security: [],
          summary: "A widget's looks and whether it is within business hours",
          querystring: KeyQuery,
          response: { 200: PublicConfigSchema, ...errorResponses },
        },
      },
      async (request, reply) => {
        const widget = await widgetOf(request, reply, request.query.key);
        const s = settingsOf(widget);
        reply.header("cache-control", "no-store");
        return {
          color: s.color,
          greeting: s.greeting,
          position: s.position,
          prechat: s.prechat,
          offlineMode: s.offlineMode,
          online: isOpenAt(s.businessHours, api.ctx.clock.now()),
        };
      },
    );

    r.post(
      "/widget/session",
      {
        config: pub,
        schema: {
          tags,
          security: [],
          summary: "Start a visitor session, or renew the one a token names",
          body: SessionBody,
          response: { 200: SessionSchema, ...errorResponses },
        },
      },
      async (request, reply) => {
        const widget = await widgetOf(request, reply, request.body.key);
        await limit(limiter, `session:${request.ip}`, CHAT_LIMITS.ipSessions);
        const { visitor, token } = await openVisitorSession(api.ctx, widget, request.body.token);
        return presentSession(visitor, token, await isVerified(api.ctx, visitor));
      },
    );

    r.post(
      "/widget/identify",
      {
        config: pub,
        schema: {
          tags,
          security: [],
          summary: "Join the visitor to the host's user, proven by HMAC-SHA256(userId, identity secret)",
          body: IdentifyBody,
          response: { 200: SessionSchema, ...errorResponses },
        },
      },
      async (request, reply) => {
        const { key, token, ...input } = request.body;
        const vc = await visitorOf(request, reply, key, token);
        const visitor = await identifyVisitor(api.ctx, vc, input);
        return presentSession(visitor, token, true);
      },
    );

    r.post(
      "/widget/prechat",
      {
        config: pub,
        schema: {
          tags,
          security: [],
          summary: "Save the pre-chat form (name, email, phone as the widget asks)",
          body: PrechatBody,
          response: { 200: SessionSchema, ...errorResponses },
        },
      },
      async (request, reply) => {
        const { key, token, ...input } = request.body;
        const vc = await visitorOf(request, reply, key, token);
        if (input.email) normalizeContactEmail(input.email);
        const visitor = await savePrechat(api.ctx, vc, input);
        return presentSession(visitor, token, await isVerified(api.ctx, visitor));
      },
    );

    r.get(
      "/widget/messages",
      {
        config: pub,
        schema: {
          tags,
          security: [],
          summary: "The visitor's messages after a sequence number (`after`, default 0)",
          querystring: KeyTokenQuery,
          response: { 200: HistorySchema, ...errorResponses },
        },
      },
      async (request, reply) => {
        const { visitor } = await visitorOf(request, reply, request.query.key, request.query.token);
        reply.header("cache-control", "no-store");
        return visitorHistory(api.ctx, visitor, request.query.after ?? 0);
      },
    );

    r.post(
      "/widget/messages",
      {
        config: pub,
        schema: {
          tags,
          security: [],
          summary: "Send a message (stored once per clientId; a resend answers the stored one)",
          body: SendBody,
          response: { 200: SentSchema, ...errorResponses },
        },
      },
      async (request, reply) => {
        const { key, token, ...input } = request.body;
        const vc = await visitorOf(request, reply, key, token);
        await limit(limiter, `vmsg:${vc.visitor.account_id}:${vc.visitor.id}`, CHAT_LIMITS.visitorMessages);
        await limit(limiter, `imsg:${request.ip}`, CHAT_LIMITS.ipMessages);
        const sent = await sendVisitorMessage(api.ctx, vc, { ...input, language: request.lang });
        return { message: sent.message, duplicate: sent.duplicate };
      },
    );

    r.post(
      "/widget/read",
      {
        config: pub,
        schema: {
          tags,
          security: [],
          summary: "Tell the agents the visitor has read up to a sequence number",
          body: ReadBody,
          response: { 200: Type.Object({ seq: Type.Integer() }), ...errorResponses },
        },
      },
      async (request, reply) => {
        const { visitor } = await visitorOf(request, reply, request.body.key, request.body.token);
        return { seq: await markVisitorRead(api.ctx, visitor, request.body.seq) };
      },
    );

    r.post(
      "/widget/offline",
      {
        config: pub,
        schema: {
          tags,
          security: [],
          summary: "Leave a message outside business hours, to be answered by email",
          body: OfflineBody,
          response: { 200: VisitorMessageSchema, ...errorResponses },
        },
      },
      async (request, reply) => {
        const { key, token, ...input } = request.body;
        const vc = await visitorOf(request, reply, key, token);
        await limit(limiter, `vmsg:${vc.visitor.account_id}:${vc.visitor.id}`, CHAT_LIMITS.visitorMessages);
        const email = normalizeContactEmail(input.email);
        return leaveOfflineMessage(api.ctx, vc, { ...input, email });
      },
    );

    r.post(
      "/widget/attachments",
      {
        config: pub,
        bodyLimit: CHAT_LIMITS.attachmentBytes + 1,
        schema: {
          tags,
          security: [],
          summary: "Upload an image (PNG, JPEG, GIF, WebP) or a PDF; the body is the file's bytes",
          querystring: UploadQuery,
          response: { 201: VisitorAttachmentSchema, ...errorResponses },
        },
      },
      async (request, reply) => {
        const vc = await visitorOf(request, reply, request.query.key, undefined);
        await limit(limiter, `vup:${vc.visitor.account_id}:${vc.visitor.id}`, CHAT_LIMITS.visitorUploads);
        const data = request.body;
        if (!Buffer.isBuffer(data)) throw new AppError("unsupported_media_type", {}, "chat.attachment_type");
        const file = await storeVisitorFile(api.ctx, vc, { data, filename: request.query.filename });
        return reply.code(201).send(file);
      },
    );

    r.get(
      "/widget/attachments/:id",
      {
        config: pub,
        schema: {
          tags,
          security: [],
          summary: "Download a file of the visitor's own conversation",
          params: AttachmentParams,
          querystring: KeyTokenQuery,
        },
      },
      async (request, reply) => {
        const { visitor } = await visitorOf(request, reply, request.query.key, request.query.token);
        const { row, stream } = await openVisitorFile(api.ctx, visitor, request.params.id);
        const inline = row.content_type.startsWith("image/");
        const name = encodeURIComponent(row.filename);
        return reply
          .header("content-type", row.content_type)
          .header("content-length", String(row.size))
          .header("x-content-type-options", "nosniff")
          .header("content-security-policy", "default-src 'none'; sandbox")
          .header("cache-control", "private, max-age=3600")
          .header("content-disposition", `${inline ? "inline" : "attachment"}; filename*=UTF-8''${name}`)
          .send(stream);
      },
    );

    registerVisitorSocket(scope, limiter);
  });
}
