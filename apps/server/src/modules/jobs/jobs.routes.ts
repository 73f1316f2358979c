import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { principalOf } from "../../platform/auth";
import { JOB_STATES, listJobs } from "../../platform/jobs";
import { decodeCursor, encodeCursor, PAGE_DEFAULT } from "../../platform/pagination";
import { errorResponses, PageQuery, stringEnum } from "../contacts/contacts.schemas";
import { canReadJobs } from "./jobs.policy";

const JobsQuery = Type.Object(
  { state: Type.Optional(stringEnum(JOB_STATES)), ...PageQuery.properties },
  { additionalProperties: false },
);

const JobSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  state: stringEnum(JOB_STATES),
  attempts: Type.Integer(),
  maxAttempts: Type.Integer(),
  payload: Type.Unknown(),
  lastError: Type.Union([Type.String(), Type.Null()]),
  runAt: Type.String({ format: "date-time" }),
  createdAt: Type.String({ format: "date-time" }),
  finishedAt: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
});

/** GET /jobs: the account's background jobs by state; dead ones are what admins look for. */
export async function registerJobsRoutes(api: FastifyInstance): Promise<void> {
  const r = api.withTypeProvider<TypeBoxTypeProvider>();
  r.get(
    "/jobs",
    {
      schema: {
        tags: ["jobs"],
        summary: "Background jobs of the account by state, newest first (admin+)",
        description:
          "state defaults to dead: jobs that failed their last attempt, with the last error. " +
          "A dead email send shows its message as failed; retry it from the message.",
        querystring: JobsQuery,
        response: {
          200: Type.Object({
            items: Type.Array(JobSchema),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      canReadJobs(principal);
      const limit = request.query.limit ?? PAGE_DEFAULT;
      const beforeId = request.query.cursor ? (decodeCursor(request.query.cursor, ["n"])[0] as number) : null;
      const rows = await listJobs(api.ctx.db, principal.accountId, {
        state: request.query.state ?? "dead",
        beforeId,
        limit: limit + 1,
      });
      const items = rows.slice(0, limit);
      const last = items.at(-1);
      return { items, nextCursor: rows.length > limit && last ? encodeCursor([last.id]) : null };
    },
  );
}
