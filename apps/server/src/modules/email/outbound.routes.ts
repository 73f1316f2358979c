import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { principalOf } from "../../platform/auth";
import { IdSchema } from "../contacts/contacts.schemas";
import { actorOf, authorizeConversations } from "../conversations/conversations.policy";
import { errorResponses, IdParams, MessageSchema } from "../conversations/conversations.schemas";
import { getMessage } from "../conversations/messages.service";
import { inboxOfConversation, retryDelivery } from "./outbound.service";

const ConversationInbox = Type.Object({
  channel: Type.String(),
  inbox: Type.Union([
    Type.Object({ id: Type.Integer(), name: Type.String(), address: Type.String() }),
    Type.Null(),
  ]),
});

const RetryParams = Type.Object({ id: IdSchema, messageId: IdSchema }, { additionalProperties: false });

/** POST /conversations/{id}/messages/{messageId}/retry and GET /conversations/{id}/inbox. */
export async function registerOutboundRoutes(api: FastifyInstance): Promise<void> {
  const r = api.withTypeProvider<TypeBoxTypeProvider>();
  r.post(
    "/conversations/:id/messages/:messageId/retry",
    {
      schema: {
        tags: ["conversations"],
        summary: "Send a failed email reply again",
        description:
          "Queues the message for sending again; only a message whose delivery failed may be retried (409).",
        params: RetryParams,
        response: { 200: MessageSchema, ...errorResponses, 409: errorResponses[404] },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      authorizeConversations(principal, "message");
      const actor = actorOf(principal);
      await retryDelivery(api.ctx, actor, request.params.id, request.params.messageId);
      return getMessage(api.ctx, actor, request.params.id, request.params.messageId);
    },
  );

  r.get(
    "/conversations/:id/inbox",
    {
      schema: {
        tags: ["conversations"],
        summary: "The channel and inbox a conversation belongs to",
        description:
          "For the conversation header: agents see the inbox's name and address, not its settings.",
        params: IdParams,
        response: { 200: ConversationInbox, ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      authorizeConversations(principal, "read");
      return inboxOfConversation(api.ctx, actorOf(principal), request.params.id);
    },
  );
}
