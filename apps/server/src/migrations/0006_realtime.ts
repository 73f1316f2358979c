import { type Kysely, sql } from "kysely";

/**
 * Automatic assignment: a per-agent capacity (open conversations at once;
 * null takes the account's default), the account's routing settings and one
 * round-robin cursor per team (team 0 stands for the whole account). Presence
 * is not stored here: it lives in memory or Redis and expires with its node.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table users add column capacity integer check (capacity between 0 and 1000)`.execute(db);
  await sql`
    create table routing_settings (
      account_id bigint primary key references accounts(id),
      auto_assign boolean not null default false,
      default_capacity integer not null default 10 check (default_capacity between 0 and 1000),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`
    create table routing_cursors (
      account_id bigint not null references accounts(id),
      team_id bigint not null,
      last_user_id bigint not null default 0,
      primary key (account_id, team_id)
    )`.execute(db);
}
