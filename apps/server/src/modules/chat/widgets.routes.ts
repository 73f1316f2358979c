import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { principalOf } from "../../platform/auth";
import { actorOf } from "../conversations/conversations.policy";
import { authorizeWidgets } from "./widgets.policy";
import {
  CreateWidgetBody,
  errorResponses,
  IdParams,
  UpdateWidgetBody,
  WidgetList,
  WidgetSchema,
  WidgetWithSecretSchema,
} from "./widgets.schemas";
import {
  createWidget,
  deleteWidget,
  getWidget,
  listWidgets,
  regenerateWidgetSecret,
  updateWidget,
} from "./widgets.service";

const tags = ["widgets"];

/** Where browsers reach this server: KHIDMA_PUBLIC_URL, else the request's own scheme and host. */
export function baseUrlOf(request: FastifyRequest): string {
  return request.server.ctx.config.publicUrl ?? `${request.protocol}://${request.host}`;
}

/** Admin routes of live-chat widgets: /widgets. */
export async function registerWidgetsRoutes(api: FastifyInstance): Promise<void> {
  const r = api.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    "/widgets",
    {
      schema: {
        tags,
        summary: "List the live-chat widgets",
        response: { 200: WidgetList, ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      authorizeWidgets(principal);
      return { items: await listWidgets(api.ctx, actorOf(principal), baseUrlOf(request)) };
    },
  );

  r.post(
    "/widgets",
    {
      config: { secretResponse: true },
      schema: {
        tags,
        summary: "Create a widget (the identity secret is shown only in this answer)",
        body: CreateWidgetBody,
        response: { 201: WidgetWithSecretSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      authorizeWidgets(principal);
      const widget = await createWidget(api.ctx, actorOf(principal), request.body, baseUrlOf(request));
      return reply.code(201).send(widget);
    },
  );

  r.get(
    "/widgets/:id",
    {
      schema: {
        tags,
        summary: "One widget",
        params: IdParams,
        response: { 200: WidgetSchema, ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      authorizeWidgets(principal);
      return getWidget(api.ctx, actorOf(principal), request.params.id, baseUrlOf(request));
    },
  );

  r.patch(
    "/widgets/:id",
    {
      schema: {
        tags,
        summary: "Change a widget's settings",
        params: IdParams,
        body: UpdateWidgetBody,
        response: { 200: WidgetSchema, ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      authorizeWidgets(principal);
      return updateWidget(api.ctx, actorOf(principal), request.params.id, request.body, baseUrlOf(request));
    },
  );

  r.post(
    "/widgets/:id/identity-secret",
    {
      config: { secretResponse: true },
      schema: {
        tags,
        summary: "Replace the identity-verification secret (shown only in this answer)",
        params: IdParams,
        response: { 200: WidgetWithSecretSchema, ...errorResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      authorizeWidgets(principal);
      return regenerateWidgetSecret(api.ctx, actorOf(principal), request.params.id, baseUrlOf(request));
    },
  );

  r.delete(
    "/widgets/:id",
    {
      schema: {
        tags,
        summary: "Delete a widget and its visitors (their conversations stay)",
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      authorizeWidgets(principal);
      await deleteWidget(api.ctx, actorOf(principal), request.params.id);
      return reply.code(204).send(null);
    },
  );
}
