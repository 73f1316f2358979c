import { type Kysely, sql } from "kysely";

/**
 * Indexes for inbox views that 0001 cannot serve in order. `assignee_id is
 * null` does not fix the assignee column of conversations_assignee for the
 * planner, so the unassigned view would sort the whole set; a partial index
 * keeps it a short index walk. The team filter gets its own ordered index.
 * Inbox counts read only the unsolved conversations, through a partial index
 * that stays as small as the backlog however many closed ones pile up; unread
 * notifications get a partial index for badges and read-all.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index conversations_unassigned on conversations (account_id, last_message_at desc, id desc)
    where assignee_id is null`.execute(db);
  await sql`create index conversations_team on conversations (account_id, team_id, last_message_at desc, id desc)`.execute(
    db,
  );
  await sql`create index conversations_unsolved on conversations (account_id, status, assignee_id)
    where status in ('new', 'open', 'pending', 'on_hold')`.execute(db);
  await sql`create index notifications_unread on notifications (account_id, user_id) where read_at is null`.execute(
    db,
  );
}
