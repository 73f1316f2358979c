import type { Executor } from "../../platform/db";

/** A page of the account's events, newest first, with the actor's name. */
export function listEvents(
  db: Executor,
  accountId: number,
  filter: { subjectType?: string | undefined; subjectId?: number | undefined; beforeId?: number | undefined },
  limit: number,
) {
  let q = db
    .selectFrom("events")
    .leftJoin("users", (j) =>
      j.onRef("users.account_id", "=", "events.account_id").onRef("users.id", "=", "events.actor_user_id"),
    )
    .select([
      "events.id",
      "events.actor_user_id",
      "users.name as actor_name",
      "events.type",
      "events.subject_type",
      "events.subject_id",
      "events.before",
      "events.after",
      "events.created_at",
    ])
    .where("events.account_id", "=", accountId);
  if (filter.subjectType !== undefined) q = q.where("events.subject_type", "=", filter.subjectType);
  if (filter.subjectId !== undefined) q = q.where("events.subject_id", "=", filter.subjectId);
  if (filter.beforeId !== undefined) q = q.where("events.id", "<", filter.beforeId);
  return q.orderBy("events.id", "desc").limit(limit).execute();
}
