import { type Kysely, sql } from "kysely";

/**
 * The email channel: inboxes (a support address with its optional SMTP and
 * IMAP settings), the email columns of messages (ids for threading and
 * dedupe, sanitised HTML, quoted history, delivery state), attachments, and
 * the bounce flag on a contact's address.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table inboxes (
      account_id bigint not null references accounts(id),
      id bigint generated always as identity,
      channel text not null default 'email' check (channel in ('email')),
      name text not null,
      address text not null check (address = lower(address)),
      signature text,
      auto_ack boolean not null default false,
      smtp jsonb,
      imap jsonb,
      imap_state jsonb,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      disabled_at timestamptz,
      primary key (account_id, id)
    )`.execute(db);
  // The SMTP receiver learns the account from the recipient address before
  // anything else, so an active address names one inbox across all accounts
  // (like login_identities, the one lookup that precedes the account).
  await sql`create unique index inboxes_address on inboxes (address) where disabled_at is null`.execute(db);

  // Channels are validated by the API; the database only keeps the value a
  // short lower-case word, so each channel does not have to rewrite this check.
  await sql`alter table conversations drop constraint if exists conversations_channel_check`.execute(db);
  await sql`alter table conversations add constraint conversations_channel_check
    check (channel ~ '^[a-z][a-z_]{0,31}$')`.execute(db);
  await sql`alter table conversations add column inbox_id bigint`.execute(db);
  await sql`alter table conversations add constraint conversations_inbox_fk
    foreign key (account_id, inbox_id) references inboxes (account_id, id)`.execute(db);
  await sql`create index conversations_by_inbox on conversations (account_id, inbox_id, last_message_at desc, id desc)
    where inbox_id is not null`.execute(db);

  await sql`alter table messages
    add column email_message_id text,
    add column email_in_reply_to text,
    add column email_references text[] not null default '{}',
    add column email_meta jsonb,
    add column html text,
    add column quoted_text text,
    add column quoted_html text,
    add column delivery_state text,
    add column delivery_error text,
    add column delivered_at timestamptz`.execute(db);
  // The dedupe key of email in both directions, and the threading lookup.
  await sql`create unique index messages_email_id on messages (account_id, email_message_id)
    where email_message_id is not null`.execute(db);

  await sql`
    create table attachments (
      account_id bigint not null,
      id bigint generated always as identity,
      conversation_id bigint not null,
      message_id bigint,
      filename text not null,
      content_type text not null,
      size bigint not null,
      sha256 text not null,
      storage_key text not null,
      content_id text,
      inline boolean not null default false,
      created_at timestamptz not null default now(),
      primary key (account_id, id),
      foreign key (account_id, conversation_id) references conversations (account_id, id) on delete cascade,
      foreign key (account_id, message_id) references messages (account_id, id) on delete cascade
    )`.execute(db);
  await sql`create index attachments_message on attachments (account_id, message_id)`.execute(db);

  await sql`alter table contact_identifiers
    add column bounced_at timestamptz,
    add column bounce_reason text`.execute(db);
}
