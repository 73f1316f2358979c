import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { principalOf } from "../../platform/auth";
import { IdParams } from "../users/users.schemas";
import { CreateTeamBody, TeamListReply, TeamSchema, UpdateTeamBody } from "./teams.schemas";
import { createTeam, deleteTeam, listTeams, updateTeam } from "./teams.service";

const tags = ["teams"];

/** Teams: anyone may list them; admins and owners change them. */
export async function registerTeamsRoutes(api: FastifyInstance): Promise<void> {
  const r = api.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    "/teams",
    { schema: { tags, summary: "The account's teams with their members", response: { 200: TeamListReply } } },
    async (request) => ({ items: await listTeams(api.ctx, principalOf(request)) }),
  );

  r.post(
    "/teams",
    {
      schema: {
        tags,
        summary: "Create a team (admin+)",
        description: "409 conflict when another team has the name.",
        body: CreateTeamBody,
        response: { 201: TeamSchema },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await createTeam(api.ctx, principalOf(request), request.body)),
  );

  r.patch(
    "/teams/:id",
    {
      schema: {
        tags,
        summary: "Rename a team or replace its members (admin+)",
        params: IdParams,
        body: UpdateTeamBody,
        response: { 200: TeamSchema },
      },
    },
    async (request) => updateTeam(api.ctx, principalOf(request), request.params.id, request.body),
  );

  r.delete(
    "/teams/:id",
    {
      schema: {
        tags,
        summary: "Delete a team (admin+); its conversations stay, without a team",
        params: IdParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await deleteTeam(api.ctx, principalOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
}
