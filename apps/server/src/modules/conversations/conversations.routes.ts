import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { principalOf } from "../../platform/auth";
import { assignConversation, bulkUpdateConversations, updateConversation } from "./assignment.service";
import { actorOf, authorizeConversations } from "./conversations.policy";
import {
  AssignBody,
  BulkBody,
  BulkResult,
  ConversationDetailSchema,
  ConversationPage,
  CountsSchema,
  CreateConversationBody,
  ErrorSchema,
  EventList,
  errorResponses,
  IdParams,
  ListConversationsQuery,
  PageQuery,
  UpdateConversationBody,
} from "./conversations.schemas";
import {
  conversationCounts,
  conversationEvents,
  createConversation,
  getConversation,
  listContactConversations,
  listConversations,
} from "./conversations.service";
import { registerMessagesRoutes } from "./messages.routes";

const tags = ["conversations"];

/** Routes of /conversations, their messages, and /contacts/{id}/conversations. */
export async function registerConversationsRoutes(api: FastifyInstance): Promise<void> {
  const r = api.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    "/conversations",
    {
      schema: {
        tags,
        summary: "List conversations, newest activity first",
        description:
          "`view=mine` is assigned to the caller, `unassigned` has no assignee; filters combine. " +
          "Pass `nextCursor` back as `cursor` for the next page.",
        querystring: ListConversationsQuery,
        response: { 200: ConversationPage, ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      authorizeConversations(principal, "read");
      return listConversations(api.ctx, actorOf(principal), request.query);
    },
  );

  r.get(
    "/conversations/counts",
    {
      schema: {
        tags,
        summary: "Count conversations for the inbox views",
        response: { 200: CountsSchema, ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      authorizeConversations(principal, "read");
      return conversationCounts(api.ctx, { ...actorOf(principal), userId: principal.userId });
    },
  );

  r.post(
    "/conversations",
    {
      schema: {
        tags,
        summary: "Open a conversation from a customer's message",
        description:
          "The contact is found by email (then phone) or created. Send an `Idempotency-Key` header " +
          "to make retries safe.",
        body: CreateConversationBody,
        response: { 201: ConversationDetailSchema, ...errorResponses, 422: ErrorSchema },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      authorizeConversations(principal, "create");
      const conversation = await createConversation(api.ctx, actorOf(principal), request.body);
      return reply.code(201).send(conversation);
    },
  );

  r.post(
    "/conversations/bulk",
    {
      schema: {
        tags,
        summary: "Change up to 100 conversations at once",
        description: "Ids outside the account are ignored; `updated` counts the conversations that changed.",
        body: BulkBody,
        response: { 200: BulkResult, ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      authorizeConversations(principal, "bulk");
      return bulkUpdateConversations(api.ctx, actorOf(principal), request.body);
    },
  );

  r.get(
    "/conversations/:id",
    {
      schema: {
        tags,
        summary: "Get a conversation with its contact",
        params: IdParams,
        response: { 200: ConversationDetailSchema, ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      authorizeConversations(principal, "read");
      return getConversation(api.ctx.db, principal.accountId, request.params.id);
    },
  );

  r.patch(
    "/conversations/:id",
    {
      schema: {
        tags,
        summary: "Change a conversation",
        description: "Moving into or out of `closed` takes a supervisor or above.",
        params: IdParams,
        body: UpdateConversationBody,
        response: { 200: ConversationDetailSchema, ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      authorizeConversations(principal, "update");
      return updateConversation(api.ctx, actorOf(principal), request.params.id, request.body);
    },
  );

  r.post(
    "/conversations/:id/assign",
    {
      schema: {
        tags,
        summary: "Assign or transfer a conversation",
        description: "The reason is kept in the timeline; the new assignee is notified.",
        params: IdParams,
        body: AssignBody,
        response: { 200: ConversationDetailSchema, ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      authorizeConversations(principal, "assign");
      return assignConversation(api.ctx, actorOf(principal), request.params.id, request.body);
    },
  );

  r.get(
    "/conversations/:id/events",
    {
      schema: {
        tags,
        summary: "The timeline of a conversation: status, assignment and tag changes",
        params: IdParams,
        response: { 200: EventList, ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      authorizeConversations(principal, "read");
      return conversationEvents(api.ctx, actorOf(principal), request.params.id);
    },
  );

  r.get(
    "/contacts/:id/conversations",
    {
      schema: {
        tags: ["contacts"],
        summary: "List a contact's conversations, newest activity first",
        params: IdParams,
        querystring: PageQuery,
        response: { 200: ConversationPage, ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      authorizeConversations(principal, "read");
      return listContactConversations(api.ctx, actorOf(principal), request.params.id, request.query);
    },
  );

  await registerMessagesRoutes(api);
}
