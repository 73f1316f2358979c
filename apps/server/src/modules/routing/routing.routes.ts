import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { principalOf } from "../../platform/auth";
import { IdParams } from "../users/users.schemas";
import {
  AgentRoutingListReply,
  AgentRoutingSchema,
  RoutingSettingsSchema,
  SetCapacityBody,
  UpdateRoutingSettingsBody,
} from "./routing.schemas";
import {
  getRoutingSettings,
  listAgentRouting,
  setAgentCapacity,
  updateRoutingSettings,
} from "./routing.service";

const tags = ["routing"];

/** Automatic assignment: settings and per-agent capacity. */
export async function registerRoutingRoutes(api: FastifyInstance): Promise<void> {
  const r = api.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    "/routing/settings",
    { schema: { tags, summary: "Automatic assignment settings", response: { 200: RoutingSettingsSchema } } },
    async (request) => getRoutingSettings(api.ctx, principalOf(request)),
  );

  r.patch(
    "/routing/settings",
    {
      schema: {
        tags,
        summary: "Turn automatic assignment on or off, set the default capacity (admin+)",
        body: UpdateRoutingSettingsBody,
        response: { 200: RoutingSettingsSchema },
      },
    },
    async (request) => updateRoutingSettings(api.ctx, principalOf(request), request.body),
  );

  r.get(
    "/routing/agents",
    {
      schema: {
        tags,
        summary: "Every active agent's capacity, open conversations and presence",
        response: { 200: AgentRoutingListReply },
      },
    },
    async (request) => ({ items: await listAgentRouting(api.ctx, principalOf(request)) }),
  );

  r.put(
    "/routing/agents/:id",
    {
      schema: {
        tags,
        summary: "Set an agent's capacity; null takes the account default (admin+)",
        params: IdParams,
        body: SetCapacityBody,
        response: { 200: AgentRoutingSchema },
      },
    },
    async (request) =>
      setAgentCapacity(api.ctx, principalOf(request), request.params.id, request.body.capacity),
  );
}
