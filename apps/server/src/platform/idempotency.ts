import { createHash } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { sql } from "kysely";
import type { Db } from "./db";
import { AppError } from "./errors";

declare module "fastify" {
  interface FastifyRequest {
    idempotencyKey: string | null;
  }
  interface FastifyContextConfig {
    /**
     * The answer carries a secret shown once (a new API token, an invitation
     * link, a TOTP secret). Idempotency-Key is ignored on such routes, since
     * keeping the answer for replays would store the secret in plain text.
     */
    secretResponse?: boolean;
  }
}

const KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;

/**
 * Honours Idempotency-Key on authenticated POSTs: the first request with a key
 * runs and its response is stored; a retry with the same key and body gets the
 * stored response (Idempotent-Replayed: true); the same key with another body
 * is refused; a retry while the first is still running is a conflict.
 */
export function registerIdempotency(app: FastifyInstance, db: Db): void {
  app.decorateRequest("idempotencyKey", null);

  app.addHook("preHandler", async (request, reply) => {
    const key = request.headers["idempotency-key"];
    if (request.method !== "POST" || key === undefined || !request.principal) return;
    if (request.routeOptions.config?.secretResponse) return;
    if (typeof key !== "string" || !KEY_PATTERN.test(key)) {
      throw new AppError("validation_failed", { detail: "validation.idempotency_key" });
    }
    const { accountId, userId } = request.principal;
    const requestHash = createHash("sha256")
      .update(`${request.method} ${request.routeOptions.url ?? request.url} ${request.url}\n`)
      .update(JSON.stringify(request.body ?? null))
      .digest("hex");
    const inserted = await db
      .insertInto("idempotency_keys")
      .values({ account_id: accountId, key, user_id: userId, request_hash: requestHash })
      .onConflict((oc) => oc.columns(["account_id", "key"]).doNothing())
      .returning("key")
      .executeTakeFirst();
    if (inserted) {
      request.idempotencyKey = key;
      return;
    }
    const existing = await db
      .selectFrom("idempotency_keys")
      .selectAll()
      .where("account_id", "=", accountId)
      .where("key", "=", key)
      .executeTakeFirst();
    if (!existing || existing.user_id !== userId || existing.request_hash !== requestHash) {
      throw new AppError("idempotency_conflict");
    }
    if (existing.status_code === null) {
      throw new AppError("conflict", { detail: "conflict.idempotency_running" });
    }
    reply.code(existing.status_code).header("idempotent-replayed", "true").send(existing.response);
    return reply;
  });

  app.addHook("onSend", async (request, reply, payload) => {
    const key = request.idempotencyKey;
    if (!key || !request.principal) return payload;
    const { accountId } = request.principal;
    if (reply.statusCode >= 500) {
      await db
        .deleteFrom("idempotency_keys")
        .where("account_id", "=", accountId)
        .where("key", "=", key)
        .execute();
    } else {
      const body = typeof payload === "string" && payload.length > 0 ? payload : "null";
      await db
        .updateTable("idempotency_keys")
        .set({ status_code: reply.statusCode, response: sql`${body}::jsonb` as unknown as string })
        .where("account_id", "=", accountId)
        .where("key", "=", key)
        .execute();
    }
    return payload;
  });
}
