import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { principalOf } from "../../platform/auth";
import { AppError } from "../../platform/errors";
import { conversationRoom } from "../../platform/realtime";
import { publishAfterCommit } from "../../platform/realtime-publish";
import { actorOf, authorizeConversations } from "../conversations/conversations.policy";
import { getConversation } from "../conversations/conversations.service";
import { raiseReadMark, visitorsOfConversation } from "./chat.repo";
import { errorResponses, IdParams } from "./widgets.schemas";

/**
 * POST /conversations/{id}/chat-read: the agent app tells the chat visitor how
 * far the agents have read (the widget shows "Seen"). A mark only rises.
 */
export async function registerChatAgentRoutes(api: FastifyInstance): Promise<void> {
  api.withTypeProvider<TypeBoxTypeProvider>().post(
    "/conversations/:id/chat-read",
    {
      schema: {
        tags: ["conversations"],
        summary: "Mark a live chat read up to a sequence number (the visitor sees it as read)",
        params: IdParams,
        body: Type.Object(
          { seq: Type.Integer({ minimum: 0, maximum: 2147483647 }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ seq: Type.Integer() }), ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      authorizeConversations(principal, "read");
      const actor = actorOf(principal);
      const conversation = await getConversation(api.ctx.db, actor.accountId, request.params.id);
      if (conversation.channel !== "chat")
        throw new AppError("not_found", { resource: "resource.conversation" });
      let mark = 0;
      for (const visitor of await visitorsOfConversation(api.ctx.db, actor.accountId, conversation.id)) {
        mark = Math.max(
          mark,
          await raiseReadMark(api.ctx.db, actor.accountId, visitor.id, "agent_read_seq", request.body.seq),
        );
      }
      publishAfterCommit(api.ctx, [
        {
          rooms: [conversationRoom(actor.accountId, conversation.id)],
          message: {
            type: "chat.read",
            accountId: actor.accountId,
            data: { conversationId: conversation.id, by: "agent", seq: mark },
          },
        },
      ]);
      return { seq: mark };
    },
  );
}
