import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { principalOf } from "../../platform/auth";
import { IdParams } from "../users/users.schemas";
import { CreateInboxBody, InboxListReply, InboxSchema, UpdateInboxBody } from "./inboxes.schemas";
import { createInbox, deleteInbox, getInbox, listInboxes, updateInbox } from "./inboxes.service";

const tags = ["inboxes"];

/** Email inboxes: admins and owners manage them; passwords are write-only. */
export async function registerInboxesRoutes(api: FastifyInstance): Promise<void> {
  const r = api.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    "/inboxes",
    { schema: { tags, summary: "The account's inboxes (admin+)", response: { 200: InboxListReply } } },
    async (request) => ({ items: await listInboxes(api.ctx, principalOf(request)) }),
  );

  r.get(
    "/inboxes/:id",
    { schema: { tags, summary: "One inbox (admin+)", params: IdParams, response: { 200: InboxSchema } } },
    async (request) => getInbox(api.ctx, principalOf(request), request.params.id),
  );

  r.post(
    "/inboxes",
    {
      schema: {
        tags,
        summary: "Create an email inbox (admin+)",
        description:
          "Only name and address are required. SMTP and IMAP passwords are encrypted at rest and never " +
          "returned. 409 conflict when another active inbox receives mail at the address.",
        body: CreateInboxBody,
        response: { 201: InboxSchema },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await createInbox(api.ctx, principalOf(request), request.body)),
  );

  r.patch(
    "/inboxes/:id",
    {
      schema: {
        tags,
        summary: "Change an inbox (admin+); omit a password to keep it, null clears a setting",
        params: IdParams,
        body: UpdateInboxBody,
        response: { 200: InboxSchema },
      },
    },
    async (request) => updateInbox(api.ctx, principalOf(request), request.params.id, request.body),
  );

  r.delete(
    "/inboxes/:id",
    {
      schema: {
        tags,
        summary: "Disable an inbox (admin+); its conversations stay",
        params: IdParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await deleteInbox(api.ctx, principalOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
}
