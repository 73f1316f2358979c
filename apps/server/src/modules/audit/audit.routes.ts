import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { principalOf } from "../../platform/auth";
import { EventPageReply, EventsQuery } from "./audit.schemas";
import { listAuditEvents } from "./audit.service";

const tags = ["audit"];

/** The audit log: every change in the account, as recorded by the events table. */
export async function registerAuditRoutes(api: FastifyInstance): Promise<void> {
  const r = api.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    "/events",
    {
      schema: {
        tags,
        summary: "The audit log, newest first (admin+)",
        querystring: EventsQuery,
        response: { 200: EventPageReply },
      },
    },
    async (request) => listAuditEvents(api.ctx, principalOf(request), request.query),
  );
}
