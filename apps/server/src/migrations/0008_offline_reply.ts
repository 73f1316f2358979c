import { type Kysely, sql } from "kysely";

/**
 * The address a conversation's replies are emailed to when the customer left
 * one with a message (the chat widget's offline form), rather than the
 * contact's own email addresses; and the email inbox a widget answers such
 * messages through (null: the account's first).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table conversations add column reply_address text`.execute(db);
  await sql`alter table widgets add column reply_inbox_id bigint,
    add constraint widgets_reply_inbox_fk foreign key (account_id, reply_inbox_id)
      references inboxes (account_id, id) on delete set null (reply_inbox_id)`.execute(db);
}
