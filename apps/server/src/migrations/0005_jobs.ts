import { type Kysely, sql } from "kysely";

/**
 * Durable background jobs. A row is enqueued in the transaction of the change
 * that needs it, so a job exists only if that change committed. Workers claim
 * due rows with FOR UPDATE SKIP LOCKED; `run_at` is the next time a row needs
 * attention: when it is due (queued) or when the lease of the worker running
 * it runs out (running), so one partial index serves every claim.
 *
 * The claim index cannot lead with account_id: workers take due work from
 * every account. It is partial and holds only queued and running rows, so it
 * stays as small as the backlog however many finished jobs are kept.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table jobs (
      account_id bigint not null references accounts(id),
      id bigint generated always as identity,
      name text not null,
      payload jsonb not null default '{}',
      state text not null default 'queued' check (state in ('queued','running','done','dead')),
      attempts int not null default 0,
      max_attempts int not null default 5,
      run_at timestamptz not null,
      locked_by text,
      last_error text,
      singleton_key text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      finished_at timestamptz,
      primary key (account_id, id)
    )`.execute(db);
  await sql`create index jobs_due on jobs (run_at) where state in ('queued','running')`.execute(db);
  await sql`create index jobs_state on jobs (account_id, state, id desc)`.execute(db);
  // At most one unfinished job per key: enqueueing the same work twice is a no-op.
  await sql`create unique index jobs_singleton on jobs (account_id, name, singleton_key)
    where singleton_key is not null and state in ('queued','running')`.execute(db);
}
