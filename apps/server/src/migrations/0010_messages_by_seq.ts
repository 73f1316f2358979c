import { type Kysely, sql } from "kysely";

/**
 * A conversation's messages are read in sequence order through messages_seq
 * (account_id, conversation_id, seq), which numbers them in the order their
 * ids were given out (both are taken under the conversation row's lock). The
 * older index on (account_id, conversation_id, id) served the same reads and
 * cost every new message one more index entry.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists messages_conversation`.execute(db);
}
