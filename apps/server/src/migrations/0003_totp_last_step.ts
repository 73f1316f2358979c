import { type Kysely, sql } from "kysely";

/**
 * Remembers the last time step whose authenticator code a user signed in
 * with (or enabled two-factor sign-in with), so a code seen once — over a
 * shoulder, in a proxy log — cannot be used again while it is still valid.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table users add column totp_last_step bigint`.execute(db);
}
