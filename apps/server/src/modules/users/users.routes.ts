import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { principalOf } from "../../platform/auth";
import { IdParams, UpdateUserBody, UserListReply, UserSummarySchema } from "./users.schemas";
import { listUsers, updateUser } from "./users.service";

const tags = ["users"];

/** The account's users: list (any role) and change (admins; owners by owners). New users come by invitation. */
export async function registerUsersRoutes(api: FastifyInstance): Promise<void> {
  const r = api.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    "/users",
    { schema: { tags, summary: "The account's users", response: { 200: UserListReply } } },
    async (request) => ({ items: await listUsers(api.ctx, principalOf(request)) }),
  );

  r.patch(
    "/users/:id",
    {
      schema: {
        tags,
        summary: "Change a user's name, role or disabled state (admin+; owners only by an owner)",
        description:
          "409 conflict when the change would leave the account without an active owner, " +
          "or when you would disable yourself.",
        params: IdParams,
        body: UpdateUserBody,
        response: { 200: UserSummarySchema },
      },
    },
    async (request) => updateUser(api.ctx, principalOf(request), request.params.id, request.body),
  );
}
