import { type Kysely, sql } from "kysely";

/** The email inbox a widget answers messages left outside business hours through (null: the account's first). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table widgets add column reply_inbox_id bigint,
    add constraint widgets_reply_inbox_fk foreign key (account_id, reply_inbox_id)
      references inboxes (account_id, id) on delete set null (reply_inbox_id)`.execute(db);
}
