import { type Kysely, sql } from "kysely";

/**
 * The address a conversation's replies are emailed to when the customer left
 * one with a message (the chat widget's offline form), rather than the
 * contact's own email addresses.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table conversations add column reply_address text`.execute(db);
}
