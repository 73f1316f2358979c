import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { principalOf } from "../../platform/auth";
import { actorOf, authorizeConversations } from "./conversations.policy";
import {
  CreateMessageBody,
  errorResponses,
  IdParams,
  MessagePage,
  MessageSchema,
  PageQuery,
} from "./conversations.schemas";
import { addMessage, listMessages } from "./messages.service";

const tags = ["conversations"];

/** Routes of /conversations/{id}/messages. */
export async function registerMessagesRoutes(api: FastifyInstance): Promise<void> {
  const r = api.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    "/conversations/:id/messages",
    {
      schema: {
        tags,
        summary: "List the messages of a conversation, oldest first",
        params: IdParams,
        querystring: PageQuery,
        response: { 200: MessagePage, ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      authorizeConversations(principal, "read");
      return listMessages(api.ctx, actorOf(principal), request.params.id, request.query);
    },
  );

  r.post(
    "/conversations/:id/messages",
    {
      schema: {
        tags,
        summary: "Reply to the customer or add an internal note",
        description:
          "Notes may mention agents as `@[Name](user:ID)` or `@localpart` of their email; each is notified.",
        params: IdParams,
        body: CreateMessageBody,
        response: { 201: MessageSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      authorizeConversations(principal, "message");
      const message = await addMessage(api.ctx, actorOf(principal), request.params.id, request.body);
      return reply.code(201).send(message);
    },
  );
}
