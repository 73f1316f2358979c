import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { principalOf } from "../../platform/auth";
import { IdParams } from "../users/users.schemas";
import { ApiTokenListReply, CreateApiTokenBody, CreateApiTokenReply } from "./api-tokens.schemas";
import { createApiToken, listApiTokens, revokeApiToken } from "./api-tokens.service";

const tags = ["api-tokens"];

/** Personal API tokens: each user manages their own; admins and owners see and revoke all. */
export async function registerApiTokensRoutes(api: FastifyInstance): Promise<void> {
  const r = api.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    "/api-tokens",
    {
      schema: {
        tags,
        summary: "Live API tokens: your own, or the whole account's for admins and owners",
        response: { 200: ApiTokenListReply },
      },
    },
    async (request) => ({ items: await listApiTokens(api.ctx, principalOf(request)) }),
  );

  r.post(
    "/api-tokens",
    {
      config: { secretResponse: true },
      schema: {
        tags,
        summary: "Create an API token for yourself (the token is shown only in this answer)",
        description: "Idempotency-Key is ignored here: the answer holds the token, which is never stored.",
        body: CreateApiTokenBody,
        response: { 201: CreateApiTokenReply },
      },
    },
    async (request, reply) => {
      const created = await createApiToken(api.ctx, principalOf(request), request.body.name);
      return reply.code(201).send(created);
    },
  );

  r.delete(
    "/api-tokens/:id",
    {
      schema: { tags, summary: "Revoke an API token", params: IdParams, response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      await revokeApiToken(api.ctx, principalOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
}
